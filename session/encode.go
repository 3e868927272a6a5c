package session

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"
)

// marshalSession returns the stored form of s: the same bytes as
// json.Marshal(s). The common case (variables holding strings, numbers,
// booleans, nil, lists and maps of those; a compact engine record) is
// written directly, without reflection; anything else goes through
// encoding/json.
func marshalSession(s *Session) ([]byte, error) {
	size := 256 + len(s.Engine) + 64*(len(s.Public)+len(s.Private))
	if b, ok := appendSession(make([]byte, 0, size), s); ok {
		return b, nil
	}
	return json.Marshal(s)
}

// appendSession appends s as json.Marshal would, or reports false when s
// holds something it leaves to encoding/json.
func appendSession(b []byte, s *Session) ([]byte, bool) {
	b = append(b, `{"id":`...)
	b = appendString(b, s.ID)
	b = append(b, `,"bot":`...)
	b = appendString(b, s.Bot)
	b = append(b, `,"channel":`...)
	b = appendString(b, s.Channel)
	b = append(b, `,"lang":`...)
	b = appendString(b, s.Lang)
	if len(s.Engine) > 0 {
		if !plainCompact(s.Engine) || !json.Valid(s.Engine) {
			return nil, false
		}
		b = append(b, `,"engine":`...)
		b = append(b, s.Engine...)
	}
	var ok bool
	if len(s.Public) > 0 {
		b = append(b, `,"public":`...)
		if b, ok = appendMap(b, s.Public); !ok {
			return nil, false
		}
	}
	if len(s.Private) > 0 {
		b = append(b, `,"private":`...)
		if b, ok = appendMap(b, s.Private); !ok {
			return nil, false
		}
	}
	if s.Verifications != 0 {
		b = append(b, `,"verifications":`...)
		b = strconv.AppendInt(b, int64(s.Verifications), 10)
	}
	if s.Failures != 0 {
		b = append(b, `,"failures":`...)
		b = strconv.AppendInt(b, int64(s.Failures), 10)
	}
	b = append(b, `,"created":`...)
	if b, ok = appendTime(b, s.Created); !ok {
		return nil, false
	}
	b = append(b, `,"updated":`...)
	if b, ok = appendTime(b, s.Updated); !ok {
		return nil, false
	}
	b = append(b, `,"version":`...)
	b = strconv.AppendInt(b, s.Version, 10)
	return append(b, '}'), true
}

// appendTime appends t as time.Time.MarshalJSON does, or reports false
// for the years it refuses.
func appendTime(b []byte, t time.Time) ([]byte, bool) {
	if y := t.Year(); y < 0 || y >= 10000 {
		return nil, false
	}
	if _, off := t.Zone(); off <= -24*3600 || off >= 24*3600 {
		return nil, false
	}
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"'), true
}

// appendMap appends m with its keys sorted, as encoding/json does.
func appendMap(b []byte, m map[string]any) ([]byte, bool) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var ok bool
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k)
		b = append(b, ':')
		if b, ok = appendValue(b, m[k]); !ok {
			return nil, false
		}
	}
	return append(b, '}'), true
}

// appendValue appends the JSON of v for the types variables usually hold.
func appendValue(b []byte, v any) ([]byte, bool) {
	switch v := v.(type) {
	case nil:
		return append(b, "null"...), true
	case string:
		return appendString(b, v), true
	case bool:
		return strconv.AppendBool(b, v), true
	case float64:
		return appendFloat(b, v)
	case int:
		return strconv.AppendInt(b, int64(v), 10), true
	case int64:
		return strconv.AppendInt(b, v, 10), true
	case map[string]any:
		if v == nil {
			return append(b, "null"...), true
		}
		return appendMap(b, v)
	case []any:
		if v == nil {
			return append(b, "null"...), true
		}
		var ok bool
		b = append(b, '[')
		for i, e := range v {
			if i > 0 {
				b = append(b, ',')
			}
			if b, ok = appendValue(b, e); !ok {
				return nil, false
			}
		}
		return append(b, ']'), true
	case []string:
		if v == nil {
			return append(b, "null"...), true
		}
		b = append(b, '[')
		for i, e := range v {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, e)
		}
		return append(b, ']'), true
	}
	return nil, false
}

// appendFloat appends f as encoding/json does, or reports false for NaN
// and the infinities (which it refuses).
func appendFloat(b []byte, f float64) ([]byte, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, false
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// clean up e-09 to e-9
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, true
}

const hexDigits = "0123456789abcdef"

// appendString appends s quoted as encoding/json does (HTML characters,
// U+2028 and U+2029 escaped; invalid UTF-8 as U+FFFD).
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// plainCompact reports whether raw needs nothing of what encoding/json
// does to a json.RawMessage beyond validation: no whitespace outside
// strings, no HTML characters, no U+2028 or U+2029.
func plainCompact(raw []byte) bool {
	inString, escaped := false, false
	for i, c := range raw {
		switch {
		case c == '<' || c == '>' || c == '&':
			return false
		case c == 0xE2 && i+2 < len(raw) && raw[i+1] == 0x80 && (raw[i+2] == 0xA8 || raw[i+2] == 0xA9):
			return false
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			return false
		}
	}
	return true
}
