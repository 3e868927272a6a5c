package session

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"
	"time"
)

func TestMarshalSessionMatchesEncodingJSON(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 30, 0, 123456789, time.UTC)
	prague := time.FixedZone("CET", 3600)
	tests := []struct {
		name string
		s    Session
		fast bool // written without encoding/json
	}{
		{"empty", Session{}, true},
		{"typical", Session{
			ID: "4f1c", Bot: "default", Channel: "web", Lang: "cs",
			Engine:        json.RawMessage(`{"v":1,"state":{"box":12,"attempts":1},"prompt":"Zadejte číslo objednávky, prosím"}`),
			Public:        map[string]any{"order_number": "2024001", "email": "jan@example.cz", "status": "Vyřízena", "n": 3.0, "ok": true, "none": nil},
			Private:       map[string]any{"$token": "abc", "$orders": []any{"1", 2.5, map[string]any{"b": "x", "a": []string{"y"}}}},
			Verifications: 2, Failures: 1, Created: now, Updated: now.In(prague), Version: 7,
		}, true},
		{"escapes", Session{
			ID: "a\"b\\c\n\r\t\b\f\x01<>&\u2028\u2029\xff\xfez ž", Lang: "en",
			Public: map[string]any{"k<": "v&", "\u2029": "\x00"},
		}, true},
		{"numbers", Session{ID: "x", Public: map[string]any{
			"a": 1e21, "b": 1e-7, "c": math.Copysign(0, -1), "d": 123456789.125, "e": 1e20, "f": 0.000001, "g": int64(-5), "h": 42, "i": 1.5e-300,
		}}, true},
		{"nil containers", Session{ID: "x", Public: map[string]any{"m": map[string]any(nil), "l": []any(nil), "s": []string(nil)}}, true},
		{"engine with spaces", Session{ID: "x", Engine: json.RawMessage(`{ "a" : 1 }`)}, false},
		{"engine with html", Session{ID: "x", Engine: json.RawMessage(`{"a":"<b>"}`)}, false},
		{"engine with a quoted space", Session{ID: "x", Engine: json.RawMessage(`{"a":"b c\"  d"}`)}, true},
		{"other value type", Session{ID: "x", Public: map[string]any{"t": now}}, false},
		{"int slice", Session{ID: "x", Private: map[string]any{"$l": []int{1, 2}}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, err := json.Marshal(&tt.s)
			if err != nil {
				t.Fatal(err)
			}
			got, err := marshalSession(&tt.s)
			if err != nil {
				t.Fatalf("marshalSession = %v", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("marshalSession =\n%s\nwant\n%s", got, want)
			}
			if _, fast := appendSession(nil, &tt.s); fast != tt.fast {
				t.Errorf("written directly = %v, want %v", fast, tt.fast)
			}
		})
	}
}

func TestMarshalSessionRefusesWhatEncodingJSONRefuses(t *testing.T) {
	tests := []struct {
		name string
		s    Session
	}{
		{"invalid engine", Session{ID: "x", Engine: json.RawMessage(`{"a":`)}},
		{"NaN", Session{ID: "x", Public: map[string]any{"n": math.NaN()}}},
		{"infinity", Session{ID: "x", Private: map[string]any{"$n": []any{math.Inf(1)}}}},
		{"year 10000", Session{ID: "x", Created: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := marshalSession(&tt.s); err == nil {
				t.Errorf("marshalSession succeeded, want the error json.Marshal gives")
			}
		})
	}
}

func BenchmarkMarshalSession(b *testing.B) {
	now := time.Date(2026, 11, 27, 10, 30, 0, 123456789, time.UTC)
	s := &Session{
		ID: "4f1c2a3b-5d6e-4f70-8192-a3b4c5d6e7f8", Bot: "default", Channel: "web", Lang: "cs",
		Engine:        json.RawMessage(`{"v":1,"state":{"box":12,"attempts":1,"lang":"cs"},"expect":"text","buttons":[{"label":"Stav objednávky","value":"status"}],"journal":[]}`),
		Public:        map[string]any{"order_number": "2024001", "email": "jan@example.cz", "status": "Vyřízena", "tracking_url": "https://example.cz/t/123", "verified": true},
		Private:       map[string]any{"$order_code": "2024001", "$attempts": 1.0},
		Verifications: 1, Created: now, Updated: now, Version: 5,
	}
	b.Run("encoding/json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(s); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("marshalSession", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := marshalSession(s); err != nil {
				b.Fatal(err)
			}
		}
	})
}
