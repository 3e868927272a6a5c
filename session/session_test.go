package session_test

import (
	"encoding/json"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/samoobsluha/samoobsluha/session"
)

// benchSession is a session of a realistic size: a full transcript and a
// handful of variables.
//
// The benchmarks' turns append one customer and one bot message
// (turnEntries), as a real turn does.
func benchSession(id string) *session.Session {
	s := &session.Session{
		ID: id, Bot: "default", Channel: "web", Lang: "cs",
		Engine:  json.RawMessage(`{"box":12,"attempts":1,"pending":""}`),
		Public:  map[string]any{"order_number": "2025000123", "status": "Odesláno", "carrier": "PPL"},
		Private: map[string]any{"$email": "jana.novakova@example.cz", "$verified": true},
	}
	at := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	for i := range session.MaxTranscript {
		s.Append(session.Entry{From: "bot", Text: fmt.Sprintf("Zpráva číslo %d: objednávka 2025000123 je ve stavu Odesláno.", i), At: at})
	}
	return s
}

// turnEntries are the messages a benchmark turn appends.
var turnEntries = []session.Entry{
	{From: "user", Text: "2025000123", At: time.Date(2026, 11, 27, 9, 1, 0, 0, time.UTC)},
	{From: "bot", Text: "Objednávka 2025000123 je ve stavu Odesláno.", Buttons: json.RawMessage(`[{"title":"Zpět","value":"back"}]`), At: time.Date(2026, 11, 27, 9, 1, 0, 0, time.UTC)},
}

// benchGetSave measures one turn's store work: Get, change, Save.
func benchGetSave(b *testing.B, st session.Store) {
	ctx := b.Context()
	id := fmt.Sprintf("bench-%d", time.Now().UnixNano())
	if err := st.Save(ctx, benchSession(id)); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		s, err := st.Get(ctx, id)
		if err != nil {
			b.Fatal(err)
		}
		s.Failures++
		s.Append(turnEntries...)
		if err := st.Save(ctx, s); err != nil {
			b.Fatal(err)
		}
	}
}

func TestViewDropsPrivateNames(t *testing.T) {
	s := &session.Session{ID: "v", Public: map[string]any{"a": "1", "$b": "2"}}
	v := s.View()
	if _, ok := v.Vars["$b"]; ok || v.Vars["a"] != "1" {
		t.Errorf("View().Vars = %v, want only a", v.Vars)
	}
	if (&session.Session{}).View().Vars != nil {
		t.Errorf("View() of a session without variables has non-nil Vars")
	}
}

func TestAppendKeepsLast(t *testing.T) {
	var s session.Session
	for i := range session.MaxTranscript * 3 {
		s.Append(session.Entry{Text: fmt.Sprint(i)})
	}
	if len(s.Transcript) != session.MaxTranscript || s.Transcript[0].Text != fmt.Sprint(session.MaxTranscript*2) {
		t.Errorf("after %d Appends: %d entries from %q, want %d from %q", session.MaxTranscript*3, len(s.Transcript), s.Transcript[0].Text, session.MaxTranscript, fmt.Sprint(session.MaxTranscript*2))
	}
}

// benchTurn measures one turn's store work with the lock: either Lock,
// Get, Save and unlock (separate) or LockGet and SaveUnlock (combined).
// It reports the process CPU time per turn (cpu-ns/op), which on a shared
// machine says more than the wall time.
func benchTurn(b *testing.B, st session.Store) {
	ctx := b.Context()
	id := fmt.Sprintf("bench-%d", time.Now().UnixNano())
	if err := st.Save(ctx, benchSession(id)); err != nil {
		b.Fatal(err)
	}
	b.Run("separate", func(b *testing.B) {
		b.ReportAllocs()
		start := cpuTime(b)
		for b.Loop() {
			unlock, err := st.Lock(ctx, id)
			if err != nil {
				b.Fatal(err)
			}
			s, err := st.Get(ctx, id)
			if err != nil {
				b.Fatal(err)
			}
			s.Failures++
			if err := st.Save(ctx, s); err != nil {
				b.Fatal(err)
			}
			unlock()
		}
		b.ReportMetric(float64(cpuTime(b)-start)/float64(b.N), "cpu-ns/op")
	})
	b.Run("combined", func(b *testing.B) {
		b.ReportAllocs()
		start := cpuTime(b)
		for b.Loop() {
			tl, err := st.LockGet(ctx, id)
			if err != nil {
				b.Fatal(err)
			}
			s := tl.Session()
			s.Failures++
			s.Append(turnEntries...)
			if err := tl.SaveUnlock(ctx, s); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(cpuTime(b)-start)/float64(b.N), "cpu-ns/op")
	})
}

// cpuTime returns the CPU time (user and system) the process has used.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
