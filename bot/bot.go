package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"regexp"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/samoobsluha/samoobsluha/bot/apps"
	"github.com/samoobsluha/samoobsluha/dialog"
	"github.com/samoobsluha/samoobsluha/session"
)

// AppRunner runs the scenario's actions against the shop. *apps.Apps
// satisfies it.
type AppRunner interface {
	// Run executes one action. It never returns a Go error: technical
	// failures come back as dialog.OutcomeError with Result.Err set.
	Run(ctx context.Context, c apps.Call) apps.Result
	// OpenInvoice resolves a signed invoice token to the PDF. The caller
	// closes body.
	OpenInvoice(ctx context.Context, token string) (fileName string, body io.ReadCloser, err error)
}

// Counter is a fixed-window failure counter shared across instances. The
// session package's memory and Redis counters satisfy it.
type Counter interface {
	// Incr adds one to key and returns the count within the window, which
	// starts at the first Incr.
	Incr(ctx context.Context, key string, window time.Duration) (int64, error)
	// Count returns the current count of key (0 when absent or expired).
	Count(ctx context.Context, key string) (int64, error)
	// Counts returns the current counts of keys, in order, in one call
	// (one round trip on Redis).
	Counts(ctx context.Context, keys ...string) ([]int64, error)
	// Reset forgets key.
	Reset(ctx context.Context, key string) error
}

// Metrics receives the bot's measurements. The web package implements it
// with Prometheus. A nil Metrics in Config records nothing.
type Metrics interface {
	// Turn records one handled request: the bot id, the channel, how long
	// it took and its outcome ("ok", "end", "locked", "unavailable",
	// "bad_request", "expired", "error").
	Turn(bot, channel string, d time.Duration, outcome string)
	// Action records one app call and its outcome ("yes", "no", "error",
	// "locked", "replayed").
	Action(app, outcome string)
	// Lockout records that a session or client became locked after too
	// many failed verifications.
	Lockout(bot string)
}

// Pinger reports whether a dependency is reachable.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Errors returned by Mux.Invoice.
var (
	// ErrInvoiceNotFound means the token is forged, belongs to no bot, or
	// the invoice no longer exists in the shop.
	ErrInvoiceNotFound = errors.New("invoice not found")
	// ErrInvoiceExpired means the token was genuine but its time is over.
	ErrInvoiceExpired = errors.New("invoice link expired")
)

// Defaults for the zero values of Config.
const (
	DefaultTurnTimeout   = 10 * time.Second
	DefaultLockoutMax    = 5
	DefaultLockoutWindow = 15 * time.Minute
	DefaultRegion        = "CZ"
	DefaultLang          = "cs"
	// DefaultJournalTTL is how long a write to the shop is remembered in
	// the session so that a repeated request never sends it again.
	DefaultJournalTTL = 30 * time.Minute
	// maxActionsPerTurn bounds a scenario that loops through app boxes.
	maxActionsPerTurn = 16
)

// Config configures one bot. Scenario, Apps and Store are required; every
// other zero value has the documented default.
type Config struct {
	// ID is the bot's id ("" means "default").
	ID string
	// Lang is the default language, "cs" (default) or "en".
	Lang string
	// Scenario is the parsed scenario the bot runs.
	Scenario *dialog.Scenario
	// Apps runs actions and opens invoices (*apps.Apps).
	Apps AppRunner
	// Store keeps sessions; the bot never closes it.
	Store session.Store
	// Failures counts failed verifications for brute-force lockout,
	// shared across instances. Nil uses an in-process counter (only right
	// for a single instance).
	Failures Counter
	// Shop, if set, is pinged by Ping for readiness. Leave it nil when
	// every shop call costs money (Upgates charges per call).
	Shop Pinger
	// Logger receives lifecycle lines at Info and one line per turn at
	// Debug. Nil discards.
	Logger *slog.Logger
	// Metrics, if set, receives turn, action and lockout measurements.
	Metrics Metrics
	// Now is the clock (default time.Now).
	Now func() time.Time
	// NewID issues session ids (default uuid.NewString).
	NewID func() string
	// TurnTimeout bounds one turn, waiting for the session lock, shop
	// calls and saving included (default 10s). Shop calls get 80% of it,
	// the rest is kept for saving. It must be shorter than the store's
	// lock TTL (30s by default), or a slow turn could lose its lock.
	TurnTimeout time.Duration
	// LockoutMax failed verifications within LockoutWindow lock lookups
	// for the session and the client address or caller (default 5 in 15m).
	LockoutMax    int
	LockoutWindow time.Duration
	// JournalTTL is how long writes are remembered against repetition
	// (default 30m).
	JournalTTL time.Duration
	// TransferTo is the phone number a voice handover transfers to when
	// the scenario gives none.
	TransferTo string
	// PhoneVerify lets voice scenarios verify a caller by the number they
	// call from: the normalised number is stored as the private variable
	// $caller. The zero value does not store it; cmd sets it from the
	// -phone-verify flag (default true).
	PhoneVerify bool
	// Region is the default region for normalising caller numbers to
	// E.164 (default "CZ").
	Region string
	// LogContent logs customer text at Debug. Off by default; personal
	// data is never logged at Info or above either way.
	LogContent bool
	// Vars are set in every new session before the scenario starts: bot
	// settings such as the shop's bank account for QR payments ($account
	// and $bank in the default scenario). Names starting with $ are
	// private. They win over the scenario's own defaults (its vars:).
	Vars map[string]string
}

// Bot runs one scenario for one shop. It is safe for concurrent use; turns
// of one session are serialised through the store's lock, also across
// instances.
type Bot struct {
	id       string
	lang     string
	engine   *dialog.Engine
	apps     AppRunner
	store    session.Store
	failures Counter
	shop     Pinger
	log      *slog.Logger
	metrics  Metrics
	now      func() time.Time
	newID    func() string

	turnTimeout   time.Duration
	lockoutMax    int
	lockoutWindow time.Duration
	journalTTL    time.Duration
	transferTo    string
	phoneVerify   bool
	region        string
	logContent    bool
	vars          map[string]string
}

var botIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// New returns a bot for cfg. It fails when a required field is missing or
// a value is out of range.
func New(cfg Config) (*Bot, error) {
	b := &Bot{
		id:            cfg.ID,
		lang:          cfg.Lang,
		apps:          cfg.Apps,
		store:         cfg.Store,
		failures:      cfg.Failures,
		shop:          cfg.Shop,
		log:           cfg.Logger,
		metrics:       cfg.Metrics,
		now:           cfg.Now,
		newID:         cfg.NewID,
		turnTimeout:   cfg.TurnTimeout,
		lockoutMax:    cfg.LockoutMax,
		lockoutWindow: cfg.LockoutWindow,
		journalTTL:    cfg.JournalTTL,
		transferTo:    cfg.TransferTo,
		phoneVerify:   cfg.PhoneVerify,
		region:        cfg.Region,
		logContent:    cfg.LogContent,
		vars:          maps.Clone(cfg.Vars),
	}
	if b.id == "" {
		b.id = "default"
	}
	if !botIDPattern.MatchString(b.id) {
		return nil, fmt.Errorf("new bot: invalid id %q", b.id)
	}
	switch b.lang {
	case "":
		b.lang = DefaultLang
	case "cs", "en":
	default:
		return nil, fmt.Errorf("new bot %s: unsupported language %q (cs or en)", b.id, b.lang)
	}
	if cfg.Scenario == nil {
		return nil, fmt.Errorf("new bot %s: no scenario", b.id)
	}
	if b.apps == nil {
		return nil, fmt.Errorf("new bot %s: no apps", b.id)
	}
	if b.store == nil {
		return nil, fmt.Errorf("new bot %s: no session store", b.id)
	}
	if b.log == nil {
		b.log = slog.New(slog.DiscardHandler)
	}
	b.log = b.log.With("component", "bot", "bot", b.id)
	if b.metrics == nil {
		b.metrics = noMetrics{}
	}
	if b.now == nil {
		b.now = time.Now
	}
	if b.newID == nil {
		b.newID = uuid.NewString
	}
	if b.failures == nil {
		b.failures = session.NewMemoryCounter(b.now)
	}
	if b.turnTimeout == 0 {
		b.turnTimeout = DefaultTurnTimeout
	}
	if b.lockoutMax == 0 {
		b.lockoutMax = DefaultLockoutMax
	}
	if b.lockoutWindow == 0 {
		b.lockoutWindow = DefaultLockoutWindow
	}
	if b.journalTTL == 0 {
		b.journalTTL = DefaultJournalTTL
	}
	if b.region == "" {
		b.region = DefaultRegion
	}
	for k := range b.vars {
		if name := strings.TrimPrefix(k, "$"); !validVarName(name) {
			return nil, fmt.Errorf("new bot %s: invalid variable name %q", b.id, k)
		}
	}
	if b.turnTimeout < 0 || b.lockoutMax < 0 || b.lockoutWindow < 0 || b.journalTTL < 0 {
		return nil, fmt.Errorf("new bot %s: negative duration or limit", b.id)
	}
	b.engine = dialog.NewEngine(cfg.Scenario, dialog.Options{Transfer: cfg.TransferTo})
	b.log.Info("bot ready", "lang", b.lang, "turn_timeout", b.turnTimeout, "lockout_max", b.lockoutMax, "lockout_window", b.lockoutWindow)
	return b, nil
}

// ID returns the bot's id.
func (b *Bot) ID() string { return b.id }

// Lang returns the bot's default language.
func (b *Bot) Lang() string { return b.lang }

// Ping reports whether the session store (and the shop, when Config.Shop
// is set) is reachable.
func (b *Bot) Ping(ctx context.Context) error {
	if err := b.store.Ping(ctx); err != nil {
		return fmt.Errorf("bot %s: session store: %w", b.id, err)
	}
	if b.shop != nil {
		if err := b.shop.Ping(ctx); err != nil {
			return fmt.Errorf("bot %s: shop: %w", b.id, err)
		}
	}
	return nil
}

type noMetrics struct{}

func (noMetrics) Turn(string, string, time.Duration, string) {}
func (noMetrics) Action(string, string)                      {}
func (noMetrics) Lockout(string)                             {}
