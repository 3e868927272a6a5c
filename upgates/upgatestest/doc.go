// Package upgatestest is a fake Upgates API v2 shop over real HTTP, for
// tests of this module and for the demo and standalone mode
// ("samoobsluha fake-upgates").
//
// New builds a Fake (an http.Handler) from a Dataset; Demo returns the
// demo shop "Horský sklad" (13 orders, Czech customers, statuses with cs
// and en names, products with manufacturers, invoices with generated
// PDFs) and DemoHints describes its orders. NewServer wraps a Fake in an
// httptest.Server closed by t.Cleanup; ListenAndServe and Serve run one
// standalone until their context ends.
//
// The fake implements the checklist of UPGATES-API.md §14.18: Basic auth
// (401), the failed-login block (403 after 5 failures per IP per hour),
// per-endpoint permissions (403), 400 for malformed bodies, unknown query
// parameters or a missing JSON Content-Type, 405, 413 above 100 items,
// 3 requests in flight (the 4th gets 429), hourly and daily quotas with
// the five X-Rate-Limit headers on every response, partial PUT /orders
// updates (status by id or by name in any language, internal note
// replaced, products with delete_missing_products_yn), history, order and
// invoice PDFs, and unknown orders as an empty list (or 404).
//
// Switches inject faults: SetLatency, Fail, RateLimit (Retry-After as an
// HTTP-date or seconds), NotFoundAs404, Moved (301 by Location or by
// api_url body), SetQuota, SetPermission, MaxConcurrent. Inspection shows
// what reached the fake: Calls, CallCount, MaxInFlight, Outbox (the
// customer e-mails status changes would send: only when the target status
// has a template, the order has an e-mail and send_emails_yn was not
// false), Order, History; ResetCounters clears them and ResetData undoes
// every write. A Fake keeps at most MaxRecorded calls and e-mails, so it
// can also run for days as the demo shop. Samples of what it serves are
// kept in ../testdata/fake-*.json (go test -update rewrites them).
//
// All Fake methods are safe for concurrent use. The Fake starts no
// goroutines; Serve owns the server goroutine it starts and returns after
// it has stopped.
package upgatestest
