package session

import (
	"encoding/json"
	"strconv"
	"time"
	"unicode/utf8"
)

// parseSession reads a stored session blob in exactly the shape
// marshalSession writes (keys in order, no whitespace, strings without
// escapes). It reports false for anything else, which the caller then
// leaves to encoding/json; it never accepts what json.Unmarshal would
// refuse.
func parseSession(b []byte, s *Session) bool {
	p := parser{b: b}
	var ok bool
	if !p.lit(`{"id":`) {
		return false
	}
	if s.ID, ok = p.str(); !ok || !p.lit(`,"bot":`) {
		return false
	}
	if s.Bot, ok = p.str(); !ok || !p.lit(`,"channel":`) {
		return false
	}
	if s.Channel, ok = p.str(); !ok || !p.lit(`,"lang":`) {
		return false
	}
	if s.Lang, ok = p.str(); !ok {
		return false
	}
	if p.lit(`,"engine":`) {
		start := p.i
		if !p.skip(0) || !json.Valid(b[start:p.i]) {
			return false
		}
		s.Engine = json.RawMessage(append([]byte(nil), b[start:p.i]...))
	}
	if p.lit(`,"public":`) {
		if s.Public, ok = p.object(0); !ok {
			return false
		}
	}
	if p.lit(`,"private":`) {
		if s.Private, ok = p.object(0); !ok {
			return false
		}
	}
	if p.lit(`,"verifications":`) {
		if s.Verifications, ok = p.int(); !ok {
			return false
		}
	}
	if p.lit(`,"failures":`) {
		if s.Failures, ok = p.int(); !ok {
			return false
		}
	}
	if !p.lit(`,"created":`) {
		return false
	}
	if s.Created, ok = p.time(); !ok || !p.lit(`,"updated":`) {
		return false
	}
	if s.Updated, ok = p.time(); !ok || !p.lit(`,"version":`) {
		return false
	}
	v, ok := p.number()
	if !ok {
		return false
	}
	if s.Version, ok = parseInt(v); !ok {
		return false
	}
	return p.lit(`}`) && p.i == len(b)
}

// maxDepth bounds nesting in the fast path; deeper values go to
// encoding/json.
const maxDepth = 32

// parser is a cursor over a blob.
type parser struct {
	b []byte
	i int
}

// lit consumes s if the input continues with it.
func (p *parser) lit(s string) bool {
	if len(p.b)-p.i >= len(s) && string(p.b[p.i:p.i+len(s)]) == s {
		p.i += len(s)
		return true
	}
	return false
}

// str reads a string without escapes or control characters, of valid
// UTF-8.
func (p *parser) str() (string, bool) {
	raw, ok := p.rawStr()
	if !ok {
		return "", false
	}
	return string(raw), true
}

// rawStr is str without the copy.
func (p *parser) rawStr() ([]byte, bool) {
	if p.i >= len(p.b) || p.b[p.i] != '"' {
		return nil, false
	}
	start := p.i + 1
	for j := start; j < len(p.b); j++ {
		switch c := p.b[j]; {
		case c == '"':
			raw := p.b[start:j]
			if !utf8.Valid(raw) {
				return nil, false
			}
			p.i = j + 1
			return raw, true
		case c == '\\' || c < 0x20:
			return nil, false
		}
	}
	return nil, false
}

// number reads a JSON number and returns its text.
func (p *parser) number() ([]byte, bool) {
	b, i := p.b, p.i
	digits := func() bool {
		s := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		return i > s
	}
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case !digits():
		return nil, false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if !digits() {
			return nil, false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if !digits() {
			return nil, false
		}
	}
	n := b[p.i:i]
	p.i = i
	return n, true
}

// int reads a number that fits an int.
func (p *parser) int() (int, bool) {
	n, ok := p.number()
	if !ok {
		return 0, false
	}
	v, err := strconv.ParseInt(string(n), 10, strconv.IntSize)
	return int(v), err == nil
}

func parseInt(n []byte) (int64, bool) {
	v, err := strconv.ParseInt(string(n), 10, 64)
	return v, err == nil
}

// time reads a time as time.Time.UnmarshalJSON does.
func (p *parser) time() (time.Time, bool) {
	raw, ok := p.rawStr()
	if !ok {
		return time.Time{}, false
	}
	var t time.Time
	if err := t.UnmarshalText(raw); err != nil {
		return time.Time{}, false
	}
	return t, true
}

// value reads any JSON value as encoding/json decodes it into an any.
func (p *parser) value(depth int) (any, bool) {
	if p.i >= len(p.b) || depth > maxDepth {
		return nil, false
	}
	switch c := p.b[p.i]; {
	case c == '"':
		return p.str()
	case c == '{':
		return p.object(depth + 1)
	case c == '[':
		p.i++
		out := []any{}
		if p.lit("]") {
			return out, true
		}
		for {
			v, ok := p.value(depth + 1)
			if !ok {
				return nil, false
			}
			out = append(out, v)
			if p.lit("]") {
				return out, true
			}
			if !p.lit(",") {
				return nil, false
			}
		}
	case c == 't':
		return true, p.lit("true")
	case c == 'f':
		return false, p.lit("false")
	case c == 'n':
		return nil, p.lit("null")
	default:
		n, ok := p.number()
		if !ok {
			return nil, false
		}
		f, err := strconv.ParseFloat(string(n), 64)
		return f, err == nil
	}
}

// object reads an object into a map (null gives a nil map).
func (p *parser) object(depth int) (map[string]any, bool) {
	if p.lit("null") {
		return nil, true
	}
	if !p.lit("{") || depth > maxDepth {
		return nil, false
	}
	m := map[string]any{}
	if p.lit("}") {
		return m, true
	}
	for {
		k, ok := p.str()
		if !ok || !p.lit(":") {
			return nil, false
		}
		if m[k], ok = p.value(depth); !ok {
			return nil, false
		}
		if p.lit("}") {
			return m, true
		}
		if !p.lit(",") {
			return nil, false
		}
	}
}

// skip moves past one value without decoding it (json.Valid checks it).
func (p *parser) skip(depth int) bool {
	if p.i >= len(p.b) || depth > maxDepth {
		return false
	}
	switch c := p.b[p.i]; c {
	case '"':
		return p.skipStr()
	case '{', '[':
		end := byte('}')
		if c == '[' {
			end = ']'
		}
		p.i++
		if p.lit(string(end)) {
			return true
		}
		for {
			if c == '{' {
				if !p.skipStr() || !p.lit(":") {
					return false
				}
			}
			if !p.skip(depth + 1) {
				return false
			}
			if p.lit(string(end)) {
				return true
			}
			if !p.lit(",") {
				return false
			}
		}
	case 't':
		return p.lit("true")
	case 'f':
		return p.lit("false")
	case 'n':
		return p.lit("null")
	default:
		_, ok := p.number()
		return ok
	}
}

// skipStr moves past a string, escapes allowed.
func (p *parser) skipStr() bool {
	if p.i >= len(p.b) || p.b[p.i] != '"' {
		return false
	}
	for j := p.i + 1; j < len(p.b); j++ {
		switch p.b[j] {
		case '\\':
			j++
		case '"':
			p.i = j + 1
			return true
		}
	}
	return false
}
