package sessiontest

import (
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"
)

// RoundTrips is a TCP proxy in front of a Redis server that counts round
// trips: on each connection, every time the client sends after having
// received an answer (or sends first) starts a new round trip. A pipeline
// or a script is one round trip however many commands it holds. Tests
// point a client at Addr to pin how many round trips an operation costs,
// without importing go-redis or trusting the client's own view.
//
// Run one operation at a time on a connection (as a sequential test does)
// for exact counts; the commands a client sends when it opens a
// connection count too, so warm the client up before measuring.
type RoundTrips struct {
	ln     net.Listener
	target string
	trips  atomic.Int64
	wg     sync.WaitGroup
	mu     sync.Mutex
	conns  map[net.Conn]struct{}
}

// NewRoundTrips starts a proxy to target (host:port) on a loopback port
// and stops it in t.Cleanup.
func NewRoundTrips(t testing.TB, target string) *RoundTrips {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("round-trip proxy: %v", err)
	}
	p := &RoundTrips{ln: ln, target: target, conns: map[net.Conn]struct{}{}}
	p.wg.Go(p.accept)
	t.Cleanup(p.close)
	return p
}

// Addr is the proxy's host:port.
func (p *RoundTrips) Addr() string { return p.ln.Addr().String() }

// URL is redis://Addr/0.
func (p *RoundTrips) URL() string { return "redis://" + p.Addr() + "/0" }

// Count returns the round trips seen so far on all connections.
func (p *RoundTrips) Count() int64 { return p.trips.Load() }

func (p *RoundTrips) close() {
	p.ln.Close()
	p.mu.Lock()
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}

func (p *RoundTrips) track(c net.Conn, add bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if add {
		p.conns[c] = struct{}{}
	} else {
		delete(p.conns, c)
	}
}

func (p *RoundTrips) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.wg.Go(func() { p.serve(c) })
	}
}

// serve forwards one connection. answered is true once the server has
// sent something since the client last did: the client's next bytes then
// start a new round trip.
func (p *RoundTrips) serve(client net.Conn) {
	server, err := net.Dial("tcp", p.target)
	if err != nil {
		client.Close()
		return
	}
	p.track(client, true)
	p.track(server, true)
	defer func() {
		p.track(client, false)
		p.track(server, false)
	}()
	var mu sync.Mutex
	answered := true
	done := make(chan struct{})
	go func() {
		defer close(done)
		copyNotify(client, server, func() {
			mu.Lock()
			answered = true
			mu.Unlock()
		})
		client.Close()
	}()
	copyNotify(server, client, func() {
		mu.Lock()
		if answered {
			p.trips.Add(1)
			answered = false
		}
		mu.Unlock()
	})
	server.Close()
	<-done
}

// copyNotify copies src to dst, calling seen before forwarding each read.
func copyNotify(dst io.Writer, src io.Reader, seen func()) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			seen()
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}
