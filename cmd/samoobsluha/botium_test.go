package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/samoobsluha/samoobsluha/convo"
)

// botiumCLI finds botium-cli as scripts/botium installs it, or skips the
// test (fails under CI=true: the tool is a real part, its absence is loud).
func botiumCLI(t *testing.T) string {
	t.Helper()
	var missing string
	if _, err := exec.LookPath("node"); err != nil {
		missing = "node is not installed"
	}
	dir := os.Getenv("SAMOOBSLUHA_BOTIUM_DIR")
	if dir == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			t.Fatalf("no cache directory: %v", err)
		}
		dir = filepath.Join(cache, "samoobsluha", "botium")
	}
	cli := filepath.Join(dir, "node_modules", ".bin", "botium-cli")
	if _, err := os.Stat(cli); missing == "" && err != nil {
		missing = "botium-cli is not installed in " + dir
	}
	if missing == "" {
		return cli
	}
	msg := missing + ": run scripts/botium install (npm, about 180 MB) to run the voice convos under Botium"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// mochaStats is the summary of botium-cli's "json" (Mocha) report.
type mochaStats struct {
	Stats struct {
		Tests    int `json:"tests"`
		Passes   int `json:"passes"`
		Failures int `json:"failures"`
	} `json:"stats"`
	Failures []struct {
		Title string `json:"title"`
		Err   struct {
			Message string `json:"message"`
		} `json:"err"`
	} `json:"failures"`
}

// runBotium runs botium-cli with docs/botium.json on the convos in dir
// against the server's /voice/turn and returns its report.
func runBotium(t *testing.T, cli, baseURL, dir string) mochaStats {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	config, err := filepath.Abs("../../docs/botium.json")
	if err != nil {
		t.Fatal(err)
	}
	if dir, err = filepath.Abs(dir); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, cli, "run", "json", "--config", config, "--convos", dir)
	// Botium keeps a work directory ("botiumwork") in its current one.
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), "BOTIUM_SIMPLEREST_URL="+baseURL+"/voice/turn")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	// botium-cli exits with the number of failures; the report tells.
	out := stdout.Bytes()
	if i := bytes.IndexByte(out, '{'); i > 0 {
		out = out[i:]
	}
	var rep mochaStats
	if jerr := json.Unmarshal(out, &rep); jerr != nil {
		t.Fatalf("botium-cli (%v) printed no Mocha JSON report: %v\nstdout:\n%s\nstderr:\n%s", err, jerr, stdout.String(), stderr.String())
	}
	return rep
}

// TestBotiumVoiceConvos runs dialogs/voice with a real Botium (botium-cli
// from npm, its built-in simplerest connector, docs/botium.json) against a
// running server's /voice/turn. It also checks that docs/botium.json's
// custom asserters fail when they should, so a no-op asserter cannot pass.
func TestBotiumVoiceConvos(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server and Node")
	}
	cli := botiumCLI(t)
	// The voice convos a running server can serve: not the in-process-only
	// ones (@shop-down, @shop-permission, ...), which Botium would run
	// against the real shop.
	convos, err := convo.Load([]string{"../../dialogs/voice"})
	if err != nil {
		t.Fatal(err)
	}
	suite := t.TempDir()
	var voice []string
	for _, c := range convos {
		if c.InProcessOnly() || c.Channel() != "voice" {
			continue
		}
		data, err := os.ReadFile(c.File)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(suite, filepath.Base(c.File)), data, 0o644); err != nil {
			t.Fatal(err)
		}
		voice = append(voice, c.File)
	}
	if len(voice) < 10 {
		t.Fatalf("only %d voice convos for Botium", len(voice))
	}

	t.Run("suite passes", func(t *testing.T) {
		st := startServer(t, map[string]string{"SAMOOBSLUHA_TRANSFER_TO": "+420222333444"})
		rep := runBotium(t, cli, st.URL, suite)
		if rep.Stats.Tests != len(voice) || rep.Stats.Passes != len(voice) {
			var b strings.Builder
			for _, f := range rep.Failures {
				fmt.Fprintf(&b, "  %s: %s\n", f.Title, f.Err.Message)
			}
			t.Fatalf("botium: %d tests, %d passed, %d failed; want all %d voice convos to pass:\n%s",
				rep.Stats.Tests, rep.Stats.Passes, rep.Stats.Failures, len(voice), b.String())
		}
	})

	t.Run("asserters fail", func(t *testing.T) {
		st := startServer(t, nil)
		dir := t.TempDir()
		// Each convo must fail, with this in Botium's message.
		cases := map[string]struct{ convo, want string }{
			"say":           {"#me\nVOICE_START\n\n#bot\nSAY_CONTAINS zebra\n", `SAY_CONTAINS: expected say containing ["zebra"]`},
			"not-say":       {"#me\nVOICE_START\n\n#bot\n!SAY_CONTAINS automatická linka\n", "!SAY_CONTAINS: matched, but must not"},
			"not-ssml":      {"#me\nVOICE_START\n\n#bot\n!SSML_VALID\n", "!SSML_VALID: matched, but must not"},
			"ssml-contains": {"#me\nVOICE_START\n\n#bot\nSSML_CONTAINS <blink>\n", "SSML_CONTAINS: expected SSML containing"},
			"transfer":      {"#me\nVOICE_START\n\n#bot\nTRANSFER\n", "TRANSFER: expected a transfer, got action continue"},
			"transfer-to":   {"#me\nVOICE_START\n\n#bot\n\n#me\noperátor\n\n#bot\nTRANSFER +420111111111\n", "TRANSFER: expected a transfer to +420111111111, got action"},
			"hangup":        {"#me\nVOICE_START\n\n#bot\nHANGUP\n", "HANGUP: expected a hangup, got action continue"},
			"end":           {"#me\nVOICE_START\n\n#bot\nEND\n", "END: expected the end, got action continue"},
			"expect":        {"#me\nVOICE_START\n\n#bot\nEXPECT speech_dtmf order_number\n", `EXPECT: expected ["speech_dtmf order_number"]`},
			"not-expect":    {"#me\nVOICE_START\n\n#bot\n!EXPECT speech\n", "!EXPECT: matched, but must not"},
			"text":          {"#me\nVOICE_START\n\n#bot\nNa shledanou*\n", `expected to match "Na shledanou*"`},
		}
		for name, c := range cases {
			text := "Must fail " + name + "\n\n" + c.convo
			if err := os.WriteFile(filepath.Join(dir, name+".convo.txt"), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		rep := runBotium(t, cli, st.URL, dir)
		if rep.Stats.Failures != len(cases) || rep.Stats.Passes != 0 {
			t.Errorf("botium: %d passed, %d failed; want all %d to fail", rep.Stats.Passes, rep.Stats.Failures, len(cases))
		}
		for name, c := range cases {
			found := false
			for _, f := range rep.Failures {
				if f.Title == "Must fail "+name {
					found = true
					if !strings.Contains(f.Err.Message, c.want) {
						t.Errorf("%s: botium said %q, want it to contain %q", name, f.Err.Message, c.want)
					}
				}
			}
			if !found {
				t.Errorf("%s: no failure reported", name)
			}
		}
	})
}
