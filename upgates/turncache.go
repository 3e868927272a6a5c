package upgates

import (
	"context"
	"sync"
)

// turnCacheKey is the context key of a *turnCache.
type turnCacheKey struct{}

// turnCache is a request-scoped memo of the orders read under one context:
// decoded orders by their cache key (Client.orderKey, which names the shop,
// so clients of different shops sharing a context do not mix). The orders
// are read-only; Order hands out copies. Errors are never kept: a lookup
// that failed is tried again.
type turnCache struct {
	mu     sync.Mutex
	orders map[string]*Order
}

// WithTurnCache returns a context under which Client.Order reads each order
// from the Cache (or the shop) at most once: a second lookup of the same
// order gets a copy of what the first one read, without a Cache round
// trip. The client's own writes (UpdateOrder, AppendInternalNote) under
// that context drop the order from it, so the next read goes to the Cache
// again. It is meant for one short unit of work, such as one bot turn that
// holds the conversation's lock and lasts milliseconds: for that long a
// change of the order by another instance may go unseen, as it would
// between two reads anyway. Writes by another goroutine under a different
// context are not seen until this context is dropped.
//
// A context that already carries a turn cache is returned as it is, so
// nested units share the outer one. Orders are not kept when
// Options.OrderTTL is negative. The memo is safe for concurrent use by
// goroutines sharing the context, and is freed with the context.
func WithTurnCache(ctx context.Context) context.Context {
	if _, ok := ctx.Value(turnCacheKey{}).(*turnCache); ok {
		return ctx
	}
	return context.WithValue(ctx, turnCacheKey{}, &turnCache{})
}

// turnCacheOf returns ctx's turn cache, nil when it has none.
func turnCacheOf(ctx context.Context) *turnCache {
	tc, _ := ctx.Value(turnCacheKey{}).(*turnCache)
	return tc
}

// order returns the order kept under key. A nil turnCache has none.
func (tc *turnCache) order(key string) (*Order, bool) {
	if tc == nil {
		return nil, false
	}
	tc.mu.Lock()
	defer tc.mu.Unlock()
	o, ok := tc.orders[key]
	return o, ok
}

// putOrder keeps o, which nobody may change from now on, under key. A nil
// turnCache keeps nothing.
func (tc *turnCache) putOrder(key string, o *Order) {
	if tc == nil {
		return
	}
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if tc.orders == nil {
		tc.orders = make(map[string]*Order, 1)
	}
	tc.orders[key] = o
}

// deleteOrder drops key. A nil turnCache has nothing to drop.
func (tc *turnCache) deleteOrder(key string) {
	if tc == nil {
		return
	}
	tc.mu.Lock()
	defer tc.mu.Unlock()
	delete(tc.orders, key)
}
