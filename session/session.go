package session

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Errors callers branch on.
var (
	// ErrNotFound means no live session has that id (never created, or
	// expired).
	ErrNotFound = errors.New("session not found")
	// ErrConflict means Save lost a race: the stored version is not the one
	// the session was loaded at. Nothing was written.
	ErrConflict = errors.New("session version conflict")
	// ErrLocked means the turn lock could not be taken before the context
	// ended.
	ErrLocked = errors.New("session busy")
	// ErrUnavailable wraps a failure of the backing store (Redis down).
	ErrUnavailable = errors.New("session store unavailable")
	// ErrInvalid means Save was given a session it must not store (no id, or
	// a "$"-prefixed name among the public variables). Nothing was written.
	ErrInvalid = errors.New("invalid session")
)

// Entry is one public transcript line, as the widget's history shows it.
type Entry struct {
	From    string          `json:"from"` // "bot" or "user"
	Text    string          `json:"text"`
	Buttons json.RawMessage `json:"buttons,omitempty"`
	Links   json.RawMessage `json:"links,omitempty"`
	Image   string          `json:"image,omitempty"`
	At      time.Time       `json:"at"`
}

// Session is one conversation's state. Public and private variables are
// kept apart by construction: Public is what a client may see; Private
// ($-variables, the caller's number, verification facts) never leaves the
// server.
type Session struct {
	ID      string `json:"id"`
	Bot     string `json:"bot"`
	Channel string `json:"channel"`
	Lang    string `json:"lang"`

	// Engine is the dialog engine's serialised position (box, attempts,
	// pending action), without variables. Owned by bot.
	Engine json.RawMessage `json:"engine,omitempty"`

	Public  map[string]any `json:"public,omitempty"`
	Private map[string]any `json:"private,omitempty"`

	// Transcript holds public messages appended since the session was
	// read (Append) and not yet saved. It is not part of the stored
	// session blob: a successful Save appends these entries to the
	// session's stored transcript (which keeps the last MaxTranscript,
	// and expires with the session) and clears the field. A session read
	// back (Get, LockGet) has none; Store.Transcript reads the stored
	// ones. A failed Save appends nothing.
	Transcript []Entry `json:"-"`

	// Verifications counts verification attempts (order number + e-mail
	// checks) in this session.
	Verifications int `json:"verifications,omitempty"`
	// Failures counts failed verifications in this session.
	Failures int `json:"failures,omitempty"`

	// Created is set by the store on the first Save when zero; Updated is
	// set by the store on every Save. The session expires when it has not
	// been saved for the store's TTL.
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`

	// Version is set by the store on Get and Save; Save refuses a session
	// whose Version is not the stored one (ErrConflict). Zero means new.
	Version int64 `json:"version"`
}

// MaxTranscript is how many public messages a session keeps for history.
const MaxTranscript = 50

// PrivatePrefix starts the name of every private variable. Such a name is
// never shown to a client, whatever map it is found in.
const PrivatePrefix = "$"

// PublicView is what a client may be shown of a session: it has no field
// that could hold a private variable.
type PublicView struct {
	ID         string
	Bot        string
	Lang       string
	Vars       map[string]any
	Transcript []Entry
}

// View returns the session's public view. Vars is a copy of Public without
// any "$"-prefixed name (Save refuses such names, View drops them as a
// second line of defence); Transcript is a copy of the last MaxTranscript
// entries of s.Transcript (the unsaved ones; the stored transcript is
// read with Store.Transcript). Changing the view does not change the
// session.
func (s *Session) View() PublicView {
	var vars map[string]any
	if s.Public != nil {
		vars = make(map[string]any, len(s.Public))
		for k, v := range s.Public {
			if !strings.HasPrefix(k, PrivatePrefix) {
				vars[k] = v
			}
		}
	}
	tr := s.Transcript
	if len(tr) > MaxTranscript {
		tr = tr[len(tr)-MaxTranscript:]
	}
	var transcript []Entry
	if tr != nil {
		transcript = append(make([]Entry, 0, len(tr)), tr...)
	}
	return PublicView{ID: s.ID, Bot: s.Bot, Lang: s.Lang, Vars: vars, Transcript: transcript}
}

// Append adds public messages to the unsaved transcript, keeping only the
// last MaxTranscript; the next successful Save stores them.
func (s *Session) Append(e ...Entry) {
	s.Transcript = append(s.Transcript, e...)
	if n := len(s.Transcript); n > MaxTranscript {
		// Copy down so the dropped entries do not stay reachable forever.
		s.Transcript = append(s.Transcript[:0:0], s.Transcript[n-MaxTranscript:]...)
	}
}

// Clone returns a deep copy of s, as a round trip through a store would
// (variable values are copied through JSON, so numbers become float64).
func (s *Session) Clone() (*Session, error) {
	b, err := json.Marshal(s)
	if err != nil {
		return nil, fmt.Errorf("clone session %s: %w", s.ID, err)
	}
	var c Session
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("clone session %s: %w", s.ID, err)
	}
	if s.Transcript != nil {
		// Not in the JSON form: copied on its own.
		b, err := json.Marshal(s.Transcript)
		if err != nil {
			return nil, fmt.Errorf("clone session %s: %w", s.ID, err)
		}
		if err := json.Unmarshal(b, &c.Transcript); err != nil {
			return nil, fmt.Errorf("clone session %s: %w", s.ID, err)
		}
	}
	return &c, nil
}

// validate reports why s must not be stored.
func (s *Session) validate() error {
	if s.ID == "" {
		return fmt.Errorf("%w: empty id", ErrInvalid)
	}
	if s.Version < 0 {
		return fmt.Errorf("%w: negative version %d", ErrInvalid, s.Version)
	}
	for k := range s.Public {
		if strings.HasPrefix(k, PrivatePrefix) {
			// Keep the name out of the error: private names stay private.
			return fmt.Errorf("%w: a private variable is among the public ones", ErrInvalid)
		}
	}
	return nil
}

// encode validates s, stamps its times and returns the stored form
// (without the transcript) and the unsaved transcript entries to append,
// each encoded on its own (at most the last MaxTranscript). It clears
// s.Transcript: callers encode a copy and keep it only on success.
func (s *Session) encode(now time.Time) ([]byte, [][]byte, error) {
	if err := s.validate(); err != nil {
		return nil, nil, err
	}
	tr := s.Transcript
	if len(tr) > MaxTranscript {
		tr = tr[len(tr)-MaxTranscript:]
	}
	var entries [][]byte
	if len(tr) > 0 {
		entries = make([][]byte, len(tr))
		for i := range tr {
			b, err := json.Marshal(&tr[i])
			if err != nil {
				return nil, nil, fmt.Errorf("%w: encode transcript: %v", ErrInvalid, err)
			}
			entries[i] = b
		}
	}
	s.Transcript = nil
	if s.Created.IsZero() {
		s.Created = now
	}
	s.Updated = now
	b, err := json.Marshal(s)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: encode: %v", ErrInvalid, err)
	}
	return b, entries, nil
}

// decodeTranscript parses stored transcript entries, oldest first.
func decodeTranscript(stored [][]byte) ([]Entry, error) {
	if len(stored) == 0 {
		return nil, nil
	}
	out := make([]Entry, len(stored))
	for i, b := range stored {
		if err := json.Unmarshal(b, &out[i]); err != nil {
			return nil, fmt.Errorf("decode stored transcript: %w", err)
		}
	}
	return out, nil
}

// decodeSession parses the stored form and sets the stored version. A
// session stored before the transcript moved out of the blob still has
// it under "transcript": it comes back as unsaved entries, so the next
// Save moves it to the stored transcript.
func decodeSession(b []byte, version int64) (*Session, error) {
	var s Session
	w := struct {
		*Session
		Legacy []Entry `json:"transcript"`
	}{Session: &s}
	if err := json.Unmarshal(b, &w); err != nil {
		return nil, fmt.Errorf("decode stored session: %w", err)
	}
	if len(w.Legacy) > 0 {
		s.Append(w.Legacy...)
	}
	s.Version = version
	return &s, nil
}

// Store keeps sessions. Implementations are safe for concurrent use.
//
// Turns of one session are serialised with Lock (or LockGet); Save is
// additionally versioned (compare-and-set), so a writer whose lock expired
// can never silently overwrite a newer session.
type Store interface {
	// LockGet takes the turn lock of session id as Lock does (waiting
	// until ctx ends: ErrLocked) and reads the session under it as Get
	// does, in one step: one round trip on Redis when the lock is free.
	// A missing session is not an error: TurnLock.Session is then nil.
	// On error no lock is held.
	LockGet(ctx context.Context, id string) (TurnLock, error)
	// Get returns the live session with that id, or ErrNotFound. Reading
	// does not extend its life.
	Get(ctx context.Context, id string) (*Session, error)
	// Save writes s if s.Version equals the stored version (0 = must not
	// exist), increments s.Version, stamps s.Updated (and s.Created when
	// zero) with the store's clock, appends s.Transcript to the stored
	// transcript (keeping the last MaxTranscript) and clears it, and resets
	// the idle expiry of both. Errors wrap
	// ErrConflict (another writer saved first), ErrNotFound (s.Version > 0
	// but the session expired or was deleted; it is not resurrected),
	// ErrInvalid or ErrUnavailable; on error s is unchanged and nothing
	// was written (for ErrUnavailable the write may or may not have
	// happened).
	Save(ctx context.Context, s *Session) error
	// Lock takes the turn lock of session id, waiting until ctx ends
	// (ErrLocked, wrapping the context's error). The returned func releases
	// it (only if still owned; calling it twice is harmless). A lock not
	// released within the store's lock TTL expires.
	Lock(ctx context.Context, id string) (unlock func(), err error)
	// Delete removes a session and its stored transcript; deleting a
	// missing one is not an error.
	Delete(ctx context.Context, id string) error
	// Transcript returns the stored transcript of session id: its last
	// MaxTranscript public messages, oldest first (nil when it has none,
	// or the session is missing or expired). It is kept apart from the
	// session, so a turn neither reads nor rewrites it; a client's resume
	// reads it.
	Transcript(ctx context.Context, id string) ([]Entry, error)
	// Ping reports whether the store is reachable (for /readyz).
	Ping(ctx context.Context) error
}

// TurnLock is a turn lock held on one session, with the session as it was
// read when the lock was taken (Store.LockGet). One turn owns it: it is
// not safe for concurrent use.
//
// The turn ends with SaveUnlock (write and release in one step) or Unlock
// (release without writing). Deferring Unlock right after LockGet is the
// intended use: after SaveUnlock, or a second time, it does nothing.
type TurnLock interface {
	// Session returns the session read under the lock, or nil when no
	// live session had the id (new, expired or deleted). It returns the
	// same *Session every time; the caller may change it.
	Session() *Session
	// SaveUnlock saves s as Store.Save does and releases the lock, as one
	// atomic step, provided the lock is still this turn's: if it expired
	// (whether or not another turn has taken it since), nothing is written
	// and the error wraps ErrConflict. s.ID must be the locked id
	// (otherwise ErrInvalid). Errors are those of Save; on error s is
	// unchanged. After success, ErrConflict or ErrNotFound the lock is
	// released (or was lost); after ErrInvalid or ErrUnavailable it may
	// still be held, and Unlock releases it.
	SaveUnlock(ctx context.Context, s *Session) error
	// Unlock releases the lock if this turn still holds it. It does
	// nothing after SaveUnlock has released it or when called again. A
	// lock that cannot be released (Redis down) expires after the store's
	// lock TTL.
	Unlock()
}
