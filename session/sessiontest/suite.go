package sessiontest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/samoobsluha/samoobsluha/session"
)

// ConcurrentTurns is how many goroutines the concurrency test runs turns
// on one session.
const ConcurrentTurns = 25

// Run checks that stores made by newStore behave as session.Store
// documents: round trips, versioned saves and conflicts, deletion,
// refused input, the transcript cap, the public view, turn locks (Lock,
// and LockGet with its TurnLock's SaveUnlock and Unlock) and concurrent
// turns on one session losing no update. newStore is called
// once per subtest and must return an empty store (or one that shares
// nothing with the others, such as a Redis store with its own prefix)
// whose TTL and LockTTL are at least a minute. Subtests run in parallel.
func Run(t *testing.T, newStore func(t *testing.T) session.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s session.Store)
	}{
		{"GetMissing", testGetMissing},
		{"SaveNewThenGet", testSaveNewThenGet},
		{"SaveNewTwice", testSaveNewTwice},
		{"ConflictingSave", testConflictingSave},
		{"VersionCountsSaves", testVersionCountsSaves},
		{"Delete", testDelete},
		{"SaveAfterDelete", testSaveAfterDelete},
		{"RefusesInvalid", testRefusesInvalid},
		{"TranscriptAppends", testTranscriptAppends},
		{"TranscriptCapped", testTranscriptCapped},
		{"FailedSaveAppendsNothing", testFailedSaveAppendsNothing},
		{"PublicViewHasNoPrivate", testPublicViewHasNoPrivate},
		{"GetReturnsCopy", testGetReturnsCopy},
		{"LockExcludes", testLockExcludes},
		{"LockWaiterWakes", testLockWaiterWakes},
		{"LockPerSession", testLockPerSession},
		{"UnlockTwiceHarmless", testUnlockTwiceHarmless},
		{"LockDoneContext", testLockDoneContext},
		{"ConcurrentTurns", testConcurrentTurns},
		{"LockGetMissing", testLockGetMissing},
		{"LockGetReads", testLockGetReads},
		{"LockGetExcludes", testLockGetExcludes},
		{"LockGetWaiterWakes", testLockGetWaiterWakes},
		{"LockGetDoneContext", testLockGetDoneContext},
		{"UnlockWithoutSave", testUnlockWithoutSave},
		{"SaveUnlockConflict", testSaveUnlockConflict},
		{"SaveUnlockDeleted", testSaveUnlockDeleted},
		{"SaveUnlockRefuses", testSaveUnlockRefuses},
		{"ConcurrentLockGetTurns", testConcurrentLockGetTurns},
		{"Ping", testPing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.fn(t, newStore(t))
		})
	}
}

// sample returns a session with every field set, as a store returns it
// (JSON-typed values, UTC times).
func sample(id string) *session.Session {
	at := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	return &session.Session{
		ID:      id,
		Bot:     "default",
		Channel: "web",
		Lang:    "cs",
		Engine:  json.RawMessage(`{"box":12,"attempts":1}`),
		Public: map[string]any{
			"order_number": "2025000123",
			"count":        float64(3),
			"nested":       map[string]any{"a": []any{"x", true}},
		},
		Private: map[string]any{
			"$email":  "jana.novakova@example.cz",
			"$caller": "+420601223344",
		},
		Transcript: []session.Entry{
			{From: "bot", Text: "Dobrý den, jak vám mohu pomoci?", At: at},
			{From: "user", Text: "stav objednávky", At: at.Add(time.Second)},
			{From: "bot", Text: "Zadejte číslo objednávky.", Buttons: json.RawMessage(`[{"title":"Zpět","value":"back"}]`), At: at.Add(2 * time.Second)},
		},
		Verifications: 2,
		Failures:      1,
	}
}

// newID returns a session id unique to the test.
func newID(t *testing.T) string {
	return "it-" + strings.NewReplacer("/", "-", " ", "_").Replace(t.Name())
}

func mustSave(t *testing.T, st session.Store, s *session.Session) {
	t.Helper()
	if err := st.Save(t.Context(), s); err != nil {
		t.Fatalf("Save(%s, version %d) = %v, want nil", s.ID, s.Version, err)
	}
}

func mustGet(t *testing.T, st session.Store, id string) *session.Session {
	t.Helper()
	s, err := st.Get(t.Context(), id)
	if err != nil {
		t.Fatalf("Get(%s) = %v, want a session", id, err)
	}
	return s
}

func mustLock(t *testing.T, st session.Store, id string) func() {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	unlock, err := st.Lock(ctx, id)
	if err != nil {
		t.Fatalf("Lock(%s) = %v, want the lock", id, err)
	}
	return unlock
}

// wantLocked checks that id's lock cannot be taken within a short wait.
func wantLocked(t *testing.T, st session.Store, id string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 150*time.Millisecond)
	defer cancel()
	unlock, err := st.Lock(ctx, id)
	if err == nil {
		unlock()
		t.Fatalf("Lock(%s) while held = nil error, want ErrLocked", id)
	}
	if !errors.Is(err, session.ErrLocked) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Lock(%s) while held = %v, want ErrLocked wrapping context.DeadlineExceeded", id, err)
	}
}

func wantNotFound(t *testing.T, st session.Store, id string) {
	t.Helper()
	if s, err := st.Get(t.Context(), id); !errors.Is(err, session.ErrNotFound) {
		t.Fatalf("Get(%s) = %+v, %v, want ErrNotFound", id, s, err)
	}
}

// ignoreTimes leaves out the store-stamped times where a test does not
// control them.
var ignoreTimes = cmpopts.IgnoreFields(session.Session{}, "Created", "Updated")

func testGetMissing(t *testing.T, st session.Store) {
	wantNotFound(t, st, newID(t))
}

func testSaveNewThenGet(t *testing.T, st session.Store) {
	s := sample(newID(t))
	mustSave(t, st, s)
	if s.Version != 1 {
		t.Errorf("after the first Save, Version = %d, want 1", s.Version)
	}
	if s.Created.IsZero() || s.Updated.IsZero() {
		t.Errorf("after Save, Created = %v, Updated = %v, want them stamped", s.Created, s.Updated)
	}
	got := mustGet(t, st, s.ID)
	if diff := cmp.Diff(s, got); diff != "" {
		t.Errorf("Get after Save differs from the saved session (-saved +got):\n%s", diff)
	}
}

func testSaveNewTwice(t *testing.T, st session.Store) {
	id := newID(t)
	mustSave(t, st, sample(id))
	second := sample(id)
	second.Lang = "en"
	if err := st.Save(t.Context(), second); !errors.Is(err, session.ErrConflict) {
		t.Fatalf("Save of a second new session with the same id = %v, want ErrConflict", err)
	}
	if got := mustGet(t, st, id); got.Lang != "cs" {
		t.Errorf("after the refused Save, Lang = %q, want %q (nothing written)", got.Lang, "cs")
	}
}

func testConflictingSave(t *testing.T, st session.Store) {
	id := newID(t)
	mustSave(t, st, sample(id))
	a := mustGet(t, st, id)
	b := mustGet(t, st, id)

	a.Public["winner"] = "a"
	mustSave(t, st, a)

	b.Public["winner"] = "b"
	bBefore, err := b.Clone()
	if err != nil {
		t.Fatal(err)
	}
	bBefore.Version = b.Version
	err = st.Save(t.Context(), b)
	if !errors.Is(err, session.ErrConflict) {
		t.Fatalf("Save of a session loaded before another Save = %v, want ErrConflict", err)
	}
	if diff := cmp.Diff(bBefore, b); diff != "" {
		t.Errorf("a refused Save changed the caller's session (-before +after):\n%s", diff)
	}
	got := mustGet(t, st, id)
	if got.Public["winner"] != "a" || got.Version != 2 {
		t.Errorf("after the conflict, stored winner = %v at version %d, want a at 2", got.Public["winner"], got.Version)
	}
}

func testVersionCountsSaves(t *testing.T, st session.Store) {
	s := sample(newID(t))
	for want := int64(1); want <= 5; want++ {
		mustSave(t, st, s)
		if s.Version != want {
			t.Fatalf("after Save number %d, Version = %d, want %d", want, s.Version, want)
		}
		if got := mustGet(t, st, s.ID); got.Version != want {
			t.Fatalf("Get after Save number %d: Version = %d, want %d", want, got.Version, want)
		}
	}
}

func testDelete(t *testing.T, st session.Store) {
	id := newID(t)
	if err := st.Delete(t.Context(), id); err != nil {
		t.Fatalf("Delete of a missing session = %v, want nil", err)
	}
	mustSave(t, st, sample(id))
	if err := st.Delete(t.Context(), id); err != nil {
		t.Fatalf("Delete = %v, want nil", err)
	}
	wantNotFound(t, st, id)
	if got := texts(t, st, id); got != nil {
		t.Errorf("transcript after Delete = %q, want none", got)
	}
}

func testSaveAfterDelete(t *testing.T, st session.Store) {
	id := newID(t)
	s := sample(id)
	mustSave(t, st, s)
	if err := st.Delete(t.Context(), id); err != nil {
		t.Fatalf("Delete = %v, want nil", err)
	}
	if err := st.Save(t.Context(), s); !errors.Is(err, session.ErrNotFound) {
		t.Fatalf("Save of a deleted session at version %d = %v, want ErrNotFound", s.Version, err)
	}
	wantNotFound(t, st, id)
	// A new conversation may reuse the id (a phone call id, say).
	fresh := sample(id)
	fresh.Transcript = fresh.Transcript[:1]
	mustSave(t, st, fresh)
	if fresh.Version != 1 {
		t.Errorf("new session after delete: Version = %d, want 1", fresh.Version)
	}
	if got := texts(t, st, id); len(got) != 1 {
		t.Errorf("new session after delete has transcript %q, want only its own entry", got)
	}
}

func testRefusesInvalid(t *testing.T, st session.Store) {
	id := newID(t)
	tests := []struct {
		name string
		edit func(s *session.Session)
	}{
		{"EmptyID", func(s *session.Session) { s.ID = "" }},
		{"PrivateNameInPublic", func(s *session.Session) { s.Public["$email"] = "secret@example.cz" }},
		{"NegativeVersion", func(s *session.Session) { s.Version = -1 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := sample(id)
			tt.edit(s)
			err := st.Save(t.Context(), s)
			if !errors.Is(err, session.ErrInvalid) {
				t.Fatalf("Save = %v, want ErrInvalid", err)
			}
			if strings.Contains(err.Error(), "secret@example.cz") || strings.Contains(err.Error(), "$email") {
				t.Errorf("Save error %q shows a private name or value", err)
			}
			wantNotFound(t, st, id)
		})
	}
}

// texts returns the texts of the stored transcript of id.
func texts(t *testing.T, st session.Store, id string) []string {
	t.Helper()
	tr, err := st.Transcript(t.Context(), id)
	if err != nil {
		t.Fatalf("Transcript(%s) = %v, want the stored entries", id, err)
	}
	var out []string
	for _, e := range tr {
		out = append(out, e.Text)
	}
	return out
}

func testTranscriptAppends(t *testing.T, st session.Store) {
	s := sample(newID(t))
	want := s.Transcript
	if got := texts(t, st, s.ID); got != nil {
		t.Fatalf("transcript of a missing session = %q, want none", got)
	}
	mustSave(t, st, s)
	if s.Transcript != nil {
		t.Errorf("after Save, Transcript = %v, want it cleared (stored)", s.Transcript)
	}
	got, err := st.Transcript(t.Context(), s.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("stored transcript (-saved +stored):\n%s", diff)
	}
	if g := mustGet(t, st, s.ID); g.Transcript != nil {
		t.Errorf("Get returned transcript %v, want none (read with Store.Transcript)", g.Transcript)
	}
	// A save without new entries keeps the stored ones; new ones append.
	mustSave(t, st, s)
	at := time.Date(2026, 11, 27, 9, 1, 0, 0, time.UTC)
	s.Append(session.Entry{From: "user", Text: "a", At: at}, session.Entry{From: "bot", Text: "b", At: at})
	mustSave(t, st, s)
	wantTexts := []string{want[0].Text, want[1].Text, want[2].Text, "a", "b"}
	if diff := cmp.Diff(wantTexts, texts(t, st, s.ID)); diff != "" {
		t.Errorf("transcript after two more saves (-want +got):\n%s", diff)
	}
}

func testTranscriptCapped(t *testing.T, st session.Store) {
	s := sample(newID(t))
	s.Transcript = nil
	at := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	for i := range session.MaxTranscript + 17 {
		s.Transcript = append(s.Transcript, session.Entry{From: "user", Text: fmt.Sprint(i), At: at})
	}
	mustSave(t, st, s)
	got := texts(t, st, s.ID)
	if len(got) != session.MaxTranscript {
		t.Fatalf("stored transcript has %d entries, want %d", len(got), session.MaxTranscript)
	}
	if first, last := got[0], got[len(got)-1]; first != "17" || last != fmt.Sprint(session.MaxTranscript+16) {
		t.Errorf("stored transcript runs %s..%s, want the last %d: 17..%d", first, last, session.MaxTranscript, session.MaxTranscript+16)
	}
	// Saves that append keep the cap across saves.
	for i := range 3 {
		s.Append(session.Entry{From: "bot", Text: fmt.Sprint("new", i), At: at})
		mustSave(t, st, s)
	}
	got = texts(t, st, s.ID)
	if len(got) != session.MaxTranscript || got[0] != "20" || got[len(got)-1] != "new2" {
		t.Errorf("after three more saves: %d entries %s..%s, want %d: 20..new2", len(got), got[0], got[len(got)-1], session.MaxTranscript)
	}
	// Append keeps the cap on the unsaved entries too.
	for i := range session.MaxTranscript + 1 {
		s.Append(session.Entry{From: "user", Text: fmt.Sprint(i), At: at})
	}
	if len(s.Transcript) != session.MaxTranscript || s.Transcript[0].Text != "1" {
		t.Errorf("after Append: %d unsaved entries starting %q, want %d starting %q", len(s.Transcript), s.Transcript[0].Text, session.MaxTranscript, "1")
	}
}

// testFailedSaveAppendsNothing: a refused Save or SaveUnlock leaves the
// stored transcript as it was, and the caller's unsaved entries in place.
func testFailedSaveAppendsNothing(t *testing.T, st session.Store) {
	id := newID(t)
	mustSave(t, st, sample(id))
	before := texts(t, st, id)
	at := time.Date(2026, 11, 27, 9, 1, 0, 0, time.UTC)

	stale := mustGet(t, st, id)
	mustSave(t, st, mustGet(t, st, id)) // another writer saves first
	stale.Append(session.Entry{From: "user", Text: "lost", At: at})
	if err := st.Save(t.Context(), stale); !errors.Is(err, session.ErrConflict) {
		t.Fatalf("Save of a stale session = %v, want ErrConflict", err)
	}
	if len(stale.Transcript) != 1 {
		t.Errorf("refused Save left %d unsaved entries, want 1", len(stale.Transcript))
	}

	tl := mustLockGet(t, st, id)
	other := mustGet(t, st, id)
	mustSave(t, st, other) // a writer that ignores the lock
	mine := tl.Session()
	mine.Append(session.Entry{From: "user", Text: "fenced", At: at})
	if err := tl.SaveUnlock(t.Context(), mine); !errors.Is(err, session.ErrConflict) {
		t.Fatalf("SaveUnlock after another writer saved = %v, want ErrConflict", err)
	}
	if len(mine.Transcript) != 1 {
		t.Errorf("refused SaveUnlock left %d unsaved entries, want 1", len(mine.Transcript))
	}

	bad := mustGet(t, st, id)
	bad.Public["$secret"] = "x"
	bad.Append(session.Entry{From: "user", Text: "invalid", At: at})
	if err := st.Save(t.Context(), bad); !errors.Is(err, session.ErrInvalid) {
		t.Fatalf("Save of an invalid session = %v, want ErrInvalid", err)
	}
	if diff := cmp.Diff(before, texts(t, st, id)); diff != "" {
		t.Errorf("stored transcript after refused saves (-before +after):\n%s", diff)
	}
}

func testPublicViewHasNoPrivate(t *testing.T, st session.Store) {
	s := sample(newID(t))
	mustSave(t, st, s)
	got := mustGet(t, st, s.ID)
	got.Append(sample(s.ID).Transcript...)
	// Even a private name slipped into Public after loading is not shown.
	got.Public["$leak"] = "should-not-show"
	v := got.View()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"$", "jana.novakova@example.cz", "+420601223344", "should-not-show"} {
		if strings.Contains(string(b), secret) {
			t.Errorf("View() = %s, shows private %q", b, secret)
		}
	}
	if v.Vars["order_number"] != "2025000123" || len(v.Transcript) != 3 {
		t.Errorf("View() = %+v, want the public variables and 3 transcript entries", v)
	}
	v.Vars["order_number"] = "changed"
	if got.Public["order_number"] != "2025000123" {
		t.Errorf("changing View().Vars changed the session")
	}
}

func testGetReturnsCopy(t *testing.T, st session.Store) {
	s := sample(newID(t))
	mustSave(t, st, s)
	s.Public["order_number"] = "changed after save"
	a := mustGet(t, st, s.ID)
	a.Public["order_number"] = "changed after get"
	ta, err := st.Transcript(t.Context(), s.ID)
	if err != nil || len(ta) == 0 {
		t.Fatalf("Transcript = %v, %v, want the stored entries", ta, err)
	}
	ta[0].Text = "changed"
	b := mustGet(t, st, s.ID)
	tb := texts(t, st, s.ID)
	if b.Public["order_number"] != "2025000123" || tb[0] != "Dobrý den, jak vám mohu pomoci?" {
		t.Errorf("Get = %v / %q, want the stored values unaffected by callers' changes", b.Public["order_number"], tb[0])
	}
}

func testLockExcludes(t *testing.T, st session.Store) {
	id := newID(t)
	unlock := mustLock(t, st, id)
	wantLocked(t, st, id)
	unlock()
	mustLock(t, st, id)()
}

func testLockWaiterWakes(t *testing.T, st session.Store) {
	id := newID(t)
	unlock := mustLock(t, st, id)
	got := make(chan error, 1)
	started := make(chan struct{})
	go func() {
		close(started)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		u, err := st.Lock(ctx, id)
		if err == nil {
			u()
		}
		got <- err
	}()
	<-started
	unlock()
	if err := <-got; err != nil {
		t.Fatalf("Lock waiting for a released lock = %v, want nil", err)
	}
}

func testLockPerSession(t *testing.T, st session.Store) {
	id := newID(t)
	unlock := mustLock(t, st, id)
	defer unlock()
	mustLock(t, st, id+"-other")()
}

func testUnlockTwiceHarmless(t *testing.T, st session.Store) {
	id := newID(t)
	first := mustLock(t, st, id)
	first()
	second := mustLock(t, st, id)
	defer second()
	first() // must not release the second owner's lock
	wantLocked(t, st, id)
}

func testLockDoneContext(t *testing.T, st session.Store) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	unlock, err := st.Lock(ctx, newID(t))
	if err == nil {
		unlock()
		t.Fatal("Lock with a canceled context = nil error, want ErrLocked")
	}
	if !errors.Is(err, session.ErrLocked) || !errors.Is(err, context.Canceled) {
		t.Fatalf("Lock with a canceled context = %v, want ErrLocked wrapping context.Canceled", err)
	}
}

// testConcurrentTurns runs ConcurrentTurns turns on one session at once,
// each Lock, Get, increment, Save, unlock: none may be lost.
func testConcurrentTurns(t *testing.T, st session.Store) {
	runConcurrentTurns(t, st, func(ctx context.Context, id string, bump func(*session.Session)) error {
		unlock, err := st.Lock(ctx, id)
		if err != nil {
			return err
		}
		defer unlock()
		cur, err := st.Get(ctx, id)
		if err != nil {
			return err
		}
		bump(cur)
		return st.Save(ctx, cur)
	})
}

// runConcurrentTurns starts ConcurrentTurns turns on one session at once;
// each runs turn, which must take the lock, load the session, apply bump
// (an increment of n and one transcript line) and save. None may be lost.
func runConcurrentTurns(t *testing.T, st session.Store, turn func(ctx context.Context, id string, bump func(*session.Session)) error) {
	id := newID(t)
	s := sample(id)
	s.Public["n"] = float64(0)
	mustSave(t, st, s)

	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	errs := make(chan error, ConcurrentTurns)
	var wg sync.WaitGroup
	for i := range ConcurrentTurns {
		wg.Go(func() {
			err := turn(ctx, id, func(cur *session.Session) {
				cur.Public["n"] = cur.Public["n"].(float64) + 1
				cur.Append(session.Entry{From: "user", Text: fmt.Sprint(i), At: time.Now()})
			})
			if err != nil {
				errs <- fmt.Errorf("turn %d: %w", i, err)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	got := mustGet(t, st, id)
	if got.Public["n"] != float64(ConcurrentTurns) || got.Version != ConcurrentTurns+1 {
		t.Errorf("after %d concurrent turns: n = %v at version %d, want %d at %d", ConcurrentTurns, got.Public["n"], got.Version, ConcurrentTurns, ConcurrentTurns+1)
	}
}

func testPing(t *testing.T, st session.Store) {
	if err := st.Ping(t.Context()); err != nil {
		t.Fatalf("Ping = %v, want nil", err)
	}
}

// Expiry describes stores whose idle expiry RunExpiry checks.
type Expiry struct {
	// TTL and LockTTL are what the stores New returns use. LockTTL must
	// be at most TTL/4.
	TTL, LockTTL time.Duration
	// New returns an empty store (sharing nothing with others) and a func
	// making d pass for that store: moving its injected clock, or sleeping
	// for a store on real time.
	New func(t *testing.T) (st session.Store, advance func(d time.Duration))
}

// RunExpiry checks that sessions expire after TTL without a Save, that
// reading does not extend their life nor bring them back, that a Save
// restarts the idle time, and that a turn lock expires after LockTTL
// without its stale owner being able to overwrite the next turn (the
// version fences it, and TurnLock.SaveUnlock writes nothing once its
// lock has expired). Subtests run in parallel.
func RunExpiry(t *testing.T, e Expiry) {
	if e.LockTTL*4 > e.TTL {
		t.Fatalf("RunExpiry: LockTTL %v must be at most TTL/4 (%v)", e.LockTTL, e.TTL)
	}
	tests := []struct {
		name string
		fn   func(t *testing.T, e Expiry, st session.Store, advance func(time.Duration))
	}{
		{"ExpiresWhenIdle", testExpiresWhenIdle},
		{"SaveRestartsIdleTime", testSaveRestartsIdleTime},
		{"ExpiredNotResurrected", testExpiredNotResurrected},
		{"LockExpires", testLockExpires},
		{"VersionFencesExpiredLock", testVersionFencesExpiredLock},
		{"SaveUnlockFencesExpiredLock", testSaveUnlockFencesExpiredLock},
		{"SaveUnlockFencesTakenLock", testSaveUnlockFencesTakenLock},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			st, advance := e.New(t)
			tt.fn(t, e, st, advance)
		})
	}
}

func testExpiresWhenIdle(t *testing.T, e Expiry, st session.Store, advance func(time.Duration)) {
	id := newID(t)
	mustSave(t, st, sample(id))
	advance(e.TTL / 2)
	mustGet(t, st, id) // still alive; reading must not extend it
	if got := texts(t, st, id); len(got) != 3 {
		t.Fatalf("transcript of a live session = %q, want 3 entries", got)
	}
	advance(e.TTL/2 + e.TTL/4)
	wantNotFound(t, st, id)
	if got := texts(t, st, id); got != nil {
		t.Errorf("transcript of an expired session = %q, want none (it expires with the session)", got)
	}
}

func testSaveRestartsIdleTime(t *testing.T, e Expiry, st session.Store, advance func(time.Duration)) {
	id := newID(t)
	s := sample(id)
	mustSave(t, st, s)
	advance(e.TTL * 6 / 10)
	mustSave(t, st, s)
	advance(e.TTL * 6 / 10)
	got := mustGet(t, st, id) // 1.2 TTL after the first Save, 0.6 after the last
	if diff := cmp.Diff(s, got, ignoreTimes); diff != "" {
		t.Errorf("Get after the second Save (-saved +got):\n%s", diff)
	}
	if got := texts(t, st, id); len(got) != 3 {
		t.Errorf("transcript 0.6 TTL after the last Save = %q, want 3 entries (a Save restarts its idle time too)", got)
	}
	advance(e.TTL * 6 / 10)
	wantNotFound(t, st, id)
	if got := texts(t, st, id); got != nil {
		t.Errorf("transcript of an expired session = %q, want none", got)
	}
}

func testExpiredNotResurrected(t *testing.T, e Expiry, st session.Store, advance func(time.Duration)) {
	id := newID(t)
	s := sample(id)
	mustSave(t, st, s)
	advance(e.TTL + e.TTL/4)
	if err := st.Save(t.Context(), s); !errors.Is(err, session.ErrNotFound) {
		t.Fatalf("Save of an expired session = %v, want ErrNotFound", err)
	}
	wantNotFound(t, st, id)
	fresh := sample(id)
	mustSave(t, st, fresh)
	if fresh.Version != 1 {
		t.Errorf("new session reusing an expired id: Version = %d, want 1", fresh.Version)
	}
}

func testLockExpires(t *testing.T, e Expiry, st session.Store, advance func(time.Duration)) {
	id := newID(t)
	stale := mustLock(t, st, id)
	wantLocked(t, st, id)
	advance(e.LockTTL + e.LockTTL/2)
	next := mustLock(t, st, id)
	defer next()
	stale() // the expired owner's unlock must not free the new owner's lock
	wantLocked(t, st, id)
}

func testVersionFencesExpiredLock(t *testing.T, e Expiry, st session.Store, advance func(time.Duration)) {
	id := newID(t)
	mustSave(t, st, sample(id))

	unlockA := mustLock(t, st, id)
	a := mustGet(t, st, id)
	advance(e.LockTTL + e.LockTTL/2) // A stalls past its lock

	unlockB := mustLock(t, st, id)
	b := mustGet(t, st, id)
	b.Public["turn"] = "b"
	mustSave(t, st, b)
	unlockB()

	a.Public["turn"] = "a"
	if err := st.Save(t.Context(), a); !errors.Is(err, session.ErrConflict) {
		t.Fatalf("Save by the owner of an expired lock after another turn saved = %v, want ErrConflict", err)
	}
	unlockA()
	if got := mustGet(t, st, id); got.Public["turn"] != "b" {
		t.Errorf("stored turn = %v, want b (the stale writer must not win)", got.Public["turn"])
	}
}
