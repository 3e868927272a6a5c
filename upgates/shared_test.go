package upgates_test

import (
	"sync"
	"testing"
	"time"

	"github.com/samoobsluha/samoobsluha/upgates"
	"github.com/samoobsluha/samoobsluha/upgates/upgatestest"
)

// Two clients sharing a Limiter and a Cache behave like two server
// instances sharing Redis: together never more than 3 requests in flight,
// one instance's read serves the other, and a write by one invalidates the
// order for both.
func TestSharedLimiterAndCache(t *testing.T) {
	srv := upgatestest.NewServer(t)
	srv.SetLatency(10 * time.Millisecond)
	lim := upgates.NewMemoryLimiter(3)
	cache := upgates.NewMemoryCache(nil)
	opts := upgates.Options{Limiter: lim, Cache: cache, ShopKey: "horsky-sklad"}
	a := mustClient(t, srv, opts)
	b := mustClient(t, srv, opts)

	hints := upgatestest.DemoHints()
	var wg sync.WaitGroup
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := a
			if i%2 == 1 {
				c = b
			}
			if _, err := c.OrderHistory(t.Context(), hints[i%len(hints)].OrderNumber); err != nil {
				t.Errorf("OrderHistory error = %v", err)
			}
		}()
	}
	wg.Wait()
	if m := srv.MaxInFlight(); m > 3 {
		t.Errorf("two clients had %d requests in flight, want at most 3", m)
	}

	srv.ResetCounters()
	if _, err := a.Order(t.Context(), "2026000106"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Order(t.Context(), "2026000106"); err != nil {
		t.Fatal(err)
	}
	if n := srv.CallCount(); n != 1 {
		t.Errorf("calls after reads by both clients = %d, want 1", n)
	}
	st, err := a.ResolveStatus(t.Context(), "Odesláno")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.UpdateOrder(t.Context(), upgates.OrderUpdate{OrderNumber: "2026000106", StatusID: &st.ID}); err != nil {
		t.Fatal(err)
	}
	o, err := b.Order(t.Context(), "2026000106")
	if err != nil || o.StatusID != st.ID {
		t.Errorf("other client's Order after the write = %v, %v; want status %d", o, err, st.ID)
	}
	if _, err := b.ResolveStatus(t.Context(), "type:Canceled"); err != nil {
		t.Fatal(err)
	}
	if n := srv.CallCount(upgatestest.ByPath("/order-statuses")); n != 1 {
		t.Errorf("/order-statuses calls = %d, want 1 (shared cache)", n)
	}
}
