package loadtest_test

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/samoobsluha/samoobsluha/loadtest"
	"github.com/samoobsluha/samoobsluha/upgates/upgatestest"
)

// The soak tests run only when SAMOOBSLUHA_SOAK is set (scripts/soak sets
// it): they take minutes. SAMOOBSLUHA_SOAK_DURATION (default 10m) bounds
// TestSoakFaultCycle; SAMOOBSLUHA_SOAK_C (default 50) is its concurrency.
func soakSettings(t *testing.T) (time.Duration, int) {
	t.Helper()
	if os.Getenv("SAMOOBSLUHA_SOAK") == "" {
		t.Skip("soak test: set SAMOOBSLUHA_SOAK=1 (scripts/soak)")
	}
	d, c := 10*time.Minute, 50
	if v := os.Getenv("SAMOOBSLUHA_SOAK_DURATION"); v != "" {
		var err error
		if d, err = time.ParseDuration(v); err != nil {
			t.Fatalf("SAMOOBSLUHA_SOAK_DURATION: %v", err)
		}
	}
	if v := os.Getenv("SAMOOBSLUHA_SOAK_C"); v != "" {
		var err error
		if c, err = strconv.Atoi(v); err != nil {
			t.Fatalf("SAMOOBSLUHA_SOAK_C: %v", err)
		}
	}
	return d, c
}

// politeKinds are the error kinds a customer may see during a fault: an
// apology frame. Dropped connections are allowed only on a killed
// instance.
func polite(kind string) bool {
	return kind == "server:unavailable" || kind == "server:expired"
}

// TestSoakFaultCycle runs load on two instances for the soak duration and
// cycles faults every minute: Redis restarted empty, instance A killed and
// started again on its port, the shop slow (2 s) for 20 s, the shop
// answering 429 and then 500 in bursts. Instance B's customers only ever
// see polite error frames, every answer comes within the turn deadline,
// both instances serve cleanly after the last fault, and B's memory and
// goroutines do not grow with time.
func TestSoakFaultCycle(t *testing.T) {
	d, c := soakSettings(t)
	st := newStack(t)
	portA, err := loadtest.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	addrA := fmt.Sprintf("127.0.0.1:%d", portA)
	a := st.server("-turn-timeout", serverTurnTimeout.String(), "-addr", addrA)
	b := st.server("-turn-timeout", serverTurnTimeout.String())
	urlA := wsURL(a)
	bMetrics := b.URL + "/metrics"
	g0, _ := loadtest.MetricSum(t.Context(), bMetrics, "go_goroutines", nil)

	var logA, logB errorLog
	doneA, doneB := make(chan loadtest.Result, 1), make(chan loadtest.Result, 1)
	run := func(url string, log *errorLog, out chan loadtest.Result, pid int) {
		r, _ := loadtest.Run(t.Context(), loadtest.Config{URL: url, Concurrency: c / 2, Duration: d,
			Script: loadtest.LoadScript(loadOrders), TurnTimeout: 2 * serverTurnTimeout, OnTurn: log.onTurn, PID: pid})
		out <- r
	}
	go run(urlA, &logA, doneA, 0)
	go run(wsURL(b), &logB, doneB, b.PID)

	var aMu sync.Mutex
	faults := []struct {
		name string
		do   func()
	}{
		{"Redis restarted empty", func() {
			st.redis.Kill()
			if err := st.redis.Start(t.Context()); err != nil {
				t.Error(err)
			}
		}},
		{"instance A killed and restarted", func() {
			aMu.Lock()
			defer aMu.Unlock()
			a.Kill()
			a = st.server("-turn-timeout", serverTurnTimeout.String(), "-addr", addrA)
		}},
		{"shop slow (2 s) for 20 s", func() {
			st.fake.SetLatency(2 * time.Second)
			time.AfterFunc(20*time.Second, func() { st.fake.SetLatency(0) })
		}},
		{"shop 429 x20 (Retry-After 1 s)", func() { st.fake.RateLimit(20, time.Second, true) }},
		{"shop 500 x50", func() { st.fake.Fail(http.StatusInternalServerError, 50) }},
	}
	var rss []int64
	tick := time.NewTicker(time.Minute)
	defer tick.Stop()
	end := time.After(d)
	for i := 0; ; i++ {
		select {
		case <-tick.C:
			f := faults[i%len(faults)]
			t.Logf("%s: fault: %s", time.Now().Format("15:04:05"), f.name)
			f.do()
			if m, err := loadtest.ReadProcMemory(b.PID); err == nil {
				rss = append(rss, m.RSS)
			}
			continue
		case <-end:
		}
		break
	}
	ra, rb := <-doneA, <-doneB
	t.Logf("instance A: %s", ra)
	t.Logf("instance B: %s", rb)
	errsB, slowest := logB.snapshot()
	for _, err := range errsB {
		var se *loadtest.ServerError
		if !errors.As(err, &se) || !polite("server:"+se.Code) || se.Message == "" {
			t.Errorf("instance B: customer saw %v, want only polite error frames", err)
			break
		}
	}
	if slowest > serverTurnTimeout+time.Second {
		t.Errorf("instance B: slowest turn %v, want within the %v turn deadline", slowest, serverTurnTimeout)
	}
	st.fake.SetLatency(0)
	st.fake.Fail(0, 0)
	st.fake.RateLimit(0, 0, false)
	aMu.Lock()
	quickRun(t, a, 5, 5*time.Second, nil)
	aMu.Unlock()
	quickRun(t, b, 5, 5*time.Second, nil)
	if len(rss) >= 3 && rss[len(rss)-1] > 2*rss[0] {
		t.Errorf("instance B RSS grew from %d to %d bytes over the soak", rss[0], rss[len(rss)-1])
	}
	g1, _ := loadtest.MetricSum(t.Context(), bMetrics, "go_goroutines", nil)
	t.Logf("instance B goroutines: %v before the load, %v after; RSS samples %v", g0, g1, rss)
	if g1 > g0+20 {
		t.Errorf("instance B has %v goroutines after the load, %v before: a leak", g1, g0)
	}
}

// delayedShop serves the fake shop but holds each PUT's answer until
// release is closed (after the fake has applied the write), so that a
// server can be killed after its write reached the shop and before it
// learnt the outcome.
type delayedShop struct {
	fake    *upgatestest.Fake
	release chan struct{}
	arrived chan struct{}
	once    sync.Once
	puts    atomic.Int64
}

func (d *delayedShop) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPut {
		d.fake.ServeHTTP(w, r)
		return
	}
	d.puts.Add(1)
	rec := httptest.NewRecorder()
	d.fake.ServeHTTP(rec, r)
	d.once.Do(func() { close(d.arrived) })
	select {
	case <-d.release:
	case <-r.Context().Done():
		return
	}
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	w.Write(rec.Body.Bytes())
}

// TestSoakKilledMidWrite kills the instance running a cancellation after
// the shop applied it and before the instance learnt so. The customer
// reconnects to the other instance and resumes; once the dead instance's
// session lock expires (30 s) the conversation goes on, and the
// cancellation is never sent a second time.
func TestSoakKilledMidWrite(t *testing.T) {
	soakSettings(t)
	st := newStack(t)
	shop := &delayedShop{fake: st.fake, release: make(chan struct{}), arrived: make(chan struct{})}
	srv := httptest.NewServer(shop)
	defer srv.Close()
	st.shopURL = srv.URL + "/api/v2"
	a := st.server()
	b := st.server()

	const order = "2026000101" // awaiting payment: cancellable
	email := ""
	for _, h := range upgatestest.DemoHints() {
		if h.OrderNumber == order {
			email = h.Email
		}
	}
	ca := mustDial(t, a, "")
	hello := mustTurn(t, ca, loadtest.Hello("cs", ""))
	mustTurn(t, ca, loadtest.Press("cancel"))
	mustTurn(t, ca, loadtest.Text(order))
	confirm := mustTurn(t, ca, loadtest.Text(email))
	if confirm.Expect == nil || confirm.Expect.Input != "yes_no" {
		t.Fatalf("before the cancellation: %q expect %+v, want the yes/no confirmation", confirm.Text(), confirm.Expect)
	}
	if err := ca.Send(loadtest.Text("ano"), time.Second); err != nil {
		t.Fatal(err)
	}
	waitFor(t, shop.arrived, 15*time.Second, "the cancellation reaching the shop")
	a.Kill()
	close(shop.release)

	// The customer reconnects to B. Until A's lock expires the session is
	// busy (a polite error); then it resumes.
	deadline := time.Now().Add(45 * time.Second)
	var resumed loadtest.Turn
	for {
		cb := mustDial(t, b, "")
		turn, _, err := cb.Turn(loadtest.Hello("cs", hello.Session), 15*time.Second)
		if err == nil {
			resumed = turn
			// Whatever the bot asks now, confirming again must not cancel twice.
			for _, f := range [][]byte{loadtest.Text("ano"), loadtest.Press("done")} {
				turn, _, err := cb.Turn(f, 15*time.Second)
				t.Logf("after resuming, %s -> %q %v", f, turn.Text(), err)
			}
			break
		}
		var se *loadtest.ServerError
		if !errors.As(err, &se) || se.Message == "" {
			t.Fatalf("hello on B while A's lock is held: %v, want a polite error", err)
		}
		if time.Now().After(deadline) {
			t.Fatalf("session still busy 45 s after the instance died: %v", err)
		}
		cb.Close()
		time.Sleep(2 * time.Second) // a customer retrying, not synchronisation
	}
	if !resumed.Resumed {
		t.Errorf("hello on B: not resumed")
	}
	puts := st.fake.CallCount(upgatestest.ByMethod(http.MethodPut), func(c upgatestest.Call) bool {
		return bytes.Contains(c.Body, []byte(order)) || strings.Contains(c.Path, order)
	})
	t.Logf("cancellations of %s sent to the shop: %d", order, puts)
	if puts != 1 {
		t.Errorf("the cancellation reached the shop %d times, want exactly once", puts)
	}
}
