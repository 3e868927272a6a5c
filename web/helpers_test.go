package web_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"go.uber.org/goleak"

	"github.com/samoobsluha/samoobsluha/bot"
	"github.com/samoobsluha/samoobsluha/web"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// tlog is a slog handler target that writes to t.Log.
type tlogWriter struct{ t testing.TB }

func (w tlogWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(tlogWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// testServer is a Server behind a real HTTP listener.
type testServer struct {
	*web.Server
	http *httptest.Server
	bot  *fakeBot
}

// mustServer starts a Server with the fake bot; opts may override anything.
// The server is shut down when the test ends.
func mustServer(t *testing.T, opts web.Options) *testServer {
	t.Helper()
	fb := newFakeBot()
	if opts.Handler == nil {
		opts.Handler = fb
	}
	if opts.Invoices == nil {
		opts.Invoices = fb
	}
	if opts.Ready == nil {
		opts.Ready = fb
	}
	if opts.Logger == nil {
		opts.Logger = testLogger(t)
	}
	s := web.NewServer(opts)
	hs := httptest.NewServer(s)
	ts := &testServer{Server: s, http: hs, bot: fb}
	t.Cleanup(func() {
		// Release any turn a test left waiting.
		select {
		case <-fb.slowRelease:
		default:
			close(fb.slowRelease)
		}
		hs.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown() = %v, want nil", err)
		}
	})
	return ts
}

func (ts *testServer) wsURL(query string) string {
	return "ws" + strings.TrimPrefix(ts.http.URL, "http") + "/ws" + query
}

// mustDial opens a WebSocket to /ws with the query (e.g. "?bot=x").
func mustDial(t *testing.T, ts *testServer, query string, h http.Header) *websocket.Conn {
	t.Helper()
	c, resp, err := websocket.DefaultDialer.DialContext(t.Context(), ts.wsURL(query), h)
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		t.Fatalf("dial %s: %v (HTTP %d)", query, err, status)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// frame is any server frame, decoded loosely for comparisons.
type frame struct {
	Type     string             `json:"type"`
	Session  string             `json:"session,omitempty"`
	Resumed  bool               `json:"resumed,omitempty"`
	Bot      string             `json:"bot,omitempty"`
	Lang     string             `json:"lang,omitempty"`
	Messages []bot.HistoryEntry `json:"messages,omitempty"`
	Text     string             `json:"text,omitempty"`
	Buttons  []bot.Button       `json:"buttons,omitempty"`
	Links    []bot.Link         `json:"links,omitempty"`
	Image    string             `json:"image,omitempty"`
	Vars     map[string]any     `json:"vars,omitempty"`
	Expect   *bot.Expect        `json:"expect,omitempty"`
	Reason   string             `json:"reason,omitempty"`
	Code     string             `json:"code,omitempty"`
	Message  string             `json:"message,omitempty"`
}

func mustSend(t *testing.T, c *websocket.Conn, v any) {
	t.Helper()
	var b []byte
	switch v := v.(type) {
	case string:
		b = []byte(v)
	default:
		var err error
		if b, err = json.Marshal(v); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.WriteMessage(websocket.TextMessage, b); err != nil {
		t.Fatalf("write %s: %v", b, err)
	}
}

// mustRead reads one frame within 5 seconds.
func mustRead(t *testing.T, c *websocket.Conn) frame {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	mt, b, err := c.ReadMessage()
	if err != nil {
		t.Fatalf("read frame: %v", err)
	}
	if mt != websocket.TextMessage {
		t.Fatalf("read frame: message type %d, want text", mt)
	}
	var f frame
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatalf("decode frame %s: %v", b, err)
	}
	return f
}

// readTurn reads frames up to and including turn_end, end or error.
func readTurn(t *testing.T, c *websocket.Conn) []frame {
	t.Helper()
	var out []frame
	for {
		f := mustRead(t, c)
		out = append(out, f)
		switch f.Type {
		case "turn_end", "end", "error":
			return out
		}
	}
}

// mustHello starts a new conversation and returns its session id.
func mustHello(t *testing.T, c *websocket.Conn) string {
	t.Helper()
	mustSend(t, c, map[string]any{"type": "hello"})
	fs := readTurn(t, c)
	if fs[0].Type != "session" || fs[len(fs)-1].Type != "turn_end" {
		t.Fatalf("hello answered with %+v, want session ... turn_end", fs)
	}
	return fs[0].Session
}

// readClose reads until the connection fails and returns the close code
// (-1 when it ended without a close frame).
func readClose(t *testing.T, c *websocket.Conn) int {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		_, _, err := c.ReadMessage()
		if err == nil {
			continue
		}
		if ce, ok := err.(*websocket.CloseError); ok {
			return ce.Code
		}
		return -1
	}
}

// mustMetric returns the value of an unlabelled metric from /metrics.
func mustMetric(t *testing.T, ts *testServer, name string) string {
	t.Helper()
	resp, err := http.Get(ts.http.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			return v
		}
	}
	t.Fatalf("metric %s not in /metrics", name)
	return ""
}

// The real bot runtime plugs into the server.
var (
	_ web.Handler       = (*bot.Mux)(nil)
	_ web.InvoiceOpener = (*bot.Mux)(nil)
	_ web.Checker       = (*bot.Mux)(nil)
)
