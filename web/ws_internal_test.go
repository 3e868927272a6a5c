package web

import (
	"encoding/json"
	"net"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/samoobsluha/samoobsluha/bot"
)

// recordConn records the writes and write deadlines that reach the socket
// under a corkConn. Other net.Conn methods are not used by corkConn's
// write path and are left to the nil embedded interface.
type recordConn struct {
	net.Conn
	writes    []string
	deadlines []time.Time
}

func (r *recordConn) Write(p []byte) (int, error) {
	r.writes = append(r.writes, string(p))
	return len(p), nil
}

func (r *recordConn) SetWriteDeadline(t time.Time) error {
	r.deadlines = append(r.deadlines, t)
	return nil
}

func TestCorkConn(t *testing.T) {
	rec := &recordConn{}
	c := &corkConn{Conn: rec}
	d1 := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	d2 := d1.Add(time.Second)

	// Uncorked, writes and deadlines go straight through.
	c.SetWriteDeadline(d1)
	c.Write([]byte("ping"))
	// Corked, they wait for uncork, which writes them at once with its own
	// deadline.
	c.cork(make([]byte, 3, 16))
	c.SetWriteDeadline(d1)
	c.Write([]byte("one,"))
	c.Write([]byte("two,"))
	c.Write([]byte("three"))
	if diff := cmp.Diff([]string{"ping"}, rec.writes); diff != "" {
		t.Fatalf("writes while corked reached the socket (-want +got):\n%s", diff)
	}
	buf, err := c.uncork(d2)
	if err != nil {
		t.Fatalf("uncork() error %v", err)
	}
	if string(buf) != "one,two,three" || c.buf != nil {
		t.Errorf("uncork() returned %q and kept %q, want the buffer back and none kept", buf, c.buf)
	}
	// Uncorked again.
	c.Write([]byte("pong"))
	if diff := cmp.Diff([]string{"ping", "one,two,three", "pong"}, rec.writes); diff != "" {
		t.Errorf("writes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]time.Time{d1, d2}, rec.deadlines); diff != "" {
		t.Errorf("write deadlines (-want +got):\n%s", diff)
	}
	// Nothing written while corked: uncork writes nothing.
	c.cork(nil)
	if _, err := c.uncork(d2); err != nil || len(rec.writes) != 3 {
		t.Errorf("empty uncork: error %v, %d writes, want nil and 3", err, len(rec.writes))
	}
	// drop (after a panic in the writer) gives the buffer back unwritten.
	c.cork(nil)
	c.Write([]byte("lost"))
	if got := c.drop(); string(got) != "lost" || c.buf != nil || c.corked {
		t.Errorf("drop() = %q, kept %q, corked %v; want the buffer back, none kept, uncorked", got, c.buf, c.corked)
	}
	if len(rec.writes) != 3 {
		t.Errorf("drop wrote to the socket: %q", rec.writes)
	}
}

func TestOutBatch(t *testing.T) {
	b := newOutBatch()
	frames := []any{
		messageFrame{Type: "message", Message: bot.Message{Text: "Objednávka <b> & \"spol\""}},
		turnEndFrame{Type: "turn_end", Expect: bot.Expect{Kind: "text"}},
	}
	for _, f := range frames {
		if err := b.add(f); err != nil {
			t.Fatalf("add(%+v) error %v", f, err)
		}
	}
	if err := b.add(func() {}); err == nil {
		t.Errorf("add(func) error nil, want an encoding error")
	}
	var got []string
	start := 0
	for _, end := range b.ends {
		got = append(got, string(b.buf.Bytes()[start:end]))
		start = end
	}
	want := []string{
		`{"type":"message","text":"Objednávka <b> & \"spol\""}`,
		`{"type":"turn_end","expect":{"kind":"text","input":""}}`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("encoded frames (-want +got):\n%s", diff)
	}
}

func TestReaderRefusals(t *testing.T) {
	refusals := encodeRefusals()
	tests := []struct {
		name string
		r    readerRefusal
		lang string
		want errorFrame
	}{
		{"rate cs", readerRateLimited, "cs", errorFrame{"error", bot.CodeRateLimited, text("cs", "rate_limited")}},
		{"rate en", readerRateLimited, "en", errorFrame{"error", bot.CodeRateLimited, text("en", "rate_limited")}},
		{"binary cs", readerBinary, "cs", errorFrame{"error", bot.CodeBadFrame, text("cs", "bad_frame") + " (binary frames are not accepted)"}},
		{"binary en", readerBinary, "en", errorFrame{"error", bot.CodeBadFrame, text("en", "bad_frame") + " (binary frames are not accepted)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := refusals[tt.r][langIndex(tt.lang)]
			var got errorFrame
			if err := json.Unmarshal(e.frame, &got); err != nil {
				t.Fatalf("decode %s: %v", e.frame, err)
			}
			if got != tt.want || e.code != tt.want.Code {
				t.Errorf("refusal = %+v (metric %q), want %+v", got, e.code, tt.want)
			}
		})
	}
}
