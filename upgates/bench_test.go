package upgates_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/samoobsluha/samoobsluha/upgates"
	"github.com/samoobsluha/samoobsluha/upgates/upgatestest"
)

// countingCache is a shared cache that behaves like the Redis one for the
// client: every Get returns a fresh byte slice (MemoryCache copies), and it
// counts the Gets, each of which is a Redis round trip in production.
type countingCache struct {
	*upgates.MemoryCache
	gets atomic.Int64
}

func (c *countingCache) Get(ctx context.Context, key string) ([]byte, bool, error) {
	c.gets.Add(1)
	return c.MemoryCache.Get(ctx, key)
}

// mustWarmClient returns a client over a counting cache whose cache the
// warm function has filled, and the cache.
func mustWarmClient(b *testing.B, warm func(*upgates.Client) error) (*upgates.Client, *countingCache) {
	b.Helper()
	srv := upgatestest.NewServer(b)
	cache := &countingCache{MemoryCache: upgates.NewMemoryCache(nil)}
	c := upgates.New(srv.URL(), srv.Login, srv.Key, upgates.Options{Cache: cache})
	if err := warm(c); err != nil {
		b.Fatal(err)
	}
	srv.ResetCounters()
	cache.gets.Store(0)
	b.Cleanup(func() {
		if n := srv.CallCount(); n != 0 {
			b.Errorf("the benchmark made %d shop calls, want 0 (all cached)", n)
		}
	})
	return c, cache
}

// reportGets reports the shared-cache reads per operation (Redis round
// trips in production) and the process CPU time per operation since
// start, which unlike ns/op does not grow when other processes take the
// cores (the machine is shared), and includes the garbage collector.
func reportGets(b *testing.B, cache *countingCache, start time.Duration) {
	b.ReportMetric(float64(cache.gets.Load())/float64(b.N), "cache-gets/op")
	b.ReportMetric(float64(processCPU(b)-start)/float64(b.N), "cpu-ns/op")
}

// BenchmarkOrderCached is one cached order lookup (apps.findOrder's read):
// a shared-cache Get of the order's ~5 KB JSON, as with Redis.
func BenchmarkOrderCached(b *testing.B) {
	const number = "2026000109" // four lines, agreements, paid
	c, cache := mustWarmClient(b, func(c *upgates.Client) error {
		_, err := c.Order(b.Context(), number)
		return err
	})
	ctx := b.Context()
	b.ReportAllocs()
	cpu := processCPU(b)
	for b.Loop() {
		o, err := c.Order(ctx, number)
		if err != nil || o.OrderNumber != number {
			b.Fatalf("Order(%s) = %v, %v", number, o, err)
		}
	}
	reportGets(b, cache, cpu)
}

// changingCache returns the cached bytes with a different amount of
// trailing space on every Get, as if another instance rewrote the entry
// between reads: every read must decode.
type changingCache struct {
	*countingCache
}

func (c changingCache) Get(ctx context.Context, key string) ([]byte, bool, error) {
	v, ok, err := c.countingCache.Get(ctx, key)
	if ok {
		v = append(v, bytes.Repeat([]byte(" "), int(c.gets.Load()%2))...)
	}
	return v, ok, err
}

// BenchmarkOrderCachedChanged is a cached order lookup whose bytes differ
// from the last ones read: the decoding the memo saves otherwise.
func BenchmarkOrderCachedChanged(b *testing.B) {
	const number = "2026000109"
	srv := upgatestest.NewServer(b)
	cache := &countingCache{MemoryCache: upgates.NewMemoryCache(nil)}
	c := upgates.New(srv.URL(), srv.Login, srv.Key, upgates.Options{Cache: changingCache{cache}})
	ctx := b.Context()
	if _, err := c.Order(ctx, number); err != nil {
		b.Fatal(err)
	}
	srv.ResetCounters()
	cache.gets.Store(0)
	b.ReportAllocs()
	cpu := processCPU(b)
	for b.Loop() {
		o, err := c.Order(ctx, number)
		if err != nil || o.OrderNumber != number {
			b.Fatalf("Order(%s) = %v, %v", number, o, err)
		}
	}
	reportGets(b, cache, cpu)
	if n := srv.CallCount(); n != 0 {
		b.Errorf("the benchmark made %d shop calls, want 0 (all cached)", n)
	}
}

// BenchmarkOrderCachedParallel is BenchmarkOrderCached from every P, as
// concurrent conversations asking about a few orders do.
func BenchmarkOrderCachedParallel(b *testing.B) {
	numbers := []string{"2026000101", "2026000106", "2026000109"}
	c, cache := mustWarmClient(b, func(c *upgates.Client) error {
		for _, n := range numbers {
			if _, err := c.Order(b.Context(), n); err != nil {
				return err
			}
		}
		return nil
	})
	ctx := b.Context()
	b.ReportAllocs()
	cpu := processCPU(b)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			n := numbers[i%len(numbers)]
			i++
			if o, err := c.Order(ctx, n); err != nil || o.OrderNumber != n {
				b.Errorf("Order(%s) = %v, %v", n, o, err)
				return
			}
		}
	})
	reportGets(b, cache, cpu)
}

// BenchmarkOrderStatusesCached is one status answer's read of the shop's
// status list (apps.status).
func BenchmarkOrderStatusesCached(b *testing.B) {
	c, cache := mustWarmClient(b, func(c *upgates.Client) error {
		_, err := c.OrderStatuses(b.Context())
		return err
	})
	ctx := b.Context()
	b.ReportAllocs()
	cpu := processCPU(b)
	for b.Loop() {
		if list, err := c.OrderStatuses(ctx); err != nil || len(list) == 0 {
			b.Fatalf("OrderStatuses() = %v, %v", list, err)
		}
	}
	reportGets(b, cache, cpu)
}

// BenchmarkResolveStatusCached is the cancellable check's lookup of the
// cancel status by type.
func BenchmarkResolveStatusCached(b *testing.B) {
	c, cache := mustWarmClient(b, func(c *upgates.Client) error {
		_, err := c.OrderStatuses(b.Context())
		return err
	})
	ctx := b.Context()
	b.ReportAllocs()
	cpu := processCPU(b)
	for b.Loop() {
		if st, err := c.ResolveStatus(ctx, "type:Canceled"); err != nil || st.ID != 19 {
			b.Fatalf("ResolveStatus(type:Canceled) = %+v, %v", st, err)
		}
	}
	reportGets(b, cache, cpu)
}

// BenchmarkManufacturersCached is order_detail's brand lookup for an
// order of three products.
func BenchmarkManufacturersCached(b *testing.B) {
	ids := []int{252, 296, 329}
	c, cache := mustWarmClient(b, func(c *upgates.Client) error {
		_, err := c.Manufacturers(b.Context(), ids)
		return err
	})
	ctx := b.Context()
	b.ReportAllocs()
	cpu := processCPU(b)
	for b.Loop() {
		if m, err := c.Manufacturers(ctx, ids); err != nil || m[329] != "Therm-a-Rest" {
			b.Fatalf("Manufacturers(%v) = %v, %v", ids, m, err)
		}
	}
	reportGets(b, cache, cpu)
}

// BenchmarkOrderUnmarshal is the decoding of one order's JSON, which every
// read from the shop (and Orders, per order) still pays.
func BenchmarkOrderUnmarshal(b *testing.B) {
	var env struct {
		Orders []json.RawMessage `json:"orders"`
	}
	data, err := os.ReadFile(filepath.Join("testdata", "fake-order-2026000102.json"))
	if err != nil {
		b.Fatal(err)
	}
	if err := json.Unmarshal(data, &env); err != nil || len(env.Orders) != 1 {
		b.Fatalf("sample: %d orders, %v", len(env.Orders), err)
	}
	raw := env.Orders[0]
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	start := processCPU(b)
	for b.Loop() {
		var o upgates.Order
		if err := json.Unmarshal(raw, &o); err != nil || o.OrderNumber != "2026000102" {
			b.Fatalf("Unmarshal = %v, %v", o.OrderNumber, err)
		}
	}
	b.ReportMetric(float64(processCPU(b)-start)/float64(b.N), "cpu-ns/op")
}

// BenchmarkOrderTurn is the order reads of one bot turn that verifies the
// customer and then answers about the order (verify_email, then
// order_status: two lookups of one order), without and with
// WithTurnCache.
func BenchmarkOrderTurn(b *testing.B) {
	const number = "2026000109"
	for _, bc := range []struct {
		name string
		ctx  func(context.Context) context.Context
	}{
		{"plain", func(ctx context.Context) context.Context { return ctx }},
		{"turncache", upgates.WithTurnCache},
	} {
		b.Run(bc.name, func(b *testing.B) {
			c, cache := mustWarmClient(b, func(c *upgates.Client) error {
				_, err := c.Order(b.Context(), number)
				return err
			})
			b.ReportAllocs()
			cpu := processCPU(b)
			for b.Loop() {
				ctx := bc.ctx(b.Context())
				for range 2 {
					o, err := c.Order(ctx, number)
					if err != nil || o.OrderNumber != number {
						b.Fatalf("Order(%s) = %v, %v", number, o, err)
					}
				}
			}
			reportGets(b, cache, cpu)
		})
	}
}
