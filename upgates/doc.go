// Package upgates is a client for the Upgates REST API v2, limited to what
// the self-service bot needs: orders (read, list, change status and
// internal note), order statuses, customer accounts, product
// manufacturers, invoice PDFs, order history and a readiness ping.
//
// It follows the facts and project rules of UPGATES-API.md, section 14 in
// particular:
//   - HTTP Basic auth; every call takes a context and runs under the HTTP
//     client's Timeout (10 s by default). Credentials travel only in the
//     Authorization header and never appear in errors (Secret and
//     Credentials print as REDACTED), nor do request URLs, which may hold
//     an e-mail address.
//   - A 301 (shop moved) is not followed by net/http: the new base is taken
//     from Location or the body's api_url, the request is repeated once
//     (same method, body and Authorization) and the new base is kept.
//   - Unknown orders (an empty list or a 404) are ErrNotFound. Other
//     failures are *APIError (status, short code, message for logs) or
//     *RateLimitError (when the next call is allowed).
//   - Responses are decoded leniently: booleans as true/1/"1", numbers as
//     strings, dates as RFC 3339, bare dates, "" or PHP DateTime objects,
//     lists as arrays or single objects, orders enveloped or bare.
//
// Rate limits. Upgates allows 3 requests in flight per API-access group
// and an hourly plus daily quota, charging every call. The client holds a
// Limiter slot (key: the shop) around every exchange; the default is an
// in-process semaphore, package session provides one shared through Redis
// across server instances. A 429 is retried only while its Retry-After
// (HTTP-date or seconds) fits Options.RetryBudget and the caller's
// deadline, at most three times; otherwise the call fails fast with
// *RateLimitError. The X-Rate-Limit-* headers are read when present: once
// the quota is spent the client refuses calls to that shop, without
// sending them, until Retry-After or the next calendar hour.
//
// Economy. Order reads are cached for Options.OrderTTL (2 min) and the
// client's own writes invalidate them; order statuses are cached for
// StatusTTL (5 min) and manufacturers for BrandTTL (6 h). The Cache is
// in-process by default; package session provides a Redis one shared
// across instances. Cache failures only cost a call, never fail one.
//
// Over the Cache the client keeps small bounded in-process memos, because
// a cached read costs a round trip and a decode (an order's ~5 KB JSON
// takes about 0.1 ms to decode):
//   - recently read orders, decoded, with the bytes they came from, used
//     only when the Cache returns those same bytes. The Cache stays the
//     truth for orders: any change of the cached entry, by any instance,
//     is seen on the next read. They expire after OrderTTL like the cached
//     ones and are freed at the next order read.
//   - the status list and the brands, which are shop configuration, not
//     personal data, kept for their TTL without asking the Cache again
//     (see Options.StatusTTL).
//
// A caller may also scope reads to one short unit of work: under a
// context from WithTurnCache (package bot makes one per turn, which holds
// the conversation's lock and lasts milliseconds) an order is read from
// the Cache once, and later lookups of it under that context get copies
// of that read; the client's own writes drop it. It is freed with the
// context.
//
// Callers get their own copies of everything and may change them.
//
// The package does not log and starts no goroutines: callers log errors
// once and may observe every exchange through Options.OnCall. A Client is
// created with New, is safe for concurrent use, and needs no closing.
// It does not know about bots, scenarios or sessions; package bot maps its
// results to scenario variables.
//
// Package upgatestest is a fake Upgates shop for tests and the demo.
package upgates
