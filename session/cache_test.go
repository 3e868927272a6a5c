package session_test

import (
	"github.com/redis/go-redis/v9"

	"context"
	"testing"
	"time"

	"github.com/samoobsluha/samoobsluha/session"
	"github.com/samoobsluha/samoobsluha/session/sessiontest"
)

// cache is the method set package upgates consumes.
type cache interface {
	Get(ctx context.Context, key string) ([]byte, bool, error)
	Set(ctx context.Context, key string, val []byte, ttl time.Duration) error
	Delete(ctx context.Context, keys ...string) error
}

var (
	_ cache = (*session.MemoryCache)(nil)
	_ cache = (*session.RedisCache)(nil)
)

func mustCacheGet(t *testing.T, c cache, key string) (string, bool) {
	t.Helper()
	b, ok, err := c.Get(t.Context(), key)
	if err != nil {
		t.Fatalf("Get(%s) = %v", key, err)
	}
	return string(b), ok
}

// testCache checks a cache; advance makes d pass for it. ttl is the life
// given to values.
func testCache(t *testing.T, c cache, ttl time.Duration, advance func(time.Duration)) {
	ctx := t.Context()
	if v, ok := mustCacheGet(t, c, "missing"); ok {
		t.Errorf("Get(missing) = %q, true, want a miss", v)
	}
	val := []byte(`{"status":"Odesláno"}`)
	if err := c.Set(ctx, "order", val, ttl); err != nil {
		t.Fatal(err)
	}
	val[0] = 'X' // the cache keeps its own copy
	if v, ok := mustCacheGet(t, c, "order"); !ok || v != `{"status":"Odesláno"}` {
		t.Errorf("Get(order) = %q, %v, want the value set", v, ok)
	}
	got, _, _ := c.Get(ctx, "order")
	got[0] = 'Y' // and hands out copies
	if v, _ := mustCacheGet(t, c, "order"); v != `{"status":"Odesláno"}` {
		t.Errorf("Get(order) after changing a returned value = %q", v)
	}

	for _, k := range []string{"a", "b", "c"} {
		if err := c.Set(ctx, k, []byte(k), ttl); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Delete(ctx, "a", "b", "never-set"); err != nil {
		t.Fatalf("Delete = %v", err)
	}
	if err := c.Delete(ctx); err != nil {
		t.Fatalf("Delete() = %v", err)
	}
	for k, want := range map[string]bool{"a": false, "b": false, "c": true} {
		if _, ok := mustCacheGet(t, c, k); ok != want {
			t.Errorf("after Delete(a, b): Get(%s) found = %v, want %v", k, ok, want)
		}
	}

	for _, bad := range []time.Duration{0, -time.Second} {
		if err := c.Set(ctx, "bad", []byte("x"), bad); err == nil {
			t.Errorf("Set with ttl %v = nil error, want one", bad)
		}
	}

	advance(ttl / 2)
	if _, ok := mustCacheGet(t, c, "c"); !ok {
		t.Errorf("Get(c) half-way through its ttl = miss, want a hit")
	}
	advance(ttl/2 + ttl/4)
	if v, ok := mustCacheGet(t, c, "c"); ok {
		t.Errorf("Get(c) after its ttl = %q, want a miss", v)
	}
}

func TestMemoryCache(t *testing.T) {
	clock := sessiontest.NewClock(time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC))
	testCache(t, session.NewMemoryCache(clock.Now), time.Minute, clock.Advance)
}

func TestRedisCache(t *testing.T) {
	eachRedisClient(t, func(t *testing.T, c redis.UniversalClient) {
		testCache(t, session.NewRedisCache(c, mustPrefix(t, c)), 600*time.Millisecond, time.Sleep)
	})
}
