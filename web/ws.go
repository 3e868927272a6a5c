package web

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/gorilla/websocket"
	"golang.org/x/time/rate"

	"github.com/samoobsluha/samoobsluha/bot"
)

// handleWS upgrades GET /ws?bot=BOT and serves the connection until it
// ends. The request goroutine is the connection's reader; it starts the
// writer and the worker and returns only after both have exited.
func (s *Server) handleWS(w http.ResponseWriter, r *http.Request) {
	botID := queryBot(r)
	opts, ok := s.botOptions(botID)
	if !ok {
		http.Error(w, "unknown bot", http.StatusNotFound)
		return
	}
	if !s.begin() {
		http.Error(w, "server is shutting down", http.StatusServiceUnavailable)
		return
	}
	defer s.wg.Done()
	ws, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		// The upgrader has answered (403 for a foreign origin, 400 for a
		// bad handshake).
		s.log.DebugContext(r.Context(), "websocket upgrade refused", "err", err)
		return
	}
	lang := opts.Lang
	if lang != "en" {
		lang = "cs"
	}
	c := &conn{
		s:          s,
		ws:         ws,
		botID:      botID,
		client:     s.clientAddr(r),
		log:        s.log.With("channel", "widget", "bot", botID),
		out:        make(chan []byte, s.opts.SendQueue),
		in:         make(chan inbound, s.opts.RateBurst),
		quit:       make(chan struct{}),
		readerDone: make(chan struct{}),
		workerDone: make(chan struct{}),
		writerDone: make(chan struct{}),
		limiter:    rate.NewLimiter(s.opts.RateLimit, s.opts.RateBurst),
	}
	c.lang.Store(lang)
	s.track(c)
	defer s.untrack(c)
	s.opts.Metrics.connOpened()
	defer s.opts.Metrics.connClosed()
	started := time.Now()
	c.log.Info("websocket opened")

	go c.writePump()
	go c.work()
	c.readPump()
	<-c.writerDone
	<-c.workerDone
	c.log.Info("websocket closed", "session_id", c.sessionID.Load(), "duration", time.Since(started).Round(time.Millisecond))
}

// conn is one widget connection. Three goroutines serve it: the reader
// (readPump) reads and validates frames and hands accepted ones to the
// worker (work), which runs them through the Handler one at a time and
// queues the reply frames for the writer (writePump), the only goroutine
// that writes to the socket. stop ends all three.
type conn struct {
	s       *Server
	ws      *websocket.Conn
	botID   string
	client  string
	log     *slog.Logger
	limiter *rate.Limiter

	out  chan []byte  // frames for the writer; a full queue closes the connection
	in   chan inbound // accepted frames for the worker
	quit chan struct{}

	stopOnce  sync.Once
	closeCode int // set once before quit is closed
	closeText string

	readerDone, workerDone, writerDone chan struct{}

	helloSeen atomic.Bool
	closeSent atomic.Bool  // the library already sent a close frame (1009)
	lang      atomic.Value // string: the language of transport texts
	sessionID atomic.Value // string, for logs

	// Worker-owned conversation state.
	session string
	channel string
}

// stop ends the connection. A non-zero code is sent in a close frame after
// the frames already queued and those of the turn in flight.
func (c *conn) stop(code int, text string) {
	c.stopOnce.Do(func() {
		c.closeCode, c.closeText = code, text
		close(c.quit)
	})
}

func (c *conn) stopping() bool {
	select {
	case <-c.quit:
		return true
	default:
		return false
	}
}

// closeGrace is how long the server waits for the client's answer to a
// close frame before dropping the TCP connection.
func (c *conn) closeGrace() time.Duration {
	return min(c.s.opts.WriteWait, time.Second)
}

// send queues one frame for the writer. It never blocks: when the queue is
// full the client is not reading, and the connection is closed.
func (c *conn) send(frame any) {
	b, err := marshalJSON(frame)
	if err != nil {
		c.log.Error("encode frame", "err", err)
		return
	}
	b = b[:len(b)-1] // the encoder's newline
	select {
	case c.out <- b:
	default:
		if !c.stopping() {
			c.log.Warn("send queue full, closing connection")
		}
		c.stop(websocket.ClosePolicyViolation, "send queue full")
	}
}

func (c *conn) refuse(code, message string) {
	c.s.opts.Metrics.refused(code)
	c.send(errorFrame{Type: "error", Code: code, Message: message})
}

func (c *conn) currentLang() string {
	l, _ := c.lang.Load().(string)
	return l
}

// readPump reads client frames until the connection fails or closes.
func (c *conn) readPump() {
	defer close(c.readerDone)
	defer func() {
		if p := recover(); p != nil {
			c.log.Error("websocket reader panic", "err", p, "stack", string(debug.Stack()))
			c.stop(websocket.CloseInternalServerErr, "internal error")
		}
	}()
	pongWait := c.s.opts.PongWait
	c.ws.SetReadLimit(c.s.opts.ReadLimit)
	c.ws.SetReadDeadline(time.Now().Add(pongWait))
	c.ws.SetPongHandler(func(string) error {
		return c.ws.SetReadDeadline(time.Now().Add(pongWait))
	})
	for {
		mt, data, err := c.ws.ReadMessage()
		if err != nil {
			if errors.Is(err, websocket.ErrReadLimit) {
				// The library has sent close 1009. Read and discard what
				// the client still sends so that closing the socket does
				// not reset the connection before the close frame is read.
				c.s.opts.Metrics.refused("too_large")
				c.closeSent.Store(true)
				c.stop(0, "")
				nc := c.ws.NetConn()
				nc.SetReadDeadline(time.Now().Add(c.closeGrace()))
				io.Copy(io.Discard, nc)
			} else if !websocket.IsCloseError(err, websocket.CloseNormalClosure, websocket.CloseGoingAway, websocket.CloseNoStatusReceived) && !c.stopping() {
				c.log.Debug("websocket read ended", "err", err)
			}
			c.stop(0, "")
			return
		}
		if c.stopping() {
			continue // waiting for the client's close frame
		}
		if !c.limiter.Allow() {
			c.refuse(bot.CodeRateLimited, text(c.currentLang(), "rate_limited"))
			continue
		}
		if mt != websocket.TextMessage {
			c.refuse(bot.CodeBadFrame, text(c.currentLang(), "bad_frame")+" (binary frames are not accepted)")
			continue
		}
		if !utf8.Valid(data) {
			c.s.opts.Metrics.refused("invalid_utf8")
			c.stop(websocket.CloseInvalidFramePayloadData, "invalid UTF-8")
			continue
		}
		f, err := decodeInbound(data)
		if err != nil {
			var fe *frameError
			errors.As(err, &fe)
			c.refuse(bot.CodeBadFrame, text(c.currentLang(), "bad_frame")+" ("+fe.Detail+")")
			continue
		}
		if f.Type == frameHello {
			c.helloSeen.Store(true)
			if f.Lang != "" {
				c.lang.Store(f.Lang)
			}
		} else if !c.helloSeen.Load() {
			c.refuse(bot.CodeBadFrame, text(c.currentLang(), "hello_first")+" (send hello first)")
			continue
		}
		select {
		case c.in <- f:
		default:
			c.refuse(bot.CodeRateLimited, text(c.currentLang(), "rate_limited"))
		}
	}
}

// writePump writes queued frames and pings, and performs the closing
// handshake once the connection stops.
func (c *conn) writePump() {
	defer close(c.writerDone)
	broken := false
	defer func() {
		if p := recover(); p != nil {
			c.log.Error("websocket writer panic", "err", p, "stack", string(debug.Stack()))
			c.stop(websocket.CloseInternalServerErr, "internal error")
			broken = true
		}
		c.finishClose(broken)
	}()
	ping := time.NewTicker(c.s.opts.PingInterval)
	defer ping.Stop()
	hello := time.NewTimer(c.s.opts.HelloTimeout)
	defer hello.Stop()

	write := func(b []byte) {
		if broken || c.closeSent.Load() {
			return // nothing may follow a close frame
		}
		c.ws.SetWriteDeadline(time.Now().Add(c.s.opts.WriteWait))
		if err := c.ws.WriteMessage(websocket.TextMessage, b); err != nil {
			broken = true
			c.stop(0, "")
		}
	}
loop:
	for {
		select {
		case b := <-c.out:
			write(b)
		case <-ping.C:
			if broken || c.closeSent.Load() {
				continue
			}
			if err := c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(c.s.opts.WriteWait)); err != nil {
				broken = true
				c.stop(0, "")
			}
		case <-hello.C:
			if !c.helloSeen.Load() {
				c.log.Info("websocket closed: no hello in time")
				c.stop(websocket.ClosePolicyViolation, "hello timeout")
			}
		case <-c.quit:
			break loop
		}
	}
	// Deliver the frames of the turn in flight, then what is left queued.
	for done := false; !done; {
		select {
		case b := <-c.out:
			write(b)
		case <-c.workerDone:
			done = true
		}
	}
	for drained := false; !drained; {
		select {
		case b := <-c.out:
			write(b)
		default:
			drained = true
		}
	}
}

// finishClose sends the close frame, waits briefly for the reader to see
// the client's answer, and closes the socket (which also ends the reader).
func (c *conn) finishClose(broken bool) {
	if c.closeCode != 0 && !broken && !c.closeSent.Load() {
		msg := websocket.FormatCloseMessage(c.closeCode, c.closeText)
		c.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(c.s.opts.WriteWait))
	}
	grace := time.NewTimer(c.closeGrace())
	select {
	case <-c.readerDone:
	case <-grace.C:
	}
	grace.Stop()
	c.ws.Close()
}

// work runs accepted frames through the Handler, one at a time in order.
// Once the connection stops it finishes the turn in flight and drops the
// frames not yet started.
func (c *conn) work() {
	defer close(c.workerDone)
	defer func() {
		if p := recover(); p != nil {
			c.log.Error("websocket turn panic", "err", p, "stack", string(debug.Stack()))
			c.send(errorFrame{Type: "error", Code: bot.CodeInternal, Message: text(c.currentLang(), "internal")})
			c.stop(websocket.CloseInternalServerErr, "internal error")
		}
	}()
	for {
		select {
		case <-c.quit:
			return
		case f := <-c.in:
			select {
			case <-c.quit:
				return
			default:
			}
			c.turn(f)
		}
	}
}

// turn runs one accepted frame and queues its answer.
func (c *conn) turn(f inbound) {
	req := bot.Request{
		Bot:     c.botID,
		Session: c.session,
		Channel: c.channel,
		Client:  c.client,
		Typing:  func() { c.send(typingFrame{Type: "typing"}) },
	}
	switch f.Type {
	case frameHello:
		req.Kind = bot.KindHello
		req.Session = f.Session
		req.Lang = f.Lang
		req.Channel = f.Channel
		req.Caller = f.Caller
		req.Vars = f.Vars
	case frameText:
		req.Kind = bot.KindText
		req.Text = f.Text
	case frameButton:
		req.Kind = bot.KindButton
		req.Value = f.Value
	}
	if req.Kind != bot.KindHello && c.session == "" {
		// The hello failed, so there is no conversation to continue.
		c.refuse(bot.CodeBadFrame, text(c.currentLang(), "hello_first")+" (send hello first)")
		return
	}
	reply, err := c.s.opts.Handler.Handle(c.s.hardCtx, req)
	if err != nil {
		c.handleError(err)
		return
	}
	if reply.Lang != "" {
		c.lang.Store(reply.Lang)
	}
	if f.Type == frameHello {
		c.session = reply.Session
		c.channel = f.Channel
		c.sessionID.Store(reply.Session)
		botID := reply.Bot
		if botID == "" {
			botID = c.botID
		}
		c.send(sessionFrame{Type: "session", Session: reply.Session, Resumed: reply.Resumed, Bot: botID, Lang: c.currentLang()})
		if reply.Resumed {
			h := reply.History
			if h == nil {
				h = []bot.HistoryEntry{}
			}
			c.send(historyFrame{Type: "history", Messages: h})
		}
	}
	for _, fr := range replyFrames(reply) {
		c.send(fr)
	}
}

func (c *conn) handleError(err error) {
	if be, ok := isBotError(err); ok {
		code := be.Code
		if code == bot.CodeUnknownBot {
			code = bot.CodeBadFrame
		}
		msg := be.Message
		if msg == "" {
			msg = text(c.currentLang(), "internal")
		}
		c.log.Debug("turn refused", "session_id", c.session, "status", be.Code)
		c.s.opts.Metrics.refused(code)
		c.send(errorFrame{Type: "error", Code: code, Message: msg})
		return
	}
	c.log.Error("turn failed", "session_id", c.session, "err", err)
	c.s.opts.Metrics.refused(bot.CodeInternal)
	c.send(errorFrame{Type: "error", Code: bot.CodeInternal, Message: text(c.currentLang(), "internal")})
}
