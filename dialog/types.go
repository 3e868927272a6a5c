package dialog

import "time"

// This file holds the contract types that bot, the scripted-dialog runner and
// the tests share. Changing an exported name here breaks other packages:
// coordinate first.

// Channel is the medium a conversation runs on. Scenario authors can branch
// on it through the reserved variable "channel".
type Channel string

// Channels.
const (
	ChannelWeb   Channel = "web"
	ChannelVoice Channel = "voice"
	ChannelTest  Channel = "test"
)

// InputKind tells Step what kind of event it is given.
type InputKind string

// Input kinds.
const (
	// InputStart starts the scenario at its first box (a new session, or a
	// restart after the conversation ended).
	InputStart InputKind = "start"
	// InputText is what the customer typed or said (Text, and for voice
	// Alternatives: the recogniser's other guesses, best first).
	InputText InputKind = "text"
	// InputButton is a quick-reply choice; Value is the button value as the
	// engine sent it.
	InputButton InputKind = "button"
	// InputDigits is keypad input (DTMF) on the voice channel, in Text.
	InputDigits InputKind = "digits"
	// InputNoInput is a voice silence timeout.
	InputNoInput InputKind = "no_input"
	// InputResult carries the result of the Action the engine asked for.
	InputResult InputKind = "result"
)

// Input is one event fed to Step.
type Input struct {
	Kind         InputKind
	Text         string
	Alternatives []string
	Value        string
	Result       *ActionResult
	// Now is the current time, injected because dialog never reads a clock.
	// It is used by the date helper and stored nowhere else.
	Now time.Time
}

// Outcome is an app call's exit.
type Outcome string

// Outcomes: Ano, Ne, and a technical failure (the shop did not answer).
const (
	OutcomeYes   Outcome = "yes"
	OutcomeNo    Outcome = "no"
	OutcomeError Outcome = "error"
	// OutcomeLocked means lookups are locked after too many failed
	// verifications; the engine treats it like OutcomeError unless the box
	// has a "locked" exit.
	OutcomeLocked Outcome = "locked"
)

// Action asks the caller (bot) to run an app and feed its result back with
// an InputResult. Params are already rendered.
type Action struct {
	App       string            `json:"app"`
	Params    map[string]string `json:"params"`
	ResultVar string            `json:"result_var"`
	Box       string            `json:"box"`
}

// ActionResult is what running an Action produced. Value is stored in the
// result variable: an object (map[string]any) on yes, false on no and error,
// or true for apps whose yes carries no fields.
type ActionResult struct {
	Outcome Outcome
	Value   any
}

// Button is a quick-reply choice. Value is what the client sends back.
type Button struct {
	Title string `json:"title"`
	Value string `json:"value"`
}

// Link is a hyperlink in a message. Voice rendering never reads URLs aloud.
type Link struct {
	Title string `json:"title"`
	URL   string `json:"url"`
}

// Message is one bot message, rendered for the session's language.
type Message struct {
	Text    string   `json:"text"`
	Buttons []Button `json:"buttons,omitempty"`
	Links   []Link   `json:"links,omitempty"`
	// Image is a URL or data URL (the qrpay helper yields a PNG data URL).
	Image string `json:"image,omitempty"`
	// Speech is optional author-written text for the voice channel; when
	// empty the voice renderer speaks Text.
	Speech string `json:"speech,omitempty"`
}

// Expect tells the client what the bot waits for (PROTOCOL.md turn_end).
type Expect struct {
	Kind  string `json:"kind"`  // "text", "button" or "none"
	Input string `json:"input"` // "order_number", "email", "phone", "number", "yes_no", "text" or ""
}

// End reasons (PROTOCOL.md end frame).
const (
	EndDone     = "done"
	EndHandover = "handover"
)

// Output is what one Step produced.
type Output struct {
	Messages []Message
	// Action, when not nil, must be run and its result fed back with
	// InputResult before the turn is over.
	Action *Action
	// Expect is set when the engine waits for the customer.
	Expect Expect
	// End is "" while the conversation goes on, else EndDone or EndHandover.
	End string
	// Transfer is the phone number to transfer a voice call to (handover on
	// the voice channel), if the scenario or bot configured one.
	Transfer string
	// Vars reports that public variables changed in this step.
	VarsChanged bool
}

// AppSpec describes an app for lint: its parameters and result fields.
type AppSpec struct {
	Name     string
	Params   []string // accepted parameter names
	Required []string // parameters that must be given
	Fields   []string // result fields on yes (empty: the value is true)
	// Reveals marks apps whose result contains order details; lint warns
	// when their fields are shown before the customer is verified.
	Reveals bool
	// Verifies marks apps whose yes proves the customer owns the order.
	Verifies bool
}
