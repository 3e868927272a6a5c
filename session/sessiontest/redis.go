package sessiontest

import (
	"bufio"
	"crypto/rand"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// RedisURLEnv names the environment variable holding the shared test
// Redis, e.g. redis://127.0.0.1:6379/0.
const RedisURLEnv = "SAMOOBSLUHA_TEST_REDIS_URL"

// RedisURL returns the shared test Redis URL, or skips t when
// SAMOOBSLUHA_TEST_REDIS_URL is unset. Tests using it must keep to their
// own key prefix (see Prefix) and delete their keys.
func RedisURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(RedisURLEnv)
	if u == "" {
		t.Skipf("%s is not set; skipping the test that needs a real Redis", RedisURLEnv)
	}
	return u
}

// Prefix returns a fresh key prefix, "samotest:<random>:", so tests on a
// shared Redis never touch each other's keys.
func Prefix() string { return "samotest:" + strings.ToLower(rand.Text()) + ":" }

// RedisServer is a redis-server process of the test's own, on a free
// local port, keeping no data on disk (so a restart loses everything).
type RedisServer struct {
	t    testing.TB
	bin  string
	port int
	dir  string
	args []string // extra redis-server arguments
	cmd  *exec.Cmd
	done chan struct{} // closed when cmd has been waited for
}

// StartRedis starts a redis-server (found in PATH or /usr/bin) and stops it
// in t.Cleanup. It skips t when there is no redis-server binary. args are
// added to the server's command line (for example "--cluster-enabled",
// "yes"); relative paths in them are relative to the server's own
// temporary directory.
func StartRedis(t testing.TB, args ...string) *RedisServer {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if _, serr := os.Stat("/usr/bin/redis-server"); serr != nil {
			t.Skip("no redis-server binary; skipping the test that runs its own Redis")
		}
		bin = "/usr/bin/redis-server"
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("find a free port: %v", err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	r := &RedisServer{t: t, bin: bin, port: port, dir: t.TempDir(), args: args}
	r.Start()
	t.Cleanup(r.Stop)
	return r
}

// Addr returns the server's host:port.
func (r *RedisServer) Addr() string { return fmt.Sprintf("127.0.0.1:%d", r.port) }

// URL returns redis://host:port/0 for the server.
func (r *RedisServer) URL() string { return "redis://" + r.Addr() + "/0" }

// Start starts the server (again, after Stop) on the same port and waits
// until it answers PING.
func (r *RedisServer) Start() {
	r.t.Helper()
	if r.cmd != nil {
		r.t.Fatal("RedisServer.Start: already running")
	}
	args := append([]string{
		"--port", fmt.Sprint(r.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", r.dir,
		"--daemonize", "no", "--loglevel", "warning"}, r.args...)
	cmd := exec.Command(r.bin, args...)
	if err := cmd.Start(); err != nil {
		r.t.Fatalf("start redis-server: %v", err)
	}
	r.cmd = cmd
	r.done = make(chan struct{})
	go func() {
		cmd.Wait()
		close(r.done)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := ping(r.Addr())
		if err == nil {
			return
		}
		select {
		case <-r.done:
			r.t.Fatalf("redis-server on port %d exited at start (%v)", r.port, err)
		default:
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("redis-server on port %d not ready after 10s: %v", r.port, err)
		}
		// Polling an external process for readiness; nothing to wait on.
		time.Sleep(10 * time.Millisecond)
	}
}

// Stop kills the server abruptly (SIGKILL: no shutdown, no save) and
// waits for it to exit. Stopping a stopped server does nothing.
func (r *RedisServer) Stop() {
	if r.cmd == nil {
		return
	}
	r.cmd.Process.Kill()
	<-r.done
	r.cmd = nil
}

// ping sends one inline PING and expects +PONG.
func ping(addr string) error {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(time.Second))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if !strings.HasPrefix(line, "+PONG") {
		return fmt.Errorf("PING answered %q", strings.TrimSpace(line))
	}
	return nil
}
