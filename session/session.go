package session

import (
	"context"
	"encoding/json"
	"errors"
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

	// Transcript holds the last MaxTranscript public messages.
	Transcript []Entry `json:"transcript,omitempty"`

	// Failures counts failed verifications in this session.
	Failures int `json:"failures,omitempty"`

	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`

	// Version is set by the store on Get and Save; Save refuses a session
	// whose Version is not the stored one (ErrConflict). Zero means new.
	Version int64 `json:"version"`
}

// MaxTranscript is how many public messages a session keeps for history.
const MaxTranscript = 50

// PublicView is what a client may be shown of a session: it has no field
// that could hold a private variable.
type PublicView struct {
	ID         string
	Bot        string
	Lang       string
	Vars       map[string]any
	Transcript []Entry
}

// View returns the session's public view.
func (s *Session) View() PublicView {
	return PublicView{ID: s.ID, Bot: s.Bot, Lang: s.Lang, Vars: s.Public, Transcript: s.Transcript}
}

// Store keeps sessions. Implementations are safe for concurrent use.
//
// Turns of one session are serialised with Lock; Save is additionally
// versioned (compare-and-set), so a writer whose lock expired can never
// silently overwrite a newer session.
type Store interface {
	// Get returns the live session with that id, or ErrNotFound. Reading
	// does not extend its life.
	Get(ctx context.Context, id string) (*Session, error)
	// Save writes s if s.Version equals the stored version (0 = must not
	// exist), increments s.Version and resets the idle expiry.
	Save(ctx context.Context, s *Session) error
	// Lock takes the turn lock of session id, waiting until ctx ends
	// (ErrLocked). The returned func releases it (only if still owned).
	Lock(ctx context.Context, id string) (unlock func(), err error)
	// Delete removes a session; deleting a missing one is not an error.
	Delete(ctx context.Context, id string) error
	// Ping reports whether the store is reachable (for /readyz).
	Ping(ctx context.Context) error
}
