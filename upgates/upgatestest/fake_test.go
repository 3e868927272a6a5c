package upgatestest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/samoobsluha/samoobsluha/upgates/upgatestest"
)

var update = flag.Bool("update", false, "rewrite the golden samples in ../testdata")

// mustDo sends a request to the fake and returns status, headers and body.
func mustDo(t *testing.T, srv *upgatestest.Server, method, path, body string, auth bool) (int, http.Header, []byte) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, srv.URL()+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if auth {
		req.SetBasicAuth(srv.Login, srv.Key)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, res.Header, b
}

func TestStatusCodes(t *testing.T) {
	many := make([]string, 101)
	for i := range many {
		many[i] = `{"order_number":"2026000101","internal_note":"x"}`
	}
	for _, tc := range []struct {
		name, method, path, body string
		auth                     bool
		want                     int
	}{
		{"no credentials", "GET", "/orders", "", false, 401},
		{"status", "GET", "/status", "", true, 200},
		{"list", "GET", "/orders?email=jana.novakova%40seznam.cz", "", true, 200},
		{"unknown parameter", "GET", "/orders?limit=10", "", true, 400},
		{"page size parameter", "GET", "/orders?current_page_items=10", "", true, 400},
		{"bad page", "GET", "/orders?page=0", "", true, 400},
		{"bad date", "GET", "/orders?creation_time_from=yesterday", "", true, 400},
		{"wrong URL", "GET", "/ordersx", "", true, 404},
		{"delete", "DELETE", "/orders", "", true, 405},
		{"post status", "POST", "/status", "{}", true, 405},
		{"invalid JSON", "PUT", "/orders", `{"orders":[`, true, 400},
		{"not an object", "PUT", "/orders", `[{"order_number":"2026000101"}]`, true, 400},
		{"bad flag", "PUT", "/orders", `{"send_emails_yn":"maybe","orders":[]}`, true, 400},
		{"too many", "PUT", "/orders", `{"orders":[` + strings.Join(many, ",") + `]}`, true, 413},
		{"history not object", "POST", "/orders/2026000101/history", `"x"`, true, 400},
		{"history empty", "POST", "/orders/2026000101/history", `{"data":[]}`, true, 400},
		{"unknown status id", "GET", "/order-statuses/999", "", true, 404},
		{"unknown product code", "GET", "/products/NOPE", "", true, 404},
		{"order pdf", "GET", "/orders/2026000101/pdf", "", true, 200},
		{"unknown order pdf", "GET", "/orders/1/pdf", "", true, 404},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := upgatestest.NewServer(t)
			status, h, body := mustDo(t, srv, tc.method, tc.path, tc.body, tc.auth)
			if status != tc.want {
				t.Fatalf("%s %s = %d %s, want %d", tc.method, tc.path, status, body, tc.want)
			}
			for _, k := range []string{"X-Rate-Limit-Hour", "X-Rate-Limit-Day", "X-Rate-Limit-Hour-Remaining", "X-Rate-Limit-Day-Remaining", "X-Rate-Limit-Total-Remaining"} {
				if h.Get(k) == "" {
					t.Errorf("header %s missing", k)
				}
			}
			if status >= 400 {
				var e struct {
					Messages []struct{ Message, Level string }
				}
				if err := json.Unmarshal(body, &e); err != nil || len(e.Messages) != 1 || e.Messages[0].Level != "error" || e.Messages[0].Message == "" {
					t.Errorf("error body %s is not the §14.13 shape", body)
				}
			}
			if tc.want == 413 {
				if o, _ := srv.Order("2026000101"); o.InternalNote != nil {
					t.Errorf("413 request was partly applied")
				}
			}
			if got := srv.Calls(); len(got) != 1 || got[0].Status != tc.want || got[0].Authorized != tc.auth {
				t.Errorf("recorded %+v", got)
			}
		})
	}
}

func TestRateHeadersCountDown(t *testing.T) {
	srv := upgatestest.NewServer(t)
	srv.SetQuota(2, 10)
	var got []string
	for i := 0; i < 4; i++ {
		_, h, _ := mustDo(t, srv, "GET", "/status", "", true)
		got = append(got, h.Get("X-Rate-Limit-Hour-Remaining")+"/"+h.Get("X-Rate-Limit-Day-Remaining")+"/"+h.Get("X-Rate-Limit-Total-Remaining"))
	}
	want := []string{"1/10/11", "0/10/10", "0/9/9", "0/8/8"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("remaining hour/day/total (-want +got):\n%s", diff)
	}
}

func TestQuotaWindows(t *testing.T) {
	now := time.Date(2026, 11, 27, 22, 10, 0, 0, time.UTC) // 23:10 in Prague
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	srv := upgatestest.NewServer(t, upgatestest.WithClock(clock))
	srv.SetQuota(1, 1)
	codes := func() string {
		status, h, _ := mustDo(t, srv, "GET", "/status", "", true)
		return strconv.Itoa(status) + " " + h.Get("Retry-After")
	}
	got := []string{codes(), codes(), codes()}
	advance(time.Hour) // new hour and, in Prague, a new day
	got = append(got, codes(), codes(), codes())
	want := []string{"200 ", "200 ", "429 Fri, 27 Nov 2026 23:00:00 GMT", "200 ", "200 ", "429 Sat, 28 Nov 2026 00:00:00 GMT"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("quota answers (-want +got):\n%s", diff)
	}
}

func TestFailedLoginWindow(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	srv := upgatestest.NewServer(t, upgatestest.WithClock(clock))
	var got []int
	for i := 0; i < 6; i++ {
		s, _, _ := mustDo(t, srv, "GET", "/status", "", false)
		got = append(got, s)
	}
	s, _, _ := mustDo(t, srv, "GET", "/status", "", true)
	got = append(got, s)
	mu.Lock()
	now = now.Add(time.Hour)
	mu.Unlock()
	s, _, _ = mustDo(t, srv, "GET", "/status", "", true)
	got = append(got, s)
	if diff := cmp.Diff([]int{401, 401, 401, 401, 401, 403, 403, 200}, got); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
}

func TestSwitches(t *testing.T) {
	srv := upgatestest.NewServer(t)
	srv.RateLimit(1, 5*time.Second, true)
	s, h, _ := mustDo(t, srv, "GET", "/status", "", true)
	if s != 429 || h.Get("Retry-After") != "5" {
		t.Errorf("RateLimit seconds: %d Retry-After %q", s, h.Get("Retry-After"))
	}
	srv.RateLimit(1, time.Minute, false)
	s, h, _ = mustDo(t, srv, "GET", "/status", "", true)
	if at, err := http.ParseTime(h.Get("Retry-After")); s != 429 || err != nil || time.Until(at) < 55*time.Second {
		t.Errorf("RateLimit date: %d Retry-After %q", s, h.Get("Retry-After"))
	}
	srv.Fail(503, 2)
	for i := 0; i < 3; i++ {
		s, _, _ = mustDo(t, srv, "GET", "/status", "", true)
		if want := map[bool]int{true: 503, false: 200}[i < 2]; s != want {
			t.Errorf("Fail(503, 2) request %d = %d, want %d", i, s, want)
		}
	}
	srv.NotFoundAs404(true)
	if s, _, _ = mustDo(t, srv, "GET", "/orders/1", "", true); s != 404 {
		t.Errorf("NotFoundAs404: %d", s)
	}
	srv.NotFoundAs404(false)
	s, _, b := mustDo(t, srv, "GET", "/orders/1", "", true)
	if s != 200 || !bytes.Contains(b, []byte(`"orders":[]`)) || !bytes.Contains(b, []byte(`"number_of_items":0`)) {
		t.Errorf("unknown order: %d %s", s, b)
	}
	srv.Moved("https://shop.admin.s5.upgates.com/api/v2", upgatestest.MovedLocation)
	s, h, _ = mustDo(t, srv, "GET", "/orders?email=a%40b.cz", "", true)
	if s != 301 || h.Get("Location") != "https://shop.admin.s5.upgates.com/api/v2/orders?email=a%40b.cz" {
		t.Errorf("Moved location: %d %q", s, h.Get("Location"))
	}
	srv.Moved("https://shop.admin.s5.upgates.com/api/v2", upgatestest.MovedBody)
	s, h, b = mustDo(t, srv, "GET", "/orders", "", true)
	if s != 301 || h.Get("Location") != "" || !bytes.Contains(b, []byte(`"api_url":"https://shop.admin.s5.upgates.com/api/v2"`)) {
		t.Errorf("Moved body: %d %q %s", s, h.Get("Location"), b)
	}
	srv.Moved("", 0)
	srv.SetPermission("order-statuses", upgatestest.PermDeny)
	if s, _, _ = mustDo(t, srv, "GET", "/order-statuses", "", true); s != 403 {
		t.Errorf("denied order-statuses: %d", s)
	}
	srv.SetPermission("orders", upgatestest.PermReadOnly)
	if s, _, _ = mustDo(t, srv, "POST", "/orders/2026000101/history", `{"data":[{"name":"a","value":"b"}]}`, true); s != 403 {
		t.Errorf("readonly history POST: %d", s)
	}
	if s, _, b = mustDo(t, srv, "GET", "/status", "", true); s != 200 || !bytes.Contains(b, []byte(`{"endpoint":"orders","privilege":"readonly"}`)) {
		t.Errorf("/status = %d %s", s, b)
	}
	srv.ResetCounters()
	if srv.CallCount() != 0 || len(srv.Outbox()) != 0 {
		t.Errorf("ResetCounters left calls")
	}
}

func TestMaxConcurrent(t *testing.T) {
	srv := upgatestest.NewServer(t)
	srv.SetLatency(500 * time.Millisecond) // long enough for all 5 to overlap
	srv.MaxConcurrent(2)
	var wg sync.WaitGroup
	codes := make([]int, 5)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i], _, _ = mustDo(t, srv, "GET", "/status", "", true)
		}()
	}
	wg.Wait()
	n429 := 0
	for _, c := range codes {
		if c == 429 {
			n429++
		}
	}
	if srv.MaxInFlight() != 5 || n429 != 3 {
		t.Errorf("codes %v, max in flight %d; want 3×429 of 5 concurrent with limit 2", codes, srv.MaxInFlight())
	}
}

func TestPutOrders(t *testing.T) {
	for _, tc := range []struct {
		name       string
		body       string
		wantOK     bool
		wantStatus int
		wantMail   int
	}{
		{"status by English name, flags default true", `{"orders":[{"order_number":"2026000101","status":"cancelled"}]}`, true, 19, 1},
		{"status by Czech name, e-mails off as string", `{"send_emails_yn":"0","orders":[{"order_number":"2026000101","status":"STORNOVÁNO"}]}`, true, 19, 0},
		{"both keys agreeing", `{"send_emails_yn":1,"orders":[{"order_number":"2026000101","status":"Odesláno","status_id":17}]}`, true, 17, 1},
		{"both keys disagreeing", `{"orders":[{"order_number":"2026000101","status":"Odesláno","status_id":19}]}`, false, 13, 0},
		{"no template", `{"send_emails_yn":true,"orders":[{"order_number":"2026000101","status_id":16}]}`, true, 16, 0},
		{"paid status marks paid", `{"send_emails_yn":false,"orders":[{"order_number":"2026000101","status_id":14}]}`, true, 14, 0},
		{"unknown status", `{"orders":[{"order_number":"2026000101","status_id":999}]}`, false, 13, 0},
		{"unknown order", `{"orders":[{"order_number":"1","status_id":19}]}`, false, 13, 0},
		{"unsupported property", `{"orders":[{"order_number":"2026000101","status_id":19,"colour":"red"}]}`, false, 13, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := upgatestest.NewServer(t)
			s, _, b := mustDo(t, srv, "PUT", "/orders", tc.body, true)
			if s != 200 {
				t.Fatalf("PUT = %d %s", s, b)
			}
			var res struct {
				Orders []struct {
					OrderNumber string `json:"order_number"`
					Updated     bool   `json:"updated_yn"`
					Messages    []struct{ Message, Level string }
				}
			}
			if err := json.Unmarshal(b, &res); err != nil || len(res.Orders) != 1 {
				t.Fatalf("result %s", b)
			}
			r := res.Orders[0]
			if r.Updated != tc.wantOK || (!r.Updated && (len(r.Messages) != 1 || r.Messages[0].Level != "error")) {
				t.Errorf("result %+v, want updated %v", r, tc.wantOK)
			}
			o, _ := srv.Order("2026000101")
			if *o.StatusID != tc.wantStatus {
				t.Errorf("status = %d, want %d", *o.StatusID, tc.wantStatus)
			}
			if tc.wantStatus == 14 && (o.PaidDate == nil || *o.Status != "Zaplaceno") {
				t.Errorf("paid status: paid_date %v status %v", o.PaidDate, *o.Status)
			}
			if got := len(srv.Outbox()); got != tc.wantMail {
				t.Errorf("outbox has %d e-mails, want %d", got, tc.wantMail)
			}
		})
	}
}

func TestPutProducts(t *testing.T) {
	srv := upgatestest.NewServer(t)
	o, _ := srv.Order("2026000101")
	keep := o.Products[0].UUID
	body := fmt.Sprintf(`{"send_emails_yn":false,"send_sms_yn":false,"delete_missing_products_yn":true,"orders":[{"order_number":"2026000101",
		"products":[{"uuid":%q,"quantity":2},{"title":"Montáž","price_per_unit":300}]}]}`, keep)
	if s, _, b := mustDo(t, srv, "PUT", "/orders", body, true); s != 200 || !bytes.Contains(b, []byte(`"updated_yn":true`)) {
		t.Fatalf("PUT = %d %s", s, b)
	}
	o, _ = srv.Order("2026000101")
	var got []string
	for _, l := range o.Products {
		got = append(got, fmt.Sprintf("%s x%g = %g", l.Title, l.Quantity, l.PriceWithVAT))
	}
	want := []string{"Termoska Stanley Classic 1 l x2 = 2380", "Montáž x1 = 300"}
	if diff := cmp.Diff(want, got); diff != "" || o.OrderTotal != 2779 {
		t.Errorf("lines (-want +got):\n%s total %v, want 2779", diff, o.OrderTotal)
	}
	// Without delete_missing_products_yn the other lines stay.
	body = `{"send_emails_yn":false,"orders":[{"order_number":"2026000101","products":[{"title":"Balné","price_per_unit":50}]}]}`
	mustDo(t, srv, "PUT", "/orders", body, true)
	if o, _ = srv.Order("2026000101"); len(o.Products) != 3 {
		t.Errorf("lines after partial PUT = %d, want 3", len(o.Products))
	}
}

func TestHistoryPost(t *testing.T) {
	srv := upgatestest.NewServer(t)
	body := `{"data":[{"name":"<i>` + strings.Repeat("n", 60) + `</i>","value":"<p>` + strings.Repeat("v", 600) + `</p>"}]}`
	if s, _, b := mustDo(t, srv, "POST", "/orders/2026000101/history", body, true); s != 200 || string(b) != `{"messages":[],"updated":true}`+"\n" {
		t.Fatalf("POST history = %d %s", s, b)
	}
	h := srv.History("2026000101")
	last := h[len(h)-1]
	if last.Origin != "api" || len(last.Data) != 1 || last.Data[0].Name != strings.Repeat("n", 50) || last.Data[0].Value != strings.Repeat("v", 500) {
		t.Errorf("entry = %+v", last)
	}
	// Order numbers match in any case, as in the shop's database.
	mustDo(t, srv, "POST", "/orders/o2600117/history", `{"data":[{"name":"a","value":"b"}]}`, true)
	_, _, b := mustDo(t, srv, "GET", "/orders/o2600117/history", "", true)
	if h := srv.History("O2600117"); len(h) != 2 || !bytes.Contains(b, []byte(`"number_of_items":2`)) {
		t.Errorf("history of O2600117 via o2600117 = %+v, %s", h, b)
	}
	if s, _, _ := mustDo(t, srv, "POST", "/orders/1/history", `{"data":[{"name":"a","value":"b"}]}`, true); s != 404 {
		t.Errorf("history of unknown order = %d, want 404", s)
	}
}

// checkPDF verifies the cross-reference table points at the objects.
func checkPDF(t *testing.T, doc []byte) {
	t.Helper()
	if !bytes.HasPrefix(doc, []byte("%PDF-1.4\n")) || !bytes.HasSuffix(doc, []byte("%%EOF\n")) {
		t.Fatalf("not a PDF: %.20q", doc)
	}
	m := regexp.MustCompile(`startxref\n(\d+)\n`).FindSubmatch(doc)
	if m == nil {
		t.Fatal("no startxref")
	}
	xref, _ := strconv.Atoi(string(m[1]))
	if !bytes.HasPrefix(doc[xref:], []byte("xref\n0 7\n")) {
		t.Fatalf("startxref %d does not point at the xref table", xref)
	}
	entries := regexp.MustCompile(`(\d{10}) 00000 n `).FindAllSubmatch(doc[xref:], -1)
	if len(entries) != 6 {
		t.Fatalf("xref has %d entries, want 6", len(entries))
	}
	for i, e := range entries {
		off, _ := strconv.Atoi(string(e[1]))
		if want := fmt.Sprintf("%d 0 obj\n", i+1); !bytes.HasPrefix(doc[off:], []byte(want)) {
			t.Errorf("xref entry %d points at %.12q", i+1, doc[off:])
		}
	}
	ix := regexp.MustCompile(`<< /Length (\d+) >>\nstream\n`).FindSubmatchIndex(doc)
	n, _ := strconv.Atoi(string(doc[ix[2]:ix[3]]))
	if !bytes.HasPrefix(doc[ix[1]+n:], []byte("endstream")) {
		t.Errorf("stream length %d is wrong", n)
	}
}

func TestPDFs(t *testing.T) {
	srv := upgatestest.NewServer(t)
	for _, inv := range upgatestest.Demo().Invoices {
		s, h, b := mustDo(t, srv, "GET", "/invoices/"+inv.InvoiceNumber+"/pdf", "", true)
		if s != 200 || h.Get("Content-Type") != "application/pdf" {
			t.Fatalf("invoice %s PDF = %d %s", inv.InvoiceNumber, s, h.Get("Content-Type"))
		}
		checkPDF(t, b)
		if !bytes.Contains(b, []byte(inv.InvoiceNumber)) || !bytes.Contains(b, []byte(inv.OrderNumber)) {
			t.Errorf("invoice PDF lacks its numbers")
		}
	}
	_, _, b := mustDo(t, srv, "GET", "/orders/2026000104/pdf", "", true)
	checkPDF(t, b)
	if !bytes.Contains(b, []byte("Dvorakova")) && !bytes.Contains(b, []byte("Objednavka 2026000104")) {
		t.Errorf("order PDF lacks the order number")
	}
	s, _, b := mustDo(t, srv, "GET", "/invoices/FV0/pdf", "", true)
	if s != 200 || !bytes.Contains(b, []byte(`"invoices":[]`)) {
		t.Errorf("unknown invoice PDF = %d %s, want an empty invoices list", s, b)
	}
}

func TestDemo(t *testing.T) {
	d := upgatestest.Demo()
	if len(d.Orders) < 12 {
		t.Fatalf("demo has %d orders, want at least 12", len(d.Orders))
	}
	statusType := map[int]string{}
	types := map[string]bool{}
	templates := 0
	for _, s := range d.Statuses {
		statusType[s.ID] = s.Type
		types[s.Type] = true
		if s.Names["cs"] == "" || s.Names["en"] == "" {
			t.Errorf("status %d lacks a cs or en name", s.ID)
		}
		if s.EmailTemplate {
			templates++
		}
	}
	for _, ty := range []string{"Received", "Sent", "Canceled", "PaymentSuccessful", "Custom"} {
		if !types[ty] {
			t.Errorf("no status of type %s", ty)
		}
	}
	if templates == 0 || templates == len(d.Statuses) {
		t.Errorf("%d of %d statuses have templates, want some", templates, len(d.Statuses))
	}
	products := map[int]bool{}
	brands := 0
	for _, p := range d.Products {
		products[p.ProductID] = true
		if p.Manufacturer != nil {
			brands++
		}
	}
	invoices := map[string]bool{}
	for _, inv := range d.Invoices {
		invoices[inv.InvoiceNumber] = true
	}
	have := map[string]bool{}
	accountOrders := map[int]int{}
	phone := regexp.MustCompile(`^\+420 6\d\d \d\d\d \d\d\d$`)
	numeric, prefixed := regexp.MustCompile(`^\d{10}$`), regexp.MustCompile(`^[A-Z]\d+$`)
	email := regexp.MustCompile(`@(seznam\.cz|gmail\.com|email\.cz|centrum\.cz)$`)
	for _, o := range d.Orders {
		n := o.OrderNumber
		if numeric.MatchString(n) {
			have["numeric"] = true
		} else if prefixed.MatchString(n) {
			have["prefixed"] = true
		}
		typ := statusType[*o.StatusID]
		if o.Payment.Type == "command" && o.Payment.Name == "Bankovní převod" && o.PaidDate == nil {
			have["unpaid transfer"] = true
		}
		if typ == "Sent" && o.TrackingCode != nil && o.TrackingURL != nil {
			have["sent "+o.Shipment.Name] = true
		}
		if o.PaidDate != nil && typ != "Sent" && o.TrackingCode == nil {
			have["paid not shipped"] = true
		}
		if o.Status != nil && *o.Status == "Doručeno" {
			have["delivered"] = true
		}
		if typ == "Canceled" {
			have["cancelled"] = true
		}
		if *o.Status == "Čeká na naskladnění" {
			have["awaiting stock"] = true
		}
		if o.InvoiceNumber == nil {
			have["no invoice"] = true
		} else if !invoices[*o.InvoiceNumber] {
			t.Errorf("order %s names a missing invoice", n)
		}
		if o.CurrencyID == "EUR" {
			have["EUR"] = true
		}
		if o.Customer.Email == nil {
			have["no email"] = true
		} else if !email.MatchString(*o.Customer.Email) {
			t.Errorf("order %s e-mail %s", n, *o.Customer.Email)
		}
		if o.Customer.CountryIDInvoice != nil && *o.Customer.CountryIDInvoice == "cz" && !phone.MatchString(*o.Customer.Phone) {
			t.Errorf("order %s phone %q", n, *o.Customer.Phone)
		}
		if o.Customer.CustomerID != nil {
			accountOrders[*o.Customer.CustomerID]++
		}
		for _, l := range o.Products {
			if l.ProductID != nil && !products[*l.ProductID] {
				t.Errorf("order %s line %d not in the catalogue", n, *l.ProductID)
			}
		}
		if len(d.History[n]) == 0 {
			t.Errorf("order %s has no history", n)
		}
	}
	for _, k := range []string{"numeric", "prefixed", "unpaid transfer", "sent Zásilkovna", "sent PPL", "sent Česká pošta – Balík Do ruky",
		"sent DPD", "paid not shipped", "delivered", "cancelled", "awaiting stock", "no invoice", "EUR", "no email"} {
		if !have[k] {
			t.Errorf("demo lacks %q", k)
		}
	}
	several := false
	for _, n := range accountOrders {
		several = several || n >= 2
	}
	if !several || brands < 5 {
		t.Errorf("demo: account with several orders %v, %d products with brands", several, brands)
	}
	if len(upgatestest.DemoHints()) != len(d.Orders) {
		t.Errorf("%d hints for %d orders", len(upgatestest.DemoHints()), len(d.Orders))
	}
	// A fresh copy each call.
	*d.Orders[0].Customer.Email = "changed@seznam.cz"
	*d.Products[0].Manufacturer = "Changed"
	e := upgatestest.Demo()
	if *e.Orders[0].Customer.Email == "changed@seznam.cz" || *e.Products[0].Manufacturer == "Changed" {
		t.Error("Demo() shares data between calls")
	}
}

func TestServe(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- upgatestest.Serve(ctx, ln, upgatestest.New(nil)) }()
	req, _ := http.NewRequestWithContext(t.Context(), "GET", "http://"+ln.Addr().String()+"/api/v2/orders/O2600117", nil)
	req.SetBasicAuth(upgatestest.DemoLogin, upgatestest.DemoKey)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !bytes.Contains(b, []byte(`"order_number":"O2600117"`)) {
		t.Errorf("standalone GET = %d %s", res.StatusCode, b)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Serve() = %v after cancel, want nil", err)
	}
}

// TestGoldenOrder keeps a sample of what the fake serves in ../testdata,
// reviewed like code (go test -update rewrites it).
func TestGoldenOrder(t *testing.T) {
	srv := upgatestest.NewServer(t)
	for _, tc := range []struct{ path, file string }{
		{"/orders/2026000102", "fake-order-2026000102.json"},
		{"/order-statuses", "fake-order-statuses.json"},
		{"/customers?customer_id=5001", "fake-customer-5001.json"},
	} {
		_, _, b := mustDo(t, srv, "GET", tc.path, "", true)
		var pretty bytes.Buffer
		if err := json.Indent(&pretty, b, "", "  "); err != nil {
			t.Fatal(err)
		}
		file := filepath.Join("..", "testdata", tc.file)
		if *update {
			if err := os.WriteFile(file, pretty.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(file)
		if err != nil {
			t.Fatalf("%v (run go test -update)", err)
		}
		if diff := cmp.Diff(string(want), pretty.String()); diff != "" {
			t.Errorf("GET %s differs from %s (-want +got):\n%s", tc.path, file, diff)
		}
	}
}

func TestResetData(t *testing.T) {
	srv := upgatestest.NewServer(t)
	mustDo(t, srv, "PUT", "/orders", `{"orders":[{"order_number":"2026000101","status_id":19,"internal_note":"x"}]}`, true)
	mustDo(t, srv, "POST", "/orders/2026000101/history", `{"data":[{"name":"a","value":"b"}]}`, true)
	srv.ResetData()
	o, _ := srv.Order("2026000101")
	if *o.StatusID != 13 || o.InternalNote != nil || len(srv.History("2026000101")) != 2 {
		t.Errorf("after ResetData: status %d note %v history %d", *o.StatusID, o.InternalNote, len(srv.History("2026000101")))
	}
	if srv.CallCount() != 2 || len(srv.Outbox()) != 1 {
		t.Errorf("ResetData changed counters: %d calls, %d e-mails", srv.CallCount(), len(srv.Outbox()))
	}
}
