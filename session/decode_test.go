package session

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// jsonDecode is what decodeSession did before parseSession.
func jsonDecode(t testing.TB, b []byte) (Session, error) {
	t.Helper()
	var s Session
	err := json.Unmarshal(b, &s)
	return s, err
}

func TestParseSessionMatchesEncodingJSON(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 30, 0, 123456789, time.UTC)
	sessions := []Session{
		{},
		{ID: "4f1c", Bot: "default", Channel: "web", Lang: "cs",
			Engine:        json.RawMessage(`{"v":1,"state":{"box":12,"attempts":[1,2.5,-3e-7,null,true,false,{}]},"prompt":"Zadejte \"číslo\" objednávky\\n"}`),
			Public:        map[string]any{"order_number": "2024001", "email": "jan@example.cz", "status": "Vyřízena", "n": 3.0, "ok": true, "f": false, "none": nil, "e": []any{}, "o": map[string]any{}},
			Private:       map[string]any{"$token": "abc", "$orders": []any{"1", 2.5, map[string]any{"b": "x", "a": []any{"y", 1e21, -0.5}}}},
			Verifications: 2, Failures: 1, Created: now, Updated: now.In(time.FixedZone("CET", 3600)), Version: 7},
	}
	for i, s := range sessions {
		b, err := marshalSession(&s)
		if err != nil {
			t.Fatal(err)
		}
		want, err := jsonDecode(t, b)
		if err != nil {
			t.Fatal(err)
		}
		var got Session
		if !parseSession(b, &got) {
			t.Errorf("session %d: parseSession refused %s", i, b)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("session %d: parseSession differs from json.Unmarshal (-want +got):\n%s", i, cmp.Diff(want, got))
		}
	}
}

func TestParseSessionLeavesTheRestToEncodingJSON(t *testing.T) {
	const tail = `,"created":"2026-11-27T10:30:00Z","updated":"2026-11-27T10:30:00Z","version":1}`
	tests := []struct {
		name string
		blob string
	}{
		{"escaped string", `{"id":"a\"b","bot":"","channel":"","lang":""` + tail},
		{"html escape", `{"id":"\u003c","bot":"","channel":"","lang":""` + tail},
		{"whitespace", `{ "id":"a","bot":"","channel":"","lang":""` + tail},
		{"other key order", `{"bot":"","id":"a","channel":"","lang":""` + tail},
		{"legacy transcript", `{"id":"a","bot":"","channel":"","lang":"","transcript":[{"from":"user","text":"x"}]` + tail},
		{"invalid engine", `{"id":"a","bot":"","channel":"","lang":"","engine":{"a":}` + tail},
		{"bad number", `{"id":"a","bot":"","channel":"","lang":"","public":{"n":01}` + tail},
		{"huge number", `{"id":"a","bot":"","channel":"","lang":"","public":{"n":1e999}` + tail},
		{"fractional count", `{"id":"a","bot":"","channel":"","lang":"","failures":1.5` + tail},
		{"bad time", `{"id":"a","bot":"","channel":"","lang":"","created":"yesterday","updated":"2026-11-27T10:30:00Z","version":1}`},
		{"trailing data", `{"id":"a","bot":"","channel":"","lang":""` + tail + `x`},
		{"truncated", `{"id":"a","bot":"","channel":"","lang":""` + tail[:20]},
		{"invalid utf-8", "{\"id\":\"\xff\",\"bot\":\"\",\"channel\":\"\",\"lang\":\"\"" + tail},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s Session
			if parseSession([]byte(tt.blob), &s) {
				t.Errorf("parseSession accepted %s", tt.blob)
			}
			// decodeSession still gives what encoding/json gives.
			want, wantErr := jsonDecode(t, []byte(tt.blob))
			got, err := decodeSession([]byte(tt.blob), 1)
			if (err != nil) != (wantErr != nil) {
				t.Fatalf("decodeSession error = %v, json.Unmarshal error = %v", err, wantErr)
			}
			if err == nil && got.ID != want.ID {
				t.Errorf("decodeSession ID = %q, want %q", got.ID, want.ID)
			}
		})
	}
}

func BenchmarkDecodeSession(b *testing.B) {
	now := time.Date(2026, 11, 27, 10, 30, 0, 123456789, time.UTC)
	s := &Session{
		ID: "4f1c2a3b-5d6e-4f70-8192-a3b4c5d6e7f8", Bot: "default", Channel: "web", Lang: "cs",
		Engine:        json.RawMessage(`{"v":1,"state":{"box":12,"attempts":1,"lang":"cs"},"expect":"text","buttons":[{"label":"Stav objednávky","value":"status"}],"journal":[]}`),
		Public:        map[string]any{"order_number": "2024001", "email": "jan@example.cz", "status": "Vyřízena", "tracking_url": "https://example.cz/t/123", "verified": true},
		Private:       map[string]any{"$order_code": "2024001", "$attempts": 1.0},
		Verifications: 1, Created: now, Updated: now, Version: 5,
	}
	blob, err := marshalSession(s)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("encoding/json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := jsonDecode(b, blob); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decodeSession", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := decodeSession(blob, 5); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// FuzzParseSession: whatever parseSession accepts, json.Unmarshal accepts
// too, with the same result.
func FuzzParseSession(f *testing.F) {
	const tail = `,"created":"2026-11-27T10:30:00Z","updated":"2026-11-27T10:30:00+01:00","version":1}`
	f.Add([]byte(`{"id":"a","bot":"b","channel":"web","lang":"cs"` + tail))
	f.Add([]byte(`{"id":"a","bot":"b","channel":"web","lang":"cs","engine":{"a":[1,"x\"y",null]},"public":{"k":[true,{"z":-1.5e3}]},"private":{"$p":"ž"},"verifications":2,"failures":1` + tail))
	f.Fuzz(func(t *testing.T, b []byte) {
		var got Session
		if !parseSession(b, &got) {
			return
		}
		want, err := jsonDecode(t, b)
		if err != nil {
			t.Fatalf("parseSession accepted %q, json.Unmarshal refuses it: %v", b, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("parseSession(%q) differs from json.Unmarshal (-want +got):\n%s", b, cmp.Diff(want, got))
		}
	})
}
