package convo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"golang.org/x/time/rate"

	"github.com/samoobsluha/samoobsluha/bot"
)

// Voice is a Target that speaks PROTOCOL.md §2 to a running server's
// /voice/turn, as a telephony adapter would: one POST per event, the call
// id as the session.
type Voice struct {
	// URL is the endpoint, e.g. http://localhost:8080/voice/turn.
	URL string
	// Token is the bearer token ("" sends none: only the demo accepts
	// that).
	Token string
	// Bot is the bot id ("" means default).
	Bot string
	// Client makes the requests. Default: a client with a 30 s timeout,
	// one per conversation, which on a loopback server comes from its own
	// loopback address (see WebSocket).
	Client *http.Client

	sources loopbackSources
}

// Start returns a conversation; the call begins with VOICE_START.
func (v *Voice) Start(ctx context.Context) (Conversation, error) {
	if v.URL == "" {
		return nil, errors.New("voice target: no URL")
	}
	hc := v.Client
	if hc == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		if src := v.sources.next(v.URL, 2); src != nil {
			tr.DialContext = (&net.Dialer{LocalAddr: src, Timeout: 10 * time.Second}).DialContext
		}
		hc = &http.Client{Timeout: defaultTurnWait, Transport: tr}
		return &voiceConv{t: v, hc: hc, owned: true, limit: rate.NewLimiter(clientRate, clientBurst)}, nil
	}
	return &voiceConv{t: v, hc: hc, limit: rate.NewLimiter(clientRate, clientBurst)}, nil
}

type voiceConv struct {
	t      *Voice
	hc     *http.Client
	owned  bool // hc was made for this conversation
	limit  *rate.Limiter
	call   string
	caller string
}

type voiceBody struct {
	Call   string `json:"call"`
	Bot    string `json:"bot,omitempty"`
	Event  string `json:"event"`
	From   string `json:"from,omitempty"`
	Lang   string `json:"lang,omitempty"`
	Text   string `json:"text,omitempty"`
	Digits string `json:"digits,omitempty"`
}

type voiceAnswer struct {
	Session string `json:"session"`
	Say     string `json:"say"`
	SSML    string `json:"ssml"`
	Expect  *struct {
		Input string `json:"input"`
		Hint  string `json:"hint"`
	} `json:"expect"`
	Action     string `json:"action"`
	TransferTo string `json:"transfer_to"`
	Error      *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func (c *voiceConv) Send(ctx context.Context, in Input) (Turn, error) {
	body := voiceBody{Bot: c.t.Bot}
	switch in.Kind {
	case InputVoiceStart:
		if c.call != "" {
			return Turn{}, errors.New("VOICE_START must be the first input of a voice convo")
		}
		id, err := newCallID()
		if err != nil {
			return Turn{}, err
		}
		c.call, c.caller = id, in.Caller
		body.Event, body.Lang = "start", in.Lang
	case InputText:
		body.Event, body.Text = "speech", in.Text
	case InputDigits:
		body.Event, body.Digits = "dtmf", in.Digits
	case InputNoInput:
		body.Event = "no_input"
	case InputHangup:
		body.Event = "hangup"
	default:
		return Turn{}, fmt.Errorf("%s cannot be sent to the voice endpoint (web convos need --url)", in.String())
	}
	if c.call == "" {
		return Turn{}, errors.New("no call: the convo must start with VOICE_START")
	}
	body.Call, body.From = c.call, c.caller
	if err := c.limit.Wait(ctx); err != nil {
		return Turn{}, err
	}
	data, err := json.Marshal(body)
	if err != nil {
		return Turn{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, defaultTurnWait)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.t.URL, bytes.NewReader(data))
	if err != nil {
		return Turn{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	if c.t.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.t.Token)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return Turn{}, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return Turn{}, fmt.Errorf("read the answer: %w", err)
	}
	var a voiceAnswer
	if err := json.Unmarshal(raw, &a); err != nil {
		return Turn{}, fmt.Errorf("HTTP %d with a body that is not JSON: %.200q", resp.StatusCode, raw)
	}
	t := Turn{Session: c.call}
	if resp.StatusCode != http.StatusOK {
		if a.Error == nil {
			return Turn{}, fmt.Errorf("HTTP %d without an error object: %.200q", resp.StatusCode, raw)
		}
		if resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusNotFound {
			return Turn{}, fmt.Errorf("HTTP %d %s: %s (is SAMOOBSLUHA_VOICE_TOKEN right?)", resp.StatusCode, a.Error.Code, a.Error.Message)
		}
		t.Error = &bot.Error{Code: a.Error.Code, Message: a.Error.Message}
		if a.Say != "" {
			t.Messages = []bot.Message{{Text: a.Say}}
		}
		return t, nil
	}
	vr := &VoiceReply{Say: a.Say, SSML: a.SSML, Action: a.Action, TransferTo: a.TransferTo}
	if a.Expect != nil {
		vr.Input, vr.Hint = a.Expect.Input, a.Expect.Hint
	}
	return finishVoice(t, vr), nil
}

// Close frees the conversation's connections. It ends nothing on the
// server: a call ends with VOICE_HANGUP or when its session expires.
func (c *voiceConv) Close() error {
	if c.owned {
		c.hc.CloseIdleConnections()
	}
	return nil
}
