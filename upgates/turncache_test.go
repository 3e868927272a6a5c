package upgates_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/samoobsluha/samoobsluha/upgates"
	"github.com/samoobsluha/samoobsluha/upgates/upgatestest"
)

// Under WithTurnCache each order is read from the shared cache once; every
// caller still gets its own copy, the client's writes drop the order, and
// nothing changes without a turn cache or with orders not cached.
func TestTurnCache(t *testing.T) {
	const number = "2026000106"
	type env struct {
		srv   *upgatestest.Server
		cache *countingCache
		c     *upgates.Client
	}
	setup := func(t *testing.T, opts upgates.Options) env {
		srv := upgatestest.NewServer(t)
		cache := &countingCache{MemoryCache: upgates.NewMemoryCache(nil)}
		opts.Cache = cache
		opts.ShopKey = "horsky-sklad"
		return env{srv: srv, cache: cache, c: mustClient(t, srv, opts)}
	}
	// read reads the order and returns it with the cache reads and shop
	// GETs of the order it cost.
	read := func(t *testing.T, e env, ctx context.Context, num string) (*upgates.Order, int64, int) {
		t.Helper()
		g0, s0 := e.cache.gets.Load(), e.srv.CallCount(upgatestest.ByMethod("GET"))
		o, err := e.c.Order(ctx, num)
		if err != nil {
			t.Fatalf("Order(%s) error = %v", num, err)
		}
		return o, e.cache.gets.Load() - g0, e.srv.CallCount(upgatestest.ByMethod("GET")) - s0
	}

	t.Run("second read costs no cache read", func(t *testing.T) {
		e := setup(t, upgates.Options{})
		want, _, _ := read(t, e, t.Context(), number) // fills the shared cache
		ctx := upgates.WithTurnCache(t.Context())
		first, gets, calls := read(t, e, ctx, number)
		if gets != 1 || calls != 0 {
			t.Errorf("first read in the turn: %d cache reads, %d shop calls; want 1, 0", gets, calls)
		}
		// Other letter case, same order.
		second, gets, calls := read(t, e, ctx, " "+strings.ToLower(number)+" ")
		if gets != 0 || calls != 0 {
			t.Errorf("second read in the turn: %d cache reads, %d shop calls; want 0, 0", gets, calls)
		}
		if d := cmp.Diff(want, second); d != "" {
			t.Errorf("second read differs from a plain read (-want +got):\n%s", d)
		}
		// Each caller owns its copy.
		first.Status = "changed"
		first.Products[0].Title = "changed"
		*first.Customer.Email = "changed@example.cz"
		third, _, _ := read(t, e, ctx, number)
		if d := cmp.Diff(want, third); d != "" {
			t.Errorf("a caller's change leaked into the turn cache (-want +got):\n%s", d)
		}
		if d := cmp.Diff(want, second); d != "" {
			t.Errorf("a caller's change leaked into another caller's copy (-want +got):\n%s", d)
		}
	})

	t.Run("first read from the shop is kept", func(t *testing.T) {
		e := setup(t, upgates.Options{})
		ctx := upgates.WithTurnCache(t.Context())
		// The order and the shop's quota block are read from the cache.
		if _, gets, calls := read(t, e, ctx, number); gets != 2 || calls != 1 {
			t.Errorf("first read: %d cache reads, %d shop calls; want 2, 1", gets, calls)
		}
		if _, gets, calls := read(t, e, ctx, number); gets != 0 || calls != 0 {
			t.Errorf("second read: %d cache reads, %d shop calls; want 0, 0", gets, calls)
		}
	})

	t.Run("without a turn cache every read asks the cache", func(t *testing.T) {
		e := setup(t, upgates.Options{})
		read(t, e, t.Context(), number)
		for range 2 {
			if _, gets, calls := read(t, e, t.Context(), number); gets != 1 || calls != 0 {
				t.Errorf("read: %d cache reads, %d shop calls; want 1, 0", gets, calls)
			}
		}
	})

	t.Run("orders not cached: no turn cache either", func(t *testing.T) {
		e := setup(t, upgates.Options{OrderTTL: -1})
		ctx := upgates.WithTurnCache(t.Context())
		for range 2 {
			if _, _, calls := read(t, e, ctx, number); calls != 1 {
				t.Errorf("read: %d shop calls, want 1", calls)
			}
		}
	})

	t.Run("a missing order is asked for again", func(t *testing.T) {
		e := setup(t, upgates.Options{})
		ctx := upgates.WithTurnCache(t.Context())
		for range 2 {
			s0 := e.srv.CallCount()
			if _, err := e.c.Order(ctx, "1999000001"); !errors.Is(err, upgates.ErrNotFound) {
				t.Fatalf("Order of a missing number error = %v, want ErrNotFound", err)
			}
			if n := e.srv.CallCount() - s0; n != 1 {
				t.Errorf("missing order: %d shop calls, want 1", n)
			}
		}
	})

	t.Run("UpdateOrder drops the order", func(t *testing.T) {
		e := setup(t, upgates.Options{})
		ctx := upgates.WithTurnCache(t.Context())
		read(t, e, ctx, number)
		st, err := e.c.ResolveStatus(ctx, "Odesláno")
		if err != nil {
			t.Fatal(err)
		}
		if err := e.c.UpdateOrder(ctx, upgates.OrderUpdate{OrderNumber: number, StatusID: &st.ID}); err != nil {
			t.Fatal(err)
		}
		o, _, calls := read(t, e, ctx, number)
		if o.StatusID != st.ID || calls != 1 {
			t.Errorf("read after the write: status %d with %d shop calls, want %d with 1", o.StatusID, calls, st.ID)
		}
		if _, gets, calls := read(t, e, ctx, number); gets != 0 || calls != 0 {
			t.Errorf("read after that: %d cache reads, %d shop calls; want 0, 0", gets, calls)
		}
	})

	t.Run("AppendInternalNote reads fresh and drops the order", func(t *testing.T) {
		e := setup(t, upgates.Options{})
		ctx := upgates.WithTurnCache(t.Context())
		read(t, e, ctx, number)
		if err := e.c.AppendInternalNote(ctx, number, "first note", false); err != nil {
			t.Fatal(err)
		}
		if err := e.c.AppendInternalNote(ctx, number, "second note", false); err != nil {
			t.Fatal(err)
		}
		if n := e.srv.CallCount(upgatestest.ByPath("/orders/" + number)); n != 3 {
			t.Errorf("shop reads of the order = %d, want 3 (one before, one per append)", n)
		}
		o, _, _ := read(t, e, ctx, number)
		if !strings.Contains(o.InternalNote, "first note\nsecond note") {
			t.Errorf("note after two appends = %q, want both lines", o.InternalNote)
		}
	})

	t.Run("another instance's write shows in the next turn", func(t *testing.T) {
		e := setup(t, upgates.Options{})
		other := mustClient(t, e.srv, upgates.Options{Cache: e.cache, ShopKey: "horsky-sklad"})
		turn := upgates.WithTurnCache(t.Context())
		before, _, _ := read(t, e, turn, number)
		st, err := other.ResolveStatus(t.Context(), "Odesláno")
		if err != nil {
			t.Fatal(err)
		}
		if err := other.UpdateOrder(t.Context(), upgates.OrderUpdate{OrderNumber: number, StatusID: &st.ID}); err != nil {
			t.Fatal(err)
		}
		if o, _, _ := read(t, e, turn, number); o.StatusID != before.StatusID {
			t.Errorf("same turn: status %d, want the turn's first read %d", o.StatusID, before.StatusID)
		}
		if o, _, _ := read(t, e, upgates.WithTurnCache(t.Context()), number); o.StatusID != st.ID {
			t.Errorf("next turn: status %d, want %d", o.StatusID, st.ID)
		}
	})

	t.Run("two shops in one turn do not mix", func(t *testing.T) {
		a := setup(t, upgates.Options{})
		b := setup(t, upgates.Options{})
		bc := mustClient(t, b.srv, upgates.Options{Cache: a.cache, ShopKey: "jiny-sklad"})
		st, err := bc.ResolveStatus(t.Context(), "Odesláno")
		if err != nil {
			t.Fatal(err)
		}
		if err := bc.UpdateOrder(t.Context(), upgates.OrderUpdate{OrderNumber: number, StatusID: &st.ID}); err != nil {
			t.Fatal(err)
		}
		turn := upgates.WithTurnCache(t.Context())
		oa, _, _ := read(t, a, turn, number)
		ob, err := bc.Order(turn, number)
		if err != nil {
			t.Fatal(err)
		}
		if oa.StatusID == st.ID || ob.StatusID != st.ID {
			t.Errorf("statuses in one turn: shop a %d, shop b %d; want a unchanged and b %d", oa.StatusID, ob.StatusID, st.ID)
		}
	})

	t.Run("nested turn caches are one", func(t *testing.T) {
		e := setup(t, upgates.Options{})
		outer := upgates.WithTurnCache(t.Context())
		read(t, e, outer, number)
		inner, cancel := context.WithCancel(upgates.WithTurnCache(outer))
		defer cancel()
		if _, gets, _ := read(t, e, inner, number); gets != 0 {
			t.Errorf("read under a nested turn cache: %d cache reads, want 0", gets)
		}
	})
}
