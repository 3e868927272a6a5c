// Package web is samoobsluha's transport layer: it turns the wire formats of
// PROTOCOL.md into calls on a Handler (satisfied by bot) and serves
// everything a browser, a telephony adapter or an operator talks to.
//
// Endpoints:
//
//	GET  /ws?bot=BOT       the chat widget's WebSocket (PROTOCOL.md §1)
//	POST /voice/turn       one telephony event (PROTOCOL.md §2)
//	POST /voice/jambonz/{bot}  a Jambonz webhook application (answers with verbs)
//	POST /voice/twilio/{bot}   a Twilio voice webhook (answers with TwiML)
//	GET  /invoice/{token}  an invoice PDF download
//	GET  /widget.js, /widget.css  the embeddable widget (embedded assets)
//	GET  /                 a demo shop page with the widget
//	GET  /healthz, /readyz, /metrics  liveness, readiness, Prometheus
//
// web does not import dialog, session or upgates, keeps no conversation
// state beyond one connection, and never decides what a message means: that
// is bot's job. It validates frames (size, UTF-8, JSON shape, rate), keeps
// "$" variables out of every frame as a second line of defence, and maps
// bot's client-visible *bot.Error values to error frames and HTTP statuses.
//
// Lifecycle: NewServer builds a Server (an http.Handler); the caller runs it
// in an http.Server and, on shutdown, calls http.Server.Shutdown and then
// Server.Shutdown, which closes every WebSocket with 1001 after the turn in
// flight has been delivered. The Server never closes the Handler,
// InvoiceOpener or Checker it was given.
//
// Goroutines: the HTTP handler upgrades a WebSocket and returns at once (so
// net/http's per-connection buffers and the request are freed); the
// connection is then served by goroutines of its own, counted in the
// Server's WaitGroup until they have all finished:
//
//   - the reader, for the life of the connection: it reads frames and
//     checks what needs no JSON (rate, frame type, UTF-8), and queues them
//     for the worker. It never decodes JSON, so its stack stays at 4 KiB;
//   - the worker, only while frames wait: it decodes and validates them and
//     runs them through the Handler one at a time, in order, queueing each
//     turn's answer frames (encoded into pooled buffers) as one batch, and
//     exits when no frame waits;
//   - the writer, only while frames or a ping wait: the only role that
//     writes frames to the socket. It writes every waiting batch and ping
//     with one write to the socket (a thin net.Conn wrapper buffers the
//     WebSocket library's writes while the writer holds it "corked"), and
//     ends when nothing waits. The worker takes the role itself after a
//     turn when no writer runs (sparing a goroutine per turn), as does the
//     ping timer's goroutine; anyone else who queues a frame (the reader
//     refusing one, the Typing callback) starts a writer goroutine. Once
//     the connection stops and no worker runs, the writer becomes the
//     closer: it sends the close frame and closes the socket.
//
// A mutex per connection guards the two queues and the flags saying whether
// a worker and a writer run; whoever turns a flag on takes or starts that
// role, so at most one worker and one writer exist at a time and exactly
// one goroutine at a time writes frames. The ping and hello timers are
// runtime timers (time.AfterFunc); a timer that fires while the connection
// closes returns without touching it. The only writes outside the writer
// are the control frames the WebSocket library documents as safe from any
// goroutine and sends by itself (the pong answering a ping, the close
// answering a close, and 1009 for an oversize frame). An idle connection
// thus costs one parked goroutine, no write buffer (they come from a pool)
// and no queue: about 12 KiB of server memory, measured with loadgen idle.
// This departs from a long-lived writer goroutine per connection (the
// gorilla chat example's shape, STYLE.md 27) to keep idle connections
// small, and keeps that rule's point: exactly one goroutine at a time
// writes frames, and every write has a deadline.
//
// Turns run under a server-wide context, not the connection's, so a client
// that disconnects mid-turn does not leave a half-done turn; Shutdown
// cancels that context only when its own deadline passes. A panic in any of
// the connection's goroutines is recovered, logged with its stack, and
// closes that connection only.
//
// Close codes a widget connection may end with: 1001 (server shutting
// down), 1007 (a frame that is not UTF-8), 1008 (no hello in time, or the
// client does not read and its send queue overflowed), 1009 (a frame over
// the read limit, sent by the WebSocket library itself) and 1011 (a panic
// while serving it). A connection whose pong does not come within PongWait
// is dropped without a close frame. The widget reconnects after any of
// them and resumes its session.
//
// All Server and Metrics methods are safe for concurrent use.
package web
