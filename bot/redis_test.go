package bot_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/samoobsluha/samoobsluha/bot"
	"github.com/samoobsluha/samoobsluha/session"
	"github.com/samoobsluha/samoobsluha/session/sessiontest"
)

// redisURL returns the test Redis or skips.
func redisURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("SAMOOBSLUHA_TEST_REDIS_URL")
	if u == "" {
		t.Skip("SAMOOBSLUHA_TEST_REDIS_URL is not set; skipping the Redis test")
	}
	return u
}

// redisInstance is one server instance's view of a shared Redis: its own
// client, store and counter under a shared test prefix.
type redisInstance struct {
	store   *session.RedisStore
	counter *session.RedisCounter
	close   func()
}

func newRedisInstance(t testing.TB, url, prefix string) *redisInstance {
	t.Helper()
	c, err := session.NewRedisClient(url)
	if err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	in := &redisInstance{
		store:   session.NewRedisStore(c, session.RedisOptions{Prefix: prefix}),
		counter: session.NewRedisCounter(c, prefix),
		close:   func() { once.Do(func() { c.Close() }) },
	}
	t.Cleanup(in.close)
	return in
}

// testPrefix is a random key prefix; all its keys are deleted at cleanup.
func testPrefix(t testing.TB, url string) string {
	t.Helper()
	prefix := "samotest:" + rand.Text()[:10] + ":"
	t.Cleanup(func() {
		c, err := session.NewRedisClient(url)
		if err != nil {
			return
		}
		defer c.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		keys, _ := c.Keys(ctx, prefix+"*").Result()
		if len(keys) > 0 {
			c.Del(ctx, keys...)
		}
	})
	return prefix
}

func TestTwoInstancesShareSessions(t *testing.T) {
	url := redisURL(t)
	prefix := testPrefix(t, url)
	mine, _ := demoOrder(t)
	one := newRedisInstance(t, url, prefix)
	two := newRedisInstance(t, url, prefix)
	h1 := newHarness(t, "bot.yaml", bot.Config{Store: one.store, Failures: one.counter})
	h2 := newHarness(t, "bot.yaml", bot.Config{Store: two.store, Failures: two.counter, Apps: mustApps(t, h1.shop, "default")})

	c := &convo{t: t, h: h1.bot}
	c.hello()
	c.text("stav")
	c.text(mine.OrderNumber)
	one.close() // the first instance stops

	c.h = h2.bot
	rep := c.text(mine.Email)
	if !strings.Contains(texts(rep), "je ve stavu") || rep.Vars["obj"] != mine.OrderNumber {
		t.Fatalf("continued on the second instance: %q vars %v", texts(rep), rep.Vars)
	}
}

func TestConcurrentTurnsAcrossInstances(t *testing.T) {
	url := redisURL(t)
	prefix := testPrefix(t, url)
	one := newRedisInstance(t, url, prefix)
	two := newRedisInstance(t, url, prefix)
	h1 := newHarness(t, "bot.yaml", bot.Config{Store: one.store, Failures: one.counter})
	h2 := newHarness(t, "bot.yaml", bot.Config{Store: two.store, Failures: two.counter, Apps: mustApps(t, h1.shop, "default")})
	sid := (&convo{t: t, h: h1.bot}).hello().Session

	// Two inputs at once on different instances, then two resumes each
	// adding a page variable: all are processed one at a time.
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i, in := range []struct {
		b   *bot.Bot
		req bot.Request
	}{
		{h1.bot, bot.Request{Kind: bot.KindText, Session: sid, Text: "první zpráva"}},
		{h2.bot, bot.Request{Kind: bot.KindText, Session: sid, Text: "druhá zpráva"}},
	} {
		wg.Go(func() { _, errs[i] = in.b.Handle(t.Context(), in.req) })
	}
	wg.Wait()
	for i, in := range []struct {
		b   *bot.Bot
		req bot.Request
	}{
		{h1.bot, bot.Request{Kind: bot.KindHello, Session: sid, Vars: map[string]string{"a": "1"}}},
		{h2.bot, bot.Request{Kind: bot.KindHello, Session: sid, Vars: map[string]string{"b": "2"}}},
	} {
		wg.Go(func() { _, errs[2+i] = in.b.Handle(t.Context(), in.req) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
	}
	s, err := two.store.Get(t.Context(), sid)
	if err != nil {
		t.Fatal(err)
	}
	if s.Public["a"] != "1" || s.Public["b"] != "2" {
		t.Errorf("public vars = %v, want both page variables", s.Public)
	}
	tr, err := two.store.Transcript(t.Context(), sid)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, e := range tr {
		lines = append(lines, e.From)
	}
	if got := strings.Join(lines, ","); got != "bot,user,bot,user,bot" {
		t.Errorf("transcript order = %s, want each input answered before the next", got)
	}
}

// freePort returns a TCP port nobody listens on.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startRedis runs a redis-server of our own on port and waits until it
// answers; the returned func stops it.
func startRedis(t testing.TB, port int, args ...string) (stop func()) {
	t.Helper()
	bin := "/usr/bin/redis-server"
	if _, err := os.Stat(bin); err != nil {
		t.Skip("redis-server not installed")
	}
	cmd := exec.Command(bin, append([]string{"--port", fmt.Sprint(port), "--bind", "127.0.0.1", "--save", ""}, args...)...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cmd.Process.Signal(os.Interrupt)
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				cmd.Process.Kill()
				<-done
			}
		})
	}
	t.Cleanup(stop)
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err == nil {
			c.Close()
			return stop
		}
		if time.Now().After(deadline) {
			t.Fatalf("redis-server on port %d did not start", port)
		}
		select {
		case <-done:
			t.Fatalf("redis-server exited")
		case <-time.After(20 * time.Millisecond): // polling a child process's port, not synchronising goroutines
		}
	}
}

func TestRedisRestartMidConversation(t *testing.T) {
	if testing.Short() {
		t.Skip("starts redis-server")
	}
	mine, _ := demoOrder(t)
	tests := []struct {
		name    string
		args    []string
		persist bool
	}{
		{"persistent", []string{"--appendonly", "yes", "--appendfsync", "always"}, true},
		{"no data", []string{"--appendonly", "no"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			port := freePort(t)
			args := append([]string{"--dir", t.TempDir()}, tt.args...)
			stop := startRedis(t, port, args...)
			url := fmt.Sprintf("redis://127.0.0.1:%d/0", port)
			in := newRedisInstance(t, url, "samotest:")
			const turnTimeout = 2 * time.Second
			h := newHarness(t, "bot.yaml", bot.Config{Store: in.store, Failures: in.counter, TurnTimeout: turnTimeout})
			c := &convo{t: t, h: h.bot}
			c.hello()
			c.text("stav")
			c.text(mine.OrderNumber)

			stop()
			start := time.Now()
			_, err := c.try(mine.Email)
			wantCode(t, err, bot.CodeUnavailable)
			if d := time.Since(start); d > turnTimeout+500*time.Millisecond {
				t.Errorf("the turn during the outage took %v, want within the %v deadline", d, turnTimeout)
			}
			if !strings.Contains(h.logs.String(), "unavailable") {
				t.Errorf("outage not logged")
			}

			startRedis(t, port, args...)
			rep, err := c.try(mine.Email)
			if err != nil {
				// The client may need one failed command to notice the
				// new server; a second try must work.
				rep, err = c.try(mine.Email)
			}
			if err != nil {
				t.Fatalf("turn after Redis is back: %v", err)
			}
			if tt.persist {
				if !strings.Contains(texts(rep), "je ve stavu") || rep.Vars["obj"] != mine.OrderNumber {
					t.Errorf("after restart: %q vars %v, want the status with variables intact", texts(rep), rep.Vars)
				}
				return
			}
			if rep.End != "expired" || texts(rep) == "" {
				t.Errorf("after restart without data: end %q %q, want a polite expiry", rep.End, texts(rep))
			}
			rep = c.hello()
			if rep.Resumed || !strings.Contains(texts(rep), "Dobrý den") {
				t.Errorf("hello after the data loss = resumed %v %q, want a new conversation", rep.Resumed, texts(rep))
			}
		})
	}
}

// TestRedisRoundTripsPerTurn counts the Redis round trips each turn of a
// conversation costs, through a counting proxy in front of a
// redis-server of the test's own. The budget: one to take the lock and
// load the session, one to save it and release the lock, one read of
// both lockout counters in every text or button turn (issued alongside
// the lock: under load it shares the lock's round trip, alone it may
// take one of its own), one write per counter for a failed verification,
// one journal save before a write to the shop, one read of the
// transcript (kept apart from the session) on a resume.
func TestRedisRoundTripsPerTurn(t *testing.T) {
	if testing.Short() {
		t.Skip("starts redis-server")
	}
	mine, _ := demoOrder(t)
	srv := sessiontest.StartRedis(t)
	proxy := sessiontest.NewRoundTrips(t, srv.Addr())
	in := newRedisInstance(t, proxy.URL(), "samotest:")
	h := newHarness(t, "bot.yaml", bot.Config{Store: in.store, Failures: in.counter})

	// Warm up: open the pool's connection and load the scripts.
	w := &convo{t: t, h: h.bot, client: "198.51.100.20"}
	w.hello()
	w.text("vzkaz")
	w.text(mine.OrderNumber)
	w.text("nekdo@example.cz")
	w.text(mine.Email)
	(&convo{t: t, h: h.bot, session: w.session}).hello()

	c := &convo{t: t, h: h.bot, client: "198.51.100.21"}
	steps := []struct {
		name string
		do   func()
		want int64
	}{
		{"hello (new session)", func() { c.hello() }, 1},
		{"menu choice", func() { c.text("stav") }, 3},
		{"order number", func() { c.text(mine.OrderNumber) }, 3},
		{"wrong e-mail (lookup, failure counted)", func() { c.text("nekdo@example.cz") }, 5},
		{"e-mail (lookup)", func() { c.text(mine.Email) }, 3},
		{"free text", func() { c.text("dobrý den, mám dotaz") }, 3},
		{"resume (lock, transcript, unlock)", func() { (&convo{t: t, h: h.bot, session: c.session}).hello() }, 3},
		{"menu choice: note", func() { c.text("vzkaz") }, 3},
		{"order number", func() { c.text(mine.OrderNumber) }, 3},
		{"e-mail (lookup, journal, write)", func() { c.text(mine.Email) }, 4},
	}
	total := int64(0)
	for _, step := range steps {
		before := proxy.Count()
		step.do()
		got := proxy.Count() - before
		total += got
		t.Logf("%-40s %d round trips", step.name, got)
		if got > step.want {
			t.Errorf("%s took %d round trips, want at most %d", step.name, got, step.want)
		}
	}
	t.Logf("%d round trips in %d turns: %.2f per turn", total, len(steps), float64(total)/float64(len(steps)))
}
