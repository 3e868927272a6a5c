package web

import (
	"bufio"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
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

// handleWS upgrades GET /ws?bot=BOT, hands the connection to a goroutine
// of its own (conn.serve) and returns, so that net/http's per-connection
// buffers and the request are freed while the WebSocket lives on. The
// Server's WaitGroup counts the connection until serve has finished.
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
	hw := &hijackWriter{ResponseWriter: w}
	ws, err := s.upgrader.Upgrade(hw, r, nil)
	if err != nil {
		// The upgrader has answered (403 for a foreign origin, 400 for a
		// bad handshake).
		s.log.DebugContext(r.Context(), "websocket upgrade refused", "err", err)
		s.wg.Done()
		return
	}
	lang := opts.Lang
	if lang != "en" {
		lang = "cs"
	}
	c := &conn{
		s:          s,
		ws:         ws,
		nc:         hw.nc,
		botID:      botID,
		client:     s.clientAddr(r),
		limiter:    rate.NewLimiter(s.opts.RateLimit, s.opts.RateBurst),
		started:    time.Now(),
		readerDone: make(chan struct{}),
		done:       make(chan struct{}),
	}
	c.lang.Store(lang)
	// The timers are set before anyone else sees c (the closer stops
	// them), under mu because their callbacks read them under mu.
	c.mu.Lock()
	c.hello = time.AfterFunc(s.opts.HelloTimeout, c.helloTick)
	c.ping = time.AfterFunc(s.opts.PingInterval, c.pingTick)
	c.mu.Unlock()
	s.track(c)
	s.opts.Metrics.connOpened()
	c.log(slog.LevelInfo, "websocket opened")
	go c.serve()
}

// conn is one widget connection. Its goroutines:
//
//   - the reader (serve, then readPump) lives as long as the connection:
//     it reads frames, checks what needs no JSON and queues them in in;
//   - the worker (work) runs only while in holds frames: it decodes them
//     and runs them through the Handler one at a time, in order, queueing
//     each turn's answer in out as one batch;
//   - the writer (writeLoop) runs only while out holds frames or a ping is
//     due: it writes them (all that wait with one write to the socket).
//     The worker, and the ping timer's goroutine, act as the writer
//     themselves when none runs; others (the reader, the Typing callback,
//     stop) start one. Once the connection stops and no worker runs, the
//     writer becomes the closer: it sends the close frame and closes the
//     socket.
//
// mu guards the queues and the flags that decide who runs: whoever flips
// working or writing from false to true under mu runs or starts that
// role, so at most one worker and one writer exist at a time, and only the
// writer writes frames to the socket. An idle connection therefore has
// one goroutine (the reader, parked in a read) and no queued memory.
type conn struct {
	s       *Server
	ws      *websocket.Conn
	nc      *corkConn // the socket under ws
	botID   string
	client  string
	limiter *rate.Limiter
	started time.Time

	readerDone chan struct{} // closed when readPump returns
	done       chan struct{} // closed by the closer after the socket is closed

	mu        sync.Mutex
	in        [][]byte    // frames read, waiting for the worker
	working   bool        // a worker runs
	out       []*outBatch // encoded frames waiting for the writer
	queued    int         // frames in out
	pingDue   bool        // a ping waits for the writer
	writing   bool        // a writer (or the closer) runs; never false again once closing
	stopped   bool        // no new turns; close after the turn in flight
	closing   bool        // the closer has begun: nothing more is queued
	closeCode int         // sent in the close frame unless 0
	closeText string
	hello     *time.Timer // closes the connection when no hello came in time
	ping      *time.Timer // queues the next ping

	helloSeen atomic.Bool
	closeSent atomic.Bool  // the library already sent a close frame (1009)
	lang      atomic.Value // string: the language of transport texts

	// Writer-owned: handed from one writer to the next under mu.
	broken bool // a write failed: nothing more is written

	// Worker-owned conversation state, handed from one worker to the next
	// under mu; the reader reads session after done for the closing log.
	session string
	channel string
}

// log writes one record with the connection's attributes, built per call
// rather than kept in a per-connection Logger.
func (c *conn) log(level slog.Level, msg string, args ...any) {
	ctx := context.Background()
	if !c.s.log.Enabled(ctx, level) {
		return
	}
	attrs := make([]any, 0, 4+len(args))
	attrs = append(attrs, "channel", "widget", "bot", c.botID)
	c.s.log.Log(ctx, level, msg, append(attrs, args...)...)
}

// serve is the connection's own goroutine: it reads until the connection
// fails or closes, then waits for the closer and unregisters the
// connection.
func (c *conn) serve() {
	defer c.s.wg.Done()
	c.readPump()
	close(c.readerDone)
	<-c.done
	c.s.untrack(c)
	c.s.opts.Metrics.connClosed()
	c.log(slog.LevelInfo, "websocket closed", "session_id", c.session, "duration", time.Since(c.started).Round(time.Millisecond))
}

// stop ends the connection: no new turns start, and once the turn in
// flight (if any) has finished and every queued frame is written, the
// closer sends a close frame with code (none when code is 0) and closes
// the socket. Only the first call's code counts.
func (c *conn) stop(code int, text string) {
	c.mu.Lock()
	if !c.stopped {
		c.stopped = true
		c.closeCode, c.closeText = code, text
		c.in = nil
	}
	start := c.kickLocked()
	c.mu.Unlock()
	if start {
		go c.writeLoop()
	}
}

func (c *conn) stopping() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stopped
}

// kickLocked reports whether the caller must start a writer, and marks one
// as running: when frames or a ping wait, or the connection is stopped and
// no worker will queue more. c.mu must be held.
func (c *conn) kickLocked() bool {
	if c.writing {
		return false
	}
	if len(c.out) > 0 || c.pingDue || (c.stopped && !c.working) {
		c.writing = true
		return true
	}
	return false
}

// closeGrace is how long the server waits for the client's answer to a
// close frame before dropping the TCP connection.
func (c *conn) closeGrace() time.Duration {
	return min(c.s.opts.WriteWait, time.Second)
}

// send is for the worker only: it queues frames as one batch, written to
// the socket at once, and when no writer runs the worker writes them
// itself before it takes the next frame (sparing a goroutine per turn).
// When the queue would exceed SendQueue frames the client is not reading,
// and the connection is closed.
func (c *conn) send(frames ...any) {
	c.queue(c.encode(frames), true)
}

// sendAsync is send for any goroutine: it never writes itself, but starts
// a writer when none runs.
func (c *conn) sendAsync(frames ...any) {
	c.queue(c.encode(frames), false)
}

// encode encodes frames into a batch from the pool. A frame that cannot be
// encoded is logged and left out.
func (c *conn) encode(frames []any) *outBatch {
	b := c.s.newBatch()
	for _, f := range frames {
		if err := b.add(f); err != nil {
			c.log(slog.LevelError, "encode frame", "err", err)
		}
	}
	return b
}

// queue hands a batch of encoded frames to the writer and takes ownership
// of b. When no writer runs, it writes them on the calling goroutine if
// inline is set, and starts a writer otherwise.
func (c *conn) queue(b *outBatch, inline bool) {
	if len(b.ends) == 0 {
		c.s.freeBatch(b)
		return
	}
	c.mu.Lock()
	if c.closing {
		c.mu.Unlock()
		c.s.freeBatch(b)
		return
	}
	if c.queued+len(b.ends) > c.s.opts.SendQueue {
		warn := !c.stopped
		c.mu.Unlock()
		c.s.freeBatch(b)
		if warn {
			c.log(slog.LevelWarn, "send queue full, closing connection")
		}
		c.stop(websocket.ClosePolicyViolation, "send queue full")
		return
	}
	c.out = append(c.out, b)
	c.queued += len(b.ends)
	start := c.kickLocked()
	c.mu.Unlock()
	switch {
	case start && inline:
		c.writeLoop()
	case start:
		go c.writeLoop()
	}
}

func (c *conn) refuse(code, message string) {
	c.s.opts.Metrics.refused(code)
	c.send(errorFrame{Type: "error", Code: code, Message: message})
}

// refuseFromReader is refuse for the reader: it queues an error frame
// encoded once by NewServer, so that the reader's stack stays small.
func (c *conn) refuseFromReader(r readerRefusal) {
	f := c.s.refusals[r][langIndex(c.currentLang())]
	c.s.opts.Metrics.refused(f.code)
	b := c.s.newBatch()
	b.buf.Write(f.frame)
	b.ends = append(b.ends, b.buf.Len())
	c.queue(b, false)
}

func (c *conn) currentLang() string {
	l, _ := c.lang.Load().(string)
	return l
}

func (c *conn) setLang(l string) {
	if l != c.currentLang() {
		c.lang.Store(l)
	}
}

// helloTick runs on the hello timer.
func (c *conn) helloTick() {
	if !c.helloSeen.Load() && !c.stopping() {
		c.log(slog.LevelInfo, "websocket closed: no hello in time")
		c.stop(websocket.ClosePolicyViolation, "hello timeout")
	}
}

// pingTick runs on the ping timer: it queues a ping, schedules the next
// one and, when no writer runs, writes it on the timer's goroutine.
func (c *conn) pingTick() {
	c.mu.Lock()
	if c.stopped {
		c.mu.Unlock()
		return
	}
	c.pingDue = true
	c.ping.Reset(c.s.opts.PingInterval)
	start := c.kickLocked()
	c.mu.Unlock()
	if start {
		c.writeLoop()
	}
}

// readPump reads client frames until the connection fails or closes. It
// checks only what needs no JSON (rate, frame type, UTF-8) and leaves
// decoding to the worker: decoding grows a goroutine's stack to 8 KiB,
// which the reader, parked in a read for the life of the connection,
// would keep.
func (c *conn) readPump() {
	defer func() {
		if p := recover(); p != nil {
			c.log(slog.LevelError, "websocket reader panic", "err", p, "stack", string(debug.Stack()))
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
				c.nc.SetReadDeadline(time.Now().Add(c.closeGrace()))
				io.Copy(io.Discard, c.nc)
			} else if !websocket.IsCloseError(err, websocket.CloseNormalClosure, websocket.CloseGoingAway, websocket.CloseNoStatusReceived) && !c.stopping() {
				c.log(slog.LevelDebug, "websocket read ended", "err", err)
			}
			c.stop(0, "")
			return
		}
		if c.stopping() {
			continue // waiting for the client's close frame
		}
		if !c.limiter.Allow() {
			c.refuseFromReader(readerRateLimited)
			continue
		}
		if mt != websocket.TextMessage {
			c.refuseFromReader(readerBinary)
			continue
		}
		if !utf8.Valid(data) {
			c.s.opts.Metrics.refused("invalid_utf8")
			c.stop(websocket.CloseInvalidFramePayloadData, "invalid UTF-8")
			continue
		}
		if !c.enqueue(data) {
			c.refuseFromReader(readerRateLimited)
		}
	}
}

// enqueue hands a frame to the worker, starting one when none runs. It
// reports false when RateBurst frames already wait.
func (c *conn) enqueue(f []byte) bool {
	c.mu.Lock()
	if c.stopped {
		c.mu.Unlock()
		return true // dropped: the connection is closing
	}
	if len(c.in) >= c.s.opts.RateBurst {
		c.mu.Unlock()
		return false
	}
	c.in = append(c.in, f)
	start := !c.working
	c.working = true
	c.mu.Unlock()
	if start {
		go c.work()
	}
	return true
}

// work runs queued frames through the Handler, one at a time in order,
// and returns when none is left. Once the connection stops it finishes
// the turn in flight and drops the frames not yet started.
func (c *conn) work() {
	defer func() {
		if p := recover(); p != nil {
			c.log(slog.LevelError, "websocket turn panic", "err", p, "stack", string(debug.Stack()))
			c.send(errorFrame{Type: "error", Code: bot.CodeInternal, Message: text(c.currentLang(), "internal")})
			c.stop(websocket.CloseInternalServerErr, "internal error")
			c.mu.Lock()
			c.workDoneLocked()
		}
	}()
	for {
		c.mu.Lock()
		if c.stopped || len(c.in) == 0 {
			c.workDoneLocked()
			return
		}
		data := c.in[0]
		n := copy(c.in, c.in[1:])
		c.in[n] = nil
		c.in = c.in[:n]
		c.mu.Unlock()
		c.handle(data)
	}
}

// handle decodes one client frame and runs it as a turn, or refuses it.
func (c *conn) handle(data []byte) {
	f, err := decodeInbound(data)
	if err != nil {
		var fe *frameError
		errors.As(err, &fe)
		c.refuse(bot.CodeBadFrame, text(c.currentLang(), "bad_frame")+" ("+fe.Detail+")")
		return
	}
	if f.Type == frameHello {
		if !c.helloSeen.Swap(true) {
			c.mu.Lock()
			c.hello.Stop()
			c.mu.Unlock()
		}
		if f.Lang != "" {
			c.setLang(f.Lang)
		}
	} else if !c.helloSeen.Load() {
		c.refuse(bot.CodeBadFrame, text(c.currentLang(), "hello_first")+" (send hello first)")
		return
	}
	c.turn(f)
}

// workDoneLocked ends the worker: it unlocks c.mu, which the caller holds,
// and starts the closer when the connection has stopped meanwhile.
func (c *conn) workDoneLocked() {
	c.working = false
	c.in = nil
	start := c.kickLocked()
	c.mu.Unlock()
	if start {
		go c.writeLoop()
	}
}

// writeLoop is the writer: it writes what is queued until nothing is, and
// then returns, or performs the close when the connection has stopped and
// no worker runs.
func (c *conn) writeLoop() {
	for {
		c.mu.Lock()
		if len(c.out) > 0 || c.pingDue {
			out, ping := c.out, c.pingDue
			c.out, c.queued, c.pingDue = nil, 0, false
			c.mu.Unlock()
			c.write(out, ping)
			continue
		}
		if c.stopped && !c.working {
			c.closing = true
			c.hello.Stop()
			c.ping.Stop()
			c.mu.Unlock()
			c.finishClose()
			return
		}
		c.writing = false
		c.mu.Unlock()
		return
	}
}

// write writes the queued batches and a ping with one write to the
// socket, and frees the batches. A failed write (or a panic) marks the
// connection broken and stops it.
func (c *conn) write(out []*outBatch, ping bool) {
	defer func() {
		if p := recover(); p != nil {
			c.log(slog.LevelError, "websocket writer panic", "err", p, "stack", string(debug.Stack()))
			c.broken = true
			c.stop(websocket.CloseInternalServerErr, "internal error")
		}
		for _, b := range out {
			c.s.freeBatch(b)
		}
	}()
	if c.broken || c.closeSent.Load() {
		return // nothing may follow a close frame
	}
	deadline := time.Now().Add(c.s.opts.WriteWait)
	buf := c.s.getBuf()
	c.nc.cork(*buf)
	flushed := false
	defer func() {
		if !flushed { // a panic: take the buffer back unwritten
			*buf = c.nc.drop()
		}
		c.s.putBuf(buf)
	}()
	c.ws.SetWriteDeadline(deadline)
	var err error
	for _, b := range out {
		start := 0
		for _, end := range b.ends {
			if err == nil {
				err = c.ws.WriteMessage(websocket.TextMessage, b.buf.Bytes()[start:end])
			}
			start = end
		}
	}
	if ping && err == nil {
		err = c.ws.WriteControl(websocket.PingMessage, nil, deadline)
	}
	var ferr error
	*buf, ferr = c.nc.uncork(deadline)
	flushed = true
	if err == nil {
		err = ferr
	}
	if err != nil {
		c.broken = true
		c.stop(0, "")
	}
}

// finishClose sends the close frame, waits briefly for the reader to see
// the client's answer, and closes the socket (which also ends the reader).
func (c *conn) finishClose() {
	c.mu.Lock()
	code, text := c.closeCode, c.closeText
	c.mu.Unlock()
	if code != 0 && !c.broken && !c.closeSent.Load() {
		msg := websocket.FormatCloseMessage(code, text)
		c.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(c.s.opts.WriteWait))
	}
	grace := time.NewTimer(c.closeGrace())
	select {
	case <-c.readerDone:
	case <-grace.C:
	}
	grace.Stop()
	c.ws.Close()
	close(c.done)
}

// turn runs one accepted frame and queues its answer as one batch.
func (c *conn) turn(f inbound) {
	req := bot.Request{
		Bot:     c.botID,
		Session: c.session,
		Channel: c.channel,
		Client:  c.client,
		Typing:  func() { c.sendAsync(typingFrame{Type: "typing"}) },
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
		c.setLang(reply.Lang)
	}
	var lead []any
	if f.Type == frameHello {
		c.session = reply.Session
		c.channel = f.Channel
		botID := reply.Bot
		if botID == "" {
			botID = c.botID
		}
		lead = append(lead, sessionFrame{Type: "session", Session: reply.Session, Resumed: reply.Resumed, Bot: botID, Lang: c.currentLang()})
		if reply.Resumed {
			h := reply.History
			if h == nil {
				h = []bot.HistoryEntry{}
			}
			lead = append(lead, historyFrame{Type: "history", Messages: h})
		}
	}
	frames := replyFrames(reply)
	if lead != nil {
		frames = append(lead, frames...)
	}
	c.send(frames...)
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
		c.log(slog.LevelDebug, "turn refused", "session_id", c.session, "status", be.Code)
		c.s.opts.Metrics.refused(code)
		c.send(errorFrame{Type: "error", Code: code, Message: msg})
		return
	}
	c.log(slog.LevelError, "turn failed", "session_id", c.session, "err", err)
	c.s.opts.Metrics.refused(bot.CodeInternal)
	c.send(errorFrame{Type: "error", Code: bot.CodeInternal, Message: text(c.currentLang(), "internal")})
}

// hijackWriter lets the upgrader hijack the connection through a corkConn,
// so that the writer can put several frames into one write.
type hijackWriter struct {
	http.ResponseWriter
	nc *corkConn
}

// Hijack implements http.Hijacker for the upgrader.
func (w *hijackWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	nc, brw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, err
	}
	w.nc = &corkConn{Conn: nc}
	return w.nc, brw, nil
}

// corkConn is the socket under a websocket.Conn. While corked (only the
// writer corks, around a batch) writes go into a buffer, and uncork sends
// them with one write; otherwise writes go straight to the socket. The
// library serialises its own writes (frames and control frames from any
// goroutine), and mu orders them against uncork, so bytes never
// interleave.
type corkConn struct {
	net.Conn

	mu     sync.Mutex
	corked bool
	buf    []byte // lent by cork, returned by uncork
}

func (c *corkConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.corked {
		c.buf = append(c.buf, p...)
		return len(p), nil
	}
	return c.Conn.Write(p)
}

// SetWriteDeadline sets the socket's write deadline, except while corked:
// uncork sets its own before it writes, and nothing reaches the socket
// before that.
func (c *corkConn) SetWriteDeadline(t time.Time) error {
	c.mu.Lock()
	corked := c.corked
	c.mu.Unlock()
	if corked {
		return nil
	}
	return c.Conn.SetWriteDeadline(t)
}

// cork starts buffering writes in buf (whose length is ignored).
func (c *corkConn) cork(buf []byte) {
	c.mu.Lock()
	c.corked = true
	c.buf = buf[:0]
	c.mu.Unlock()
}

// drop ends corking without writing and returns the buffer.
func (c *corkConn) drop() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	buf := c.buf
	c.corked, c.buf = false, nil
	return buf
}

// uncork writes what was buffered since cork with the given deadline, and
// returns the buffer, which the corkConn no longer holds.
func (c *corkConn) uncork(deadline time.Time) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	buf := c.buf
	c.corked, c.buf = false, nil
	if len(buf) == 0 {
		return buf, nil
	}
	err := c.Conn.SetWriteDeadline(deadline)
	if err == nil {
		_, err = c.Conn.Write(buf)
	}
	return buf, err
}
