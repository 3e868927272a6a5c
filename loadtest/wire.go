package loadtest

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Frame is one server frame as a client sees it (PROTOCOL.md §1). Only the
// fields the load tool looks at are decoded.
type Frame struct {
	Type    string   `json:"type"`
	Session string   `json:"session,omitempty"`
	Resumed bool     `json:"resumed,omitempty"`
	Bot     string   `json:"bot,omitempty"`
	Text    string   `json:"text,omitempty"`
	Buttons []Button `json:"buttons,omitempty"`
	Links   []Link   `json:"links,omitempty"`
	Expect  *Expect  `json:"expect,omitempty"`
	Reason  string   `json:"reason,omitempty"`
	Code    string   `json:"code,omitempty"`
	Message string   `json:"message,omitempty"`
}

// Button is a quick-reply choice of a message frame.
type Button struct {
	Title string `json:"title"`
	Value string `json:"value"`
}

// Link is a link of a message frame.
type Link struct {
	Title string `json:"title"`
	URL   string `json:"url"`
}

// Expect is what the bot waits for after a turn.
type Expect struct {
	Kind  string `json:"kind"`
	Input string `json:"input"`
}

// Turn is everything the server sent in answer to one client frame, up to
// and including the turn_end or end frame that closes it.
type Turn struct {
	Session  string  // from the session frame (hello only)
	Bot      string  // from the session frame (hello only)
	Resumed  bool    // from the session frame (hello only)
	Messages []Frame // message frames, in order
	Typing   int     // typing frames seen
	Expect   *Expect // from turn_end; nil when the turn ended the conversation
	End      string  // the end frame's reason, "" when the turn ended with turn_end
}

// Text returns the texts of the turn's messages joined by newlines.
func (t Turn) Text() string {
	var b strings.Builder
	for i, m := range t.Messages {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(m.Text)
	}
	return b.String()
}

// LinkURLs returns the URLs of every link of the turn's messages.
func (t Turn) LinkURLs() []string {
	var out []string
	for _, m := range t.Messages {
		for _, l := range m.Links {
			out = append(out, l.URL)
		}
	}
	return out
}

// ButtonValues returns the values of every button of the turn's messages.
func (t Turn) ButtonValues() []string {
	var out []string
	for _, m := range t.Messages {
		for _, b := range m.Buttons {
			out = append(out, b.Value)
		}
	}
	return out
}

// ServerError is an error frame received where a turn's answer was
// expected. Code is the protocol's error code (rate_limited, locked, ...).
type ServerError struct {
	Code    string
	Message string
}

func (e *ServerError) Error() string { return fmt.Sprintf("server error %s: %s", e.Code, e.Message) }

// Hello returns a hello frame for lang ("cs" or "en") resuming session
// ("" starts a new one).
func Hello(lang, session string) []byte {
	return mustJSON(map[string]string{"type": "hello", "lang": lang, "session": session})
}

// Text returns a text frame.
func Text(s string) []byte { return mustJSON(map[string]string{"type": "text", "text": s}) }

// Press returns a button frame with value v.
func Press(v string) []byte { return mustJSON(map[string]string{"type": "button", "value": v}) }

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // maps of strings always encode
	}
	return b
}
