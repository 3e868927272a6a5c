package convo

import (
	"context"
	"encoding/json"
	"time"

	"github.com/samoobsluha/samoobsluha/bot"
)

// Target is something convos talk to: the bot in-process, a server's
// WebSocket, or its voice endpoint.
type Target interface {
	// Start opens one conversation. The caller closes it.
	Start(ctx context.Context) (Conversation, error)
}

// Conversation is one customer talking to the bot: one session (web) or
// one call (voice). It is used by one goroutine at a time.
type Conversation interface {
	// Send delivers one input and returns the bot's whole answer to it.
	// A refusal the protocol defines (an error frame, an HTTP error with
	// a JSON body) is a Turn with Error set, not a Go error; the error is
	// for a broken transport or an input the target cannot send (DTMF on
	// a WebSocket).
	Send(ctx context.Context, in Input) (Turn, error)
	// Close ends the conversation and frees its resources.
	Close() error
}

// Pauser is implemented by conversations that can make time pass without
// waiting for it (the in-process target moves its fake clock). Others are
// paused by sleeping.
type Pauser interface {
	Pause(ctx context.Context, d time.Duration) error
}

// Turn is the bot's answer to one input, in a transport-neutral form.
type Turn struct {
	// Session is the session (call) id.
	Session string
	// Resumed and History answer a HELLO that resumed a session.
	Resumed bool
	History []bot.HistoryEntry
	// Messages in the order the bot sent them. On voice there is one
	// message: what the phone says (Text) and its SSML.
	Messages []bot.Message
	// Vars are the public variables after the turn when they changed
	// (nil when unchanged), as JSON would carry them (numbers float64).
	Vars map[string]any
	// Expect is what the bot waits for (web).
	Expect bot.Expect
	// End is "", "done", "handover" or "expired". On voice a hangup is
	// "done" and a transfer "handover".
	End string
	// Voice is the voice rendering (voice convos only).
	Voice *VoiceReply
	// Error is set when the input was refused (PROTOCOL.md error frame or
	// voice HTTP error).
	Error *bot.Error
}

// VoiceReply is the voice endpoint's answer (PROTOCOL.md §2).
type VoiceReply struct {
	Say        string
	SSML       string
	Action     string // continue, hangup or transfer
	TransferTo string
	Input      string // speech, dtmf or speech_dtmf
	Hint       string // order_number, email, ...
}

// jsonVars round-trips public variables through JSON so that in-process
// values look exactly like the ones a client receives.
func jsonVars(v map[string]any) map[string]any {
	if v == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	out := map[string]any{}
	if err := json.Unmarshal(b, &out); err != nil {
		return v
	}
	return out
}
