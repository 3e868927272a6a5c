package bot

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/samoobsluha/samoobsluha/dialog"
	"github.com/samoobsluha/samoobsluha/session"
)

// recordVersion is the version of the bot's data in session.Engine.
const recordVersion = 1

// Caps on what a record keeps, so a long conversation cannot grow the
// session without bound.
const (
	maxVerified = 20
	maxJournal  = 32
)

// record is what bot keeps in session.Engine: the dialog state without its
// variables (those live in Session.Public and Session.Private) plus the
// bot's own facts about the conversation. It never leaves the server.
type record struct {
	V int `json:"v"`
	// State is the dialog.State with Vars and Private cleared.
	State json.RawMessage `json:"state"`
	// Expect is what the last turn waits for (sent again on resume).
	Expect dialog.Expect `json:"expect"`
	// Ended is the end reason of the last turn, "" while it goes on.
	Ended string `json:"ended,omitempty"`
	// Verified lists the order numbers the customer proved to own.
	Verified []string `json:"verified,omitempty"`
	// Journal remembers writes to the shop (see doc.go, "Writes").
	Journal []journalEntry `json:"journal,omitempty"`
	// NoInput counts voice silences in a row; Prompt is the last thing the
	// bot asked on voice, repeated after a silence.
	NoInput int    `json:"no_input,omitempty"`
	Prompt  string `json:"prompt,omitempty"`
	// Caller is the voice caller's number in E.164, kept for brute-force
	// counting even when it is not given to the scenario as $caller.
	Caller string `json:"caller,omitempty"`
	// Buttons are the buttons of the bot messages that end the transcript,
	// the latest message's first, so a click is written into the transcript
	// under its title without reading the transcript (which the session
	// keeps apart; see session.Store.Transcript).
	Buttons []Button `json:"buttons,omitempty"`
}

// journalEntry is one write to the shop made for this session. Pending
// means the write was (or may have been) sent but its result is unknown.
type journalEntry struct {
	Key     string         `json:"key"`
	App     string         `json:"app"`
	Pending bool           `json:"pending,omitempty"`
	Outcome dialog.Outcome `json:"outcome,omitempty"`
	Value   any            `json:"value,omitempty"`
	At      time.Time      `json:"at"`
}

// writeApps are the apps that change the shop. Apps also report writes in
// Result.Write; this list lets bot journal a write before it is sent.
var writeApps = map[string]bool{
	"change_status":  true,
	"append_note":    true,
	"overwrite_note": true,
	"cancel_order":   true,
}

// journalKey identifies a write by its app and rendered parameters. The
// hash keeps personal data (a note's text, an e-mail) out of the record's
// keys.
func journalKey(a *dialog.Action) string {
	names := make([]string, 0, len(a.Params))
	for k := range a.Params {
		names = append(names, k)
	}
	sort.Strings(names)
	h := sha256.New()
	h.Write([]byte(a.App))
	for _, k := range names {
		h.Write([]byte{0})
		h.Write([]byte(k))
		h.Write([]byte{0})
		h.Write([]byte(a.Params[k]))
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// loadState rebuilds the dialog state and the record from a stored session.
func loadState(s *session.Session) (dialog.State, record, error) {
	var rec record
	var st dialog.State
	if len(s.Engine) == 0 {
		return st, rec, fmt.Errorf("session %s has no engine state", s.ID)
	}
	if err := json.Unmarshal(s.Engine, &rec); err != nil {
		return st, rec, fmt.Errorf("decode session %s: %w", s.ID, err)
	}
	if rec.V != recordVersion {
		return st, rec, fmt.Errorf("session %s: unsupported record version %d", s.ID, rec.V)
	}
	if err := json.Unmarshal(rec.State, &st); err != nil {
		return st, rec, fmt.Errorf("decode dialog state of session %s: %w", s.ID, err)
	}
	st.Vars = ownVars(s.Public)
	st.Private = ownVars(s.Private)
	return st, rec, nil
}

// storeState writes st and rec into s. Variables go to the session's
// Public and Private maps, the rest to s.Engine.
func storeState(s *session.Session, st dialog.State, rec record) error {
	bare := st
	bare.Vars = nil
	bare.Private = nil
	raw, err := json.Marshal(bare)
	if err != nil {
		return fmt.Errorf("encode dialog state: %w", err)
	}
	rec.V = recordVersion
	rec.State = raw
	enc, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("encode session record: %w", err)
	}
	s.Engine = enc
	s.Public = st.Vars
	s.Private = st.Private
	s.Lang = st.Lang
	return nil
}

// pruneJournal drops entries older than ttl and keeps the newest max.
func pruneJournal(j []journalEntry, now time.Time, ttl time.Duration) []journalEntry {
	out := j[:0]
	for _, e := range j {
		if now.Sub(e.At) < ttl {
			out = append(out, e)
		}
	}
	if len(out) > maxJournal {
		out = out[len(out)-maxJournal:]
	}
	return out
}

func findJournal(j []journalEntry, key string) int {
	for i := len(j) - 1; i >= 0; i-- {
		if j[i].Key == key {
			return i
		}
	}
	return -1
}

func addVerified(list []string, order string) []string {
	for _, o := range list {
		if o == order {
			return list
		}
	}
	list = append(list, order)
	if len(list) > maxVerified {
		list = list[len(list)-maxVerified:]
	}
	return list
}

// lastButtons lists the buttons of msgs for record.Buttons: the last
// message's first, each message's in their order.
func lastButtons(msgs []Message) []Button {
	var bs []Button
	for i := len(msgs) - 1; i >= 0; i-- {
		bs = append(bs, msgs[i].Buttons...)
	}
	return bs
}

func botEntry(m Message, at time.Time) session.Entry {
	e := session.Entry{From: "bot", Text: m.Text, Image: m.Image, At: at}
	if len(m.Buttons) > 0 {
		e.Buttons, _ = json.Marshal(m.Buttons)
	}
	if len(m.Links) > 0 {
		e.Links, _ = json.Marshal(m.Links)
	}
	return e
}

func historyOf(t []session.Entry) []HistoryEntry {
	if len(t) == 0 {
		return nil
	}
	h := make([]HistoryEntry, 0, len(t))
	for _, e := range t {
		he := HistoryEntry{From: e.From, Text: e.Text, Image: e.Image, At: e.At}
		if len(e.Buttons) > 0 {
			_ = json.Unmarshal(e.Buttons, &he.Buttons)
		}
		if len(e.Links) > 0 {
			_ = json.Unmarshal(e.Links, &he.Links)
		}
		h = append(h, he)
	}
	return h
}

// buttonTitle finds the title of the button with value among the buttons
// of the last bot messages (record.Buttons), as the transcript shows what
// the customer clicked; the value itself when none matches.
func buttonTitle(bs []Button, value string) string {
	for _, b := range bs {
		if b.Value == value {
			return b.Title
		}
	}
	return value
}
