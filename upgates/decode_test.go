package upgates

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestFlexScalars(t *testing.T) {
	for _, tc := range []struct {
		in   string
		b    bool
		ok   bool
		f    float64
		i    int
		iOK  bool
		date string // RFC 3339 in UTC, "" for none
	}{
		{in: `true`, b: true, ok: true},
		{in: `"1"`, b: true, ok: true, f: 1, i: 1, iOK: true},
		{in: `0`, ok: true, i: 0, iOK: true},
		{in: `null`, ok: true},
		{in: `""`, ok: true},
		{in: `"12,50"`, ok: false, f: 12.5},
		{in: `"2025-05-27"`, ok: false, date: "2025-05-27T00:00:00Z"},
		{in: `"2024-02-29T14:24:49+01:00"`, ok: false, date: "2024-02-29T13:24:49Z"},
		{in: `{"date":"2024-02-29 14:24:49.000000","timezone_type":3,"timezone":"UTC"}`, ok: false, date: "2024-02-29T14:24:49Z"},
		{in: `"0000-00-00 00:00:00"`, ok: false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			var b flexBool
			err := json.Unmarshal([]byte(tc.in), &b)
			if (err == nil) != tc.ok || bool(b) != tc.b {
				t.Errorf("flexBool(%s) = %v, %v; want %v ok=%v", tc.in, b, err, tc.b, tc.ok)
			}
			var f flexFloat
			if err := json.Unmarshal([]byte(tc.in), &f); err == nil && float64(f) != tc.f {
				t.Errorf("flexFloat(%s) = %v, want %v", tc.in, f, tc.f)
			}
			var i flexInt
			if err := json.Unmarshal([]byte(tc.in), &i); err == nil && (i.V != tc.i || i.Valid != tc.iOK) {
				t.Errorf("flexInt(%s) = %+v, want %d %v", tc.in, i, tc.i, tc.iOK)
			}
			var d flexTime
			err = json.Unmarshal([]byte(tc.in), &d)
			got := ""
			if err == nil && d.Valid {
				got = d.T.UTC().Format(time.RFC3339)
			}
			if tc.date != "" && got != tc.date {
				t.Errorf("flexTime(%s) = %q, %v; want %s", tc.in, got, err, tc.date)
			}
		})
	}
}

// FuzzOrder checks that no input makes order decoding panic and that a
// decoded order survives a marshal round trip.
func FuzzOrder(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"order_number":1,"customer":[],"products":{"0":{"product_id":"5"}},"paid_date":{"date":"x"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		raws, err := orderObjects(data)
		if err != nil {
			return
		}
		for _, raw := range raws {
			var o Order
			if json.Unmarshal(raw, &o) != nil {
				continue
			}
			b, err := json.Marshal(&o)
			if err != nil {
				t.Fatalf("marshal decoded order: %v", err)
			}
			var back Order
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatalf("decode marshalled order %s: %v", b, err)
			}
		}
	})
}

// FuzzUnquote checks unquote's fast path against encoding/json: the same
// string, or an error for both.
func FuzzUnquote(f *testing.F) {
	for _, s := range []string{`"abc"`, `"Odesláno"`, `"a\"b"`, `"a\u00e1"`, `""`, `"`, `"a"b"`, "\"a\x01\"", "\"\xff\"", `12`, `null`, `"tab	"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := unquote(data)
		var want string
		wantErr := json.Unmarshal(data, &want)
		if (err != nil) != (wantErr != nil) || got != want {
			t.Errorf("unquote(%q) = %q, %v; json.Unmarshal gives %q, %v", data, got, err, want, wantErr)
		}
	})
}
