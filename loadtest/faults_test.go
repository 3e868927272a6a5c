package loadtest_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/samoobsluha/samoobsluha/loadtest"
	"github.com/samoobsluha/samoobsluha/upgates/upgatestest"
)

// serverTurnTimeout is the -turn-timeout the fault tests give the server;
// every answer, polite apology included, must come within it.
const serverTurnTimeout = 5 * time.Second

// afterTurns returns an OnTurn hook that closes the returned channel once
// n turns have been answered, and records every turn in log.
func afterTurns(n int64, log *errorLog) (func(string, time.Duration, error), <-chan struct{}, <-chan struct{}) {
	reached, failed := make(chan struct{}), make(chan struct{})
	var ok atomic.Int64
	var once1, once2 sync.Once
	return func(step string, d time.Duration, err error) {
		log.onTurn(step, d, err)
		if err != nil {
			once2.Do(func() { close(failed) })
		} else if ok.Add(1) == n {
			once1.Do(func() { close(reached) })
		}
	}, reached, failed
}

// TestFaultRedisRestart stops Redis under load and starts it again (empty,
// as after a crash without persistence). While it is down every turn gets a
// polite "unavailable" error frame within the turn deadline; a conversation
// whose session the restart lost is told politely that it expired; no
// connection is dropped; afterwards conversations run normally.
func TestFaultRedisRestart(t *testing.T) {
	st := newStack(t)
	srv := st.server("-turn-timeout", serverTurnTimeout.String())
	var log errorLog
	hook, running, failing := afterTurns(100, &log)
	done := make(chan loadtest.Result, 1)
	go func() {
		r, _ := loadtest.Run(t.Context(), loadtest.Config{URL: wsURL(srv), Concurrency: 10, Duration: 6 * time.Second,
			Script: loadtest.LoadScript(loadOrders), TurnTimeout: 2 * serverTurnTimeout, OnTurn: hook})
		done <- r
	}()
	waitFor(t, running, 15*time.Second, "100 answered turns")
	st.redis.Kill()
	waitFor(t, failing, 15*time.Second, "a turn failing while Redis is down")
	if err := st.redis.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	r := <-done
	t.Logf("during the outage: %s", r)

	errs, slowest := log.snapshot()
	if len(errs) == 0 {
		t.Fatal("no turn failed while Redis was down: the fault did not happen")
	}
	for _, err := range errs {
		var se *loadtest.ServerError
		if !errors.As(err, &se) || (se.Code != "unavailable" && se.Code != "expired") || se.Message == "" {
			t.Errorf("turn error during the outage = %v, want a polite error frame with code unavailable (or expired, for a session the restart lost)", err)
		}
	}
	if slowest > serverTurnTimeout+time.Second {
		t.Errorf("slowest turn took %v, want within the turn deadline %v", slowest, serverTurnTimeout)
	}
	for kind := range r.Errors {
		if !strings.HasPrefix(kind, "server:") {
			t.Errorf("connections dropped or turns unanswered (%s): %s", kind, r.ErrorSummary())
		}
	}
	after := quickRun(t, srv, 5, 2*time.Second, nil)
	t.Logf("after the restart: %s", after)
}

// TestFaultInstanceKilled runs load on two instances sharing Redis and
// kills one (SIGKILL). The other keeps serving without a single error, and
// a customer whose conversation was on the dead instance reconnects to the
// other one, resumes the same session where it stopped and finishes.
func TestFaultInstanceKilled(t *testing.T) {
	st := newStack(t)
	a := st.server("-turn-timeout", serverTurnTimeout.String())
	b := st.server("-turn-timeout", serverTurnTimeout.String())

	// A customer gets as far as the e-mail question on A.
	steps := loadtest.LoadScript(loadOrders)(7)
	ca := mustDial(t, a, "")
	hello := mustTurn(t, ca, steps[0].Frame)
	for _, s := range steps[1:3] {
		mustTurn(t, ca, s.Frame)
	}

	var logA, logB errorLog
	hookA, running, _ := afterTurns(50, &logA)
	doneA, doneB := make(chan loadtest.Result, 1), make(chan loadtest.Result, 1)
	for _, x := range []struct {
		p    *loadtest.Process
		hook func(string, time.Duration, error)
		out  chan loadtest.Result
	}{{a, hookA, doneA}, {b, logB.onTurn, doneB}} {
		go func() {
			r, _ := loadtest.Run(t.Context(), loadtest.Config{URL: wsURL(x.p), Concurrency: 5, Duration: 4 * time.Second,
				Script: loadtest.LoadScript(loadOrders), Check: true, TurnTimeout: 2 * serverTurnTimeout, OnTurn: x.hook})
			x.out <- r
		}()
	}
	waitFor(t, running, 15*time.Second, "50 answered turns on instance A")
	a.Kill()
	ra, rb := <-doneA, <-doneB
	t.Logf("instance A (killed): %s", ra)
	t.Logf("instance B: %s", rb)
	if rb.ErrorCount() > 0 || rb.Conversations == 0 {
		t.Errorf("instance B: %s %v, want conversations and no errors", rb, rb.ErrorSamples)
	}
	if ra.ErrorCount() == 0 {
		t.Errorf("instance A: no errors after it was killed: the fault did not happen")
	}

	// The customer of A reconnects to B and carries on.
	cb := mustDial(t, b, "")
	resumed := mustTurn(t, cb, loadtest.Hello("cs", hello.Session))
	if !resumed.Resumed || resumed.Session != hello.Session {
		t.Fatalf("hello on B with A's session: resumed %v session %q, want the same session resumed", resumed.Resumed, resumed.Session)
	}
	if resumed.Expect == nil || resumed.Expect.Input != "email" {
		t.Fatalf("resumed on B: expect %+v, want the pending e-mail question", resumed.Expect)
	}
	runSteps(t, cb, steps[3:])
}

// TestFaultSlowShop makes every shop answer take 2 s. Three customers at
// once still get every answer right, each within the turn deadline.
func TestFaultSlowShop(t *testing.T) {
	st := newStack(t)
	srv := st.server()
	st.fake.SetLatency(2 * time.Second)
	var wg sync.WaitGroup
	errs := make(chan error, 3)
	var slowest atomic.Int64
	for k := range 3 {
		wg.Go(func() {
			c, err := loadtest.Dial(t.Context(), wsURL(srv), loadtest.DialOptions{})
			if err != nil {
				errs <- err
				return
			}
			defer c.Close()
			for _, s := range loadtest.LoadScript(loadOrders)(20 + k) {
				turn, d, err := c.Turn(s.Frame, 15*time.Second)
				if err == nil {
					err = s.Check(turn)
				}
				if err != nil {
					errs <- fmt.Errorf("customer %d, step %s: %w", k, s.Name, err)
					return
				}
				if int64(d) > slowest.Load() {
					slowest.Store(int64(d))
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	d := time.Duration(slowest.Load())
	t.Logf("slowest turn with a 2 s shop: %v", d)
	if d < 2*time.Second || d > 10*time.Second {
		t.Errorf("slowest turn %v, want between the shop's 2 s and the 10 s turn deadline", d)
	}
}

// TestFaultShopRateLimited makes the shop answer 429 with Retry-After. The
// client waits as told and retries; customers see no error.
func TestFaultShopRateLimited(t *testing.T) {
	st := newStack(t)
	srv := st.server()
	st.fake.RateLimit(4, time.Second, true)
	r := quickRun(t, srv, 3, 4*time.Second, nil)
	t.Logf("429 with Retry-After: %s", r)
	n429 := st.fake.CallCount(func(c upgatestest.Call) bool { return c.Status == http.StatusTooManyRequests })
	if n429 == 0 {
		t.Errorf("the shop answered no 429: the fault did not happen")
	}
}

// TestFaultShopErrors makes every shop call fail with 500. The customer is
// told politely (with a way on) within the turn deadline; once the shop
// recovers, the same conversation carries on to the answer.
func TestFaultShopErrors(t *testing.T) {
	st := newStack(t)
	srv := st.server("-turn-timeout", serverTurnTimeout.String())
	st.fake.Fail(http.StatusInternalServerError, 1_000_000)
	steps := loadtest.LoadScript(loadOrders)(11)
	c := mustDial(t, srv, "")
	mustTurn(t, c, steps[0].Frame)
	mustTurn(t, c, steps[1].Frame)
	start := time.Now()
	down := mustTurn(t, c, steps[2].Frame) // the order number: a shop lookup
	if d := time.Since(start); d > serverTurnTimeout {
		t.Errorf("apology took %v, want within %v", d, serverTurnTimeout)
	}
	if down.Text() == "" || !strings.Contains(strings.Join(down.ButtonValues(), " "), "menu") {
		t.Fatalf("answer while the shop fails: %q buttons %v, want an apology offering to try again", down.Text(), down.ButtonValues())
	}
	st.fake.Fail(0, 0)
	mustTurn(t, c, loadtest.Press("menu"))
	runSteps(t, c, steps[1:])
}
