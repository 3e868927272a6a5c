package session

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// MemorySemaphore lets at most n holders per key in one process. It is
// safe for concurrent use.
type MemorySemaphore struct {
	n     int
	mu    sync.Mutex
	slots map[string]*memSlots
}

type memSlots struct {
	ch   chan struct{} // one element per holder
	refs int           // holders and waiters; the entry goes at zero
}

// NewMemorySemaphore returns a semaphore allowing n holders per key. It
// panics if n < 1 (a configuration error to catch at startup).
func NewMemorySemaphore(n int) *MemorySemaphore {
	if n < 1 {
		panic(fmt.Sprintf("session.NewMemorySemaphore: n = %d, want at least 1", n))
	}
	return &MemorySemaphore{n: n, slots: make(map[string]*memSlots)}
}

// Acquire takes one of key's n slots, waiting until one is free or ctx ends
// (then the error wraps the context's error). The returned func gives the
// slot back; calling it more than once is harmless.
func (m *MemorySemaphore) Acquire(ctx context.Context, key string) (func(), error) {
	m.mu.Lock()
	e := m.slots[key]
	if e == nil {
		e = &memSlots{ch: make(chan struct{}, m.n)}
		m.slots[key] = e
	}
	e.refs++
	m.mu.Unlock()

	// A done context never takes a slot, even a free one.
	if err := ctx.Err(); err != nil {
		m.unref(key, e)
		return nil, fmt.Errorf("acquire %s: %w", key, context.Cause(ctx))
	}
	select {
	case e.ch <- struct{}{}:
	case <-ctx.Done():
		m.unref(key, e)
		return nil, fmt.Errorf("acquire %s: %w", key, context.Cause(ctx))
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			<-e.ch
			m.unref(key, e)
		})
	}, nil
}

func (m *MemorySemaphore) unref(key string, e *memSlots) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e.refs--
	if e.refs == 0 {
		delete(m.slots, key)
	}
}

// RedisSemaphore lets at most n holders per key across every instance
// sharing the Redis. Each holder is a random token in a sorted set scored
// by its lease expiry (Redis's clock), so the slot of a holder that
// crashed frees itself after the lease. A live holder's lease is renewed
// every third of the lease by a goroutine that Acquire starts and release
// stops (and waits for), so the lease can be short (seconds) whatever the
// longest request. It does not own the client. It is safe for concurrent
// use.
//
// Round trips: Acquire 1 when a slot is free (EVALSHA), one more per poll
// while full; one per renewal (only for slots held longer than a third of
// the lease); release 1 (ZREM).
type RedisSemaphore struct {
	c      redis.UniversalClient
	prefix string
	n      int
	lease  time.Duration
	poll   time.Duration
}

// NewRedisSemaphore returns a semaphore allowing n holders per key; the
// set of key lives at prefix+key. A holder that neither releases nor
// exits loses its slot after lease; live holders renew theirs. It panics if n < 1 or lease < 1 ms (configuration errors to
// catch at startup).
func NewRedisSemaphore(c redis.UniversalClient, prefix string, n int, lease time.Duration) *RedisSemaphore {
	if n < 1 {
		panic(fmt.Sprintf("session.NewRedisSemaphore: n = %d, want at least 1", n))
	}
	if lease < time.Millisecond {
		panic(fmt.Sprintf("session.NewRedisSemaphore: lease = %v, want at least 1ms", lease))
	}
	return &RedisSemaphore{c: c, prefix: prefix, n: n, lease: lease, poll: DefaultLockPoll}
}

// acquireScript: KEYS[1] the holder set, ARGV[1] n, ARGV[2] lease ms,
// ARGV[3] token. It drops expired holders, then adds the token if fewer
// than n remain. Returns 1 if taken, 0 if full.
var acquireScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
`)

// renewScript: KEYS[1] the holder set, ARGV[1] lease ms, ARGV[2] token.
// It extends the token's lease if the token still holds a slot.
var renewScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if redis.call('ZADD', KEYS[1], 'XX', 'CH', now + tonumber(ARGV[1]), ARGV[2]) then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return 1
`)

// renew extends a held slot's lease every third of the lease until stop
// is closed, so a live holder keeps its slot however long its request
// takes, while the slot of an instance that died frees itself within one
// short lease. It closes done when it returns.
func (s *RedisSemaphore) renew(key, token string, stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(max(s.lease/3, time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), releaseTimeout)
			// An error leaves the lease as it was; the next tick tries
			// again, unless the client is closed (the instance is going
			// away, and the lease will free the slot).
			err := renewScript.Run(ctx, s.c, []string{key}, s.lease.Milliseconds(), token).Err()
			cancel()
			if errors.Is(err, redis.ErrClosed) {
				return
			}
		}
	}
}

// Acquire takes one of key's n slots, polling with a backoff capped at
// 50 ms until one is free or ctx ends (then the error wraps the context's
// error). A Redis failure, or Redis not answering the first attempt before
// ctx ends, returns an error wrapping ErrUnavailable at once.
// The returned func gives the slot back (bounded by its own timeout; if
// Redis cannot be reached the lease frees the slot); calling it more than
// once is harmless.
func (s *RedisSemaphore) Acquire(ctx context.Context, key string) (func(), error) {
	k := s.prefix + key
	token := rand.Text()
	backoff := 2 * time.Millisecond
	for full := false; ; full = true {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("acquire %s: %w", key, context.Cause(ctx))
		}
		got, err := acquireScript.Run(ctx, s.c, []string{k}, s.n, s.lease.Milliseconds(), token).Int()
		if err != nil {
			// A context ending during a poll of a full set means full;
			// during the first attempt, Redis did not answer in time.
			if full && ctx.Err() != nil {
				return nil, fmt.Errorf("acquire %s: %w", key, context.Cause(ctx))
			}
			return nil, storeError(ctx, "acquire "+key, err)
		}
		if got == 1 {
			stop, renewed := make(chan struct{}), make(chan struct{})
			go s.renew(k, token, stop, renewed)
			var once sync.Once
			return func() {
				once.Do(func() {
					close(stop)
					<-renewed
					ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), releaseTimeout)
					defer cancel()
					// An error leaves the lease to free the slot.
					_ = s.c.ZRem(ctx, k, token).Err()
				})
			}, nil
		}
		if err := sleepCtx(ctx, jitter(backoff)); err != nil {
			return nil, fmt.Errorf("acquire %s: %w", key, err)
		}
		backoff = min(2*backoff, s.poll)
	}
}
