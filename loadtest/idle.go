package loadtest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// IdleConfig configures an idle-connection run.
type IdleConfig struct {
	// URL is the WebSocket endpoint.
	URL string
	// Conns is the number of connections to open and hold (N).
	Conns int
	// Hold is how long they are held after the last one opened, before
	// memory is read again (default 5s); the server pings them meanwhile
	// only if Hold exceeds its ping interval.
	Hold time.Duration
	// Parallel is how many connections are opened at once (default 100).
	Parallel int
	// SourceIPs are the local addresses to dial from, in turn: one address
	// has about 28,000 ephemeral ports.
	SourceIPs []string
	// PID, when not zero, is the server's process id for memory readings.
	PID int
	// MetricsURL, when not empty, is the server's Prometheus endpoint: the
	// Go runtime's goroutine, stack and heap figures are read before and
	// after, to say where the memory per connection goes.
	MetricsURL string
	// Settle, when not nil, is called after the connections are open and
	// before memory is read (the server has answered every hello by then).
	Settle func()
}

// IdleResult is what an idle run measured.
type IdleResult struct {
	// Opened counts connections that said hello and got the opening turn;
	// Failed counts those that did not; Dropped counts opened connections
	// the server had closed by the end of Hold.
	Opened, Failed, Dropped int
	// ErrorSamples holds the first few failures.
	ErrorSamples []string
	// RSSBefore and RSSAfter are the server's resident memory before the
	// first connection and after Hold; PerConn is their difference over
	// Opened, in bytes.
	RSSBefore, RSSAfter int64
	PerConn             float64
	// OpenTime is how long opening every connection took.
	OpenTime time.Duration
	// Runtime holds, per connection, the growth of the server's Go runtime
	// figures (go_goroutines, go_memstats_stack_inuse_bytes,
	// go_memstats_heap_inuse_bytes) when IdleConfig.MetricsURL was set.
	Runtime map[string]float64
}

// runtimeMetrics are the Go runtime figures Idle reads from /metrics.
var runtimeMetrics = []string{"go_goroutines", "go_memstats_stack_inuse_bytes", "go_memstats_heap_inuse_bytes"}

func readRuntime(ctx context.Context, url string) map[string]float64 {
	out := map[string]float64{}
	for _, m := range runtimeMetrics {
		if v, err := MetricSum(ctx, url, m, nil); err == nil {
			out[m] = v
		}
	}
	return out
}

// Idle opens cfg.Conns connections, each saying hello and reading the
// opening turn, holds them idle for cfg.Hold, reads the server's memory,
// and closes them all. Every connection has a reader goroutine, so the
// server's pings are answered as a browser would.
func Idle(ctx context.Context, cfg IdleConfig) (IdleResult, error) {
	if cfg.URL == "" || cfg.Conns <= 0 {
		return IdleResult{}, errors.New("idle run: URL and Conns are required")
	}
	if cfg.Hold <= 0 {
		cfg.Hold = 5 * time.Second
	}
	if cfg.Parallel <= 0 {
		cfg.Parallel = 100
	}
	var r IdleResult
	if cfg.PID != 0 {
		m, err := ReadProcMemory(cfg.PID)
		if err != nil {
			return r, err
		}
		r.RSSBefore = m.RSS
	}
	var rt0 map[string]float64
	if cfg.MetricsURL != "" {
		rt0 = readRuntime(ctx, cfg.MetricsURL)
	}

	var (
		mu      sync.Mutex
		conns   []*Conn
		readers sync.WaitGroup
		dropped atomic.Int64
		failed  atomic.Int64
		samples []string
	)
	fail := func(err error) {
		failed.Add(1)
		mu.Lock()
		if len(samples) < 5 {
			samples = append(samples, err.Error())
		}
		mu.Unlock()
	}
	start := time.Now()
	sem := make(chan struct{}, cfg.Parallel)
	var opening sync.WaitGroup
	for i := 0; i < cfg.Conns && ctx.Err() == nil; i++ {
		sem <- struct{}{}
		opening.Go(func() {
			defer func() { <-sem }()
			src := ""
			if len(cfg.SourceIPs) > 0 {
				src = cfg.SourceIPs[i%len(cfg.SourceIPs)]
			}
			c, err := Dial(ctx, cfg.URL, DialOptions{SourceIP: src, Timeout: 30 * time.Second})
			if err != nil {
				fail(err)
				return
			}
			if _, _, err := c.Turn(Hello("cs", ""), 30*time.Second); err != nil {
				c.Abort()
				fail(fmt.Errorf("hello: %w", err))
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			readers.Go(func() {
				// Reading answers pings; an error means the connection
				// ended (by the server, or by our Close at the end).
				for {
					if _, err := c.Read(24 * time.Hour); err != nil {
						// Counted before our own Abort at the end, so
						// this is the server (or the network) closing.
						dropped.Add(1)
						return
					}
				}
			})
		})
	}
	opening.Wait()
	r.OpenTime = time.Since(start)
	r.Opened = len(conns)
	r.Failed = int(failed.Load())
	r.ErrorSamples = samples

	t := time.NewTimer(cfg.Hold)
	select {
	case <-ctx.Done():
	case <-t.C:
	}
	t.Stop()
	if cfg.Settle != nil {
		cfg.Settle()
	}
	if cfg.PID != 0 {
		if m, err := ReadProcMemory(cfg.PID); err == nil {
			r.RSSAfter = m.RSS
			if r.Opened > 0 {
				r.PerConn = float64(r.RSSAfter-r.RSSBefore) / float64(r.Opened)
			}
		}
	}
	if cfg.MetricsURL != "" && r.Opened > 0 {
		r.Runtime = map[string]float64{}
		for k, v := range readRuntime(ctx, cfg.MetricsURL) {
			r.Runtime[k] = (v - rt0[k]) / float64(r.Opened)
		}
	}
	r.Dropped = int(dropped.Load())
	for _, c := range conns {
		c.Abort()
	}
	readers.Wait()
	return r, nil
}
