package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/samoobsluha/samoobsluha/bot"
)

// Client frame types (PROTOCOL.md §1).
const (
	frameHello  = "hello"
	frameText   = "text"
	frameButton = "button"
)

// Limits on client frame fields.
const (
	maxTextRunes   = 1000
	maxSessionLen  = 128
	maxCallerLen   = 32
	maxVars        = 20
	maxVarValue    = 256
	maxButtonValue = 256
	maxClientID    = 64
)

var varNamePattern = regexp.MustCompile(`^[A-Za-z0-9_]{1,32}$`)

// inbound is one validated client frame.
type inbound struct {
	Type    string
	Session string
	Lang    string
	Channel string
	Caller  string
	Vars    map[string]string
	Text    string
	Value   string
}

// frameError is why a client frame was refused; Detail is a short English
// technical reason for the client developer.
type frameError struct{ Detail string }

func (e *frameError) Error() string { return "bad frame: " + e.Detail }

func badFrame(format string, args ...any) error {
	return &frameError{Detail: fmt.Sprintf(format, args...)}
}

// decodeInbound parses and validates one client text frame. Its errors
// are *frameError. The data must be valid UTF-8 (checked by the caller,
// which closes the connection with 1007 otherwise).
func decodeInbound(data []byte) (inbound, error) {
	var raw struct {
		Type    *string           `json:"type"`
		Session *string           `json:"session"`
		Lang    *string           `json:"lang"`
		Channel *string           `json:"channel"`
		Caller  *string           `json:"caller"`
		Vars    map[string]string `json:"vars"`
		Text    *string           `json:"text"`
		ID      json.RawMessage   `json:"id"`
		Value   *string           `json:"value"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return inbound{}, badFrame("invalid JSON: %s", jsonProblem(err))
	}
	if raw.Type == nil {
		return inbound{}, badFrame(`missing field "type"`)
	}
	f := inbound{Type: *raw.Type}
	switch f.Type {
	case frameHello:
		if raw.Session != nil {
			f.Session = *raw.Session
			if len(f.Session) > maxSessionLen {
				return inbound{}, badFrame(`field "session" is too long`)
			}
		}
		if raw.Lang != nil {
			f.Lang = *raw.Lang
			if f.Lang != "" && f.Lang != "cs" && f.Lang != "en" {
				return inbound{}, badFrame(`field "lang" must be "cs" or "en"`)
			}
		}
		f.Channel = "web"
		if raw.Channel != nil && *raw.Channel != "" {
			f.Channel = *raw.Channel
			if f.Channel != "web" && f.Channel != "voice" && f.Channel != "test" {
				return inbound{}, badFrame(`field "channel" must be "web", "voice" or "test"`)
			}
		}
		if raw.Caller != nil && *raw.Caller != "" {
			if f.Channel != "voice" {
				return inbound{}, badFrame(`field "caller" is for the voice channel only`)
			}
			f.Caller = *raw.Caller
			if len(f.Caller) > maxCallerLen {
				return inbound{}, badFrame(`field "caller" is too long`)
			}
		}
		if len(raw.Vars) > maxVars {
			return inbound{}, badFrame(`field "vars" has more than %d variables`, maxVars)
		}
		for k, v := range raw.Vars {
			if !varNamePattern.MatchString(k) {
				return inbound{}, badFrame(`variable name %q must match [A-Za-z0-9_]{1,32}`, k)
			}
			if utf8.RuneCountInString(v) > maxVarValue {
				return inbound{}, badFrame(`variable %q is longer than %d characters`, k, maxVarValue)
			}
		}
		if len(raw.Vars) > 0 {
			f.Vars = raw.Vars
		}
	case frameText:
		if raw.Text == nil {
			return inbound{}, badFrame(`missing field "text"`)
		}
		f.Text = *raw.Text
		if strings.TrimSpace(f.Text) == "" {
			return inbound{}, badFrame(`field "text" is empty`)
		}
		if utf8.RuneCountInString(f.Text) > maxTextRunes {
			return inbound{}, badFrame(`field "text" is longer than %d characters`, maxTextRunes)
		}
		if len(raw.ID) > 0 {
			var id any
			if err := json.Unmarshal(raw.ID, &id); err != nil {
				return inbound{}, badFrame(`field "id" is invalid`)
			}
			switch v := id.(type) {
			case string:
				if len(v) > maxClientID {
					return inbound{}, badFrame(`field "id" is too long`)
				}
			case float64, nil:
			default:
				return inbound{}, badFrame(`field "id" must be a string or a number`)
			}
		}
	case frameButton:
		if raw.Value == nil {
			return inbound{}, badFrame(`missing field "value"`)
		}
		f.Value = *raw.Value
		if f.Value == "" {
			return inbound{}, badFrame(`field "value" is empty`)
		}
		if len(f.Value) > maxButtonValue {
			return inbound{}, badFrame(`field "value" is too long`)
		}
	case "":
		return inbound{}, badFrame(`missing field "type"`)
	default:
		return inbound{}, badFrame("unknown type %q", truncate(f.Type, 32))
	}
	return f, nil
}

// jsonProblem describes a JSON decoding error without echoing client data.
func jsonProblem(err error) string {
	switch e := err.(type) {
	case *json.UnmarshalTypeError:
		if e.Field != "" {
			return fmt.Sprintf("field %q must be %s", e.Field, jsonKind(e.Type.Kind().String()))
		}
		return "a frame must be a JSON object"
	case *json.SyntaxError:
		return fmt.Sprintf("syntax error at offset %d", e.Offset)
	default:
		return "malformed"
	}
}

func jsonKind(k string) string {
	switch k {
	case "ptr", "string":
		return "a string"
	case "map":
		return "an object of strings"
	default:
		return "of another type"
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Server frames (PROTOCOL.md §1).

type sessionFrame struct {
	Type    string `json:"type"`
	Session string `json:"session"`
	Resumed bool   `json:"resumed"`
	Bot     string `json:"bot"`
	Lang    string `json:"lang"`
}

type historyFrame struct {
	Type     string             `json:"type"`
	Messages []bot.HistoryEntry `json:"messages"`
}

type typingFrame struct {
	Type string `json:"type"`
}

type messageFrame struct {
	Type string `json:"type"`
	bot.Message
}

type stateFrame struct {
	Type string         `json:"type"`
	Vars map[string]any `json:"vars"`
}

type turnEndFrame struct {
	Type   string     `json:"type"`
	Expect bot.Expect `json:"expect"`
}

type endFrame struct {
	Type   string `json:"type"`
	Reason string `json:"reason"`
}

type errorFrame struct {
	Type    string `json:"type"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// publicVars returns vars without any "$"-prefixed name: the bot never
// sends one, and the transport makes sure none leaves the server.
func publicVars(vars map[string]any) map[string]any {
	for k := range vars {
		if strings.HasPrefix(k, "$") {
			out := make(map[string]any, len(vars))
			for k, v := range vars {
				if !strings.HasPrefix(k, "$") {
					out[k] = v
				}
			}
			return out
		}
	}
	return vars
}

// outBatch is server frames encoded for one write to a socket: buf holds
// them back to back, and ends[i] is where frame i ends. Batches come from
// and go back to the Server's pool, so encoding a turn's frames allocates
// no buffer of its own.
type outBatch struct {
	buf  bytes.Buffer
	enc  *json.Encoder // writes to buf; leaves <, > and & as they are
	ends []int
}

func newOutBatch() *outBatch {
	b := &outBatch{}
	b.enc = json.NewEncoder(&b.buf)
	b.enc.SetEscapeHTML(false)
	return b
}

// add appends one frame, encoded as a JSON object without a trailing
// newline. On error the batch is unchanged.
func (b *outBatch) add(frame any) error {
	start := b.buf.Len()
	if err := b.enc.Encode(frame); err != nil {
		b.buf.Truncate(start)
		return fmt.Errorf("encode %T: %w", frame, err)
	}
	b.buf.Truncate(b.buf.Len() - 1) // the encoder's newline
	b.ends = append(b.ends, b.buf.Len())
	return nil
}

// maxPooled is the largest buffer put back in a pool: a rare huge answer
// (a long history, a QR code) does not stay allocated.
const maxPooled = 64 << 10

// newBatch takes an empty batch from the pool.
func (s *Server) newBatch() *outBatch {
	return s.batches.Get().(*outBatch)
}

// freeBatch returns b to the pool; nothing may use b afterwards.
func (s *Server) freeBatch(b *outBatch) {
	if b.buf.Cap() > maxPooled {
		return
	}
	b.buf.Reset()
	b.ends = b.ends[:0]
	s.batches.Put(b)
}

// getBuf takes a write buffer from the pool.
func (s *Server) getBuf() *[]byte {
	return s.bufs.Get().(*[]byte)
}

// putBuf returns a write buffer to the pool.
func (s *Server) putBuf(b *[]byte) {
	if cap(*b) > maxPooled {
		return
	}
	*b = (*b)[:0]
	s.bufs.Put(b)
}

// readerRefusal is an error frame the reader itself sends.
type readerRefusal int

const (
	readerRateLimited readerRefusal = iota // a frame over the rate limit, or too many waiting
	readerBinary                           // a binary frame
	numReaderRefusals
)

// encodedRefusal is a reader refusal encoded in one language.
type encodedRefusal struct {
	code  string // for the metric
	frame []byte
}

// langIndex maps a transport language to its index in encodeRefusals'
// answer: 0 for Czech, 1 for English.
func langIndex(lang string) int {
	if lang == "en" {
		return 1
	}
	return 0
}

// encodeRefusals encodes the reader's error frames in both languages.
func encodeRefusals() [numReaderRefusals][2]encodedRefusal {
	var out [numReaderRefusals][2]encodedRefusal
	for i, lang := range []string{"cs", "en"} {
		for r, f := range map[readerRefusal]errorFrame{
			readerRateLimited: {Type: "error", Code: bot.CodeRateLimited, Message: text(lang, "rate_limited")},
			readerBinary:      {Type: "error", Code: bot.CodeBadFrame, Message: text(lang, "bad_frame") + " (binary frames are not accepted)"},
		} {
			b := newOutBatch()
			if err := b.add(f); err != nil {
				panic(fmt.Sprintf("web: encode %+v: %v", f, err)) // constant input
			}
			out[r][i] = encodedRefusal{code: f.Code, frame: b.buf.Bytes()}
		}
	}
	return out
}

// replyFrames renders a turn's reply as the frames after "session" and
// "history": the messages, at most one state, then turn_end or end.
func replyFrames(r bot.Reply) []any {
	frames := make([]any, 0, len(r.Messages)+2)
	for _, m := range r.Messages {
		frames = append(frames, messageFrame{Type: "message", Message: m})
	}
	if r.Vars != nil {
		frames = append(frames, stateFrame{Type: "state", Vars: publicVars(r.Vars)})
	}
	if r.End != "" {
		frames = append(frames, endFrame{Type: "end", Reason: r.End})
	} else {
		e := r.Expect
		if e.Kind == "" {
			e.Kind = "text"
		}
		frames = append(frames, turnEndFrame{Type: "turn_end", Expect: e})
	}
	return frames
}

// Texts the transport itself says, before or instead of the bot.
var transportTexts = map[string]map[string]string{
	"cs": {
		"bad_frame":    "Tuto zprávu nelze zpracovat",
		"hello_first":  "Nejdříve je potřeba zahájit konverzaci",
		"rate_limited": "Posíláte zprávy příliš rychle. Chvilku počkejte a zkuste to znovu.",
		"internal":     "Omlouváme se, něco se pokazilo. Zkuste to prosím znovu.",
		"unavailable":  "Omlouváme se, služba je teď nedostupná. Zkuste to prosím za chvíli.",
		"say_bad":      "Omlouvám se, něco se pokazilo. Zkuste to prosím znovu.",
		"say_rate":     "Omlouvám se, teď nemohu pokračovat. Zkuste to prosím za chvíli.",
		"say_down":     "Omlouvám se, systém je teď nedostupný. Zavolejte prosím později.",
	},
	"en": {
		"bad_frame":    "This message cannot be processed",
		"hello_first":  "Please start the conversation first",
		"rate_limited": "You are sending messages too quickly. Please wait a moment and try again.",
		"internal":     "Sorry, something went wrong. Please try again.",
		"unavailable":  "Sorry, the service is not available right now. Please try again in a moment.",
		"say_bad":      "I am sorry, something went wrong. Please try again.",
		"say_rate":     "I am sorry, I cannot continue right now. Please try again in a moment.",
		"say_down":     "I am sorry, the system is not available right now. Please call again later.",
	},
}

func text(lang, key string) string {
	if lang != "en" {
		lang = "cs"
	}
	return transportTexts[lang][key]
}
