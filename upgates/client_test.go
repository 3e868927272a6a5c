package upgates_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/samoobsluha/samoobsluha/upgates"
	"github.com/samoobsluha/samoobsluha/upgates/upgatestest"
)

// mustClient returns a client for the fake with the fake's credentials.
func mustClient(t *testing.T, srv *upgatestest.Server, opts upgates.Options) *upgates.Client {
	t.Helper()
	return upgates.New(srv.URL(), srv.Login, srv.Key, opts)
}

// clock is a settable clock shared by a client and a fake.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// calls records OnCall reports.
type calls struct {
	mu   sync.Mutex
	list []upgates.CallInfo
}

func (c *calls) add(ci upgates.CallInfo) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.list = append(c.list, ci)
}

func (c *calls) get() []upgates.CallInfo {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]upgates.CallInfo(nil), c.list...)
}

func TestOrder(t *testing.T) {
	srv := upgatestest.NewServer(t)
	c := mustClient(t, srv, upgates.Options{})
	o, err := c.Order(t.Context(), " 2026000102 ")
	if err != nil {
		t.Fatalf("Order(2026000102) error = %v", err)
	}
	paid := time.Date(2026, 11, 18, 0, 0, 0, 0, time.UTC)
	got := struct {
		Number, Status, Tracking, TrackingURL, Currency, Invoice, Shipment, ShipType, Payment, PayType, Note string
		StatusID                                                                                             int
		Paid                                                                                                 *time.Time
		Email                                                                                                string
		CustomerID                                                                                           int
		Total                                                                                                float64
		Lines                                                                                                []string
	}{
		o.OrderNumber, o.Status, o.TrackingCode, o.TrackingURL, o.CurrencyID, o.InvoiceNumber,
		o.Shipment.Name, o.Shipment.Type, o.Payment.Name, o.Payment.Type, o.InternalNote,
		o.StatusID, o.PaidDate, *o.Customer.Email, *o.Customer.CustomerID, o.OrderTotal, nil,
	}
	for _, l := range o.Products {
		got.Lines = append(got.Lines, fmt.Sprintf("%d %s %s x%g", *l.ProductID, l.Code, l.Title, l.Quantity))
	}
	want := got
	want.Number, want.Status, want.StatusID = "2026000102", "Odesláno", 17
	want.Tracking, want.TrackingURL = "Z4081727365", "https://tracking.packeta.com/cs_CZ/?id=Z4081727365"
	want.Currency, want.Invoice = "CZK", "FV2026000412"
	want.Shipment, want.ShipType, want.Payment, want.PayType = "Zásilkovna", "zasilkovna", "Platba kartou online", "comgate"
	want.Note = "Zákazník prosí o pečlivé zabalení."
	want.Paid, want.Email, want.CustomerID = &paid, "jana.novakova@seznam.cz", 5001
	want.Total = 1216 // 690 + 3×149 + 79
	want.Lines = []string{"263 CEL-PETZ-TIK Čelovka Petzl Tikkina x1", "307 KAR-COL-C300 Plynová kartuše Coleman C300 x3"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Order(2026000102) mismatch (-want +got):\n%s", diff)
	}
	if !o.Paid() || !o.Customer.EmailMatches(" JANA.Novakova@seznam.cz") || o.Customer.EmailMatches("jana@seznam.cz") {
		t.Errorf("Paid/EmailMatches wrong for %+v", o.Customer)
	}
	calls := srv.Calls()
	if len(calls) != 1 || calls[0].Method != http.MethodGet || calls[0].Path != "/orders/2026000102" || !calls[0].Authorized {
		t.Errorf("fake saw %+v, want one authorized GET /orders/2026000102", calls)
	}
}

func TestOrderPrefixedAndNoEmail(t *testing.T) {
	srv := upgatestest.NewServer(t)
	c := mustClient(t, srv, upgates.Options{})
	o, err := c.Order(t.Context(), "o2600117")
	if err != nil || o.OrderNumber != "O2600117" || o.Status != "Přijatá" {
		t.Fatalf("Order(o2600117) = %+v, %v", o, err)
	}
	if o, err := c.Order(t.Context(), "O2600117"); err != nil || o.OrderNumber != "O2600117" || srv.CallCount() != 1 {
		t.Fatalf("Order(O2600117) = %+v, %v after %d calls; want a cache hit", o, err, srv.CallCount())
	}
	o, err = c.Order(t.Context(), "2026000112")
	if err != nil {
		t.Fatalf("Order(2026000112) error = %v", err)
	}
	if o.Customer.Email != nil || o.Customer.EmailMatches("") || o.Customer.CustomerID != nil {
		t.Errorf("order without e-mail: Email = %v, CustomerID = %v; want nil, nil and no match", o.Customer.Email, o.Customer.CustomerID)
	}
	o, err = c.Order(t.Context(), "2026000110")
	if err != nil || o.CurrencyID != "EUR" || o.Status != "Shipped" || o.OrderTotal != 143.99 {
		t.Errorf("Order(2026000110) = %s %s %v, %v; want EUR Shipped 143.99", o.CurrencyID, o.Status, o.OrderTotal, err)
	}
}

func TestOrderNotFound(t *testing.T) {
	for _, tc := range []struct {
		name      string
		number    string
		as404     bool
		wantCalls int
	}{
		{"empty list", "2026999999", false, 1},
		{"404", "2026999999", true, 1},
		{"malformed", "12/34", false, 0},
		{"empty", "  ", false, 0},
		{"too long", strings.Repeat("1", 65), false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := upgatestest.NewServer(t)
			srv.NotFoundAs404(tc.as404)
			c := mustClient(t, srv, upgates.Options{})
			_, err := c.Order(t.Context(), tc.number)
			if !errors.Is(err, upgates.ErrNotFound) {
				t.Errorf("Order(%q) error = %v, want ErrNotFound", tc.number, err)
			}
			if n := srv.CallCount(); n != tc.wantCalls {
				t.Errorf("calls = %d, want %d", n, tc.wantCalls)
			}
		})
	}
}

func TestOrderListWithoutTheNumberIsNotFound(t *testing.T) {
	// A shop that answers with some other order (a filter gone wrong) must
	// not make us show that order.
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"current_page":1,"current_page_items":1,"number_of_pages":1,"number_of_items":1,"orders":[{"order_number":"2026000101"}]}`)
	}))
	t.Cleanup(ts.Close)
	c := upgates.New(ts.URL+"/api/v2", "l", "k", upgates.Options{})
	if _, err := c.Order(t.Context(), "2026000102"); !errors.Is(err, upgates.ErrNotFound) {
		t.Errorf("Order(2026000102) error = %v, want ErrNotFound", err)
	}
}

func TestAuthFailures(t *testing.T) {
	srv := upgatestest.NewServer(t)
	bad := upgates.New(srv.URL(), srv.Login, "wrong-key-s3cr3t", upgates.Options{})
	for i := 1; i <= 5; i++ {
		err := bad.Ping(t.Context())
		var ae *upgates.APIError
		if !errors.As(err, &ae) || ae.StatusCode != http.StatusUnauthorized || ae.Code != "unauthorized" {
			t.Fatalf("attempt %d: Ping error = %v, want *APIError 401", i, err)
		}
		if strings.Contains(err.Error(), "s3cr3t") || strings.Contains(err.Error(), srv.URL()) {
			t.Errorf("error %q leaks the key or URL", err)
		}
	}
	// The sixth attempt from this IP is blocked, even with the right key.
	good := mustClient(t, srv, upgates.Options{})
	err := good.Ping(t.Context())
	var ae *upgates.APIError
	if !errors.As(err, &ae) || ae.StatusCode != http.StatusForbidden {
		t.Fatalf("Ping after 5 failed logins error = %v, want *APIError 403", err)
	}
	if got := srv.CallCount(upgatestest.ByPath("/status")); got != 6 {
		t.Errorf("fake saw %d /status calls, want 6", got)
	}
	// Basic auth was what the fake checked.
	last := srv.Calls()[5]
	if last.Authorized {
		t.Errorf("blocked call marked authorized")
	}
}

func TestAuthorizationHeader(t *testing.T) {
	var got string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Get("Authorization")
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{}`)
	}))
	t.Cleanup(ts.Close)
	c := upgates.New(ts.URL+"/api/v2", "login@shop", "key:with:colons", upgates.Options{})
	if err := c.Ping(t.Context()); err != nil {
		t.Fatal(err)
	}
	want := "Basic " + base64.StdEncoding.EncodeToString([]byte("login@shop:key:with:colons"))
	if got != want {
		t.Errorf("Authorization = %q, want %q", got, want)
	}
}

func TestPermissions(t *testing.T) {
	srv := upgatestest.NewServer(t)
	c := mustClient(t, srv, upgates.Options{})
	srv.SetPermission("orders", upgatestest.PermReadOnly)
	srv.SetPermission("products", upgatestest.PermDeny)
	if _, err := c.Order(t.Context(), "2026000101"); err != nil {
		t.Fatalf("readonly Order error = %v", err)
	}
	id := 19
	err := c.UpdateOrder(t.Context(), upgates.OrderUpdate{OrderNumber: "2026000101", StatusID: &id})
	var ae *upgates.APIError
	if !errors.As(err, &ae) || ae.StatusCode != http.StatusForbidden {
		t.Errorf("readonly UpdateOrder error = %v, want *APIError 403", err)
	}
	brands, err := c.Manufacturers(t.Context(), []int{241})
	if !errors.As(err, &ae) || ae.StatusCode != http.StatusForbidden || len(brands) != 0 {
		t.Errorf("denied Manufacturers = %v, %v; want empty, *APIError 403", brands, err)
	}
	if o, _ := srv.Order("2026000101"); *o.StatusID != 13 {
		t.Errorf("status changed to %d despite readonly", *o.StatusID)
	}
}

func TestMoved(t *testing.T) {
	for _, tc := range []struct {
		name string
		form upgatestest.MovedForm
	}{
		{"location", upgatestest.MovedLocation},
		{"api_url body", upgatestest.MovedBody},
	} {
		t.Run(tc.name, func(t *testing.T) {
			old := upgatestest.NewServer(t)
			moved := upgatestest.NewServer(t)
			old.Moved(moved.URL(), tc.form)
			c := mustClient(t, old, upgates.Options{})

			// A write is repeated with its method, body and credentials.
			note := "Zákazník volal."
			err := c.UpdateOrder(t.Context(), upgates.OrderUpdate{OrderNumber: "2026000101", InternalNote: &note})
			if err != nil {
				t.Fatalf("UpdateOrder via moved shop error = %v", err)
			}
			if c.BaseURL() != moved.URL() {
				t.Errorf("BaseURL() = %q, want %q", c.BaseURL(), moved.URL())
			}
			if o, _ := moved.Order("2026000101"); o.InternalNote == nil || *o.InternalNote != note {
				t.Errorf("moved shop note = %v, want %q", o.InternalNote, note)
			}
			mc := moved.Calls()
			if len(mc) != 1 || mc[0].Method != http.MethodPut || !mc[0].Authorized || !bytes.Contains(mc[0].Body, []byte(`"internal_note"`)) {
				t.Errorf("moved shop saw %+v, want one authorized PUT with the note", mc)
			}
			// Later calls go straight to the new base.
			if _, err := c.Order(t.Context(), "2026000102"); err != nil {
				t.Fatalf("Order after move error = %v", err)
			}
			if n := old.CallCount(); n != 1 {
				t.Errorf("old shop saw %d calls, want 1", n)
			}
			if n := moved.CallCount(); n != 2 {
				t.Errorf("new shop saw %d calls, want 2", n)
			}
		})
	}
}

func TestMovedTwiceFails(t *testing.T) {
	a := upgatestest.NewServer(t)
	b := upgatestest.NewServer(t)
	a.Moved(b.URL(), upgatestest.MovedLocation)
	b.Moved(a.URL(), upgatestest.MovedBody)
	c := mustClient(t, a, upgates.Options{})
	err := c.Ping(t.Context())
	var ae *upgates.APIError
	if !errors.As(err, &ae) || ae.StatusCode != http.StatusMovedPermanently {
		t.Errorf("Ping through a redirect loop error = %v, want *APIError 301", err)
	}
	if n := a.CallCount() + b.CallCount(); n != 2 {
		t.Errorf("calls = %d, want 2 (one repeat only)", n)
	}
}

func TestMovedRefusesHTTPSDowngrade(t *testing.T) {
	ts := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "http://evil.example/api/v2")
		w.WriteHeader(http.StatusMovedPermanently)
	}))
	t.Cleanup(ts.Close)
	c := upgates.New(ts.URL+"/api/v2", "l", "k", upgates.Options{HTTPClient: ts.Client()})
	err := c.Ping(t.Context())
	var ae *upgates.APIError
	if !errors.As(err, &ae) || ae.Code != "moved" || !strings.HasPrefix(c.BaseURL(), "https://") {
		t.Errorf("Ping error = %v, base %s; want refused move", err, c.BaseURL())
	}
}

func TestRateLimited(t *testing.T) {
	for _, tc := range []struct {
		name        string
		after       time.Duration
		seconds     bool
		budget      time.Duration
		wantErr     bool
		wantCalls   int
		wantRetryAt time.Duration // approx. from now when wantErr
	}{
		{"seconds within budget", 0, true, 2 * time.Second, false, 2, 0},
		{"date within budget", time.Second, false, 3 * time.Second, false, 2, 0},
		{"seconds beyond budget", 10 * time.Second, true, 2 * time.Second, true, 1, 10 * time.Second},
		{"date beyond budget", time.Hour, false, 2 * time.Second, true, 1, time.Hour},
		{"no waiting at all", 0, true, -1, true, 1, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := upgatestest.NewServer(t)
			srv.RateLimit(1, tc.after, tc.seconds)
			c := mustClient(t, srv, upgates.Options{RetryBudget: tc.budget})
			start := time.Now()
			_, err := c.Order(t.Context(), "2026000101")
			var rl *upgates.RateLimitError
			if tc.wantErr {
				if !errors.As(err, &rl) || rl.Quota {
					t.Fatalf("Order error = %v, want *RateLimitError (not quota)", err)
				}
				if d := rl.RetryAt.Sub(start); d < tc.wantRetryAt-2*time.Second || d > tc.wantRetryAt+2*time.Second {
					t.Errorf("RetryAt in %v, want about %v", d, tc.wantRetryAt)
				}
			} else if err != nil {
				t.Fatalf("Order error = %v, want success after a retry", err)
			}
			if n := srv.CallCount(); n != tc.wantCalls {
				t.Errorf("calls = %d, want %d", n, tc.wantCalls)
			}
		})
	}
}

func TestRateLimitRespectsDeadline(t *testing.T) {
	srv := upgatestest.NewServer(t)
	srv.RateLimit(1, 2*time.Second, true)
	c := mustClient(t, srv, upgates.Options{RetryBudget: 5 * time.Second})
	ctx, cancel := context.WithTimeout(t.Context(), time.Second)
	defer cancel()
	_, err := c.Order(ctx, "2026000101")
	var rl *upgates.RateLimitError
	if !errors.As(err, &rl) {
		t.Errorf("Order with 1s deadline and Retry-After 2s error = %v, want *RateLimitError", err)
	}
}

func TestQuota(t *testing.T) {
	clk := &clock{t: time.Date(2026, 11, 27, 10, 30, 0, 0, time.UTC)}
	srv := upgatestest.NewServer(t, upgatestest.WithClock(clk.Now))
	srv.SetQuota(2, 1)
	var seen calls
	c := mustClient(t, srv, upgates.Options{Now: clk.Now, OrderTTL: -1, OnCall: seen.add})
	for i := 1; i <= 3; i++ { // 2 hourly + 1 daily
		if _, err := c.Order(t.Context(), "2026000101"); err != nil {
			t.Fatalf("call %d error = %v", i, err)
		}
	}
	// The last answer said nothing is left: no further calls reach the shop.
	for i := 0; i < 3; i++ {
		_, err := c.Order(t.Context(), "2026000101")
		var rl *upgates.RateLimitError
		if !errors.As(err, &rl) || !rl.Quota || !rl.RetryAt.Equal(time.Date(2026, 11, 27, 11, 0, 0, 0, time.UTC)) {
			t.Fatalf("Order with spent quota error = %v, want quota *RateLimitError until 11:00", err)
		}
	}
	if n := srv.CallCount(); n != 3 {
		t.Errorf("fake saw %d calls, want 3", n)
	}
	last := seen.get()[len(seen.get())-1]
	if last.Status != 0 || last.Err == nil || last.Endpoint != "orders.get" {
		t.Errorf("OnCall for refused call = %+v", last)
	}
	// A new calendar hour brings a new hourly allowance.
	clk.Add(30 * time.Minute)
	if _, err := c.Order(t.Context(), "2026000101"); err != nil {
		t.Fatalf("Order in the next hour error = %v", err)
	}
	if n := srv.CallCount(); n != 4 {
		t.Errorf("fake saw %d calls, want 4", n)
	}
}

func TestQuota429FromShop(t *testing.T) {
	// A second client that has not seen the headers gets the shop's 429
	// and then stops calling too.
	clk := &clock{t: time.Date(2026, 11, 27, 10, 30, 0, 0, time.UTC)}
	srv := upgatestest.NewServer(t, upgatestest.WithClock(clk.Now))
	srv.SetQuota(1, 0)
	first := mustClient(t, srv, upgates.Options{Now: clk.Now})
	if err := first.Ping(t.Context()); err != nil {
		t.Fatal(err)
	}
	c := mustClient(t, srv, upgates.Options{Now: clk.Now})
	for i := 0; i < 2; i++ {
		err := c.Ping(t.Context())
		var rl *upgates.RateLimitError
		if !errors.As(err, &rl) || !rl.Quota || !rl.RetryAt.Equal(time.Date(2026, 11, 27, 11, 0, 0, 0, time.UTC)) {
			t.Fatalf("Ping %d error = %v, want quota *RateLimitError until 11:00", i, err)
		}
	}
	if n := srv.CallCount(); n != 2 {
		t.Errorf("fake saw %d calls, want 2", n)
	}
}

func TestServerError(t *testing.T) {
	srv := upgatestest.NewServer(t)
	srv.Fail(http.StatusInternalServerError, 1)
	c := mustClient(t, srv, upgates.Options{})
	_, err := c.Order(t.Context(), "2026000101")
	var ae *upgates.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 500 || ae.Code != "server_error" || ae.Message != "Injected failure 500." {
		t.Fatalf("Order error = %#v, want *APIError 500 with the shop's message", err)
	}
	if n := srv.CallCount(); n != 1 {
		t.Errorf("calls = %d, want 1 (no retry of a 500)", n)
	}
	if _, err := c.Order(t.Context(), "2026000101"); err != nil {
		t.Errorf("Order after the failure error = %v", err)
	}
}

func TestTransportErrorHidesURL(t *testing.T) {
	ts := httptest.NewServer(http.NotFoundHandler())
	base := ts.URL + "/api/v2"
	ts.Close()
	c := upgates.New(base, "login", "key", upgates.Options{})
	_, err := c.Orders(t.Context(), upgates.OrderQuery{Email: "jana.novakova@seznam.cz"})
	if err == nil {
		t.Fatal("Orders against a closed server succeeded")
	}
	if strings.Contains(err.Error(), "novakova") || strings.Contains(err.Error(), base) {
		t.Errorf("error %q leaks the query or URL", err)
	}
}

func TestTimeout(t *testing.T) {
	srv := upgatestest.NewServer(t)
	srv.SetLatency(2 * time.Second)
	c := mustClient(t, srv, upgates.Options{HTTPClient: &http.Client{Timeout: 100 * time.Millisecond}})
	start := time.Now()
	if _, err := c.Order(t.Context(), "2026000101"); err == nil {
		t.Fatal("Order against a slow shop succeeded")
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Order took %v, want about 100ms", d)
	}
}

func TestOrderCacheAndInvalidation(t *testing.T) {
	srv := upgatestest.NewServer(t)
	var seen calls
	c := mustClient(t, srv, upgates.Options{OnCall: seen.add})
	ctx := t.Context()
	if _, err := c.Order(ctx, "2026000101"); err != nil {
		t.Fatal(err)
	}
	o, err := c.Order(ctx, "2026000101")
	if err != nil || o.Status != "Čeká na platbu" {
		t.Fatalf("cached Order = %v, %v", o, err)
	}
	if n := srv.CallCount(); n != 1 {
		t.Errorf("calls after two reads = %d, want 1", n)
	}
	if ci := seen.get(); len(ci) != 2 || !ci[1].Cached || ci[1].Endpoint != "orders.get" {
		t.Errorf("OnCall reports = %+v, want a network call then a cached one", ci)
	}
	st, err := c.ResolveStatus(ctx, "type:Canceled")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.UpdateOrder(ctx, upgates.OrderUpdate{OrderNumber: "2026000101", StatusID: &st.ID}); err != nil {
		t.Fatal(err)
	}
	o, err = c.Order(ctx, "2026000101")
	if err != nil || o.Status != "Stornováno" {
		t.Fatalf("Order after UpdateOrder = %v, %v; want status Stornováno", o, err)
	}
	if n := srv.CallCount(upgatestest.ByPath("/orders/2026000101")); n != 2 {
		t.Errorf("GET calls = %d, want 2 (the write invalidated the cache)", n)
	}
}

func TestOrderCacheExpires(t *testing.T) {
	clk := &clock{t: time.Date(2026, 11, 27, 10, 30, 0, 0, time.UTC)}
	srv := upgatestest.NewServer(t)
	c := mustClient(t, srv, upgates.Options{Now: clk.Now, OrderTTL: time.Minute})
	for _, step := range []time.Duration{0, 59 * time.Second, 2 * time.Second} {
		clk.Add(step)
		if _, err := c.Order(t.Context(), "2026000101"); err != nil {
			t.Fatal(err)
		}
	}
	if n := srv.CallCount(); n != 2 {
		t.Errorf("calls = %d, want 2 (one expiry)", n)
	}
}

// failingCache fails every operation, as a Redis that is down would.
type failingCache struct{}

func (failingCache) Get(context.Context, string) ([]byte, bool, error) {
	return nil, false, errors.New("cache down")
}
func (failingCache) Set(context.Context, string, []byte, time.Duration) error {
	return errors.New("cache down")
}
func (failingCache) Delete(context.Context, ...string) error { return errors.New("cache down") }

func TestCacheErrorsDegrade(t *testing.T) {
	srv := upgatestest.NewServer(t)
	c := mustClient(t, srv, upgates.Options{Cache: failingCache{}})
	for i := 0; i < 2; i++ {
		if _, err := c.Order(t.Context(), "2026000101"); err != nil {
			t.Fatalf("Order with a failing cache error = %v", err)
		}
	}
	note := "x"
	if err := c.UpdateOrder(t.Context(), upgates.OrderUpdate{OrderNumber: "2026000101", InternalNote: &note}); err != nil {
		t.Fatalf("UpdateOrder with a failing cache error = %v", err)
	}
	if n := srv.CallCount(); n != 3 {
		t.Errorf("calls = %d, want 3", n)
	}
}

func TestUpdateOrder(t *testing.T) {
	for _, tc := range []struct {
		name       string
		status     string
		sendEmails bool
		wantMail   int
	}{
		{"template, e-mails on", "type:Canceled", true, 1},
		{"template, e-mails off", "type:Canceled", false, 0},
		{"no template", "Čeká na naskladnění", true, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := upgatestest.NewServer(t)
			c := mustClient(t, srv, upgates.Options{})
			st, err := c.ResolveStatus(t.Context(), tc.status)
			if err != nil {
				t.Fatal(err)
			}
			err = c.UpdateOrder(t.Context(), upgates.OrderUpdate{OrderNumber: "2026000101", StatusID: &st.ID, SendEmails: tc.sendEmails})
			if err != nil {
				t.Fatalf("UpdateOrder error = %v", err)
			}
			puts := srv.Calls()
			var body map[string]any
			if err := json.Unmarshal(puts[len(puts)-1].Body, &body); err != nil {
				t.Fatal(err)
			}
			want := map[string]any{
				"send_emails_yn": tc.sendEmails, "send_sms_yn": false,
				"orders": []any{map[string]any{"order_number": "2026000101", "status_id": float64(st.ID)}},
			}
			if diff := cmp.Diff(want, body); diff != "" {
				t.Errorf("PUT body mismatch (-want +got):\n%s", diff)
			}
			if o, _ := srv.Order("2026000101"); *o.StatusID != st.ID {
				t.Errorf("fake status = %d, want %d", *o.StatusID, st.ID)
			}
			out := srv.Outbox()
			if len(out) != tc.wantMail {
				t.Fatalf("outbox = %+v, want %d e-mails", out, tc.wantMail)
			}
			if tc.wantMail == 1 && (out[0].To != "jana.novakova@seznam.cz" || out[0].StatusID != st.ID) {
				t.Errorf("e-mail = %+v", out[0])
			}
			h := srv.History("2026000101")
			if last := h[len(h)-1]; last.Origin != "api" || last.Changes[0].After != st.Names["cs"] {
				t.Errorf("last history entry = %+v", last)
			}
		})
	}
}

func TestUpdateOrderRefused(t *testing.T) {
	srv := upgatestest.NewServer(t)
	c := mustClient(t, srv, upgates.Options{})
	id := 999
	for _, u := range []upgates.OrderUpdate{
		{OrderNumber: "2026999999", InternalNote: new(string)},
		{OrderNumber: "2026000101", StatusID: &id},
	} {
		err := c.UpdateOrder(t.Context(), u)
		var ae *upgates.APIError
		if !errors.As(err, &ae) || ae.Code != "not_updated" || ae.Message == "" {
			t.Errorf("UpdateOrder(%+v) error = %v, want *APIError not_updated with a reason", u, err)
		}
	}
	if err := c.UpdateOrder(t.Context(), upgates.OrderUpdate{OrderNumber: "2026000101"}); err == nil {
		t.Error("UpdateOrder with nothing to change succeeded")
	}
	if n := srv.CallCount(upgatestest.ByMethod(http.MethodPut)); n != 2 {
		t.Errorf("PUT calls = %d, want 2", n)
	}
}

func TestInternalNote(t *testing.T) {
	srv := upgatestest.NewServer(t)
	c := mustClient(t, srv, upgates.Options{})
	ctx := t.Context()
	if _, err := c.Order(ctx, "2026000102"); err != nil { // warm the cache
		t.Fatal(err)
	}
	if err := c.AppendInternalNote(ctx, "2026000102", "Samoobsluha: zákazník žádá fakturu.", false); err != nil {
		t.Fatal(err)
	}
	o, _ := srv.Order("2026000102")
	want := "Zákazník prosí o pečlivé zabalení.\nSamoobsluha: zákazník žádá fakturu."
	if o.InternalNote == nil || *o.InternalNote != want {
		t.Errorf("note after append = %v, want %q", o.InternalNote, want)
	}
	if n := srv.CallCount(upgatestest.ByPath("/orders/2026000102")); n != 2 {
		t.Errorf("GET calls = %d, want 2 (append reads fresh)", n)
	}
	over := "Přepsáno."
	if err := c.UpdateOrder(ctx, upgates.OrderUpdate{OrderNumber: "2026000102", InternalNote: &over}); err != nil {
		t.Fatal(err)
	}
	if o, _ := srv.Order("2026000102"); *o.InternalNote != over {
		t.Errorf("note after overwrite = %q, want %q", *o.InternalNote, over)
	}
	if len(srv.Outbox()) != 0 {
		t.Errorf("note changes sent e-mails: %+v", srv.Outbox())
	}
}

func TestStatusesCachedAndResolve(t *testing.T) {
	srv := upgatestest.NewServer(t)
	c := mustClient(t, srv, upgates.Options{})
	for _, tc := range []struct {
		in     string
		wantID int
	}{
		{"17", 17},
		{" 19 ", 19},
		{"Odesláno", 17},
		{"odesláno", 17},
		{"SHIPPED", 17},
		{"  čeká NA platbu ", 13},
		{"Awaiting stock", 15},
		{"type:Canceled", 19},
		{"TYPE:paymentsuccessful", 14},
		{"type:Custom", 12},
		{"999", 0},
		{"Neznámý stav", 0},
		{"", 0},
		{"type:", 0},
		{"type:PaymentFailed", 0},
	} {
		t.Run(tc.in, func(t *testing.T) {
			st, err := c.ResolveStatus(t.Context(), tc.in)
			if tc.wantID == 0 {
				if !errors.Is(err, upgates.ErrUnknownStatus) {
					t.Errorf("ResolveStatus(%q) = %+v, %v; want ErrUnknownStatus", tc.in, st, err)
				}
				return
			}
			if err != nil || st.ID != tc.wantID {
				t.Errorf("ResolveStatus(%q) = %d, %v; want %d", tc.in, st.ID, err, tc.wantID)
			}
		})
	}
	if n := srv.CallCount(upgatestest.ByPath("/order-statuses")); n != 1 {
		t.Errorf("/order-statuses calls = %d, want 1 (cached)", n)
	}
	list, err := c.OrderStatuses(t.Context())
	if err != nil || len(list) != 9 || list[6].Name("en") != "Shipped" || list[6].Name("de") != "Odesláno" {
		t.Errorf("OrderStatuses() = %+v, %v", list, err)
	}
}

func TestResolveStatusAmbiguous(t *testing.T) {
	d := upgatestest.Demo()
	d.Statuses = append(d.Statuses, upgatestest.Status{ID: 40, Type: "Custom", Names: map[string]string{"cs": "Vráceno", "en": "Shipped"}})
	srv := upgatestest.NewServer(t, upgatestest.WithDataset(d))
	c := mustClient(t, srv, upgates.Options{})
	if _, err := c.ResolveStatus(t.Context(), "shipped"); !errors.Is(err, upgates.ErrUnknownStatus) {
		t.Errorf("ResolveStatus(shipped) with two matches error = %v, want ErrUnknownStatus", err)
	}
	if st, err := c.ResolveStatus(t.Context(), "vráceno"); err != nil || st.ID != 40 {
		t.Errorf("ResolveStatus(vráceno) = %d, %v; want 40", st.ID, err)
	}
}

func TestConcurrencyLimit(t *testing.T) {
	srv := upgatestest.NewServer(t)
	srv.SetLatency(20 * time.Millisecond)
	c := mustClient(t, srv, upgates.Options{OrderTTL: -1})
	hints := upgatestest.DemoHints()
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.Order(t.Context(), hints[i%len(hints)].OrderNumber); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("Order error = %v", err)
	}
	if n := srv.CallCount(); n != 50 {
		t.Errorf("calls = %d, want 50", n)
	}
	if m := srv.MaxInFlight(); m > 3 || m < 2 {
		t.Errorf("fake saw %d in flight, want at most 3 (and the limiter used)", m)
	}
}

func TestFakeRefusesFourthConcurrent(t *testing.T) {
	// Without our limiter the fake's own limit shows: 429s.
	srv := upgatestest.NewServer(t)
	srv.SetLatency(300 * time.Millisecond) // long enough for all 8 to overlap
	c := mustClient(t, srv, upgates.Options{OrderTTL: -1, MaxInFlight: 8, RetryBudget: -1})
	var wg sync.WaitGroup
	var mu sync.Mutex
	limited := 0
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.Order(t.Context(), "2026000101")
			var rl *upgates.RateLimitError
			if errors.As(err, &rl) {
				mu.Lock()
				limited++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if limited == 0 || srv.MaxInFlight() <= 3 {
		t.Errorf("limited = %d, max in flight = %d; want 429s above 3 in flight", limited, srv.MaxInFlight())
	}
}

func TestCustomer(t *testing.T) {
	srv := upgatestest.NewServer(t)
	c := mustClient(t, srv, upgates.Options{})
	cu, err := c.CustomerByID(t.Context(), 5001)
	if err != nil || cu.Email != "jana.novakova@seznam.cz" || cu.Firstname != "Jana" || cu.Phone != "+420 602 418 337" || !cu.Active {
		t.Fatalf("CustomerByID(5001) = %+v, %v", cu, err)
	}
	if _, err := c.CustomerByID(t.Context(), 4242); !errors.Is(err, upgates.ErrNotFound) {
		t.Errorf("CustomerByID(4242) error = %v, want ErrNotFound", err)
	}
	page, err := c.CustomerOrders(t.Context(), 5001)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range page.Orders {
		got = append(got, o.OrderNumber)
	}
	want := []string{"2026000113", "2026000101", "2026000102", "2026000107"}
	if page.NumberOfItems != 4 || !cmp.Equal(want, got) {
		t.Errorf("CustomerOrders(5001) = %d %v, want 4 %v", page.NumberOfItems, got, want)
	}
	last := srv.Calls()[len(srv.Calls())-1]
	if last.Query.Get("email") != "jana.novakova@seznam.cz" || last.Query.Get("order_by") != "creation_time" || last.Query.Get("order_dir") != "desc" {
		t.Errorf("orders query = %v", last.Query)
	}
	if _, err := c.CustomerOrders(t.Context(), 5005); !errors.Is(err, upgates.ErrNotFound) {
		t.Errorf("CustomerOrders(5005 without e-mail) error = %v, want ErrNotFound", err)
	}
}

func TestOrdersList(t *testing.T) {
	srv := upgatestest.NewServer(t)
	c := mustClient(t, srv, upgates.Options{})
	for _, tc := range []struct {
		name string
		q    upgates.OrderQuery
		want []string
	}{
		{"numbers", upgates.OrderQuery{OrderNumbers: []string{"2026000105", "O2600117", "404"}}, []string{"2026000105", "O2600117"}},
		{"phone", upgates.OrderQuery{Phone: "+420 605 205 964"}, []string{"2026000103"}},
		{"national phone", upgates.OrderQuery{Phone: "605205964"}, []string{"2026000103"}},
		{"email any case", upgates.OrderQuery{Email: "Petr.Svoboda@Gmail.com"}, []string{"2026000103"}},
		{"unknown email", upgates.OrderQuery{Email: "nikdo@seznam.cz"}, nil},
		{"status", upgates.OrderQuery{StatusIDs: []int{19, 18}}, []string{"2026000107", "2026000108"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			page, err := c.Orders(t.Context(), tc.q)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, o := range page.Orders {
				got = append(got, o.OrderNumber)
			}
			if !cmp.Equal(tc.want, got) || page.NumberOfItems != len(tc.want) {
				t.Errorf("Orders(%+v) = %d %v, want %v", tc.q, page.NumberOfItems, got, tc.want)
			}
		})
	}
	if _, err := c.Orders(t.Context(), upgates.OrderQuery{OrderBy: "price"}); err == nil {
		t.Error("Orders with a bad order_by succeeded")
	}
}

func TestManufacturers(t *testing.T) {
	srv := upgatestest.NewServer(t)
	c := mustClient(t, srv, upgates.Options{})
	o, err := c.Order(t.Context(), "2026000109")
	if err != nil {
		t.Fatal(err)
	}
	var ids []int
	for _, l := range o.Products {
		if l.ProductID != nil {
			ids = append(ids, *l.ProductID)
		}
	}
	if len(ids) != 3 || len(o.Products) != 4 {
		t.Fatalf("order lines = %+v, want 3 products and a gift without product_id", o.Products)
	}
	for i := 0; i < 2; i++ {
		brands, err := c.Manufacturers(t.Context(), append(ids, ids[0], 0))
		if err != nil {
			t.Fatal(err)
		}
		want := map[int]string{329: "Therm-a-Rest", 252: "Stanley"} // 296 has none
		if diff := cmp.Diff(want, brands); diff != "" {
			t.Errorf("Manufacturers mismatch (-want +got):\n%s", diff)
		}
	}
	calls := srv.Calls()
	if n := srv.CallCount(upgatestest.ByPath("/products")); n != 1 {
		t.Errorf("/products calls = %d, want 1 (one call, then cached)", n)
	}
	if q := calls[1].Query.Get("product_ids"); q != "252;296;329" {
		t.Errorf("product_ids = %q, want 252;296;329", q)
	}
}

func TestInvoicePDF(t *testing.T) {
	srv := upgatestest.NewServer(t)
	c := mustClient(t, srv, upgates.Options{})
	rc, err := c.InvoicePDF(t.Context(), "FV2026000412")
	if err != nil {
		t.Fatal(err)
	}
	pdf, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.HasPrefix(pdf, []byte("%PDF-1.4")) || !bytes.Contains(pdf, []byte("FV2026000412")) || !bytes.HasSuffix(pdf, []byte("%%EOF\n")) {
		t.Errorf("InvoicePDF returned %q...", pdf[:min(len(pdf), 40)])
	}
	for _, as404 := range []bool{false, true} {
		srv.NotFoundAs404(as404)
		if _, err := c.InvoicePDF(t.Context(), "FV0000000"); !errors.Is(err, upgates.ErrNotFound) {
			t.Errorf("InvoicePDF(unknown), 404=%v: error = %v, want ErrNotFound", as404, err)
		}
	}
}

func TestInvoicePDFRejectsOtherContent(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<html>login</html>")
	}))
	t.Cleanup(ts.Close)
	c := upgates.New(ts.URL+"/api/v2", "l", "k", upgates.Options{})
	_, err := c.InvoicePDF(t.Context(), "FV1")
	var ae *upgates.APIError
	if !errors.As(err, &ae) || ae.Code != "not_pdf" {
		t.Errorf("InvoicePDF of HTML error = %v, want *APIError not_pdf", err)
	}
}

func TestHistory(t *testing.T) {
	srv := upgatestest.NewServer(t)
	c := mustClient(t, srv, upgates.Options{})
	long := strings.Repeat("á", 60)
	if err := c.AddHistory(t.Context(), "2026000101", long, "<b>Zákazník</b> požádal o storno."); err != nil {
		t.Fatal(err)
	}
	h, err := c.OrderHistory(t.Context(), "2026000101")
	if err != nil {
		t.Fatal(err)
	}
	last := h[len(h)-1]
	want := []upgates.Parameter{{Name: strings.Repeat("á", 50), Value: "Zákazník požádal o storno."}}
	if diff := cmp.Diff(want, last.Data); diff != "" || last.Origin != "api" || len(h) != 3 {
		t.Errorf("history = %d entries, last %+v; data diff:\n%s", len(h), last, diff)
	}
	if h[1].Changes[0].After != "Čeká na platbu" {
		t.Errorf("status change entry = %+v", h[1])
	}
	if err := c.AddHistory(t.Context(), "2026999999", "x", "y"); !errors.Is(err, upgates.ErrNotFound) {
		t.Errorf("AddHistory(unknown) error = %v, want ErrNotFound", err)
	}
}

func TestPing(t *testing.T) {
	srv := upgatestest.NewServer(t)
	if err := mustClient(t, srv, upgates.Options{}).Ping(t.Context()); err != nil {
		t.Errorf("Ping() error = %v", err)
	}
	host := strings.TrimSuffix(srv.URL(), "/api/v2")
	if c := upgates.New(host, srv.Login, srv.Key, upgates.Options{}); c.BaseURL() != srv.URL() || c.Ping(t.Context()) != nil {
		t.Errorf("New(%s) base = %s, want %s", host, c.BaseURL(), srv.URL())
	}
	if err := upgates.New("ftp://x", "l", "k", upgates.Options{}).Ping(t.Context()); err == nil {
		t.Error("Ping with an ftp URL succeeded")
	}
}

func TestCredentialsRedacted(t *testing.T) {
	cred := upgates.Credentials{Login: "api-user", Key: "topsecret"}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "cred", cred, "key", cred.Key)
	for _, s := range []string{fmt.Sprint(cred), fmt.Sprintf("%v %+v %#v %s", cred.Key, cred.Key, cred.Key, cred.Key), buf.String()} {
		if strings.Contains(s, "topsecret") || !strings.Contains(s, "REDACTED") {
			t.Errorf("output %q shows the key or lacks REDACTED", s)
		}
	}
	if b, _ := json.Marshal(cred); bytes.Contains(b, []byte("topsecret")) {
		t.Errorf("json %s shows the key", b)
	}
	if cred.Key.Reveal() != "topsecret" {
		t.Error("Reveal() lost the key")
	}
}

// sampleServer serves recorded response bodies from testdata by path.
func sampleServer(t *testing.T, routes map[string]string) string {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		file, ok := routes[r.Method+" "+r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		b, err := os.ReadFile(filepath.Join("testdata", file))
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(b)
	}))
	t.Cleanup(ts.Close)
	return ts.URL + "/api/v2"
}

func TestLenientSamples(t *testing.T) {
	base := sampleServer(t, map[string]string{
		"GET /api/v2/orders/9000011":          "order-2024-php.json",
		"GET /api/v2/orders/O2205022":         "order-bare.json",
		"GET /api/v2/orders/O2205022/history": "history-mixed.json",
		"PUT /api/v2/orders":                  "put-result-object.json",
	})
	c := upgates.New(base, "l", "k", upgates.Options{})
	ctx := t.Context()

	o, err := c.Order(ctx, "9000011")
	if err != nil {
		t.Fatalf("Order(9000011) error = %v", err)
	}
	prague := time.FixedZone("", 3600)
	if o.OrderNumber != "9000011" || o.OrderID != 1203 || o.StatusID != 1 || !o.PricesWithVAT || o.Resolved ||
		o.PaidDate != nil || o.OrderTotal != 1230.5 || o.InvoiceNumber != "" || o.Origin != "cash–register" ||
		!o.LastUpdateTime.Equal(time.Date(2024, 2, 29, 14, 24, 49, 0, prague)) ||
		!o.CreationTime.Equal(time.Date(2024, 2, 29, 14, 20, 1, 0, time.UTC)) {
		t.Errorf("lenient order = %+v", o)
	}
	cu := o.Customer
	if cu.CustomerID != nil || cu.ZipInvoice != "60200" || !cu.EmailMatches("tester@example.com") || len(cu.Agreements) != 3 {
		t.Errorf("lenient customer = %+v", cu)
	}
	if a := cu.Agreements[0]; a.ValidTo == nil || !a.ValidTo.Equal(time.Date(2026, 2, 28, 13, 24, 49, 0, time.UTC)) {
		t.Errorf("PHP DateTime valid_to = %v, want 2026-02-28 13:24:49 UTC", a.ValidTo)
	}
	if a := cu.Agreements[1]; a.ValidTo == nil || !a.ValidTo.Equal(time.Date(2024, 12, 31, 23, 0, 0, 0, time.UTC)) || a.Status != "1" {
		t.Errorf("PHP DateTime with offset = %+v", a)
	}
	if len(o.Products) != 2 || *o.Products[0].ProductID != 241 || o.Products[0].Quantity != 2 || o.Products[0].EAN != "8596445056174" ||
		o.Products[0].Parameters[0].Value != "38" || o.Products[1].ProductID != nil || o.Products[1].PriceWithVAT != -49.8 || o.Products[1].Parameters != nil {
		t.Errorf("lenient lines = %+v", o.Products)
	}
	if o.Shipment.ID != nil || o.Shipment.AffiliateID != "548" || o.Payment.ID == nil || *o.Payment.ID != 3 {
		t.Errorf("lenient shipment/payment = %+v %+v", o.Shipment, o.Payment)
	}

	b, err := c.Order(ctx, "O2205022")
	if err != nil {
		t.Fatalf("bare Order error = %v", err)
	}
	if b.StatusID != 0 || b.Status != "" || b.PaidDate == nil || !b.PaidDate.Equal(time.Date(2025, 5, 27, 0, 0, 0, 0, time.UTC)) ||
		b.Customer.Email != nil || b.DeliveredDate == nil || b.Deleted == nil || *b.Deleted ||
		b.Shipment.Name != "Packeta" || b.Payment != (upgates.Payment{}) {
		t.Errorf("bare order = %+v", b)
	}

	h, err := c.OrderHistory(ctx, "O2205022")
	if err != nil {
		t.Fatalf("OrderHistory error = %v", err)
	}
	var changes [][]string
	for _, e := range h {
		var cs []string
		for _, ch := range e.Changes {
			cs = append(cs, ch.Name+":"+ch.Before+">"+ch.After)
		}
		changes = append(changes, cs)
	}
	want := [][]string{{"status:Přijatá>Odesláno"}, {"tracking_code:>Z1", "paid_date:>2025-05-27"}, {"status:A>B", "note:>x"}}
	if diff := cmp.Diff(want, changes); diff != "" {
		t.Errorf("history changes (-want +got):\n%s", diff)
	}
	if h[1].Data[0].Value != "<p>Platba spárována</p>" || h[1].Origin != "paymentPairing" || !h[2].CreationTime.IsZero() {
		t.Errorf("history entries = %+v", h)
	}

	id := 4
	if err := c.UpdateOrder(ctx, upgates.OrderUpdate{OrderNumber: "2500123", StatusID: &id}); err != nil {
		t.Errorf("UpdateOrder with an object result and updated_yn \"1\" error = %v", err)
	}
}

func TestUpdateRefusedSample(t *testing.T) {
	base := sampleServer(t, map[string]string{"PUT /api/v2/orders": "put-result-refused.json"})
	c := upgates.New(base, "l", "k", upgates.Options{})
	id := 4
	err := c.UpdateOrder(t.Context(), upgates.OrderUpdate{OrderNumber: "2500123", StatusID: &id})
	var ae *upgates.APIError
	if !errors.As(err, &ae) || ae.Code != "not_updated" || ae.Message != "Stav objednávky neexistuje." {
		t.Errorf("UpdateOrder error = %v, want not_updated with the error message only", err)
	}
}

func TestOrderRoundTrip(t *testing.T) {
	srv := upgatestest.NewServer(t)
	c := mustClient(t, srv, upgates.Options{})
	for _, h := range upgatestest.DemoHints() {
		o, err := c.Order(t.Context(), h.OrderNumber)
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(o)
		if err != nil {
			t.Fatal(err)
		}
		var back upgates.Order
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(*o, back); diff != "" {
			t.Errorf("order %s marshal round trip (-want +got):\n%s", h.OrderNumber, diff)
		}
	}
}

func TestMSISDN(t *testing.T) {
	for in, want := range map[string]string{
		"+420 601 223 344": "420601223344",
		"00420601223344":   "420601223344",
		"601 223 344":      "420601223344",
		"+43 664 315 2208": "436643152208",
		"tel.":             "",
	} {
		if got := upgates.MSISDN(in); got != want {
			t.Errorf("MSISDN(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPathEscaping(t *testing.T) {
	var paths []string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		paths = append(paths, r.URL.EscapedPath())
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"orders":[{"order_number":"Objednávka+1"}]}`)
	}))
	t.Cleanup(ts.Close)
	c := upgates.New(ts.URL+"/api/v2/", "l", "k", upgates.Options{})
	o, err := c.Order(t.Context(), "Objednávka+1")
	if err != nil || o.OrderNumber != "Objednávka+1" {
		t.Fatalf("Order = %v, %v", o, err)
	}
	if want := []string{"/api/v2/orders/Objedn%C3%A1vka+1"}; !cmp.Equal(want, paths) {
		t.Errorf("paths = %q, want %q", paths, want)
	}
}

func TestManufacturersChunks(t *testing.T) {
	d := upgatestest.Demo()
	var ids []int
	for i := 1; i <= 150; i++ {
		d.Products = append(d.Products, upgatestest.Product{ProductID: 1000 + i, Code: fmt.Sprintf("X%d", i), Title: "X", Manufacturer: new(fmt.Sprint("Brand ", i))})
		ids = append(ids, 1000+i)
	}
	srv := upgatestest.NewServer(t, upgatestest.WithDataset(d))
	c := mustClient(t, srv, upgates.Options{})
	brands, err := c.Manufacturers(t.Context(), ids)
	if err != nil || len(brands) != 150 || brands[1150] != "Brand 150" {
		t.Fatalf("Manufacturers(150 ids) = %d brands, %v", len(brands), err)
	}
	if n := srv.CallCount(); n != 2 {
		t.Errorf("calls = %d, want 2 (100 ids per call)", n)
	}
}

func TestQuotaSharedAcrossInstances(t *testing.T) {
	// Two server instances share a cache (Redis in production): once one
	// learns the quota is spent, the other spends no call to learn it too.
	clk := &clock{t: time.Date(2026, 11, 27, 10, 30, 0, 0, time.UTC)}
	srv := upgatestest.NewServer(t, upgatestest.WithClock(clk.Now))
	srv.SetQuota(1, 0)
	shared := upgates.NewMemoryCache(clk.Now)
	first := mustClient(t, srv, upgates.Options{Now: clk.Now, Cache: shared})
	second := mustClient(t, srv, upgates.Options{Now: clk.Now, Cache: shared})
	if err := first.Ping(t.Context()); err != nil {
		t.Fatal(err)
	}
	err := second.Ping(t.Context())
	var rl *upgates.RateLimitError
	if !errors.As(err, &rl) || !rl.Quota || !rl.RetryAt.Equal(time.Date(2026, 11, 27, 11, 0, 0, 0, time.UTC)) {
		t.Fatalf("second instance Ping error = %v, want quota *RateLimitError until 11:00", err)
	}
	if n := srv.CallCount(); n != 1 {
		t.Errorf("fake saw %d calls, want 1", n)
	}
	clk.Add(30 * time.Minute)
	if err := second.Ping(t.Context()); err != nil {
		t.Errorf("second instance Ping in the next hour error = %v", err)
	}
}

func TestStatusesFetchedOnceUnderBurst(t *testing.T) {
	srv := upgatestest.NewServer(t)
	srv.SetLatency(50 * time.Millisecond)
	c := mustClient(t, srv, upgates.Options{})
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.OrderStatuses(t.Context()); err != nil {
				t.Errorf("OrderStatuses error = %v", err)
			}
		}()
	}
	wg.Wait()
	if n := srv.CallCount(); n != 1 {
		t.Errorf("20 concurrent status reads made %d calls, want 1", n)
	}
}
