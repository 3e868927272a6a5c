package upgates

import (
	"sync"
	"time"
)

// memo is a small in-process map whose entries live for one fixed TTL from
// when they were put, bounded by an entry count and a total cost (roughly
// bytes). It keeps decoded values next to the shared Cache so that hot
// reads skip a decode or a round trip; see Client.Order, OrderStatuses and
// Manufacturers for what each one may and may not add.
//
// All entries share one TTL, so insertion order is expiry order: the
// entries form a list, oldest first, and both expiry and eviction drop
// from its front, each in O(1). Every get and put first drops the expired
// entries at the front, so values (personal data included) do not outlive
// their TTL by more than until the next use of the memo.
//
// Values are handed to every reader as they are: callers treat them as
// read-only and copy what they give away. A memo is safe for concurrent
// use; a zero TTL or bound disables it (put stores nothing).
type memo[K comparable, V any] struct {
	ttl        time.Duration
	maxEntries int
	maxCost    int

	mu         sync.Mutex
	m          map[K]*memoEntry[K, V]
	head, tail *memoEntry[K, V] // oldest first
	cost       int
}

type memoEntry[K comparable, V any] struct {
	key        K
	val        V
	cost       int
	expires    time.Time
	prev, next *memoEntry[K, V]
}

// newMemo returns an empty memo. ttl <= 0 disables it.
func newMemo[K comparable, V any](ttl time.Duration, maxEntries, maxCost int) *memo[K, V] {
	return &memo[K, V]{ttl: ttl, maxEntries: maxEntries, maxCost: maxCost, m: make(map[K]*memoEntry[K, V])}
}

// get returns the live value of key at now.
func (m *memo[K, V]) get(key K, now time.Time) (V, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.expire(now)
	e, ok := m.m[key]
	if !ok || !now.Before(e.expires) {
		var zero V
		return zero, false
	}
	return e.val, true
}

// put stores val under key until now + ttl, replacing an older value, and
// evicts the oldest entries beyond the bounds. A value costing more than
// the whole memo is not stored (and an older one is dropped).
func (m *memo[K, V]) put(key K, val V, cost int, now time.Time) {
	if m.ttl <= 0 || m.maxEntries <= 0 {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if e, ok := m.m[key]; ok {
		m.remove(e)
	}
	m.expire(now)
	if cost > m.maxCost {
		return
	}
	for m.head != nil && (len(m.m) >= m.maxEntries || m.cost+cost > m.maxCost) {
		m.remove(m.head)
	}
	e := &memoEntry[K, V]{key: key, val: val, cost: cost, expires: now.Add(m.ttl), prev: m.tail}
	if m.tail != nil {
		m.tail.next = e
	} else {
		m.head = e
	}
	m.tail = e
	m.m[key] = e
	m.cost += cost
}

// delete drops key.
func (m *memo[K, V]) delete(key K) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if e, ok := m.m[key]; ok {
		m.remove(e)
	}
}

// len returns the number of entries, expired ones not yet dropped
// included.
func (m *memo[K, V]) len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.m)
}

// expire drops the expired entries; m.mu is held.
func (m *memo[K, V]) expire(now time.Time) {
	for m.head != nil && !now.Before(m.head.expires) {
		m.remove(m.head)
	}
}

// remove unlinks e; m.mu is held.
func (m *memo[K, V]) remove(e *memoEntry[K, V]) {
	if e.prev != nil {
		e.prev.next = e.next
	} else {
		m.head = e.next
	}
	if e.next != nil {
		e.next.prev = e.prev
	} else {
		m.tail = e.prev
	}
	e.prev, e.next = nil, nil
	delete(m.m, e.key)
	m.cost -= e.cost
}
