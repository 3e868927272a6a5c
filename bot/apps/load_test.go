package apps_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/samoobsluha/samoobsluha/bot/apps"
	"github.com/samoobsluha/samoobsluha/dialog"
	"github.com/samoobsluha/samoobsluha/session"
	"github.com/samoobsluha/samoobsluha/upgates"
	"github.com/samoobsluha/samoobsluha/upgates/upgatestest"
)

// TestConversationCost counts the Upgates calls of a conversation about one
// order: status (order_detail), then the parcel (verify_order), then the
// invoice (order_documents), then its download; and the same questions
// again.
func TestConversationCost(t *testing.T) {
	e := newEnv(t)
	type count struct{ orders, invoices, brands, statuses, total int }
	measure := func() count {
		return count{
			orders:   e.calls(http.MethodGet, "/orders"),
			invoices: e.calls(http.MethodGet, "/invoices"),
			brands:   e.calls(http.MethodGet, "/products"),
			statuses: e.calls(http.MethodGet, "/order-statuses"),
			total:    e.total(),
		}
	}
	conversation := func() {
		t.Helper()
		r := e.run("order_detail", map[string]string{"order": orderZas, "email": janaEmail})
		wantOutcome(t, "status", r, dialog.OutcomeYes)
		r = e.run("verify_order", map[string]string{"order": orderZas}, orderZas)
		wantOutcome(t, "tracking", r, dialog.OutcomeYes)
		if fields(t, r)["tracking"] != "Z4081727365" {
			t.Errorf("tracking = %v", fields(t, r)["tracking"])
		}
		token := e.mustInvoiceToken(e.apps, orderZas, janaEmail)
		_, body, err := e.apps.OpenInvoice(t.Context(), token)
		if err != nil {
			t.Fatalf("OpenInvoice: %v", err)
		}
		mustRead(t, body)
	}

	conversation()
	first := measure()
	t.Logf("first conversation: %d order read(s), %d invoice read(s), %d brand lookup(s), %d status list read(s); %d calls in all",
		first.orders, first.invoices, first.brands, first.statuses, first.total)
	if first.orders+first.invoices > 2 {
		t.Errorf("order + invoice reads = %d, want at most 2", first.orders+first.invoices)
	}
	// Brands (one products call per product set, cached for hours) and the
	// status list (one per shop, cached for minutes) are shop-wide lookups,
	// counted here honestly: each at most once.
	if first.brands != 1 || first.statuses != 1 || first.total != 4 {
		t.Errorf("brands, statuses, total = %d, %d, %d; want 1, 1, 4", first.brands, first.statuses, first.total)
	}

	conversation()
	again := measure()
	t.Logf("the same questions again: %d more calls", again.total-first.total)
	if again.total != first.total {
		t.Errorf("repeating the questions cost %d more calls, want 0", again.total-first.total)
	}
}

// fault injects one technical failure into the fake.
type fault struct {
	name   string
	inject func(e *env)
	// timeout, if set, bounds the call's context.
	timeout time.Duration
}

var faults = []fault{
	{name: "500", inject: func(e *env) { e.srv.Fail(http.StatusInternalServerError, 100) }},
	{name: "429 beyond the retry budget", inject: func(e *env) { e.srv.RateLimit(100, time.Hour, true) }},
	{name: "quota spent", inject: func(e *env) { e.srv.SetQuota(0, 0) }},
	{name: "latency beyond the deadline", inject: func(e *env) { e.srv.SetLatency(2 * time.Second) }, timeout: 100 * time.Millisecond},
}

// TestTechnicalFailureIsError runs every app against every fault: each is
// an error, never a no, with Value false.
func TestTechnicalFailureIsError(t *testing.T) {
	calls := []struct {
		app      string
		params   map[string]string
		verified []string
		write    bool // the failing request is a write
	}{
		{app: "verify_order", params: map[string]string{"order": orderUnpaid}},
		{app: "order_detail", params: map[string]string{"order": orderUnpaid, "email": janaEmail}},
		{app: "customer_email", params: map[string]string{"order": orderUnpaid}},
		{app: "change_status", params: map[string]string{"order": orderUnpaid, "status": "Vyřizuje se", "send_email": "false"}, verified: []string{orderUnpaid}},
		{app: "verify_email", params: map[string]string{"order": orderUnpaid, "email": janaEmail}},
		{app: "verify_phone", params: map[string]string{"order": orderUnpaid, "phone": "+420602418337"}},
		{app: "append_note", params: map[string]string{"order": orderUnpaid, "text": "Poznámka."}, verified: []string{orderUnpaid}},
		{app: "overwrite_note", params: map[string]string{"order": orderUnpaid, "text": "Poznámka."}, verified: []string{orderUnpaid}, write: true},
		{app: "order_documents", params: map[string]string{"order": orderZas, "email": janaEmail}},
		{app: "customer_orders", params: map[string]string{"customer_id": "5001"}},
		{app: "customer_orders", params: map[string]string{"order": orderZas}, verified: []string{orderZas}},
		{app: "cancel_order", params: map[string]string{"order": orderUnpaid, "send_email": "false"}, verified: []string{orderUnpaid}},
	}
	for _, c := range calls {
		for _, f := range faults {
			t.Run(c.app+"/"+f.name, func(t *testing.T) {
				e := newEnv(t)
				f.inject(e)
				ctx := t.Context()
				if f.timeout > 0 {
					var cancel context.CancelFunc
					ctx, cancel = context.WithTimeout(ctx, f.timeout)
					defer cancel()
				}
				start := time.Now()
				r := e.apps.Run(ctx, apps.Call{App: c.app, Params: c.params, Verified: verifiedFunc(c.verified...)})
				wantOutcome(t, c.app, r, dialog.OutcomeError)
				if r.VerifyFailed || r.Verified != "" {
					t.Errorf("VerifyFailed, Verified = %v, %q after a technical failure", r.VerifyFailed, r.Verified)
				}
				if r.Write != c.write {
					t.Errorf("Write = %v, want %v", r.Write, c.write)
				}
				// MaxInFlight counts a request on arrival; a cancelled one is
				// recorded in Calls only when its handler returns.
				if e.srv.MaxInFlight() == 0 {
					t.Error("no request reached the fake")
				}
				if d := time.Since(start); d > time.Second {
					t.Errorf("took %v; a failure must come back fast", d)
				}
				t.Logf("Err: %v", r.Err)
			})
		}
	}
}

// conversations runs n concurrent conversations, spread over appsList, each
// asking about one demo order (status, tracking, invoice), and returns the
// failures.
func conversations(t *testing.T, n int, appsList ...*apps.Apps) []string {
	t.Helper()
	hints := upgatestest.DemoHints()
	var mu sync.Mutex
	var failures []string
	var wg sync.WaitGroup
	for i := range n {
		a := appsList[i%len(appsList)]
		h := hints[i%len(hints)]
		wg.Go(func() {
			ctx := t.Context()
			steps := []apps.Call{
				{App: "verify_order", Params: map[string]string{"order": h.OrderNumber}},
				{App: "verify_phone", Params: map[string]string{"order": h.OrderNumber, "phone": h.Phone}},
				{App: "order_documents", Params: map[string]string{"order": h.OrderNumber, "email": h.Email}},
			}
			for _, c := range steps {
				r := a.Run(ctx, c)
				if r.Outcome == dialog.OutcomeError {
					mu.Lock()
					failures = append(failures, fmt.Sprintf("%s %s: %v", c.App, h.OrderNumber, r.Err))
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	return failures
}

// loadShop starts a fake with latency (so requests overlap) and no quota
// in the way, and returns a client factory without order caching (so every
// conversation really calls the shop).
func loadShop(t *testing.T) (*shopServer, func(upgates.Limiter) *upgates.Client) {
	srv := newShopServer(t)
	srv.SetLatency(3 * time.Millisecond)
	srv.SetQuota(100000, 100000)
	return srv, func(l upgates.Limiter) *upgates.Client {
		return upgates.New(srv.URL(), upgatestest.DemoLogin, upgatestest.DemoKey, upgates.Options{
			Limiter: l, OrderTTL: -1, RetryBudget: 2 * time.Second,
		})
	}
}

func mustNewApps(t *testing.T, shop *upgates.Client, bot string) *apps.Apps {
	t.Helper()
	a, err := apps.New(shop, bot, apps.Options{PublicURL: publicURL, Secret: testSecret})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestConcurrentConversationsStayWithinThreeInFlight(t *testing.T) {
	srv, newClient := loadShop(t)
	a := mustNewApps(t, newClient(nil), "default")
	failures := conversations(t, 50, a)
	t.Logf("50 conversations: %d requests, max in flight at the fake %d", len(srv.Calls()), srv.MaxInFlight())
	if len(failures) > 0 {
		t.Errorf("%d failures, e.g. %s", len(failures), failures[0])
	}
	if got := srv.MaxInFlight(); got > 3 || got < 2 {
		t.Errorf("max in flight at the fake = %d, want 2..3 (overlap, never more than 3)", got)
	}
	if n := srv.CallCount(func(c upgatestest.Call) bool { return c.Status == http.StatusTooManyRequests }); n != 0 {
		t.Errorf("the fake answered 429 %d times", n)
	}
}

func TestTwoClientsShareARedisSemaphore(t *testing.T) {
	url := os.Getenv("SAMOOBSLUHA_TEST_REDIS_URL")
	if url == "" {
		t.Skip("SAMOOBSLUHA_TEST_REDIS_URL is not set; skipping the shared Redis semaphore test")
	}
	rc, err := session.NewRedisClient(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rc.Close() })
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	prefix := "samotest:" + hex.EncodeToString(rnd[:]) + ":"
	t.Cleanup(func() {
		ctx := context.Background()
		iter := rc.Scan(ctx, 0, prefix+"*", 100).Iterator()
		for iter.Next(ctx) {
			rc.Del(ctx, iter.Val())
		}
	})

	srv, newClient := loadShop(t)
	// Two server instances: separate clients and semaphores, one Redis.
	a1 := mustNewApps(t, newClient(session.NewRedisSemaphore(rc, prefix, 3, 10*time.Second)), "default")
	a2 := mustNewApps(t, newClient(session.NewRedisSemaphore(rc, prefix, 3, 10*time.Second)), "default")
	failures := conversations(t, 50, a1, a2)
	t.Logf("50 conversations on two clients: %d requests, max in flight at the fake %d", len(srv.Calls()), srv.MaxInFlight())
	if len(failures) > 0 {
		t.Errorf("%d failures, e.g. %s", len(failures), failures[0])
	}
	if got := srv.MaxInFlight(); got > 3 {
		t.Errorf("max in flight at the fake = %d, want at most 3", got)
	}
	if n := srv.CallCount(func(c upgatestest.Call) bool { return c.Status == http.StatusTooManyRequests }); n != 0 {
		t.Errorf("the fake answered 429 %d times", n)
	}
}
