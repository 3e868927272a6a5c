package loadtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Config configures one load run.
type Config struct {
	// URL is the WebSocket endpoint, e.g. ws://127.0.0.1:8080/ws?bot=default.
	URL string
	// Concurrency is the number of conversations in flight at once (C).
	// Each runs on its own connection, one after another, with no pause
	// between turns (a closed loop: throughput is what the server allows).
	Concurrency int
	// Duration bounds the run. Conversations still running at the end are
	// abandoned; their finished turns count, they do not.
	Duration time.Duration
	// Script gives each conversation's steps.
	Script Script
	// FirstConversation is the number the run's first conversation gets
	// (Script(FirstConversation), then the next...), so that consecutive
	// runs can ask about orders no earlier run has put in a cache.
	FirstConversation int
	// Check runs each step's Check on the answer; a failed check is an
	// error of kind "check:<step>" and ends that conversation.
	Check bool
	// TurnTimeout bounds one turn (default 30s); a slower turn is an
	// error of kind "timeout".
	TurnTimeout time.Duration
	// SourceIPs are the local addresses connections are dialled from, in
	// turn (default: the kernel's choice). Several loopback addresses
	// (127.0.0.2, 127.0.0.3, ...) keep a long run from exhausting the
	// ephemeral ports of one address with TIME_WAIT sockets.
	SourceIPs []string
	// PID, when not zero, is the server's process id: its resident memory
	// is sampled during the run (Linux only).
	PID int
	// OnTurn, when not nil, is called after every turn with the step's
	// name, how long it took and its error (nil when answered; a failed
	// Check is not a turn error). Tests use it to inject a fault once the
	// load is running and to see every failure. It is called from many
	// goroutines at once and must be fast.
	OnTurn func(step string, d time.Duration, err error)
}

// Result is what one load run measured.
type Result struct {
	Concurrency int
	Elapsed     time.Duration
	// Conversations counts conversations that ran every step within the
	// run (and passed every check, when checking).
	Conversations int
	// Started counts conversations started (finished, failed or cut off
	// at the end); the next run's FirstConversation should be at least
	// the previous one's plus Started.
	Started int
	// Turns counts turns answered in full (turn_end or end) within the run.
	Turns int
	// Errors counts failed turns and connections by kind: "dial",
	// "timeout", "closed:<close code>", "read", "server:<error code>",
	// "check:<step>".
	Errors map[string]int
	// ErrorSamples holds the first few error messages, for diagnosis.
	ErrorSamples []string
	// Latency summarises the time from sending a frame to the frame that
	// ended its turn, over every answered turn.
	Latency Latency
	// PerStep is the median latency of each step name.
	PerStep map[string]time.Duration
	// Memory: the server's peak resident memory sampled during the run,
	// its VmHWM at the end, and its resident memory at the end (zero when
	// PID was not given).
	PeakRSS, HWM, EndRSS int64
	// CPU is the CPU time (user + system) the server used during the run
	// (zero when PID was not given).
	CPU time.Duration
	// ClientCPU is the CPU time this process (the load generator) used
	// during the run (Linux only; zero elsewhere).
	ClientCPU time.Duration
}

// CPUPerTurn is the server's CPU time per answered turn.
func (r Result) CPUPerTurn() time.Duration {
	if r.Turns == 0 {
		return 0
	}
	return r.CPU / time.Duration(r.Turns)
}

// Latency is a latency distribution.
type Latency struct {
	N                  int
	P50, P95, P99, Max time.Duration
	Mean               time.Duration
}

// ConversationsPerSec is Conversations over Elapsed.
func (r Result) ConversationsPerSec() float64 {
	return float64(r.Conversations) / r.Elapsed.Seconds()
}

// TurnsPerSec is Turns over Elapsed.
func (r Result) TurnsPerSec() float64 { return float64(r.Turns) / r.Elapsed.Seconds() }

// ErrorCount is the total of Errors.
func (r Result) ErrorCount() int {
	n := 0
	for _, v := range r.Errors {
		n += v
	}
	return n
}

// ErrorSummary lists the error kinds and counts, "none" when there were
// none.
func (r Result) ErrorSummary() string {
	if len(r.Errors) == 0 {
		return "none"
	}
	keys := make([]string, 0, len(r.Errors))
	for k := range r.Errors {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, r.Errors[k])
	}
	return strings.Join(parts, ", ")
}

// Summarize computes the latency distribution of samples (which it sorts).
func Summarize(samples []time.Duration) Latency {
	if len(samples) == 0 {
		return Latency{}
	}
	slices.Sort(samples)
	var sum time.Duration
	for _, d := range samples {
		sum += d
	}
	q := func(p float64) time.Duration {
		i := int(p*float64(len(samples))+0.5) - 1
		return samples[max(0, min(i, len(samples)-1))]
	}
	return Latency{N: len(samples), P50: q(0.50), P95: q(0.95), P99: q(0.99), Max: samples[len(samples)-1], Mean: sum / time.Duration(len(samples))}
}

// worker is one conversation loop's private tally.
type worker struct {
	latencies []time.Duration
	perStep   map[string][]time.Duration
	convs     int
	errors    map[string]int
	samples   []string
}

func (w *worker) fail(kind string, err error) {
	w.errors[kind]++
	if len(w.samples) < 3 {
		w.samples = append(w.samples, kind+": "+err.Error())
	}
}

// Run drives cfg.Concurrency conversations against cfg.URL for
// cfg.Duration and returns what it measured. It returns early, with what
// was measured so far, when ctx ends. An error means the run could not
// start (bad config); failures during the run are counted in Result.Errors.
func Run(ctx context.Context, cfg Config) (Result, error) {
	if cfg.URL == "" || cfg.Concurrency <= 0 || cfg.Duration <= 0 || cfg.Script == nil {
		return Result{}, errors.New("load run: URL, Concurrency, Duration and Script are required")
	}
	if cfg.TurnTimeout <= 0 {
		cfg.TurnTimeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.Duration)
	defer cancel()
	start := time.Now()
	deadline := start.Add(cfg.Duration)

	var mem memSampler
	var cpu0 time.Duration
	self0, _ := ReadProcCPU(os.Getpid())
	if cfg.PID != 0 {
		mem.start(cfg.PID)
		cpu0, _ = ReadProcCPU(cfg.PID)
	}

	var clientCPU time.Duration
	var next atomic.Int64
	next.Store(int64(cfg.FirstConversation))
	workers := make([]*worker, cfg.Concurrency)
	var wg sync.WaitGroup
	for i := range workers {
		w := &worker{perStep: map[string][]time.Duration{}, errors: map[string]int{}}
		workers[i] = w
		wg.Go(func() {
			for ctx.Err() == nil {
				n := int(next.Add(1) - 1)
				src := ""
				if len(cfg.SourceIPs) > 0 {
					src = cfg.SourceIPs[n%len(cfg.SourceIPs)]
				}
				if !converse(ctx, cfg, w, n, src, deadline) {
					// The server refused the connection: back off a
					// little rather than spin.
					t := time.NewTimer(50 * time.Millisecond)
					select {
					case <-ctx.Done():
					case <-t.C:
					}
					t.Stop()
				}
			}
		})
	}
	wg.Wait()
	elapsed := min(time.Since(start), cfg.Duration)
	if self1, err := ReadProcCPU(os.Getpid()); err == nil {
		clientCPU = self1 - self0
	}

	r := Result{Concurrency: cfg.Concurrency, Elapsed: elapsed, Errors: map[string]int{}, PerStep: map[string]time.Duration{},
		Started: int(next.Load()) - cfg.FirstConversation, ClientCPU: clientCPU}
	var all []time.Duration
	steps := map[string][]time.Duration{}
	for _, w := range workers {
		r.Conversations += w.convs
		all = append(all, w.latencies...)
		for k, v := range w.errors {
			r.Errors[k] += v
		}
		for k, v := range w.perStep {
			steps[k] = append(steps[k], v...)
		}
		for _, s := range w.samples {
			if len(r.ErrorSamples) < 8 {
				r.ErrorSamples = append(r.ErrorSamples, s)
			}
		}
	}
	r.Turns = len(all)
	r.Latency = Summarize(all)
	for k, v := range steps {
		r.PerStep[k] = Summarize(v).P50
	}
	if cfg.PID != 0 {
		r.PeakRSS = mem.stop()
		if m, err := ReadProcMemory(cfg.PID); err == nil {
			r.HWM, r.EndRSS = m.HWM, m.RSS
			r.PeakRSS = max(r.PeakRSS, m.RSS)
		}
		if c, err := ReadProcCPU(cfg.PID); err == nil {
			r.CPU = c - cpu0
		}
	}
	return r, nil
}

// converse runs one conversation; it reports false when it could not
// connect.
func converse(ctx context.Context, cfg Config, w *worker, n int, src string, deadline time.Time) bool {
	c, err := Dial(ctx, cfg.URL, DialOptions{SourceIP: src, Timeout: cfg.TurnTimeout})
	if err != nil {
		if ctx.Err() == nil && time.Now().Before(deadline) {
			w.fail("dial", err)
		}
		return false
	}
	// Closing the connection when the run ends unblocks a turn in flight.
	stop := context.AfterFunc(ctx, func() { c.Abort() })
	defer stop()
	defer c.Close()
	for _, st := range cfg.Script(n) {
		if time.Now().After(deadline) {
			return true
		}
		t, d, err := c.Turn(st.Frame, cfg.TurnTimeout)
		if cfg.OnTurn != nil && (err == nil || ctx.Err() == nil) {
			cfg.OnTurn(st.Name, d, err)
		}
		if err != nil {
			// A turn cut by the end of the run is not an error.
			if ctx.Err() == nil && time.Now().Before(deadline) {
				w.fail(errorKind(err), err)
			}
			return true
		}
		if time.Now().After(deadline) {
			return true
		}
		w.latencies = append(w.latencies, d)
		w.perStep[st.Name] = append(w.perStep[st.Name], d)
		if cfg.Check && st.Check != nil {
			if err := st.Check(t); err != nil {
				w.fail("check:"+st.Name, err)
				return true
			}
		}
	}
	w.convs++
	return true
}

// errorKind classifies a turn's error for Result.Errors.
func errorKind(err error) string {
	var se *ServerError
	var ne net.Error
	switch {
	case errors.As(err, &se):
		return "server:" + se.Code
	case CloseCode(err) != 0:
		return fmt.Sprintf("closed:%d", CloseCode(err))
	case errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	default:
		return "read"
	}
}

// memSampler records the peak resident memory of a process.
type memSampler struct {
	peak atomic.Int64
	quit chan struct{}
	done chan struct{}
}

func (m *memSampler) start(pid int) {
	m.quit, m.done = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(m.done)
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			if pm, err := ReadProcMemory(pid); err == nil && pm.RSS > m.peak.Load() {
				m.peak.Store(pm.RSS)
			}
			select {
			case <-m.quit:
				return
			case <-t.C:
			}
		}
	}()
}

func (m *memSampler) stop() int64 {
	close(m.quit)
	<-m.done
	return m.peak.Load()
}

// String is a one-paragraph human summary of the run.
func (r Result) String() string {
	s := fmt.Sprintf("C=%d %v: %d conversations (%.1f/s), %d turns (%.1f/s), latency p50 %v p95 %v p99 %v max %v, errors: %s",
		r.Concurrency, r.Elapsed.Round(time.Millisecond), r.Conversations, r.ConversationsPerSec(), r.Turns, r.TurnsPerSec(),
		ms(r.Latency.P50), ms(r.Latency.P95), ms(r.Latency.P99), ms(r.Latency.Max), r.ErrorSummary())
	if r.PeakRSS > 0 {
		s += fmt.Sprintf(", server peak RSS %.1f MiB (VmHWM %.1f MiB), server CPU %v (%.0fµs per turn)", mib(r.PeakRSS), mib(r.HWM),
			r.CPU.Round(time.Millisecond), float64(r.CPUPerTurn())/float64(time.Microsecond))
	}
	return s
}

func ms(d time.Duration) string {
	return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond))
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }
