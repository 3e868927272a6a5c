package convo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/gorilla/websocket"
	"golang.org/x/time/rate"

	"github.com/samoobsluha/samoobsluha/bot"
)

// Client pacing: a little under the server's limit of 5 frames a second
// (burst 10) per connection, so long convos are never rate limited.
const (
	clientRate  = rate.Limit(4)
	clientBurst = 8
)

// defaultTurnWait bounds one turn on a remote target when ctx has no
// earlier deadline.
const defaultTurnWait = 30 * time.Second

// WebSocket is a Target that speaks PROTOCOL.md §1 to a running server's
// chat socket. Each conversation has its own connection; HELLO opens a new
// one (so "HELLO resume" is a reconnect, as a browser would do it).
//
// When the URL's host is a literal IPv4 loopback address (127.0.0.1), each
// conversation connects from its own loopback source address, so that the
// server's per-address lockout treats every convo as a different customer
// and convos that fail checks on purpose do not lock each other out.
type WebSocket struct {
	// URL is the socket, e.g. ws://localhost:8080/ws?bot=default.
	URL string
	// Channel sent in hello: "test" (default) or "web".
	Channel string
	// Header is sent with the handshake (e.g. Origin); may be nil.
	Header http.Header

	sources loopbackSources
}

// Start returns a conversation; it connects on the first HELLO.
func (w *WebSocket) Start(ctx context.Context) (Conversation, error) {
	if w.URL == "" {
		return nil, errors.New("websocket target: no URL")
	}
	ch := w.Channel
	if ch == "" {
		ch = "test"
	}
	return &wsConv{t: w, channel: ch, limit: rate.NewLimiter(clientRate, clientBurst), source: w.sources.next(w.URL, 1)}, nil
}

type wsConv struct {
	t       *WebSocket
	channel string
	conn    *websocket.Conn
	session string
	limit   *rate.Limiter
	source  *net.TCPAddr // nil: the system's choice
}

// wsFrame is any server frame.
type wsFrame struct {
	Type     string             `json:"type"`
	Session  string             `json:"session"`
	Resumed  bool               `json:"resumed"`
	Messages []bot.HistoryEntry `json:"messages"`
	// message frame
	Text    string       `json:"text"`
	Buttons []bot.Button `json:"buttons"`
	Links   []bot.Link   `json:"links"`
	Image   string       `json:"image"`
	SSML    string       `json:"ssml"`
	// state, turn_end, end, error frames
	Vars    map[string]any `json:"vars"`
	Expect  *bot.Expect    `json:"expect"`
	Reason  string         `json:"reason"`
	Code    string         `json:"code"`
	Message string         `json:"message"`
}

func (c *wsConv) dial(ctx context.Context) error {
	if c.conn != nil {
		c.conn.Close()
		c.conn = nil
	}
	d := websocket.Dialer{HandshakeTimeout: 10 * time.Second}
	if c.source != nil {
		d.NetDialContext = (&net.Dialer{LocalAddr: c.source}).DialContext
	}
	conn, resp, err := d.DialContext(ctx, c.t.URL, c.t.Header)
	if err != nil {
		if resp != nil {
			return fmt.Errorf("connect %s: %w (HTTP %d)", c.t.URL, err, resp.StatusCode)
		}
		return fmt.Errorf("connect %s: %w", c.t.URL, err)
	}
	c.conn = conn
	return nil
}

func (c *wsConv) Send(ctx context.Context, in Input) (Turn, error) {
	var frame map[string]any
	switch in.Kind {
	case InputHello:
		if err := c.dial(ctx); err != nil {
			return Turn{}, err
		}
		frame = map[string]any{"type": "hello", "channel": c.channel}
		switch {
		case in.Session != "":
			frame["session"] = in.Session
		case in.Resume:
			frame["session"] = c.session
		}
		if in.Lang != "" {
			frame["lang"] = in.Lang
		}
		if len(in.Vars) > 0 {
			frame["vars"] = in.Vars
		}
	case InputText:
		frame = map[string]any{"type": "text", "text": in.Text}
	case InputButton:
		frame = map[string]any{"type": "button", "value": in.Value}
	default:
		return Turn{}, fmt.Errorf("%s cannot be sent over the chat socket (voice convos need --voice-url)", in.String())
	}
	if c.conn == nil {
		return Turn{}, errors.New("not connected: the convo must start with HELLO")
	}
	if err := c.limit.Wait(ctx); err != nil {
		return Turn{}, err
	}
	deadline := time.Now().Add(defaultTurnWait)
	if dl, ok := ctx.Deadline(); ok && dl.Before(deadline) {
		deadline = dl
	}
	c.conn.SetWriteDeadline(deadline)
	if err := c.conn.WriteJSON(frame); err != nil {
		return Turn{}, fmt.Errorf("send: %w", err)
	}
	c.conn.SetReadDeadline(deadline)
	t := Turn{Session: c.session}
	for {
		_, data, err := c.conn.ReadMessage()
		if err != nil {
			return Turn{}, fmt.Errorf("read: %w", err)
		}
		var f wsFrame
		if err := json.Unmarshal(data, &f); err != nil {
			return Turn{}, fmt.Errorf("server sent invalid JSON: %v", err)
		}
		switch f.Type {
		case "session":
			c.session, t.Session, t.Resumed = f.Session, f.Session, f.Resumed
		case "history":
			t.History = f.Messages
		case "typing":
		case "message":
			t.Messages = append(t.Messages, bot.Message{Text: f.Text, Buttons: f.Buttons, Links: f.Links, Image: f.Image, SSML: f.SSML})
		case "state":
			t.Vars = f.Vars
			if t.Vars == nil {
				t.Vars = map[string]any{}
			}
		case "turn_end":
			if f.Expect != nil {
				t.Expect = *f.Expect
			}
			return t, nil
		case "end":
			t.End = f.Reason
			return t, nil
		case "error":
			t.Error = &bot.Error{Code: f.Code, Message: f.Message}
			return t, nil
		default:
			return Turn{}, fmt.Errorf("server sent an unknown frame type %q", f.Type)
		}
	}
}

func (c *wsConv) Close() error {
	if c.conn == nil {
		return nil
	}
	c.conn.SetWriteDeadline(time.Now().Add(time.Second))
	c.conn.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, "convo done"))
	err := c.conn.Close()
	c.conn = nil
	return err
}
