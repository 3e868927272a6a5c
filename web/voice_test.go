package web_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/time/rate"

	"github.com/samoobsluha/samoobsluha/bot"
	"github.com/samoobsluha/samoobsluha/web"
)

type voiceResult struct {
	status int
	body   map[string]any
}

func postVoice(t *testing.T, ts *testServer, token, body string) voiceResult {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, ts.http.URL+"/voice/turn", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q, want application/json", ct)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	return voiceResult{resp.StatusCode, m}
}

func voiceServer(t *testing.T, opts web.Options) *testServer {
	opts.Bots = map[string]web.BotOptions{
		"default": {VoiceToken: "s3cret-token", Lang: "cs"},
		"en":      {VoiceToken: "en-token", Lang: "en"},
		"off":     {},
	}
	return mustServer(t, opts)
}

func TestVoiceCallFlow(t *testing.T) {
	ts := voiceServer(t, web.Options{})
	steps := []struct {
		name string
		body string
		want map[string]any
	}{
		{"start", `{"call":"CA1","event":"start","from":"+420 601 223 344","to":"+420222333444","lang":"cs-CZ"}`, map[string]any{
			"session": "CA1", "say": "Dobrý den! Jsem testovací asistent. S čím vám mohu pomoci?",
			"ssml":   "<speak>Dobrý den! Jsem testovací asistent. S čím vám mohu pomoci?</speak>",
			"expect": map[string]any{"input": "speech", "hint": "", "timeout_ms": 8000.0}, "action": "continue", "transfer_to": "",
		}},
		{"speech", `{"call":"CA1","event":"speech","text":"dva nula","confidence":0.82,"alternatives":["20"]}`, map[string]any{
			"session": "CA1", "say": "Echo: dva nula", "ssml": "<speak>Echo: dva nula</speak>",
			"expect": map[string]any{"input": "speech_dtmf", "hint": "order_number", "max_digits": 12.0, "timeout_ms": 8000.0},
			"action": "continue", "transfer_to": "",
		}},
		{"dtmf", `{"call":"CA1","event":"dtmf","digits":"2025000123#"}`, map[string]any{
			"session": "CA1", "say": "Echo: 2025000123#", "ssml": "<speak>Echo: 2025000123#</speak>",
			"expect": map[string]any{"input": "speech_dtmf", "hint": "order_number", "max_digits": 12.0, "timeout_ms": 8000.0},
			"action": "continue", "transfer_to": "",
		}},
		{"no input", `{"call":"CA1","event":"no_input"}`, map[string]any{
			"session": "CA1", "say": "Promiňte, neslyšel jsem vás.", "ssml": "<speak>Promiňte, neslyšel jsem vás.</speak>",
			"expect": map[string]any{"input": "speech_dtmf", "hint": "order_number", "max_digits": 12.0, "timeout_ms": 8000.0},
			"action": "continue", "transfer_to": "",
		}},
		{"hangup", `{"call":"CA1","event":"hangup"}`, map[string]any{
			"session": "CA1", "say": "", "ssml": "<speak></speak>", "action": "hangup", "transfer_to": "",
		}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			got := postVoice(t, ts, "s3cret-token", st.body)
			if got.status != http.StatusOK {
				t.Fatalf("status %d (%v), want 200", got.status, got.body)
			}
			if diff := cmp.Diff(st.want, got.body); diff != "" {
				t.Errorf("response (-want +got):\n%s", diff)
			}
		})
	}
	reqs := ts.bot.recorded()
	wantKinds := []string{bot.KindHello, bot.KindText, bot.KindDigits, bot.KindNoInput, bot.KindHangup}
	var kinds []string
	for _, r := range reqs {
		kinds = append(kinds, r.Kind)
		if r.Session != "CA1" || r.Channel != "voice" || r.Bot != "default" {
			t.Errorf("request %+v, want session CA1 on voice for bot default", r)
		}
	}
	if diff := cmp.Diff(wantKinds, kinds); diff != "" {
		t.Errorf("request kinds (-want +got):\n%s", diff)
	}
	if reqs[0].Caller != "+420 601 223 344" || reqs[0].Lang != "cs" {
		t.Errorf("start request caller %q lang %q, want the adapter's from and cs", reqs[0].Caller, reqs[0].Lang)
	}
	if reqs[1].Confidence != 0.82 || len(reqs[1].Alternatives) != 1 {
		t.Errorf("speech request %+v, want confidence and alternatives passed on", reqs[1])
	}
}

func TestVoiceErrors(t *testing.T) {
	ts := voiceServer(t, web.Options{})
	tests := []struct {
		name     string
		token    string
		body     string
		status   int
		code     string
		wantSay  bool
		sayWords string
	}{
		{"no token", "", `{"call":"CA2","event":"start"}`, 401, "unauthorized", false, ""},
		{"wrong token", "s3cret-tokeN", `{"call":"CA2","event":"start"}`, 401, "unauthorized", false, ""},
		{"other bot's token", "en-token", `{"call":"CA2","event":"start"}`, 401, "unauthorized", false, ""},
		{"bad token before bad JSON", "", `{"call":`, 401, "unauthorized", false, ""},
		{"voice off for the bot", "x", `{"call":"CA2","bot":"off","event":"start"}`, 404, "not_found", false, ""},
		{"unknown bot", "x", `{"call":"CA2","bot":"nope","event":"start"}`, 404, "unknown_bot", false, ""},
		{"bad JSON", "s3cret-token", `{"call":`, 400, "bad_request", true, "Omlouvám se"},
		{"two objects", "s3cret-token", `{"call":"CA2","event":"start"} {}`, 400, "bad_request", true, "Omlouvám se"},
		{"missing call", "s3cret-token", `{"event":"start"}`, 400, "bad_request", true, "Omlouvám se"},
		{"unknown event", "s3cret-token", `{"call":"CA2","event":"dance"}`, 400, "bad_request", true, "Omlouvám se"},
		{"missing event", "s3cret-token", `{"call":"CA2"}`, 400, "bad_request", true, "Omlouvám se"},
		{"dtmf without digits", "s3cret-token", `{"call":"CA2","event":"dtmf"}`, 400, "bad_request", true, "Omlouvám se"},
		{"bad digits", "s3cret-token", `{"call":"CA2","event":"dtmf","digits":"12a"}`, 400, "bad_request", true, "Omlouvám se"},
		{"english apology", "en-token", `{"call":"CA2","bot":"en","event":"dance"}`, 400, "bad_request", true, "I am sorry"},
		{"shop unavailable", "s3cret-token", `{"call":"CA2","event":"speech","text":"fail"}`, 503, "unavailable", true, "obchod teď neodpovídá"},
		{"locked", "s3cret-token", `{"call":"CA2","event":"speech","text":"locked"}`, 429, "locked", true, "Příliš mnoho pokusů"},
		{"internal", "s3cret-token", `{"call":"CA2","event":"speech","text":"boom"}`, 500, "internal", true, "Omlouvám se"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := postVoice(t, ts, tt.token, tt.body)
			if got.status != tt.status {
				t.Fatalf("status %d (%v), want %d", got.status, got.body, tt.status)
			}
			e, _ := got.body["error"].(map[string]any)
			if e["code"] != tt.code || e["message"] == "" {
				t.Errorf("error %v, want code %q and a message", got.body["error"], tt.code)
			}
			say, _ := got.body["say"].(string)
			if tt.wantSay != (say != "") || !strings.Contains(say, tt.sayWords) {
				t.Errorf("say %q, want say=%v containing %q", say, tt.wantSay, tt.sayWords)
			}
			if strings.Contains(say+toJSON(t, got.body), "10.0.0.7") {
				t.Errorf("response leaks internal error details: %v", got.body)
			}
		})
	}
	for _, r := range ts.bot.recorded() {
		if r.Text == "" && r.Kind == bot.KindText {
			t.Errorf("a refused request reached the bot: %+v", r)
		}
	}
}

func toJSON(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestVoiceRateLimit(t *testing.T) {
	ts := voiceServer(t, web.Options{RateLimit: rate.Limit(0.001), RateBurst: 2})
	for i, want := range []int{200, 200, 429, 429} {
		got := postVoice(t, ts, "s3cret-token", `{"call":"CA3","event":"no_input"}`)
		if got.status != want {
			t.Fatalf("request %d: status %d, want %d", i, got.status, want)
		}
		if want == 429 {
			if say, _ := got.body["say"].(string); say == "" {
				t.Errorf("429 without a say apology: %v", got.body)
			}
		}
	}
	// Another call is not affected.
	if got := postVoice(t, ts, "s3cret-token", `{"call":"CA4","event":"start"}`); got.status != 200 {
		t.Errorf("other call: status %d, want 200", got.status)
	}
}

func TestVoiceDemoModeOpen(t *testing.T) {
	ts := mustServer(t, web.Options{DemoMode: true})
	if got := postVoice(t, ts, "", `{"call":"CA5","event":"start"}`); got.status != 200 {
		t.Errorf("demo mode without token: status %d, want 200", got.status)
	}
	ts2 := mustServer(t, web.Options{})
	if got := postVoice(t, ts2, "", `{"call":"CA5","event":"start"}`); got.status != 404 {
		t.Errorf("no token configured, not demo: status %d, want 404", got.status)
	}
}

func TestVoiceShuttingDown(t *testing.T) {
	ts := voiceServer(t, web.Options{})
	if err := ts.Shutdown(t.Context()); err != nil {
		t.Fatal(err)
	}
	got := postVoice(t, ts, "s3cret-token", `{"call":"CA6","event":"start"}`)
	if got.status != http.StatusServiceUnavailable || got.body["say"] == "" {
		t.Errorf("during shutdown: %d %v, want 503 with a say apology", got.status, got.body)
	}
}
