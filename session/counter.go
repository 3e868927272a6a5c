package session

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// MemoryCounter keeps fixed-window counters in process memory (for
// brute-force lockout). A window starts at the first Incr of a key and
// lasts the window given then; after it the count starts again from zero.
// It is safe for concurrent use.
type MemoryCounter struct {
	now     func() time.Time
	mu      sync.Mutex
	counts  map[string]memCount
	sweepAt int
}

type memCount struct {
	n       int64
	expires time.Time
}

// NewMemoryCounter returns an empty counter set using now as its clock
// (nil means time.Now).
func NewMemoryCounter(now func() time.Time) *MemoryCounter {
	if now == nil {
		now = time.Now
	}
	return &MemoryCounter{now: now, counts: make(map[string]memCount), sweepAt: minSweep}
}

// Incr adds one to key and returns the count within the current window,
// starting a window of the given length (positive) if none is running.
func (m *MemoryCounter) Incr(ctx context.Context, key string, window time.Duration) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("incr %s: %w", key, err)
	}
	if window <= 0 {
		return 0, fmt.Errorf("incr %s: window %v: %w", key, window, errBadTTL)
	}
	now := m.now()
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.counts) >= m.sweepAt {
		for k, c := range m.counts {
			if !now.Before(c.expires) {
				delete(m.counts, k)
			}
		}
		m.sweepAt = max(minSweep, 2*len(m.counts))
	}
	c, ok := m.counts[key]
	if !ok || !now.Before(c.expires) {
		c = memCount{expires: now.Add(window)}
	}
	c.n++
	m.counts[key] = c
	return c.n, nil
}

// Count returns key's count within its current window (0 if none).
func (m *MemoryCounter) Count(ctx context.Context, key string) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("count %s: %w", key, err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.counts[key]
	if !ok || !m.now().Before(c.expires) {
		return 0, nil
	}
	return c.n, nil
}

// Counts returns the counts of keys within their current windows (0 for
// a key without one), in the order of keys.
func (m *MemoryCounter) Counts(ctx context.Context, keys ...string) ([]int64, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("count %d keys: %w", len(keys), err)
	}
	now := m.now()
	out := make([]int64, len(keys))
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, k := range keys {
		if c, ok := m.counts[k]; ok && now.Before(c.expires) {
			out[i] = c.n
		}
	}
	return out, nil
}

// Reset sets key's count back to zero and ends its window.
func (m *MemoryCounter) Reset(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("reset %s: %w", key, err)
	}
	m.mu.Lock()
	delete(m.counts, key)
	m.mu.Unlock()
	return nil
}

// RedisCounter keeps fixed-window counters in Redis at prefix+key, shared
// by all instances (for brute-force lockout). A window starts at the first
// Incr of a key and ends when the key expires. It does not own the client.
// It is safe for concurrent use. Round trips: Incr 1 (EVALSHA), Count 1,
// Counts 1 (MGET; on Cluster one GET per key, sent together, as the keys
// may live in different slots), Reset 1.
type RedisCounter struct {
	p       pipe
	prefix  string
	cluster bool
}

// NewRedisCounter returns a counter set in Redis through c.
func NewRedisCounter(c redis.UniversalClient, prefix string) *RedisCounter {
	return &RedisCounter{p: newPipe(c), prefix: prefix, cluster: isCluster(c)}
}

// incrScript: KEYS[1] the counter, ARGV[1] the window in ms. The expiry is
// set when the window starts (or is missing, which a crash between INCR
// and PEXPIRE cannot cause inside a script, but a manual SET could).
var incrScript = newScript(`
local n = redis.call('INCR', KEYS[1])
if n == 1 or redis.call('PTTL', KEYS[1]) < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return n
`)

// Incr adds one to key and returns the count within the current window,
// starting a window of the given length (positive, millisecond precision)
// if none is running. A Redis failure returns an error wrapping
// ErrUnavailable.
func (r *RedisCounter) Incr(ctx context.Context, key string, window time.Duration) (int64, error) {
	if window < time.Millisecond {
		return 0, fmt.Errorf("incr %s: window %v: %w", key, window, errBadTTL)
	}
	n, err := r.p.eval(ctx, incrScript, []string{r.prefix + key}, window.Milliseconds()).Int64()
	if err != nil {
		return 0, storeError(ctx, "incr "+key, err)
	}
	return n, nil
}

// Count returns key's count within its current window (0 if none). A
// Redis failure returns an error wrapping ErrUnavailable.
func (r *RedisCounter) Count(ctx context.Context, key string) (int64, error) {
	cmd := redis.NewStringCmd(ctx, "get", r.prefix+key)
	switch err := r.p.do(ctx, cmd); {
	case errors.Is(err, redis.Nil):
		return 0, nil
	case err != nil:
		return 0, storeError(ctx, "count "+key, err)
	}
	n, err := strconv.ParseInt(cmd.Val(), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("count %s: stored value is not a number", key)
	}
	return n, nil
}

// Counts returns the counts of keys within their current windows (0 for
// a key without one), in the order of keys, in one round trip. A Redis
// failure returns an error wrapping ErrUnavailable.
func (r *RedisCounter) Counts(ctx context.Context, keys ...string) ([]int64, error) {
	out := make([]int64, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	full := make([]string, len(keys))
	for i, k := range keys {
		full[i] = r.prefix + k
	}
	vals := make([]any, len(keys))
	if r.cluster {
		cmds := make([]redis.Cmder, len(keys))
		for i, k := range full {
			cmds[i] = redis.NewStringCmd(ctx, "get", k)
		}
		if err := r.p.do(ctx, cmds...); err != nil && !errors.Is(err, redis.Nil) {
			return nil, storeError(ctx, fmt.Sprintf("count %d keys", len(keys)), err)
		}
		for i, c := range cmds {
			switch v, err := c.(*redis.StringCmd).Result(); {
			case errors.Is(err, redis.Nil):
			case err != nil:
				return nil, storeError(ctx, fmt.Sprintf("count %d keys", len(keys)), err)
			default:
				vals[i] = v
			}
		}
	} else {
		args := make([]any, 1+len(full))
		args[0] = "mget"
		for i, k := range full {
			args[1+i] = k
		}
		cmd := redis.NewSliceCmd(ctx, args...)
		if err := r.p.do(ctx, cmd); err != nil {
			return nil, storeError(ctx, fmt.Sprintf("count %d keys", len(keys)), err)
		}
		vals = cmd.Val()
	}
	for i, v := range vals {
		s, ok := v.(string)
		if !ok {
			continue // missing: no window running
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("count %s: stored value is not a number", keys[i])
		}
		out[i] = n
	}
	return out, nil
}

// Reset sets key's count back to zero and ends its window. A Redis failure
// returns an error wrapping ErrUnavailable.
func (r *RedisCounter) Reset(ctx context.Context, key string) error {
	if err := r.p.do(ctx, redis.NewIntCmd(ctx, "del", r.prefix+key)); err != nil {
		return storeError(ctx, "reset "+key, err)
	}
	return nil
}
