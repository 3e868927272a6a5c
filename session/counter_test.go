package session_test

import (
	"github.com/redis/go-redis/v9"

	"context"
	"sync"
	"testing"
	"time"

	"github.com/samoobsluha/samoobsluha/session"
	"github.com/samoobsluha/samoobsluha/session/sessiontest"
)

// counter is the method set package bot consumes for lockouts.
type counter interface {
	Incr(ctx context.Context, key string, window time.Duration) (int64, error)
	Count(ctx context.Context, key string) (int64, error)
	Counts(ctx context.Context, keys ...string) ([]int64, error)
	Reset(ctx context.Context, key string) error
}

var (
	_ counter = (*session.MemoryCounter)(nil)
	_ counter = (*session.RedisCounter)(nil)
)

func mustIncr(t *testing.T, c counter, key string, window time.Duration, want int64) {
	t.Helper()
	n, err := c.Incr(t.Context(), key, window)
	if err != nil || n != want {
		t.Fatalf("Incr(%s) = %d, %v, want %d, nil", key, n, err, want)
	}
}

func mustCount(t *testing.T, c counter, key string, want int64) {
	t.Helper()
	n, err := c.Count(t.Context(), key)
	if err != nil || n != want {
		t.Fatalf("Count(%s) = %d, %v, want %d, nil", key, n, err, want)
	}
	// Counts reads several keys at once, in order, 0 for a missing one.
	ns, err := c.Counts(t.Context(), "absent:"+key, key, key)
	if err != nil || len(ns) != 3 || ns[0] != 0 || ns[1] != want || ns[2] != want {
		t.Fatalf("Counts(absent, %s, %s) = %v, %v, want [0 %d %d], nil", key, key, ns, err, want, want)
	}
	if ns, err := c.Counts(t.Context()); err != nil || len(ns) != 0 {
		t.Fatalf("Counts() = %v, %v, want [], nil", ns, err)
	}
}

// testCounter checks a counter set; advance makes d pass for it.
func testCounter(t *testing.T, c counter, w time.Duration, advance func(time.Duration)) {
	mustCount(t, c, "ip:1", 0)
	mustIncr(t, c, "ip:1", w, 1)
	mustIncr(t, c, "ip:1", w, 2)
	mustCount(t, c, "ip:1", 2)
	mustCount(t, c, "ip:2", 0)

	if err := c.Reset(t.Context(), "ip:1"); err != nil {
		t.Fatal(err)
	}
	mustCount(t, c, "ip:1", 0)
	if err := c.Reset(t.Context(), "never"); err != nil {
		t.Fatalf("Reset of a missing key = %v", err)
	}

	// The window starts at the first Incr; later ones do not extend it.
	mustIncr(t, c, "ip:3", w, 1)
	advance(w * 6 / 10)
	mustIncr(t, c, "ip:3", w, 2)
	advance(w * 6 / 10)
	mustCount(t, c, "ip:3", 0)
	mustIncr(t, c, "ip:3", w, 1)

	if _, err := c.Incr(t.Context(), "bad", 0); err == nil {
		t.Error("Incr with a zero window = nil error, want one")
	}

	// Concurrent increments are all counted.
	const n = 40
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			if _, err := c.Incr(t.Context(), "many", time.Minute); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	mustCount(t, c, "many", n)
}

func TestMemoryCounter(t *testing.T) {
	clock := sessiontest.NewClock(time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC))
	testCounter(t, session.NewMemoryCounter(clock.Now), 15*time.Minute, clock.Advance)
}

func TestRedisCounter(t *testing.T) {
	eachRedisClient(t, func(t *testing.T, c redis.UniversalClient) {
		testCounter(t, session.NewRedisCounter(c, mustPrefix(t, c)), 600*time.Millisecond, time.Sleep)
	})
}
