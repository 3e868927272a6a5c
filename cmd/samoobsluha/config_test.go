package main

import (
	"bytes"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestConfigPrecedence(t *testing.T) {
	var stderr bytes.Buffer
	c, err := parseConfig([]string{"-addr", ":9000"}, env(map[string]string{
		"SAMOOBSLUHA_ADDR":        ":7000",
		"SAMOOBSLUHA_SESSION_TTL": "5m",
		"SAMOOBSLUHA_UPGATES_KEY": "k",
	}), &stderr)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":9000" {
		t.Errorf("Addr = %q, want the flag's :9000", c.Addr)
	}
	if c.SessionTTL != 5*time.Minute {
		t.Errorf("SessionTTL = %v, want the env's 5m", c.SessionTTL)
	}
	if c.TurnTimeout != 10*time.Second || c.LockoutMax != 5 || c.Lang != "cs" {
		t.Errorf("defaults = %v %d %q", c.TurnTimeout, c.LockoutMax, c.Lang)
	}
	if c.PublicURL != "" || c.PublicURLSet {
		t.Errorf("PublicURL = %q (set %v), want it left to serve", c.PublicURL, c.PublicURLSet)
	}
	if len(c.Bots) != 1 || c.Bots[0].ID != "default" {
		t.Errorf("Bots = %+v, want one default bot", c.Bots)
	}
}

func TestConfigSecretsAreEnvOnlyAndRedacted(t *testing.T) {
	var stderr bytes.Buffer
	if _, err := parseConfig([]string{"-upgates-key", "x"}, env(nil), &stderr); err == nil {
		t.Error("-upgates-key accepted as a flag; secrets must come from the environment only")
	}
	c, err := parseConfig(nil, env(map[string]string{
		"SAMOOBSLUHA_UPGATES_URL":   "https://shop.admin.s1.upgates.com/api/v2",
		"SAMOOBSLUHA_UPGATES_LOGIN": "login-value-123",
		"SAMOOBSLUHA_UPGATES_KEY":   "key-value-456",
		"SAMOOBSLUHA_VOICE_TOKEN":   "voice-token-789",
		"SAMOOBSLUHA_REDIS_URL":     "redis://:redis-pass-000@127.0.0.1:6379/0",
	}), &stderr)
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	slog.New(slog.NewJSONHandler(&log, nil)).Info("starting", c.logAttrs()...)
	for _, s := range []string{"login-value-123", "key-value-456", "voice-token-789", "redis-pass-000"} {
		if strings.Contains(log.String(), s) {
			t.Errorf("startup log line shows a secret %q: %s", s, log.String())
		}
	}
	if !strings.Contains(log.String(), "REDACTED") {
		t.Errorf("startup log line %s does not say REDACTED", log.String())
	}
}

func TestConfigValidation(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"bad duration", []string{"-session-ttl", "soon"}, nil, "-session-ttl"},
		{"bad number", []string{"-lockout-max", "0"}, nil, "-lockout-max"},
		{"bad lang", []string{"-lang", "de"}, nil, "-lang"},
		{"bad level", []string{"-log-level", "loud"}, nil, "-log-level"},
		{"bad url", []string{"-upgates-url", "ftp://x"}, map[string]string{"SAMOOBSLUHA_UPGATES_LOGIN": "a", "SAMOOBSLUHA_UPGATES_KEY": "b"}, "-upgates-url"},
		{"url without credentials", []string{"-upgates-url", "https://shop.admin.s1.upgates.com/api/v2"}, nil, "SAMOOBSLUHA_UPGATES_LOGIN"},
		{"short secret", nil, map[string]string{"SAMOOBSLUHA_SECRET": "short"}, "SAMOOBSLUHA_SECRET"},
		{"bad bool", []string{"-trust-proxy", "maybe"}, nil, "-trust-proxy"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			_, err := parseConfig(tc.args, env(tc.env), &stderr)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("parseConfig(%v) error = %v, want one naming %s", tc.args, err, tc.want)
			}
		})
	}
}

func TestBotsFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "bots.yaml")
	os.WriteFile(good, []byte(`bots:
  - id: default
    lang: cs
    allowed_origins: [https://www.myshop.cz]
    voice_token_env: MY_VOICE
    vars: {$account: "1234567805", $bank: "0100"}
  - id: en
    lang: en
    upgates:
      url: https://other.admin.s5.upgates.com/api/v2
      login_env: OTHER_LOGIN
      key_env: OTHER_KEY
`), 0o600)
	var stderr bytes.Buffer
	c, err := parseConfig([]string{"-config", good}, env(map[string]string{"MY_VOICE": "tok", "OTHER_LOGIN": "l", "OTHER_KEY": "k"}), &stderr)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Bots) != 2 || c.Bots[0].voiceToken != "tok" || c.Bots[1].Upgates.key != "k" || c.Bots[0].Vars["$bank"] != "0100" {
		t.Errorf("bots = %+v", c.Bots)
	}
	if c.Bots[1].Cancel.Status != "type:Canceled" || c.Bots[1].Region != "CZ" {
		t.Errorf("bot defaults = %+v", c.Bots[1])
	}

	for name, body := range map[string]string{
		"unknown key":  "bots:\n  - id: a\n    colour: red\n",
		"duplicate id": "bots:\n  - id: a\n  - id: a\n",
		"missing env":  "bots:\n  - id: a\n    upgates: {url: 'https://x.admin.s1.upgates.com/api/v2', login_env: NOPE_L, key_env: NOPE_K}\n",
		"no bots":      "bots: []\n",
		"bad lang":     "bots:\n  - id: a\n    lang: de\n",
	} {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+".yaml")
			os.WriteFile(p, []byte(body), 0o600)
			if _, err := parseConfig([]string{"-config", p}, env(nil), &stderr); err == nil {
				t.Errorf("bots file with %s accepted", name)
			}
		})
	}
}

// TestSettingsDocumented keeps the README, docs/configuration.md and the
// command's doc comment true: each names every setting's env variable.
func TestSettingsDocumented(t *testing.T) {
	for _, file := range []string{"../../README.md", "../../docs/configuration.md", "doc.go"} {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range flagSpecs {
			name := envName(f.Name)
			if !strings.Contains(string(data), name) {
				t.Errorf("%s does not document %s", file, name)
			}
			if !f.EnvOnly && !strings.Contains(string(data), fmt.Sprintf("-%s", f.Name)) {
				t.Errorf("%s does not document the flag -%s", file, f.Name)
			}
		}
	}
}
