package bot_test

import (
	"bytes"
	"log/slog"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/samoobsluha/samoobsluha/bot"
	"github.com/samoobsluha/samoobsluha/bot/apps"
	"github.com/samoobsluha/samoobsluha/dialog"
	"github.com/samoobsluha/samoobsluha/session"
	"github.com/samoobsluha/samoobsluha/upgates"
	"github.com/samoobsluha/samoobsluha/upgates/upgatestest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// testSecret signs invoice tokens in tests.
var testSecret = []byte("bot-test-secret-0123456789")

// syncBuffer is a log sink safe for concurrent turns.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// countMetrics is a bot.Metrics that counts what it is told.
type countMetrics struct {
	mu       sync.Mutex
	turns    map[string]int // outcome -> n
	actions  map[string]int // app/outcome -> n
	lockouts int
}

func newCountMetrics() *countMetrics {
	return &countMetrics{turns: map[string]int{}, actions: map[string]int{}}
}

func (m *countMetrics) Turn(bot, channel string, d time.Duration, outcome string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.turns[outcome]++
}

func (m *countMetrics) Action(app, outcome string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.actions[app+"/"+outcome]++
}

func (m *countMetrics) Lockout(bot string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.lockouts++
}

func (m *countMetrics) action(key string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.actions[key]
}

// mustScenario parses a scenario from testdata, or the default one for
// name "default".
func mustScenario(t testing.TB, name string) *dialog.Scenario {
	t.Helper()
	var data []byte
	if name == "default" {
		data = dialog.DefaultScenario()
	} else {
		var err error
		data, err = os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
	}
	sc, err := dialog.ParseScenario(name, data)
	if err != nil {
		t.Fatalf("ParseScenario(%s): %v", name, err)
	}
	return sc
}

// fakeShop is the fake Upgates shop with the demo dataset, served over
// real HTTP.
type fakeShop struct {
	*upgatestest.Fake
	url string
}

func newShop(t testing.TB) *fakeShop {
	t.Helper()
	f := upgatestest.New(upgatestest.Demo())
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return &fakeShop{Fake: f, url: srv.URL + "/api/v2"}
}

// mustApps returns the real apps over the real Upgates client talking to
// the fake shop over HTTP.
func mustApps(t testing.TB, shop *fakeShop, botID string) *apps.Apps {
	t.Helper()
	client := upgates.New(shop.url, upgatestest.DemoLogin, upgatestest.DemoKey, upgates.Options{})
	a, err := apps.New(client, botID, apps.Options{PublicURL: "http://bot.test", Secret: testSecret})
	if err != nil {
		t.Fatalf("apps.New: %v", err)
	}
	return a
}

// harness is one bot over a fake shop.
type harness struct {
	shop    *fakeShop
	store   session.Store
	bot     *bot.Bot
	logs    *syncBuffer
	metrics *countMetrics
}

// newHarness builds a bot running scenario over a fresh fake shop and a
// memory store; cfg's non-zero fields override the defaults.
func newHarness(t testing.TB, scenario string, cfg bot.Config) *harness {
	t.Helper()
	h := &harness{shop: newShop(t), logs: &syncBuffer{}, metrics: newCountMetrics()}
	if cfg.Scenario == nil {
		cfg.Scenario = mustScenario(t, scenario)
	}
	if cfg.Apps == nil {
		id := cfg.ID
		if id == "" {
			id = "default"
		}
		cfg.Apps = mustApps(t, h.shop, id)
	}
	if cfg.Store == nil {
		cfg.Store = session.NewMemoryStore(session.MemoryOptions{})
	}
	h.store = cfg.Store
	if cfg.Logger == nil {
		cfg.Logger = newLogger(h.logs)
	}
	if cfg.Metrics == nil {
		cfg.Metrics = h.metrics
	}
	b, err := bot.New(cfg)
	if err != nil {
		t.Fatalf("bot.New: %v", err)
	}
	h.bot = b
	return h
}

// mustHandle runs one request that must succeed.
func mustHandle(t testing.TB, h bot.Handler, req bot.Request) bot.Reply {
	t.Helper()
	rep, err := h.Handle(t.Context(), req)
	if err != nil {
		t.Fatalf("Handle(%s %q%q) = %v", req.Kind, req.Text, req.Value, err)
	}
	return rep
}

// texts joins the message texts of a reply.
func texts(rep bot.Reply) string {
	var s []string
	for _, m := range rep.Messages {
		s = append(s, m.Text)
	}
	return strings.Join(s, "\n")
}

// convo is a client talking to a handler in one session.
type convo struct {
	t       testing.TB
	h       bot.Handler
	session string
	channel string
	client  string
	lang    string
}

func (c *convo) hello() bot.Reply {
	c.t.Helper()
	rep := mustHandle(c.t, c.h, bot.Request{Kind: bot.KindHello, Session: c.session, Channel: c.channel, Client: c.client, Lang: c.lang})
	c.session = rep.Session
	return rep
}

func (c *convo) text(s string) bot.Reply {
	c.t.Helper()
	return mustHandle(c.t, c.h, bot.Request{Kind: bot.KindText, Session: c.session, Channel: c.channel, Client: c.client, Text: s})
}

func (c *convo) button(v string) bot.Reply {
	c.t.Helper()
	return mustHandle(c.t, c.h, bot.Request{Kind: bot.KindButton, Session: c.session, Channel: c.channel, Client: c.client, Value: v})
}

// try sends text and returns the error too.
func (c *convo) try(s string) (bot.Reply, error) {
	return c.h.Handle(c.t.Context(), bot.Request{Kind: bot.KindText, Session: c.session, Channel: c.channel, Client: c.client, Text: s})
}

func newLogger(w *syncBuffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
