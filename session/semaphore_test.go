package session_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/samoobsluha/samoobsluha/session"
)

// semaphore is the method set package upgates consumes.
type semaphore interface {
	Acquire(ctx context.Context, key string) (release func(), err error)
}

var (
	_ semaphore = (*session.MemorySemaphore)(nil)
	_ semaphore = (*session.RedisSemaphore)(nil)
)

// testSemaphoreBound runs 50 goroutines spread over sems (instances sharing
// one limit of n per key) and checks that no more than n ever hold key at
// once, and that other keys are not limited by it.
func testSemaphoreBound(t *testing.T, sems []semaphore, n int, work func()) {
	const workers = 50
	var holders, maxHolders atomic.Int64
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for i := range workers {
		sem := sems[i%len(sems)]
		wg.Go(func() {
			release, err := sem.Acquire(ctx, "shop-a")
			if err != nil {
				errs <- fmt.Errorf("worker %d: %w", i, err)
				return
			}
			h := holders.Add(1)
			for {
				m := maxHolders.Load()
				if h <= m || maxHolders.CompareAndSwap(m, h) {
					break
				}
			}
			work()
			holders.Add(-1)
			release()
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if m := maxHolders.Load(); m > int64(n) {
		t.Errorf("at most %d holders allowed, saw %d at once", n, m)
	}
	t.Logf("%d workers over %d instances: at most %d holders at once (limit %d)", workers, len(sems), maxHolders.Load(), n)
}

// testSemaphoreFull fills key's n slots from the instances in turn, checks
// that one more waits until its context ends, that another key is free, and
// that releasing a slot lets the next one in.
func testSemaphoreFull(t *testing.T, sems []semaphore, n int) {
	var releases []func()
	for i := range n {
		r, err := sems[i%len(sems)].Acquire(t.Context(), "shop-b")
		if err != nil {
			t.Fatalf("Acquire %d of %d = %v", i+1, n, err)
		}
		releases = append(releases, r)
	}
	for i, sem := range sems {
		ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
		r, err := sem.Acquire(ctx, "shop-b")
		cancel()
		if err == nil {
			r()
			t.Fatalf("instance %d: Acquire beyond %d holders = nil error, want the context's", i, n)
		}
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("instance %d: Acquire beyond %d holders = %v, want context.DeadlineExceeded", i, n, err)
		}
	}
	other, err := sems[0].Acquire(t.Context(), "shop-c")
	if err != nil {
		t.Fatalf("Acquire of another key while shop-b is full = %v", err)
	}
	other()

	releases[0]()
	releases[0]() // twice is harmless: must not free a second slot
	r, err := sems[len(sems)-1].Acquire(t.Context(), "shop-b")
	if err != nil {
		t.Fatalf("Acquire after a release = %v", err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	if extra, err := sems[0].Acquire(ctx, "shop-b"); err == nil {
		extra()
		t.Fatalf("double release freed two slots: Acquire succeeded beyond %d holders", n)
	}
	r()
	for _, r := range releases[1:] {
		r()
	}
}

func TestMemorySemaphore(t *testing.T) {
	sem := session.NewMemorySemaphore(3)
	t.Run("Bound", func(t *testing.T) {
		testSemaphoreBound(t, []semaphore{sem}, 3, func() {
			time.Sleep(time.Millisecond) // stands for a shop call
		})
	})
	t.Run("Full", func(t *testing.T) { testSemaphoreFull(t, []semaphore{sem}, 3) })
	t.Run("DoneContext", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if r, err := sem.Acquire(ctx, "free"); !errors.Is(err, context.Canceled) {
			if err == nil {
				r()
			}
			t.Fatalf("Acquire with a canceled context = %v, want context.Canceled", err)
		}
	})
	t.Run("PanicsOnZero", func(t *testing.T) {
		defer func() {
			if recover() == nil {
				t.Error("NewMemorySemaphore(0) did not panic")
			}
		}()
		session.NewMemorySemaphore(0)
	})
}

func TestRedisSemaphore(t *testing.T) {
	c1 := mustRedisClient(t)
	c2 := mustRedisClient(t) // a second instance: its own client
	prefix := mustPrefix(t, c1)
	const n = 3
	sems := []semaphore{
		session.NewRedisSemaphore(c1, prefix, n, 30*time.Second),
		session.NewRedisSemaphore(c2, prefix, n, 30*time.Second),
	}
	t.Run("Bound", func(t *testing.T) {
		testSemaphoreBound(t, sems, n, func() {
			// A round trip of work while holding the slot.
			if err := c1.Ping(t.Context()).Err(); err != nil {
				t.Error(err)
			}
		})
	})
	t.Run("Full", func(t *testing.T) { testSemaphoreFull(t, sems, n) })
	t.Run("LeaseFreesCrashedHolder", func(t *testing.T) {
		const lease = 300 * time.Millisecond
		dead := mustRedisClient(t) // the crashed instance's connection
		crashed := session.NewRedisSemaphore(dead, prefix+"lease:", 1, lease)
		other := session.NewRedisSemaphore(c2, prefix+"lease:", 1, lease)
		if _, err := crashed.Acquire(t.Context(), "shop"); err != nil { // never released
			t.Fatal(err)
		}
		dead.Close() // the instance dies: no more renewals
		start := time.Now()
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		release, err := other.Acquire(ctx, "shop")
		if err != nil {
			t.Fatalf("Acquire after a holder crashed = %v, want the slot once its lease ends", err)
		}
		release()
		took := time.Since(start)
		if took < lease/2 {
			t.Errorf("Acquire got the crashed holder's slot after %v, before its lease of %v", took, lease)
		}
		t.Logf("slot of a crashed holder free after %v (lease %v)", took.Round(time.Millisecond), lease)
	})
	t.Run("LiveHolderKeepsItsSlot", func(t *testing.T) {
		// A request slower than the lease keeps its slot: the lease is
		// renewed while the holder lives.
		const lease = 300 * time.Millisecond
		holder := session.NewRedisSemaphore(c1, prefix+"live:", 1, lease)
		other := session.NewRedisSemaphore(c2, prefix+"live:", 1, lease)
		release, err := holder.Acquire(t.Context(), "shop")
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(t.Context(), 3*lease)
		defer cancel()
		if r, err := other.Acquire(ctx, "shop"); err == nil {
			r()
			t.Fatalf("another instance took a live holder's slot after its lease")
		}
		release()
		r, err := other.Acquire(t.Context(), "shop")
		if err != nil {
			t.Fatalf("Acquire after the holder released = %v", err)
		}
		r()
	})
	t.Run("KeyExpires", func(t *testing.T) {
		// The holder set does not outlive its last lease.
		r, err := sems[0].Acquire(t.Context(), "ttl")
		if err != nil {
			t.Fatal(err)
		}
		defer r()
		ttl := c1.PTTL(t.Context(), prefix+"ttl").Val()
		if ttl <= 0 || ttl > 30*time.Second {
			t.Errorf("PTTL of the holder set = %v, want (0, 30s]", ttl)
		}
	})
}
