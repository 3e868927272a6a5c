package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// startServer runs serve with :0, the memory store and the embedded demo
// shop, and returns its base URL; the server stops when the test ends.
func startServer(t *testing.T, env map[string]string) started {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	ready := make(chan started, 1)
	getenv := func(k string) string { return env[k] }
	var out syncBuffer
	go func() {
		done <- serve(ctx, []string{"-addr", "127.0.0.1:0"}, getenv, &out, &out, func(s started) { ready <- s })
	}()
	var st started
	select {
	case st = <-ready:
	case err := <-done:
		t.Fatalf("serve: %v\n%s", err, out.String())
	case <-time.After(20 * time.Second):
		t.Fatal("server did not start")
	}
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve returned %v", err)
			}
		case <-time.After(20 * time.Second):
			t.Error("server did not stop")
		}
	})
	return st
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type frame struct {
	Type    string                          `json:"type"`
	Session string                          `json:"session"`
	Text    string                          `json:"text"`
	Buttons []struct{ Title, Value string } `json:"buttons"`
	Links   []struct{ Title, URL string }   `json:"links"`
	Expect  struct{ Kind, Input string }    `json:"expect"`
	Reason  string                          `json:"reason"`
	Code    string                          `json:"code"`
	Vars    json.RawMessage                 `json:"vars"`
}

// turn sends one frame and reads until turn_end or end, returning the bot's
// texts joined and the last frame.
func turn(t *testing.T, c *websocket.Conn, send any) (string, []frame) {
	t.Helper()
	if send != nil {
		if err := c.WriteJSON(send); err != nil {
			t.Fatalf("write: %v", err)
		}
	}
	var texts []string
	var frames []frame
	c.SetReadDeadline(time.Now().Add(15 * time.Second))
	for {
		var f frame
		if err := c.ReadJSON(&f); err != nil {
			t.Fatalf("read after %v: %v (so far %q)", send, err, texts)
		}
		frames = append(frames, f)
		if f.Type == "message" {
			texts = append(texts, f.Text)
		}
		if f.Type == "turn_end" || f.Type == "end" || f.Type == "error" {
			return strings.Join(texts, "\n"), frames
		}
	}
}

// TestEndToEnd holds one conversation over the widget socket and one over
// the telephony endpoint against the real binary's wiring.
func TestEndToEnd(t *testing.T) {
	st := startServer(t, map[string]string{"SAMOOBSLUHA_VOICE_TOKEN": "test-voice-token"})

	t.Run("web", func(t *testing.T) {
		wsURL := "ws" + strings.TrimPrefix(st.URL, "http") + "/ws?bot=default"
		c, _, err := websocket.DefaultDialer.Dial(wsURL, http.Header{"Origin": {st.URL}})
		if err != nil {
			t.Fatalf("dial: %v", err)
		}
		defer c.Close()
		_, frames := turn(t, c, map[string]any{"type": "hello", "lang": "cs"})
		if frames[0].Type != "session" || frames[0].Session == "" {
			t.Fatalf("first frame = %+v, want session", frames[0])
		}
		turn(t, c, map[string]any{"type": "button", "value": "status"})
		text, frames := turn(t, c, map[string]any{"type": "text", "text": "2026000102"})
		if last := frames[len(frames)-1]; last.Expect.Input != "email" {
			t.Fatalf("after the order number: expect %+v, want email (said %q)", last.Expect, text)
		}
		text, _ = turn(t, c, map[string]any{"type": "text", "text": "jana.novakova@seznam.cz"})
		if !strings.Contains(text, "Odeslán") && !strings.Contains(strings.ToLower(text), "odeslán") {
			t.Errorf("status answer %q does not name the status", text)
		}
		t.Logf("web status answer: %s", text)
		if strings.Contains(text, "@") {
			t.Errorf("status answer %q shows an e-mail address", text)
		}
	})

	t.Run("voice", func(t *testing.T) {
		post := func(body map[string]any) map[string]any {
			t.Helper()
			b, _ := json.Marshal(body)
			req, _ := http.NewRequest("POST", st.URL+"/voice/turn", bytes.NewReader(b))
			req.Header.Set("Authorization", "Bearer test-voice-token")
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			raw, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != 200 {
				t.Fatalf("POST %v = %d %s", body, resp.StatusCode, raw)
			}
			var out map[string]any
			if err := json.Unmarshal(raw, &out); err != nil {
				t.Fatalf("decode %s: %v", raw, err)
			}
			return out
		}
		call := map[string]any{"call": "CA-e2e-1", "bot": "default", "from": "+420 601 111 222", "lang": "cs"}
		with := func(extra map[string]any) map[string]any {
			m := map[string]any{}
			for k, v := range call {
				m[k] = v
			}
			for k, v := range extra {
				m[k] = v
			}
			return m
		}
		r := post(with(map[string]any{"event": "start"}))
		if r["action"] != "continue" || r["say"] == "" {
			t.Fatalf("start = %v", r)
		}
		if ssml, _ := r["ssml"].(string); !strings.HasPrefix(ssml, "<speak") {
			t.Errorf("ssml = %q", ssml)
		}
		r = post(with(map[string]any{"event": "speech", "text": "stav objednávky", "confidence": 0.9}))
		if exp, _ := r["expect"].(map[string]any); exp["hint"] != "order_number" {
			t.Fatalf("after asking for the status: %v, want the order number asked", r)
		}
		r = post(with(map[string]any{"event": "speech", "text": "dva nula dva šest nula nula nula jedna nula dva", "confidence": 0.8}))
		exp, _ := r["expect"].(map[string]any)
		if exp["hint"] != "email" {
			t.Fatalf("after the spoken order number: %v", r)
		}
		r = post(with(map[string]any{"event": "speech", "text": "jana tečka novakova zavináč seznam tečka cz", "confidence": 0.8}))
		say, _ := r["say"].(string)
		t.Logf("voice status answer: %s\nssml: %v", say, r["ssml"])
		if !strings.Contains(strings.ToLower(say), "odeslán") {
			t.Errorf("voice status answer %q does not name the status", say)
		}
		if r = post(with(map[string]any{"event": "hangup"})); r["action"] != "hangup" {
			t.Errorf("hangup = %v", r)
		}
	})
}

// TestUpgatesCallsPerConversation measures what one customer costs the
// shop: Upgates charges every call. With the shop-wide caches warm (order
// statuses are cached for minutes, as any running server has them), asking
// for the status, then the parcel, then the invoice of one order costs one
// order read and one invoice read; asking all of it again costs nothing.
func TestUpgatesCallsPerConversation(t *testing.T) {
	st := startServer(t, nil)
	dial := func() *websocket.Conn {
		wsURL := "ws" + strings.TrimPrefix(st.URL, "http") + "/ws"
		c, _, err := websocket.DefaultDialer.Dial(wsURL, http.Header{"Origin": {st.URL}})
		if err != nil {
			t.Fatalf("dial: %v", err)
		}
		t.Cleanup(func() { c.Close() })
		turn(t, c, map[string]any{"type": "hello", "lang": "cs"})
		return c
	}
	ask := func(c *websocket.Conn, topic string, verify ...string) string {
		text, _ := turn(t, c, map[string]any{"type": "button", "value": topic})
		for _, v := range verify {
			text, _ = turn(t, c, map[string]any{"type": "text", "text": v})
		}
		return text
	}

	// Warm the shop-wide caches with another customer's order.
	ask(dial(), "status", "2026000105", "tomas.cerny@centrum.cz")
	st.Fake.ResetCounters()

	c := dial()
	status := ask(c, "status", "2026000102", "jana.novakova@seznam.cz")
	parcel := ask(c, "parcel")
	invoice := ask(c, "invoice")
	first := st.Fake.CallCount()
	t.Logf("status, parcel, invoice: %d Upgates calls\n%s\n---\n%s\n---\n%s", first, status, parcel, invoice)
	for _, call := range st.Fake.Calls() {
		t.Logf("  %s %s", call.Method, call.Path)
	}
	if !strings.Contains(status, "Odeslán") || !strings.Contains(parcel, "Z4081727365") || !strings.Contains(strings.ToLower(invoice), "faktur") {
		t.Fatalf("unexpected answers:\n%s\n---\n%s\n---\n%s", status, parcel, invoice)
	}
	if first > 2 {
		t.Errorf("status, parcel, invoice cost %d Upgates calls, want at most 2", first)
	}

	ask(c, "status")
	ask(c, "parcel")
	ask(c, "invoice")
	if again := st.Fake.CallCount() - first; again != 0 {
		t.Errorf("asking again cost %d more Upgates calls, want 0", again)
	}
}

func TestHealthcheckCommand(t *testing.T) {
	st := startServer(t, nil)
	var out bytes.Buffer
	if err := run(t.Context(), []string{"healthcheck", "-url", st.URL + "/readyz"}, func(string) string { return "" }, &out, &out); err != nil {
		t.Fatalf("healthcheck of a running server = %v (%s)", err, out.String())
	}
	err := run(t.Context(), []string{"healthcheck", "-url", st.URL + "/no-such-page"}, func(string) string { return "" }, &out, &out)
	if err == nil {
		t.Fatal("healthcheck of a 404 page succeeded, want exit status 1")
	}
}
