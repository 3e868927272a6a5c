package upgates

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// This file holds the lenient scalar decoders of UPGATES-API.md §14.14. The
// shop (and its older versions, and other integrations writing to it) send
// booleans as true/1/"1", numbers as strings, dates as RFC 3339, bare dates,
// "" or PHP DateTime objects. Each type below accepts every form and null.

// flexBool decodes true/false, 1/0, "1"/"0", "true"/"false", "" and null
// (the last two as false).
type flexBool bool

func (b *flexBool) UnmarshalJSON(data []byte) error {
	s := string(bytes.TrimSpace(data))
	switch strings.ToLower(strings.Trim(s, `"`)) {
	case "true", "1", "yes":
		*b = true
		return nil
	case "false", "0", "no", "", "null":
		*b = false
		return nil
	}
	return fmt.Errorf("upgates: cannot decode %.20s as a bool", s)
}

// flexString decodes a string, a number (kept as its literal text), a bool
// or null ("").
type flexString string

func (f *flexString) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || string(data) == "null" {
		*f = ""
		return nil
	}
	if data[0] == '"' {
		s, err := unquote(data)
		if err != nil {
			return err
		}
		*f = flexString(s)
		return nil
	}
	if data[0] == '{' || data[0] == '[' {
		return fmt.Errorf("upgates: cannot decode %.20s as a string", data)
	}
	*f = flexString(data)
	return nil
}

// unquote decodes the JSON string literal data. A literal without escapes
// (most of them) is taken as it is, without a second pass of the JSON
// decoder (which would validate it again and allocate); anything else is
// left to encoding/json, which reports a non-string as an error.
func unquote(data []byte) (string, error) {
	if n := len(data); n >= 2 && data[0] == '"' && data[n-1] == '"' {
		plain := true
		for _, c := range data[1 : n-1] {
			if c == '\\' || c == '"' || c < 0x20 {
				plain = false
				break
			}
		}
		if plain && utf8.Valid(data[1:n-1]) {
			return string(data[1 : n-1]), nil
		}
	}
	var s string
	err := json.Unmarshal(data, &s)
	return s, err
}

// numberText returns the literal of a JSON number or numeric string, or ""
// for null and the empty string.
func numberText(data []byte) (string, error) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || string(data) == "null" {
		return "", nil
	}
	if data[0] == '"' {
		s, err := unquote(data)
		if err != nil {
			return "", err
		}
		return strings.ReplaceAll(strings.TrimSpace(s), ",", "."), nil
	}
	return string(data), nil
}

// flexFloat decodes a number, a numeric string (dot or comma) or null (0).
type flexFloat float64

func (f *flexFloat) UnmarshalJSON(data []byte) error {
	s, err := numberText(data)
	if err != nil || s == "" {
		*f = 0
		return err
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return fmt.Errorf("upgates: cannot decode %.20q as a number", s)
	}
	*f = flexFloat(v)
	return nil
}

// flexInt decodes an integer, an integral float, a numeric string or null
// (Valid false).
type flexInt struct {
	V     int
	Valid bool
}

func (f *flexInt) UnmarshalJSON(data []byte) error {
	s, err := numberText(data)
	if err != nil || s == "" {
		*f = flexInt{}
		return err
	}
	if v, err := strconv.Atoi(s); err == nil {
		*f = flexInt{V: v, Valid: true}
		return nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v != float64(int(v)) {
		return fmt.Errorf("upgates: cannot decode %.20q as an integer", s)
	}
	*f = flexInt{V: int(v), Valid: true}
	return nil
}

func (f flexInt) ptr() *int {
	if !f.Valid {
		return nil
	}
	v := f.V
	return &v
}

// flexTime decodes RFC 3339, "YYYY-MM-DD HH:MM:SS" (shop time, Prague
// offset unknown so taken as UTC), a bare "YYYY-MM-DD" (midnight UTC), "",
// null and the PHP DateTime object {date, timezone_type, timezone}.
type flexTime struct {
	T     time.Time
	Valid bool
}

func (f *flexTime) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	*f = flexTime{}
	if len(data) == 0 || string(data) == "null" {
		return nil
	}
	if data[0] == '{' {
		var php struct {
			Date     string `json:"date"`
			Timezone string `json:"timezone"`
		}
		if err := json.Unmarshal(data, &php); err != nil {
			return err
		}
		t, ok := parsePHPDate(php.Date, php.Timezone)
		if !ok {
			return fmt.Errorf("upgates: cannot decode date object %.40s", data)
		}
		*f = flexTime{T: t, Valid: true}
		return nil
	}
	s, err := unquote(data)
	if err != nil {
		return fmt.Errorf("upgates: cannot decode %.30s as a date", data)
	}
	t, ok, err := parseDate(s)
	if err != nil {
		return err
	}
	*f = flexTime{T: t, Valid: ok}
	return nil
}

func (f flexTime) ptr() *time.Time {
	if !f.Valid {
		return nil
	}
	t := f.T
	return &t
}

// dateLayouts are tried in order by parseDate.
var dateLayouts = [...]string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05-0700",
	"2006-01-02 15:04:05-07:00",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05",
	"2006-01-02",
}

// parseDate parses one of dateLayouts; "" and "0000-00-00" give ok false.
func parseDate(s string) (t time.Time, ok bool, err error) {
	s = strings.TrimSpace(s)
	if s == "" || strings.HasPrefix(s, "0000-00-00") {
		return time.Time{}, false, nil
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true, nil
		}
	}
	return time.Time{}, false, fmt.Errorf("upgates: cannot decode %.30q as a date", s)
}

// parsePHPDate parses PHP's "2024-02-29 14:24:49.000000" in the named zone
// ("Europe/Prague", "+01:00" or "UTC"). An unknown zone name falls back to
// UTC rather than failing the whole order.
func parsePHPDate(date, zone string) (time.Time, bool) {
	loc := time.UTC
	if zone != "" {
		if strings.HasPrefix(zone, "+") || strings.HasPrefix(zone, "-") {
			if t, err := time.Parse("-07:00", zone); err == nil {
				loc = t.Location()
			}
		} else if l, err := time.LoadLocation(zone); err == nil {
			loc = l
		}
	}
	for _, l := range []string{"2006-01-02 15:04:05.999999", "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.ParseInLocation(l, strings.TrimSpace(date), loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// flexList decodes a JSON array of T, a single T object (wrapped as one
// element) or null. History "changes" and some newer-docs "orders" results
// use either shape.
type flexList[T any] []T

func (l *flexList[T]) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	*l = nil
	if len(data) == 0 || string(data) == "null" {
		return nil
	}
	if data[0] == '[' {
		var items []T
		if err := json.Unmarshal(data, &items); err != nil {
			return err
		}
		*l = items
		return nil
	}
	if data[0] == '{' {
		if string(bytes.Join(bytes.Fields(data), nil)) == "{}" {
			return nil
		}
		// PHP encodes a list with holes as {"0": {...}, "2": {...}}.
		var m map[string]json.RawMessage
		if err := json.Unmarshal(data, &m); err != nil {
			return err
		}
		if keys := numericKeys(m); keys != nil {
			for _, k := range keys {
				var item T
				if err := json.Unmarshal(m[k], &item); err != nil {
					return err
				}
				*l = append(*l, item)
			}
			return nil
		}
		var item T
		if err := json.Unmarshal(data, &item); err != nil {
			return err
		}
		*l = flexList[T]{item}
		return nil
	}
	return fmt.Errorf("upgates: cannot decode %.20s as a list", data)
}

// strPtr returns nil for "" and a pointer otherwise.
func strPtr(s flexString) *string {
	if s == "" {
		return nil
	}
	v := string(s)
	return &v
}

// numericKeys returns the keys of m in numeric order when every key is a
// non-negative integer and every value an object, else nil.
func numericKeys(m map[string]json.RawMessage) []string {
	type kv struct {
		n int
		k string
	}
	var keys []kv
	for k, v := range m {
		n, err := strconv.Atoi(k)
		v = bytes.TrimSpace(v)
		if err != nil || n < 0 || len(v) == 0 || v[0] != '{' {
			return nil
		}
		keys = append(keys, kv{n, k})
	}
	slices.SortFunc(keys, func(a, b kv) int { return a.n - b.n })
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = k.k
	}
	return out
}

// flexObj decodes an object of type T, or null, [] or "" as the zero T
// (PHP encodes an empty object as an empty array). Valid reports whether
// an object was present.
type flexObj[T any] struct {
	V     T
	Valid bool
}

func (o *flexObj[T]) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	*o = flexObj[T]{}
	switch string(data) {
	case "null", "[]", `""`, "":
		return nil
	}
	if err := json.Unmarshal(data, &o.V); err != nil {
		return err
	}
	o.Valid = true
	return nil
}
