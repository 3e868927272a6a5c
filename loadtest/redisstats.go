package loadtest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// CommandStats returns Redis's command counters (INFO commandstats): calls
// per command name. Commands a Lua script runs are counted as well as the
// EVAL/EVALSHA that ran them, so these are commands executed, not round
// trips; RedisCounter counts round trips.
func CommandStats(ctx context.Context, rdb redis.UniversalClient) (map[string]int64, error) {
	info, err := rdb.Info(ctx, "commandstats").Result()
	if err != nil {
		return nil, fmt.Errorf("redis info commandstats: %w", err)
	}
	out := map[string]int64{}
	for _, line := range strings.Split(info, "\n") {
		line = strings.TrimSpace(line)
		name, rest, ok := strings.Cut(strings.TrimPrefix(line, "cmdstat_"), ":calls=")
		if !ok || !strings.HasPrefix(line, "cmdstat_") {
			continue
		}
		n, _, _ := strings.Cut(rest, ",")
		v, err := strconv.ParseInt(n, 10, 64)
		if err == nil {
			out[name] = v
		}
	}
	return out, nil
}

// StatsDiff returns after minus before, without the commands the load tool
// itself sends (info, config) and without zero entries.
func StatsDiff(before, after map[string]int64) map[string]int64 {
	out := map[string]int64{}
	for k, v := range after {
		if k == "info" || strings.HasPrefix(k, "config") || strings.HasPrefix(k, "client") {
			continue
		}
		if d := v - before[k]; d > 0 {
			out[k] = d
		}
	}
	return out
}

// RedisCounter is a TCP proxy in front of a Redis server that counts what
// its clients send: commands (top-level RESP arrays) and round trips
// (bursts of commands sent before the client waited for an answer; equal
// to commands unless the client pipelines). The commands a client sends
// when it opens a connection (HELLO, AUTH, SELECT, CLIENT ...) are not
// counted: they are paid per connection, not per request. Point a server
// at Addr to learn how many Redis round trips one of its turns costs. It
// adds a hop, so measure throughput without it.
type RedisCounter struct {
	ln       net.Listener
	target   string
	commands atomic.Int64
	trips    atomic.Int64
	wg       sync.WaitGroup
	mu       sync.Mutex
	conns    map[net.Conn]struct{}
}

// NewRedisCounter listens on a loopback port and forwards to target
// (host:port). Close stops it.
func NewRedisCounter(target string) (*RedisCounter, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("redis counter: %w", err)
	}
	p := &RedisCounter{ln: ln, target: target, conns: map[net.Conn]struct{}{}}
	p.wg.Go(p.accept)
	return p, nil
}

// Addr is the proxy's host:port.
func (p *RedisCounter) Addr() string { return p.ln.Addr().String() }

// Counts returns the commands and round trips seen so far.
func (p *RedisCounter) Counts() (commands, roundTrips int64) {
	return p.commands.Load(), p.trips.Load()
}

// Close stops accepting, closes every proxied connection and waits.
func (p *RedisCounter) Close() error {
	err := p.ln.Close()
	p.mu.Lock()
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
	return err
}

func (p *RedisCounter) track(c net.Conn, add bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if add {
		p.conns[c] = struct{}{}
	} else {
		delete(p.conns, c)
	}
}

func (p *RedisCounter) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.wg.Go(func() { p.serve(c) })
	}
}

func (p *RedisCounter) serve(client net.Conn) {
	server, err := net.DialTimeout("tcp", p.target, 5*time.Second)
	if err != nil {
		client.Close()
		return
	}
	p.track(client, true)
	p.track(server, true)
	defer func() {
		p.track(client, false)
		p.track(server, false)
		client.Close()
		server.Close()
	}()
	done := make(chan struct{})
	go func() {
		io.Copy(client, server)
		client.Close()
		close(done)
	}()
	p.countCopy(server, client)
	server.Close()
	<-done
}

// countCopy forwards client's commands to server, counting them.
func (p *RedisCounter) countCopy(server io.Writer, client io.Reader) {
	br := bufio.NewReaderSize(client, 64<<10)
	w := bufio.NewWriterSize(server, 64<<10)
	counted := false // the current burst holds a counted command
	for {
		name, err := copyCommand(br, w)
		if err != nil {
			return
		}
		if !setupCommands[strings.ToUpper(name)] {
			p.commands.Add(1)
			counted = true
		}
		if br.Buffered() == 0 {
			// Nothing more was sent with it: the client now waits for
			// the answers, which ends a round trip.
			if counted {
				p.trips.Add(1)
			}
			counted = false
			if w.Flush() != nil {
				return
			}
		}
	}
}

// setupCommands are sent once per connection, not per request.
var setupCommands = map[string]bool{"HELLO": true, "AUTH": true, "SELECT": true, "CLIENT": true, "READONLY": true}

// copyCommand copies one RESP command (an array of bulk strings, or an
// inline command line) from r to w and returns the command's name.
func copyCommand(r *bufio.Reader, w *bufio.Writer) (string, error) {
	line, err := r.ReadSlice('\n')
	if err != nil {
		return "", err
	}
	if _, err := w.Write(line); err != nil {
		return "", err
	}
	if len(line) == 0 || line[0] != '*' {
		name, _, _ := strings.Cut(strings.TrimSpace(string(line)), " ")
		return name, nil // inline command
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(line[1:])))
	if err != nil {
		return "", fmt.Errorf("bad array header %q", line)
	}
	name := ""
	for i := range n {
		hdr, err := r.ReadSlice('\n')
		if err != nil {
			return "", err
		}
		if _, err := w.Write(hdr); err != nil {
			return "", err
		}
		if len(hdr) == 0 || hdr[0] != '$' {
			return "", errors.New("expected a bulk string")
		}
		size, err := strconv.Atoi(strings.TrimSpace(string(hdr[1:])))
		if err != nil {
			return "", fmt.Errorf("bad bulk header %q", hdr)
		}
		if size < 0 {
			continue
		}
		if i == 0 && size <= 32 {
			b, err := r.Peek(size)
			if err != nil {
				return "", err
			}
			name = string(b)
		}
		if _, err := io.CopyN(w, r, int64(size)+2); err != nil {
			return "", err
		}
	}
	return name, nil
}

// MetricSum fetches a Prometheus text endpoint and returns the sum of the
// samples of the metric name whose label set (the text between the braces,
// e.g. `endpoint="orders.get",status="200"`) where accepts; nil where
// accepts every sample.
func MetricSum(ctx context.Context, url, name string, where func(labels string) bool) (float64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("metrics: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("metrics: HTTP %d", resp.StatusCode)
	}
	var sum float64
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, name) {
			continue
		}
		rest := line[len(name):]
		if rest == "" || (rest[0] != '{' && rest[0] != ' ') {
			continue // a longer metric name with this prefix
		}
		labels := ""
		if rest[0] == '{' {
			if i := strings.LastIndexByte(rest, '}'); i > 0 {
				labels = rest[1:i]
			}
		}
		if where != nil && !where(labels) {
			continue
		}
		f := strings.Fields(line[strings.LastIndexAny(line, "} ")+1:])
		if len(f) == 0 {
			continue
		}
		v, err := strconv.ParseFloat(f[0], 64)
		if err == nil {
			sum += v
		}
	}
	return sum, sc.Err()
}
