package bot

import (
	"context"
	"io"
	"time"
)

// This file is the contract between bot and its transports (web, the
// scripted-dialog runner). Changing an exported name here breaks them:
// coordinate first.

// Request kinds.
const (
	KindHello   = "hello"  // start or resume (web/test); voice "start"
	KindText    = "text"   // typed or recognised text
	KindButton  = "button" // quick-reply choice
	KindDigits  = "digits" // voice DTMF
	KindNoInput = "no_input"
	KindHangup  = "hangup"
)

// Request is one client event.
type Request struct {
	Bot     string // bot id; "" means "default"
	Session string // session id (for voice: the call id); "" on a new hello
	Kind    string
	Channel string            // "web", "voice" or "test"
	Lang    string            // "cs" or "en"; "" keeps the session's (or the bot's default)
	Caller  string            // voice: caller's number as the adapter sent it (private)
	Client  string            // client address (IP) for brute-force counting (private)
	Vars    map[string]string // hello: host-page variables

	Text         string
	Alternatives []string
	Confidence   float64
	Value        string // button value
	Digits       string

	// Typing, if set, is called when an action sends a request to the
	// shop (at most once per action; not when the answer comes from a
	// cache, which takes milliseconds), so the transport can show a
	// typing indicator while the customer waits.
	Typing func()
}

// Button is a quick-reply choice.
type Button struct {
	Title string `json:"title"`
	Value string `json:"value"`
}

// Link is a hyperlink.
type Link struct {
	Title string `json:"title"`
	URL   string `json:"url"`
}

// Message is one bot message as the client receives it.
type Message struct {
	Text    string   `json:"text"`
	Buttons []Button `json:"buttons,omitempty"`
	Links   []Link   `json:"links,omitempty"`
	Image   string   `json:"image,omitempty"`
	SSML    string   `json:"ssml,omitempty"` // voice channel only
}

// HistoryEntry is one line of the public transcript (PROTOCOL.md history).
type HistoryEntry struct {
	From    string    `json:"from"` // "bot" or "user"
	Text    string    `json:"text"`
	Buttons []Button  `json:"buttons,omitempty"`
	Links   []Link    `json:"links,omitempty"`
	Image   string    `json:"image,omitempty"` // added: a QR payment image, as sent
	At      time.Time `json:"at"`
}

// Expect is what the bot waits for (PROTOCOL.md turn_end).
type Expect struct {
	Kind  string `json:"kind"`
	Input string `json:"input"`
}

// Voice is the voice-channel rendering of a turn (PROTOCOL.md §2).
type Voice struct {
	Say        string
	SSML       string
	Action     string // "continue", "hangup" or "transfer"
	TransferTo string
	Hint       string // expected input: "order_number", "email", ...
	Input      string // "speech", "dtmf" or "speech_dtmf"
	MaxDigits  int
	TimeoutMS  int
}

// Reply is the bot's answer to one Request.
type Reply struct {
	Session string
	Bot     string
	Lang    string
	Resumed bool
	// History is set on a resumed hello: the last public messages.
	History []HistoryEntry
	// Messages are the bot's messages of this turn, in order.
	Messages []Message
	// Vars is the public variables after the turn when they changed, else
	// nil. It never holds a $-variable.
	Vars map[string]any
	// Expect is set when the turn ends waiting for the customer.
	Expect Expect
	// End is "", "done", "handover" or "expired".
	End string
	// Voice is filled on the voice channel.
	Voice *Voice
}

// Error codes (PROTOCOL.md error frame). Handle returns *Error for failures
// the client should see; its Message is polite and in the session language.
const (
	CodeBadFrame    = "bad_frame"
	CodeRateLimited = "rate_limited"
	CodeLocked      = "locked"
	CodeUnavailable = "unavailable"
	CodeExpired     = "expired"
	CodeInternal    = "internal"
	CodeUnknownBot  = "unknown_bot"
)

// Error is a client-visible failure: a code from PROTOCOL.md and a polite
// message in the customer's language. It never carries internal details.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Handler is what transports call: one request in, one reply out.
type Handler interface {
	Handle(ctx context.Context, req Request) (Reply, error)
}

// Invoice is a downloadable invoice PDF resolved from a signed token.
type Invoice struct {
	FileName string
	Body     io.ReadCloser
}
