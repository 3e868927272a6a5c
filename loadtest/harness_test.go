package loadtest_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/samoobsluha/samoobsluha/loadtest"
	"github.com/samoobsluha/samoobsluha/upgates/upgatestest"
)

// serverBin is the samoobsluha binary the fault tests run, built once by
// TestMain ("" in -short mode: those tests skip).
var serverBin string

func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "samoobsluha-faults-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	serverBin = filepath.Join(dir, "samoobsluha")
	build := exec.Command("go", "build", "-o", serverBin, "github.com/samoobsluha/samoobsluha/cmd/samoobsluha")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build samoobsluha for the fault tests: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// loadOrders is how many load orders the test shop has (ShopDataset).
const loadOrders = 300

// stack is one fault-test deployment: a private redis-server, the fake
// shop in this process, and instances of the real samoobsluha binary.
type stack struct {
	t       *testing.T
	redis   *loadtest.Redis
	fake    *upgatestest.Fake
	shopURL string
	logs    *syncBuffer
}

// syncBuffer collects the children's output for the failure report.
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

var reListening = regexp.MustCompile(`samoobsluha is listening on (http://\S+)`)

// newStack starts Redis and the fake shop. It skips in -short mode.
func newStack(t *testing.T) *stack {
	t.Helper()
	if serverBin == "" {
		t.Skip("fault tests start real processes; skipped in -short mode")
	}
	if _, err := os.Stat("/usr/bin/redis-server"); err != nil {
		if _, err := exec.LookPath("redis-server"); err != nil {
			t.Skip("redis-server is not installed")
		}
	}
	s := &stack{t: t, logs: &syncBuffer{}}
	r, err := loadtest.StartRedis(t.Context(), "", s.logs)
	if err != nil {
		t.Fatal(err)
	}
	s.redis = r
	t.Cleanup(func() { r.Kill() })
	s.fake = upgatestest.New(loadtest.ShopDataset(loadOrders))
	s.fake.SetQuota(1<<30, 1<<30)
	srv := httptest.NewServer(s.fake)
	t.Cleanup(srv.Close)
	s.shopURL = srv.URL + "/api/v2"
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("output of the processes:\n%s", s.logs.String())
		}
	})
	return s
}

// server starts one samoobsluha instance on the stack's Redis and shop.
func (s *stack) server(args ...string) *loadtest.Process {
	s.t.Helper()
	all := append([]string{"-addr", "127.0.0.1:0", "-redis-url", s.redis.URL(0), "-upgates-url", s.shopURL, "-log-level", "warn"}, args...)
	p, err := loadtest.StartProcess(s.t.Context(), loadtest.ProcessConfig{
		Path: serverBin,
		Args: all,
		Env: []string{"SAMOOBSLUHA_UPGATES_LOGIN=" + upgatestest.DemoLogin, "SAMOOBSLUHA_UPGATES_KEY=" + upgatestest.DemoKey,
			"SAMOOBSLUHA_SECRET=fault-test-secret-0123456789"},
		Ready: reListening,
		Log:   s.logs,
	})
	if err != nil {
		s.t.Fatal(err)
	}
	s.t.Cleanup(func() { p.Kill() })
	return p
}

func wsURL(p *loadtest.Process) string {
	return "ws://" + strings.TrimPrefix(p.URL, "http://") + "/ws?bot=default"
}

// mustDial opens a connection from source address src ("" any).
func mustDial(t *testing.T, p *loadtest.Process, src string) *loadtest.Conn {
	t.Helper()
	c, err := loadtest.Dial(t.Context(), wsURL(p), loadtest.DialOptions{SourceIP: src})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Abort() })
	return c
}

// mustTurn runs one turn that must be answered.
func mustTurn(t *testing.T, c *loadtest.Conn, frame []byte) loadtest.Turn {
	t.Helper()
	turn, _, err := c.Turn(frame, 15*time.Second)
	if err != nil {
		t.Fatalf("Turn(%s) = %v", frame, err)
	}
	return turn
}

// runSteps runs steps in order on c, checking each answer.
func runSteps(t *testing.T, c *loadtest.Conn, steps []loadtest.Step) {
	t.Helper()
	for _, st := range steps {
		turn := mustTurn(t, c, st.Frame)
		if st.Check != nil {
			if err := st.Check(turn); err != nil {
				t.Fatalf("step %s: %v", st.Name, err)
			}
		}
	}
}

// errorLog records the errors a load run saw.
type errorLog struct {
	mu   sync.Mutex
	errs []error
	max  time.Duration
}

func (l *errorLog) onTurn(_ string, d time.Duration, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.max = max(l.max, d)
	if err != nil {
		l.errs = append(l.errs, err)
	}
}

func (l *errorLog) snapshot() ([]error, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]error(nil), l.errs...), l.max
}

// quickRun is a short load with checks, which must finish without errors.
func quickRun(t *testing.T, p *loadtest.Process, c int, d time.Duration, src []string) loadtest.Result {
	t.Helper()
	r, err := loadtest.Run(t.Context(), loadtest.Config{URL: wsURL(p), Concurrency: c, Duration: d,
		Script: loadtest.LoadScript(loadOrders), Check: true, TurnTimeout: 15 * time.Second, SourceIPs: src})
	if err != nil {
		t.Fatal(err)
	}
	if r.ErrorCount() > 0 || r.Conversations == 0 {
		t.Errorf("load run: %s; errors %v", r, r.ErrorSamples)
	}
	return r
}

// waitCtx waits for ch or fails the test after d.
func waitFor(t *testing.T, ch <-chan struct{}, d time.Duration, what string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), d)
	defer cancel()
	select {
	case <-ch:
	case <-ctx.Done():
		t.Fatalf("%s did not happen within %v", what, d)
	}
}
