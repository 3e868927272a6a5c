package apps

import (
	"context"
	"sync"
	"time"
)

// memCache is the default invoice-PDF cache: in-process, entries expire
// with their TTL, and the total size stays under max bytes by dropping
// expired entries first and then the ones expiring soonest. It implements
// upgates.Cache and is safe for concurrent use.
type memCache struct {
	max int
	now func() time.Time

	mu    sync.Mutex
	size  int
	items map[string]memItem
}

type memItem struct {
	val []byte
	exp time.Time
}

func newMemCache(max int, now func() time.Time) *memCache {
	return &memCache{max: max, now: now, items: map[string]memItem{}}
}

// Get returns a copy of the live value stored under key.
func (m *memCache) Get(_ context.Context, key string) ([]byte, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	it, ok := m.items[key]
	if !ok || !m.now().Before(it.exp) {
		return nil, false, nil
	}
	return append([]byte(nil), it.val...), true, nil
}

// Set stores a copy of val under key for ttl. A value larger than the
// whole cache is not stored.
func (m *memCache) Set(_ context.Context, key string, val []byte, ttl time.Duration) error {
	if len(val) > m.max || ttl <= 0 {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.remove(key)
	now := m.now()
	for k, it := range m.items {
		if !now.Before(it.exp) {
			m.remove(k)
		}
	}
	for m.size+len(val) > m.max {
		var oldest string
		var exp time.Time
		for k, it := range m.items {
			if oldest == "" || it.exp.Before(exp) {
				oldest, exp = k, it.exp
			}
		}
		m.remove(oldest)
	}
	m.items[key] = memItem{val: append([]byte(nil), val...), exp: now.Add(ttl)}
	m.size += len(val)
	return nil
}

// Delete removes keys; missing keys are not an error.
func (m *memCache) Delete(_ context.Context, keys ...string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, k := range keys {
		m.remove(k)
	}
	return nil
}

func (m *memCache) remove(key string) {
	if it, ok := m.items[key]; ok {
		m.size -= len(it.val)
		delete(m.items, key)
	}
}
