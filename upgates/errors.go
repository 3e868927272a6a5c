package upgates

import (
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// ErrNotFound means the shop has no such record: an unknown order (an empty
// list or a 404, UPGATES-API.md §14.1), customer, invoice or invoice PDF.
// Callers branch on it with errors.Is.
var ErrNotFound = errors.New("upgates: not found")

// ErrUnknownStatus means a status id, name or type given to ResolveStatus
// matches no order status of the shop, or a name matches several.
var ErrUnknownStatus = errors.New("upgates: unknown order status")

// APIError is an answer of the shop that is not a success: any HTTP status
// other than the ones given their own error (404 on a lookup is ErrNotFound,
// 429 is *RateLimitError), or a 200 write whose result says it was not
// applied (updated_yn false).
//
// Behaviour depends on StatusCode only; Message is for logs. It never holds
// credentials. It may hold text the shop wrote, truncated.
type APIError struct {
	// StatusCode is the HTTP status (200 for a refused write).
	StatusCode int
	// Code is a short machine-readable reason: "unauthorized", "forbidden",
	// "bad_request", "not_found", "method_not_allowed", "too_large",
	// "server_error", "moved", "not_updated", "bad_response", "not_pdf" or
	// "http_<status>".
	Code string
	// Message is the shop's explanation (messages[].message, errors[].message
	// or the raw body, truncated), possibly empty.
	Message string
}

// Error returns "upgates: <status> <code>: <message>".
func (e *APIError) Error() string {
	if e.Message == "" {
		return fmt.Sprintf("upgates: %d %s", e.StatusCode, e.Code)
	}
	return fmt.Sprintf("upgates: %d %s: %s", e.StatusCode, e.Code, e.Message)
}

// RateLimitError means the shop refused (429) or would refuse the call
// because of its concurrency limit or its hourly/daily quota, and the wait
// until the next allowed call does not fit the client's retry budget or the
// caller's deadline. No retry was made past that point.
type RateLimitError struct {
	// RetryAt is when the shop allows the next call; zero if unknown.
	RetryAt time.Time
	// Quota is true when the hourly and daily quota is spent (as opposed to
	// too many concurrent requests). A spent quota makes the client refuse
	// further calls to the shop, without sending them, until RetryAt.
	Quota bool
}

// Error describes the limit and when it lifts.
func (e *RateLimitError) Error() string {
	what := "rate limited"
	if e.Quota {
		what = "quota spent"
	}
	if e.RetryAt.IsZero() {
		return "upgates: " + what
	}
	return "upgates: " + what + " until " + e.RetryAt.UTC().Format(time.RFC3339)
}

// Secret is a credential (the API key). It prints as REDACTED through fmt,
// slog and encoding/json, so it cannot leak into logs or errors by accident;
// Reveal returns the value for the Authorization header.
type Secret string

// String returns "REDACTED".
func (Secret) String() string { return "REDACTED" }

// GoString returns "REDACTED", also for %#v.
func (Secret) GoString() string { return "REDACTED" }

// LogValue returns "REDACTED" for log/slog.
func (Secret) LogValue() slog.Value { return slog.StringValue("REDACTED") }

// MarshalText returns "REDACTED" for encoding/json and friends.
func (Secret) MarshalText() ([]byte, error) { return []byte("REDACTED"), nil }

// Reveal returns the secret itself. Only the request builder calls it.
func (s Secret) Reveal() string { return string(s) }

// Credentials are an API login and key (HTTP Basic user and password). Its
// String and LogValue hide the key.
type Credentials struct {
	Login string
	Key   Secret
}

// String returns "login:REDACTED".
func (c Credentials) String() string { return c.Login + ":REDACTED" }

// LogValue shows the login and hides the key.
func (c Credentials) LogValue() slog.Value {
	return slog.GroupValue(slog.String("login", c.Login), slog.String("key", "REDACTED"))
}
