package upgates_test

import (
	"bytes"
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/samoobsluha/samoobsluha/upgates"
	"github.com/samoobsluha/samoobsluha/upgates/upgatestest"
)

// keyedCache is a shared cache that remembers the keys written, so a test
// can change an entry behind the clients' backs as another instance would.
type keyedCache struct {
	*upgates.MemoryCache
	mu   sync.Mutex
	keys []string
}

func (c *keyedCache) Set(ctx context.Context, key string, val []byte, ttl time.Duration) error {
	c.mu.Lock()
	c.keys = append(c.keys, key)
	c.mu.Unlock()
	return c.MemoryCache.Set(ctx, key, val, ttl)
}

// mustOrderEntry returns the key and value of the cached order number.
func (c *keyedCache) mustOrderEntry(t *testing.T, number string) (string, []byte) {
	t.Helper()
	c.mu.Lock()
	keys := append([]string(nil), c.keys...)
	c.mu.Unlock()
	for _, k := range keys {
		v, ok, _ := c.Get(t.Context(), k)
		if ok && bytes.Contains(v, []byte(`"order_number":"`+number+`"`)) {
			return k, v
		}
	}
	t.Fatalf("order %s is not in the cache", number)
	return "", nil
}

// The in-process memo of decoded orders never hides a change of the shared
// cache: a write by one instance, another instance storing different bytes,
// or the entry vanishing are all seen by the next read of every instance.
func TestOrderMemoFollowsSharedCache(t *testing.T) {
	const number = "2026000106"
	srv := upgatestest.NewServer(t)
	cache := &keyedCache{MemoryCache: upgates.NewMemoryCache(nil)}
	opts := upgates.Options{Cache: cache, ShopKey: "horsky-sklad"}
	a := mustClient(t, srv, opts)
	b := mustClient(t, srv, opts)
	ctx := t.Context()
	mustStatus := func(step string, c *upgates.Client, want string, wantCalls int) {
		t.Helper()
		o, err := c.Order(ctx, number)
		if err != nil {
			t.Fatalf("%s: Order(%s) error = %v", step, number, err)
		}
		if o.Status != want {
			t.Errorf("%s: Order(%s) status = %q, want %q", step, number, o.Status, want)
		}
		if n := srv.CallCount(upgatestest.ByPath("/orders/" + number)); n != wantCalls {
			t.Errorf("%s: GET calls = %d, want %d", step, n, wantCalls)
		}
	}
	mustStatus("first read", a, "Připraveno k odeslání", 1)
	mustStatus("other instance", b, "Připraveno k odeslání", 1)
	mustStatus("memoised", b, "Připraveno k odeslání", 1)
	mustStatus("memoised", a, "Připraveno k odeslání", 1)

	st, err := a.ResolveStatus(ctx, "Odesláno")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.UpdateOrder(ctx, upgates.OrderUpdate{OrderNumber: number, StatusID: &st.ID}); err != nil {
		t.Fatal(err)
	}
	mustStatus("other instance after the write", b, "Odesláno", 2)
	mustStatus("writer after the write", a, "Odesláno", 2)

	// Another instance stores different bytes under the key.
	key, raw := cache.mustOrderEntry(t, number)
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	m["status"] = "Předáno dopravci"
	changed, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if err := cache.Set(ctx, key, changed, time.Minute); err != nil {
		t.Fatal(err)
	}
	mustStatus("changed entry", a, "Předáno dopravci", 2)
	mustStatus("changed entry", b, "Předáno dopravci", 2)

	// The entry vanishes (expired, or invalidated elsewhere): the shop is
	// asked, whatever the memo holds.
	if err := cache.Delete(ctx, key); err != nil {
		t.Fatal(err)
	}
	mustStatus("deleted entry", b, "Odesláno", 3)
	mustStatus("deleted entry, refilled", a, "Odesláno", 3)
}

// Orders, status lists and statuses are the caller's own: changing them
// changes nothing another caller gets.
func TestResultsAreCallersOwn(t *testing.T) {
	const number = "2026000109"
	srv := upgatestest.NewServer(t)
	c := mustClient(t, srv, upgates.Options{})
	ctx := t.Context()
	var want []byte
	for i := range 3 { // from the shop, decoded from the cache, memoised
		o, err := c.Order(ctx, number)
		if err != nil {
			t.Fatal(err)
		}
		got, err := json.Marshal(o)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			want = got
		} else if !bytes.Equal(got, want) {
			t.Fatalf("read %d after a caller changed its order:\n got %s\nwant %s", i, got, want)
		}
		o.Status = "x"
		*o.Customer.Email = "x@example.com"
		*o.Products[0].ProductID = -1
		o.Products[0].Parameters = append(o.Products[0].Parameters[:0], upgates.Parameter{Name: "x"})
		o.Products = append(o.Products[:1], o.Products[2:]...)
		if o.PaidDate != nil {
			*o.PaidDate = time.Time{}
		}
	}
	if n := srv.CallCount(); n != 1 {
		t.Errorf("calls = %d, want 1", n)
	}

	first, err := c.OrderStatuses(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want2, _ := json.Marshal(first)
	first[0].Names["cs"] = "x"
	first[1].ID = -1
	st, err := c.ResolveStatus(ctx, "type:Canceled")
	if err != nil {
		t.Fatal(err)
	}
	st.Names["cs"] = "x"
	again, err := c.OrderStatuses(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := json.Marshal(again); !bytes.Equal(got, want2) {
		t.Errorf("statuses after a caller changed its copies:\n got %s\nwant %s", got, want2)
	}
}

// The status list and brands are kept in process for their TTL: no cache
// read per lookup; another instance reads the shared cache once; after the
// TTL the client asks again.
func TestStatusesAndBrandsKeptInProcess(t *testing.T) {
	clk := &clock{t: time.Date(2026, 11, 27, 10, 30, 0, 0, time.UTC)}
	srv := upgatestest.NewServer(t, upgatestest.WithClock(clk.Now))
	cache := &countingCache{MemoryCache: upgates.NewMemoryCache(clk.Now)}
	opts := upgates.Options{Cache: cache, Now: clk.Now, StatusTTL: 5 * time.Minute, BrandTTL: time.Hour}
	a := mustClient(t, srv, opts)
	b := mustClient(t, srv, opts)
	ctx := t.Context()
	ids := []int{252, 296, 329}
	wantBrands := map[int]string{329: "Therm-a-Rest", 252: "Stanley"}
	type counts struct{ Gets, StatusCalls, ProductCalls int }
	check := func(step string, c *upgates.Client, want counts) {
		t.Helper()
		cache.gets.Store(0)
		srv.ResetCounters()
		if list, err := c.OrderStatuses(ctx); err != nil || len(list) != 9 {
			t.Fatalf("%s: OrderStatuses() = %d statuses, %v", step, len(list), err)
		}
		if st, err := c.ResolveStatus(ctx, "17"); err != nil || st.Name("cs") != "Odesláno" {
			t.Fatalf("%s: ResolveStatus(17) = %+v, %v", step, st, err)
		}
		brands, err := c.Manufacturers(ctx, ids)
		if err != nil || !cmp.Equal(brands, wantBrands) {
			t.Fatalf("%s: Manufacturers(%v) = %v, %v; want %v", step, ids, brands, err, wantBrands)
		}
		got := counts{
			Gets:         int(cache.gets.Load()),
			StatusCalls:  srv.CallCount(upgatestest.ByPath("/order-statuses")),
			ProductCalls: srv.CallCount(upgatestest.ByPath("/products")),
		}
		if got != want {
			t.Errorf("%s: %+v, want %+v", step, got, want)
		}
	}
	// Cold: a status miss, three brand misses (each with the quota check
	// of the call that follows: one Get per call).
	check("cold", a, counts{Gets: 1 + 1 + 3 + 1, StatusCalls: 1, ProductCalls: 1})
	check("warm", a, counts{})
	check("other instance", b, counts{Gets: 1 + 3})
	check("other instance warm", b, counts{})
	clk.Add(5 * time.Minute)
	check("statuses expired", a, counts{Gets: 1 + 1, StatusCalls: 1})
	clk.Add(time.Hour)
	check("both expired", a, counts{Gets: 1 + 1 + 3 + 1, StatusCalls: 1, ProductCalls: 1})
}
