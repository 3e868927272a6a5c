package bot_test

import (
	"syscall"
	"testing"
	"time"

	"github.com/samoobsluha/samoobsluha/bot"
	"github.com/samoobsluha/samoobsluha/session"
)

// benchTurn measures one turn that the scenario answers without the shop
// (free text at the menu that matches nothing: load, step, save, render).
func benchTurn(b *testing.B, store session.Store) {
	h := newHarness(b, "bot.yaml", bot.Config{Store: store})
	c := &convo{t: b, h: h.bot}
	c.hello()
	req := bot.Request{Kind: bot.KindText, Session: c.session, Text: "dobrý den, mám dotaz"}
	ctx := b.Context()
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuTime(b)
	for b.Loop() {
		if _, err := h.bot.Handle(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
}

// cpuTime returns the CPU time (user and system) the test process has
// used so far. Wall time per turn on a shared machine mostly measures the
// neighbours; CPU time per turn is what a turn costs.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU reports the process CPU time per iteration since start as
// cpu-ns/op (the benchmark's own goroutines plus go-redis and GC; not
// the Redis server's).
func reportCPU(b *testing.B, start time.Duration) {
	if b.N > 0 {
		b.ReportMetric(float64(cpuTime(b)-start)/float64(b.N), "cpu-ns/op")
	}
}

func BenchmarkTurnMemory(b *testing.B) {
	benchTurn(b, session.NewMemoryStore(session.MemoryOptions{}))
}

func BenchmarkTurnRedis(b *testing.B) {
	url := redisURL(b)
	in := newRedisInstance(b, url, testPrefix(b, url))
	benchTurn(b, in.store)
}

// BenchmarkStatusTurn measures the turn that verifies the customer and
// reads the order (two app calls, served from the apps' cache after the
// first iteration) with the memory store.
func BenchmarkStatusTurn(b *testing.B) {
	benchStatusTurn(b, bot.Config{})
}

// BenchmarkStatusTurnRedis is BenchmarkStatusTurn with the Redis store
// and lockout counters.
func BenchmarkStatusTurnRedis(b *testing.B) {
	url := redisURL(b)
	in := newRedisInstance(b, url, testPrefix(b, url))
	benchStatusTurn(b, bot.Config{Store: in.store, Failures: in.counter})
}

func benchStatusTurn(b *testing.B, cfg bot.Config) {
	mine, _ := demoOrder(b)
	h := newHarness(b, "bot.yaml", cfg)
	c := &convo{t: b, h: h.bot}
	c.hello()
	c.text("stav")
	c.text(mine.OrderNumber)
	s, err := h.store.Get(b.Context(), c.session)
	if err != nil {
		b.Fatal(err)
	}
	snapshot := *s
	req := bot.Request{Kind: bot.KindText, Session: c.session, Text: mine.Email}
	b.ReportAllocs()
	b.ResetTimer()
	var cpu time.Duration // CPU time of the timed parts only
	for b.Loop() {
		b.StopTimer()
		// Put the session back to waiting for the e-mail.
		cur, err := h.store.Get(b.Context(), c.session)
		if err != nil {
			b.Fatal(err)
		}
		back := snapshot
		back.Version = cur.Version
		if err := h.store.Save(b.Context(), &back); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := cpuTime(b)
		if _, err := h.bot.Handle(b.Context(), req); err != nil {
			b.Fatal(err)
		}
		cpu += cpuTime(b) - start
	}
	if b.N > 0 {
		b.ReportMetric(float64(cpu)/float64(b.N), "cpu-ns/op")
	}
}
