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
// Goroutines: each WebSocket connection has exactly three, all owned by the
// request goroutine that accepted it, which waits for them: the reader
// (the request goroutine itself), the writer (the only one that writes to
// the socket) and a worker that runs the connection's frames through the
// Handler one at a time, in order. Turns run under a server-wide context,
// not the connection's, so a client that disconnects mid-turn does not
// leave a half-done turn; Shutdown cancels that context only when its own
// deadline passes. A panic in any of them is recovered, logged with its
// stack, and closes that connection only.
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
