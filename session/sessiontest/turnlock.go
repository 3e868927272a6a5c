package sessiontest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/samoobsluha/samoobsluha/session"
)

func mustLockGet(t *testing.T, st session.Store, id string) session.TurnLock {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	tl, err := st.LockGet(ctx, id)
	if err != nil {
		t.Fatalf("LockGet(%s) = %v, want the lock", id, err)
	}
	t.Cleanup(tl.Unlock)
	return tl
}

// wantFree checks that id's lock can be taken at once, and releases it.
func wantFree(t *testing.T, st session.Store, id string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 150*time.Millisecond)
	defer cancel()
	unlock, err := st.Lock(ctx, id)
	if err != nil {
		t.Fatalf("Lock(%s) = %v, want the lock free", id, err)
	}
	unlock()
}

func testLockGetMissing(t *testing.T, st session.Store) {
	id := newID(t)
	tl := mustLockGet(t, st, id)
	if s := tl.Session(); s != nil {
		t.Fatalf("LockGet of a missing session: Session() = %+v, want nil", s)
	}
	wantLocked(t, st, id)
	s := sample(id)
	if err := tl.SaveUnlock(t.Context(), s); err != nil {
		t.Fatalf("SaveUnlock of a new session = %v, want nil", err)
	}
	if s.Version != 1 {
		t.Errorf("after SaveUnlock of a new session, Version = %d, want 1", s.Version)
	}
	wantFree(t, st, id)
	tl.Unlock() // after SaveUnlock: nothing left to release
	if diff := cmp.Diff(s, mustGet(t, st, id)); diff != "" {
		t.Errorf("Get after SaveUnlock (-saved +got):\n%s", diff)
	}
}

func testLockGetReads(t *testing.T, st session.Store) {
	id := newID(t)
	s := sample(id)
	mustSave(t, st, s)
	tl := mustLockGet(t, st, id)
	got := tl.Session()
	if diff := cmp.Diff(s, got); diff != "" {
		t.Fatalf("LockGet's Session (-saved +got):\n%s", diff)
	}
	if tl.Session() != got {
		t.Errorf("Session() returned another *Session the second time")
	}
	wantLocked(t, st, id)
	got.Public["order_number"] = "2025000999"
	got.Append(session.Entry{From: "user", Text: "další", At: time.Date(2026, 11, 27, 9, 1, 0, 0, time.UTC)})
	if err := tl.SaveUnlock(t.Context(), got); err != nil {
		t.Fatalf("SaveUnlock = %v, want nil", err)
	}
	if got.Version != 2 {
		t.Errorf("after SaveUnlock, Version = %d, want 2", got.Version)
	}
	wantFree(t, st, id)
	if diff := cmp.Diff(got, mustGet(t, st, id)); diff != "" {
		t.Errorf("Get after SaveUnlock (-saved +got):\n%s", diff)
	}
}

func testLockGetExcludes(t *testing.T, st session.Store) {
	id := newID(t)
	unlock := mustLock(t, st, id)
	ctx, cancel := context.WithTimeout(t.Context(), 150*time.Millisecond)
	defer cancel()
	if tl, err := st.LockGet(ctx, id); !errors.Is(err, session.ErrLocked) || !errors.Is(err, context.DeadlineExceeded) {
		if err == nil {
			tl.Unlock()
		}
		t.Fatalf("LockGet(%s) while Lock holds it = %v, want ErrLocked wrapping context.DeadlineExceeded", id, err)
	}
	unlock()
	tl := mustLockGet(t, st, id)
	wantLocked(t, st, id)
	tl.Unlock()
	wantFree(t, st, id)
}

func testLockGetWaiterWakes(t *testing.T, st session.Store) {
	id := newID(t)
	mustSave(t, st, sample(id))
	first := mustLockGet(t, st, id)
	got := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		tl, err := st.LockGet(ctx, id)
		if err == nil {
			if s := tl.Session(); s == nil || s.Public["turn"] != "first" {
				err = fmt.Errorf("the waiter read %+v, want the first turn's save", s)
			}
			tl.Unlock()
		}
		got <- err
	}()
	s := first.Session()
	s.Public["turn"] = "first"
	if err := first.SaveUnlock(t.Context(), s); err != nil {
		t.Fatalf("SaveUnlock = %v", err)
	}
	if err := <-got; err != nil {
		t.Fatalf("LockGet waiting for a released lock = %v, want nil", err)
	}
}

func testLockGetDoneContext(t *testing.T, st session.Store) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	tl, err := st.LockGet(ctx, newID(t))
	if err == nil {
		tl.Unlock()
		t.Fatal("LockGet with a canceled context = nil error, want ErrLocked")
	}
	if !errors.Is(err, session.ErrLocked) || !errors.Is(err, context.Canceled) {
		t.Fatalf("LockGet with a canceled context = %v, want ErrLocked wrapping context.Canceled", err)
	}
}

func testUnlockWithoutSave(t *testing.T, st session.Store) {
	id := newID(t)
	s := sample(id)
	mustSave(t, st, s)
	tl := mustLockGet(t, st, id)
	tl.Session().Public["order_number"] = "changed, never saved"
	tl.Unlock()
	wantFree(t, st, id)
	next := mustLockGet(t, st, id)
	tl.Unlock() // a second call must not release the next owner's lock
	wantLocked(t, st, id)
	next.Unlock()
	if diff := cmp.Diff(s, mustGet(t, st, id)); diff != "" {
		t.Errorf("Get after Unlock without SaveUnlock (-saved +got):\n%s", diff)
	}
}

func testSaveUnlockConflict(t *testing.T, st session.Store) {
	id := newID(t)
	mustSave(t, st, sample(id))
	tl := mustLockGet(t, st, id)
	// A writer that ignores the lock saves first.
	other := mustGet(t, st, id)
	other.Public["turn"] = "other"
	mustSave(t, st, other)

	mine := tl.Session()
	before := *mine
	mine.Public = map[string]any{"turn": "mine"}
	if err := tl.SaveUnlock(t.Context(), mine); !errors.Is(err, session.ErrConflict) {
		t.Fatalf("SaveUnlock after another writer saved = %v, want ErrConflict", err)
	}
	if mine.Version != before.Version {
		t.Errorf("failed SaveUnlock changed Version to %d, want %d", mine.Version, before.Version)
	}
	if got := mustGet(t, st, id); got.Public["turn"] != "other" || got.Version != other.Version {
		t.Errorf("stored turn %v at version %d, want other at %d", got.Public["turn"], got.Version, other.Version)
	}
	wantFree(t, st, id)
}

func testSaveUnlockDeleted(t *testing.T, st session.Store) {
	id := newID(t)
	mustSave(t, st, sample(id))
	tl := mustLockGet(t, st, id)
	if err := st.Delete(t.Context(), id); err != nil {
		t.Fatal(err)
	}
	if err := tl.SaveUnlock(t.Context(), tl.Session()); !errors.Is(err, session.ErrNotFound) {
		t.Fatalf("SaveUnlock of a deleted session = %v, want ErrNotFound", err)
	}
	wantNotFound(t, st, id)
	wantFree(t, st, id)
}

func testSaveUnlockRefuses(t *testing.T, st session.Store) {
	id := newID(t)
	tl := mustLockGet(t, st, id)
	tests := []struct {
		name string
		s    *session.Session
	}{
		{"other id", sample(id + "-other")},
		{"private name in public", func() *session.Session {
			s := sample(id)
			s.Public["$email"] = "x@example.cz"
			return s
		}()},
	}
	for _, tt := range tests {
		if err := tl.SaveUnlock(t.Context(), tt.s); !errors.Is(err, session.ErrInvalid) {
			t.Errorf("SaveUnlock(%s) = %v, want ErrInvalid", tt.name, err)
		}
		if tt.s.Version != 0 {
			t.Errorf("SaveUnlock(%s) changed Version to %d", tt.name, tt.s.Version)
		}
	}
	wantNotFound(t, st, id)
	wantNotFound(t, st, id+"-other")
	// The lock is still held: a valid save goes through.
	wantLocked(t, st, id)
	if err := tl.SaveUnlock(t.Context(), sample(id)); err != nil {
		t.Fatalf("SaveUnlock after refused ones = %v, want nil", err)
	}
	wantFree(t, st, id)
}

// testConcurrentLockGetTurns is testConcurrentTurns with LockGet and
// SaveUnlock.
func testConcurrentLockGetTurns(t *testing.T, st session.Store) {
	runConcurrentTurns(t, st, func(ctx context.Context, id string, bump func(*session.Session)) error {
		tl, err := st.LockGet(ctx, id)
		if err != nil {
			return err
		}
		defer tl.Unlock()
		cur := tl.Session()
		if cur == nil {
			return errors.New("no session under the lock")
		}
		bump(cur)
		return tl.SaveUnlock(ctx, cur)
	})
}

// testSaveUnlockFencesExpiredLock: a turn that stalls past its lock must
// not write, even when no other turn has taken the lock or saved since
// (the version alone would let it through).
func testSaveUnlockFencesExpiredLock(t *testing.T, e Expiry, st session.Store, advance func(time.Duration)) {
	id := newID(t)
	s := sample(id)
	mustSave(t, st, s)
	tl := mustLockGet(t, st, id)
	advance(e.LockTTL + e.LockTTL/2)
	late := tl.Session()
	late.Public["turn"] = "late"
	late.Append(session.Entry{From: "user", Text: "late", At: time.Now()})
	if err := tl.SaveUnlock(t.Context(), late); !errors.Is(err, session.ErrConflict) {
		t.Fatalf("SaveUnlock after the lock expired = %v, want ErrConflict", err)
	}
	if got := texts(t, st, id); len(got) != 3 {
		t.Errorf("transcript after a fenced SaveUnlock = %q, want the 3 saved entries only", got)
	}
	if late.Version != s.Version {
		t.Errorf("failed SaveUnlock changed Version to %d, want %d", late.Version, s.Version)
	}
	if diff := cmp.Diff(s, mustGet(t, st, id)); diff != "" {
		t.Errorf("stored session after a fenced SaveUnlock (-before +after):\n%s", diff)
	}
}

// testSaveUnlockFencesTakenLock: the stale turn's SaveUnlock neither
// writes nor frees the lock of the turn that took over.
func testSaveUnlockFencesTakenLock(t *testing.T, e Expiry, st session.Store, advance func(time.Duration)) {
	id := newID(t)
	mustSave(t, st, sample(id))
	stale := mustLockGet(t, st, id)
	advance(e.LockTTL + e.LockTTL/2)
	next := mustLockGet(t, st, id)

	a := stale.Session()
	a.Public["turn"] = "stale"
	if err := stale.SaveUnlock(t.Context(), a); !errors.Is(err, session.ErrConflict) {
		t.Fatalf("SaveUnlock by the owner of an expired lock = %v, want ErrConflict", err)
	}
	stale.Unlock()
	wantLocked(t, st, id) // still the next turn's

	b := next.Session()
	b.Public["turn"] = "next"
	if err := next.SaveUnlock(t.Context(), b); err != nil {
		t.Fatalf("SaveUnlock by the new owner = %v, want nil", err)
	}
	if got := mustGet(t, st, id); got.Public["turn"] != "next" || got.Version != 2 {
		t.Errorf("stored turn %v at version %d, want next at 2", got.Public["turn"], got.Version)
	}
}
