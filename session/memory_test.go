package session_test

import (
	"testing"
	"time"

	"github.com/samoobsluha/samoobsluha/session"
	"github.com/samoobsluha/samoobsluha/session/sessiontest"
)

func TestMemoryStore(t *testing.T) {
	sessiontest.Run(t, func(t *testing.T) session.Store {
		return session.NewMemoryStore(session.MemoryOptions{})
	})
}

func TestMemoryStoreExpiry(t *testing.T) {
	e := sessiontest.Expiry{TTL: 30 * time.Minute, LockTTL: 30 * time.Second}
	e.New = func(t *testing.T) (session.Store, func(time.Duration)) {
		clock := sessiontest.NewClock(time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC))
		st := session.NewMemoryStore(session.MemoryOptions{TTL: e.TTL, LockTTL: e.LockTTL, Now: clock.Now})
		return st, clock.Advance
	}
	sessiontest.RunExpiry(t, e)
}

func TestMemoryStoreStampsTimes(t *testing.T) {
	start := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	clock := sessiontest.NewClock(start)
	st := session.NewMemoryStore(session.MemoryOptions{Now: clock.Now})
	s := &session.Session{ID: "times"}
	if err := st.Save(t.Context(), s); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Minute)
	if err := st.Save(t.Context(), s); err != nil {
		t.Fatal(err)
	}
	got, err := st.Get(t.Context(), "times")
	if err != nil {
		t.Fatal(err)
	}
	if !got.Created.Equal(start) || !got.Updated.Equal(start.Add(time.Minute)) {
		t.Errorf("Created, Updated = %v, %v, want %v, %v", got.Created, got.Updated, start, start.Add(time.Minute))
	}
}

func BenchmarkMemoryStore_GetSave(b *testing.B) {
	st := session.NewMemoryStore(session.MemoryOptions{})
	benchGetSave(b, st)
}

func BenchmarkMemoryStore_Turn(b *testing.B) {
	benchTurn(b, session.NewMemoryStore(session.MemoryOptions{}))
}
