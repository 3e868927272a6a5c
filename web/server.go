package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"golang.org/x/time/rate"

	"github.com/samoobsluha/samoobsluha/bot"
)

// Handler runs one client event through a bot. *bot.Mux and *bot.Bot
// satisfy it. Handle returns a *bot.Error for failures the client should
// see (its Message is polite and in the customer's language); any other
// error is reported to the client as a generic "internal" error and logged.
type Handler interface {
	Handle(ctx context.Context, req bot.Request) (bot.Reply, error)
}

// InvoiceOpener resolves a signed invoice token to the invoice PDF; *bot.Mux
// satisfies it. The caller closes Invoice.Body. An unknown or forged token
// returns an error matching bot.ErrInvoiceNotFound, an expired one
// bot.ErrInvoiceExpired; any other error is a technical failure.
type InvoiceOpener interface {
	Invoice(ctx context.Context, token string) (*bot.Invoice, error)
}

// Checker reports whether the server's dependencies (session store, shop)
// are reachable; /readyz calls it.
type Checker interface {
	Ping(ctx context.Context) error
}

// BotOptions are the per-bot transport settings.
type BotOptions struct {
	// AllowedOrigins lists the origins (scheme://host[:port]) whose pages may
	// open /ws for this bot. The bot's own host is always allowed; "*"
	// allows any origin.
	AllowedOrigins []string
	// VoiceToken is the bearer token /voice/turn requires for this bot.
	// Empty turns the voice endpoint off for this bot, unless
	// Options.DemoMode is set (then it is open without a token).
	VoiceToken string
	// Lang is the bot's language ("cs" or "en", default "cs"), used for
	// apologies the server says before the bot has answered.
	Lang string
}

// DemoHint is one demo order shown on the demo page in demo mode.
type DemoHint struct {
	OrderNumber string
	Email       string
	Summary     string
}

// Options configure a Server. Zero values take the documented defaults.
type Options struct {
	// Handler runs the turns. Required.
	Handler Handler
	// Invoices opens invoice PDFs for /invoice/{token}. Nil makes that
	// endpoint answer 404.
	Invoices InvoiceOpener
	// Ready is pinged by /readyz. Nil makes /readyz report ready while the
	// server is not shutting down.
	Ready Checker
	// Metrics receives the transport metrics and serves /metrics. Nil
	// disables both.
	Metrics *Metrics
	// Logger receives the server's logs. Nil discards them.
	Logger *slog.Logger
	// Bots holds the settings per bot id. When empty, any valid bot id is
	// passed to the Handler with zero BotOptions (same origin only, voice
	// off unless DemoMode). When not empty, other bot ids get 404.
	Bots map[string]BotOptions
	// Demo lists demo orders the demo page shows when DemoMode is set.
	Demo []DemoHint
	// DemoMode marks the embedded demo: the demo page lists Demo and the
	// voice endpoint is open for bots without a VoiceToken.
	DemoMode bool
	// Adapters configures the native Jambonz and Twilio webhooks
	// (/voice/jambonz/{bot}, /voice/twilio/{bot}).
	Adapters AdapterOptions

	// ReadLimit is the largest client frame in bytes (default 4096). A
	// larger frame closes the connection with 1009.
	ReadLimit int64
	// HelloTimeout is how long a new connection may wait before its
	// hello (default 10s).
	HelloTimeout time.Duration
	// PingInterval is the time between pings (default 30s); it must be
	// less than PongWait.
	PingInterval time.Duration
	// PongWait is how long the server waits for a pong (or any read)
	// before closing the connection (default 60s).
	PongWait time.Duration
	// WriteWait is the deadline of each write (default 10s).
	WriteWait time.Duration
	// RateLimit is the sustained number of client frames per second per
	// connection, and of voice requests per call (default 5).
	RateLimit rate.Limit
	// RateBurst is the rate limiter's burst (default 10).
	RateBurst int
	// SendQueue is the number of outgoing frames that may wait for the
	// socket per connection (default 64), counting the whole answer of a
	// turn at once. A connection whose queue would overflow (the client
	// does not read) is closed with 1008. The queue holds no memory while
	// empty, so a generous bound costs an idle connection nothing.
	SendQueue int

	// TrustProxy makes the server take the client address from the last
	// X-Forwarded-For entry (the one the reverse proxy in front of it
	// added) instead of the TCP peer. Set it only behind such a proxy.
	TrustProxy bool
	// Now is the clock (default time.Now); used by the voice rate limiter.
	Now func() time.Time
}

// Server is the HTTP side of samoobsluha: the widget WebSocket (/ws), the
// voice endpoint (/voice/turn), invoice downloads, the widget assets and
// the demo page, and the operational endpoints. It implements
// http.Handler. Create it with NewServer and stop it with Shutdown after
// the http.Server in front of it has stopped accepting.
type Server struct {
	opts     Options
	log      *slog.Logger
	mux      *http.ServeMux
	upgrader websocket.Upgrader
	page     *template.Template
	voice    *callLimiter

	// hardCtx is the parent of every turn. It is a field (against the
	// usual rule) because turns must outlive the connection that started
	// them: a customer who closes the tab mid-turn must not leave a
	// half-done turn behind. Only Shutdown cancels it, when its deadline
	// passes.
	hardCtx    context.Context
	hardCancel context.CancelFunc

	mu      sync.Mutex
	closing bool
	conns   map[*conn]struct{}
	wg      sync.WaitGroup // connections and voice turns in flight

	// Pools shared by the connections, so that an idle connection holds
	// no buffer: encoded frames (outBatch), the buffer a batch is written
	// from (*[]byte), and the WebSocket library's write buffers.
	batches   sync.Pool
	bufs      sync.Pool
	writePool sync.Pool

	refusals [numReaderRefusals][2]encodedRefusal // read-only after NewServer
}

const (
	defaultReadLimit    = 4096
	defaultHelloTimeout = 10 * time.Second
	defaultPingInterval = 30 * time.Second
	defaultPongWait     = 60 * time.Second
	defaultWriteWait    = 10 * time.Second
	defaultRateLimit    = 5
	defaultRateBurst    = 10
	defaultSendQueue    = 64
	defaultBot          = "default"
)

// NewServer returns a Server. It panics when opts.Handler is nil or
// PingInterval is not less than PongWait: both are programmer errors.
func NewServer(opts Options) *Server {
	if opts.Handler == nil {
		panic("web: Options.Handler is nil")
	}
	if opts.ReadLimit <= 0 {
		opts.ReadLimit = defaultReadLimit
	}
	if opts.HelloTimeout <= 0 {
		opts.HelloTimeout = defaultHelloTimeout
	}
	if opts.PingInterval <= 0 {
		opts.PingInterval = defaultPingInterval
	}
	if opts.PongWait <= 0 {
		opts.PongWait = defaultPongWait
	}
	if opts.PingInterval >= opts.PongWait {
		panic(fmt.Sprintf("web: PingInterval %v must be less than PongWait %v", opts.PingInterval, opts.PongWait))
	}
	if opts.WriteWait <= 0 {
		opts.WriteWait = defaultWriteWait
	}
	if opts.RateLimit <= 0 {
		opts.RateLimit = defaultRateLimit
	}
	if opts.RateBurst <= 0 {
		opts.RateBurst = defaultRateBurst
	}
	if opts.SendQueue <= 0 {
		opts.SendQueue = defaultSendQueue
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{
		opts:  opts,
		log:   log.With("component", "web"),
		mux:   http.NewServeMux(),
		conns: make(map[*conn]struct{}),
		page:  template.Must(template.ParseFS(assetsFS, "assets/index.html")),
		voice: newCallLimiter(opts.RateLimit, opts.RateBurst),
	}
	s.hardCtx, s.hardCancel = context.WithCancel(context.Background())
	s.batches.New = func() any { return newOutBatch() }
	s.bufs.New = func() any { b := make([]byte, 0, 4096); return &b }
	s.refusals = encodeRefusals()
	s.upgrader = websocket.Upgrader{
		ReadBufferSize:  1024,
		WriteBufferSize: 1024,
		WriteBufferPool: &s.writePool,
		CheckOrigin:     s.checkOrigin,
	}
	s.routes()
	return s
}

func (s *Server) routes() {
	s.mux.HandleFunc("GET /ws", s.handleWS)
	s.mux.HandleFunc("/voice/turn", s.handleVoice)
	s.mux.Handle("/voice/jambonz/{bot}", s.JambonzHandler(s.opts.Adapters))
	s.mux.Handle("/voice/twilio/{bot}", s.TwilioHandler(s.opts.Adapters))
	s.mux.HandleFunc("GET /invoice/{token}", s.handleInvoice)
	s.mux.HandleFunc("GET /healthz", s.handleHealthz)
	s.mux.HandleFunc("GET /readyz", s.handleReadyz)
	if s.opts.Metrics != nil {
		s.mux.Handle("GET /metrics", s.opts.Metrics.Handler())
	}
	s.mux.HandleFunc("GET /widget.js", s.handleAsset("assets/widget.js", "text/javascript; charset=utf-8"))
	s.mux.HandleFunc("GET /widget.css", s.handleAsset("assets/widget.css", "text/css; charset=utf-8"))
	s.mux.HandleFunc("GET /demo.css", s.handleAsset("assets/demo.css", "text/css; charset=utf-8"))
	s.mux.HandleFunc("GET /{$}", s.handleDemoPage)
}

// ServeHTTP routes a request to the endpoint that serves it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mux.ServeHTTP(w, r)
}

// Shutdown stops the WebSocket side gracefully: new connections and voice
// turns are refused with 503, every open connection stops taking frames,
// finishes the turn in flight, delivers its frames and is closed with
// 1001 (going away). Shutdown returns nil when every connection's goroutines
// and every voice turn have finished. When ctx ends first it cancels the
// turns still running, closes the remaining connections at once, waits for
// their goroutines and returns ctx.Err(). Call it after http.Server.Shutdown
// (which does not wait for hijacked connections). It does not close the
// Handler, which the caller owns.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closing = true
	conns := make([]*conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.stop(websocket.CloseGoingAway, "server shutting down")
	}
	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		s.hardCancel()
		return nil
	case <-ctx.Done():
	}
	s.hardCancel()
	s.mu.Lock()
	for c := range s.conns {
		c.ws.NetConn().Close()
	}
	s.mu.Unlock()
	<-done
	return ctx.Err()
}

// begin registers one unit of work (a connection or a voice turn) unless the
// server is shutting down. The caller calls s.wg.Done when it ends.
func (s *Server) begin() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false
	}
	s.wg.Add(1)
	return true
}

func (s *Server) track(c *conn) {
	s.mu.Lock()
	s.conns[c] = struct{}{}
	closing := s.closing
	s.mu.Unlock()
	if closing {
		c.stop(websocket.CloseGoingAway, "server shutting down")
	}
}

func (s *Server) untrack(c *conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
}

func (s *Server) isClosing() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closing
}

var botIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// botOptions returns the settings of bot id, and false when the bot is not
// served.
func (s *Server) botOptions(id string) (BotOptions, bool) {
	if !botIDPattern.MatchString(id) {
		return BotOptions{}, false
	}
	if len(s.opts.Bots) == 0 {
		return BotOptions{}, true
	}
	o, ok := s.opts.Bots[id]
	return o, ok
}

// botLang is the language of apologies for bot id.
func (s *Server) botLang(id string) string {
	o, _ := s.botOptions(id)
	if o.Lang == "en" {
		return "en"
	}
	return "cs"
}

func queryBot(r *http.Request) string {
	if b := r.URL.Query().Get("bot"); b != "" {
		return b
	}
	return defaultBot
}

// checkOrigin allows requests without Origin (non-browser clients), the
// server's own origin, and the bot's allow-list.
func (s *Server) checkOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	o, ok := s.botOptions(queryBot(r))
	if !ok {
		return false
	}
	return originAllowed(origin, r.Host, o.AllowedOrigins)
}

func originAllowed(origin, host string, allowed []string) bool {
	u, err := parseOrigin(origin)
	if err != nil {
		return false
	}
	if strings.EqualFold(u.host, host) {
		return true
	}
	for _, a := range allowed {
		if a == "*" {
			return true
		}
		au, err := parseOrigin(a)
		if err != nil {
			continue
		}
		if strings.EqualFold(au.scheme, u.scheme) && strings.EqualFold(au.host, u.host) {
			return true
		}
	}
	return false
}

type origin struct{ scheme, host string }

func parseOrigin(s string) (origin, error) {
	scheme, rest, ok := strings.Cut(strings.TrimSuffix(s, "/"), "://")
	if !ok || rest == "" || strings.ContainsAny(rest, "/?#@") {
		return origin{}, fmt.Errorf("parse origin %q: not scheme://host", s)
	}
	return origin{scheme: scheme, host: rest}, nil
}

// clientAddr is the address the bot counts failed verifications by.
func (s *Server) clientAddr(r *http.Request) string {
	if s.opts.TrustProxy {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			parts := strings.Split(xff[len(xff)-1], ",")
			if ip := net.ParseIP(strings.TrimSpace(parts[len(parts)-1])); ip != nil {
				return ip.String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// isBotError reports the client-visible error inside err, if any.
func isBotError(err error) (*bot.Error, bool) {
	var be *bot.Error
	if errors.As(err, &be) {
		return be, true
	}
	return nil, false
}
