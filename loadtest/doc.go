// Package loadtest measures a samoobsluha server from the outside, the
// way customers reach it: over the widget WebSocket (/ws, PROTOCOL.md §1),
// on loopback, bounded in count and time. It is the library behind
// cmd/loadgen and the fault tests in this directory; it is not imported by
// the server.
//
// What it provides:
//
//   - Conn, a protocol client (Dial, Turn, Read, hostile SendRaw) whose
//     Turn sends one frame and reads the answer up to turn_end or end;
//   - Script and DemoScript, the scripted benchmark conversation (status,
//     tracking and invoice for a verified demo order, seven turns) with
//     checks on every answer; ShopDataset and LoadScript, the same over as
//     many distinct orders as needed (so caches start cold); GuessScript
//     for brute-force tests;
//   - Run, the closed-loop load generator: C conversations at once, each
//     on a new connection, for a bounded time, reporting conversations/s,
//     turns/s, turn latency percentiles, errors by kind and the server's
//     memory and CPU (from /proc when given its PID);
//   - Idle, which holds N idle connections and reports the server's
//     memory per connection;
//   - RedisCounter, a counting TCP proxy that tells how many Redis round
//     trips a server makes per turn, and CommandStats (INFO commandstats);
//   - StartProcess and StartRedis, to run the real binaries (the server,
//     the floor, a fake shop, a private redis-server) as child processes;
//   - package floor, the minimal Redis-backed WebSocket server the
//     benchmark compares against.
//
// It deliberately does not start anything on its own: callers (the
// loadgen command, tests) own every process and goroutine they start, and
// Run and Idle return only after their goroutines have exited. Run and
// Idle may be called concurrently against different servers. It imports
// go-redis directly (allowed by scripts/check-imports) because it must talk
// to Redis below session's abstractions.
//
// Hostile traffic, faults and their expected outcomes are described in
// docs/reliability.md; benchmark commands and numbers in
// docs/benchmarks.md.
package loadtest
