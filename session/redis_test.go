package session_test

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/redis/go-redis/v9"

	"github.com/samoobsluha/samoobsluha/session"
	"github.com/samoobsluha/samoobsluha/session/sessiontest"
)

// mustRedisClient connects to the shared test Redis (skipping without one)
// and closes the client when the test ends.
func mustRedisClient(t testing.TB, query ...string) redis.UniversalClient {
	t.Helper()
	u := sessiontest.RedisURL(t)
	for _, q := range query {
		if strings.Contains(u, "?") {
			u += "&" + q
		} else {
			u += "?" + q
		}
	}
	c, err := session.NewRedisClient(u)
	if err != nil {
		t.Fatalf("NewRedisClient(%s) = %v", sessiontest.RedisURLEnv, err)
	}
	if err := c.Ping(t.Context()).Err(); err != nil {
		c.Close()
		t.Fatalf("ping the test Redis: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// mustPrefix returns a fresh key prefix and deletes its keys when the test
// ends (registered after the client, so it runs before the client closes).
func mustPrefix(t testing.TB, c redis.UniversalClient) string {
	t.Helper()
	prefix := sessiontest.Prefix()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		iter := c.Scan(ctx, 0, prefix+"*", 100).Iterator()
		for iter.Next(ctx) {
			if err := c.Del(ctx, iter.Val()).Err(); err != nil {
				t.Errorf("clean up %s: %v", iter.Val(), err)
				return
			}
		}
		if err := iter.Err(); err != nil {
			t.Errorf("clean up keys %s*: %v", prefix, err)
		}
	})
	return prefix
}

// eachRedisClient runs f on two clients of the test Redis: the default,
// whose commands share round trips through go-redis's autopipeliner, and
// one made with ?autopipeline=false (a round trip per command).
func eachRedisClient(t *testing.T, f func(t *testing.T, c redis.UniversalClient)) {
	t.Run("Autopipeline", func(t *testing.T) { f(t, mustRedisClient(t)) })
	t.Run("Plain", func(t *testing.T) { f(t, mustRedisClient(t, "autopipeline=false")) })
}

func TestRedisStore(t *testing.T) {
	eachRedisClient(t, func(t *testing.T, c redis.UniversalClient) {
		sessiontest.Run(t, func(t *testing.T) session.Store {
			return session.NewRedisStore(c, session.RedisOptions{Prefix: mustPrefix(t, c)})
		})
	})
}

func TestRedisStoreExpiry(t *testing.T) {
	c := mustRedisClient(t)
	e := sessiontest.Expiry{TTL: 2 * time.Second, LockTTL: 400 * time.Millisecond}
	e.New = func(t *testing.T) (session.Store, func(time.Duration)) {
		st := session.NewRedisStore(c, session.RedisOptions{Prefix: mustPrefix(t, c), TTL: e.TTL, LockTTL: e.LockTTL})
		// Redis expires keys on its own clock: let real time pass.
		return st, time.Sleep
	}
	sessiontest.RunExpiry(t, e)
}

// TestRedisStoreKeyLayout checks the documented keys and that nothing is
// written outside the prefix.
func TestRedisStoreKeyLayout(t *testing.T) {
	c := mustRedisClient(t)
	prefix := mustPrefix(t, c)
	st := session.NewRedisStore(c, session.RedisOptions{Prefix: prefix, TTL: time.Minute})
	ctx := t.Context()
	s := &session.Session{ID: "k1", Private: map[string]any{"$email": "a@example.cz"}}
	if err := st.Save(ctx, s); err != nil {
		t.Fatal(err)
	}
	unlock, err := st.Lock(ctx, "k1")
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()

	keys, err := c.Keys(ctx, prefix+"*").Result()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{prefix + "session:k1": true, prefix + "lock:k1": true}
	if len(keys) != len(want) || !want[keys[0]] || !want[keys[1]] {
		t.Errorf("keys = %v, want %v", keys, want)
	}
	ttl := c.PTTL(ctx, prefix+"session:k1").Val()
	if ttl <= 0 || ttl > time.Minute {
		t.Errorf("session key PTTL = %v, want (0, 1m]", ttl)
	}
	ttl = c.PTTL(ctx, prefix+"lock:k1").Val()
	if ttl <= 0 || ttl > session.DefaultLockTTL {
		t.Errorf("lock key PTTL = %v, want (0, %v]", ttl, session.DefaultLockTTL)
	}
}

// countHook counts the commands and pipelines a client sends.
type countHook struct{ n atomic.Int64 }

func (h *countHook) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h *countHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		h.n.Add(1)
		return next(ctx, cmd)
	}
}
func (h *countHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		h.n.Add(1)
		return next(ctx, cmds)
	}
}

// TestRedisStoreRoundTrips pins the documented round trips per call, which
// the load test's budget per turn relies on.
func TestRedisStoreRoundTrips(t *testing.T) {
	c, err := session.NewRedisClient(sessiontest.RedisURL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	hook := &countHook{}
	c.AddHook(hook)
	prefix := mustPrefix(t, c)
	st := session.NewRedisStore(c, session.RedisOptions{Prefix: prefix})
	ctx := t.Context()

	// Warm up: load the scripts, so each later call is one EVALSHA.
	warm := &session.Session{ID: "warm"}
	if err := st.Save(ctx, warm); err != nil {
		t.Fatal(err)
	}
	u, err := st.Lock(ctx, "warm")
	if err != nil {
		t.Fatal(err)
	}
	u()
	wl, err := st.LockGet(ctx, "warm")
	if err != nil {
		t.Fatal(err)
	}
	if err := wl.SaveUnlock(ctx, wl.Session()); err != nil {
		t.Fatal(err)
	}

	s := &session.Session{ID: "rt"}
	var unlock func()
	var tl session.TurnLock
	steps := []struct {
		name string
		do   func() error
		want int64
	}{
		{"Lock", func() (err error) { unlock, err = st.Lock(ctx, "rt"); return err }, 1},
		{"SaveNew", func() error { return st.Save(ctx, s) }, 1},
		{"Get", func() (err error) { s, err = st.Get(ctx, "rt"); return err }, 1},
		{"Save", func() error { return st.Save(ctx, s) }, 1},
		{"unlock", func() error { unlock(); return nil }, 1},
		// A turn: lock and load, save and unlock.
		{"LockGet", func() (err error) { tl, err = st.LockGet(ctx, "rt"); return err }, 1},
		{"SaveUnlock", func() error { return tl.SaveUnlock(ctx, tl.Session()) }, 1},
		{"Unlock after SaveUnlock", func() error { tl.Unlock(); return nil }, 0},
		// A turn that saves nothing.
		{"LockGet", func() (err error) { tl, err = st.LockGet(ctx, "rt"); return err }, 1},
		{"Unlock", func() error { tl.Unlock(); return nil }, 1},
		// A turn on a new session.
		{"LockGet missing", func() (err error) { tl, err = st.LockGet(ctx, "rt-new"); return err }, 1},
		{"SaveUnlock new", func() error { return tl.SaveUnlock(ctx, &session.Session{ID: "rt-new"}) }, 1},
		{"Delete", func() error { return st.Delete(ctx, "rt") }, 1},
		{"Ping", func() error { return st.Ping(ctx) }, 1},
	}
	for _, step := range steps {
		before := hook.n.Load()
		if err := step.do(); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if got := hook.n.Load() - before; got != step.want {
			t.Errorf("%s took %d round trips, want %d", step.name, got, step.want)
		}
	}
}

// TestRedisRestart runs a conversation on a redis-server of its own,
// kills it, checks that every operation fails fast with ErrUnavailable,
// restarts it empty and checks that the store works again.
func TestRedisRestart(t *testing.T) {
	srv := sessiontest.StartRedis(t)
	c, err := session.NewRedisClient(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	st := session.NewRedisStore(c, session.RedisOptions{})
	sem := session.NewRedisSemaphore(c, "sem:", 2, time.Minute)
	cache := session.NewRedisCache(c, "cache:")
	counter := session.NewRedisCounter(c, "count:")

	s := &session.Session{ID: "call-1", Lang: "cs", Public: map[string]any{"order_number": "2025000123"}}
	turn := func() error {
		unlock, err := st.Lock(t.Context(), s.ID)
		if err != nil {
			return err
		}
		defer unlock()
		return st.Save(t.Context(), s)
	}
	if err := turn(); err != nil {
		t.Fatalf("first turn: %v", err)
	}
	if err := turn(); err != nil {
		t.Fatalf("second turn: %v", err)
	}

	srv.Stop()

	// Each call gets a generous context; the store must give up well
	// before it, on its own.
	const bound = 5 * time.Second
	ops := []struct {
		name string
		do   func(ctx context.Context) error
	}{
		{"Get", func(ctx context.Context) error { _, err := st.Get(ctx, s.ID); return err }},
		{"Save", func(ctx context.Context) error { c := *s; return st.Save(ctx, &c) }},
		{"Lock", func(ctx context.Context) error { _, err := st.Lock(ctx, s.ID); return err }},
		{"LockGet", func(ctx context.Context) error { _, err := st.LockGet(ctx, s.ID); return err }},
		{"CounterCounts", func(ctx context.Context) error { _, err := counter.Counts(ctx, "k", "l"); return err }},
		{"Delete", func(ctx context.Context) error { return st.Delete(ctx, s.ID) }},
		{"Ping", func(ctx context.Context) error { return st.Ping(ctx) }},
		{"Semaphore", func(ctx context.Context) error { _, err := sem.Acquire(ctx, "shop"); return err }},
		{"CacheGet", func(ctx context.Context) error { _, _, err := cache.Get(ctx, "k"); return err }},
		{"CacheSet", func(ctx context.Context) error { return cache.Set(ctx, "k", []byte("v"), time.Minute) }},
		{"CounterIncr", func(ctx context.Context) error { _, err := counter.Incr(ctx, "k", time.Minute); return err }},
	}
	// The calls run at once (each on its own), so the test takes about
	// one call's time.
	var wg sync.WaitGroup
	for _, op := range ops {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
			defer cancel()
			start := time.Now()
			err := op.do(ctx)
			took := time.Since(start)
			if !errors.Is(err, session.ErrUnavailable) {
				t.Errorf("%s with Redis down = %v, want ErrUnavailable", op.name, err)
			}
			if took > bound {
				t.Errorf("%s with Redis down took %v, want under %v", op.name, took, bound)
			}
			t.Logf("%s with Redis down: %v after %v", op.name, err, took.Round(time.Millisecond))
		})
	}
	wg.Wait()

	srv.Start() // empty: it keeps no data

	// go-redis's pool, after failed dials, probes the server in the
	// background about once a second before it dials again for callers;
	// wait for that, bounded, and report how long it took.
	start := time.Now()
	for {
		err := st.Ping(t.Context())
		if err == nil {
			break
		}
		if time.Since(start) > 10*time.Second {
			t.Fatalf("Ping 10s after restart = %v, want nil", err)
		}
		if !errors.Is(err, session.ErrUnavailable) {
			t.Fatalf("Ping after restart = %v, want nil or ErrUnavailable", err)
		}
		time.Sleep(20 * time.Millisecond) // polling for recovery; nothing to wait on
	}
	t.Logf("store usable %v after restart", time.Since(start).Round(time.Millisecond))

	if _, err := st.Get(t.Context(), s.ID); !errors.Is(err, session.ErrNotFound) {
		t.Fatalf("Get after restart of an empty Redis = %v, want ErrNotFound", err)
	}
	// The conversation starts again as a new session under the same id.
	s = &session.Session{ID: s.ID, Lang: "cs"}
	if err := turn(); err != nil {
		t.Fatalf("turn after restart: %v", err)
	}
	got, err := st.Get(t.Context(), s.ID)
	if err != nil {
		t.Fatalf("Get after restart: %v", err)
	}
	if got.Version != 1 {
		t.Errorf("after restart, Version = %d, want 1", got.Version)
	}
	release, err := sem.Acquire(t.Context(), "shop")
	if err != nil {
		t.Fatalf("Acquire after restart: %v", err)
	}
	release()
	if n, err := counter.Incr(t.Context(), "k", time.Minute); err != nil || n != 1 {
		t.Errorf("Incr after restart = %d, %v, want 1, nil", n, err)
	}
}

func TestNewRedisClient(t *testing.T) {
	tests := []struct {
		name    string
		url     string
		want    string   // "single", "sentinel" or "cluster"
		addrs   []string // for single and cluster
		db      int
		wantErr string
	}{
		{name: "Single", url: "redis://127.0.0.1:6379/2", want: "single", addrs: []string{"127.0.0.1:6379"}, db: 2},
		{name: "SingleDefaults", url: "redis://example.org", want: "single", addrs: []string{"example.org:6379"}},
		{name: "TLS", url: "rediss://:pw@redis.example.org:6380/0", want: "single", addrs: []string{"redis.example.org:6380"}},
		{name: "Unix", url: "unix:///run/redis.sock?db=1", want: "single", addrs: []string{"/run/redis.sock"}, db: 1},
		{name: "Options", url: "redis://h:1/0?dial_timeout=2s&max_retries=1", want: "single", addrs: []string{"h:1"}},
		{name: "Sentinel", url: "redis://s1:26379,s2:26379,s3:26379/0?master_name=mymaster", want: "sentinel"},
		{name: "SentinelAddrParam", url: "redis://s1:26379/0?master_name=m&addr=s2:26379", want: "sentinel"},
		{name: "Cluster", url: "redis://:pw@n1:7000,n2:7001,[::1]:7002", want: "cluster", addrs: []string{"n1:7000", "n2:7001", "[::1]:7002"}},
		{name: "ClusterDB0", url: "redis://n1:7000,n2:7001/0", want: "cluster", addrs: []string{"n1:7000", "n2:7001"}},
		{name: "ClusterFlag", url: "redis://n1:7000?cluster=true", want: "cluster", addrs: []string{"n1:7000"}},
		{name: "BadScheme", url: "http://h:1", wantErr: "scheme"},
		{name: "NoScheme", url: "h:6379", wantErr: "scheme"},
		{name: "ClusterDB", url: "redis://n1:7000,n2:7001/3", wantErr: "database 0"},
		{name: "EmptyHost", url: "redis://n1:7000,/0", wantErr: "empty host"},
		{name: "BadFlag", url: "redis://h:1?cluster=maybe", wantErr: "cluster"},
		{name: "BadAutopipeline", url: "redis://h:1?autopipeline=maybe", wantErr: "autopipeline"},
		{name: "UnknownOption", url: "redis://h:1?colour=blue", wantErr: "colour"},
		{name: "UnixCluster", url: "unix:///run/redis.sock?cluster=true", wantErr: "single server"},
		{name: "BadPortHidesPassword", url: "redis://:s3cret@h:port/0", wantErr: "port"},
		{name: "BadDBHidesPassword", url: "redis://:s3cret@h:1/x", wantErr: "database"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := session.NewRedisClient(tt.url)
			if tt.wantErr != "" {
				if err == nil {
					c.Close()
					t.Fatalf("NewRedisClient(%q) = nil error, want one mentioning %q", tt.url, tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.wantErr) || strings.Contains(err.Error(), "s3cret") {
					t.Fatalf("NewRedisClient(%q) = %v, want an error mentioning %q and no password", tt.url, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("NewRedisClient(%q) = %v", tt.url, err)
			}
			defer c.Close()
			if _, err := c.AsyncAutoPipeline(); err != nil {
				t.Fatalf("NewRedisClient(%q) made a %T without an autopipeliner: %v", tt.url, c, err)
			}
			switch cl := c.(type) {
			case *redis.ClusterClient:
				if tt.want != "cluster" {
					t.Fatalf("NewRedisClient(%q) made a cluster client, want %s", tt.url, tt.want)
				}
				if diff := cmp.Diff(tt.addrs, cl.Options().Addrs); diff != "" {
					t.Errorf("cluster addrs (-want +got):\n%s", diff)
				}
			case *redis.Client:
				o := cl.Options()
				kind := "single"
				if o.Addr == "FailoverClient" {
					kind = "sentinel"
				}
				if kind != tt.want {
					t.Fatalf("NewRedisClient(%q) made a %s client, want %s", tt.url, kind, tt.want)
				}
				if kind == "single" && (o.Addr != tt.addrs[0] || o.DB != tt.db) {
					t.Errorf("addr, db = %s, %d, want %s, %d", o.Addr, o.DB, tt.addrs[0], tt.db)
				}
				if !o.ContextTimeoutEnabled {
					t.Errorf("ContextTimeoutEnabled = false, want true by default")
				}
			default:
				t.Fatalf("NewRedisClient(%q) made a %T", tt.url, c)
			}
		})
	}
}

// TestNewRedisClientPlain checks ?autopipeline=false: the client hides
// its autopipeliner, so the Redis types send a round trip per command.
func TestNewRedisClientPlain(t *testing.T) {
	for _, u := range []string{"redis://h:1/0?autopipeline=false", "redis://n1:7000,n2:7001?autopipeline=false"} {
		c, err := session.NewRedisClient(u)
		if err != nil {
			t.Fatalf("NewRedisClient(%q) = %v", u, err)
		}
		if _, err := c.AsyncAutoPipeline(); err == nil {
			t.Errorf("NewRedisClient(%q) made a %T with an autopipeliner, want none", u, c)
		}
		c.Close()
	}
}

func BenchmarkRedisStore_GetSave(b *testing.B) {
	c := mustRedisClient(b)
	st := session.NewRedisStore(c, session.RedisOptions{Prefix: mustPrefix(b, c)})
	benchGetSave(b, st)
}

func BenchmarkRedisStore_Turn(b *testing.B) {
	c := mustRedisClient(b)
	benchTurn(b, session.NewRedisStore(c, session.RedisOptions{Prefix: mustPrefix(b, c)}))
}

// TestRedisUnresponsive points the store at a server that accepts
// connections and never answers: calls must end with the caller's
// context, as ErrUnavailable (not ErrLocked: the lock was never seen
// busy).
func TestRedisUnresponsive(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	var c redis.UniversalClient
	wg.Go(func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Go(func() { io.Copy(io.Discard, c) })
		}
	})
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
		// Closed after the silent server hangs up: closing the client
		// first would wait for the autopipeliner's read timeouts.
		if c != nil {
			c.Close()
		}
	})

	c, err = session.NewRedisClient("redis://" + l.Addr().String() + "/0?max_retries=-1")
	if err != nil {
		t.Fatal(err)
	}
	st := session.NewRedisStore(c, session.RedisOptions{})
	ops := []struct {
		name string
		do   func(ctx context.Context) error
	}{
		{"Get", func(ctx context.Context) error { _, err := st.Get(ctx, "x"); return err }},
		{"Save", func(ctx context.Context) error { return st.Save(ctx, &session.Session{ID: "x"}) }},
		{"Lock", func(ctx context.Context) error { _, err := st.Lock(ctx, "x"); return err }},
	}
	const timeout = 300 * time.Millisecond
	for _, op := range ops {
		ctx, cancel := context.WithTimeout(t.Context(), timeout)
		start := time.Now()
		err := op.do(ctx)
		took := time.Since(start)
		cancel()
		if !errors.Is(err, session.ErrUnavailable) || !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, session.ErrLocked) {
			t.Errorf("%s against a silent server = %v, want ErrUnavailable wrapping context.DeadlineExceeded", op.name, err)
		}
		if took > timeout+2*time.Second {
			t.Errorf("%s against a silent server took %v with a %v context", op.name, took, timeout)
		}
		t.Logf("%s against a silent server: %v after %v", op.name, err, took.Round(time.Millisecond))
	}
}

// TestRedisCluster runs the store's conformance suite and the counters
// on a one-node Redis Cluster of the test's own: Cluster refuses a
// script or MGET whose keys lie in different slots, so this checks the
// hash-tagged session keys and the pipelined Counts.
func TestRedisCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("starts redis-server")
	}
	srv := sessiontest.StartRedis(t, "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf")
	admin := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	t.Cleanup(func() { admin.Close() })
	if err := admin.Do(t.Context(), "CLUSTER", "ADDSLOTSRANGE", 0, 16383).Err(); err != nil {
		t.Fatalf("assign the slots: %v", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(admin.ClusterInfo(t.Context()).Val(), "cluster_state:ok") {
		if time.Now().After(deadline) {
			t.Fatal("one-node cluster not ok after 10s")
		}
		time.Sleep(10 * time.Millisecond) // polling the server's state; nothing to wait on
	}
	c, err := session.NewRedisClient("redis://" + srv.Addr() + "?cluster=true")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if _, ok := c.(*redis.ClusterClient); !ok {
		t.Fatalf("NewRedisClient gave a %T, want a cluster client", c)
	}

	t.Run("Store", func(t *testing.T) {
		sessiontest.Run(t, func(t *testing.T) session.Store {
			return session.NewRedisStore(c, session.RedisOptions{Prefix: sessiontest.Prefix()})
		})
	})
	t.Run("Expiry", func(t *testing.T) {
		e := sessiontest.Expiry{TTL: 2 * time.Second, LockTTL: 400 * time.Millisecond}
		e.New = func(t *testing.T) (session.Store, func(time.Duration)) {
			st := session.NewRedisStore(c, session.RedisOptions{Prefix: sessiontest.Prefix(), TTL: e.TTL, LockTTL: e.LockTTL})
			return st, time.Sleep
		}
		sessiontest.RunExpiry(t, e)
	})
	t.Run("KeyLayout", func(t *testing.T) {
		prefix := sessiontest.Prefix()
		st := session.NewRedisStore(c, session.RedisOptions{Prefix: prefix})
		tl, err := st.LockGet(t.Context(), "k1")
		if err != nil {
			t.Fatal(err)
		}
		if err := tl.SaveUnlock(t.Context(), &session.Session{ID: "k1"}); err != nil {
			t.Fatal(err)
		}
		if n := admin.Exists(t.Context(), prefix+"session:{k1}").Val(); n != 1 {
			t.Errorf("key %s exists %d, want the session under a hash tag", prefix+"session:{k1}", n)
		}
	})
	t.Run("Counter", func(t *testing.T) {
		testCounter(t, session.NewRedisCounter(c, sessiontest.Prefix()), 600*time.Millisecond, time.Sleep)
	})
}

// TestRedisStoreLegacyTranscript: a session stored before the transcript
// moved out of the blob keeps its messages: they come back as unsaved
// entries and the next save moves them to the stored transcript.
func TestRedisStoreLegacyTranscript(t *testing.T) {
	c := mustRedisClient(t)
	prefix := mustPrefix(t, c)
	st := session.NewRedisStore(c, session.RedisOptions{Prefix: prefix})
	ctx := t.Context()
	legacy := `{"id":"old","bot":"default","channel":"web","lang":"cs",` +
		`"transcript":[{"from":"bot","text":"Dobrý den","at":"2026-11-27T09:00:00Z"},` +
		`{"from":"user","text":"stav","at":"2026-11-27T09:00:01Z"}],` +
		`"created":"2026-11-27T09:00:00Z","updated":"2026-11-27T09:00:01Z","version":0}`
	if err := c.HSet(ctx, prefix+"session:old", "v", 3, "d", legacy).Err(); err != nil {
		t.Fatal(err)
	}
	tl, err := st.LockGet(ctx, "old")
	if err != nil {
		t.Fatal(err)
	}
	defer tl.Unlock()
	s := tl.Session()
	if s == nil || len(s.Transcript) != 2 || s.Version != 3 {
		t.Fatalf("legacy session = %+v, want version 3 with 2 unsaved entries", s)
	}
	s.Append(session.Entry{From: "bot", Text: "Zadejte číslo objednávky."})
	if err := tl.SaveUnlock(ctx, s); err != nil {
		t.Fatal(err)
	}
	tr, err := st.Transcript(ctx, "old")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range tr {
		got = append(got, e.Text)
	}
	if diff := cmp.Diff([]string{"Dobrý den", "stav", "Zadejte číslo objednávky."}, got); diff != "" {
		t.Errorf("transcript after the first save (-want +got):\n%s", diff)
	}
	again, err := st.Get(ctx, "old")
	if err != nil {
		t.Fatal(err)
	}
	if again.Transcript != nil {
		t.Errorf("after the save, Get returned unsaved entries %v, want none", again.Transcript)
	}
}
