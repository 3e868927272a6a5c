package loadtest_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/redis/go-redis/v9"

	"github.com/samoobsluha/samoobsluha/loadtest"
	"github.com/samoobsluha/samoobsluha/loadtest/floor"
)

func TestSummarize(t *testing.T) {
	ms := func(n ...int) []time.Duration {
		out := make([]time.Duration, len(n))
		for i, v := range n {
			out[i] = time.Duration(v) * time.Millisecond
		}
		return out
	}
	var hundred []int
	for i := 100; i >= 1; i-- {
		hundred = append(hundred, i)
	}
	tests := []struct {
		name string
		in   []time.Duration
		want loadtest.Latency
	}{
		{"empty", nil, loadtest.Latency{}},
		{"one", ms(7), loadtest.Latency{N: 1, P50: 7 * time.Millisecond, P95: 7 * time.Millisecond, P99: 7 * time.Millisecond, Max: 7 * time.Millisecond, Mean: 7 * time.Millisecond}},
		{"hundred, unsorted", ms(hundred...), loadtest.Latency{N: 100, P50: 50 * time.Millisecond, P95: 95 * time.Millisecond, P99: 99 * time.Millisecond, Max: 100 * time.Millisecond, Mean: 50500 * time.Microsecond}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, loadtest.Summarize(tt.in)); diff != "" {
				t.Errorf("Summarize() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadProc(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc")
	}
	m, err := loadtest.ReadProcMemory(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if m.RSS <= 0 || m.HWM < m.RSS || m.Threads < 1 {
		t.Errorf("ReadProcMemory(self) = %+v, want RSS > 0, HWM >= RSS, threads >= 1", m)
	}
	if _, err := loadtest.ReadProcCPU(os.Getpid()); err != nil {
		t.Errorf("ReadProcCPU(self) = %v", err)
	}
	if _, err := loadtest.ReadProcMemory(1 << 30); err == nil {
		t.Errorf("ReadProcMemory(no such pid) = nil error")
	}
}

func TestMetricSum(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `# HELP samoobsluha_upgates_calls_total Upgates API calls.
# TYPE samoobsluha_upgates_calls_total counter
samoobsluha_upgates_calls_total{endpoint="orders.get",status="0"} 10
samoobsluha_upgates_calls_total{endpoint="orders.get",status="200"} 3
samoobsluha_upgates_calls_total_extra 100
go_goroutines 42
`)
	}))
	defer srv.Close()
	tests := []struct {
		name, metric string
		where        func(string) bool
		want         float64
	}{
		{"all labels", "samoobsluha_upgates_calls_total", nil, 13},
		{"filtered", "samoobsluha_upgates_calls_total", func(l string) bool { return l == `endpoint="orders.get",status="200"` }, 3},
		{"no labels", "go_goroutines", nil, 42},
		{"absent", "nothing", nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := loadtest.MetricSum(t.Context(), srv.URL, tt.metric, tt.where)
			if err != nil || got != tt.want {
				t.Errorf("MetricSum(%s) = %v, %v, want %v", tt.metric, got, err, tt.want)
			}
		})
	}
}

// TestRunAgainstFloor drives the floor with the load generator through the
// Redis counting proxy: turns are counted and answered, the counter sees
// exactly two commands per turn, and pipelined commands count as one round
// trip.
func TestRunAgainstFloor(t *testing.T) {
	raw := os.Getenv("SAMOOBSLUHA_TEST_REDIS_URL")
	if raw == "" {
		t.Skip("SAMOOBSLUHA_TEST_REDIS_URL is not set")
	}
	opt, err := redis.ParseURL(raw)
	if err != nil {
		t.Fatal(err)
	}
	counter, err := loadtest.NewRedisCounter(opt.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer counter.Close()
	rdb := redis.NewClient(&redis.Options{Addr: counter.Addr(), DB: opt.DB})
	defer rdb.Close()
	prefix := fmt.Sprintf("samotest:%d:", time.Now().UnixNano())
	defer func() {
		ctx := context.Background()
		if keys, _ := rdb.Keys(ctx, prefix+"*").Result(); len(keys) > 0 {
			rdb.Del(ctx, keys...)
		}
	}()
	fl := floor.New(rdb, floor.Options{Prefix: prefix, TTL: time.Minute})
	srv := httptest.NewServer(fl)
	defer srv.Close()
	defer fl.Shutdown(context.Background())

	rdb.Ping(t.Context()) // the connection handshake, not counted below
	c0, _ := counter.Counts()
	r, err := loadtest.Run(t.Context(), loadtest.Config{URL: "ws" + srv.URL[4:] + "/ws", Concurrency: 4, Duration: time.Second,
		Script: loadtest.DemoScript()})
	if err != nil {
		t.Fatal(err)
	}
	if r.Turns == 0 || r.Conversations == 0 || r.ErrorCount() > 0 {
		t.Fatalf("Run against the floor: %s %v", r, r.ErrorSamples)
	}
	if r.Latency.N != r.Turns || r.Latency.P50 <= 0 || r.Latency.P99 < r.Latency.P50 {
		t.Errorf("latency %+v for %d turns", r.Latency, r.Turns)
	}
	// Turns cut at the deadline may still be running on the floor; the
	// floor's own count is exact, so compare with what it stored.
	fl.Shutdown(context.Background())
	c1, _ := counter.Counts()
	if got := c1 - c0; got < int64(2*r.Turns) || got > int64(2*(r.Turns+4)) {
		t.Errorf("Redis commands = %d for %d answered turns (+ at most 4 cut off), want 2 per turn", got, r.Turns)
	}

	p0, rt0 := counter.Counts()
	pipe := rdb.Pipeline()
	pipe.Get(t.Context(), prefix+"a")
	pipe.Get(t.Context(), prefix+"b")
	pipe.Get(t.Context(), prefix+"c")
	pipe.Exec(t.Context())
	p1, rt1 := counter.Counts()
	if p1-p0 != 3 || rt1-rt0 != 1 {
		t.Errorf("a pipeline of 3 GETs counted as %d commands, %d round trips; want 3, 1", p1-p0, rt1-rt0)
	}
}
