package web

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/samoobsluha/samoobsluha/bot"
)

// This file holds the Jambonz adapter and what it shares with the Twilio
// adapter (twilio.go): the options, the turn runner and the recogniser
// hints. Both adapters translate a vendor's webhook into the voiceRequest
// of /voice/turn, run it exactly as handleVoice does, and render the
// voiceResponse in the vendor's own format, so a shop owner connects a
// Jambonz application or a Twilio number with configuration only.

// maxAdapterBody is the largest vendor webhook body. Jambonz's call hook
// carries details of the SIP INVITE, so it may be larger than a
// /voice/turn body.
const maxAdapterBody = 64 << 10

// AdapterOptions configure the native telephony adapters, JambonzHandler
// and TwilioHandler. The zero value works behind no proxy and with Jambonz
// only (Twilio needs an auth token per bot).
type AdapterOptions struct {
	// PublicURL is the scheme://host[:port][/prefix] that, followed by the
	// request path the server sees, gives the URL Jambonz or Twilio called.
	// Twilio signs that URL, and both adapters build their callback URLs
	// from it. Empty: the request's own scheme and Host (the last
	// X-Forwarded-Proto and X-Forwarded-Host when Options.TrustProxy is
	// set).
	PublicURL string
	// Bots holds the vendor settings per bot id. A bot missing here has
	// the zero AdapterBot.
	Bots map[string]AdapterBot
}

// AdapterBot is one bot's vendor settings. Jambonz authenticates with the
// bot's voice token (BotOptions.VoiceToken) as the webhook password, and
// optionally with its account's webhook signature.
type AdapterBot struct {
	// JambonzSecret is the webhook secret of the Jambonz account. When set,
	// every Jambonz request must also carry a valid Jambonz-Signature
	// (HMAC-SHA256 of the timestamp and the body, at most 5 minutes old),
	// and the Jambonz endpoint is on even without a voice token.
	JambonzSecret string

	// TwilioAuthToken is the auth token of the Twilio account whose number
	// calls this bot; every request must carry a valid X-Twilio-Signature
	// made with it. Empty turns /voice/twilio/{bot} off (404), except in
	// demo mode, where unsigned requests are accepted.
	TwilioAuthToken string
}

// adapterFault is a refused or failed turn before it is rendered in a
// vendor's format.
type adapterFault struct {
	status  int    // the HTTP status /voice/turn would answer
	code    string // as in /voice/turn error bodies
	message string // for the adapter's operator; never personal data
	say     string // what the caller may still hear; "" for nothing
	retry   bool   // the call goes on: the caller may say it again
}

// errorBody is the JSON body of an adapter's HTTP error.
func (f *adapterFault) errorBody(call string) voiceError {
	return voiceError{Session: call, Error: voiceErrorBody{Code: f.code, Message: f.message}, Say: f.say}
}

// adapterTurn runs one translated vendor event through the Handler the way
// handleVoice runs a /voice/turn request: same validation, per-call rate
// limit, shutdown accounting and error mapping. It returns the generic
// voice response and the language of the conversation ("cs" or "en").
func (s *Server) adapterTurn(r *http.Request, botID string, v voiceRequest, vendor string) (voiceResponse, string, *adapterFault) {
	lang := voiceLang(v.Lang)
	if lang == "" {
		lang = s.botLang(botID)
	}
	breq, problem := voiceToRequest(v)
	if problem != "" {
		// Only a request that is not really from the vendor gets here.
		return voiceResponse{}, lang, &adapterFault{status: http.StatusBadRequest, code: "bad_request", message: problem}
	}
	breq.Bot = botID
	breq.Lang = voiceLang(v.Lang)
	breq.Client = s.clientAddr(r)
	if !s.voice.allow(botID+"\x00"+v.Call, s.opts.Now()) {
		return voiceResponse{}, lang, &adapterFault{status: http.StatusTooManyRequests, code: bot.CodeRateLimited, message: "too many requests for this call", say: text(lang, "say_rate"), retry: true}
	}
	if !s.begin() {
		return voiceResponse{}, lang, &adapterFault{status: http.StatusServiceUnavailable, code: bot.CodeUnavailable, message: "server is shutting down", say: text(lang, "say_down")}
	}
	defer s.wg.Done()
	reply, err := s.handleRecovered(breq)
	if err != nil {
		if breq.Kind == bot.KindHangup {
			// Nobody is listening any more: nothing to apologise for.
			s.log.Debug(vendor+" hangup not recorded", "channel", "phone", "session_id", v.Call, "err", err)
			return voiceResponse{Session: v.Call, Action: "hangup"}, lang, nil
		}
		return voiceResponse{}, lang, s.adapterError(v.Call, lang, err, vendor)
	}
	if reply.Lang == "cs" || reply.Lang == "en" {
		lang = reply.Lang
	}
	resp := voiceReply(v.Call, reply)
	s.log.Debug(vendor+" turn", "channel", "phone", "session_id", v.Call, "action", resp.Action)
	return resp, lang, nil
}

// handleRecovered runs one turn and turns a panic in it into an error
// carrying the stack, so the caller hears an apology rather than silence
// (a dropped webhook ends a Jambonz call and makes Twilio play its own
// error message).
func (s *Server) handleRecovered(breq bot.Request) (rep bot.Reply, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("turn panicked: %v\n%s", p, debug.Stack())
		}
	}()
	return s.opts.Handler.Handle(s.hardCtx, breq)
}

// adapterError maps a Handler error like voiceHandleError does, logging
// internal errors once.
func (s *Server) adapterError(call, lang string, err error, vendor string) *adapterFault {
	be, ok := isBotError(err)
	if !ok {
		s.log.Error(vendor+" turn failed", "channel", "phone", "session_id", call, "err", err)
		return &adapterFault{status: http.StatusInternalServerError, code: bot.CodeInternal, message: "internal error", say: text(lang, "say_bad"), retry: true}
	}
	s.log.Debug(vendor+" turn refused", "channel", "phone", "session_id", call, "status", be.Code)
	f := &adapterFault{status: http.StatusInternalServerError, code: be.Code, message: be.Message, say: text(lang, "say_bad")}
	switch be.Code {
	case bot.CodeBadFrame:
		f.status, f.retry = http.StatusBadRequest, true
	case bot.CodeUnknownBot:
		f.status, f.say = http.StatusNotFound, ""
	case bot.CodeRateLimited:
		f.status, f.say = http.StatusTooManyRequests, text(lang, "say_rate")
	case bot.CodeLocked:
		f.status, f.say = http.StatusTooManyRequests, text(lang, "say_rate")
	case bot.CodeUnavailable:
		f.status, f.say = http.StatusServiceUnavailable, text(lang, "say_down")
	case bot.CodeExpired:
		f.status = http.StatusGone
	default:
		f.retry = true
	}
	if be.Message != "" && f.say != "" {
		f.say = be.Message
	}
	if f.message == "" {
		f.message = http.StatusText(f.status)
	}
	return f
}

// callbackURL is the absolute URL of the endpoint r reached, for the
// vendor to call back, with query (may be "").
func (o AdapterOptions) callbackURL(r *http.Request, trustProxy bool, query string) string {
	base := strings.TrimSuffix(o.PublicURL, "/")
	if base == "" {
		scheme, host := "http", r.Host
		if r.TLS != nil {
			scheme = "https"
		}
		if trustProxy {
			if p := lastHeader(r, "X-Forwarded-Proto"); p == "http" || p == "https" {
				scheme = p
			}
			if h := lastHeader(r, "X-Forwarded-Host"); h != "" {
				host = h
			}
		}
		base = scheme + "://" + host
	}
	u := base + r.URL.EscapedPath()
	if query != "" {
		u += "?" + query
	}
	return u
}

// lastHeader is the last comma-separated value of header name: the one the
// nearest proxy set.
func lastHeader(r *http.Request, name string) string {
	vals := r.Header.Values(name)
	if len(vals) == 0 {
		return ""
	}
	parts := strings.Split(vals[len(vals)-1], ",")
	return strings.TrimSpace(parts[len(parts)-1])
}

// adapterCaller is the caller's number for the bot, or "" when the vendor
// sent something that cannot be one (a long SIP URI, "anonymous").
func adapterCaller(from string) string {
	from = strings.TrimSpace(from)
	if len(from) > maxCallerLen || strings.Trim(from, "+0123456789 -()") != "" {
		return ""
	}
	return from
}

// recognizerLang is the recogniser and synthesiser language tag for lang.
func recognizerLang(lang string) string {
	if lang == "en" {
		return "en-US"
	}
	return "cs-CZ"
}

// speechHints are phrases a recogniser should expect for each expected
// input: what the default scenario asks callers to say.
var speechHints = map[string]map[string][]string{
	"cs": {
		"order_number": {"číslo objednávky", "nula", "jedna", "dva", "tři", "čtyři", "pět", "šest", "sedm", "osm", "devět"},
		"number":       {"nula", "jedna", "dva", "tři", "čtyři", "pět", "šest", "sedm", "osm", "devět"},
		"phone":        {"plus", "nula", "jedna", "dva", "tři", "čtyři", "pět", "šest", "sedm", "osm", "devět"},
		"email":        {"zavináč", "tečka", "pomlčka", "podtržítko", "gmail", "seznam", "email", "centrum", "cé zet", "kom"},
		"yes_no":       {"ano", "ne", "jo", "ne děkuji"},
		"":             {"stav objednávky", "balík", "faktura", "zrušení", "moje objednávky", "operátor", "to je vše"},
	},
	"en": {
		"order_number": {"order number", "zero", "oh", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"},
		"number":       {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"},
		"phone":        {"plus", "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"},
		"email":        {"at", "dot", "dash", "underscore", "gmail", "outlook", "com"},
		"yes_no":       {"yes", "no", "yeah", "no thanks"},
		"":             {"order status", "parcel", "invoice", "cancel", "my orders", "operator", "that's all"},
	},
}

// hintsFor returns the recogniser hints for the expected input in lang.
// Free text ("text") and menus ("") get the menu words.
func hintsFor(lang, hint string) []string {
	if lang != "en" {
		lang = "cs"
	}
	if h, ok := speechHints[lang][hint]; ok {
		return h
	}
	return speechHints[lang][""]
}

// timeoutSeconds converts the expected input's timeout to whole seconds,
// rounding up; 0 ms means the default of 8 s.
func timeoutSeconds(ms int) int {
	if ms <= 0 {
		return 8
	}
	return (ms + 999) / 1000
}

// Jambonz statuses after which the call is over.
var jambonzEnded = map[string]bool{"completed": true, "failed": true, "busy": true, "no-answer": true, "canceled": true}

// jambonzHook is the part of a Jambonz webhook body the adapter reads:
// the call hook, a gather actionHook (reason, speech, digits) and the call
// status hook share it.
type jambonzHook struct {
	CallSID    string         `json:"call_sid"`
	Direction  string         `json:"direction"`
	From       string         `json:"from"`
	To         string         `json:"to"`
	CallStatus string         `json:"call_status"`
	Reason     string         `json:"reason"`
	Digits     string         `json:"digits"`
	Speech     *jambonzSpeech `json:"speech"`
	Details    any            `json:"details"`
}

// jambonzSpeech is a recognition result, either flat (alternatives) or
// nested (transcripts[].alternatives).
type jambonzSpeech struct {
	LanguageCode string              `json:"language_code"`
	Alternatives []jambonzAlt        `json:"alternatives"`
	Transcripts  []jambonzTranscript `json:"transcripts"`
}

type jambonzTranscript struct {
	LanguageCode string       `json:"language_code"`
	Alternatives []jambonzAlt `json:"alternatives"`
}

type jambonzAlt struct {
	Transcript string  `json:"transcript"`
	Confidence float64 `json:"confidence"`
}

// Jambonz verbs the adapter answers with.
type jambonzSay struct {
	Verb string `json:"verb,omitempty"`
	Text string `json:"text"`
}

type jambonzRecognizer struct {
	Vendor   string   `json:"vendor"`
	Language string   `json:"language"`
	Hints    []string `json:"hints,omitempty"`
}

type jambonzGather struct {
	Verb              string            `json:"verb"`
	ActionHook        string            `json:"actionHook"`
	Input             []string          `json:"input"`
	Timeout           int               `json:"timeout"`
	FinishOnKey       string            `json:"finishOnKey,omitempty"`
	MinDigits         int               `json:"minDigits,omitempty"`
	MaxDigits         int               `json:"maxDigits,omitempty"`
	InterDigitTimeout int               `json:"interDigitTimeout,omitempty"`
	Bargein           bool              `json:"bargein"`
	DTMFBargein       bool              `json:"dtmfBargein,omitempty"`
	Recognizer        jambonzRecognizer `json:"recognizer"`
	Say               *jambonzSay       `json:"say,omitempty"`
}

type jambonzTarget struct {
	Type   string `json:"type"`
	Number string `json:"number"`
}

type jambonzDial struct {
	Verb   string          `json:"verb"`
	Target []jambonzTarget `json:"target"`
}

type jambonzHangup struct {
	Verb string `json:"verb"`
}

// jambonzInterDigit is the pause (seconds) after which typed digits are
// sent without the closing #.
const jambonzInterDigit = 5

// JambonzHandler returns the handler of POST /voice/jambonz/{bot}: the
// webhook of a Jambonz application. Point the application's call hook and
// its call status hook (with ?hook=status) at it; the gather verbs it
// answers with send their actionHook back to the same URL. The handler
// reads the bot id from the {bot} path value, so mount it with a pattern
// that has one.
//
// Authentication: HTTP Basic with the bot's voice token as the password
// (the user name is not checked), or "Authorization: Bearer TOKEN"; and,
// when the bot has an AdapterBot.JambonzSecret, a valid Jambonz-Signature.
// Failing either gets 401. A bot with neither a voice token nor a secret
// answers 404 unless the server runs in demo mode.
//
// A call hook starts the conversation (the call id is the session id); a
// gather actionHook is speech ("speechDetected", every alternative
// passed on), DTMF ("dtmfDetected"), or silence ("timeout", "error"); a
// status of completed, failed, busy, no-answer or canceled is the hangup.
// The answer is a JSON array of verbs: a gather that says the bot's turn
// and listens, say + hangup, or say + dial for a transfer. A turn the bot
// refuses is answered with an apology (say, then gather or hangup) so the
// caller is never left in silence; a request that is not from Jambonz
// (bad auth, malformed body) gets an HTTP error with a JSON body.
func (s *Server) JambonzHandler(opts AdapterOptions) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.serveJambonz(w, r, opts)
	})
}

func (s *Server) serveJambonz(w http.ResponseWriter, r *http.Request, opts AdapterOptions) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		s.adapterFail(w, &adapterFault{status: http.StatusMethodNotAllowed, code: "method_not_allowed", message: "use POST"}, "")
		return
	}
	botID := r.PathValue("bot")
	bopts, ok := s.botOptions(botID)
	if !ok {
		s.adapterFail(w, &adapterFault{status: http.StatusNotFound, code: "unknown_bot", message: "unknown bot"}, "")
		return
	}
	secret := opts.Bots[botID].JambonzSecret
	if bopts.VoiceToken == "" && secret == "" && !s.opts.DemoMode {
		s.adapterFail(w, &adapterFault{status: http.StatusNotFound, code: "not_found", message: "the voice endpoint is not enabled for this bot"}, "")
		return
	}
	if !s.jambonzAuthorized(r, bopts) {
		w.Header().Set("WWW-Authenticate", `Basic realm="samoobsluha", charset="UTF-8"`)
		s.adapterFail(w, &adapterFault{status: http.StatusUnauthorized, code: "unauthorized", message: "missing or wrong credentials: use the bot's voice token as the webhook password"}, "")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxAdapterBody))
	if err != nil {
		s.adapterFail(w, &adapterFault{status: http.StatusBadRequest, code: "bad_request", message: "the body is too large or could not be read"}, "")
		return
	}
	if secret != "" && !jambonzSignatureValid(secret, r.Header.Get("Jambonz-Signature"), body, s.opts.Now()) {
		s.adapterFail(w, &adapterFault{status: http.StatusUnauthorized, code: "unauthorized", message: "missing, wrong or stale Jambonz-Signature (check the account's webhook secret and the server clock)"}, "")
		return
	}
	lang := s.botLang(botID)
	var hook jambonzHook
	dec := json.NewDecoder(bytes.NewReader(body))
	err = dec.Decode(&hook)
	if err == nil && dec.More() {
		err = errors.New("trailing data after the JSON object")
	}
	if err != nil {
		s.adapterFail(w, &adapterFault{status: http.StatusBadRequest, code: "bad_request", message: "the body must be one Jambonz webhook JSON object: " + jsonProblem(err)}, "")
		return
	}
	if hook.CallSID == "" {
		s.adapterFail(w, &adapterFault{status: http.StatusBadRequest, code: "bad_request", message: `missing field "call_sid"`}, "")
		return
	}
	statusHook := r.URL.Query().Get("hook") == "status"
	v, problem := jambonzToVoice(hook, statusHook)
	if problem != "" {
		s.adapterFail(w, &adapterFault{status: http.StatusBadRequest, code: "bad_request", message: problem}, hook.CallSID)
		return
	}
	if v.Event == "" {
		// A status change that is not the end of the call: nothing to do.
		s.opts.Metrics.voice(http.StatusNoContent)
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if hook.Reason == "error" {
		s.log.Warn("jambonz recogniser failed; treating it as silence", "channel", "phone", "session_id", hook.CallSID)
	}
	v.Bot = botID
	resp, lang2, fault := s.adapterTurn(r, botID, v, "jambonz")
	if lang2 != "" {
		lang = lang2
	}
	hookURL := opts.callbackURL(r, s.opts.TrustProxy, "")
	if fault != nil {
		if fault.say == "" {
			s.adapterFail(w, fault, hook.CallSID)
			return
		}
		// Jambonz ends the call on a non-2xx answer: say sorry instead.
		s.opts.Metrics.voice(fault.status)
		writeJSON(w, http.StatusOK, jambonzFault(fault, hookURL, lang))
		return
	}
	s.opts.Metrics.voice(http.StatusOK)
	if v.Event == eventHangup {
		writeJSON(w, http.StatusOK, []any{})
		return
	}
	writeJSON(w, http.StatusOK, jambonzVerbs(resp, hookURL, lang))
}

// jambonzAuthorized accepts Basic auth whose password is the bot's voice
// token, or the token as a bearer token, comparing in constant time. A
// bot without a token needs none (the caller has checked that it has a
// webhook secret or runs in demo mode).
func (s *Server) jambonzAuthorized(r *http.Request, opts BotOptions) bool {
	if opts.VoiceToken == "" {
		return true
	}
	if _, pass, ok := r.BasicAuth(); ok {
		return subtle.ConstantTimeCompare([]byte(pass), []byte(opts.VoiceToken)) == 1
	}
	return s.voiceAuthorized(r, opts)
}

// jambonzSignatureMaxAge is how far a Jambonz-Signature timestamp may be
// from the server's clock: older requests are refused as replays.
const jambonzSignatureMaxAge = 5 * time.Minute

// jambonzSignatureValid checks a Jambonz-Signature header,
// "t=UNIX,v1=HEX[,v1=HEX]": HEX is the hex HMAC-SHA256, keyed with the
// account's webhook secret, of "UNIX." followed by the body, and UNIX must
// be within jambonzSignatureMaxAge of now. Comparison is constant-time.
func jambonzSignatureValid(secret, header string, body []byte, now time.Time) bool {
	var ts string
	var sigs []string
	for _, part := range strings.Split(header, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			continue
		}
		switch k {
		case "t":
			ts = v
		case "v1":
			sigs = append(sigs, v)
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || len(sigs) == 0 {
		return false
	}
	if d := now.Sub(time.Unix(sec, 0)); d > jambonzSignatureMaxAge || d < -jambonzSignatureMaxAge {
		return false
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "."))
	mac.Write(body)
	want := []byte(hex.EncodeToString(mac.Sum(nil)))
	ok := false
	for _, sig := range sigs {
		if subtle.ConstantTimeCompare([]byte(strings.ToLower(sig)), want) == 1 {
			ok = true
		}
	}
	return ok
}

// jambonzToVoice translates a Jambonz webhook into a /voice/turn request.
// An empty Event means the webhook needs no turn (a call status change
// that does not end the call); a non-empty problem refuses the webhook.
func jambonzToVoice(h jambonzHook, statusHook bool) (voiceRequest, string) {
	v := voiceRequest{Call: h.CallSID, From: adapterCaller(h.From), To: h.To}
	switch {
	case h.Reason != "":
		switch h.Reason {
		case "speechDetected":
			v.Event = eventSpeech
			if h.Speech == nil {
				return v, `reason "speechDetected" without "speech"`
			}
			v.Text, v.Confidence, v.Alternatives = h.Speech.best()
			v.Lang = h.Speech.LanguageCode
		case "dtmfDetected":
			v.Event, v.Digits = eventDTMF, strings.TrimSuffix(h.Digits, "#")
			if v.Digits == "" {
				v.Event = eventNoInput
			}
		case "timeout", "error":
			v.Event = eventNoInput
		default:
			return v, `unknown gather reason; expected speechDetected, dtmfDetected, timeout or error`
		}
	case jambonzEnded[h.CallStatus]:
		v.Event = eventHangup
	case statusHook:
		// trying, ringing, early-media, in-progress: not a turn.
	default:
		v.Event = eventStart
	}
	return v, ""
}

// best returns the most likely transcript, its confidence and the other
// alternatives (at most 9, as /voice/turn takes 10 in all). Several
// nested transcripts (continuous recognition) are consecutive pieces of
// one utterance: their best readings are joined.
func (sp *jambonzSpeech) best() (string, float64, []string) {
	alts := sp.Alternatives
	if len(alts) == 0 {
		switch len(sp.Transcripts) {
		case 0:
		case 1:
			alts = sp.Transcripts[0].Alternatives
			if sp.LanguageCode == "" {
				sp.LanguageCode = sp.Transcripts[0].LanguageCode
			}
		default:
			var parts []string
			var conf float64
			for _, t := range sp.Transcripts {
				if len(t.Alternatives) > 0 && strings.TrimSpace(t.Alternatives[0].Transcript) != "" {
					parts = append(parts, strings.TrimSpace(t.Alternatives[0].Transcript))
					conf += t.Alternatives[0].Confidence
				}
			}
			if len(parts) > 0 {
				conf /= float64(len(parts))
			}
			return clipRunes(strings.Join(parts, " "), maxTextRunes), conf, nil
		}
	}
	var text string
	var conf float64
	var rest []string
	for _, a := range alts {
		t := clipRunes(strings.TrimSpace(a.Transcript), maxTextRunes)
		if t == "" {
			continue
		}
		if text == "" {
			text, conf = t, a.Confidence
			continue
		}
		if len(rest) < 9 && t != text {
			rest = append(rest, t)
		}
	}
	return text, conf, rest
}

// clipRunes shortens s to at most n runes: a caller's monologue longer
// than /voice/turn accepts is cut, not refused, so the call goes on.
func clipRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// jambonzVerbs renders a voice response as Jambonz verbs.
func jambonzVerbs(resp voiceResponse, hookURL, lang string) []any {
	say := resp.SSML
	if say == "" {
		say = resp.Say
	}
	var verbs []any
	switch resp.Action {
	case "hangup":
		if say != "" {
			verbs = append(verbs, jambonzSay{Verb: "say", Text: say})
		}
		return append(verbs, jambonzHangup{Verb: "hangup"})
	case "transfer":
		if say != "" {
			verbs = append(verbs, jambonzSay{Verb: "say", Text: say})
		}
		if resp.TransferTo == "" {
			return append(verbs, jambonzHangup{Verb: "hangup"})
		}
		return append(verbs,
			jambonzDial{Verb: "dial", Target: []jambonzTarget{{Type: "phone", Number: resp.TransferTo}}},
			jambonzHangup{Verb: "hangup"})
	}
	exp := voiceExpect{Input: "speech"}
	if resp.Expect != nil {
		exp = *resp.Expect
	}
	return []any{jambonzGatherVerb(exp, say, hookURL, lang)}
}

func jambonzGatherVerb(exp voiceExpect, say, hookURL, lang string) jambonzGather {
	g := jambonzGather{
		Verb:       "gather",
		ActionHook: hookURL,
		Input:      []string{"speech"},
		Timeout:    timeoutSeconds(exp.TimeoutMS),
		Bargein:    true,
		Recognizer: jambonzRecognizer{Vendor: "default", Language: recognizerLang(lang), Hints: hintsFor(lang, exp.Hint)},
	}
	switch exp.Input {
	case "speech_dtmf":
		g.Input = []string{"speech", "digits"}
	case "dtmf":
		g.Input = []string{"digits"}
	}
	if len(g.Input) > 1 || g.Input[0] == "digits" {
		g.FinishOnKey, g.DTMFBargein = "#", true
		g.MinDigits, g.MaxDigits, g.InterDigitTimeout = 1, exp.MaxDigits, jambonzInterDigit
	}
	if say != "" {
		g.Say = &jambonzSay{Text: say}
	}
	return g
}

// jambonzFault renders a refused turn: the apology, then listening again
// when the caller may simply repeat, or the end of the call.
func jambonzFault(f *adapterFault, hookURL, lang string) []any {
	if f.retry {
		return []any{jambonzGatherVerb(voiceExpect{Input: "speech_dtmf", MaxDigits: 32}, f.say, hookURL, lang)}
	}
	return []any{jambonzSay{Verb: "say", Text: f.say}, jambonzHangup{Verb: "hangup"}}
}

// adapterFail answers a request the adapter refuses with an HTTP error and
// the /voice/turn error body.
func (s *Server) adapterFail(w http.ResponseWriter, f *adapterFault, call string) {
	s.opts.Metrics.voice(f.status)
	if f.message == "" {
		f.message = http.StatusText(f.status)
	}
	writeJSON(w, f.status, f.errorBody(call))
}
