package loadtest_test

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/samoobsluha/samoobsluha/loadtest"
	"github.com/samoobsluha/samoobsluha/upgates/upgatestest"
)

// Source addresses: the attacker and the customers come from different
// loopback addresses, so that the per-client lockout tells them apart.
const (
	attackerIP = "127.0.0.66"
	customerIP = "127.0.0.77"
)

var customerIPs = []string{customerIP, "127.0.0.78", "127.0.0.79"}

// needLoopbackAddresses skips a test on systems where only 127.0.0.1 can be
// dialled from (Linux routes all of 127/8 to the loopback interface).
func needLoopbackAddresses(t *testing.T) {
	t.Helper()
	for _, ip := range []string{attackerIP, customerIP, "127.0.0.78", "127.0.0.79", "127.0.0.90", "127.0.0.91"} {
		ln, err := net.Listen("tcp", ip+":0")
		if err != nil {
			t.Skipf("cannot use loopback address %s: %v", ip, err)
		}
		ln.Close()
	}
}

// TestHostileGuessedOrders sends 1,000 guessed order numbers from one
// client address over 125 connections (new sessions do not reset the
// count). After the lockout limit the client is locked: no more lookups
// reach the shop. A customer from another address is served meanwhile.
func TestHostileGuessedOrders(t *testing.T) {
	needLoopbackAddresses(t)
	st := newStack(t)
	const limit = 5
	srv := st.server("-lockout-max", fmt.Sprint(limit))

	isGuess := func(c upgatestest.Call) bool { return strings.HasPrefix(c.Path, "/orders/20269") }
	var guesses, locked, answered atomic.Int64
	var wg sync.WaitGroup
	sem := make(chan struct{}, 10)
	errs := make(chan error, 125)
	for conn := range 125 {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			c, err := loadtest.Dial(t.Context(), wsURL(srv), loadtest.DialOptions{SourceIP: attackerIP})
			if err != nil {
				errs <- err
				return
			}
			defer c.Close()
			// hello, the status button and 8 guesses: 10 frames, within
			// the per-connection burst.
			for i, f := range loadtest.GuessScript(8)(conn) {
				turn, _, err := c.Turn(f.Frame, 15*time.Second)
				if i < 2 {
					if err != nil {
						errs <- fmt.Errorf("%s: %w", f.Name, err)
						return
					}
					continue
				}
				guesses.Add(1)
				var se *loadtest.ServerError
				switch {
				case err == nil && isLockedAnswer(turn):
					locked.Add(1)
				case err == nil:
					answered.Add(1)
				case errors.As(err, &se) && se.Code == "locked" && se.Message != "":
					locked.Add(1)
				default:
					errs <- fmt.Errorf("guess: %w", err)
					return
				}
			}
		})
	}
	// Meanwhile a customer from another address gets the whole answer.
	customer := mustDial(t, srv, customerIP)
	runSteps(t, customer, loadtest.LoadScript(loadOrders)(3))
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	calls := st.fake.CallCount(isGuess)
	t.Logf("%d guesses: %d answered otherwise (not found, or the scenario restarted after the locked end), %d refused as locked; %d reached the shop", guesses.Load(), answered.Load(), locked.Load(), calls)
	if guesses.Load() != 1000 {
		t.Errorf("sent %d guesses, want 1000", guesses.Load())
	}
	// Up to 10 connections guess at once, so a few lookups may be in flight
	// when the limit is reached.
	if calls > limit+10 {
		t.Errorf("%d guessed lookups reached the shop, want at most %d (the limit plus those in flight)", calls, limit+10)
	}
	if locked.Load() < 100 {
		t.Errorf("%d guesses refused as locked, want every connection after the limit to be told", locked.Load())
	}
	// The attacker stays locked; the customer is not.
	before := st.fake.CallCount(isGuess)
	c := mustDial(t, srv, attackerIP)
	mustTurn(t, c, loadtest.Hello("cs", ""))
	mustTurn(t, c, loadtest.Press("status"))
	turn, _, err := c.Turn(loadtest.Text("2026999999"), 15*time.Second)
	var se *loadtest.ServerError
	if !(err == nil && isLockedAnswer(turn)) && !(errors.As(err, &se) && se.Code == "locked") {
		t.Errorf("a new session of the locked client: %q, %v; want the locked answer", turn.Text(), err)
	}
	if st.fake.CallCount(isGuess) != before {
		t.Errorf("a locked client's lookup reached the shop")
	}
	quickRun(t, srv, 3, time.Second, customerIPs)
}

// TestHostileFramesAndClients runs normal load while hostile clients
// flood frames, send oversized, malformed, binary and invalid UTF-8
// frames, never read their answers, or just hold idle connections. Each
// hostile client gets the answer PROTOCOL.md promises, and the customers'
// load runs without a single error.
func TestHostileFramesAndClients(t *testing.T) {
	needLoopbackAddresses(t)
	st := newStack(t)
	srv := st.server()
	done := make(chan loadtest.Result, 1)
	go func() {
		r, _ := loadtest.Run(t.Context(), loadtest.Config{URL: wsURL(srv), Concurrency: 5, Duration: 5 * time.Second,
			Script: loadtest.LoadScript(loadOrders), Check: true, TurnTimeout: 10 * time.Second, SourceIPs: customerIPs})
		done <- r
	}()

	// 500 idle connections, held while everything else happens.
	idleDone := make(chan loadtest.IdleResult, 1)
	go func() {
		r, _ := loadtest.Idle(t.Context(), loadtest.IdleConfig{URL: wsURL(srv), Conns: 500, Hold: 3 * time.Second, SourceIPs: []string{"127.0.0.90", "127.0.0.91"}})
		idleDone <- r
	}()

	t.Run("malformed", func(t *testing.T) {
		c := mustDial(t, srv, attackerIP)
		for _, f := range []string{`{`, `[]`, `{"type":"nope"}`, `{"type":"text"}`, `{"type":"text","text":42}`, `{"type":"text","text":"before hello"}`} {
			_, _, err := c.Turn([]byte(f), 5*time.Second)
			var se *loadtest.ServerError
			if !errors.As(err, &se) || se.Code != "bad_frame" {
				t.Errorf("frame %s: %v, want error bad_frame", f, err)
			}
		}
		if err := c.SendRaw(websocket.BinaryMessage, []byte{1, 2, 3}, time.Second); err != nil {
			t.Fatal(err)
		}
		var se *loadtest.ServerError
		if _, err := c.ReadTurn(5 * time.Second); !errors.As(err, &se) || se.Code != "bad_frame" {
			t.Errorf("binary frame: %v, want error bad_frame", err)
		}
		// The connection still serves.
		if turn := mustTurn(t, c, loadtest.Hello("cs", "")); turn.Session == "" {
			t.Errorf("hello after refused frames: no session")
		}
	})

	t.Run("invalid UTF-8", func(t *testing.T) {
		c := mustDial(t, srv, attackerIP)
		if err := c.SendRaw(websocket.TextMessage, []byte("{\"type\":\"text\",\"text\":\"\xff\xfe\"}"), time.Second); err != nil {
			t.Fatal(err)
		}
		if _, err := c.ReadTurn(5 * time.Second); loadtest.CloseCode(err) != websocket.CloseInvalidFramePayloadData {
			t.Errorf("invalid UTF-8: %v, want close 1007", err)
		}
	})

	t.Run("oversized", func(t *testing.T) {
		c := mustDial(t, srv, attackerIP)
		hello := mustTurn(t, c, loadtest.Hello("cs", ""))
		big := loadtest.Text(strings.Repeat("x", 5000))
		if err := c.Send(big, time.Second); err != nil {
			t.Fatal(err)
		}
		if _, err := c.ReadTurn(5 * time.Second); loadtest.CloseCode(err) != websocket.CloseMessageTooBig {
			t.Errorf("5000-byte frame: %v, want close 1009", err)
		}
		// The client reconnects and resumes.
		c2 := mustDial(t, srv, attackerIP)
		if turn := mustTurn(t, c2, loadtest.Hello("cs", hello.Session)); !turn.Resumed {
			t.Errorf("reconnect after 1009: not resumed")
		}
	})

	t.Run("flood", func(t *testing.T) {
		c := mustDial(t, srv, attackerIP)
		mustTurn(t, c, loadtest.Hello("cs", ""))
		for i := range 300 {
			if err := c.Send(loadtest.Text(fmt.Sprint("flood ", i)), time.Second); err != nil {
				break // the server closed the connection: allowed
			}
		}
		// Every frame over the limit is refused with rate_limited (or the
		// connection is closed for a full send queue).
		limited, closed := 0, false
		for {
			f, err := c.Read(5 * time.Second)
			if err != nil {
				closed = loadtest.CloseCode(err) != 0 || !isTimeout(err)
				break
			}
			if f.Type == "error" && f.Code == "rate_limited" {
				limited++
			}
			if limited >= 250 {
				break
			}
		}
		t.Logf("flood of 300 frames: %d refused as rate_limited, closed %v", limited, closed)
		if limited < 250 && !closed {
			t.Errorf("flood: %d rate_limited errors and the connection open, want nearly all 300 refused", limited)
		}
	})

	t.Run("never reads", func(t *testing.T) {
		// Clients that send their frames and never read the answers.
		for range 20 {
			c := mustDial(t, srv, attackerIP)
			c.Send(loadtest.Hello("cs", ""), time.Second)
			for i := range 9 {
				c.Send(loadtest.Text(fmt.Sprint("hello ", i)), time.Second)
			}
		}
	})

	r := <-done
	t.Logf("customers meanwhile: %s", r)
	if r.ErrorCount() > 0 || r.Conversations == 0 {
		t.Errorf("customers: %s %v, want conversations and no errors", r, r.ErrorSamples)
	}
	if r.Latency.P99 > 2*time.Second {
		t.Errorf("customers' p99 %v with hostile clients around, want under 2 s", r.Latency.P99)
	}
	ir := <-idleDone
	if ir.Opened != 500 || ir.Dropped != 0 {
		t.Errorf("idle connections: %d opened, %d dropped, want 500 held (%v)", ir.Opened, ir.Dropped, ir.ErrorSamples)
	}
}

// isLockedAnswer reports whether a turn is the default scenario's polite
// "verification paused" end (its locked box).
func isLockedAnswer(t loadtest.Turn) bool {
	return t.End != "" && (strings.Contains(t.Text(), "pozastavil") || strings.Contains(t.Text(), "paused verification"))
}

func isTimeout(err error) bool {
	var ne interface{ Timeout() bool }
	return errors.As(err, &ne) && ne.Timeout()
}
