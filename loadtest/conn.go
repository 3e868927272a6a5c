package loadtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/gorilla/websocket"
)

// DialOptions configure Dial. Zero values take the documented defaults.
type DialOptions struct {
	// SourceIP is the local address to dial from (e.g. "127.0.0.7"), so
	// that many short connections do not run out of ephemeral ports on one
	// address and so that tests can be "another client". Empty lets the
	// kernel choose.
	SourceIP string
	// Timeout bounds the TCP connect and the WebSocket handshake (default
	// 10s).
	Timeout time.Duration
	// Header is sent with the handshake (e.g. an Origin).
	Header http.Header
}

// Conn is one client WebSocket connection speaking PROTOCOL.md §1. It is
// used by one goroutine at a time; Close may be called from any goroutine.
type Conn struct {
	ws *websocket.Conn
}

// Dial opens a WebSocket to url (ws://host:port/ws?bot=ID). The caller
// closes the Conn. Errors wrap the network or handshake error; a refused
// handshake includes the HTTP status.
func Dial(ctx context.Context, url string, opts DialOptions) (*Conn, error) {
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	nd := &net.Dialer{Timeout: timeout}
	if opts.SourceIP != "" {
		ip := net.ParseIP(opts.SourceIP)
		if ip == nil {
			return nil, fmt.Errorf("dial %s: bad source address %q", url, opts.SourceIP)
		}
		nd.LocalAddr = &net.TCPAddr{IP: ip}
	}
	d := websocket.Dialer{
		NetDialContext:   nd.DialContext,
		HandshakeTimeout: timeout,
		// Small buffers: the load tool may hold 10,000 connections.
		ReadBufferSize:  1024,
		WriteBufferSize: 1024,
	}
	ws, resp, err := d.DialContext(ctx, url, opts.Header)
	if err != nil {
		if resp != nil {
			return nil, fmt.Errorf("dial %s: %w (HTTP %d)", url, err, resp.StatusCode)
		}
		return nil, fmt.Errorf("dial %s: %w", url, err)
	}
	return &Conn{ws: ws}, nil
}

// Send writes one text frame without waiting for an answer.
func (c *Conn) Send(frame []byte, timeout time.Duration) error {
	c.ws.SetWriteDeadline(time.Now().Add(timeout))
	if err := c.ws.WriteMessage(websocket.TextMessage, frame); err != nil {
		return fmt.Errorf("send: %w", err)
	}
	return nil
}

// SendRaw writes one frame of the given WebSocket message type
// (websocket.TextMessage, BinaryMessage), for hostile-client tests.
func (c *Conn) SendRaw(messageType int, data []byte, timeout time.Duration) error {
	c.ws.SetWriteDeadline(time.Now().Add(timeout))
	if err := c.ws.WriteMessage(messageType, data); err != nil {
		return fmt.Errorf("send: %w", err)
	}
	return nil
}

// Read reads the next server frame, waiting at most timeout. A close from
// the server is returned as a *websocket.CloseError (see CloseCode).
func (c *Conn) Read(timeout time.Duration) (Frame, error) {
	c.ws.SetReadDeadline(time.Now().Add(timeout))
	mt, data, err := c.ws.ReadMessage()
	if err != nil {
		return Frame{}, fmt.Errorf("read: %w", err)
	}
	if mt != websocket.TextMessage {
		return Frame{}, fmt.Errorf("read: message type %d, want text", mt)
	}
	var f Frame
	if err := json.Unmarshal(data, &f); err != nil {
		return Frame{}, fmt.Errorf("read: bad JSON from server: %w", err)
	}
	return f, nil
}

// Turn sends frame and reads the answer up to its turn_end or end frame.
// It returns the answer and the time from just before the send to the
// closing frame. An error frame in place of the answer is a *ServerError;
// the whole turn must finish within timeout.
func (c *Conn) Turn(frame []byte, timeout time.Duration) (Turn, time.Duration, error) {
	deadline := time.Now().Add(timeout)
	start := time.Now()
	if err := c.Send(frame, timeout); err != nil {
		return Turn{}, 0, err
	}
	t, err := c.ReadTurn(time.Until(deadline))
	return t, time.Since(start), err
}

// ReadTurn reads one turn's answer (after a frame sent with Send) up to
// its turn_end or end frame.
func (c *Conn) ReadTurn(timeout time.Duration) (Turn, error) {
	deadline := time.Now().Add(timeout)
	var t Turn
	for {
		f, err := c.Read(time.Until(deadline))
		if err != nil {
			return t, err
		}
		switch f.Type {
		case "session":
			t.Session, t.Bot, t.Resumed = f.Session, f.Bot, f.Resumed
		case "history", "state":
		case "typing":
			t.Typing++
		case "message":
			t.Messages = append(t.Messages, f)
		case "turn_end":
			t.Expect = f.Expect
			if t.Expect == nil {
				t.Expect = &Expect{}
			}
			return t, nil
		case "end":
			t.End = f.Reason
			return t, nil
		case "error":
			return t, &ServerError{Code: f.Code, Message: f.Message}
		default:
			return t, fmt.Errorf("read: unknown frame type %q", f.Type)
		}
	}
}

// Close sends a normal close frame and closes the connection without
// waiting for the server's answer.
func (c *Conn) Close() error {
	c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
	return c.ws.Close()
}

// Abort closes the TCP connection without a close frame (a client that
// vanished).
func (c *Conn) Abort() error { return c.ws.Close() }

// NetConn returns the underlying network connection, for tests that need
// to misbehave below the WebSocket layer.
func (c *Conn) NetConn() net.Conn { return c.ws.NetConn() }

// CloseCode returns the close code of a connection the server closed
// (1009 for a too-large frame, 1007 for invalid UTF-8, ...), or 0 when err
// is not a close.
func CloseCode(err error) int {
	var ce *websocket.CloseError
	if errors.As(err, &ce) {
		return ce.Code
	}
	return 0
}
