package upgatestest

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// MovedForm selects how a moved shop announces its new address (§3).
type MovedForm int

const (
	// MovedLocation sends 301 with a Location header (Sept 2025 blueprint).
	MovedLocation MovedForm = iota
	// MovedBody sends 301 without Location and {"api_url": ...} in the
	// body (May 2025 and March 2024 blueprints).
	MovedBody
)

// Permission levels of an API user per endpoint (SetPermission).
const (
	PermDeny     = "deny"
	PermReadOnly = "readonly"
	PermAll      = "all"
)

// Endpoints that permissions apply to.
var permEndpoints = []string{"orders", "order-statuses", "customers", "products", "invoices"}

// Defaults of a new Fake.
const (
	// DefaultMaxConcurrent is Upgates' concurrency limit per access group.
	DefaultMaxConcurrent = 3
	// DefaultQuotaHour and DefaultQuotaDay are the Platinum tariff.
	DefaultQuotaHour = 100
	DefaultQuotaDay  = 1500
	// maxFailedLogins is how many failed logins per hour an IP may make
	// before it is blocked with 403.
	maxFailedLogins = 5
	// maxRequestBody caps a request body the fake reads.
	maxRequestBody = 1 << 20
	// MaxRecorded is how many calls and outbox e-mails the fake keeps (the
	// most recent), so a long-running demo does not grow without bound.
	MaxRecorded = 10000
	// maxTrackedIPs bounds the failed-login table.
	maxTrackedIPs = 1000
)

// Call is one request as the fake received it.
type Call struct {
	Method string
	// Path is below the API base, e.g. "/orders/2026000101".
	Path  string
	Query url.Values
	Body  []byte
	// Status is the HTTP status the fake answered (499 if the client went
	// away first).
	Status int
	// Time is when the request arrived, by the fake's clock.
	Time time.Time
	// Authorized reports whether the request carried the right credentials.
	Authorized bool
}

// CallFilter selects calls for CallCount.
type CallFilter func(Call) bool

// ByMethod selects calls with that HTTP method.
func ByMethod(method string) CallFilter { return func(c Call) bool { return c.Method == method } }

// ByPath selects calls to exactly that path (below the API base).
func ByPath(path string) CallFilter { return func(c Call) bool { return c.Path == path } }

// ByPathPrefix selects calls whose path starts with prefix.
func ByPathPrefix(prefix string) CallFilter {
	return func(c Call) bool { return strings.HasPrefix(c.Path, prefix) }
}

// Email is a customer e-mail the shop would have sent because of a status
// change (the target status has a template and send_emails_yn was not
// false).
type Email struct {
	To          string
	OrderNumber string
	StatusID    int
	StatusName  string
	Subject     string
	Body        string
	At          time.Time
}

// Fake is a fake Upgates API v2 shop: an http.Handler serving the API
// below any path ending in "/api/v2". It keeps its data in memory and
// applies writes. Its switches inject faults; its inspection methods show
// what reached it. All methods are safe for concurrent use. A Fake starts
// no goroutines.
type Fake struct {
	mu    sync.Mutex
	orig  *Dataset // as given to New, for ResetData
	data  *Dataset
	login string
	key   string
	now   func() time.Time

	latency     time.Duration
	failStatus  int
	failN       int
	rlN         int
	rlAfter     time.Duration
	rlSeconds   bool
	notFound404 bool
	movedBase   string
	movedForm   MovedForm
	quotaHour   int
	quotaDay    int
	hourStart   time.Time
	dayStart    time.Time
	usedHour    int
	usedDay     int
	perms       map[string]string
	maxConc     int
	inFlight    int
	maxInFlight int
	failed      map[string][]time.Time // client IP -> failed login times
	calls       []*Call
	outbox      []Email
}

// New returns a fake shop serving a copy of data (nil: Demo()). It accepts
// data.Login and data.Key (empty: DemoLogin, DemoKey) and starts with the
// Upgates defaults: 3 concurrent requests, the Platinum quota (100 an hour
// + 1500 a day), every endpoint allowed, unknown orders as an empty list.
func New(data *Dataset) *Fake {
	if data == nil {
		data = Demo()
	} else {
		data = data.Clone()
	}
	if data.History == nil {
		data.History = map[string][]HistoryEntry{}
	}
	data.fillStatusNames()
	f := &Fake{
		orig:      data.Clone(),
		data:      data,
		login:     data.Login,
		key:       data.Key,
		now:       time.Now,
		quotaHour: DefaultQuotaHour,
		quotaDay:  DefaultQuotaDay,
		maxConc:   DefaultMaxConcurrent,
		perms:     map[string]string{},
		failed:    map[string][]time.Time{},
	}
	if f.login == "" {
		f.login = DemoLogin
	}
	if f.key == "" {
		f.key = DemoKey
	}
	for _, e := range permEndpoints {
		f.perms[e] = PermAll
	}
	return f
}

// SetClock replaces the fake's clock (time.Now), used for quota windows,
// Retry-After, the failed-login window and timestamps it writes.
func (f *Fake) SetClock(now func() time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = now
}

// SetLatency delays every response by d (0 turns it off). The delay counts
// as time in flight, so concurrent callers overlap.
func (f *Fake) SetLatency(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.latency = d
}

// Fail makes the next n authenticated requests answer status (e.g. 500)
// with an Upgates error body.
func (f *Fake) Fail(status, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failStatus, f.failN = status, n
}

// RateLimit makes the next n authenticated requests answer 429 with a
// Retry-After of now+retryAfter, as an HTTP-date in GMT (seconds false, the
// documented form) or as whole seconds (seconds true).
func (f *Fake) RateLimit(n int, retryAfter time.Duration, seconds bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rlN, f.rlAfter, f.rlSeconds = n, retryAfter, seconds
}

// NotFoundAs404 makes unknown orders and invoices answer 404 instead of the
// default 200 with an empty list.
func (f *Fake) NotFoundAs404(on bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.notFound404 = on
}

// Moved makes every request answer 301 pointing at newBase (an API base
// ending in /api/v2) in the given form; "" turns it off.
func (f *Fake) Moved(newBase string, form MovedForm) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.movedBase, f.movedForm = strings.TrimRight(newBase, "/"), form
}

// SetQuota sets the hourly and daily quota and starts new windows with
// nothing used. Every authenticated call counts, the hourly allowance
// first; a call beyond both gets 429 until the next calendar hour.
func (f *Fake) SetQuota(hour, day int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.quotaHour, f.quotaDay = hour, day
	f.usedHour, f.usedDay = 0, 0
	f.hourStart, f.dayStart = time.Time{}, time.Time{}
}

// SetPermission sets the API user's privilege for an endpoint ("orders",
// "order-statuses", "customers", "products", "invoices") to PermDeny,
// PermReadOnly or PermAll. /status is always allowed. It panics on an
// unknown endpoint or level (a bug in the test).
func (f *Fake) SetPermission(endpoint, level string) {
	if level != PermDeny && level != PermReadOnly && level != PermAll {
		panic("upgatestest: unknown permission level " + level)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.perms[endpoint]; !ok {
		panic("upgatestest: unknown endpoint " + endpoint)
	}
	f.perms[endpoint] = level
}

// MaxConcurrent sets how many requests may be in flight; one more gets
// 429 (default 3). n < 1 is taken as 1.
func (f *Fake) MaxConcurrent(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.maxConc = max(n, 1)
}

// Calls returns the requests received so far, oldest first (at most the
// last MaxRecorded).
func (f *Fake) Calls() []Call {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]Call, len(f.calls))
	for i, c := range f.calls {
		out[i] = *c
	}
	return out
}

// CallCount returns how many received requests match all filters.
func (f *Fake) CallCount(filters ...CallFilter) int {
	n := 0
	for _, c := range f.Calls() {
		ok := true
		for _, m := range filters {
			if !m(c) {
				ok = false
				break
			}
		}
		if ok {
			n++
		}
	}
	return n
}

// MaxInFlight returns the most requests the fake ever had in flight at
// once (those it refused with 429 included).
func (f *Fake) MaxInFlight() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.maxInFlight
}

// Outbox returns the customer e-mails status changes would have sent.
func (f *Fake) Outbox() []Email {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Email(nil), f.outbox...)
}

// Order returns a copy of the order as the fake holds it now.
func (f *Fake) Order(number string) (Order, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	o := f.findOrder(number)
	if o == nil {
		return Order{}, false
	}
	return cloneJSON(*o), true
}

// History returns a copy of the order's history.
func (f *Fake) History(number string) []HistoryEntry {
	f.mu.Lock()
	defer f.mu.Unlock()
	if o := f.findOrder(number); o != nil {
		number = o.OrderNumber
	}
	return cloneJSON(f.data.History[number])
}

// ResetData restores the data given to New (orders, history, statuses...),
// undoing every write. Counters and switches stay.
func (f *Fake) ResetData() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.data = f.orig.Clone()
}

// ResetCounters forgets recorded calls, the in-flight maximum, failed
// logins, the outbox and the quota used. Data and switches stay.
func (f *Fake) ResetCounters() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls, f.outbox = nil, nil
	f.maxInFlight = f.inFlight // requests now in flight are not forgotten
	f.failed = map[string][]time.Time{}
	f.usedHour, f.usedDay = 0, 0
}

func cloneJSON[T any](v T) T {
	b, err := json.Marshal(v)
	if err != nil {
		panic("upgatestest: clone: " + err.Error())
	}
	var out T
	if err := json.Unmarshal(b, &out); err != nil {
		panic("upgatestest: clone: " + err.Error())
	}
	return out
}

// ServeHTTP serves the API. The path must contain "/api/v2"; what follows
// is the endpoint. The checks run in this order: 301 (moved), failed-login
// block (403), credentials (401), concurrency (429), injected faults,
// quota (429), permissions (403), then the endpoint (404, 405, 400, 413).
//
// The call is recorded, and stops counting as in flight, when the answer's
// header is written: before the client can see the answer, so a test that
// inspects the fake right after a call sees it.
func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, readErr := io.ReadAll(io.LimitReader(r.Body, maxRequestBody+1))
	call := &Call{Method: r.Method, Query: r.URL.Query(), Body: body, Status: 499}
	if i := strings.Index(r.URL.Path, "/api/v2"); i >= 0 {
		call.Path = r.URL.Path[i+len("/api/v2"):]
	} else {
		call.Path = r.URL.Path
	}
	f.mu.Lock()
	f.inFlight++
	inFlight := f.inFlight
	f.maxInFlight = max(f.maxInFlight, inFlight)
	latency := f.latency
	call.Time = f.now()
	if len(f.calls) >= MaxRecorded {
		f.calls = append(f.calls[:0], f.calls[len(f.calls)-MaxRecorded/2:]...)
	}
	f.calls = append(f.calls, call)
	f.mu.Unlock()
	rec := &recorder{ResponseWriter: w, f: f, call: call}
	defer rec.finish(0) // the request ended without an answer

	if latency > 0 {
		t := time.NewTimer(latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	f.serve(rec, r, call.Path, body, readErr, inFlight)
}

// recorder ends the call's time in flight and records its status when
// the header is written.
type recorder struct {
	http.ResponseWriter
	f    *Fake
	call *Call
	done bool
}

func (r *recorder) finish(status int) {
	r.f.mu.Lock()
	defer r.f.mu.Unlock()
	if r.done {
		return
	}
	r.done = true
	r.f.inFlight--
	if status != 0 {
		r.call.Status = status
	}
}

func (r *recorder) WriteHeader(code int) {
	r.finish(code)
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	r.finish(http.StatusOK)
	return r.ResponseWriter.Write(b)
}

// authorized marks the request as carrying the right credentials.
func (r *recorder) authorized() {
	r.f.mu.Lock()
	r.call.Authorized = true
	r.f.mu.Unlock()
}

// serve runs the checks and the endpoint.
func (f *Fake) serve(w *recorder, r *http.Request, path string, body []byte, readErr error, inFlight int) {
	if !strings.Contains(r.URL.Path, "/api/v2") {
		f.writeError(w, http.StatusNotFound, "Wrong URL of the request.")
		return
	}
	f.rateHeaders(w)
	f.mu.Lock()
	now := f.now()
	moved, form := f.movedBase, f.movedForm
	f.mu.Unlock()
	if moved != "" {
		target := moved + path
		if r.URL.RawQuery != "" {
			target += "?" + r.URL.RawQuery
		}
		if form == MovedLocation {
			w.Header().Set("Location", target)
			f.writeJSON(w, http.StatusMovedPermanently, map[string]any{"messages": []any{}})
		} else {
			f.writeJSON(w, http.StatusMovedPermanently, map[string]any{"api_url": moved})
		}
		return
	}

	ip := clientIP(r)
	user, pass, ok := r.BasicAuth()
	good := ok && subtle.ConstantTimeCompare([]byte(user), []byte(f.login)) == 1 &&
		subtle.ConstantTimeCompare([]byte(pass), []byte(f.key)) == 1
	f.mu.Lock()
	if len(f.failed) > maxTrackedIPs {
		for k, ts := range f.failed {
			if len(ts) == 0 || now.Sub(ts[len(ts)-1]) >= time.Hour {
				delete(f.failed, k)
			}
		}
	}
	recent := f.failed[ip][:0]
	for _, t := range f.failed[ip] {
		if now.Sub(t) < time.Hour {
			recent = append(recent, t)
		}
	}
	f.failed[ip] = recent
	blocked := len(recent) >= maxFailedLogins
	if !blocked && !good {
		f.failed[ip] = append(f.failed[ip], now)
	}
	f.mu.Unlock()
	if blocked {
		f.writeError(w, http.StatusForbidden, "Too many failed logins. Access is blocked for one hour.")
		return
	}
	if !good {
		w.Header().Set("WWW-Authenticate", `Basic realm="Upgates API"`)
		f.writeError(w, http.StatusUnauthorized, "Invalid API login or API key.")
		return
	}
	w.authorized()

	f.mu.Lock()
	if inFlight > f.maxConc {
		retry := now.Add(time.Second)
		f.mu.Unlock()
		f.rateHeaders(w)
		w.Header().Set("Retry-After", retry.UTC().Format(http.TimeFormat))
		f.writeError(w, http.StatusTooManyRequests, "Too many concurrent requests.")
		return
	}
	if f.failN > 0 {
		f.failN--
		status := f.failStatus
		f.mu.Unlock()
		f.rateHeaders(w)
		f.writeError(w, status, fmt.Sprintf("Injected failure %d.", status))
		return
	}
	if f.rlN > 0 {
		f.rlN--
		after, secs := f.rlAfter, f.rlSeconds
		f.mu.Unlock()
		f.rateHeaders(w)
		if secs {
			w.Header().Set("Retry-After", strconv.Itoa(int((after+time.Second-1)/time.Second)))
		} else {
			w.Header().Set("Retry-After", now.Add(after).UTC().Format(http.TimeFormat))
		}
		f.writeError(w, http.StatusTooManyRequests, "Too many requests.")
		return
	}
	f.rollWindows(now)
	switch {
	case f.usedHour < f.quotaHour:
		f.usedHour++
	case f.usedDay < f.quotaDay:
		f.usedDay++
	default:
		next := now.Truncate(time.Hour).Add(time.Hour)
		f.mu.Unlock()
		f.rateHeaders(w)
		w.Header().Set("Retry-After", next.UTC().Format(http.TimeFormat))
		f.writeError(w, http.StatusTooManyRequests, "API request limit exceeded.")
		return
	}
	f.mu.Unlock()
	f.rateHeaders(w)

	if readErr != nil {
		f.writeError(w, http.StatusBadRequest, "Unreadable request body.")
		return
	}
	if len(body) > maxRequestBody {
		f.writeError(w, http.StatusRequestEntityTooLarge, "Request body too large.")
		return
	}
	method := r.Method
	if method == http.MethodPost && strings.EqualFold(r.Header.Get("X-HTTP-Method-Override"), "DELETE") {
		method = http.MethodDelete
	}
	segs := strings.Split(strings.Trim(path, "/"), "/")
	if segs[0] != "status" {
		f.mu.Lock()
		level, known := f.perms[segs[0]]
		f.mu.Unlock()
		if known && (level == PermDeny || (level == PermReadOnly && method != http.MethodGet)) {
			f.writeError(w, http.StatusForbidden, "The API user has no privilege for this endpoint or method.")
			return
		}
	}
	if len(body) > 0 || method == http.MethodPut || method == http.MethodPost {
		ct := r.Header.Get("Content-Type")
		if !strings.HasPrefix(strings.ToLower(ct), "application/json") {
			f.writeError(w, http.StatusBadRequest, "Content-Type must be application/json.")
			return
		}
	}
	f.route(w, r, method, segs, body)
}

// rollWindows starts a new quota hour or day when the clock passed one.
// Call with f.mu held.
func (f *Fake) rollWindows(now time.Time) {
	h := now.Truncate(time.Hour)
	if !h.Equal(f.hourStart) {
		f.hourStart, f.usedHour = h, 0
	}
	y, m, d := now.In(cet).Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, cet)
	if !day.Equal(f.dayStart) {
		f.dayStart, f.usedDay = day, 0
	}
}

// rateHeaders sets the five X-Rate-Limit headers from the current windows.
func (f *Fake) rateHeaders(w http.ResponseWriter) {
	f.mu.Lock()
	f.rollWindows(f.now())
	hourLeft := max(f.quotaHour-f.usedHour, 0)
	dayLeft := max(f.quotaDay-f.usedDay, 0)
	hour, day := f.quotaHour, f.quotaDay
	f.mu.Unlock()
	h := w.Header()
	h.Set("X-Rate-Limit-Hour", strconv.Itoa(hour))
	h.Set("X-Rate-Limit-Day", strconv.Itoa(day))
	h.Set("X-Rate-Limit-Hour-Remaining", strconv.Itoa(hourLeft))
	h.Set("X-Rate-Limit-Day-Remaining", strconv.Itoa(dayLeft))
	h.Set("X-Rate-Limit-Total-Remaining", strconv.Itoa(hourLeft+dayLeft))
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// writeJSON writes v as the JSON answer.
func (f *Fake) writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		http.Error(w, "encode: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// writeError writes the project's error body (§14.13).
func (f *Fake) writeError(w http.ResponseWriter, status int, msg string) {
	f.writeJSON(w, status, map[string]any{"messages": []errorMessage{errMsg(msg)}})
}

type errorMessage struct {
	Object   *string `json:"object"`
	Property *string `json:"property"`
	Message  string  `json:"message"`
	Level    string  `json:"level"`
}

func errMsg(msg string) errorMessage { return errorMessage{Message: msg, Level: "error"} }

// ListenAndServe serves fake under /api/v2 on addr (e.g. ":8081") until
// ctx ends, then shuts the server down gracefully (5 s at most).
func ListenAndServe(ctx context.Context, addr string, fake *Fake) error {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("fake upgates: listen %s: %w", addr, err)
	}
	return Serve(ctx, ln, fake)
}

// Serve serves fake on ln until ctx ends, then shuts down gracefully (5 s
// at most) and closes ln. The API is at http://<addr>/api/v2; "/" answers
// a short plain-text description.
func Serve(ctx context.Context, ln net.Listener, fake *Fake) error {
	mux := http.NewServeMux()
	mux.Handle("/api/v2/", fake)
	mux.Handle("/api/v2", fake)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintf(w, "Fake Upgates API v2 at /api/v2 (login %s).\n", fake.login)
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("fake upgates: serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := srv.Shutdown(sctx)
	<-errc
	if err != nil {
		return fmt.Errorf("fake upgates: shutdown: %w", err)
	}
	return nil
}
