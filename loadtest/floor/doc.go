// Package floor is the floor of the benchmark: the least any Redis-backed
// chat bot must do per client frame. It serves the same WebSocket frames as
// samoobsluha's /ws (PROTOCOL.md §1: hello -> session + message +
// turn_end; text or button -> message + turn_end; the button "done" ->
// message + end), and per frame it does exactly one Redis GET of the
// conversation's session and one SET of it back (with a TTL), then
// replies. It has no scenario, no shop, no lock, no rate limit: whatever
// samoobsluha costs above the floor is the price of its features, and the
// benchmark reports it as a ratio.
//
// The session it keeps is a small JSON value shaped like a real one (id,
// language, turn count and a transcript of the last 50 texts), so its Redis
// traffic grows per turn as samoobsluha's does.
//
// It imports go-redis directly (the one exception to "only session imports
// go-redis" besides cmd, allowed by scripts/check-imports for loadtest):
// going through session.Store would add the store's lock and version
// script, which is exactly the cost the floor must not pay.
//
// It is also lean where any server can be, so that the memory comparison is
// honest: after the upgrade the HTTP handler returns and one goroutine of
// its own serves the connection (a handler that stays in ServeHTTP keeps
// net/http's buffered reader and writer and the request, about 10 KiB,
// alive for the life of the WebSocket), and write buffers come from a pool
// (an idle connection holds none). It measures at about 15 KiB per idle
// connection.
//
// Lifecycle: New returns a Server (an http.Handler for GET /ws); each
// connection is served by one goroutine, which reads a frame, does its two
// Redis calls, writes the reply and reads the next. Shutdown closes every
// open connection and waits for their goroutines. The Redis client belongs
// to the caller, who closes it after Shutdown. Server methods are safe for
// concurrent use.
package floor
