package loadtest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// ProcessConfig describes a child process to start.
type ProcessConfig struct {
	// Path and Args are the program and its arguments.
	Path string
	Args []string
	// Env is added to the current environment.
	Env []string
	// Ready matches the line (on stdout or stderr) that says the process
	// is serving; its first submatch, if any, becomes Process.URL.
	Ready *regexp.Regexp
	// ReadyTimeout bounds the wait for Ready (default 60s).
	ReadyTimeout time.Duration
	// Log receives the process's output (nil discards it). Lines are
	// written whole; Log must be safe for concurrent use if shared.
	Log io.Writer
}

// Process is a child process the load tool started: a server under test,
// the floor, a fake shop, or a Redis. Stop or Kill ends it; Wait-style
// cleanup happens in both.
type Process struct {
	// PID is the child's process id.
	PID int
	// URL is what the Ready pattern captured.
	URL string

	cmd    *exec.Cmd
	done   chan struct{}
	err    error
	output sync.WaitGroup
}

// StartProcess starts cfg.Path and waits until a line of its output matches
// cfg.Ready. The process does not die with ctx: the caller must Stop or
// Kill it (ctx only bounds the wait for readiness). If it exits or times
// out before ready, StartProcess kills it and returns an error with the
// last lines of its output.
func StartProcess(ctx context.Context, cfg ProcessConfig) (*Process, error) {
	if cfg.ReadyTimeout <= 0 {
		cfg.ReadyTimeout = 60 * time.Second
	}
	cmd := exec.Command(cfg.Path, cfg.Args...)
	cmd.Env = append(os.Environ(), cfg.Env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", cfg.Path, err)
	}
	p := &Process{PID: cmd.Process.Pid, cmd: cmd, done: make(chan struct{})}
	ready := make(chan string, 1)
	var mu sync.Mutex
	var tail []string
	scan := func(r io.Reader) {
		defer p.output.Done()
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			mu.Lock()
			if cfg.Log != nil {
				fmt.Fprintln(cfg.Log, line)
			}
			tail = append(tail, line)
			if len(tail) > 20 {
				tail = tail[1:]
			}
			mu.Unlock()
			if cfg.Ready != nil {
				if m := cfg.Ready.FindStringSubmatch(line); m != nil {
					u := ""
					if len(m) > 1 {
						u = m[1]
					}
					select {
					case ready <- u:
					default:
					}
				}
			}
		}
		io.Copy(io.Discard, r)
	}
	p.output.Add(2)
	go scan(stdout)
	go scan(stderr)
	go func() {
		p.output.Wait()
		p.err = cmd.Wait()
		close(p.done)
	}()
	if cfg.Ready == nil {
		return p, nil
	}
	t := time.NewTimer(cfg.ReadyTimeout)
	defer t.Stop()
	select {
	case u := <-ready:
		p.URL = u
		return p, nil
	case <-p.done:
		err = fmt.Errorf("%s exited before it was ready: %v", cfg.Path, p.err)
	case <-t.C:
		err = fmt.Errorf("%s not ready after %v", cfg.Path, cfg.ReadyTimeout)
	case <-ctx.Done():
		err = ctx.Err()
	}
	p.Kill()
	mu.Lock()
	defer mu.Unlock()
	return nil, fmt.Errorf("%w; last output:\n%s", err, joinLines(tail))
}

func joinLines(lines []string) string {
	s := ""
	for _, l := range lines {
		s += "  " + l + "\n"
	}
	return s
}

// Stop sends SIGTERM and waits up to timeout for the process to exit, then
// kills it. It returns the process's exit error, if it failed to stop in
// time or exited with a failure status other than the signal's.
func (p *Process) Stop(timeout time.Duration) error {
	p.cmd.Process.Signal(syscall.SIGTERM)
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-p.done:
		var ee *exec.ExitError
		if errors.As(p.err, &ee) && !ee.Exited() {
			return nil // ended by the signal
		}
		return p.err
	case <-t.C:
		p.Kill()
		return fmt.Errorf("pid %d did not stop within %v; killed", p.PID, timeout)
	}
}

// Kill ends the process (and its process group) at once with SIGKILL and
// waits for it.
func (p *Process) Kill() {
	syscall.Kill(-p.PID, syscall.SIGKILL)
	<-p.done
}

// Done is closed when the process has exited.
func (p *Process) Done() <-chan struct{} { return p.done }

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func FreePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// Redis is a redis-server the load tool started for itself: no
// persistence, loopback only, so counters and keys are its own.
type Redis struct {
	Port int
	*Process
	path string
	log  io.Writer
}

// StartRedis starts redis-server (path "" looks it up in PATH and then
// /usr/bin/redis-server) on a free loopback port.
func StartRedis(ctx context.Context, path string, log io.Writer) (*Redis, error) {
	if path == "" {
		if p, err := exec.LookPath("redis-server"); err == nil {
			path = p
		} else {
			path = "/usr/bin/redis-server"
		}
	}
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	r := &Redis{Port: port, path: path, log: log}
	if err := r.Start(ctx); err != nil {
		return nil, err
	}
	return r, nil
}

// Addr is host:port.
func (r *Redis) Addr() string { return "127.0.0.1:" + strconv.Itoa(r.Port) }

// URL is the redis:// URL of database db.
func (r *Redis) URL(db int) string { return fmt.Sprintf("redis://%s/%d", r.Addr(), db) }

// Start (re)starts the server on its port, empty. It is for restarting
// after Stop or Kill.
func (r *Redis) Start(ctx context.Context) error {
	p, err := StartProcess(ctx, ProcessConfig{
		Path: r.path,
		Args: []string{"--port", strconv.Itoa(r.Port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
			"--maxclients", "20000", "--dir", os.TempDir()},
		Ready: regexp.MustCompile(`Ready to accept connections`),
		Log:   r.log,
	})
	if err != nil {
		return fmt.Errorf("redis-server: %w", err)
	}
	r.Process = p
	return nil
}
