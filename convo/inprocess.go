package convo

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/samoobsluha/samoobsluha/bot"
)

// DefaultClockStart returns where the in-process clock starts when
// InProcess.ClockStart is zero: 27 November 2026, 10:00 CET, a fixed
// moment (just after the demo shop's orders), so that dates and expiry in
// convos never depend on when they run.
func DefaultClockStart() time.Time {
	return time.Date(2026, time.November, 27, 10, 0, 0, 0, time.FixedZone("CET", 3600))
}

// InProcess is a Target that calls a bot.Handler directly: no network,
// a fake clock that PAUSE moves forward, deterministic.
//
// Web convos run on the channel named by WebChannel ("test" by default,
// which scenarios treat like "web"); voice convos on "voice".
type InProcess struct {
	// New builds a fresh handler for one conversation as setup says and
	// returns a cleanup function (which may be nil). Each conversation
	// gets its own world (shop data, store, counters), so convos that
	// change the shop (cancel an order) cannot disturb others.
	New func(ctx context.Context, setup Setup) (bot.Handler, func(), error)
	// ClockStart is where every conversation's clock starts (default
	// DefaultClockStart).
	ClockStart time.Time
	// WebChannel is the channel of web convos: "test" (default) or "web".
	WebChannel string
}

// Setup is how one in-process conversation's world is built.
type Setup struct {
	// Now is the conversation's fake clock; the bot, its store and the
	// shop read time from it.
	Now func() time.Time
	// ShopDown: the shop answers every call with HTTP 503 (@shop-down).
	ShopDown bool
	// ShopPermissions restrict the shop's API user per endpoint
	// (@shop-permission), e.g. {"invoices": "deny"}.
	ShopPermissions map[string]string
	// Vars are bot settings for new sessions (@var).
	Vars map[string]string
}

// Start builds a conversation with the default setup.
func (p *InProcess) Start(ctx context.Context) (Conversation, error) {
	return p.StartConvo(ctx, nil)
}

// StartConvo builds the conversation's handler and clock with the setup
// c asks for (@shop-down, @shop-permission, @var); c may be nil.
func (p *InProcess) StartConvo(ctx context.Context, c *Convo) (Conversation, error) {
	if p.New == nil {
		return nil, errors.New("in-process target: no handler")
	}
	start := p.ClockStart
	if start.IsZero() {
		start = DefaultClockStart()
	}
	ic := &inConv{clock: &clock{t: start}, web: p.WebChannel}
	if ic.web == "" {
		ic.web = "test"
	}
	setup := Setup{Now: ic.clock.Now}
	if c != nil {
		setup.ShopDown, setup.ShopPermissions, setup.Vars = c.ShopDown, c.ShopPermissions, c.Vars
	}
	h, cleanup, err := p.New(ctx, setup)
	if err != nil {
		return nil, fmt.Errorf("in-process target: %w", err)
	}
	ic.h, ic.cleanup = h, cleanup
	return ic, nil
}

// clock is a fake clock safe for concurrent reads.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type inConv struct {
	h       bot.Handler
	cleanup func()
	clock   *clock
	web     string
	channel string // "" until the first input
	session string
	caller  string
}

// newCallID returns a random call id for voice conversations.
func newCallID() (string, error) {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return "convo-" + hex.EncodeToString(b), nil
}

func (c *inConv) Send(ctx context.Context, in Input) (Turn, error) {
	if c.channel == "" {
		c.channel = c.web
		if in.Kind == InputVoiceStart {
			c.channel = "voice"
		}
	}
	voice := c.channel == "voice"
	req := bot.Request{Channel: c.channel, Session: c.session, Lang: in.Lang}
	switch in.Kind {
	case InputHello:
		if voice {
			return Turn{}, errors.New("HELLO is for web convos")
		}
		req.Kind, req.Vars = bot.KindHello, in.Vars
		switch {
		case in.Session != "":
			req.Session = in.Session
		case !in.Resume:
			req.Session = ""
		}
	case InputVoiceStart:
		if !voice || c.session != "" {
			return Turn{}, errors.New("VOICE_START must be the first input of a voice convo")
		}
		id, err := newCallID()
		if err != nil {
			return Turn{}, err
		}
		c.session, c.caller = id, in.Caller
		req.Kind, req.Session = bot.KindHello, id
	case InputText:
		req.Kind, req.Text = bot.KindText, in.Text
	case InputButton:
		req.Kind, req.Value = bot.KindButton, in.Value
	case InputDigits:
		req.Kind, req.Digits = bot.KindDigits, in.Digits
	case InputNoInput:
		req.Kind = bot.KindNoInput
	case InputHangup:
		req.Kind = bot.KindHangup
	default:
		return Turn{}, fmt.Errorf("unknown input kind %q", in.Kind)
	}
	if voice {
		req.Caller = c.caller
	}
	rep, err := c.h.Handle(ctx, req)
	var be *bot.Error
	if err != nil && !errors.As(err, &be) {
		return Turn{}, err
	}
	if rep.Session != "" && !voice {
		c.session = rep.Session
	}
	t := Turn{Session: c.session}
	if be != nil {
		t.Error = &bot.Error{Code: be.Code, Message: be.Message}
		if voice && be.Message != "" {
			t.Messages = []bot.Message{{Text: be.Message}}
		}
		return t, nil
	}
	if voice {
		return voiceTurn(t, rep), nil
	}
	t.Resumed, t.History, t.Messages = rep.Resumed, rep.History, rep.Messages
	t.Vars, t.Expect, t.End = jsonVars(rep.Vars), rep.Expect, rep.End
	if t.End == "" && t.Expect.Kind == "" {
		t.Expect.Kind = "text"
	}
	return t, nil
}

// voiceTurn renders an in-process reply the way /voice/turn does, so that
// voice convos see the same thing in-process and over HTTP.
func voiceTurn(t Turn, rep bot.Reply) Turn {
	v := rep.Voice
	if v == nil {
		var parts []string
		for _, m := range rep.Messages {
			if m.Text != "" {
				parts = append(parts, m.Text)
			}
		}
		v = &bot.Voice{Say: strings.Join(parts, " "), Hint: rep.Expect.Input, Input: "speech"}
		switch rep.End {
		case "":
		case "handover":
			v.Action = "transfer"
		default:
			v.Action = "hangup"
		}
	}
	vr := &VoiceReply{Say: v.Say, SSML: v.SSML, Action: v.Action, TransferTo: v.TransferTo}
	if vr.Action == "" {
		vr.Action = "continue"
	}
	if vr.Action == "continue" {
		vr.Input, vr.Hint = v.Input, v.Hint
		if vr.Input == "" {
			vr.Input = "speech"
		}
		if vr.Hint == "" {
			vr.Hint = rep.Expect.Input
		}
	}
	return finishVoice(t, vr)
}

// finishVoice fills the transport-neutral parts of a voice turn.
func finishVoice(t Turn, vr *VoiceReply) Turn {
	t.Voice = vr
	if vr.Say != "" || vr.SSML != "" {
		t.Messages = []bot.Message{{Text: vr.Say, SSML: vr.SSML}}
	}
	switch vr.Action {
	case "hangup":
		t.End = "done"
	case "transfer":
		t.End = "handover"
	}
	t.Expect = bot.Expect{Kind: vr.Input, Input: vr.Hint}
	return t
}

// Pause moves the conversation's clock forward; nothing waits.
func (c *inConv) Pause(_ context.Context, d time.Duration) error {
	c.clock.advance(d)
	return nil
}

func (c *inConv) Close() error {
	if c.cleanup != nil {
		c.cleanup()
		c.cleanup = nil
	}
	return nil
}
