package web

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/time/rate"

	"github.com/samoobsluha/samoobsluha/bot"
)

// maxVoiceBody is the largest /voice/turn request body.
const maxVoiceBody = 16 << 10

// Voice events (PROTOCOL.md §2).
const (
	eventStart   = "start"
	eventSpeech  = "speech"
	eventDTMF    = "dtmf"
	eventNoInput = "no_input"
	eventHangup  = "hangup"
)

// voiceRequest is the /voice/turn body.
type voiceRequest struct {
	Call         string   `json:"call"`
	Bot          string   `json:"bot"`
	Event        string   `json:"event"`
	From         string   `json:"from"`
	To           string   `json:"to"`
	Lang         string   `json:"lang"`
	Text         string   `json:"text"`
	Confidence   float64  `json:"confidence"`
	Alternatives []string `json:"alternatives"`
	Digits       string   `json:"digits"`
}

type voiceExpect struct {
	Input     string `json:"input"`
	Hint      string `json:"hint"`
	MaxDigits int    `json:"max_digits,omitempty"`
	TimeoutMS int    `json:"timeout_ms,omitempty"`
}

type voiceResponse struct {
	Session    string       `json:"session"`
	Say        string       `json:"say"`
	SSML       string       `json:"ssml,omitempty"`
	Expect     *voiceExpect `json:"expect,omitempty"`
	Action     string       `json:"action"`
	TransferTo string       `json:"transfer_to"`
}

type voiceErrorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

type voiceError struct {
	Session string         `json:"session,omitempty"`
	Error   voiceErrorBody `json:"error"`
	Say     string         `json:"say,omitempty"`
}

// handleVoice serves POST /voice/turn: one telephony event in, what to say
// and do next out. The call id is the session id.
func (s *Server) handleVoice(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		s.voiceFail(w, http.StatusMethodNotAllowed, "", "method_not_allowed", "use POST", "")
		return
	}
	var req voiceRequest
	body := http.MaxBytesReader(w, r.Body, maxVoiceBody)
	dec := json.NewDecoder(body)
	decodeErr := dec.Decode(&req)
	if decodeErr == nil && dec.More() {
		decodeErr = errors.New("trailing data after the JSON object")
	}
	botID := req.Bot
	if botID == "" {
		botID = queryBot(r)
	}
	opts, ok := s.botOptions(botID)
	if !ok {
		s.voiceFail(w, http.StatusNotFound, "", "unknown_bot", "unknown bot", "")
		return
	}
	if !s.voiceAuthorized(r, opts) {
		if opts.VoiceToken == "" && !s.opts.DemoMode {
			s.voiceFail(w, http.StatusNotFound, "", "not_found", "the voice endpoint is not enabled for this bot", "")
			return
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="samoobsluha"`)
		s.voiceFail(w, http.StatusUnauthorized, "", "unauthorized", "missing or wrong bearer token", "")
		return
	}
	lang := voiceLang(req.Lang)
	if lang == "" {
		lang = s.botLang(botID)
	}
	if decodeErr != nil {
		s.voiceFail(w, http.StatusBadRequest, "", "bad_request", "the body must be one JSON object: "+jsonProblem(decodeErr), text(lang, "say_bad"))
		return
	}
	breq, problem := voiceToRequest(req)
	if problem != "" {
		s.voiceFail(w, http.StatusBadRequest, req.Call, "bad_request", problem, text(lang, "say_bad"))
		return
	}
	breq.Bot = botID
	breq.Lang = voiceLang(req.Lang)
	breq.Client = s.clientAddr(r)
	if !s.voice.allow(botID+"\x00"+req.Call, s.opts.Now()) {
		s.voiceFail(w, http.StatusTooManyRequests, req.Call, bot.CodeRateLimited, "too many requests for this call", text(lang, "say_rate"))
		return
	}
	if !s.begin() {
		s.voiceFail(w, http.StatusServiceUnavailable, req.Call, bot.CodeUnavailable, "server is shutting down", text(lang, "say_down"))
		return
	}
	defer s.wg.Done()
	reply, err := s.opts.Handler.Handle(s.hardCtx, breq)
	if err != nil {
		s.voiceHandleError(w, req.Call, lang, err)
		return
	}
	s.opts.Metrics.voice(http.StatusOK)
	writeJSON(w, http.StatusOK, voiceReply(req.Call, reply))
}

// voiceAuthorized checks the bearer token in constant time. A bot without
// a token is open only in demo mode.
func (s *Server) voiceAuthorized(r *http.Request, opts BotOptions) bool {
	if opts.VoiceToken == "" {
		return s.opts.DemoMode
	}
	auth := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(auth, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(strings.TrimSpace(token)), []byte(opts.VoiceToken)) == 1
}

// voiceLang maps an adapter's language tag ("cs", "cs-CZ", "en-US") to
// "cs" or "en", or "" when it is neither.
func voiceLang(tag string) string {
	base, _, _ := strings.Cut(strings.ToLower(tag), "-")
	base, _, _ = strings.Cut(base, "_")
	switch base {
	case "cs", "en":
		return base
	}
	return ""
}

// voiceToRequest validates a voice event and turns it into a bot request.
// The returned problem is non-empty when the event is refused.
func voiceToRequest(v voiceRequest) (bot.Request, string) {
	if v.Call == "" {
		return bot.Request{}, `missing field "call"`
	}
	if len(v.Call) > maxSessionLen || !printableASCII(v.Call) {
		return bot.Request{}, `field "call" must be at most 128 printable ASCII characters`
	}
	if len(v.From) > maxCallerLen {
		return bot.Request{}, `field "from" is too long`
	}
	req := bot.Request{Session: v.Call, Channel: "voice", Caller: v.From}
	switch v.Event {
	case eventStart:
		req.Kind = bot.KindHello
	case eventSpeech:
		if utf8.RuneCountInString(v.Text) > maxTextRunes {
			return bot.Request{}, `field "text" is longer than 1000 characters`
		}
		if len(v.Alternatives) > 10 {
			return bot.Request{}, `field "alternatives" has more than 10 entries`
		}
		for _, a := range v.Alternatives {
			if utf8.RuneCountInString(a) > maxTextRunes {
				return bot.Request{}, `an alternative is longer than 1000 characters`
			}
		}
		if strings.TrimSpace(v.Text) == "" {
			// The recogniser heard nothing usable: treat it as silence.
			req.Kind = bot.KindNoInput
			break
		}
		req.Kind = bot.KindText
		req.Text = v.Text
		req.Alternatives = v.Alternatives
		req.Confidence = v.Confidence
	case eventDTMF:
		if v.Digits == "" {
			return bot.Request{}, `missing field "digits" for a dtmf event`
		}
		if len(v.Digits) > 32 || strings.Trim(v.Digits, "0123456789*#") != "" {
			return bot.Request{}, `field "digits" must be 1..32 of 0-9, * and #`
		}
		req.Kind = bot.KindDigits
		req.Digits = v.Digits
	case eventNoInput:
		req.Kind = bot.KindNoInput
	case eventHangup:
		req.Kind = bot.KindHangup
	case "":
		return bot.Request{}, `missing field "event"`
	default:
		return bot.Request{}, `unknown event; use start, speech, dtmf, no_input or hangup`
	}
	return req, ""
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// voiceReply renders a bot reply for the adapter. It uses the bot's voice
// rendering when present and otherwise joins the message texts.
func voiceReply(call string, r bot.Reply) voiceResponse {
	resp := voiceResponse{Session: call, Action: "continue"}
	if r.Session != "" {
		resp.Session = r.Session
	}
	v := r.Voice
	if v == nil {
		parts := make([]string, 0, len(r.Messages))
		for _, m := range r.Messages {
			if m.Text != "" {
				parts = append(parts, m.Text)
			}
		}
		v = &bot.Voice{Say: strings.Join(parts, " "), Hint: r.Expect.Input, Input: "speech"}
		if r.End != "" {
			v.Action = "hangup"
			if r.End == "handover" {
				v.Action = "transfer"
			}
		}
	}
	resp.Say, resp.SSML, resp.TransferTo = v.Say, v.SSML, v.TransferTo
	if v.Action != "" {
		resp.Action = v.Action
	}
	if resp.Action == "continue" {
		input := v.Input
		if input == "" {
			input = "speech"
		}
		hint := v.Hint
		if hint == "" {
			hint = r.Expect.Input
		}
		resp.Expect = &voiceExpect{Input: input, Hint: hint, MaxDigits: v.MaxDigits, TimeoutMS: v.TimeoutMS}
	}
	return resp
}

func (s *Server) voiceHandleError(w http.ResponseWriter, call, lang string, err error) {
	be, ok := isBotError(err)
	if !ok {
		s.log.Error("voice turn failed", "channel", "phone", "session_id", call, "err", err)
		s.voiceFail(w, http.StatusInternalServerError, call, bot.CodeInternal, "internal error", text(lang, "say_bad"))
		return
	}
	s.log.Debug("voice turn refused", "channel", "phone", "session_id", call, "status", be.Code)
	status, say := http.StatusInternalServerError, text(lang, "say_bad")
	switch be.Code {
	case bot.CodeBadFrame:
		status = http.StatusBadRequest
	case bot.CodeUnknownBot:
		status, say = http.StatusNotFound, ""
	case bot.CodeRateLimited, bot.CodeLocked:
		status, say = http.StatusTooManyRequests, text(lang, "say_rate")
	case bot.CodeUnavailable:
		status, say = http.StatusServiceUnavailable, text(lang, "say_down")
	case bot.CodeExpired:
		status = http.StatusGone
	}
	if be.Message != "" && say != "" {
		say = be.Message
	}
	s.voiceFail(w, status, call, be.Code, be.Message, say)
}

// voiceFail writes an error response. say is what the adapter may still
// tell the caller ("" when it should say nothing).
func (s *Server) voiceFail(w http.ResponseWriter, status int, call, code, message, say string) {
	s.opts.Metrics.voice(status)
	if message == "" {
		message = http.StatusText(status)
	}
	writeJSON(w, status, voiceError{Session: call, Error: voiceErrorBody{Code: code, Message: message}, Say: say})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := marshalJSON(v)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(b)
}

// marshalJSON encodes v followed by a newline, leaving <, > and & as they
// are: the SSML in voice answers stays readable.
func marshalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// callLimiter rate-limits voice requests per call. Entries idle for
// callIdle are pruned, so memory stays bounded by the active calls.
type callLimiter struct {
	limit rate.Limit
	burst int

	mu      sync.Mutex
	calls   map[string]*callEntry
	checked time.Time
}

type callEntry struct {
	lim  *rate.Limiter
	seen time.Time
}

const callIdle = 10 * time.Minute

func newCallLimiter(limit rate.Limit, burst int) *callLimiter {
	return &callLimiter{limit: limit, burst: burst, calls: make(map[string]*callEntry)}
}

func (l *callLimiter) allow(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.checked) > time.Minute {
		for k, e := range l.calls {
			if now.Sub(e.seen) > callIdle {
				delete(l.calls, k)
			}
		}
		l.checked = now
	}
	e, ok := l.calls[key]
	if !ok {
		e = &callEntry{lim: rate.NewLimiter(l.limit, l.burst)}
		l.calls[key] = e
	}
	e.seen = now
	return e.lim.AllowN(now, 1)
}
