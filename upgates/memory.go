package upgates

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// MemoryLimiter is the in-process Limiter: at most n requests in flight per
// key, within this process only. Use a shared (Redis) limiter when several
// server instances talk to one shop. It is safe for concurrent use.
type MemoryLimiter struct {
	n     int
	mu    sync.Mutex
	slots map[string]chan struct{}
}

// NewMemoryLimiter returns a limiter allowing n concurrent holders per key
// (n < 1 is taken as 1).
func NewMemoryLimiter(n int) *MemoryLimiter {
	if n < 1 {
		n = 1
	}
	return &MemoryLimiter{n: n, slots: make(map[string]chan struct{})}
}

// Acquire waits for a free slot of key or for ctx to end.
func (l *MemoryLimiter) Acquire(ctx context.Context, key string) (func(), error) {
	l.mu.Lock()
	ch, ok := l.slots[key]
	if !ok {
		ch = make(chan struct{}, l.n)
		l.slots[key] = ch
	}
	l.mu.Unlock()
	select {
	case ch <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("acquire %s: %w", key, ctx.Err())
	}
	var once sync.Once
	return func() { once.Do(func() { <-ch }) }, nil
}

// MemoryCache is the in-process Cache, with expiry by the clock given to
// NewMemoryCache. It holds at most maxEntries values, dropping expired and
// then arbitrary ones beyond that. It is safe for concurrent use.
type MemoryCache struct {
	now     func() time.Time
	mu      sync.Mutex
	entries map[string]memEntry
}

type memEntry struct {
	val     []byte
	expires time.Time
}

const maxEntries = 10000

// NewMemoryCache returns an empty cache using now (nil: time.Now).
func NewMemoryCache(now func() time.Time) *MemoryCache {
	if now == nil {
		now = time.Now
	}
	return &MemoryCache{now: now, entries: make(map[string]memEntry)}
}

// Get returns a copy of the live value of key.
func (m *MemoryCache) Get(_ context.Context, key string) ([]byte, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.entries[key]
	if !ok {
		return nil, false, nil
	}
	if !m.now().Before(e.expires) {
		delete(m.entries, key)
		return nil, false, nil
	}
	return append([]byte(nil), e.val...), true, nil
}

// Set stores a copy of val under key for ttl (ttl <= 0 deletes it).
func (m *MemoryCache) Set(_ context.Context, key string, val []byte, ttl time.Duration) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if ttl <= 0 {
		delete(m.entries, key)
		return nil
	}
	now := m.now()
	if _, ok := m.entries[key]; !ok && len(m.entries) >= maxEntries {
		for k, e := range m.entries {
			if !now.Before(e.expires) {
				delete(m.entries, k)
			}
		}
		for k := range m.entries {
			if len(m.entries) < maxEntries {
				break
			}
			delete(m.entries, k)
		}
	}
	m.entries[key] = memEntry{val: append([]byte(nil), val...), expires: now.Add(ttl)}
	return nil
}

// Delete removes keys; missing keys are not an error.
func (m *MemoryCache) Delete(_ context.Context, keys ...string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, k := range keys {
		delete(m.entries, k)
	}
	return nil
}
