package session

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Defaults used when an Options field is zero.
const (
	// DefaultTTL is how long an idle session lives.
	DefaultTTL = 30 * time.Minute
	// DefaultLockTTL is how long a turn lock lives when its owner neither
	// releases it nor exits cleanly. It must exceed the bot's turn timeout.
	DefaultLockTTL = 30 * time.Second
	// DefaultLockPoll caps the wait between two attempts to take a busy
	// lock (and, for the Redis semaphore, a full slot).
	DefaultLockPoll = 50 * time.Millisecond
)

// MemoryOptions configures a MemoryStore. The zero value is ready to use.
type MemoryOptions struct {
	// TTL is how long a session lives after its last Save. Zero means
	// DefaultTTL.
	TTL time.Duration
	// LockTTL is how long a turn lock lives if it is not released. Zero
	// means DefaultLockTTL.
	LockTTL time.Duration
	// LockPoll caps the wait between checks of a busy lock whose owner
	// has not released it (a released lock wakes waiters at once). Zero
	// means DefaultLockPoll.
	LockPoll time.Duration
	// Now is the clock used for expiry. Nil means time.Now.
	Now func() time.Time
}

// MemoryStore is a Store kept in process memory: the embedded default for
// a single instance. Sessions are stored encoded, so a session read back is
// never aliased with one a caller still holds. It is safe for concurrent
// use.
type MemoryStore struct {
	ttl      time.Duration
	lockTTL  time.Duration
	lockPoll time.Duration
	now      func() time.Time

	mu       sync.Mutex
	sessions map[string]memSession
	locks    map[string]*memLock
	sweepAt  int // map size at which Save next drops expired entries
}

type memSession struct {
	data       []byte
	transcript [][]byte // encoded entries, the last MaxTranscript; never changed in place
	version    int64
	expires    time.Time
}

type memLock struct {
	expires  time.Time
	released chan struct{} // closed when the lock is released or taken over
}

// minSweep is the smallest map size at which expired entries are swept.
const minSweep = 1024

// NewMemoryStore returns an empty in-memory store.
func NewMemoryStore(opts MemoryOptions) *MemoryStore {
	m := &MemoryStore{
		ttl:      opts.TTL,
		lockTTL:  opts.LockTTL,
		lockPoll: opts.LockPoll,
		now:      opts.Now,
		sessions: make(map[string]memSession),
		locks:    make(map[string]*memLock),
		sweepAt:  minSweep,
	}
	if m.ttl <= 0 {
		m.ttl = DefaultTTL
	}
	if m.lockTTL <= 0 {
		m.lockTTL = DefaultLockTTL
	}
	if m.lockPoll <= 0 {
		m.lockPoll = DefaultLockPoll
	}
	if m.now == nil {
		m.now = time.Now
	}
	return m
}

// Get returns a copy of the live session with that id, or an error
// wrapping ErrNotFound. It does not extend the session's life.
func (m *MemoryStore) Get(ctx context.Context, id string) (*Session, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("get session %s: %w", id, err)
	}
	m.mu.Lock()
	e, ok := m.liveLocked(id, m.now())
	m.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("get session %s: %w", id, ErrNotFound)
	}
	s, err := decodeSession(e.data, e.version)
	if err != nil {
		return nil, fmt.Errorf("get session %s: %w", id, err)
	}
	return s, nil
}

// Transcript returns the stored transcript of the live session id, oldest
// first, or nil.
func (m *MemoryStore) Transcript(ctx context.Context, id string) ([]Entry, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("get transcript of session %s: %w", id, err)
	}
	m.mu.Lock()
	e, _ := m.liveLocked(id, m.now())
	m.mu.Unlock()
	tr, err := decodeTranscript(e.transcript)
	if err != nil {
		return nil, fmt.Errorf("get transcript of session %s: %w", id, err)
	}
	return tr, nil
}

// liveLocked returns the unexpired session id, dropping an expired one.
// m.mu must be held.
func (m *MemoryStore) liveLocked(id string, now time.Time) (memSession, bool) {
	e, ok := m.sessions[id]
	if ok && !now.Before(e.expires) {
		delete(m.sessions, id)
		return memSession{}, false
	}
	return e, ok
}

// Save stores s if s.Version is the stored version (0: the session must
// not exist), then sets s.Version to the new version, stamps s.Created (if
// zero) and s.Updated, appends s.Transcript to the stored transcript
// (keeping the last MaxTranscript) and clears it, and restarts the idle
// expiry. It returns an error wrapping ErrConflict when another writer
// saved first, ErrNotFound when s.Version > 0 but the session has expired or
// was deleted (it is not resurrected), ErrInvalid for a session that must
// not be stored. On error nothing is written and s is unchanged.
func (m *MemoryStore) Save(ctx context.Context, s *Session) error {
	return m.save(ctx, s, nil)
}

// save is Save; with a lock l, it writes only while l is the unexpired
// lock of s.ID, and releases l whenever the version check ran.
func (m *MemoryStore) save(ctx context.Context, s *Session, l *memLock) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("save session %s: %w", s.ID, err)
	}
	now := m.now()
	c := *s
	data, entries, err := c.encode(now)
	if err != nil {
		return fmt.Errorf("save session %s: %w", s.ID, err)
	}

	m.mu.Lock()
	defer m.mu.Unlock()
	if l != nil {
		if m.locks[s.ID] != l || !now.Before(l.expires) {
			return fmt.Errorf("save session %s: turn lock expired: %w", s.ID, ErrConflict)
		}
		defer m.unlockLocked(s.ID, l)
	}
	cur, ok := m.liveLocked(s.ID, now)
	switch {
	case !ok && s.Version > 0:
		return fmt.Errorf("save session %s: %w", s.ID, ErrNotFound)
	case ok && cur.version != s.Version:
		return fmt.Errorf("save session %s at version %d (stored %d): %w", s.ID, s.Version, cur.version, ErrConflict)
	}
	m.sweepLocked(now)
	tr := cur.transcript // nil for a new session
	if len(entries) > 0 {
		// A new slice: an older copy of the list is never changed.
		all := make([][]byte, 0, len(tr)+len(entries))
		all = append(append(all, tr...), entries...)
		if n := len(all); n > MaxTranscript {
			all = all[n-MaxTranscript:]
		}
		tr = all
	}
	m.sessions[s.ID] = memSession{data: data, transcript: tr, version: s.Version + 1, expires: now.Add(m.ttl)}
	*s = c
	s.Version++
	return nil
}

// sweepLocked drops expired sessions and locks once the maps have grown
// past sweepAt, so the cost is amortised over many Saves. m.mu must be
// held.
func (m *MemoryStore) sweepLocked(now time.Time) {
	if len(m.sessions)+len(m.locks) < m.sweepAt {
		return
	}
	for id, e := range m.sessions {
		if !now.Before(e.expires) {
			delete(m.sessions, id)
		}
	}
	for id, l := range m.locks {
		if !now.Before(l.expires) {
			delete(m.locks, id)
			close(l.released)
		}
	}
	m.sweepAt = max(minSweep, 2*(len(m.sessions)+len(m.locks)))
}

// Lock takes the turn lock of session id, waiting until it is free or ctx
// ends (then the error wraps ErrLocked and the context's error). A lock
// not released within the store's LockTTL expires and may be taken by
// another turn; the returned func then releases nothing, and the stale
// owner's Save fails with ErrConflict if the new owner saved. Calling the
// func more than once is harmless.
func (m *MemoryStore) Lock(ctx context.Context, id string) (func(), error) {
	l, _, _, err := m.take(ctx, id)
	if err != nil {
		return nil, err
	}
	var once sync.Once
	return func() { once.Do(func() { m.unlock(id, l) }) }, nil
}

// LockGet takes the turn lock of session id as Lock does and reads the
// session as Get does, both under one hold of the store's mutex. The
// TurnLock's SaveUnlock writes only while the lock is unexpired and still
// this turn's.
func (m *MemoryStore) LockGet(ctx context.Context, id string) (TurnLock, error) {
	l, e, ok, err := m.take(ctx, id)
	if err != nil {
		return nil, err
	}
	t := &memTurn{m: m, id: id, l: l}
	if ok {
		t.s, err = decodeSession(e.data, e.version)
		if err != nil {
			m.unlock(id, l)
			return nil, fmt.Errorf("lock and get session %s: %w", id, err)
		}
	}
	return t, nil
}

// take waits for the turn lock of id and takes it, returning it with the
// live session (if any) read in the same critical section.
func (m *MemoryStore) take(ctx context.Context, id string) (*memLock, memSession, bool, error) {
	for {
		if err := ctx.Err(); err != nil {
			return nil, memSession{}, false, fmt.Errorf("lock session %s: %w (%w)", id, ErrLocked, context.Cause(ctx))
		}
		m.mu.Lock()
		now := m.now()
		l := m.locks[id]
		if l == nil || !now.Before(l.expires) {
			if l != nil {
				close(l.released) // taken over: the old owner's unlock is a no-op
			}
			nl := &memLock{expires: now.Add(m.lockTTL), released: make(chan struct{})}
			m.locks[id] = nl
			e, ok := m.liveLocked(id, now)
			m.mu.Unlock()
			return nl, e, ok, nil
		}
		wait := min(l.expires.Sub(now), m.lockPoll)
		released := l.released
		m.mu.Unlock()

		t := time.NewTimer(wait)
		select {
		case <-released:
		case <-t.C:
		case <-ctx.Done():
		}
		t.Stop()
	}
}

// memTurn is a MemoryStore's TurnLock.
type memTurn struct {
	m    *MemoryStore
	id   string
	l    *memLock
	s    *Session
	once sync.Once
}

// Session returns the session read under the lock, or nil.
func (t *memTurn) Session() *Session { return t.s }

// SaveUnlock saves s and releases the lock if the lock is still this
// turn's and unexpired; see TurnLock.
func (t *memTurn) SaveUnlock(ctx context.Context, s *Session) error {
	if s.ID != t.id {
		return fmt.Errorf("save session %q under the lock of %s: %w", s.ID, t.id, ErrInvalid)
	}
	return t.m.save(ctx, s, t.l)
}

// Unlock releases the lock if this turn still holds it.
func (t *memTurn) Unlock() { t.once.Do(func() { t.m.unlock(t.id, t.l) }) }

// unlock releases l if it still holds the lock of id.
func (m *MemoryStore) unlock(id string, l *memLock) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.unlockLocked(id, l)
}

// unlockLocked is unlock with m.mu held.
func (m *MemoryStore) unlockLocked(id string, l *memLock) {
	if m.locks[id] == l {
		delete(m.locks, id)
		close(l.released)
	}
}

// Delete removes session id and its transcript. Deleting a missing session is not an error.
func (m *MemoryStore) Delete(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("delete session %s: %w", id, err)
	}
	m.mu.Lock()
	delete(m.sessions, id)
	m.mu.Unlock()
	return nil
}

// Ping always succeeds: memory is always reachable.
func (m *MemoryStore) Ping(ctx context.Context) error { return nil }

var _ Store = (*MemoryStore)(nil)
