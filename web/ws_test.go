package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/gorilla/websocket"
	"golang.org/x/time/rate"

	"github.com/samoobsluha/samoobsluha/bot"
	"github.com/samoobsluha/samoobsluha/web"
)

var opening = []frame{
	{Type: "message", Text: "Dobrý den! Jsem testovací asistent. S čím vám mohu pomoci?", Buttons: []bot.Button{
		{Title: "Stav objednávky", Value: "status"}, {Title: "Faktura", Value: "invoice"}}},
	{Type: "state", Vars: map[string]any{"greeted": "yes"}},
	{Type: "turn_end", Expect: &bot.Expect{Kind: "button", Input: ""}},
}

func TestHelloNewSession(t *testing.T) {
	ts := mustServer(t, web.Options{})
	c := mustDial(t, ts, "", nil)
	mustSend(t, c, `{"type":"hello","lang":"cs","vars":{"page":"checkout"}}`)
	got := readTurn(t, c)
	want := append([]frame{{Type: "session", Session: "fake-1", Resumed: false, Bot: "default", Lang: "cs"}}, opening...)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("hello frames (-want +got):\n%s", diff)
	}
	reqs := ts.bot.recorded()
	if len(reqs) != 1 || reqs[0].Kind != bot.KindHello || reqs[0].Channel != "web" || reqs[0].Vars["page"] != "checkout" || reqs[0].Client != "127.0.0.1" {
		t.Errorf("bot got %+v, want one web hello with vars and client 127.0.0.1", reqs)
	}
}

func TestTurnFrames(t *testing.T) {
	ts := mustServer(t, web.Options{})
	c := mustDial(t, ts, "", nil)
	mustHello(t, c)
	tests := []struct {
		name string
		send any
		want []frame
	}{
		{"text", map[string]any{"type": "text", "text": "ahoj", "id": "c1"}, []frame{
			{Type: "message", Text: "Echo: ahoj"},
			{Type: "state", Vars: map[string]any{"last": "ahoj"}},
			{Type: "turn_end", Expect: &bot.Expect{Kind: "text", Input: "order_number"}},
		}},
		{"typing before a slow call", map[string]any{"type": "text", "text": "typing"}, []frame{
			{Type: "typing"},
			{Type: "message", Text: "Hledám…"},
			{Type: "message", Text: "Hotovo."},
			{Type: "turn_end", Expect: &bot.Expect{Kind: "text"}},
		}},
		{"button with link", map[string]any{"type": "button", "value": "invoice"}, []frame{
			{Type: "message", Text: "Fakturu k objednávce 2025000123 si můžete stáhnout zde.",
				Links: []bot.Link{{Title: "Faktura 2025000123 (PDF)", URL: "/invoice/tok-ok"}}},
			{Type: "turn_end", Expect: &bot.Expect{Kind: "text", Input: "text"}},
		}},
		{"expect email", map[string]any{"type": "text", "text": "email"}, []frame{
			{Type: "message", Text: "Napište prosím e-mail z objednávky."},
			{Type: "turn_end", Expect: &bot.Expect{Kind: "text", Input: "email"}},
		}},
		{"end", map[string]any{"type": "text", "text": "end"}, []frame{
			{Type: "message", Text: "Děkujeme, na shledanou."},
			{Type: "end", Reason: "done"},
		}},
		{"text after end continues", map[string]any{"type": "text", "text": "znovu"}, []frame{
			{Type: "message", Text: "Echo: znovu"},
			{Type: "state", Vars: map[string]any{"last": "znovu"}},
			{Type: "turn_end", Expect: &bot.Expect{Kind: "text", Input: "order_number"}},
		}},
		{"bot error", map[string]any{"type": "text", "text": "fail"}, []frame{
			{Type: "error", Code: "unavailable", Message: "Omlouváme se, obchod teď neodpovídá."},
		}},
		{"locked", map[string]any{"type": "text", "text": "locked"}, []frame{
			{Type: "error", Code: "locked", Message: "Příliš mnoho pokusů, zkuste to později."},
		}},
		{"internal error hides details", map[string]any{"type": "text", "text": "boom"}, []frame{
			{Type: "error", Code: "internal", Message: "Omlouváme se, něco se pokazilo. Zkuste to prosím znovu."},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mustSend(t, c, tt.send)
			if diff := cmp.Diff(tt.want, readTurn(t, c)); diff != "" {
				t.Errorf("frames (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFramesProcessedInOrder(t *testing.T) {
	ts := mustServer(t, web.Options{})
	c := mustDial(t, ts, "", nil)
	mustHello(t, c)
	for _, s := range []string{"1", "2", "3", "4"} {
		mustSend(t, c, map[string]any{"type": "text", "text": s})
	}
	var got []string
	for range 4 {
		for _, f := range readTurn(t, c) {
			if f.Type == "message" {
				got = append(got, f.Text)
			}
		}
	}
	if diff := cmp.Diff([]string{"Echo: 1", "Echo: 2", "Echo: 3", "Echo: 4"}, got); diff != "" {
		t.Errorf("answers (-want +got):\n%s", diff)
	}
}

func TestResume(t *testing.T) {
	ts := mustServer(t, web.Options{})
	c := mustDial(t, ts, "", nil)
	id := mustHello(t, c)
	mustSend(t, c, map[string]any{"type": "text", "text": "ahoj"})
	readTurn(t, c)
	c.Close()

	t.Run("known id", func(t *testing.T) {
		c2 := mustDial(t, ts, "", nil)
		mustSend(t, c2, map[string]any{"type": "hello", "session": id})
		got := readTurn(t, c2)
		want := []frame{
			{Type: "session", Session: id, Resumed: true, Bot: "default", Lang: "cs"},
			{Type: "history", Messages: []bot.HistoryEntry{
				{From: "bot", Text: opening[0].Text, Buttons: opening[0].Buttons, At: fakeAt},
				{From: "user", Text: "ahoj", At: fakeAt},
				{From: "bot", Text: "Echo: ahoj", At: fakeAt},
			}},
			{Type: "turn_end", Expect: &bot.Expect{Kind: "text", Input: "order_number"}},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("resume frames (-want +got):\n%s", diff)
		}
		mustSend(t, c2, map[string]any{"type": "text", "text": "dál"})
		if f := readTurn(t, c2)[0]; f.Text != "Echo: dál" {
			t.Errorf("after resume got %+v, want Echo: dál", f)
		}
	})
	t.Run("unknown id starts a new session", func(t *testing.T) {
		c3 := mustDial(t, ts, "", nil)
		mustSend(t, c3, map[string]any{"type": "hello", "session": "no-such-session"})
		got := readTurn(t, c3)
		if got[0].Type != "session" || got[0].Resumed || got[0].Session == "no-such-session" || got[0].Session == "" {
			t.Errorf("hello with unknown id answered %+v, want a new session, resumed false", got[0])
		}
		if got[1].Type != "message" {
			t.Errorf("second frame %+v, want the opening message (no history)", got[1])
		}
	})
}

func TestRefusedFrames(t *testing.T) {
	ts := mustServer(t, web.Options{RateLimit: 1000, RateBurst: 1000})
	c := mustDial(t, ts, "", nil)

	t.Run("text before hello", func(t *testing.T) {
		mustSend(t, c, map[string]any{"type": "text", "text": "ahoj"})
		f := mustRead(t, c)
		if f.Type != "error" || f.Code != "bad_frame" {
			t.Fatalf("text before hello answered %+v, want error bad_frame", f)
		}
	})
	mustHello(t, c)
	tests := []struct {
		name string
		raw  string
		want string // substring of the message
	}{
		{"invalid JSON", `{"type":"text",`, "invalid JSON"},
		{"not an object", `["text"]`, "JSON object"},
		{"unknown type", `{"type":"dance"}`, `unknown type "dance"`},
		{"missing type", `{"text":"x"}`, `missing field "type"`},
		{"missing text", `{"type":"text"}`, `missing field "text"`},
		{"ill-typed text", `{"type":"text","text":42}`, `field "text" must be a string`},
		{"empty text", `{"type":"text","text":"  "}`, `is empty`},
		{"text too long", `{"type":"text","text":"` + strings.Repeat("á", 1001) + `"}`, "longer than 1000"},
		{"missing button value", `{"type":"button"}`, `missing field "value"`},
		{"bad lang", `{"type":"hello","lang":"de"}`, `"lang"`},
		{"bad var name", `{"type":"hello","vars":{"a-b":"x"}}`, `variable name`},
		{"ill-typed var", `{"type":"hello","vars":{"a":1}}`, `"vars"`},
		{"caller on web", `{"type":"hello","caller":"+420601223344"}`, `voice channel only`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mustSend(t, c, tt.raw)
			f := mustRead(t, c)
			if f.Type != "error" || f.Code != "bad_frame" || !strings.Contains(f.Message, tt.want) {
				t.Errorf("%s answered %+v, want error bad_frame mentioning %q", tt.raw, f, tt.want)
			}
			// Exactly one error and the connection still serves: the next
			// frame is the answer to the next text.
			mustSend(t, c, map[string]any{"type": "text", "text": "ping"})
			if f := mustRead(t, c); f.Type != "message" || f.Text != "Echo: ping" {
				t.Errorf("after the refused frame got %+v, want message Echo: ping", f)
			}
			readTurn(t, c)
		})
	}
	t.Run("binary", func(t *testing.T) {
		if err := c.WriteMessage(websocket.BinaryMessage, []byte(`{"type":"text","text":"x"}`)); err != nil {
			t.Fatal(err)
		}
		if f := mustRead(t, c); f.Type != "error" || f.Code != "bad_frame" {
			t.Errorf("binary frame answered %+v, want error bad_frame", f)
		}
		mustSend(t, c, map[string]any{"type": "text", "text": "ping"})
		if f := mustRead(t, c); f.Text != "Echo: ping" {
			t.Errorf("after binary got %+v, want Echo: ping", f)
		}
		readTurn(t, c)
	})
	for _, r := range ts.bot.recorded() {
		if r.Kind == bot.KindText && r.Text != "ping" {
			t.Errorf("a refused frame reached the bot: %+v", r)
		}
	}
}

func TestOversizeFrameCloses1009(t *testing.T) {
	ts := mustServer(t, web.Options{})
	c := mustDial(t, ts, "", nil)
	id := mustHello(t, c)
	mustSend(t, c, `{"type":"text","text":"`+strings.Repeat("x", 5<<10)+`"}`)
	if code := readClose(t, c); code != websocket.CloseMessageTooBig {
		t.Fatalf("5 KiB frame: close code %d, want 1009", code)
	}
	// The client reconnects and resumes.
	c2 := mustDial(t, ts, "", nil)
	mustSend(t, c2, map[string]any{"type": "hello", "session": id})
	if f := readTurn(t, c2)[0]; f.Session != id || !f.Resumed {
		t.Errorf("resume after 1009: %+v, want session %s resumed", f, id)
	}
	// A frame of exactly 4 KiB is accepted.
	text := strings.Repeat("y", 4096-len(`{"type":"text","text":""}`))
	mustSend(t, c2, `{"type":"text","text":"`+text+`"}`)
	if f := mustRead(t, c2); f.Type != "error" || f.Code != "bad_frame" || !strings.Contains(f.Message, "longer than 1000") {
		t.Errorf("4 KiB frame answered %+v, want a bad_frame for the text length (not a close)", f)
	}
}

func TestInvalidUTF8Closes1007(t *testing.T) {
	ts := mustServer(t, web.Options{})
	c := mustDial(t, ts, "", nil)
	mustHello(t, c)
	if err := c.WriteMessage(websocket.TextMessage, []byte("{\"type\":\"text\",\"text\":\"\xff\xfe\"}")); err != nil {
		t.Fatal(err)
	}
	if code := readClose(t, c); code != websocket.CloseInvalidFramePayloadData {
		t.Fatalf("invalid UTF-8: close code %d, want 1007", code)
	}
}

func TestRateLimit(t *testing.T) {
	ts := mustServer(t, web.Options{RateLimit: rate.Limit(0.001), RateBurst: 2})
	c := mustDial(t, ts, "", nil)
	mustHello(t, c)                                             // frame 1
	mustSend(t, c, map[string]any{"type": "text", "text": "a"}) // frame 2
	readTurn(t, c)
	for _, s := range []string{"b", "c", "d"} {
		mustSend(t, c, map[string]any{"type": "text", "text": s})
	}
	for i := range 3 {
		if f := mustRead(t, c); f.Type != "error" || f.Code != "rate_limited" || f.Message == "" {
			t.Errorf("frame %d over the limit answered %+v, want error rate_limited", i, f)
		}
	}
	for _, r := range ts.bot.recorded() {
		if r.Text == "b" || r.Text == "c" || r.Text == "d" {
			t.Errorf("a rate-limited frame reached the bot: %+v", r)
		}
	}
}

func TestOrigins(t *testing.T) {
	ts := mustServer(t, web.Options{Bots: map[string]web.BotOptions{
		"default": {AllowedOrigins: []string{"https://shop.example.cz"}},
		"other":   {},
	}})
	tests := []struct {
		name   string
		query  string
		origin string
		want   int
	}{
		{"allowed origin", "", "https://shop.example.cz", http.StatusSwitchingProtocols},
		{"same origin", "", ts.http.URL, http.StatusSwitchingProtocols},
		{"no origin header", "", "", http.StatusSwitchingProtocols},
		{"foreign origin", "", "https://evil.example", http.StatusForbidden},
		{"scheme matters", "", "http://shop.example.cz", http.StatusForbidden},
		{"allowed for another bot only", "?bot=other", "https://shop.example.cz", http.StatusForbidden},
		{"unknown bot", "?bot=nope", "", http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			if tt.origin != "" {
				h.Set("Origin", tt.origin)
			}
			c, resp, err := websocket.DefaultDialer.DialContext(t.Context(), ts.wsURL(tt.query), h)
			if c != nil {
				c.Close()
			}
			if resp == nil {
				t.Fatalf("dial: %v, no response", err)
			}
			if resp.StatusCode != tt.want {
				t.Errorf("handshake status %d, want %d", resp.StatusCode, tt.want)
			}
		})
	}
}

func TestHelloTimeout(t *testing.T) {
	ts := mustServer(t, web.Options{HelloTimeout: 100 * time.Millisecond})
	c := mustDial(t, ts, "", nil)
	start := time.Now()
	if code := readClose(t, c); code != websocket.ClosePolicyViolation {
		t.Fatalf("no hello: close code %d, want 1008", code)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("closed after %v, want about 100ms", d)
	}
}

func TestPingPong(t *testing.T) {
	opts := web.Options{PingInterval: 100 * time.Millisecond, PongWait: 400 * time.Millisecond}

	t.Run("answering client stays", func(t *testing.T) {
		o := opts
		o.Metrics = web.NewMetrics()
		ts := mustServer(t, o)
		c := mustDial(t, ts, "", nil)
		mustHello(t, c)
		// Read (and so answer pings) for four pong waits.
		c.SetReadDeadline(time.Now().Add(1600 * time.Millisecond))
		if _, _, err := c.ReadMessage(); err == nil || !strings.Contains(err.Error(), "timeout") {
			t.Fatalf("idle read: %v, want a timeout", err)
		}
		if got := mustMetric(t, ts, "samoobsluha_ws_connections"); got != "1" {
			t.Errorf("open connections after 4 pong waits = %s, want 1", got)
		}
	})
	t.Run("missed pong closes", func(t *testing.T) {
		ts := mustServer(t, opts)
		c := mustDial(t, ts, "", nil)
		c.SetPingHandler(func(string) error { return nil }) // never pong
		mustHello(t, c)
		start := time.Now()
		code := readClose(t, c)
		if code == websocket.CloseNormalClosure {
			t.Fatalf("missed pong: close code %d, want the connection dropped", code)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("dropped after %v, want about 400ms", d)
		}
	})
}

func TestShutdownGoingAway(t *testing.T) {
	ts := mustServer(t, web.Options{})
	idle := mustDial(t, ts, "", nil)
	mustHello(t, idle)
	busy := mustDial(t, ts, "", nil)
	mustHello(t, busy)
	mustSend(t, busy, map[string]any{"type": "text", "text": "slow"})
	<-ts.bot.slowStarted

	done := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		done <- ts.Shutdown(ctx)
	}()
	if code := readClose(t, idle); code != websocket.CloseGoingAway {
		t.Errorf("idle connection: close code %d, want 1001", code)
	}
	select {
	case err := <-done:
		t.Fatalf("Shutdown returned %v with a turn in flight", err)
	default:
	}
	close(ts.bot.slowRelease)
	// The turn in flight is finished and delivered before 1001.
	got := readTurn(t, busy)
	want := []frame{{Type: "message", Text: "Pomalá odpověď hotova."}, {Type: "turn_end", Expect: &bot.Expect{Kind: "text"}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("turn in flight (-want +got):\n%s", diff)
	}
	if code := readClose(t, busy); code != websocket.CloseGoingAway {
		t.Errorf("busy connection: close code %d, want 1001", code)
	}
	if err := <-done; err != nil {
		t.Errorf("Shutdown() = %v, want nil", err)
	}
	// New connections are refused.
	_, resp, err := websocket.DefaultDialer.DialContext(t.Context(), ts.wsURL(""), nil)
	if err == nil || resp == nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("dial after Shutdown: %v, want HTTP 503", err)
	}
}

func TestShutdownDeadline(t *testing.T) {
	ts := mustServer(t, web.Options{})
	c := mustDial(t, ts, "", nil)
	mustHello(t, c)
	mustSend(t, c, map[string]any{"type": "text", "text": "slow"})
	<-ts.bot.slowStarted
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	if err := ts.Shutdown(ctx); err != context.DeadlineExceeded {
		t.Errorf("Shutdown with a stuck turn = %v, want context.DeadlineExceeded", err)
	}
}

func TestPanicClosesOnlyThatConnection(t *testing.T) {
	ts := mustServer(t, web.Options{})
	other := mustDial(t, ts, "", nil)
	mustHello(t, other)
	c := mustDial(t, ts, "", nil)
	mustHello(t, c)
	mustSend(t, c, map[string]any{"type": "text", "text": "panic"})
	if f := mustRead(t, c); f.Type != "error" || f.Code != "internal" {
		t.Errorf("panic answered %+v, want error internal", f)
	}
	if code := readClose(t, c); code != websocket.CloseInternalServerErr {
		t.Errorf("close code %d, want 1011", code)
	}
	mustSend(t, other, map[string]any{"type": "text", "text": "still here"})
	if f := mustRead(t, other); f.Text != "Echo: still here" {
		t.Errorf("other connection got %+v, want Echo: still here", f)
	}
}

func TestSendQueueOverflowCloses(t *testing.T) {
	ts := mustServer(t, web.Options{SendQueue: 8})
	c := mustDial(t, ts, "", nil)
	mustHello(t, c)
	mustSend(t, c, map[string]any{"type": "text", "text": "flood"})
	if code := readClose(t, c); code != websocket.ClosePolicyViolation {
		t.Errorf("500 frames into a queue of 8: close code %d, want 1008", code)
	}
}

func TestClientAddress(t *testing.T) {
	tests := []struct {
		name       string
		trustProxy bool
		want       string
	}{
		{"peer address", false, "127.0.0.1"},
		{"behind a proxy", true, "203.0.113.9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := mustServer(t, web.Options{TrustProxy: tt.trustProxy})
			h := http.Header{"X-Forwarded-For": {"198.51.100.1, 203.0.113.9"}}
			c := mustDial(t, ts, "", h)
			mustHello(t, c)
			if got := ts.bot.recorded()[0].Client; got != tt.want {
				t.Errorf("Request.Client = %q, want %q", got, tt.want)
			}
		})
	}
}

// BenchmarkWebSocketTurn measures one text turn over a real socket with the
// fake bot: frame in, validation, worker, three frames out.
func BenchmarkWebSocketTurn(b *testing.B) {
	fb := newFakeBot()
	s := web.NewServer(web.Options{Handler: fb, RateLimit: rate.Inf})
	hs := httptest.NewServer(s)
	defer func() {
		hs.Close()
		s.Shutdown(context.Background())
	}()
	c, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(hs.URL, "http")+"/ws", nil)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	readUntilEnd := func() {
		for {
			_, data, err := c.ReadMessage()
			if err != nil {
				b.Fatal(err)
			}
			if strings.Contains(string(data), `"turn_end"`) {
				return
			}
		}
	}
	c.WriteMessage(websocket.TextMessage, []byte(`{"type":"hello"}`))
	readUntilEnd()
	msg := []byte(`{"type":"text","text":"2025000123"}`)
	b.ReportAllocs()
	cpu := processCPU()
	for b.Loop() {
		if err := c.WriteMessage(websocket.TextMessage, msg); err != nil {
			b.Fatal(err)
		}
		readUntilEnd()
	}
	// CPU time of client and server together: on a shared machine it
	// moves far less than the wall-clock ns/op.
	b.ReportMetric(float64(processCPU()-cpu)/float64(b.N), "cpu-ns/op")
}
