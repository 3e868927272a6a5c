package upgatestest

import (
	"net/http/httptest"
	"testing"
	"time"
)

// Server is a Fake behind an httptest.Server. The Fake's switches and
// inspection methods are promoted.
type Server struct {
	*Fake
	// Login and Key are the credentials the server accepts.
	Login string
	Key   string

	srv *httptest.Server
}

// Option configures NewServer.
type Option func(*serverConfig)

type serverConfig struct {
	data *Dataset
	now  func() time.Time
}

// WithDataset serves a copy of d instead of Demo().
func WithDataset(d *Dataset) Option { return func(c *serverConfig) { c.data = d } }

// WithClock sets the fake's clock (see Fake.SetClock).
func WithClock(now func() time.Time) Option { return func(c *serverConfig) { c.now = now } }

// NewServer starts a fake shop on a local port, serving Demo() unless an
// option says otherwise. t.Cleanup closes it.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	var cfg serverConfig
	for _, o := range opts {
		o(&cfg)
	}
	f := New(cfg.data)
	if cfg.now != nil {
		f.SetClock(cfg.now)
	}
	s := &Server{Fake: f, Login: f.login, Key: f.key, srv: httptest.NewServer(f)}
	t.Cleanup(s.srv.Close)
	return s
}

// URL returns the API base, e.g. "http://127.0.0.1:41234/api/v2".
func (s *Server) URL() string { return s.srv.URL + "/api/v2" }

// Close shuts the server down early (it is also closed by t.Cleanup).
func (s *Server) Close() { s.srv.Close() }
