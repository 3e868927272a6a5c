package web

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"encoding/xml"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// Twilio call statuses after which the call is over.
var twilioEnded = map[string]bool{"completed": true, "busy": true, "failed": true, "no-answer": true, "canceled": true}

// Values of the event query parameter on the URLs the adapter hands to
// Twilio (and that the shop owner uses for the status callback).
const (
	twilioEventGather  = "gather"
	twilioEventNoInput = "no_input"
	twilioEventStatus  = "status"
)

// TwiML verbs the adapter answers with.
type twimlResponse struct {
	XMLName xml.Name `xml:"Response"`
	Verbs   []any
}

type twimlSay struct {
	XMLName  xml.Name `xml:"Say"`
	Language string   `xml:"language,attr,omitempty"`
	Text     string   `xml:",chardata"`
}

type twimlGather struct {
	XMLName       xml.Name  `xml:"Gather"`
	Input         string    `xml:"input,attr"`
	Action        string    `xml:"action,attr"`
	Method        string    `xml:"method,attr"`
	Language      string    `xml:"language,attr"`
	SpeechTimeout string    `xml:"speechTimeout,attr"`
	Timeout       int       `xml:"timeout,attr"`
	FinishOnKey   string    `xml:"finishOnKey,attr,omitempty"`
	Hints         string    `xml:"hints,attr,omitempty"`
	Say           *twimlSay `xml:",omitempty"`
}

type twimlRedirect struct {
	XMLName xml.Name `xml:"Redirect"`
	Method  string   `xml:"method,attr"`
	URL     string   `xml:",chardata"`
}

type twimlDial struct {
	XMLName xml.Name `xml:"Dial"`
	Number  string   `xml:",chardata"`
}

type twimlHangup struct {
	XMLName xml.Name `xml:"Hangup"`
}

// TwilioHandler returns the handler of POST /voice/twilio/{bot}: the voice
// webhook of a Twilio phone number (and, with ?event=status, its call
// status callback). It reads the bot id from the {bot} path value, so
// mount it with a pattern that has one.
//
// Every request must carry an X-Twilio-Signature made with the bot's
// AdapterBot.TwilioAuthToken over the URL Twilio called (see
// AdapterOptions.PublicURL) and the POST parameters; a missing or wrong
// signature gets 403. A bot without a Twilio auth token answers 404
// unless the server runs in demo mode, which accepts unsigned requests.
//
// The first request of a call starts the conversation (CallSid is the
// session id, From the caller). The answer is TwiML: a <Gather> that says
// the bot's turn (plain text in the conversation's language) and posts
// SpeechResult/Confidence or Digits back with ?event=gather, followed by a
// <Redirect> with ?event=no_input for silence; or <Say> + <Hangup/>, or
// <Say> + <Dial> for a transfer. A status of completed, busy, failed,
// no-answer or canceled is the hangup. A turn the bot refuses is answered
// with an apology, never silence; a request that is not from Twilio gets
// an HTTP error with a JSON body.
func (s *Server) TwilioHandler(opts AdapterOptions) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.serveTwilio(w, r, opts)
	})
}

func (s *Server) serveTwilio(w http.ResponseWriter, r *http.Request, opts AdapterOptions) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		s.adapterFail(w, &adapterFault{status: http.StatusMethodNotAllowed, code: "method_not_allowed", message: "use POST"}, "")
		return
	}
	botID := r.PathValue("bot")
	if _, ok := s.botOptions(botID); !ok {
		s.adapterFail(w, &adapterFault{status: http.StatusNotFound, code: "unknown_bot", message: "unknown bot"}, "")
		return
	}
	token := opts.Bots[botID].TwilioAuthToken
	if token == "" && !s.opts.DemoMode {
		s.adapterFail(w, &adapterFault{status: http.StatusNotFound, code: "not_found", message: "the Twilio endpoint is not enabled for this bot"}, "")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxAdapterBody)
	if err := r.ParseForm(); err != nil {
		s.adapterFail(w, &adapterFault{status: http.StatusBadRequest, code: "bad_request", message: "the body must be a Twilio webhook form (application/x-www-form-urlencoded)"}, "")
		return
	}
	if token != "" {
		signed := opts.callbackURL(r, s.opts.TrustProxy, r.URL.RawQuery)
		if !twilioSignatureValid(token, signed, r.PostForm, r.Header.Get("X-Twilio-Signature")) {
			s.adapterFail(w, &adapterFault{status: http.StatusForbidden, code: "forbidden", message: "missing or wrong X-Twilio-Signature (check the bot's Twilio auth token and the public URL)"}, "")
			return
		}
	}
	v, problem := twilioToVoice(r.PostForm, r.URL.Query().Get("event"))
	if problem != "" {
		s.adapterFail(w, &adapterFault{status: http.StatusBadRequest, code: "bad_request", message: problem}, v.Call)
		return
	}
	if v.Event == "" {
		// A status callback that is not the end of the call.
		s.opts.Metrics.voice(http.StatusNoContent)
		w.WriteHeader(http.StatusNoContent)
		return
	}
	v.Bot = botID
	resp, lang, fault := s.adapterTurn(r, botID, v, "twilio")
	gatherURL := opts.callbackURL(r, s.opts.TrustProxy, "event="+twilioEventGather)
	silenceURL := opts.callbackURL(r, s.opts.TrustProxy, "event="+twilioEventNoInput)
	if fault != nil {
		if fault.say == "" {
			s.adapterFail(w, fault, v.Call)
			return
		}
		// Twilio plays its own error message on a non-2xx answer: say
		// sorry in the caller's language instead.
		s.opts.Metrics.voice(fault.status)
		writeTwiML(w, twilioFault(fault, gatherURL, silenceURL, lang))
		return
	}
	s.opts.Metrics.voice(http.StatusOK)
	if v.Event == eventHangup {
		writeTwiML(w, twimlResponse{})
		return
	}
	writeTwiML(w, twilioVerbs(resp, gatherURL, silenceURL, lang))
}

// twilioToVoice translates a Twilio webhook into a /voice/turn request.
// An empty Event means no turn is needed (a status callback that does not
// end the call); a non-empty problem refuses the webhook.
func twilioToVoice(form url.Values, event string) (voiceRequest, string) {
	v := voiceRequest{
		Call: strings.TrimSpace(form.Get("CallSid")),
		From: adapterCaller(form.Get("From")),
		To:   strings.TrimSpace(form.Get("To")),
	}
	if v.Call == "" {
		return v, `missing parameter "CallSid"`
	}
	status := strings.TrimSpace(form.Get("CallStatus"))
	switch event {
	case "", twilioEventStatus:
		switch {
		case twilioEnded[status]:
			v.Event = eventHangup
		case event == "":
			v.Event = eventStart
		}
	case twilioEventGather:
		speech := strings.TrimSpace(form.Get("SpeechResult"))
		digits := strings.TrimSuffix(strings.TrimSpace(form.Get("Digits")), "#")
		switch {
		case twilioEnded[status]:
			v.Event = eventHangup
		case digits != "":
			v.Event, v.Digits = eventDTMF, digits
		case speech != "":
			v.Event, v.Text = eventSpeech, clipRunes(speech, maxTextRunes)
			if c, err := strconv.ParseFloat(strings.TrimSpace(form.Get("Confidence")), 64); err == nil && c >= 0 && c <= 1 {
				v.Confidence = c
			}
		default:
			v.Event = eventNoInput
		}
	case twilioEventNoInput:
		v.Event = eventNoInput
		if twilioEnded[status] {
			v.Event = eventHangup
		}
	default:
		return v, `unknown event; the adapter's URLs use event=gather, no_input or status`
	}
	return v, ""
}

// twilioSignatureValid checks an X-Twilio-Signature: the base64 HMAC-SHA1,
// keyed with the auth token, of the full URL followed by every POST
// parameter's name and value, sorted. Like Twilio's own validators it
// accepts the URL with and without its default port, and compares in
// constant time.
func twilioSignatureValid(token, rawURL string, form url.Values, signature string) bool {
	if signature == "" {
		return false
	}
	got := []byte(signature)
	ok := false
	for _, u := range urlPortVariants(rawURL) {
		want := []byte(twilioSignature(token, u, form))
		if subtle.ConstantTimeCompare(got, want) == 1 {
			ok = true
		}
	}
	return ok
}

// twilioSignature computes the signature Twilio sends for a request to
// rawURL with the POST parameters form.
func twilioSignature(token, rawURL string, form url.Values) string {
	pairs := make([]string, 0, len(form))
	for k, vs := range form {
		for _, v := range vs {
			pairs = append(pairs, k+v)
		}
	}
	sort.Strings(pairs)
	mac := hmac.New(sha1.New, []byte(token))
	mac.Write([]byte(rawURL))
	for _, p := range pairs {
		mac.Write([]byte(p))
	}
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// urlPortVariants returns rawURL as given and with its default port added
// or removed: Twilio signs whichever form it dialled.
func urlPortVariants(rawURL string) []string {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		return []string{rawURL}
	}
	def := map[string]string{"http": "80", "https": "443"}[u.Scheme]
	if def == "" {
		return []string{rawURL}
	}
	alt := *u
	if u.Port() == "" {
		alt.Host = net.JoinHostPort(u.Hostname(), def)
	} else if u.Port() == def {
		alt.Host = u.Hostname()
		if strings.Contains(alt.Host, ":") {
			alt.Host = "[" + alt.Host + "]"
		}
	} else {
		return []string{rawURL}
	}
	return []string{rawURL, alt.String()}
}

// twilioVerbs renders a voice response as TwiML. Twilio's <Say> gets the
// plain text: its SSML support depends on the voice the shop owner picks.
func twilioVerbs(resp voiceResponse, gatherURL, silenceURL, lang string) twimlResponse {
	tag := recognizerLang(lang)
	var say *twimlSay
	if strings.TrimSpace(resp.Say) != "" {
		say = &twimlSay{Language: tag, Text: resp.Say}
	}
	var out twimlResponse
	switch resp.Action {
	case "hangup", "transfer":
		if say != nil {
			out.Verbs = append(out.Verbs, *say)
		}
		if resp.Action == "transfer" && resp.TransferTo != "" {
			out.Verbs = append(out.Verbs, twimlDial{Number: resp.TransferTo})
		}
		out.Verbs = append(out.Verbs, twimlHangup{})
		return out
	}
	exp := voiceExpect{Input: "speech"}
	if resp.Expect != nil {
		exp = *resp.Expect
	}
	out.Verbs = []any{twilioGather(exp, say, gatherURL, lang), twimlRedirect{Method: http.MethodPost, URL: silenceURL}}
	return out
}

func twilioGather(exp voiceExpect, say *twimlSay, gatherURL, lang string) twimlGather {
	g := twimlGather{
		Input:         "speech",
		Action:        gatherURL,
		Method:        http.MethodPost,
		Language:      recognizerLang(lang),
		SpeechTimeout: "auto",
		Timeout:       timeoutSeconds(exp.TimeoutMS),
		Hints:         strings.Join(hintsFor(lang, exp.Hint), ", "),
		Say:           say,
	}
	switch exp.Input {
	case "speech_dtmf":
		g.Input, g.FinishOnKey = "speech dtmf", "#"
	case "dtmf":
		g.Input, g.FinishOnKey = "dtmf", "#"
	}
	return g
}

// twilioFault renders a refused turn: the apology, then listening again
// when the caller may simply repeat, or the end of the call.
func twilioFault(f *adapterFault, gatherURL, silenceURL, lang string) twimlResponse {
	say := &twimlSay{Language: recognizerLang(lang), Text: f.say}
	if f.retry {
		g := twilioGather(voiceExpect{Input: "speech_dtmf"}, say, gatherURL, lang)
		return twimlResponse{Verbs: []any{g, twimlRedirect{Method: http.MethodPost, URL: silenceURL}}}
	}
	return twimlResponse{Verbs: []any{*say, twimlHangup{}}}
}

// writeTwiML writes a 200 TwiML document.
func writeTwiML(w http.ResponseWriter, doc twimlResponse) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	if err := xml.NewEncoder(&buf).Encode(doc); err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	buf.WriteByte('\n')
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
}
