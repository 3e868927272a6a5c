package apps_test

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/samoobsluha/samoobsluha/bot/apps"
	"github.com/samoobsluha/samoobsluha/dialog"
	"github.com/samoobsluha/samoobsluha/upgates"
	"github.com/samoobsluha/samoobsluha/upgates/upgatestest"
)

func TestChangeStatus(t *testing.T) {
	tests := []struct {
		name, order, status, send string
		verified                  []string
		want                      dialog.Outcome
		wantStatus                int  // status id at the fake afterwards
		wantPut                   bool // a PUT reached the fake
		wantSendFlag              bool // its send_emails_yn
		wantEmails                int  // e-mails in the fake's outbox
	}{
		{name: "Czech name, no e-mail", order: orderUnpaid, status: "Vyřizuje se", send: "false", verified: []string{orderUnpaid},
			want: dialog.OutcomeYes, wantStatus: 12, wantPut: true},
		{name: "English name in lower case, e-mail", order: orderUnpaid, status: " paid ", send: "true", verified: []string{orderUnpaid},
			want: dialog.OutcomeYes, wantStatus: 14, wantPut: true, wantSendFlag: true, wantEmails: 1},
		{name: "id", order: orderReady, status: "19", send: "false", verified: []string{orderReady},
			want: dialog.OutcomeYes, wantStatus: 19, wantPut: true},
		{name: "type, e-mail suppressed though the status has a template", order: orderReady, status: "type:Canceled", send: "false",
			verified: []string{orderReady}, want: dialog.OutcomeYes, wantStatus: 19, wantPut: true},
		{name: "already in that status", order: orderZas, status: "Odesláno", send: "true", verified: []string{orderZas},
			want: dialog.OutcomeYes, wantStatus: 17},
		{name: "not verified in this session", order: orderUnpaid, status: "Vyřizuje se", send: "false",
			want: dialog.OutcomeNo, wantStatus: 13},
		{name: "verified another order", order: orderUnpaid, status: "Vyřizuje se", send: "false", verified: []string{orderZas},
			want: dialog.OutcomeNo, wantStatus: 13},
		{name: "unknown status", order: orderUnpaid, status: "Ztraceno", send: "false", verified: []string{orderUnpaid},
			want: dialog.OutcomeError, wantStatus: 13},
		{name: "send_email not a flag", order: orderUnpaid, status: "Vyřizuje se", send: "asi", verified: []string{orderUnpaid},
			want: dialog.OutcomeError, wantStatus: 13},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			r := e.run("change_status", map[string]string{"order": tt.order, "status": tt.status, "send_email": tt.send}, tt.verified...)
			wantOutcome(t, "change_status", r, tt.want)
			if tt.want == dialog.OutcomeYes && r.Value != true {
				t.Errorf("Value = %#v, want true", r.Value)
			}
			if r.Write != tt.wantPut {
				t.Errorf("Write = %v, want %v", r.Write, tt.wantPut)
			}
			puts := e.calls(http.MethodPut, "/orders")
			if (puts == 1) != tt.wantPut || puts > 1 {
				t.Fatalf("PUT /orders reached the fake %d times, want put %v", puts, tt.wantPut)
			}
			if tt.wantPut {
				body := e.lastBody(http.MethodPut, "/orders")
				wantBody := map[string]any{
					"send_emails_yn": tt.wantSendFlag,
					"send_sms_yn":    false,
					"orders":         []any{map[string]any{"order_number": tt.order, "status_id": float64(tt.wantStatus)}},
				}
				if diff := cmp.Diff(wantBody, body); diff != "" {
					t.Errorf("PUT /orders body (-want +got):\n%s", diff)
				}
			}
			if got := deref(e.shopOrder(tt.order).StatusID); got != tt.wantStatus {
				t.Errorf("status at the fake = %d, want %d", got, tt.wantStatus)
			}
			out := e.srv.Outbox()
			if len(out) != tt.wantEmails {
				t.Fatalf("outbox = %d e-mails, want %d", len(out), tt.wantEmails)
			}
			if tt.wantEmails == 1 && (out[0].To != janaEmail || out[0].StatusID != tt.wantStatus) {
				t.Errorf("e-mail to %q for status %d, want %q, %d", out[0].To, out[0].StatusID, janaEmail, tt.wantStatus)
			}
		})
	}
}

func TestCancelOrder(t *testing.T) {
	tests := []struct {
		name, order, send string
		verified          []string
		cancellable       func(*upgates.Order) bool
		want              dialog.Outcome
		wantStatus        int
		wantEmails        int
	}{
		{name: "awaiting payment, e-mail", order: orderUnpaid, send: "true", verified: []string{orderUnpaid},
			want: dialog.OutcomeYes, wantStatus: 19, wantEmails: 1},
		{name: "paid, ready to ship, no e-mail", order: orderReady, send: "false", verified: []string{orderReady},
			want: dialog.OutcomeYes, wantStatus: 19},
		{name: "shipped", order: orderZas, send: "true", verified: []string{orderZas},
			want: dialog.OutcomeNo, wantStatus: 17},
		{name: "already cancelled", order: orderCancel, send: "true", verified: []string{orderCancel},
			want: dialog.OutcomeNo, wantStatus: 19},
		{name: "not verified", order: orderUnpaid, send: "true",
			want: dialog.OutcomeNo, wantStatus: 13},
		{name: "shop's own rule says no", order: orderUnpaid, send: "true", verified: []string{orderUnpaid},
			cancellable: func(o *upgates.Order) bool { return o.Paid() }, want: dialog.OutcomeNo, wantStatus: 13},
		{name: "shop's own rule says yes", order: orderReady, send: "false", verified: []string{orderReady},
			cancellable: func(o *upgates.Order) bool { return o.Paid() }, want: dialog.OutcomeYes, wantStatus: 19},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, func(o *apps.Options) { o.Cancellable = tt.cancellable })
			r := e.run("cancel_order", map[string]string{"order": tt.order, "send_email": tt.send}, tt.verified...)
			wantOutcome(t, "cancel_order", r, tt.want)
			if r.Write != (tt.want == dialog.OutcomeYes) {
				t.Errorf("Write = %v, want %v", r.Write, tt.want == dialog.OutcomeYes)
			}
			if got := deref(e.shopOrder(tt.order).StatusID); got != tt.wantStatus {
				t.Errorf("status at the fake = %d, want %d", got, tt.wantStatus)
			}
			if tt.want == dialog.OutcomeYes {
				wantBody := map[string]any{
					"send_emails_yn": tt.send == "true",
					"send_sms_yn":    false,
					"orders":         []any{map[string]any{"order_number": tt.order, "status_id": float64(19)}},
				}
				if diff := cmp.Diff(wantBody, e.lastBody(http.MethodPut, "/orders")); diff != "" {
					t.Errorf("PUT /orders body (-want +got):\n%s", diff)
				}
				// The decision was made on a fresh read, not a cached copy.
				if got := e.calls(http.MethodGet, "/orders"); got != 1 || e.srv.CallCount(upgatestest.ByMethod(http.MethodGet), upgatestest.ByPath("/orders")) != 1 {
					t.Errorf("order reads = %d, want 1 list read by number", got)
				}
			} else if got := e.calls(http.MethodPut, "/orders"); got != 0 {
				t.Errorf("PUTs = %d, want 0", got)
			}
			if got := len(e.srv.Outbox()); got != tt.wantEmails {
				t.Errorf("outbox = %d e-mails, want %d", got, tt.wantEmails)
			}
			if tt.verified == nil && e.total() != 0 {
				t.Errorf("an unverified cancel sent %d requests, want 0", e.total())
			}
		})
	}

	t.Run("reads fresh and reports the change", func(t *testing.T) {
		e := newEnv(t)
		// A cached copy from before the cancel...
		r := e.run("verify_order", map[string]string{"order": orderUnpaid})
		if fields(t, r)["cancellable"] != true {
			t.Fatalf("cancellable before = %v, want true", fields(t, r)["cancellable"])
		}
		r = e.run("cancel_order", map[string]string{"order": orderUnpaid, "send_email": "false"}, orderUnpaid)
		wantOutcome(t, "cancel_order", r, dialog.OutcomeYes)
		// ...is invalidated by the write.
		m := fields(t, e.run("verify_order", map[string]string{"order": orderUnpaid}))
		if m["statustype"] != "Canceled" || m["cancellable"] != false || m["status"] != "Stornováno" {
			t.Errorf("after cancel: statustype, cancellable, status = %v, %v, %v; want Canceled, false, Stornováno",
				m["statustype"], m["cancellable"], m["status"])
		}
		if got := e.calls(http.MethodGet, "/orders"); got != 3 {
			t.Errorf("order reads = %d, want 3 (cached read, fresh read before the write, read after it)", got)
		}
		// A second cancel is a no and writes nothing.
		r = e.run("cancel_order", map[string]string{"order": orderUnpaid, "send_email": "false"}, orderUnpaid)
		wantOutcome(t, "second cancel_order", r, dialog.OutcomeNo)
		if got := e.calls(http.MethodPut, "/orders"); got != 1 {
			t.Errorf("PUTs = %d, want 1", got)
		}
	})
}

func TestNotes(t *testing.T) {
	const stamp = "[samoobsluha 2026-11-27 09:30] "
	oldNote := deref(demoOrder(t, orderZas).InternalNote)

	t.Run("append keeps the old note", func(t *testing.T) {
		e := newEnv(t)
		r := e.run("append_note", map[string]string{"order": orderZas, "text": "  Zákazník žádá zaslání faktury e-mailem. "}, orderZas)
		wantOutcome(t, "append_note", r, dialog.OutcomeYes)
		if r.Value != true || !r.Write {
			t.Errorf("Value, Write = %v, %v; want true, true", r.Value, r.Write)
		}
		want := oldNote + "\n" + stamp + "Zákazník žádá zaslání faktury e-mailem."
		if got := deref(e.shopOrder(orderZas).InternalNote); got != want {
			t.Errorf("note = %q, want %q", got, want)
		}
		body := e.lastBody(http.MethodPut, "/orders")
		if body["send_emails_yn"] != false {
			t.Errorf("send_emails_yn = %v, want false", body["send_emails_yn"])
		}
		e.advance(61 * 1e9)
		r = e.run("append_note", map[string]string{"order": orderZas, "text": "Druhý řádek."}, orderZas)
		wantOutcome(t, "second append_note", r, dialog.OutcomeYes)
		want += "\n[samoobsluha 2026-11-27 09:31] Druhý řádek."
		if got := deref(e.shopOrder(orderZas).InternalNote); got != want {
			t.Errorf("note after two appends = %q, want %q", got, want)
		}
		if got := e.calls(http.MethodPut, "/orders"); got != 2 {
			t.Errorf("PUTs = %d, want 2", got)
		}
	})
	t.Run("append to an empty note", func(t *testing.T) {
		e := newEnv(t)
		r := e.run("append_note", map[string]string{"order": orderUnpaid, "text": "Chce mluvit s operátorem."}, orderUnpaid)
		wantOutcome(t, "append_note", r, dialog.OutcomeYes)
		if got, want := deref(e.shopOrder(orderUnpaid).InternalNote), stamp+"Chce mluvit s operátorem."; got != want {
			t.Errorf("note = %q, want %q", got, want)
		}
	})
	t.Run("append reads past the cache", func(t *testing.T) {
		e := newEnv(t)
		// The order is cached by this client; then staff edit the note
		// through another client the cache does not know about.
		e.run("verify_order", map[string]string{"order": orderZas})
		staff := upgates.New(e.srv.URL(), upgatestest.DemoLogin, upgatestest.DemoKey, upgates.Options{})
		edited := "Upraveno obsluhou."
		if err := staff.UpdateOrder(t.Context(), upgates.OrderUpdate{OrderNumber: orderZas, InternalNote: &edited}); err != nil {
			t.Fatal(err)
		}
		r := e.run("append_note", map[string]string{"order": orderZas, "text": "Nový řádek."}, orderZas)
		wantOutcome(t, "append_note", r, dialog.OutcomeYes)
		if got, want := deref(e.shopOrder(orderZas).InternalNote), edited+"\n"+stamp+"Nový řádek."; got != want {
			t.Errorf("note = %q, want %q (staff's edit lost?)", got, want)
		}
	})
	t.Run("overwrite", func(t *testing.T) {
		e := newEnv(t)
		r := e.run("overwrite_note", map[string]string{"order": orderZas, "text": "Vše vyřízeno."}, orderZas)
		wantOutcome(t, "overwrite_note", r, dialog.OutcomeYes)
		if got, want := deref(e.shopOrder(orderZas).InternalNote), stamp+"Vše vyřízeno."; got != want {
			t.Errorf("note = %q, want %q", got, want)
		}
		if got := e.total(); got != 1 {
			t.Errorf("requests = %d, want 1 (just the PUT)", got)
		}
		wantBody := map[string]any{"send_emails_yn": false, "send_sms_yn": false,
			"orders": []any{map[string]any{"order_number": orderZas, "internal_note": stamp + "Vše vyřízeno."}}}
		if diff := cmp.Diff(wantBody, e.lastBody(http.MethodPut, "/orders")); diff != "" {
			t.Errorf("PUT body (-want +got):\n%s", diff)
		}
	})
	for _, app := range []string{"append_note", "overwrite_note"} {
		t.Run(app+" not verified", func(t *testing.T) {
			e := newEnv(t)
			r := e.run(app, map[string]string{"order": orderZas, "text": "Cizí poznámka."})
			wantOutcome(t, app, r, dialog.OutcomeNo)
			if e.total() != 0 || r.Write {
				t.Errorf("requests, Write = %d, %v; want 0, false", e.total(), r.Write)
			}
			if got := deref(e.shopOrder(orderZas).InternalNote); got != oldNote {
				t.Errorf("note = %q, want it unchanged", got)
			}
		})
		t.Run(app+" empty text", func(t *testing.T) {
			e := newEnv(t)
			r := e.run(app, map[string]string{"order": orderZas, "text": " \n "}, orderZas)
			wantOutcome(t, app, r, dialog.OutcomeError)
			if e.total() != 0 {
				t.Errorf("requests = %d, want 0", e.total())
			}
		})
	}
}
