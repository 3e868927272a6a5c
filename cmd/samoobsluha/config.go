package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// envPrefix is the prefix of every environment twin of a flag.
const envPrefix = "SAMOOBSLUHA_"

// secret is a string that never prints: it implements fmt.Stringer and
// slog.LogValuer so a logged config shows REDACTED.
type secret string

func (s secret) String() string {
	if s == "" {
		return ""
	}
	return "REDACTED"
}

// LogValue implements slog.LogValuer.
func (s secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// config is the effective server configuration after flags, env and the
// optional bots file.
type config struct {
	Addr      string
	PublicURL string
	// PublicURLSet is false when PublicURL was not configured; serve then
	// derives it from the address it listens on.
	PublicURLSet   bool
	RedisURL       string
	UpgatesURL     string
	UpgatesLogin   secret
	UpgatesKey     secret
	VoiceToken     secret
	TwilioToken    secret
	JambonzSecret  secret
	Secret         secret
	ConfigFile     string
	Scenario       string
	Lang           string
	AllowedOrigins []string
	SessionTTL     time.Duration
	TurnTimeout    time.Duration
	LockoutMax     int
	LockoutWindow  time.Duration
	Region         string
	TransferTo     string
	CancelStatus   string
	MaxInFlight    int
	LogLevel       string
	LogFormat      string
	LogContent     bool
	TrustProxy     bool

	// Bots is the list of bots: from the config file, or one "default"
	// bot built from the flags above.
	Bots []botConfig
}

// botConfig is one bot of the bots file (SAMOOBSLUHA_CONFIG).
type botConfig struct {
	ID             string        `yaml:"id"`
	Scenario       string        `yaml:"scenario"`
	Lang           string        `yaml:"lang"`
	Upgates        upgatesConfig `yaml:"upgates"`
	AllowedOrigins []string      `yaml:"allowed_origins"`
	VoiceTokenEnv  string        `yaml:"voice_token_env"`
	// TwilioAuthTokenEnv and JambonzSecretEnv name the env variables with
	// the bot's Twilio auth token and Jambonz webhook secret.
	TwilioAuthTokenEnv string       `yaml:"twilio_auth_token_env"`
	JambonzSecretEnv   string       `yaml:"jambonz_webhook_secret_env"`
	TransferTo         string       `yaml:"transfer_to"`
	PhoneVerify        *bool        `yaml:"phone_verify"`
	Region             string       `yaml:"region"`
	Cancel             cancelConfig `yaml:"cancel"`
	// Vars are set in every new conversation: scenario settings such as
	// the shop's bank account for QR payments ($account, $bank).
	Vars map[string]string `yaml:"vars"`

	voiceToken, twilioToken, jambonzSecret secret
}

// upgatesConfig says where a bot's shop is and which env variables hold
// its credentials (secrets never live in the file).
type upgatesConfig struct {
	URL      string `yaml:"url"`
	LoginEnv string `yaml:"login_env"`
	KeyEnv   string `yaml:"key_env"`

	login, key secret
}

// cancelConfig is a bot's cancellation policy.
type cancelConfig struct {
	// Status is the status to set: an id, a name, or "type:Canceled"
	// (the default).
	Status string `yaml:"status"`
	// SendEmail tells Upgates to send the status e-mail to the customer.
	SendEmail *bool `yaml:"send_email"`
}

// flagSpec documents one flag: name, env twin, default, help.
type flagSpec struct {
	Name, Default, Help string
	EnvOnly             bool
}

// flagSpecs lists every setting; the README and docs/configuration.md
// table is checked against it by a test.
var flagSpecs = []flagSpec{
	{Name: "addr", Default: ":8080", Help: "address to listen on"},
	{Name: "public-url", Default: "", Help: "base URL of this server as customers reach it, for the links we hand out and for checking Twilio signatures (default: the address the server listens on)"},
	{Name: "redis-url", Default: "", Help: "Redis URL for sessions and shared state; empty keeps everything in memory (one instance only)"},
	{Name: "upgates-url", Default: "", Help: "Upgates API base URL (https://SHOP.admin.SERVER.upgates.com/api/v2); empty runs the embedded demo shop"},
	{Name: "upgates-login", EnvOnly: true, Help: "Upgates API login (env only)"},
	{Name: "upgates-key", EnvOnly: true, Help: "Upgates API key (env only)"},
	{Name: "voice-token", EnvOnly: true, Help: "bearer token telephony adapters send to /voice/turn; empty turns the endpoint off (except in the demo)"},
	{Name: "twilio-auth-token", EnvOnly: true, Help: "Twilio account auth token: turns on /voice/twilio/default and checks Twilio's request signatures"},
	{Name: "jambonz-webhook-secret", EnvOnly: true, Help: "Jambonz webhook secret: /voice/jambonz/default then also requires a valid Jambonz-Signature (besides the voice token)"},
	{Name: "secret", EnvOnly: true, Help: "key that signs invoice links; set the same value on every instance (default: random per process)"},
	{Name: "config", Default: "", Help: "YAML file listing several bots (see docs/configuration.md); replaces the single default bot"},
	{Name: "scenario", Default: "", Help: "scenario YAML file for the default bot; empty uses the embedded default scenario"},
	{Name: "lang", Default: "cs", Help: "default language of the default bot: cs or en"},
	{Name: "allowed-origins", Default: "", Help: "comma-separated origins allowed to open the chat socket besides the server's own"},
	{Name: "session-ttl", Default: "30m", Help: "idle time after which a conversation expires"},
	{Name: "turn-timeout", Default: "10s", Help: "deadline of one bot turn, shop calls included"},
	{Name: "lockout-max", Default: "5", Help: "failed verifications before lookups are locked"},
	{Name: "lockout-window", Default: "15m", Help: "window in which failed verifications are counted (and the lock lasts)"},
	{Name: "region", Default: "CZ", Help: "default region for phone numbers without a country code"},
	{Name: "transfer-to", Default: "", Help: "phone number a voice call is transferred to when the caller asks for a person"},
	{Name: "cancel-status", Default: "type:Canceled", Help: "status a cancelled order gets: id, name, or type:TYPE"},
	{Name: "upgates-max-inflight", Default: "3", Help: "Upgates requests in flight per shop across all instances"},
	{Name: "trust-proxy", Default: "false", Help: "take the client address from the last X-Forwarded-For entry (set behind a load balancer, or lockouts count everyone as one client)"},
	{Name: "log-level", Default: "info", Help: "debug, info, warn or error"},
	{Name: "log-format", Default: "text", Help: "text or json"},
	{Name: "log-content", Default: "false", Help: "log customer text at debug level (personal data: development only)"},
}

// envName returns the environment twin of a flag name.
func envName(flagName string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// parseConfig reads flags (which win), then env, then defaults, and
// validates the result. getenv is os.Getenv in production.
func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (*config, error) {
	fs := flag.NewFlagSet("samoobsluha", flag.ContinueOnError)
	fs.SetOutput(stderr)
	vals := map[string]*string{}
	for _, f := range flagSpecs {
		if f.EnvOnly {
			continue
		}
		def := f.Default
		if v := getenv(envName(f.Name)); v != "" {
			def = v
		}
		vals[f.Name] = fs.String(f.Name, def, f.Help+" (env "+envName(f.Name)+")")
	}
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: samoobsluha [serve] [flags]\n       samoobsluha lint FILE...\n       samoobsluha test [flags] FILES_OR_DIRS\n       samoobsluha fake-upgates [-addr :9090]\n\nflags (each has an env twin SAMOOBSLUHA_<NAME>):\n")
		fs.PrintDefaults()
		var envOnly []string
		for _, f := range flagSpecs {
			if f.EnvOnly {
				envOnly = append(envOnly, envName(f.Name))
			}
		}
		fmt.Fprintf(stderr, "\nenv only (secrets): %s\n", strings.Join(envOnly, ", "))
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	c := &config{
		Addr:          *vals["addr"],
		PublicURL:     strings.TrimRight(*vals["public-url"], "/"),
		RedisURL:      *vals["redis-url"],
		UpgatesURL:    *vals["upgates-url"],
		UpgatesLogin:  secret(getenv(envName("upgates-login"))),
		UpgatesKey:    secret(getenv(envName("upgates-key"))),
		VoiceToken:    secret(getenv(envName("voice-token"))),
		TwilioToken:   secret(getenv(envName("twilio-auth-token"))),
		JambonzSecret: secret(getenv(envName("jambonz-webhook-secret"))),
		Secret:        secret(getenv(envName("secret"))),
		ConfigFile:    *vals["config"],
		Scenario:      *vals["scenario"],
		Lang:          *vals["lang"],
		Region:        strings.ToUpper(*vals["region"]),
		TransferTo:    *vals["transfer-to"],
		CancelStatus:  *vals["cancel-status"],
		LogLevel:      *vals["log-level"],
		LogFormat:     *vals["log-format"],
	}
	for _, o := range strings.Split(*vals["allowed-origins"], ",") {
		if o = strings.TrimSpace(o); o != "" {
			c.AllowedOrigins = append(c.AllowedOrigins, o)
		}
	}
	var errs []error
	dur := func(name string, dst *time.Duration) {
		d, err := time.ParseDuration(*vals[name])
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Errorf("-%s: %q is not a positive duration", name, *vals[name]))
		}
		*dst = d
	}
	num := func(name string, dst *int) {
		var n int
		if _, err := fmt.Sscan(*vals[name], &n); err != nil || n <= 0 {
			errs = append(errs, fmt.Errorf("-%s: %q is not a positive number", name, *vals[name]))
		}
		*dst = n
	}
	dur("session-ttl", &c.SessionTTL)
	dur("turn-timeout", &c.TurnTimeout)
	dur("lockout-window", &c.LockoutWindow)
	num("lockout-max", &c.LockoutMax)
	num("upgates-max-inflight", &c.MaxInFlight)
	boolean := func(name string, dst *bool) {
		switch *vals[name] {
		case "true", "1":
			*dst = true
		case "false", "0", "":
		default:
			errs = append(errs, fmt.Errorf("-%s: %q is not true or false", name, *vals[name]))
		}
	}
	boolean("log-content", &c.LogContent)
	boolean("trust-proxy", &c.TrustProxy)
	if c.Lang != "cs" && c.Lang != "en" {
		errs = append(errs, fmt.Errorf("-lang: %q is not cs or en", c.Lang))
	}
	if _, err := parseLevel(c.LogLevel); err != nil {
		errs = append(errs, err)
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("-log-format: %q is not text or json", c.LogFormat))
	}
	if c.UpgatesURL != "" {
		if err := checkURL(c.UpgatesURL); err != nil {
			errs = append(errs, fmt.Errorf("-upgates-url: %w", err))
		}
		if c.UpgatesLogin == "" || c.UpgatesKey == "" {
			errs = append(errs, fmt.Errorf("-upgates-url is set, so %s and %s are required", envName("upgates-login"), envName("upgates-key")))
		}
	}
	if c.PublicURL != "" {
		if err := checkURL(c.PublicURL); err != nil {
			errs = append(errs, fmt.Errorf("-public-url: %w", err))
		}
	}
	if c.Secret != "" && len(c.Secret) < 16 {
		errs = append(errs, fmt.Errorf("%s must be at least 16 characters", envName("secret")))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	c.PublicURLSet = c.PublicURL != ""
	if c.ConfigFile != "" {
		data, err := os.ReadFile(c.ConfigFile)
		if err != nil {
			return nil, fmt.Errorf("read config: %w", err)
		}
		bots, err := parseBots(c.ConfigFile, data, getenv)
		if err != nil {
			return nil, err
		}
		c.Bots = bots
	} else {
		c.Bots = []botConfig{{
			ID:             "default",
			Scenario:       c.Scenario,
			Lang:           c.Lang,
			Upgates:        upgatesConfig{URL: c.UpgatesURL, login: c.UpgatesLogin, key: c.UpgatesKey},
			AllowedOrigins: c.AllowedOrigins,
			TransferTo:     c.TransferTo,
			Region:         c.Region,
			Cancel:         cancelConfig{Status: c.CancelStatus},
			voiceToken:     c.VoiceToken,
			twilioToken:    c.TwilioToken,
			jambonzSecret:  c.JambonzSecret,
		}}
	}
	return c, nil
}

// parseBots reads and validates a bots file.
func parseBots(name string, data []byte, getenv func(string) string) ([]botConfig, error) {
	var file struct {
		Bots []botConfig `yaml:"bots"`
	}
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&file); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(file.Bots) == 0 {
		return nil, fmt.Errorf("%s: no bots listed", name)
	}
	seen := map[string]bool{}
	var errs []error
	for i := range file.Bots {
		b := &file.Bots[i]
		where := fmt.Sprintf("%s: bot %d (%s)", name, i+1, b.ID)
		if b.ID == "" || strings.ContainsAny(b.ID, " /?#&") {
			errs = append(errs, fmt.Errorf("%s: id must be a short word", where))
		}
		if seen[b.ID] {
			errs = append(errs, fmt.Errorf("%s: duplicate id", where))
		}
		seen[b.ID] = true
		if b.Lang == "" {
			b.Lang = "cs"
		}
		if b.Lang != "cs" && b.Lang != "en" {
			errs = append(errs, fmt.Errorf("%s: lang %q is not cs or en", where, b.Lang))
		}
		if b.Region == "" {
			b.Region = "CZ"
		}
		if b.Cancel.Status == "" {
			b.Cancel.Status = "type:Canceled"
		}
		if b.Upgates.URL != "" {
			if err := checkURL(b.Upgates.URL); err != nil {
				errs = append(errs, fmt.Errorf("%s: upgates.url: %w", where, err))
			}
			if b.Upgates.LoginEnv == "" || b.Upgates.KeyEnv == "" {
				errs = append(errs, fmt.Errorf("%s: upgates.login_env and upgates.key_env name the env variables holding the credentials", where))
			} else {
				b.Upgates.login, b.Upgates.key = secret(getenv(b.Upgates.LoginEnv)), secret(getenv(b.Upgates.KeyEnv))
				if b.Upgates.login == "" || b.Upgates.key == "" {
					errs = append(errs, fmt.Errorf("%s: env %s and %s must be set", where, b.Upgates.LoginEnv, b.Upgates.KeyEnv))
				}
			}
		}
		for _, e := range []struct {
			env string
			dst *secret
		}{{b.VoiceTokenEnv, &b.voiceToken}, {b.TwilioAuthTokenEnv, &b.twilioToken}, {b.JambonzSecretEnv, &b.jambonzSecret}} {
			if e.env == "" {
				continue
			}
			if *e.dst = secret(getenv(e.env)); *e.dst == "" {
				errs = append(errs, fmt.Errorf("%s: env %s is named but not set", where, e.env))
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return file.Bots, nil
}

func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an http(s) URL", s)
	}
	return nil
}

// portOf returns ":PORT" of a listen address (":8080" for ":8080" or
// "0.0.0.0:8080").
func portOf(addr string) string {
	if i := strings.LastIndex(addr, ":"); i >= 0 {
		return addr[i:]
	}
	return ":8080"
}

func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return 0, fmt.Errorf("-log-level: %q is not debug, info, warn or error", s)
	}
	return l, nil
}

// logValue returns the config for the one startup log line, secrets
// redacted.
func (c *config) logAttrs() []any {
	bots := make([]string, len(c.Bots))
	for i, b := range c.Bots {
		bots[i] = b.ID
	}
	shop := c.UpgatesURL
	if shop == "" {
		shop = "embedded demo shop"
	}
	store := "memory"
	if c.RedisURL != "" {
		store = redactURL(c.RedisURL)
	}
	return []any{"addr", c.Addr, "public_url", c.PublicURL, "session_store", store, "upgates", shop,
		"upgates_login", c.UpgatesLogin, "upgates_key", c.UpgatesKey, "voice_token", c.VoiceToken,
		"twilio_auth_token", c.TwilioToken, "jambonz_webhook_secret", c.JambonzSecret,
		"bots", strings.Join(bots, ","), "session_ttl", c.SessionTTL, "turn_timeout", c.TurnTimeout,
		"lockout", fmt.Sprintf("%d/%s", c.LockoutMax, c.LockoutWindow), "log_level", c.LogLevel}
}

// redactURL hides the password of a URL.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparsable)"
	}
	return u.Redacted()
}
