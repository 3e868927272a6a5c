package bot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"

	"github.com/samoobsluha/samoobsluha/bot"
	"github.com/samoobsluha/samoobsluha/bot/apps"
	"github.com/samoobsluha/samoobsluha/dialog"
	"github.com/samoobsluha/samoobsluha/session"
)

// cannedApps answers actions with the results a golden transcript gives,
// in order, and records the calls in the transcript's notation.
type cannedApps struct {
	mu      sync.Mutex
	results []dialog.ActionResult
	calls   []string
}

func (c *cannedApps) Run(ctx context.Context, call apps.Call) apps.Result {
	c.mu.Lock()
	defer c.mu.Unlock()
	keys := make([]string, 0, len(call.Params))
	for k := range call.Params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	ps := make([]string, len(keys))
	for i, k := range keys {
		ps[i] = fmt.Sprintf("%s=%q", k, call.Params[k])
	}
	c.calls = append(c.calls, fmt.Sprintf("%s(%s)", call.App, strings.Join(ps, ", ")))
	if len(c.results) == 0 {
		return apps.Result{Outcome: dialog.OutcomeError, Value: false, Err: fmt.Errorf("golden: no result left for %s", call.App)}
	}
	r := c.results[0]
	c.results = c.results[1:]
	return apps.Result{Outcome: r.Outcome, Value: r.Value}
}

func (c *cannedApps) OpenInvoice(ctx context.Context, token string) (string, io.ReadCloser, error) {
	return "", nil, apps.ErrTokenInvalid
}

// TestGoldenTranscripts runs dialog's golden transcripts end to end
// through bot with the memory store: every request is a real turn (lock,
// load, step, actions, save), so the engine state also survives the
// session's JSON round trip at every turn. The apps answer with the
// transcript's canned results (its order numbers are not in the fake
// shop's dataset; the real apps against the fake shop run in the other
// tests). Compared: the bot's messages, the actions with their rendered
// parameters, the end, and the final public variables.
func TestGoldenTranscripts(t *testing.T) {
	files, err := filepath.Glob("../dialog/testdata/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Skip("no golden transcripts in dialog/testdata")
	}
	ran := 0
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			sec := map[string]string{}
			for _, f := range ar.Files {
				sec[f.Name] = string(f.Data)
			}
			if strings.TrimSpace(sec["scenario"]) != "default" {
				t.Skip("runs a scenario of its own; bot runs the default scenario's transcripts")
			}
			if strings.Contains(sec["turns"], "noinput") {
				t.Skip("silence on voice is handled by bot itself (TestVoiceCall), not by the engine")
			}
			ran++
			runGolden(t, sec)
		})
	}
	t.Logf("ran %d of %d golden transcripts", ran, len(files))
}

func runGolden(t *testing.T, sec map[string]string) {
	canned := &cannedApps{}
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	cfg := bot.Config{Scenario: mustScenario(t, "default"), Apps: canned, Store: session.NewMemoryStore(session.MemoryOptions{}),
		Vars: map[string]string{}, PhoneVerify: true, LockoutMax: 1000}
	channel, lang, caller := "web", "cs", ""
	page := map[string]string{}
	for _, line := range strings.Split(sec["setup"], "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		switch k {
		case "channel":
			channel = v
		case "lang":
			lang = v
		case "now":
			var err error
			if now, err = time.Parse(time.RFC3339, v); err != nil {
				t.Fatal(err)
			}
		case "page":
			n, val, _ := strings.Cut(v, "=")
			page[n] = val
		case "private":
			n, val, _ := strings.Cut(v, "=")
			if n == "$caller" {
				caller = val
			} else {
				cfg.Vars[n] = val
			}
		case "transfer":
			cfg.TransferTo = v
		default:
			t.Fatalf("setup: unknown key %q", k)
		}
	}
	cfg.Now = func() time.Time { return now }
	b, err := bot.New(cfg)
	if err != nil {
		t.Fatal(err)
	}

	// Requests, each followed by the results of the actions it causes.
	var got, gotActions, gotEnds []string
	var sid string
	var last bot.Reply
	var pending []bot.Request
	starts, results := 0, 0
	flush := func() {
		for _, req := range pending {
			req.Session, req.Channel, req.Caller = sid, channel, caller
			if req.Kind == bot.KindHello {
				req.Lang, req.Vars = lang, page
				if channel == "voice" {
					req.Session = fmt.Sprintf("CA-golden-%d", starts)
				}
			}
			rep, err := b.Handle(t.Context(), req)
			if err != nil {
				t.Fatalf("Handle(%+v) = %v", req, err)
			}
			sid, last = rep.Session, rep
			for _, m := range rep.Messages {
				got = append(got, "bot: "+strings.ReplaceAll(m.Text, "\n", "\n     "))
			}
			if rep.End != "" {
				end := "end: " + rep.End
				if rep.Voice != nil && rep.Voice.TransferTo != "" {
					end += " transfer " + rep.Voice.TransferTo
				}
				gotEnds = append(gotEnds, end)
			}
		}
		pending = nil
	}
	for _, line := range strings.Split(sec["turns"], "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		verb, rest, _ := strings.Cut(line, " ")
		switch verb {
		case "yes", "no", "error", "locked":
			r := dialog.ActionResult{Outcome: dialog.Outcome(verb), Value: false}
			if verb == "yes" {
				r.Value = true
				if strings.TrimSpace(rest) != "" {
					if err := json.Unmarshal([]byte(rest), &r.Value); err != nil {
						t.Fatalf("turn %q: %v", line, err)
					}
				}
			}
			canned.results = append(canned.results, r)
			results++
			continue
		}
		flush()
		switch verb {
		case "start":
			// A restart mid-transcript is a new conversation for bot
			// (a hello with a known id resumes instead).
			starts++
			sid = ""
			pending = append(pending, bot.Request{Kind: bot.KindHello})
		case "text":
			pending = append(pending, bot.Request{Kind: bot.KindText, Text: rest})
		case "voice":
			alts := strings.Split(rest, "|")
			for i := range alts {
				alts[i] = strings.TrimSpace(alts[i])
			}
			pending = append(pending, bot.Request{Kind: bot.KindText, Text: alts[0], Alternatives: alts[1:]})
		case "button":
			pending = append(pending, bot.Request{Kind: bot.KindButton, Value: rest})
		case "digits":
			pending = append(pending, bot.Request{Kind: bot.KindDigits, Digits: rest})
		default:
			t.Fatalf("unknown turn %q", line)
		}
	}
	flush()
	gotActions = canned.calls

	var want, wantActions, wantEnds []string
	var wantState map[string]string
	lines := strings.Split(sec["transcript"], "\n")
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		switch {
		case strings.HasPrefix(l, "bot: "):
			for i+1 < len(lines) && strings.HasPrefix(lines[i+1], "     ") {
				i++
				l += "\n" + lines[i]
			}
			want = append(want, l)
		case strings.HasPrefix(l, "action: "):
			call, _, _ := strings.Cut(strings.TrimPrefix(l, "action: "), " -> ")
			wantActions = append(wantActions, call)
		case strings.HasPrefix(l, "end: "):
			wantEnds = append(wantEnds, l)
		case l == "== state ==":
			wantState = map[string]string{}
			for _, s := range lines[i+1:] {
				if k, v, ok := strings.Cut(s, " = "); ok {
					wantState[k] = v
				}
			}
			i = len(lines)
		}
	}
	if len(wantActions) > results {
		// The transcript stops while an action is pending; a bot turn
		// always finishes its actions, so only what came before counts.
		got = got[:min(len(got), len(want))]
		gotEnds, wantEnds, wantState = nil, nil, nil
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("bot messages (-golden +bot):\n%s", diff)
	}
	if diff := cmp.Diff(wantActions, gotActions); diff != "" {
		t.Errorf("actions (-golden +bot):\n%s", diff)
	}
	if diff := cmp.Diff(wantEnds, gotEnds); diff != "" {
		t.Errorf("ends (-golden +bot):\n%s", diff)
	}
	if len(canned.results) != 0 {
		t.Errorf("%d canned results were never asked for", len(canned.results))
	}
	if wantState != nil && starts == 1 {
		s, err := cfg.Store.Get(t.Context(), last.Session)
		if err != nil {
			t.Fatal(err)
		}
		gotState := map[string]string{}
		for k, v := range s.Public {
			j, _ := json.Marshal(v)
			gotState[k] = string(j)
		}
		if diff := cmp.Diff(wantState, gotState); diff != "" {
			t.Errorf("final public variables (-golden +bot):\n%s", diff)
		}
	}
}
