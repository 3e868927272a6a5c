package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/samoobsluha/samoobsluha/bot"
	"github.com/samoobsluha/samoobsluha/bot/apps"
	"github.com/samoobsluha/samoobsluha/dialog"
	"github.com/samoobsluha/samoobsluha/session"
	"github.com/samoobsluha/samoobsluha/upgates"
	"github.com/samoobsluha/samoobsluha/upgates/upgatestest"
	"github.com/samoobsluha/samoobsluha/web"
)

var flagErrHelp = flag.ErrHelp

// started is what serve reports once it listens (for tests).
type started struct {
	URL        string // base URL of the server
	UpgatesURL string // the demo shop's URL when the embedded one runs
	Fake       *upgatestest.Fake
}

// serve runs the server until ctx ends. ready, if not nil, receives the
// listening address once.
func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, ready func(started)) error {
	cfg, err := parseConfig(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	logger := newLogger(cfg, stderr)
	logger.Info("starting", cfg.logAttrs()...)

	// Shared state: Redis when configured, memory otherwise.
	var (
		rc      redis.UniversalClient
		store   session.Store
		limiter upgates.Limiter
		cache   upgates.Cache
		counter bot.Counter
	)
	if cfg.RedisURL != "" {
		// go-redis prints its pool's complaints (a dial failing while Redis
		// restarts) to stderr by default; route them to our log instead.
		redis.SetLogger(redisLogger{logger.With("component", "redis")})
		rc, err = session.NewRedisClient(cfg.RedisURL)
		if err != nil {
			return fmt.Errorf("redis: %w", err)
		}
		defer rc.Close()
		store = session.NewRedisStore(rc, session.RedisOptions{TTL: cfg.SessionTTL})
		// Slots are renewed while held, so a short lease frees the slots of
		// an instance that died within seconds.
		limiter = session.NewRedisSemaphore(rc, "samoobsluha:upgates:sem:", cfg.MaxInFlight, 3*time.Second)
		cache = session.NewRedisCache(rc, "samoobsluha:upgates:cache:")
		counter = session.NewRedisCounter(rc, "samoobsluha:failures:")
	} else {
		store = session.NewMemoryStore(session.MemoryOptions{TTL: cfg.SessionTTL})
		limiter = session.NewMemorySemaphore(cfg.MaxInFlight)
		cache = session.NewMemoryCache(time.Now)
		counter = session.NewMemoryCounter(time.Now)
	}

	secretKey := []byte(cfg.Secret)
	if len(secretKey) == 0 {
		secretKey = make([]byte, 32)
		if _, err := rand.Read(secretKey); err != nil {
			return err
		}
		if cfg.RedisURL != "" {
			logger.Warn("SAMOOBSLUHA_SECRET is not set: invoice links work only on the instance that made them")
		}
	}

	metrics := web.NewMetrics()

	// Listen before building the bots: the links they hand out need the
	// address when no public URL is configured.
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	base := "http://" + hostPort(ln.Addr())
	if !cfg.PublicURLSet {
		cfg.PublicURL = base
		logger.Info("no public URL configured: links point at the listening address", "public_url", base)
	}

	// The embedded demo shop, shared by every bot without an Upgates URL.
	var demo *demoShop
	needDemo := false
	for _, b := range cfg.Bots {
		if b.Upgates.URL == "" {
			needDemo = true
		}
	}
	if needDemo {
		demo, err = startDemoShop()
		if err != nil {
			return err
		}
		defer demo.Close()
	}

	var bots []*bot.Bot
	webBots := map[string]web.BotOptions{}
	adapters := web.AdapterOptions{Bots: map[string]web.AdapterBot{}}
	if cfg.PublicURLSet {
		// Twilio signs the URL it called: only a configured public URL is
		// known to be that one; otherwise the request's own host is used.
		adapters.PublicURL = cfg.PublicURL
	}
	for _, bc := range cfg.Bots {
		shopURL, login, key := bc.Upgates.URL, string(bc.Upgates.login), string(bc.Upgates.key)
		if shopURL == "" {
			shopURL, login, key = demo.URL, upgatestest.DemoLogin, upgatestest.DemoKey
			bc.Vars = withDemoAccount(bc.Vars)
			if bc.TransferTo == "" {
				// The demo's calls are simulated: a made-up operator line
				// shows what a transfer looks like.
				bc.TransferTo = demoTransferTo
			}
		}
		u, _ := url.Parse(shopURL)
		var health *shopHealth
		client := upgates.New(shopURL, login, key, upgates.Options{
			Limiter:     limiter,
			Cache:       cache,
			MaxInFlight: cfg.MaxInFlight,
			ShopKey:     u.Host,
			OnCall: func(ci upgates.CallInfo) {
				if ci.Cached {
					return
				}
				metrics.UpgatesCall(ci.Endpoint, ci.Status, ci.Duration)
				health.observe(ci.Status, ci.Err)
				if ci.Status == http.StatusTooManyRequests || (ci.Err != nil && ci.Status >= 500) {
					logger.Warn("upgates call", "bot", bc.ID, "action", ci.Endpoint, "status", ci.Status, "duration", ci.Duration)
				}
			},
		})
		health = newShopHealth(client.Ping)
		ap, err := apps.New(client, bc.ID, apps.Options{
			PublicURL:    cfg.PublicURL,
			Secret:       secretKey,
			Region:       bc.Region,
			CancelStatus: bc.Cancel.Status,
			Cache:        cache,
		})
		if err != nil {
			return fmt.Errorf("bot %s: %w", bc.ID, err)
		}
		sc, err := loadScenario(bc.Scenario)
		if err != nil {
			return fmt.Errorf("bot %s: %w", bc.ID, err)
		}
		phoneVerify := true
		if bc.PhoneVerify != nil {
			phoneVerify = *bc.PhoneVerify
		}
		b, err := bot.New(bot.Config{
			ID:            bc.ID,
			Lang:          bc.Lang,
			Scenario:      sc,
			Apps:          ap,
			Store:         store,
			Shop:          health,
			Vars:          bc.Vars,
			Failures:      counter,
			Logger:        logger,
			Metrics:       metrics,
			TurnTimeout:   cfg.TurnTimeout,
			LockoutMax:    cfg.LockoutMax,
			LockoutWindow: cfg.LockoutWindow,
			TransferTo:    bc.TransferTo,
			PhoneVerify:   phoneVerify,
			Region:        bc.Region,
			LogContent:    cfg.LogContent,
		})
		if err != nil {
			return fmt.Errorf("bot %s: %w", bc.ID, err)
		}
		bots = append(bots, b)
		token := string(bc.voiceToken)
		webBots[bc.ID] = web.BotOptions{AllowedOrigins: bc.AllowedOrigins, VoiceToken: token, Lang: bc.Lang}
		adapters.Bots[bc.ID] = web.AdapterBot{TwilioAuthToken: string(bc.twilioToken), JambonzSecret: string(bc.jambonzSecret)}
	}
	mux := bot.NewMux(bots...)

	wopts := web.Options{
		Handler:    mux,
		Invoices:   mux,
		Ready:      mux,
		Metrics:    metrics,
		Logger:     logger,
		TrustProxy: cfg.TrustProxy,
		Bots:       webBots,
	}
	if demo != nil {
		wopts.DemoMode = true
		for _, h := range upgatestest.DemoHints() {
			wopts.Demo = append(wopts.Demo, web.DemoHint{OrderNumber: h.OrderNumber, Email: h.Email, Summary: h.Summary})
		}
	}
	ws := web.NewServer(wopts)

	hs := &http.Server{Handler: ws, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()

	fmt.Fprintf(stdout, "samoobsluha is listening on %s\n", base)
	if demo != nil {
		fmt.Fprintf(stdout, "\nDemo shop (embedded). Open %s/ and ask the chat about one of these orders:\n", base)
		for _, h := range upgatestest.DemoHints() {
			fmt.Fprintf(stdout, "  %-12s %-28s %s\n", h.OrderNumber, h.Email, h.Summary)
		}
		fmt.Fprintln(stdout)
	}
	logger.Info("listening", "addr", ln.Addr().String())
	if ready != nil {
		st := started{URL: base}
		if demo != nil {
			st.UpgatesURL, st.Fake = demo.URL, demo.Fake
		}
		ready(st)
	}

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	// 1. Stop accepting. 2. Close websockets (going away) and wait for
	// their pumps and turns. 3. The store and Redis client close by defer.
	if err := hs.Shutdown(sctx); err != nil {
		logger.Warn("http shutdown", "err", err)
	}
	if err := ws.Shutdown(sctx); err != nil {
		logger.Warn("websocket shutdown", "err", err)
	}
	logger.Info("stopped")
	return nil
}

// redisLogger adapts slog to go-redis's internal logger; its lines are
// about connections (never keys or values) and mean running degraded.
type redisLogger struct{ l *slog.Logger }

func (r redisLogger) Printf(ctx context.Context, format string, v ...any) {
	r.l.WarnContext(ctx, fmt.Sprintf(format, v...))
}

func hostPort(a net.Addr) string {
	ta, ok := a.(*net.TCPAddr)
	if !ok {
		return a.String()
	}
	if ta.IP.IsUnspecified() {
		return fmt.Sprintf("localhost:%d", ta.Port)
	}
	return ta.String()
}

// loadScenario parses the scenario file, or the embedded default.
func loadScenario(path string) (*dialog.Scenario, error) {
	name, data := "default.yaml", dialog.DefaultScenario()
	if path != "" {
		var err error
		if data, err = os.ReadFile(path); err != nil {
			return nil, fmt.Errorf("read scenario: %w", err)
		}
		name = path
	}
	var errs []error
	for _, d := range dialog.Lint(name, data, apps.Catalog()) {
		if d.Severity == "error" {
			errs = append(errs, errors.New(d.String()))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return dialog.ParseScenario(name, data)
}

// withDemoAccount gives the demo bot a (made-up) bank account, so unpaid
// bank-transfer orders show the QR payment; a configured one wins.
func withDemoAccount(vars map[string]string) map[string]string {
	out := map[string]string{"$account": "1234567805", "$bank": "0100"}
	for k, v := range vars {
		out[k] = v
	}
	return out
}

// demoTransferTo is the demo bot's (made-up) operator line.
const demoTransferTo = "+420222333444"

// The embedded demo shop's quota.
const (
	demoQuotaHour = 1_000_000
	demoQuotaDay  = 10_000_000
)

// demoShop is the embedded fake Upgates shop on a loopback port.
type demoShop struct {
	URL  string
	Fake *upgatestest.Fake
	srv  *http.Server
	wg   sync.WaitGroup
}

func startDemoShop() (*demoShop, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("demo shop: %w", err)
	}
	d := &demoShop{Fake: upgatestest.New(upgatestest.Demo())}
	// A real Platinum tariff (100 an hour) would lock the demo after a few
	// visitors; the demo still sends the rate-limit headers, with room.
	d.Fake.SetQuota(demoQuotaHour, demoQuotaDay)
	d.srv = &http.Server{Handler: d.Fake, ReadHeaderTimeout: 5 * time.Second}
	d.URL = "http://" + ln.Addr().String() + "/api/v2"
	d.wg.Add(1)
	go func() { defer d.wg.Done(); _ = d.srv.Serve(ln) }()
	return d, nil
}

// Close stops the demo shop and waits for it.
func (d *demoShop) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = d.srv.Shutdown(ctx)
	d.wg.Wait()
}

func newLogger(cfg *config, w io.Writer) *slog.Logger {
	level, _ := parseLevel(cfg.LogLevel)
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
