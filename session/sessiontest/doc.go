// Package sessiontest checks that a session.Store behaves as package
// session documents, in the spirit of testing/slogtest: Run holds the
// behaviour every store must show, RunExpiry the behaviour over time.
// Package session runs both against its memory store and against a real
// Redis; another Store implementation should pass them too.
//
// It also offers what those tests need: Clock, a settable clock for
// stores with an injected time, RedisServer, a throw-away redis-server
// process a test can stop and restart, RedisURL, the shared test Redis
// named by SAMOOBSLUHA_TEST_REDIS_URL (skipping the test when it is unset),
// and RoundTrips, a TCP proxy that counts the Redis round trips its
// clients make (so tests outside package session can pin them without
// importing go-redis).
//
// It is a test helper: it calls t.Fatal and t.Skip, starts processes only
// when asked and stops them (and its proxies) in t.Cleanup. Stores are built by the caller's
// function for each subtest; subtests run in parallel, so each must get a
// store of its own (for Redis, its own key prefix).
package sessiontest
