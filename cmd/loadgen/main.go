package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/samoobsluha/samoobsluha/loadtest"
	"github.com/samoobsluha/samoobsluha/loadtest/floor"
	"github.com/samoobsluha/samoobsluha/upgates/upgatestest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop() // a second signal ends the process at once
	}()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

const usage = `usage:
  loadgen compare [flags]   start Redis, a fake shop, the floor and samoobsluha; measure both; print the report
  loadgen run [flags]       drive conversations against one running server
  loadgen idle [flags]      hold idle connections against one running server, report memory per connection
  loadgen floor [flags]     serve the floor WebSocket server
  loadgen shop [flags]      serve the fake Upgates shop (demo data, no quota) for load runs
Run "loadgen SUBCOMMAND -h" for the flags of each.
`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no subcommand")
	}
	switch args[0] {
	case "compare":
		return runCompare(ctx, args[1:], stdout, stderr)
	case "run":
		return runLoad(ctx, args[1:], stdout, stderr)
	case "idle":
		return runIdle(ctx, args[1:], stdout, stderr)
	case "floor":
		return runFloor(ctx, args[1:], stdout, stderr)
	case "shop":
		return runShop(ctx, args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown subcommand %q", args[0])
}

// sourceIPs returns up to n loopback addresses 127.0.0.1, 127.0.0.2, ...
// that this machine can dial from (Linux routes all of 127/8 to the
// loopback interface; other systems may have only 127.0.0.1).
func sourceIPs(n int) []string {
	out := make([]string, 0, n)
	for i := 1; i <= n && i < 255; i++ {
		ip := fmt.Sprintf("127.0.0.%d", i)
		ln, err := net.Listen("tcp", ip+":0")
		if err != nil {
			break
		}
		ln.Close()
		out = append(out, ip)
	}
	return out
}

func runLoad(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	url := fs.String("url", "ws://127.0.0.1:8080/ws?bot=default", "WebSocket URL of the server")
	c := fs.Int("c", 100, "concurrent conversations")
	d := fs.Duration("d", 20*time.Second, "duration of the run")
	check := fs.Bool("check", true, "check every answer against the demo script (turn off for the floor)")
	pid := fs.Int("pid", 0, "server process id, to sample its memory (Linux)")
	srcs := fs.Int("sources", 32, "loopback source addresses to dial from (127.0.0.1..N)")
	timeout := fs.Duration("turn-timeout", 30*time.Second, "deadline of one turn")
	orders := fs.Int("orders", 0, "ask about the shop's N load orders (loadgen shop -orders N); 0: the three demo orders")
	if err := fs.Parse(args); err != nil {
		return err
	}
	r, err := loadtest.Run(ctx, loadtest.Config{URL: *url, Concurrency: *c, Duration: *d, Script: loadtest.LoadScript(*orders),
		Check: *check, PID: *pid, SourceIPs: sourceIPs(*srcs), TurnTimeout: *timeout})
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, r)
	for _, s := range r.ErrorSamples {
		fmt.Fprintln(stdout, "  error:", s)
	}
	return nil
}

func runIdle(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("idle", flag.ContinueOnError)
	fs.SetOutput(stderr)
	url := fs.String("url", "ws://127.0.0.1:8080/ws?bot=default", "WebSocket URL of the server")
	n := fs.Int("n", 10000, "idle connections to hold")
	hold := fs.Duration("hold", 10*time.Second, "how long to hold them before reading memory")
	pid := fs.Int("pid", 0, "server process id, to read its memory (Linux)")
	srcs := fs.Int("sources", 32, "loopback source addresses to dial from")
	metrics := fs.String("metrics", "", "the server's Prometheus URL (http://HOST:PORT/metrics), to split the memory into goroutines, stacks and heap")
	if err := fs.Parse(args); err != nil {
		return err
	}
	r, err := loadtest.Idle(ctx, loadtest.IdleConfig{URL: *url, Conns: *n, Hold: *hold, PID: *pid, SourceIPs: sourceIPs(*srcs), MetricsURL: *metrics})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "idle: %d opened (%d failed) in %v, %d dropped while held; server RSS %.1f -> %.1f MiB, %.1f KiB per connection\n",
		r.Opened, r.Failed, r.OpenTime.Round(time.Millisecond), r.Dropped, mib(r.RSSBefore), mib(r.RSSAfter), r.PerConn/1024)
	if r.Runtime != nil {
		fmt.Fprintf(stdout, "  per connection: %.2f goroutines, %.0f B goroutine stacks, %.0f B heap in use\n",
			r.Runtime["go_goroutines"], r.Runtime["go_memstats_stack_inuse_bytes"], r.Runtime["go_memstats_heap_inuse_bytes"])
	}
	for _, s := range r.ErrorSamples {
		fmt.Fprintln(stdout, "  error:", s)
	}
	return nil
}

func runFloor(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("floor", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8090", "address to listen on")
	redisURL := fs.String("redis-url", "redis://127.0.0.1:6379/0", "Redis URL")
	prefix := fs.String("prefix", "floor:", "Redis key prefix")
	autopipeline := fs.Bool("autopipeline", false, "send the floor's GET and SET through go-redis's autopipeliner, as samoobsluha does (the floor as the issue defines it makes 2 round trips per frame)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	opt, err := redis.ParseURL(*redisURL)
	if err != nil {
		return fmt.Errorf("-redis-url: %w", err)
	}
	// The same pool size as go-redis's default in samoobsluha.
	rdb := redis.NewClient(opt)
	defer rdb.Close()
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := rdb.Ping(pctx).Err(); err != nil {
		return fmt.Errorf("redis: %w", err)
	}
	var client redis.UniversalClient = rdb
	if *autopipeline {
		ap, err := rdb.AutoPipeline()
		if err != nil {
			return fmt.Errorf("redis autopipeline: %w", err)
		}
		client = ap
	}
	fl := floor.New(client, floor.Options{Prefix: *prefix, Logger: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	return serveHTTP(ctx, *addr, fl, stdout, "floor is listening on http://%s\n", fl.Shutdown)
}

func runShop(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("shop", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:9090", "address to listen on")
	latency := fs.Duration("latency", 0, "delay added to every response")
	conc := fs.Int("max-concurrent", upgatestest.DefaultMaxConcurrent, "requests in flight before the shop answers 429 (Upgates: 3)")
	orders := fs.Int("orders", 0, "extra orders for load runs (copies of the demo orders the script uses, numbered 2027000000...)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	fake := upgatestest.New(loadtest.ShopDataset(*orders))
	// No hourly or daily quota: a load run makes more calls in a minute
	// than a real tariff allows in a day.
	fake.SetQuota(1<<30, 1<<30)
	fake.MaxConcurrent(*conc)
	if *latency > 0 {
		fake.SetLatency(*latency)
	}
	return serveHTTP(ctx, *addr, fake, stdout, "fake shop is listening on http://%s/api/v2\n", nil)
}

// serveHTTP serves h on addr until ctx ends, printing the ready line
// (format with the address) once listening.
func serveHTTP(ctx context.Context, addr string, h http.Handler, stdout io.Writer, ready string, shutdown func(context.Context) error) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	fmt.Fprintf(stdout, ready, ln.Addr())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = srv.Shutdown(sctx)
	if shutdown != nil {
		err = errors.Join(err, shutdown(sctx))
	}
	return err
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

func trimWS(u string) string { return strings.TrimPrefix(strings.TrimPrefix(u, "http://"), "ws://") }
