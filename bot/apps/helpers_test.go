package apps_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/samoobsluha/samoobsluha/bot/apps"
	"github.com/samoobsluha/samoobsluha/dialog"
	"github.com/samoobsluha/samoobsluha/upgates"
	"github.com/samoobsluha/samoobsluha/upgates/upgatestest"
)

// Demo facts used by the tests (upgatestest.Demo).
const (
	janaEmail   = "jana.novakova@seznam.cz"
	lucieEmail  = "lucie.prochazkova@seznam.cz"
	orderUnpaid = "2026000101" // Jana, bank transfer, awaiting payment, PPL, no invoice
	orderZas    = "2026000102" // Jana, shipped by Zásilkovna, invoice FV2026000412, has a note
	orderReady  = "2026000106" // Lucie, paid, ready to ship, invoice FV2026000430
	orderCancel = "2026000108" // Martin, cancelled
	orderStock  = "2026000109" // Eva, awaiting stock, no invoice, a gift line
	orderNoMail = "2026000112" // Jaroslav, no e-mail, phone +420 604 287 553
	publicURL   = "https://bot.example.cz"
)

var testSecret = []byte("test secret, at least 16 bytes")

// env is one fake shop, a real client talking to it over HTTP, and apps.
type env struct {
	t    *testing.T
	srv  *shopServer
	shop *upgates.Client
	apps *apps.Apps

	mu  sync.Mutex
	now time.Time
}

// clock returns the env's injected time.
func (e *env) clock() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.now
}

// advance moves the injected clock.
func (e *env) advance(d time.Duration) {
	e.mu.Lock()
	e.now = e.now.Add(d)
	e.mu.Unlock()
}

// newEnv starts a fake demo shop and builds apps for bot "default".
// modify, if given, adjusts the apps options.
func newEnv(t *testing.T, modify ...func(*apps.Options)) *env {
	t.Helper()
	e := &env{t: t, now: time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)}
	e.srv = newShopServer(t)
	e.shop = upgates.New(e.srv.URL(), upgatestest.DemoLogin, upgatestest.DemoKey, upgates.Options{
		RetryBudget: 50 * time.Millisecond,
	})
	e.apps = e.mustApps("default", modify...)
	return e
}

// mustApps builds another Apps on the env's shop.
func (e *env) mustApps(bot string, modify ...func(*apps.Options)) *apps.Apps {
	e.t.Helper()
	opts := apps.Options{PublicURL: publicURL, Secret: testSecret, Now: e.clock}
	for _, m := range modify {
		m(&opts)
	}
	a, err := apps.New(e.shop, bot, opts)
	if err != nil {
		e.t.Fatalf("apps.New: %v", err)
	}
	return a
}

// run runs app with params; verified lists orders verified in this session.
func (e *env) run(app string, params map[string]string, verified ...string) apps.Result {
	e.t.Helper()
	return e.apps.Run(e.t.Context(), apps.Call{App: app, Params: params, Verified: verifiedFunc(verified...)})
}

// verifiedFunc reports the given orders as verified.
func verifiedFunc(orders ...string) func(string) bool {
	return func(n string) bool {
		for _, o := range orders {
			if o == n {
				return true
			}
		}
		return false
	}
}

// shopServer serves a fake demo shop over real HTTP and records each
// request (with its status) before the response leaves, so a test that
// counts requests right after a call returns never misses the last one.
// (The Fake records a call only when its handler has returned, which can be
// after the client already has the answer.) The Fake's switches and
// inspection methods are promoted; Calls and CallCount are this recorder's.
type shopServer struct {
	*upgatestest.Fake
	url string

	mu    sync.Mutex
	calls []upgatestest.Call
}

func newShopServer(t *testing.T) *shopServer {
	t.Helper()
	s := &shopServer{Fake: upgatestest.New(upgatestest.Demo())}
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	s.url = hs.URL + "/api/v2"
	return s
}

// URL is the API base.
func (s *shopServer) URL() string { return s.url }

func (s *shopServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	c := upgatestest.Call{Method: r.Method, Path: apiPath(r.URL.Path), Query: r.URL.Query(), Body: body}
	rw := &recordingWriter{ResponseWriter: w, record: func(status int) {
		c.Status = status
		s.mu.Lock()
		s.calls = append(s.calls, c)
		s.mu.Unlock()
	}}
	s.Fake.ServeHTTP(rw, r)
	if !rw.done {
		rw.record(499) // the client went away before an answer
	}
}

// Calls returns the requests received so far.
func (s *shopServer) Calls() []upgatestest.Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]upgatestest.Call(nil), s.calls...)
}

// CallCount counts the requests matching all filters.
func (s *shopServer) CallCount(filters ...upgatestest.CallFilter) int {
	n := 0
	for _, c := range s.Calls() {
		ok := true
		for _, f := range filters {
			ok = ok && f(c)
		}
		if ok {
			n++
		}
	}
	return n
}

// recordingWriter records the call when the status is written, before the
// client can see the response.
type recordingWriter struct {
	http.ResponseWriter
	record func(status int)
	done   bool
}

func (w *recordingWriter) WriteHeader(code int) {
	if !w.done {
		w.done = true
		w.record(code)
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *recordingWriter) Write(b []byte) (int, error) {
	if !w.done {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// apiPath strips the API base from a request path.
func apiPath(p string) string {
	if i := strings.Index(p, "/api/v2"); i >= 0 {
		return p[i+len("/api/v2"):]
	}
	return p
}

// calls counts the requests that reached the fake with method and a path
// (below the API base) starting with prefix, e.g. "/orders".
func (e *env) calls(method, prefix string) int {
	return e.srv.CallCount(upgatestest.ByMethod(method), upgatestest.ByPathPrefix(prefix))
}

// lastBody decodes the body of the last request with method and prefix.
func (e *env) lastBody(method, prefix string) map[string]any {
	e.t.Helper()
	var last *upgatestest.Call
	for _, c := range e.srv.Calls() {
		if c.Method == method && strings.HasPrefix(c.Path, prefix) {
			c := c
			last = &c
		}
	}
	if last == nil {
		e.t.Fatalf("no %s %s reached the fake", method, prefix)
	}
	var m map[string]any
	if err := json.Unmarshal(last.Body, &m); err != nil {
		e.t.Fatalf("%s %s body %q: %v", method, prefix, last.Body, err)
	}
	return m
}

// total is the number of requests that reached the fake.
func (e *env) total() int { return len(e.srv.Calls()) }

// shopOrder is the fake's current copy of an order.
func (e *env) shopOrder(n string) upgatestest.Order {
	e.t.Helper()
	o, ok := e.srv.Order(n)
	if !ok {
		e.t.Fatalf("fake has no order %s", n)
	}
	return o
}

// demoOrder is an order of the demo dataset as it starts.
func demoOrder(t *testing.T, n string) upgatestest.Order {
	t.Helper()
	for _, o := range upgatestest.Demo().Orders {
		if o.OrderNumber == n {
			return o
		}
	}
	t.Fatalf("demo has no order %s", n)
	return upgatestest.Order{}
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// wantOutcome fails the test unless r has outcome want (and the Value
// convention: false for no and error).
func wantOutcome(t *testing.T, what string, r apps.Result, want dialog.Outcome) {
	t.Helper()
	if r.Outcome != want {
		t.Fatalf("%s: Outcome = %q (Err %v, Value %v), want %q", what, r.Outcome, r.Err, r.Value, want)
	}
	if want != dialog.OutcomeYes {
		if r.Value != false {
			t.Errorf("%s: Value = %#v, want false", what, r.Value)
		}
	}
	if want == dialog.OutcomeError && r.Err == nil {
		t.Errorf("%s: OutcomeError without Err", what)
	}
	if want == dialog.OutcomeNo && r.Err != nil {
		t.Errorf("%s: no with Err %v", what, r.Err)
	}
}

// fields returns a yes Result's map.
func fields(t *testing.T, r apps.Result) map[string]any {
	t.Helper()
	m, ok := r.Value.(map[string]any)
	if !ok {
		t.Fatalf("Value = %#v, want map[string]any", r.Value)
	}
	return m
}
