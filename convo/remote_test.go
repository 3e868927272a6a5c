package convo_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/samoobsluha/samoobsluha/convo"
	"github.com/samoobsluha/samoobsluha/web"
)

// newServer runs the real web transport over the fake bot.
func newServer(t *testing.T) (*httptest.Server, *fakeBot) {
	t.Helper()
	fb := newFakeBot(time.Now)
	ws := web.NewServer(web.Options{
		Handler: fb,
		Logger:  slog.New(slog.DiscardHandler),
		Bots:    map[string]web.BotOptions{"default": {VoiceToken: "secret-token", Lang: "en"}},
	})
	srv := httptest.NewServer(ws)
	t.Cleanup(func() {
		srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		ws.Shutdown(ctx)
	})
	return srv, fb
}

func TestRemoteTargets(t *testing.T) {
	srv, fb := newServer(t)
	r := &convo.Runner{
		Web:   &convo.WebSocket{URL: "ws" + strings.TrimPrefix(srv.URL, "http") + "/ws?bot=default"},
		Voice: &convo.Voice{URL: srv.URL + "/voice/turn", Token: "secret-token"},
	}
	var cs []*convo.Convo
	good := map[string]string{
		"web.convo.txt": `Web over the socket
#bot
Hello*
#bot
BUTTONS Order status
EXPECT button
STATE channel=test
#me
BUTTON status
#bot
*order number*
EXPECT text order_number
#me
It is 2026000101
#bot
Order $no is*
LINK_CONTAINS id=$no
IMAGE data:image/png
STATE order_no=$no|count=3
#me
HELLO resume
#bot
SESSION resumed
HISTORY_CONTAINS It is 2026000101
EXPECT button
#me
lock
#bot
ERROR locked
#me
PAUSE 20
bye
#bot
Goodbye!
END done
`,
		"voice.convo.txt": `Voice over HTTP
#me
VOICE_START +420 601 223 344 lang=en
#bot
Hello, I am the test bot.*
SSML_VALID
#me
status
#bot
*order number*
EXPECT speech_dtmf order_number
#me
DTMF 2026000101#
#bot
Order 2026000101*
#me
NO_INPUT
#bot
Are you still there?
#me
lock
#bot
Too many attempts.
ERROR locked
#me
operator
#bot
*colleague*
TRANSFER +420222333444
END handover
`,
		"bad.convo.txt": "Failing over the socket\n#bot\nGoodbye*\n",
	}
	for _, name := range []string{"web.convo.txt", "voice.convo.txt", "bad.convo.txt"} {
		cs = append(cs, mustParse(t, name, good[name], nil)...)
	}
	res := r.Run(t.Context(), cs)
	var b bytes.Buffer
	convo.WriteReport(&b, res, false)
	if s := convo.Summarize(res); s.Passed != 2 || s.Failed != 1 {
		t.Fatalf("Run = %s, want 2 passed, 1 failed:\n%s", s, b.String())
	}
	if !strings.Contains(b.String(), `bot said: "Hello, I am the test bot."`) {
		t.Errorf("report of the failing convo:\n%s", b.String())
	}
	// Three conversations on 127.0.0.1: each came from its own loopback
	// address, none from 127.0.0.1 itself.
	fb.mu.Lock()
	defer fb.mu.Unlock()
	if len(fb.clients) != 3 || fb.clients["127.0.0.1"] {
		t.Errorf("client addresses seen = %v, want 3 distinct, not 127.0.0.1", fb.clients)
	}
}

func TestRemoteTargetErrors(t *testing.T) {
	srv, _ := newServer(t)
	tests := []struct {
		name   string
		target *convo.Runner
		text   string
		want   string
	}{
		{"wrong token", &convo.Runner{Voice: &convo.Voice{URL: srv.URL + "/voice/turn", Token: "wrong"}},
			"V\n#me\nVOICE_START\n#bot\n", "HTTP 401 unauthorized"},
		{"no server", &convo.Runner{Web: &convo.WebSocket{URL: "ws://127.0.0.1:1/ws"}},
			"W\n#bot\n", "connect ws://127.0.0.1:1/ws"},
		{"unknown bot", &convo.Runner{Web: &convo.WebSocket{URL: "ws" + strings.TrimPrefix(srv.URL, "http") + "/ws?bot=nope"}},
			"W\n#bot\n", "HTTP 404"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs := mustParse(t, "t.convo.txt", tt.text, nil)
			res := tt.target.RunOne(t.Context(), cs[0])
			if res.Status != convo.Failed || !strings.Contains(res.Failure.Error(), tt.want) {
				t.Fatalf("RunOne = %s %v, want a failure containing %q", res.Status, res.Failure, tt.want)
			}
		})
	}
}
