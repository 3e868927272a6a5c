package apps_test

import (
	"net/http"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/samoobsluha/samoobsluha/bot/apps"
	"github.com/samoobsluha/samoobsluha/dialog"
	"github.com/samoobsluha/samoobsluha/upgates/upgatestest"
)

func TestNewValidatesOptions(t *testing.T) {
	shop := newEnv(t).shop
	tests := []struct {
		name string
		bot  string
		opts apps.Options
	}{
		{name: "no public URL", bot: "default", opts: apps.Options{Secret: testSecret}},
		{name: "relative public URL", bot: "default", opts: apps.Options{PublicURL: "/bot", Secret: testSecret}},
		{name: "ftp public URL", bot: "default", opts: apps.Options{PublicURL: "ftp://x.cz", Secret: testSecret}},
		{name: "short secret", bot: "default", opts: apps.Options{PublicURL: publicURL, Secret: []byte("short")}},
		{name: "no bot", bot: "", opts: apps.Options{PublicURL: publicURL, Secret: testSecret}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if a, err := apps.New(shop, tt.bot, tt.opts); err == nil {
				t.Fatalf("New(%q, %+v) = %v, nil; want an error", tt.bot, tt.opts, a)
			}
		})
	}
	if _, err := apps.New(nil, "default", apps.Options{PublicURL: publicURL, Secret: testSecret}); err == nil {
		t.Error("New(nil shop) succeeded, want an error")
	}
}

func TestCatalog(t *testing.T) {
	var names []string
	for _, s := range apps.Catalog() {
		names = append(names, s.Name)
		for _, r := range s.Required {
			found := false
			for _, p := range s.Params {
				found = found || p == r
			}
			if !found {
				t.Errorf("%s: required %q is not a parameter", s.Name, r)
			}
		}
	}
	want := []string{"append_note", "cancel_order", "change_status", "customer_email", "customer_orders",
		"order_detail", "order_documents", "overwrite_note", "verify_email", "verify_order", "verify_phone"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("Catalog() names (-want +got):\n%s", diff)
	}
}

// specOf returns the catalogue entry of app.
func specOf(t *testing.T, app string) dialog.AppSpec {
	t.Helper()
	for _, s := range apps.Catalog() {
		if s.Name == app {
			return s
		}
	}
	t.Fatalf("no app %s in Catalog", app)
	return dialog.AppSpec{}
}

// wantFieldsMatchCatalog checks that a yes map has exactly the catalogue's
// fields, and at least the seed's.
func wantFieldsMatchCatalog(t *testing.T, app string, m map[string]any, seed ...string) {
	t.Helper()
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fields := append([]string(nil), specOf(t, app).Fields...)
	sort.Strings(fields)
	if diff := cmp.Diff(fields, keys); diff != "" {
		t.Errorf("%s result keys differ from Catalog fields (-catalog +result):\n%s", app, diff)
	}
	for _, f := range seed {
		if _, ok := m[f]; !ok {
			t.Errorf("%s result lacks the seed's field %q", app, f)
		}
	}
}

func TestRunRejectsScenarioBugs(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name   string
		app    string
		params map[string]string
	}{
		{name: "unknown app", app: "delete_everything", params: map[string]string{"order": orderUnpaid}},
		{name: "unknown parameter", app: "verify_order", params: map[string]string{"order": orderUnpaid, "obj": "1"}},
		{name: "missing parameter", app: "verify_email", params: map[string]string{"order": orderUnpaid}},
		{name: "send_email not explicit", app: "change_status", params: map[string]string{"order": orderUnpaid, "status": "Přijatá", "send_email": ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.run(tt.app, tt.params, orderUnpaid)
			wantOutcome(t, tt.name, r, dialog.OutcomeError)
			t.Logf("Err: %v", r.Err)
		})
	}
	if n := e.total(); n != 0 {
		t.Errorf("scenario bugs sent %d requests to the shop, want 0", n)
	}
}

func TestVerifyOrder(t *testing.T) {
	unpaid := demoOrder(t, orderUnpaid)
	shipped := demoOrder(t, orderZas)
	tests := []struct {
		name         string
		order        string
		yes          bool
		want         map[string]any // fields to compare exactly, if any
		number       string         // the number field, if yes
		verifyFailed bool
		orderReads   int // GET /orders/... that reached the fake
	}{
		{
			name: "unpaid bank transfer", order: orderUnpaid, orderReads: 1, yes: true, number: orderUnpaid,
			want: map[string]any{
				"status": "Čeká na platbu", "billing": "Bankovní převod", "shipping": "PPL", "paid": false,
				"topay": unpaid.OrderTotal, "currency": "CZK", "tracking": "",
				"number": orderUnpaid, "statusid": float64(13), "statustype": "Custom", "trackingurl": "",
				"carrier": "ppl", "date": "2026-11-25", "paiddate": "", "cancellable": true, "banktransfer": true,
			},
		},
		{
			name: "shipped by Zásilkovna", order: orderZas, orderReads: 1, yes: true, number: orderZas,
			want: map[string]any{
				"status": "Odesláno", "billing": "Platba kartou online", "shipping": shipped.Shipment.Name, "paid": true,
				"topay": shipped.OrderTotal, "currency": "CZK", "tracking": "Z4081727365",
				"number": orderZas, "statusid": float64(17), "statustype": "Sent",
				"trackingurl": "https://tracking.packeta.com/cs_CZ/?id=Z4081727365",
				"carrier":     "zasilkovna", "date": "2026-11-18", "paiddate": "2026-11-18", "cancellable": false, "banktransfer": false,
			},
		},
		{name: "prefixed, typed in lower case with spaces", order: " o 2600117 ", orderReads: 1, yes: true, number: "O2600117"},
		{name: "voice candidates, second exists", order: "2026000199\n2026000110\n2026000101", orderReads: 2, yes: true, number: "2026000110"},
		{name: "unknown order", order: "2026000999", verifyFailed: true, orderReads: 1},
		{name: "not an order number", order: "FV/2026", verifyFailed: true, orderReads: 0},
		{name: "blank", order: "  ", orderReads: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			r := e.run("verify_order", map[string]string{"order": tt.order})
			if got := e.calls(http.MethodGet, "/orders/"); got != tt.orderReads {
				t.Errorf("order reads at the fake = %d, want %d", got, tt.orderReads)
			}
			if r.VerifyFailed != tt.verifyFailed {
				t.Errorf("VerifyFailed = %v, want %v", r.VerifyFailed, tt.verifyFailed)
			}
			if r.Verified != "" || r.Write {
				t.Errorf("Verified, Write = %q, %v; want \"\", false (verify_order proves no ownership)", r.Verified, r.Write)
			}
			if !tt.yes {
				wantOutcome(t, "verify_order", r, dialog.OutcomeNo)
				return
			}
			wantOutcome(t, "verify_order", r, dialog.OutcomeYes)
			m := fields(t, r)
			wantFieldsMatchCatalog(t, "verify_order", m, "status", "billing", "shipping", "paid", "topay", "currency", "tracking")
			if tt.want != nil {
				if diff := cmp.Diff(tt.want, m); diff != "" {
					t.Errorf("verify_order(%q) (-want +got):\n%s", tt.order, diff)
				}
			}
			if m["number"] != tt.number {
				t.Errorf("number = %v, want %s", m["number"], tt.number)
			}
		})
	}
}

func TestOrderDetail(t *testing.T) {
	unpaid := demoOrder(t, orderUnpaid)
	t.Run("owner, e-mail in other case and with spaces", func(t *testing.T) {
		e := newEnv(t)
		r := e.run("order_detail", map[string]string{"order": orderUnpaid, "email": "  Jana.Novakova@Seznam.CZ "})
		wantOutcome(t, "order_detail", r, dialog.OutcomeYes)
		if r.Verified != orderUnpaid || r.VerifyFailed {
			t.Errorf("Verified, VerifyFailed = %q, %v; want %q, false", r.Verified, r.VerifyFailed, orderUnpaid)
		}
		m := fields(t, r)
		wantFieldsMatchCatalog(t, "order_detail", m, "url", "phone", "status", "billing", "shipping", "paid", "topay", "currency", "tracking", "items")
		var wantItems []any
		for _, l := range unpaid.Products {
			brand := map[int]string{252: "Stanley"}[deref(l.ProductID)] // 296 (the mug) has no manufacturer
			wantItems = append(wantItems, map[string]any{
				"name": l.Title, "brand": brand, "code": l.Code, "quantity": l.Quantity, "price": l.PriceWithVAT,
			})
		}
		want := map[string]any{
			"url":           unpaid.AdminURL,
			"phone":         "+420 602 418 337",
			"items":         wantItems,
			"vs":            "2026000101",
			"invoicenumber": "",
			"status":        "Čeká na platbu",
			"topay":         unpaid.OrderTotal,
			"banktransfer":  true,
		}
		for k, v := range want {
			if diff := cmp.Diff(v, m[k]); diff != "" {
				t.Errorf("order_detail %s (-want +got):\n%s", k, diff)
			}
		}
		if got := e.calls(http.MethodGet, "/orders/"+orderUnpaid); got != 1 {
			t.Errorf("order reads = %d, want 1", got)
		}
		if got := e.calls(http.MethodGet, "/products"); got != 1 {
			t.Errorf("brand lookups = %d, want 1", got)
		}
		for _, c := range e.srv.Calls() {
			if c.Path == "/products" && c.Query.Get("product_ids") != "252;296" {
				t.Errorf("brand lookup product_ids = %q, want 252;296", c.Query.Get("product_ids"))
			}
		}
	})
	t.Run("gift line without product", func(t *testing.T) {
		e := newEnv(t)
		r := e.run("order_detail", map[string]string{"order": orderStock, "email": "eva.vesela@email.cz"})
		wantOutcome(t, "order_detail", r, dialog.OutcomeYes)
		items := fields(t, r)["items"].([]any)
		if len(items) != 4 {
			t.Fatalf("items = %d, want 4", len(items))
		}
		if got := items[3].(map[string]any); got["brand"] != "" || got["name"] != "Dárek: nášivka Horský sklad" {
			t.Errorf("gift item = %v, want name Dárek: nášivka Horský sklad and no brand", got)
		}
		if got := items[0].(map[string]any)["brand"]; got != "Therm-a-Rest" {
			t.Errorf("first brand = %v, want Therm-a-Rest", got)
		}
	})
	t.Run("brand lookup refused leaves brands empty", func(t *testing.T) {
		e := newEnv(t)
		e.srv.SetPermission("products", upgatestest.PermDeny)
		r := e.run("order_detail", map[string]string{"order": orderUnpaid, "email": janaEmail})
		wantOutcome(t, "order_detail", r, dialog.OutcomeYes)
		for _, it := range fields(t, r)["items"].([]any) {
			if b := it.(map[string]any)["brand"]; b != "" {
				t.Errorf("brand = %v with products denied, want empty", b)
			}
		}
	})
	t.Run("voice candidates", func(t *testing.T) {
		e := newEnv(t)
		// 106 is Lucie's: her e-mail is not among the candidates, so the
		// second order candidate is tried and matches the second e-mail.
		r := e.run("order_detail", map[string]string{
			"order": orderReady + "\n" + orderUnpaid,
			"email": "jana.novakova@seznam.com\n" + janaEmail,
		})
		wantOutcome(t, "order_detail", r, dialog.OutcomeYes)
		if r.Verified != orderUnpaid {
			t.Errorf("Verified = %q, want %q", r.Verified, orderUnpaid)
		}
	})
	t.Run("already verified in the session, no e-mail", func(t *testing.T) {
		e := newEnv(t)
		r := e.run("order_detail", map[string]string{"order": orderNoMail, "email": ""}, orderNoMail)
		wantOutcome(t, "order_detail", r, dialog.OutcomeYes)
		if got := fields(t, r)["phone"]; got != "+420 604 287 553" {
			t.Errorf("phone = %v, want +420 604 287 553", got)
		}
	})
	nos := []struct {
		name, order, email string
		verifyFailed       bool
		calls              int
	}{
		{name: "near miss", order: orderUnpaid, email: "jana.novakova@seznam.c", verifyFailed: true, calls: 1},
		{name: "another customer's e-mail", order: orderUnpaid, email: lucieEmail, verifyFailed: true, calls: 1},
		{name: "order without e-mail", order: orderNoMail, email: "jaroslav.benes@seznam.cz", verifyFailed: true, calls: 1},
		{name: "unknown order", order: "2026000999", email: janaEmail, verifyFailed: true, calls: 1},
		{name: "blank e-mail, not verified", order: orderUnpaid, email: " ", calls: 0},
	}
	for _, tt := range nos {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			r := e.run("order_detail", map[string]string{"order": tt.order, "email": tt.email})
			wantOutcome(t, "order_detail", r, dialog.OutcomeNo)
			if r.VerifyFailed != tt.verifyFailed || r.Verified != "" {
				t.Errorf("VerifyFailed, Verified = %v, %q; want %v, \"\"", r.VerifyFailed, r.Verified, tt.verifyFailed)
			}
			if got := e.total(); got != tt.calls {
				t.Errorf("requests = %d, want %d (no brand lookup for a stranger)", got, tt.calls)
			}
		})
	}
}

func TestCustomerEmail(t *testing.T) {
	e := newEnv(t)
	r := e.run("customer_email", map[string]string{"order": orderUnpaid})
	wantOutcome(t, "customer_email", r, dialog.OutcomeYes)
	if diff := cmp.Diff(map[string]any{"email": janaEmail}, r.Value); diff != "" {
		t.Errorf("customer_email (-want +got):\n%s", diff)
	}
	wantFieldsMatchCatalog(t, "customer_email", fields(t, r), "email")

	r = e.run("customer_email", map[string]string{"order": orderNoMail})
	wantOutcome(t, "customer_email without e-mail", r, dialog.OutcomeNo)
	if r.VerifyFailed {
		t.Error("an existing order without e-mail counted as a failed verification")
	}
	r = e.run("customer_email", map[string]string{"order": "2026000999"})
	wantOutcome(t, "customer_email unknown", r, dialog.OutcomeNo)
	if !r.VerifyFailed {
		t.Error("unknown order: VerifyFailed = false, want true")
	}
}

func TestVerifyEmail(t *testing.T) {
	tests := []struct {
		name, order, email string
		want               dialog.Outcome
		verifyFailed       bool
	}{
		{name: "match", order: orderReady, email: "LUCIE.prochazkova@seznam.cz", want: dialog.OutcomeYes},
		{name: "candidate matches", order: orderReady, email: "lucie.prochazka@seznam.cz\n" + lucieEmail, want: dialog.OutcomeYes},
		{name: "mismatch", order: orderReady, email: janaEmail, want: dialog.OutcomeNo, verifyFailed: true},
		{name: "no e-mail on the order", order: orderNoMail, email: "x@seznam.cz", want: dialog.OutcomeNo, verifyFailed: true},
		{name: "unknown order", order: "2026000998", email: janaEmail, want: dialog.OutcomeNo, verifyFailed: true},
		{name: "blank e-mail", order: orderReady, email: "", want: dialog.OutcomeNo},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			r := e.run("verify_email", map[string]string{"order": tt.order, "email": tt.email})
			wantOutcome(t, "verify_email", r, tt.want)
			if r.VerifyFailed != tt.verifyFailed {
				t.Errorf("VerifyFailed = %v, want %v", r.VerifyFailed, tt.verifyFailed)
			}
			if tt.want == dialog.OutcomeYes && (r.Value != true || r.Verified != tt.order) {
				t.Errorf("Value, Verified = %v, %q; want true, %q", r.Value, r.Verified, tt.order)
			}
		})
	}
}

func TestVerifyPhone(t *testing.T) {
	tests := []struct {
		name, order, phone string
		region             string
		want               dialog.Outcome
		verifyFailed       bool
		calls              int
	}{
		{name: "international", order: orderUnpaid, phone: "+420602418337", want: dialog.OutcomeYes, calls: 1},
		{name: "national with spaces", order: orderUnpaid, phone: "602 418 337", want: dialog.OutcomeYes, calls: 1},
		{name: "00 prefix", order: orderUnpaid, phone: "00420 602 418 337", want: dialog.OutcomeYes, calls: 1},
		{name: "order without e-mail", order: orderNoMail, phone: "+420604287553", want: dialog.OutcomeYes, calls: 1},
		{name: "Austrian number", order: "2026000110", phone: "+43 664 3152208", want: dialog.OutcomeYes, calls: 1},
		{name: "national number read in Slovakia", order: orderUnpaid, phone: "602 418 337", region: "SK",
			want: dialog.OutcomeNo, verifyFailed: true, calls: 1},
		{name: "other number", order: orderUnpaid, phone: "+420602418338", want: dialog.OutcomeNo, verifyFailed: true, calls: 1},
		{name: "hidden caller", order: orderUnpaid, phone: "", want: dialog.OutcomeNo, calls: 0},
		{name: "not a number", order: orderUnpaid, phone: "12", want: dialog.OutcomeNo, calls: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, func(o *apps.Options) { o.Region = tt.region })
			r := e.run("verify_phone", map[string]string{"order": tt.order, "phone": tt.phone})
			wantOutcome(t, "verify_phone", r, tt.want)
			if r.VerifyFailed != tt.verifyFailed {
				t.Errorf("VerifyFailed = %v, want %v", r.VerifyFailed, tt.verifyFailed)
			}
			if tt.want == dialog.OutcomeYes && r.Verified != tt.order {
				t.Errorf("Verified = %q, want %q", r.Verified, tt.order)
			}
			if got := e.total(); got != tt.calls {
				t.Errorf("requests = %d, want %d", got, tt.calls)
			}
		})
	}
}

func TestCustomerOrders(t *testing.T) {
	// Jana: 101, 102, 107 with her account and 113 as a guest.
	wantJana := []any{
		map[string]any{"orderid": "2026000113", "date": "2026-11-27", "price": demoOrder(t, "2026000113").OrderTotal, "currency": "CZK", "status": "Přijatá"},
		map[string]any{"orderid": "2026000101", "date": "2026-11-25", "price": demoOrder(t, "2026000101").OrderTotal, "currency": "CZK", "status": "Čeká na platbu"},
		map[string]any{"orderid": "2026000102", "date": "2026-11-18", "price": demoOrder(t, "2026000102").OrderTotal, "currency": "CZK", "status": "Odesláno"},
		map[string]any{"orderid": "2026000107", "date": "2026-11-03", "price": demoOrder(t, "2026000107").OrderTotal, "currency": "CZK", "status": "Doručeno"},
	}
	tests := []struct {
		name     string
		params   map[string]string
		verified []string
		want     map[string]any // nil: no
		calls    int
	}{
		{name: "by verified order", params: map[string]string{"order": orderZas}, verified: []string{orderZas},
			want: map[string]any{"count": float64(4), "orders": wantJana}, calls: 2},
		{name: "by customer id holding a verified order", params: map[string]string{"customer_id": "5001"}, verified: []string{orderUnpaid},
			want: map[string]any{"count": float64(4), "orders": wantJana}, calls: 2},
		// A customer id comes from the browser: alone it proves nothing.
		{name: "by customer id alone", params: map[string]string{"customer_id": "5001"}, calls: 2},
		{name: "by customer id, another customer's order verified", params: map[string]string{"customer_id": "5001"}, verified: []string{orderReady}, calls: 2},
		{name: "verified order wins over customer id", params: map[string]string{"order": orderReady, "customer_id": "5001"},
			verified: []string{orderReady}, calls: 2},
		{name: "unverified order", params: map[string]string{"order": orderZas}, calls: 0},
		{name: "unknown customer", params: map[string]string{"customer_id": "9999"}, calls: 1},
		{name: "customer without e-mail", params: map[string]string{"customer_id": "5005"}, calls: 1},
		{name: "bad customer id", params: map[string]string{"customer_id": "abc"}, calls: 0},
		{name: "order without e-mail", params: map[string]string{"order": orderNoMail}, verified: []string{orderNoMail}, calls: 1},
		{name: "nothing", params: map[string]string{}, calls: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			r := e.run("customer_orders", tt.params, tt.verified...)
			if got := e.total(); got != tt.calls {
				t.Errorf("requests = %d, want %d", got, tt.calls)
			}
			if tt.want == nil && tt.name != "verified order wins over customer id" {
				wantOutcome(t, "customer_orders", r, dialog.OutcomeNo)
				return
			}
			wantOutcome(t, "customer_orders", r, dialog.OutcomeYes)
			m := fields(t, r)
			wantFieldsMatchCatalog(t, "customer_orders", m, "count", "orders")
			if tt.want == nil { // Lucie's single order, not Jana's four
				if m["count"] != float64(1) {
					t.Errorf("count = %v, want 1", m["count"])
				}
				return
			}
			if diff := cmp.Diff(tt.want, m); diff != "" {
				t.Errorf("customer_orders (-want +got):\n%s", diff)
			}
		})
	}
}

func TestStatusNameInConversationLanguage(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct{ lang, want string }{
		{"en", "Awaiting payment"},
		{"cs", "Čeká na platbu"},
		{"", "Čeká na platbu"}, // the order's own language
	} {
		res := e.apps.Run(t.Context(), apps.Call{App: "verify_order", Params: map[string]string{"order": orderUnpaid}, Lang: tc.lang})
		fields, _ := res.Value.(map[string]any)
		if res.Outcome != dialog.OutcomeYes || fields["status"] != tc.want {
			t.Errorf("verify_order in %q: status = %v (%v), want %q", tc.lang, fields["status"], res.Outcome, tc.want)
		}
	}
}
