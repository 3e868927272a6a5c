package web

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/samoobsluha/samoobsluha/bot"
)

func TestDecodeInbound(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want inbound
	}{
		{"hello defaults", `{"type":"hello"}`, inbound{Type: "hello", Channel: "web"}},
		{"hello full", `{"type":"hello","session":"s1","lang":"en","channel":"voice","caller":"+420601223344","vars":{"page":"x"},"extra":1}`,
			inbound{Type: "hello", Session: "s1", Lang: "en", Channel: "voice", Caller: "+420601223344", Vars: map[string]string{"page": "x"}}},
		{"text with numeric id", `{"type":"text","text":"ahoj","id":7}`, inbound{Type: "text", Text: "ahoj"}},
		{"button", `{"type":"button","value":"yes"}`, inbound{Type: "button", Value: "yes"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeInbound([]byte(tt.in))
			if err != nil {
				t.Fatalf("decodeInbound(%s) error %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("decodeInbound(%s) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestPublicVarsDropsPrivate(t *testing.T) {
	got := publicVars(map[string]any{"a": 1, "$email": "x@example.cz"})
	if diff := cmp.Diff(map[string]any{"a": 1}, got); diff != "" {
		t.Errorf("publicVars (-want +got):\n%s", diff)
	}
	frames := replyFrames(bot.Reply{Vars: map[string]any{"$token": "t"}})
	b, _ := json.Marshal(frames)
	if strings.Contains(string(b), "$token") {
		t.Errorf("replyFrames leaks a $ variable: %s", b)
	}
}

func TestOriginAllowed(t *testing.T) {
	tests := []struct {
		origin, host string
		allowed      []string
		want         bool
	}{
		{"http://bot.example:8080", "bot.example:8080", nil, true},
		{"https://shop.example.cz", "bot.example", []string{"https://shop.example.cz/"}, true},
		{"https://SHOP.example.cz", "bot.example", []string{"https://shop.example.cz"}, true},
		{"https://shop.example.cz.evil", "bot.example", []string{"https://shop.example.cz"}, false},
		{"null", "bot.example", []string{"https://shop.example.cz"}, false},
		{"https://any.example", "bot.example", []string{"*"}, true},
	}
	for _, tt := range tests {
		if got := originAllowed(tt.origin, tt.host, tt.allowed); got != tt.want {
			t.Errorf("originAllowed(%q, %q, %q) = %v, want %v", tt.origin, tt.host, tt.allowed, got, tt.want)
		}
	}
}

func TestInvoiceFileName(t *testing.T) {
	tests := map[string]string{
		"Faktura 2025000123.pdf": "Faktura-2025000123.pdf",
		"../../etc/passwd":       "passwd.pdf",
		"faktura\r\nX-Evil: 1":   "fakturaX-Evil-1.pdf",
		"":                       "faktura.pdf",
		"Účtenka č. 5.PDF":       "Uctenka-c.-5.pdf",
		`C:\Users\x\inv-7.pdf`:   "inv-7.pdf",
		strings.Repeat("a", 300): strings.Repeat("a", 100) + ".pdf",
	}
	for in, want := range tests {
		if got := invoiceFileName(in); got != want {
			t.Errorf("invoiceFileName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestVoiceLang(t *testing.T) {
	for in, want := range map[string]string{"cs": "cs", "cs-CZ": "cs", "en_US": "en", "EN": "en", "de-DE": "", "": ""} {
		if got := voiceLang(in); got != want {
			t.Errorf("voiceLang(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzDecodeInbound checks that any client frame is either refused with a
// *frameError or accepted within the protocol's limits.
func FuzzDecodeInbound(f *testing.F) {
	for _, s := range []string{
		`{"type":"hello","session":"abc","lang":"cs","vars":{"a":"b"}}`,
		`{"type":"text","text":"2025000123","id":"x"}`,
		`{"type":"button","value":"yes"}`,
		`{"type":"text","text":null}`, `[]`, `null`, `{"type":1}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !utf8.Valid(data) {
			return // the connection closes with 1007 before decoding
		}
		got, err := decodeInbound(data)
		if err != nil {
			if _, ok := err.(*frameError); !ok {
				t.Fatalf("decodeInbound error %T %v, want *frameError", err, err)
			}
			return
		}
		switch got.Type {
		case frameHello:
			if got.Channel == "" || len(got.Session) > maxSessionLen || len(got.Vars) > maxVars {
				t.Fatalf("accepted invalid hello %+v", got)
			}
		case frameText:
			if strings.TrimSpace(got.Text) == "" || utf8.RuneCountInString(got.Text) > maxTextRunes {
				t.Fatalf("accepted invalid text %+v", got)
			}
		case frameButton:
			if got.Value == "" {
				t.Fatalf("accepted empty button %+v", got)
			}
		default:
			t.Fatalf("accepted unknown type %q", got.Type)
		}
	})
}

// FuzzVoiceRequest checks that any decoded voice body is either refused
// with a problem or becomes a request of a known kind with the call as its
// session.
func FuzzVoiceRequest(f *testing.F) {
	f.Add(`{"call":"CA1","event":"speech","text":"dva nula","alternatives":["20"]}`)
	f.Add(`{"call":"CA1","event":"dtmf","digits":"12#"}`)
	f.Add(`{"call":"","event":"start"}`)
	f.Fuzz(func(t *testing.T, body string) {
		var v voiceRequest
		if json.Unmarshal([]byte(body), &v) != nil {
			return
		}
		req, problem := voiceToRequest(v)
		if problem != "" {
			return
		}
		if req.Session != v.Call || req.Session == "" || req.Channel != "voice" {
			t.Fatalf("voiceToRequest(%+v) = %+v", v, req)
		}
		switch req.Kind {
		case bot.KindHello, bot.KindText, bot.KindDigits, bot.KindNoInput, bot.KindHangup:
		default:
			t.Fatalf("unknown kind %q", req.Kind)
		}
	})
}
