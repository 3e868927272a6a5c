package session

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// MemoryCache keeps byte values with a time to live in process memory. It
// copies values in and out. It is safe for concurrent use.
type MemoryCache struct {
	now     func() time.Time
	mu      sync.Mutex
	items   map[string]memItem
	sweepAt int
}

type memItem struct {
	val     []byte
	expires time.Time
}

// NewMemoryCache returns an empty cache using now as its clock (nil means
// time.Now).
func NewMemoryCache(now func() time.Time) *MemoryCache {
	if now == nil {
		now = time.Now
	}
	return &MemoryCache{now: now, items: make(map[string]memItem), sweepAt: minSweep}
}

// Get returns a copy of the live value of key and true, or false if there
// is none.
func (m *MemoryCache) Get(ctx context.Context, key string) ([]byte, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, fmt.Errorf("cache get %s: %w", key, err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	it, ok := m.items[key]
	if !ok {
		return nil, false, nil
	}
	if !m.now().Before(it.expires) {
		delete(m.items, key)
		return nil, false, nil
	}
	return append([]byte(nil), it.val...), true, nil
}

// Set stores a copy of val under key for ttl, which must be positive.
func (m *MemoryCache) Set(ctx context.Context, key string, val []byte, ttl time.Duration) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("cache set %s: %w", key, err)
	}
	if ttl <= 0 {
		return fmt.Errorf("cache set %s: ttl %v: %w", key, ttl, errBadTTL)
	}
	now := m.now()
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.items) >= m.sweepAt {
		for k, it := range m.items {
			if !now.Before(it.expires) {
				delete(m.items, k)
			}
		}
		m.sweepAt = max(minSweep, 2*len(m.items))
	}
	m.items[key] = memItem{val: append([]byte(nil), val...), expires: now.Add(ttl)}
	return nil
}

// Delete removes keys; missing keys are not an error.
func (m *MemoryCache) Delete(ctx context.Context, keys ...string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("cache delete: %w", err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, k := range keys {
		delete(m.items, k)
	}
	return nil
}

// errBadTTL is wrapped by Set and Incr for a non-positive duration.
var errBadTTL = errors.New("must be positive")

// RedisCache keeps byte values with a time to live in Redis, shared by all
// instances, at prefix+key. It does not own the client. It is safe for
// concurrent use. Round trips: Get 1, Set 1, Delete 1 (one DEL per key,
// sent together, so keys may live in different Cluster slots; see pipe
// for when they take more than one).
type RedisCache struct {
	p      pipe
	prefix string
}

// NewRedisCache returns a cache in Redis through c.
func NewRedisCache(c redis.UniversalClient, prefix string) *RedisCache {
	return &RedisCache{p: newPipe(c), prefix: prefix}
}

// Get returns the live value of key and true, or false if there is none.
// A Redis failure returns an error wrapping ErrUnavailable.
func (r *RedisCache) Get(ctx context.Context, key string) ([]byte, bool, error) {
	cmd := redis.NewStringCmd(ctx, "get", r.prefix+key)
	err := r.p.do(ctx, cmd)
	switch {
	case errors.Is(err, redis.Nil):
		return nil, false, nil
	case err != nil:
		return nil, false, storeError(ctx, "cache get "+key, err)
	}
	b, _ := cmd.Bytes()
	return b, true, nil
}

// Set stores val under key for ttl (positive, millisecond precision). A
// Redis failure returns an error wrapping ErrUnavailable.
func (r *RedisCache) Set(ctx context.Context, key string, val []byte, ttl time.Duration) error {
	if ttl < time.Millisecond {
		return fmt.Errorf("cache set %s: ttl %v: %w", key, ttl, errBadTTL)
	}
	if err := r.p.do(ctx, redis.NewStatusCmd(ctx, "set", r.prefix+key, val, "px", ttl.Milliseconds())); err != nil {
		return storeError(ctx, "cache set "+key, err)
	}
	return nil
}

// Delete removes keys; missing keys are not an error. A Redis failure
// returns an error wrapping ErrUnavailable.
func (r *RedisCache) Delete(ctx context.Context, keys ...string) error {
	if len(keys) == 0 {
		return nil
	}
	cmds := make([]redis.Cmder, len(keys))
	for i, k := range keys {
		cmds[i] = redis.NewIntCmd(ctx, "del", r.prefix+k)
	}
	if err := r.p.do(ctx, cmds...); err != nil {
		return storeError(ctx, "cache delete", err)
	}
	return nil
}
