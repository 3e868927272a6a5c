package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/samoobsluha/samoobsluha/loadtest"
	"github.com/samoobsluha/samoobsluha/upgates/upgatestest"
)

var (
	reFloor = regexp.MustCompile(`floor is listening on (http://\S+)`)
	reShop  = regexp.MustCompile(`fake shop is listening on (http://\S+)`)
	reOurs  = regexp.MustCompile(`samoobsluha is listening on (http://\S+)`)
)

// compareConfig is the compare subcommand's settings.
type compareConfig struct {
	bin, redisServer, out, logPath string
	c, rounds, idle, sources       int
	orders                         int
	d, warmup, idleHold, countDur  time.Duration
	turnTimeout                    time.Duration
	floorAutopipeline              bool
}

// target is one server under test in a compare run.
type target struct {
	name         string
	check        bool
	runs         []loadtest.Result
	cmds         map[string]int64 // Redis commands executed during its runs (INFO)
	shop, cached float64          // Upgates calls (real, answered from cache) during its runs (/metrics)
	idle         loadtest.IdleResult
	idleOK       bool
	// From the counting pass (through the RedisCounter).
	countTurns             int
	countCmds, countRT     int64
	countConvs             int
	countShop, countCached float64
	startRSS               int64
	// CPU used by Redis and by the fake shop during the target's runs.
	redisCPU, shopCPU time.Duration
}

func runCompare(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cc compareConfig
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cc.bin, "bin", "", "path of the samoobsluha binary (go build -o it first; scripts/bench does)")
	fs.StringVar(&cc.redisServer, "redis-server", "", "redis-server binary (default: from PATH, then /usr/bin/redis-server)")
	fs.StringVar(&cc.out, "out", "", "also write the Markdown report to this file")
	fs.StringVar(&cc.logPath, "log", "", "write the children's output to this file (default: discarded)")
	fs.IntVar(&cc.c, "c", 500, "concurrent conversations")
	fs.DurationVar(&cc.d, "d", 20*time.Second, "duration of each measured run")
	fs.IntVar(&cc.rounds, "rounds", 2, "measured runs per server, alternating floor and samoobsluha")
	fs.BoolVar(&cc.floorAutopipeline, "floor-autopipeline", false, "run the floor with go-redis's autopipeliner (loadgen floor -autopipeline): a stricter comparison than the issue's floor of 2 round trips per frame")
	fs.DurationVar(&cc.warmup, "warmup", 5*time.Second, "unmeasured run per server first")
	fs.IntVar(&cc.idle, "idle", 10000, "idle connections to hold per server (0 skips)")
	fs.DurationVar(&cc.idleHold, "idle-hold", 10*time.Second, "how long idle connections are held before memory is read")
	fs.DurationVar(&cc.countDur, "count-d", 5*time.Second, "duration of the Redis round-trip counting pass (C=10)")
	fs.IntVar(&cc.sources, "sources", 64, "loopback source addresses to dial from")
	fs.IntVar(&cc.orders, "orders", 0, "distinct orders in the fake shop, a new one per conversation (0: the three demo orders, so lookups are cache hits and the run measures the server, not the shop)")
	fs.DurationVar(&cc.turnTimeout, "turn-timeout", 30*time.Second, "deadline of one turn")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if cc.bin == "" {
		return fmt.Errorf("-bin is required (go build -o /tmp/samoobsluha ./cmd/samoobsluha)")
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	var childLog io.Writer = io.Discard
	if cc.logPath != "" {
		f, err := os.Create(cc.logPath)
		if err != nil {
			return err
		}
		defer f.Close()
		childLog = &lockedWriter{w: f}
	}
	progress := func(format string, a ...any) {
		fmt.Fprintf(stderr, "[%s] %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, a...))
	}

	machine := describeMachine()
	progress("machine: %s", strings.ReplaceAll(machine, "\n", "; "))

	rs, err := loadtest.StartRedis(ctx, cc.redisServer, childLog)
	if err != nil {
		return err
	}
	defer rs.Stop(10 * time.Second)
	rdb := redis.NewClient(&redis.Options{Addr: rs.Addr()})
	defer rdb.Close()
	redisVersion := infoField(ctx, rdb, "server", "redis_version")

	shop, err := loadtest.StartProcess(ctx, loadtest.ProcessConfig{Path: self, Args: []string{"shop", "-addr", "127.0.0.1:0", "-orders", fmt.Sprint(cc.orders)}, Ready: reShop, Log: childLog})
	if err != nil {
		return fmt.Errorf("fake shop: %w", err)
	}
	defer shop.Stop(10 * time.Second)

	start := func(name, redisURL string) (*loadtest.Process, error) {
		if name == "floor" {
			args := []string{"floor", "-addr", "127.0.0.1:0", "-redis-url", redisURL}
			if cc.floorAutopipeline {
				args = append(args, "-autopipeline")
			}
			return loadtest.StartProcess(ctx, loadtest.ProcessConfig{Path: self, Args: args, Ready: reFloor, Log: childLog})
		}
		return loadtest.StartProcess(ctx, loadtest.ProcessConfig{
			Path: cc.bin,
			Args: []string{"-addr", "127.0.0.1:0", "-redis-url", redisURL, "-upgates-url", shop.URL, "-log-level", "warn"},
			Env: []string{"SAMOOBSLUHA_UPGATES_LOGIN=" + upgatestest.DemoLogin, "SAMOOBSLUHA_UPGATES_KEY=" + upgatestest.DemoKey,
				"SAMOOBSLUHA_SECRET=benchmark-secret-0123456789abcdef"},
			Ready: reOurs, Log: childLog,
		})
	}
	wsURL := func(p *loadtest.Process) string { return "ws://" + trimWS(p.URL) + "/ws?bot=default" }
	dbOf := map[string]int{"floor": 1, "samoobsluha": 0}
	floorT := &target{name: "floor", check: false}
	oursT := &target{name: "samoobsluha", check: true}
	targets := []*target{floorT, oursT}
	srcs := sourceIPs(cc.sources)

	// 1. Throughput and latency at C, on one process per server.
	procs := map[string]*loadtest.Process{}
	for _, t := range targets {
		p, err := start(t.name, rs.URL(dbOf[t.name]))
		if err != nil {
			return fmt.Errorf("%s: %w", t.name, err)
		}
		procs[t.name] = p
		if m, err := loadtest.ReadProcMemory(p.PID); err == nil {
			t.startRSS = m.RSS
		}
	}
	// Each samoobsluha run asks about orders no earlier run asked about
	// (until the shop's orders run out), so its caches start cold.
	nextConv := 0
	load := func(t *target, d time.Duration) (loadtest.Result, error) {
		p := procs[t.name]
		r, err := loadtest.Run(ctx, loadtest.Config{URL: wsURL(p), Concurrency: cc.c, Duration: d, Script: loadtest.LoadScript(cc.orders),
			Check: t.check, PID: p.PID, SourceIPs: srcs, TurnTimeout: cc.turnTimeout, FirstConversation: nextConv})
		if t.check {
			nextConv += r.Started
		}
		return r, err
	}
	if cc.warmup > 0 {
		for _, t := range targets {
			r, err := load(t, cc.warmup)
			if err != nil {
				return err
			}
			progress("warm-up %s: %s", t.name, r)
		}
	}
	metricsURL := "http://" + trimWS(procs["samoobsluha"].URL) + "/metrics"
	for round := range cc.rounds {
		order := targets
		if round%2 == 1 {
			order = []*target{oursT, floorT}
		}
		for _, t := range order {
			before, err := loadtest.CommandStats(ctx, rdb)
			if err != nil {
				return err
			}
			shopBefore, _ := loadtest.MetricSum(ctx, metricsURL, upCalls, nil)
			cachedBefore, _ := loadtest.MetricSum(ctx, metricsURL, upActions, nil)
			rc0, _ := loadtest.ReadProcCPU(rs.PID)
			sc0, _ := loadtest.ReadProcCPU(shop.PID)
			r, err := load(t, cc.d)
			rc1, _ := loadtest.ReadProcCPU(rs.PID)
			sc1, _ := loadtest.ReadProcCPU(shop.PID)
			t.redisCPU += rc1 - rc0
			t.shopCPU += sc1 - sc0
			if err != nil {
				return err
			}
			after, err := loadtest.CommandStats(ctx, rdb)
			if err != nil {
				return err
			}
			if t == oursT {
				shopAfter, _ := loadtest.MetricSum(ctx, metricsURL, upCalls, nil)
				cachedAfter, _ := loadtest.MetricSum(ctx, metricsURL, upActions, nil)
				t.shop += shopAfter - shopBefore
				t.cached += cachedAfter - cachedBefore
			}
			if t.cmds == nil {
				t.cmds = map[string]int64{}
			}
			for k, v := range loadtest.StatsDiff(before, after) {
				t.cmds[k] += v
			}
			t.runs = append(t.runs, r)
			progress("round %d %s: %s", round+1, t.name, r)
			for _, s := range r.ErrorSamples {
				progress("  error: %s", s)
			}
		}
	}
	for _, t := range targets {
		if err := procs[t.name].Stop(20 * time.Second); err != nil {
			progress("stop %s: %v", t.name, err)
		}
	}

	// 2. Idle connections, each server freshly started so that memory
	//    freed after the load runs does not hide the cost.
	if cc.idle > 0 {
		for _, t := range targets {
			p, err := start(t.name, rs.URL(dbOf[t.name]))
			if err != nil {
				return fmt.Errorf("%s: %w", t.name, err)
			}
			ic := loadtest.IdleConfig{URL: wsURL(p), Conns: cc.idle, Hold: cc.idleHold, PID: p.PID, SourceIPs: srcs}
			if t == oursT {
				ic.MetricsURL = "http://" + trimWS(p.URL) + "/metrics"
			}
			r, err := loadtest.Idle(ctx, ic)
			if err != nil {
				p.Stop(20 * time.Second)
				return err
			}
			t.idle, t.idleOK = r, true
			progress("idle %s: %d opened (%d failed, %d dropped) in %v; RSS %.1f -> %.1f MiB: %.1f KiB per connection",
				t.name, r.Opened, r.Failed, r.Dropped, r.OpenTime.Round(time.Millisecond), mib(r.RSSBefore), mib(r.RSSAfter), r.PerConn/1024)
			for _, s := range r.ErrorSamples {
				progress("  error: %s", s)
			}
			if r.Runtime != nil {
				progress("  per connection: %.2f goroutines, %.0f B stack, %.0f B heap in use", r.Runtime["go_goroutines"], r.Runtime["go_memstats_stack_inuse_bytes"], r.Runtime["go_memstats_heap_inuse_bytes"])
			}
			if err := p.Stop(30 * time.Second); err != nil {
				progress("stop %s: %v", t.name, err)
			}
		}
	}

	// 3. Redis round trips and shop calls per turn, through a counting
	//    proxy, at low concurrency.
	counter, err := loadtest.NewRedisCounter(rs.Addr())
	if err != nil {
		return err
	}
	defer counter.Close()
	for _, t := range targets {
		p, err := start(t.name, fmt.Sprintf("redis://%s/%d", counter.Addr(), dbOf[t.name]))
		if err != nil {
			return fmt.Errorf("%s via counter: %w", t.name, err)
		}
		mURL := "http://" + trimWS(p.URL) + "/metrics"
		shopBefore, _ := loadtest.MetricSum(ctx, mURL, upCalls, nil)
		cachedBefore, _ := loadtest.MetricSum(ctx, mURL, upActions, nil)
		c0, rt0 := counter.Counts()
		r, err := loadtest.Run(ctx, loadtest.Config{URL: wsURL(p), Concurrency: 10, Duration: cc.countDur, Script: loadtest.LoadScript(cc.orders),
			Check: t.check, SourceIPs: srcs, TurnTimeout: cc.turnTimeout, FirstConversation: nextConv})
		if t.check {
			nextConv += r.Started
		}
		if err != nil {
			p.Stop(20 * time.Second)
			return err
		}
		// Turns abandoned at the deadline may have run on the server
		// after Run returned; let them land before reading the counters.
		drain(ctx, counter)
		c1, rt1 := counter.Counts()
		if t == oursT {
			shopAfter, _ := loadtest.MetricSum(ctx, mURL, upCalls, nil)
			cachedAfter, _ := loadtest.MetricSum(ctx, mURL, upActions, nil)
			t.countShop, t.countCached = shopAfter-shopBefore, cachedAfter-cachedBefore
		}
		t.countTurns, t.countConvs, t.countCmds, t.countRT = r.Turns, r.Conversations, c1-c0, rt1-rt0
		progress("count %s: %d turns, %d conversations, %d Redis commands, %d round trips (errors: %s)", t.name, r.Turns, r.Conversations, c1-c0, rt1-rt0, r.ErrorSummary())
		if err := p.Stop(20 * time.Second); err != nil {
			progress("stop %s: %v", t.name, err)
		}
	}

	var buf bytes.Buffer
	writeReport(&buf, cc, machine, redisVersion, floorT, oursT)
	stdout.Write(buf.Bytes())
	if cc.out != "" {
		if err := os.WriteFile(cc.out, buf.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// upCalls is samoobsluha's counter of Upgates calls that went out to the
// shop (answers from its cache are not counted); upActions counts the
// scenario's app calls (lookups and writes), however they were answered.
const (
	upCalls   = "samoobsluha_upgates_calls_total"
	upActions = "samoobsluha_actions_total"
)

// drain waits until the counter has seen no command for half a second.
func drain(ctx context.Context, c *loadtest.RedisCounter) {
	last, _ := c.Counts()
	for ctx.Err() == nil {
		t := time.NewTimer(500 * time.Millisecond)
		select {
		case <-ctx.Done():
		case <-t.C:
		}
		now, _ := c.Counts()
		if now == last {
			return
		}
		last = now
	}
}

func infoField(ctx context.Context, rdb *redis.Client, section, field string) string {
	s, err := rdb.Info(ctx, section).Result()
	if err != nil {
		return "?"
	}
	for _, l := range strings.Split(s, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(l), field+":"); ok {
			return v
		}
	}
	return "?"
}

// describeMachine is the machine line of the report.
func describeMachine() string {
	cpu := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "model name"); ok {
				cpu = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "MemTotal:"); ok {
				var kb int64
				fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), &kb)
				mem = fmt.Sprintf(", %.1f GiB RAM", float64(kb)/(1<<20))
			}
		}
	}
	load := ""
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		f := strings.Fields(string(b))
		if len(f) >= 3 {
			load = fmt.Sprintf("\nload average at start: %s %s %s", f[0], f[1], f[2])
		}
	}
	return fmt.Sprintf("%d CPUs (%s)%s, %s/%s, %s%s", runtime.NumCPU(), cpu, mem, runtime.GOOS, runtime.GOARCH, runtime.Version(), load)
}

// median returns the median of the runs' values.
func median(runs []loadtest.Result, f func(loadtest.Result) float64) float64 {
	if len(runs) == 0 {
		return 0
	}
	v := make([]float64, len(runs))
	for i, r := range runs {
		v[i] = f(r)
	}
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

func writeReport(w io.Writer, cc compareConfig, machine, redisVersion string, fl, us *target) {
	msf := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	tps := func(r loadtest.Result) float64 { return r.TurnsPerSec() }
	cps := func(r loadtest.Result) float64 { return r.ConversationsPerSec() }
	p50 := func(r loadtest.Result) float64 { return msf(r.Latency.P50) }
	p95 := func(r loadtest.Result) float64 { return msf(r.Latency.P95) }
	p99 := func(r loadtest.Result) float64 { return msf(r.Latency.P99) }
	mx := func(r loadtest.Result) float64 { return msf(r.Latency.Max) }
	errs := func(r loadtest.Result) float64 { return float64(r.ErrorCount()) }
	peak := func(r loadtest.Result) float64 { return mib(r.PeakRSS) }
	turns := func(t *target) int {
		n := 0
		for _, r := range t.runs {
			n += r.Turns
		}
		return n
	}
	convs := func(t *target) int {
		n := 0
		for _, r := range t.runs {
			n += r.Conversations
		}
		return n
	}
	ratio := func(a, b float64) string {
		if b == 0 {
			return "-"
		}
		return fmt.Sprintf("%.2f", a/b)
	}
	verdict := func(ok bool) string {
		if ok {
			return "met"
		}
		return "**missed**"
	}

	fmt.Fprintf(w, "Machine: %s\nRedis %s (its own redis-server, no persistence, loopback). Each server is a separate process;\n", machine, redisVersion)
	fmt.Fprintf(w, "the load generator, the fake shop and Redis share the same CPUs.\n\n")
	fmt.Fprintf(w, "Load: C=%d concurrent conversations, %d measured run(s) of %v per server (alternating, after a %v warm-up), closed loop (no think time), one new connection per conversation.\n",
		cc.c, cc.rounds, cc.d, cc.warmup)
	if cc.orders > 0 {
		fmt.Fprintf(w, "Shop: the fake Upgates shop (separate process) with %d extra orders; every samoobsluha conversation asks about an order no earlier one asked about, so its first lookup goes to the shop; at most 3 requests in flight, as Upgates allows.\n", cc.orders)
	} else {
		fmt.Fprintf(w, "Shop: the fake Upgates shop (separate process); every conversation asks about one of three demo orders, so lookups are answered from samoobsluha's cache (this measures the server, not the shop).\n")
	}
	if cc.floorAutopipeline {
		fmt.Fprintf(w, "Floor: with go-redis's autopipeliner (-floor-autopipeline), a stricter baseline than the floor of 2 round trips per frame.\n")
	}
	fmt.Fprintf(w, "Conversation: 7 turns (hello, status button, order number, e-mail -> status, parcel -> tracking link, invoice -> invoice link, done -> end), answers checked for samoobsluha.\n")
	fmt.Fprintf(w, "Figures are medians over the measured runs; the ratio is samoobsluha / floor.\n\n")

	fmt.Fprintf(w, "| metric | floor | samoobsluha | ratio | target |\n|---|---:|---:|---:|---|\n")
	ft, ut := median(fl.runs, tps), median(us.runs, tps)
	fmt.Fprintf(w, "| turns/s | %.0f | %.0f | %s | >= 0.60: %s |\n", ft, ut, ratio(ut, ft), verdict(ft > 0 && ut/ft >= 0.6))
	fmt.Fprintf(w, "| conversations/s | %.1f | %.1f | %s | |\n", median(fl.runs, cps), median(us.runs, cps), ratio(median(us.runs, cps), median(fl.runs, cps)))
	fmt.Fprintf(w, "| turn latency p50 (ms) | %.1f | %.1f | %s | |\n", median(fl.runs, p50), median(us.runs, p50), ratio(median(us.runs, p50), median(fl.runs, p50)))
	fmt.Fprintf(w, "| turn latency p95 (ms) | %.1f | %.1f | %s | |\n", median(fl.runs, p95), median(us.runs, p95), ratio(median(us.runs, p95), median(fl.runs, p95)))
	f99, u99 := median(fl.runs, p99), median(us.runs, p99)
	fmt.Fprintf(w, "| turn latency p99 (ms) | %.1f | %.1f | %s | <= 2.00: %s |\n", f99, u99, ratio(u99, f99), verdict(f99 > 0 && u99/f99 <= 2))
	fmt.Fprintf(w, "| turn latency max (ms) | %.1f | %.1f | %s | |\n", median(fl.runs, mx), median(us.runs, mx), ratio(median(us.runs, mx), median(fl.runs, mx)))
	fmt.Fprintf(w, "| errors per run | %.0f | %.0f | | 0 |\n", median(fl.runs, errs), median(us.runs, errs))
	fmt.Fprintf(w, "| server peak RSS under load (MiB) | %.1f | %.1f | %s | |\n", median(fl.runs, peak), median(us.runs, peak), ratio(median(us.runs, peak), median(fl.runs, peak)))
	cpuTurn := func(r loadtest.Result) float64 { return float64(r.CPUPerTurn()) / float64(time.Microsecond) }
	fmt.Fprintf(w, "| server CPU per turn (µs) | %.0f | %.0f | %s | |\n", median(fl.runs, cpuTurn), median(us.runs, cpuTurn), ratio(median(us.runs, cpuTurn), median(fl.runs, cpuTurn)))
	perT := func(d time.Duration, t *target) float64 {
		if n := turns(t); n > 0 {
			return float64(d) / float64(time.Microsecond) / float64(n)
		}
		return 0
	}
	clientTurn := func(r loadtest.Result) float64 {
		if r.Turns == 0 {
			return 0
		}
		return float64(r.ClientCPU) / float64(time.Microsecond) / float64(r.Turns)
	}
	fmt.Fprintf(w, "| load generator CPU per turn (µs) | %.0f | %.0f | %s | |\n", median(fl.runs, clientTurn), median(us.runs, clientTurn), ratio(median(us.runs, clientTurn), median(fl.runs, clientTurn)))
	fmt.Fprintf(w, "| Redis CPU per turn (µs) | %.0f | %.0f | %s | |\n", perT(fl.redisCPU, fl), perT(us.redisCPU, us), ratio(perT(us.redisCPU, us), perT(fl.redisCPU, fl)))
	fmt.Fprintf(w, "| fake shop CPU per turn (µs, same machine) | - | %.0f | | |\n", perT(us.shopCPU, us))
	fmt.Fprintf(w, "| server RSS at start (MiB) | %.1f | %.1f | | |\n", mib(fl.startRSS), mib(us.startRSS))
	perTurn := func(t *target) float64 {
		if t.countTurns == 0 {
			return 0
		}
		return float64(t.countRT) / float64(t.countTurns)
	}
	cmdTurn := func(t *target) float64 {
		if t.countTurns == 0 {
			return 0
		}
		return float64(t.countCmds) / float64(t.countTurns)
	}
	fmt.Fprintf(w, "| Redis round trips per turn | %.2f | %.2f | %s | floor: 2 |\n", perTurn(fl), perTurn(us), ratio(perTurn(us), perTurn(fl)))
	fmt.Fprintf(w, "| Redis commands per turn (sent) | %.2f | %.2f | %s | |\n", cmdTurn(fl), cmdTurn(us), ratio(cmdTurn(us), cmdTurn(fl)))
	execd := func(t *target) float64 {
		n := turns(t)
		if n == 0 {
			return 0
		}
		var s int64
		for _, v := range t.cmds {
			s += v
		}
		return float64(s) / float64(n)
	}
	fmt.Fprintf(w, "| Redis commands per turn (executed, incl. inside scripts) | %.2f | %.2f | %s | |\n", execd(fl), execd(us), ratio(execd(us), execd(fl)))
	var shopConv, cachedConv, shopConvCount, cachedConvCount float64
	if n := convs(us); n > 0 {
		shopConv, cachedConv = us.shop/float64(n), us.cached/float64(n)
	}
	if us.countConvs > 0 {
		shopConvCount, cachedConvCount = us.countShop/float64(us.countConvs), us.countCached/float64(us.countConvs)
	}
	fmt.Fprintf(w, "| Upgates calls per conversation (load runs / counting pass) | - | %.2f / %.2f | | |\n", shopConv, shopConvCount)
	fmt.Fprintf(w, "| shop actions per conversation (lookups and writes, cached or not) | - | %.2f / %.2f | | |\n", cachedConv, cachedConvCount)
	if fl.idleOK && us.idleOK {
		fmt.Fprintf(w, "| idle connections held | %d of %d | %d of %d | | %d: %s |\n", fl.idle.Opened-fl.idle.Dropped, cc.idle, us.idle.Opened-us.idle.Dropped, cc.idle, cc.idle,
			verdict(us.idle.Opened-us.idle.Dropped >= cc.idle))
		fmt.Fprintf(w, "| memory per idle connection (KiB) | %.1f | %.1f | %s | <= 16: %s |\n", fl.idle.PerConn/1024, us.idle.PerConn/1024, ratio(us.idle.PerConn, fl.idle.PerConn), verdict(us.idle.PerConn <= 16*1024))
		fmt.Fprintf(w, "| RSS with idle connections (MiB) | %.1f | %.1f | | |\n", mib(fl.idle.RSSAfter), mib(us.idle.RSSAfter))
		if rt := us.idle.Runtime; rt != nil {
			fmt.Fprintf(w, "\nsamoobsluha per idle connection (Go runtime, /metrics): %.2f goroutines, %.1f KiB goroutine stacks, %.1f KiB heap in use.\n",
				rt["go_goroutines"], rt["go_memstats_stack_inuse_bytes"]/1024, rt["go_memstats_heap_inuse_bytes"]/1024)
		}
	}
	fmt.Fprintf(w, "\nRuns:\n\n")
	for _, t := range []*target{fl, us} {
		for i, r := range t.runs {
			fmt.Fprintf(w, "- %s run %d: %s\n", t.name, i+1, r)
		}
	}
	fmt.Fprintf(w, "\nsamoobsluha median latency per step (last run):")
	if n := len(us.runs); n > 0 {
		last := us.runs[n-1]
		for _, s := range []string{"hello", "menu", "order", "email", "parcel", "invoice", "done"} {
			fmt.Fprintf(w, " %s %.1fms", s, msf(last.PerStep[s]))
		}
	}
	fmt.Fprintf(w, "\n\nRedis commands executed per turn during the measured runs (INFO commandstats):\n\n")
	for _, t := range []*target{fl, us} {
		n := turns(t)
		keys := make([]string, 0, len(t.cmds))
		for k := range t.cmds {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		parts := make([]string, 0, len(keys))
		for _, k := range keys {
			if n > 0 {
				parts = append(parts, fmt.Sprintf("%s %.2f", k, float64(t.cmds[k])/float64(n)))
			}
		}
		fmt.Fprintf(w, "- %s: %s\n", t.name, strings.Join(parts, ", "))
	}
}

// lockedWriter serialises writes from several children's output scanners.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
