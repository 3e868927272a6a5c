package web_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/samoobsluha/samoobsluha/bot"
	"github.com/samoobsluha/samoobsluha/web"
)

const (
	adapterVoiceToken  = "jambonz-voice-token"
	adapterTwilioToken = "twilio-auth-token-123"
	adapterTransferTo  = "+420222333444"
)

// transferBot is the fake bot plus a transfer: any text with "operátor"
// hands the call over to adapterTransferTo.
type transferBot struct{ *fakeBot }

func (b transferBot) Handle(ctx context.Context, req bot.Request) (bot.Reply, error) {
	rep, err := b.fakeBot.Handle(ctx, req)
	if err != nil || req.Kind != bot.KindText || !strings.Contains(req.Text, "operátor") {
		return rep, err
	}
	rep.Messages = []bot.Message{{Text: "Přepojuji vás na kolegu."}}
	rep.End = "handover"
	rep.Voice = &bot.Voice{Say: "Přepojuji vás na kolegu.", SSML: "<speak>Přepojuji vás na kolegu.</speak>", Action: "transfer", TransferTo: adapterTransferTo}
	return rep, nil
}

// adapterServer is a Server with both adapters mounted the way the lead
// registers them, behind a real HTTP listener.
type adapterServer struct {
	srv  *web.Server
	http *httptest.Server
	bot  *fakeBot
}

// mustAdapterServer starts a Server with the fake bot and the adapters.
// Unless opts.Bots is set, bot "default" has the Jambonz voice token,
// "open" has none, and aopts gives "default" the Twilio auth token.
func mustAdapterServer(t *testing.T, opts web.Options, aopts web.AdapterOptions) *adapterServer {
	t.Helper()
	fb := newFakeBot()
	opts.Handler = transferBot{fb}
	if opts.Logger == nil {
		opts.Logger = testLogger(t)
	}
	if opts.Bots == nil {
		opts.Bots = map[string]web.BotOptions{
			"default": {VoiceToken: adapterVoiceToken},
			"english": {VoiceToken: adapterVoiceToken, Lang: "en"},
			"open":    {},
		}
	}
	if aopts.Bots == nil {
		aopts.Bots = map[string]web.AdapterBot{
			"default": {TwilioAuthToken: adapterTwilioToken},
			"english": {TwilioAuthToken: adapterTwilioToken},
		}
	}
	s := web.NewServer(opts)
	mux := http.NewServeMux()
	mux.Handle("/voice/jambonz/{bot}", s.JambonzHandler(aopts))
	mux.Handle("/voice/twilio/{bot}", s.TwilioHandler(aopts))
	mux.Handle("/", s)
	hs := httptest.NewServer(mux)
	t.Cleanup(func() {
		select {
		case <-fb.slowRelease:
		default:
			close(fb.slowRelease)
		}
		hs.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown() = %v, want nil", err)
		}
	})
	return &adapterServer{srv: s, http: hs, bot: fb}
}

// adapterAnswer is one HTTP answer of an adapter.
type adapterAnswer struct {
	status int
	header http.Header
	body   string
}

func mustPost(t *testing.T, req *http.Request) adapterAnswer {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read answer: %v", err)
	}
	if strings.Contains(string(b), "tajne-heslo") || strings.Contains(string(b), "$secret") {
		t.Errorf("answer leaks a $ variable: %s", b)
	}
	return adapterAnswer{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

// postJambonz posts a Jambonz webhook body to path with Basic auth
// (user "jambonz", password pass; no auth when pass is "").
func postJambonz(t *testing.T, as *adapterServer, path, pass, body string) adapterAnswer {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, as.http.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if pass != "" {
		req.SetBasicAuth("jambonz", pass)
	}
	return mustPost(t, req)
}

// mustJSON decodes s as any JSON value.
func mustJSON(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("decode JSON %q: %v", s, err)
	}
	return v
}

// wantVerbs checks a Jambonz answer: 200, JSON, and the verbs in want
// (JSON text; @HOOK@ stands for the actionHook URL).
func wantVerbs(t *testing.T, as *adapterServer, got adapterAnswer, want string) {
	t.Helper()
	if got.status != http.StatusOK {
		t.Fatalf("status = %d (%s), want 200", got.status, got.body)
	}
	if ct := got.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	want = strings.ReplaceAll(want, "@HOOK@", as.http.URL+"/voice/jambonz/default")
	if diff := cmp.Diff(mustJSON(t, want), mustJSON(t, got.body)); diff != "" {
		t.Errorf("verbs mismatch (-want +got):\n%s\nbody: %s", diff, got.body)
	}
}

const (
	hintsMenuCS  = `["stav objednávky","balík","faktura","zrušení","moje objednávky","operátor","to je vše"]`
	hintsOrderCS = `["číslo objednávky","nula","jedna","dva","tři","čtyři","pět","šest","sedm","osm","devět"]`
	greetingCS   = "Dobrý den! Jsem testovací asistent. S čím vám mohu pomoci?"

	// The apologies the server says itself.
	saySorryCS = "Omlouvám se, něco se pokazilo. Zkuste to prosím znovu."
	sayDownCS  = "Omlouvám se, systém je teď nedostupný. Zavolejte prosím později."
	sayDownEN  = "I am sorry, the system is not available right now. Please call again later."
)

func TestJambonzCall(t *testing.T) {
	as := mustAdapterServer(t, web.Options{}, web.AdapterOptions{})
	const path = "/voice/jambonz/default"
	call := func(extra string) string {
		return `{"call_sid":"b5e39996-bd2f-4bda-b928-355147186a2a","direction":"inbound","from":"+420601223344","to":"+420222333444",` +
			`"call_id":"7ade3efb","sip_status":200,"account_sid":"300be250","application_sid":"db7ba948","customerData":{},` + extra + `}`
	}
	menu := `[{"verb":"gather","actionHook":"@HOOK@","input":["speech"],"timeout":8,"bargein":true,
		"recognizer":{"vendor":"default","language":"cs-CZ","hints":` + hintsMenuCS + `},
		"say":{"text":"<speak>` + greetingCS + `</speak>"}}]`
	orderGather := func(said string) string {
		return `[{"verb":"gather","actionHook":"@HOOK@","input":["speech","digits"],"timeout":8,"bargein":true,
		"finishOnKey":"#","dtmfBargein":true,"minDigits":1,"maxDigits":12,"interDigitTimeout":5,
		"recognizer":{"vendor":"default","language":"cs-CZ","hints":` + hintsOrderCS + `},
		"say":{"text":"<speak>` + said + `</speak>"}}]`
	}
	steps := []struct {
		name, path, body, want string
	}{
		{"call hook starts", path, call(`"call_status":"trying","sip":{"headers":{"X-Foo":"bar"}}`), menu},
		{"speech with alternatives", path, call(`"call_status":"in-progress","reason":"speechDetected","speech":{"language_code":"cs-CZ","channel_tag":1,"is_final":true,` +
			`"alternatives":[{"transcript":"dva nula dva pět","confidence":0.82},{"transcript":"2025","confidence":0.4},{"transcript":""}]}`),
			orderGather("Echo: dva nula dva pět")},
		{"nested transcripts", path, call(`"call_status":"in-progress","reason":"speechDetected","speech":{"is_final":true,"transcripts":[{"is_final":true,"language_code":"cs-CZ",` +
			`"alternatives":[{"transcript":"jan zavináč seznam","confidence":0.91},{"transcript":"jan za vináč seznam","confidence":0.5}]}]}`),
			orderGather("Echo: jan zavináč seznam")},
		{"dtmf", path, call(`"call_status":"in-progress","reason":"dtmfDetected","digits":"2025000123"`), orderGather("Echo: 2025000123")},
		{"silence", path, call(`"call_status":"in-progress","reason":"timeout"`), orderGather("Promiňte, neslyšel jsem vás.")},
		{"empty speech is silence", path, call(`"call_status":"in-progress","reason":"speechDetected","speech":{"alternatives":[{"transcript":"  "}]}`),
			orderGather("Promiňte, neslyšel jsem vás.")},
		{"dtmf terminator alone is silence", path, call(`"call_status":"in-progress","reason":"dtmfDetected","digits":""`), orderGather("Promiňte, neslyšel jsem vás.")},
		{"recogniser error is silence", path, call(`"call_status":"in-progress","reason":"error","details":"stt vendor down"`), orderGather("Promiňte, neslyšel jsem vás.")},
		{"status in-progress is no turn", path + "?hook=status", call(`"call_status":"in-progress"`), ""},
		{"transfer", path, call(`"call_status":"in-progress","reason":"speechDetected","speech":{"alternatives":[{"transcript":"chci operátora, operátor","confidence":0.9}]}`),
			`[{"verb":"say","text":"<speak>Přepojuji vás na kolegu.</speak>"},{"verb":"dial","target":[{"type":"phone","number":"` + adapterTransferTo + `"}]},{"verb":"hangup"}]`},
		{"status completed hangs up", path + "?hook=status", call(`"call_status":"completed","sip_status":200`), `[]`},
	}
	for _, st := range steps {
		got := postJambonz(t, as, st.path, adapterVoiceToken, st.body)
		if st.want == "" {
			if got.status != http.StatusNoContent {
				t.Errorf("%s: status = %d (%s), want 204", st.name, got.status, got.body)
			}
			continue
		}
		t.Run(st.name, func(t *testing.T) { wantVerbs(t, as, got, st.want) })
	}

	base := bot.Request{Bot: "default", Session: "b5e39996-bd2f-4bda-b928-355147186a2a", Channel: "voice", Caller: "+420601223344", Client: "127.0.0.1"}
	with := func(f func(r *bot.Request)) bot.Request { r := base; f(&r); return r }
	want := []bot.Request{
		with(func(r *bot.Request) { r.Kind = bot.KindHello }),
		with(func(r *bot.Request) {
			r.Kind, r.Lang, r.Text, r.Confidence, r.Alternatives = bot.KindText, "cs", "dva nula dva pět", 0.82, []string{"2025"}
		}),
		with(func(r *bot.Request) {
			r.Kind, r.Lang, r.Text, r.Confidence, r.Alternatives = bot.KindText, "cs", "jan zavináč seznam", 0.91, []string{"jan za vináč seznam"}
		}),
		with(func(r *bot.Request) { r.Kind, r.Digits = bot.KindDigits, "2025000123" }),
		with(func(r *bot.Request) { r.Kind = bot.KindNoInput }),
		with(func(r *bot.Request) { r.Kind = bot.KindNoInput }),
		with(func(r *bot.Request) { r.Kind = bot.KindNoInput }),
		with(func(r *bot.Request) { r.Kind = bot.KindNoInput }),
		with(func(r *bot.Request) {
			r.Kind, r.Text, r.Confidence = bot.KindText, "chci operátora, operátor", 0.9
		}),
		with(func(r *bot.Request) { r.Kind = bot.KindHangup }),
	}
	if diff := cmp.Diff(want, as.bot.recorded(), cmpopts.EquateEmpty(), cmpopts.IgnoreFields(bot.Request{}, "Typing")); diff != "" {
		t.Errorf("requests the bot got (-want +got):\n%s", diff)
	}
}

func TestJambonzHangupAndEnglish(t *testing.T) {
	as := mustAdapterServer(t, web.Options{}, web.AdapterOptions{})
	body := func(reason string) string {
		return `{"call_sid":"call-en","from":"anonymous","to":"+420222333444","call_status":"in-progress",` + reason + `}`
	}
	got := postJambonz(t, as, "/voice/jambonz/default", adapterVoiceToken,
		body(`"reason":"speechDetected","speech":{"language_code":"en-US","alternatives":[{"transcript":"end","confidence":0.7}]}`))
	wantVerbs(t, as, got, `[{"verb":"say","text":"<speak>Děkujeme, na shledanou.</speak>"},{"verb":"hangup"}]`)

	// The fake bot answers in the request's language: English recognition.
	got = postJambonz(t, as, "/voice/jambonz/default", adapterVoiceToken,
		body(`"reason":"speechDetected","speech":{"language_code":"en-US","alternatives":[{"transcript":"hello","confidence":0.7}]}`))
	wantVerbs(t, as, got, `[{"verb":"gather","actionHook":"@HOOK@","input":["speech","digits"],"timeout":8,"bargein":true,
		"finishOnKey":"#","dtmfBargein":true,"minDigits":1,"maxDigits":12,"interDigitTimeout":5,
		"recognizer":{"vendor":"default","language":"en-US","hints":["order number","zero","oh","one","two","three","four","five","six","seven","eight","nine"]},
		"say":{"text":"<speak>Echo: hello</speak>"}}]`)
	reqs := as.bot.recorded()
	if len(reqs) != 2 || reqs[0].Caller != "" || reqs[1].Lang != "en" {
		t.Errorf("requests = %+v, want 2 without a caller (anonymous), the second in English", reqs)
	}
}

func TestJambonzAuth(t *testing.T) {
	const body = `{"call_sid":"auth-1","from":"+420601223344","call_status":"trying"}`
	tests := []struct {
		name   string
		demo   bool
		path   string
		auth   func(r *http.Request)
		method string
		status int
		code   string
	}{
		{name: "basic ok", path: "/voice/jambonz/default", auth: func(r *http.Request) { r.SetBasicAuth("anyone", adapterVoiceToken) }, status: 200},
		{name: "bearer ok", path: "/voice/jambonz/default", auth: func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+adapterVoiceToken) }, status: 200},
		{name: "no auth", path: "/voice/jambonz/default", status: 401, code: "unauthorized"},
		{name: "wrong password", path: "/voice/jambonz/default", auth: func(r *http.Request) { r.SetBasicAuth("jambonz", adapterVoiceToken+"x") }, status: 401, code: "unauthorized"},
		{name: "token as user name", path: "/voice/jambonz/default", auth: func(r *http.Request) { r.SetBasicAuth(adapterVoiceToken, "") }, status: 401, code: "unauthorized"},
		{name: "wrong bearer", path: "/voice/jambonz/default", auth: func(r *http.Request) { r.Header.Set("Authorization", "Bearer nope") }, status: 401, code: "unauthorized"},
		{name: "bot without token", path: "/voice/jambonz/open", auth: func(r *http.Request) { r.SetBasicAuth("jambonz", "x") }, status: 404, code: "not_found"},
		{name: "demo bot without token", demo: true, path: "/voice/jambonz/open", status: 200},
		{name: "demo still checks a token", demo: true, path: "/voice/jambonz/default", status: 401, code: "unauthorized"},
		{name: "unknown bot", path: "/voice/jambonz/nope", auth: func(r *http.Request) { r.SetBasicAuth("jambonz", adapterVoiceToken) }, status: 404, code: "unknown_bot"},
		{name: "GET", method: http.MethodGet, path: "/voice/jambonz/default", auth: func(r *http.Request) { r.SetBasicAuth("jambonz", adapterVoiceToken) }, status: 405, code: "method_not_allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			as := mustAdapterServer(t, web.Options{DemoMode: tt.demo}, web.AdapterOptions{})
			method := tt.method
			if method == "" {
				method = http.MethodPost
			}
			req, err := http.NewRequestWithContext(t.Context(), method, as.http.URL+tt.path, strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			if tt.auth != nil {
				tt.auth(req)
			}
			got := mustPost(t, req)
			if got.status != tt.status {
				t.Fatalf("status = %d (%s), want %d", got.status, got.body, tt.status)
			}
			if tt.status == 401 && !strings.HasPrefix(got.header.Get("WWW-Authenticate"), "Basic ") {
				t.Errorf("WWW-Authenticate = %q, want Basic", got.header.Get("WWW-Authenticate"))
			}
			if tt.code != "" {
				wantErrorCode(t, got, tt.code)
				if n := len(as.bot.recorded()); n != 0 {
					t.Errorf("the bot got %d requests, want 0", n)
				}
			}
		})
	}
}

// wantErrorCode checks a JSON error body's code.
func wantErrorCode(t *testing.T, got adapterAnswer, code string) {
	t.Helper()
	var e struct {
		Error struct{ Code, Message string }
	}
	if err := json.Unmarshal([]byte(got.body), &e); err != nil {
		t.Fatalf("error body %q: %v", got.body, err)
	}
	if e.Error.Code != code || e.Error.Message == "" {
		t.Errorf("error = %+v, want code %q and a message", e.Error, code)
	}
}

func TestJambonzMalformed(t *testing.T) {
	tests := []struct{ name, body string }{
		{"not JSON", `call_sid=x`},
		{"empty", ``},
		{"array", `[{"call_sid":"x"}]`},
		{"trailing data", `{"call_sid":"x","call_status":"trying"} {}`},
		{"call_sid not a string", `{"call_sid":42,"call_status":"trying"}`},
		{"missing call_sid", `{"from":"+420601223344","call_status":"trying"}`},
		{"call_sid with spaces", `{"call_sid":"a b","call_status":"trying"}`},
		{"unknown reason", `{"call_sid":"x","reason":"magic"}`},
		{"speech reason without speech", `{"call_sid":"x","reason":"speechDetected"}`},
		{"digits not keypad", `{"call_sid":"x","reason":"dtmfDetected","digits":"12ab"}`},
		{"too large", `{"call_sid":"x","call_status":"trying","pad":"` + strings.Repeat("x", 70<<10) + `"}`},
	}
	as := mustAdapterServer(t, web.Options{}, web.AdapterOptions{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := postJambonz(t, as, "/voice/jambonz/default", adapterVoiceToken, tt.body)
			if got.status != http.StatusBadRequest {
				t.Fatalf("status = %d (%s), want 400", got.status, got.body)
			}
			wantErrorCode(t, got, "bad_request")
		})
	}
	if n := len(as.bot.recorded()); n != 0 {
		t.Errorf("the bot got %d requests, want 0", n)
	}
}

func TestJambonzBotFailures(t *testing.T) {
	as := mustAdapterServer(t, web.Options{}, web.AdapterOptions{})
	speech := func(said string) string {
		return `{"call_sid":"fail-1","call_status":"in-progress","reason":"speechDetected","speech":{"alternatives":[{"transcript":"` + said + `"}]}}`
	}
	retry := func(say string) string {
		return `[{"verb":"gather","actionHook":"@HOOK@","input":["speech","digits"],"timeout":8,"bargein":true,
			"finishOnKey":"#","dtmfBargein":true,"minDigits":1,"maxDigits":32,"interDigitTimeout":5,
			"recognizer":{"vendor":"default","language":"cs-CZ","hints":` + hintsMenuCS + `},"say":{"text":"` + say + `"}}]`
	}
	tests := []struct{ name, body, want string }{
		{"shop down", speech("fail"), `[{"verb":"say","text":"Omlouváme se, obchod teď neodpovídá."},{"verb":"hangup"}]`},
		{"locked", speech("locked"), `[{"verb":"say","text":"Příliš mnoho pokusů, zkuste to později."},{"verb":"hangup"}]`},
		{"internal error", speech("boom"), retry(saySorryCS)},
		{"bot panics", speech("panic"), retry(saySorryCS)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantVerbs(t, as, postJambonz(t, as, "/voice/jambonz/default", adapterVoiceToken, tt.body), tt.want)
		})
	}

	t.Run("shutting down", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		if err := as.srv.Shutdown(ctx); err != nil {
			t.Fatalf("Shutdown() = %v", err)
		}
		got := postJambonz(t, as, "/voice/jambonz/default", adapterVoiceToken, `{"call_sid":"late","call_status":"trying"}`)
		wantVerbs(t, as, got, `[{"verb":"say","text":"`+sayDownCS+`"},{"verb":"hangup"}]`)
	})
}

// twilioSign is the test's own implementation of Twilio's request
// signature (checked against Twilio's published example below).
func twilioSign(token, fullURL string, form url.Values) string {
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(fullURL)
	for _, k := range keys {
		for _, v := range form[k] {
			b.WriteString(k + v)
		}
	}
	mac := hmac.New(sha1.New, []byte(token))
	mac.Write([]byte(b.String()))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

func TestTwilioSignExample(t *testing.T) {
	// The example in Twilio's "Validating requests" guide.
	form := url.Values{
		"CallSid": {"CA1234567890ABCDE"},
		"Caller":  {"+12349013030"},
		"Digits":  {"1234"},
		"From":    {"+12349013030"},
		"To":      {"+18005551212"},
	}
	got := twilioSign("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", form)
	if want := "0/KCTR6DLpKmkAf8muzZqo1nDgQ="; got != want {
		t.Errorf("twilioSign(example) = %q, want %q", got, want)
	}
}

// postTwilio posts a signed Twilio webhook to path+query. signedURL, when
// not empty, is the URL the signature covers instead of the real one; a
// token of "" sends no signature.
func postTwilio(t *testing.T, as *adapterServer, pathQuery, token, signedURL string, form url.Values) adapterAnswer {
	t.Helper()
	full := as.http.URL + pathQuery
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, full, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if signedURL == "" {
		signedURL = full
	}
	if token != "" {
		req.Header.Set("X-Twilio-Signature", twilioSign(token, signedURL, form))
	}
	return mustPost(t, req)
}

// xmlNode is any TwiML element, decoded generically.
type xmlNode struct {
	XMLName  xml.Name
	Attrs    []xml.Attr `xml:",any,attr"`
	Text     string     `xml:",chardata"`
	Children []xmlNode  `xml:",any"`
}

// node is an xmlNode in a form cmp can compare.
type node struct {
	Name     string
	Attrs    map[string]string
	Text     string
	Children []node
}

func toNode(x xmlNode) node {
	n := node{Name: x.XMLName.Local, Text: strings.TrimSpace(x.Text)}
	for _, a := range x.Attrs {
		if n.Attrs == nil {
			n.Attrs = map[string]string{}
		}
		n.Attrs[a.Name.Local] = a.Value
	}
	for _, c := range x.Children {
		n.Children = append(n.Children, toNode(c))
	}
	return n
}

// wantTwiML checks a Twilio answer: 200, XML, and the <Response> children.
func wantTwiML(t *testing.T, got adapterAnswer, want ...node) {
	t.Helper()
	if got.status != http.StatusOK {
		t.Fatalf("status = %d (%s), want 200", got.status, got.body)
	}
	if ct := got.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/xml") {
		t.Errorf("Content-Type = %q, want text/xml", ct)
	}
	if !strings.HasPrefix(got.body, `<?xml version="1.0" encoding="UTF-8"?>`) {
		t.Errorf("TwiML does not start with the XML declaration: %s", got.body)
	}
	var x xmlNode
	if err := xml.Unmarshal([]byte(got.body), &x); err != nil {
		t.Fatalf("parse TwiML %s: %v", got.body, err)
	}
	n := toNode(x)
	if n.Name != "Response" {
		t.Fatalf("root = %q, want Response", n.Name)
	}
	if diff := cmp.Diff(want, n.Children, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("TwiML mismatch (-want +got):\n%s\nbody: %s", diff, got.body)
	}
}

func say(lang, text string) node {
	return node{Name: "Say", Attrs: map[string]string{"language": lang}, Text: text}
}

func gather(base, input, lang, hints string, children ...node) node {
	n := node{Name: "Gather", Attrs: map[string]string{
		"input": input, "action": base + "?event=gather", "method": "POST", "language": lang,
		"speechTimeout": "auto", "timeout": "8", "hints": hints,
	}, Children: children}
	if input != "speech" {
		n.Attrs["finishOnKey"] = "#"
	}
	return n
}

func redirect(base string) node {
	return node{Name: "Redirect", Attrs: map[string]string{"method": "POST"}, Text: base + "?event=no_input"}
}

const (
	twHintsMenuCS  = "stav objednávky, balík, faktura, zrušení, moje objednávky, operátor, to je vše"
	twHintsOrderCS = "číslo objednávky, nula, jedna, dva, tři, čtyři, pět, šest, sedm, osm, devět"
)

func TestTwilioCall(t *testing.T) {
	as := mustAdapterServer(t, web.Options{}, web.AdapterOptions{})
	const path = "/voice/twilio/default"
	base := as.http.URL + path
	form := func(kv ...string) url.Values {
		f := url.Values{
			"CallSid": {"CA0123456789abcdef0123456789abcdef"}, "AccountSid": {"AC00000000000000000000000000000000"},
			"From": {"+420601223344"}, "To": {"+420222333444"}, "Direction": {"inbound"}, "ApiVersion": {"2010-04-01"},
		}
		for i := 0; i+1 < len(kv); i += 2 {
			f.Set(kv[i], kv[i+1])
		}
		return f
	}
	post := func(query string, f url.Values) adapterAnswer {
		return postTwilio(t, as, path+query, adapterTwilioToken, "", f)
	}
	orderTurn := func(said string) []node {
		return []node{gather(base, "speech dtmf", "cs-CZ", twHintsOrderCS, say("cs-CZ", said)), redirect(base)}
	}

	t.Run("start", func(t *testing.T) {
		wantTwiML(t, post("", form("CallStatus", "ringing")),
			gather(base, "speech", "cs-CZ", twHintsMenuCS, say("cs-CZ", greetingCS)), redirect(base))
	})
	t.Run("speech", func(t *testing.T) {
		wantTwiML(t, post("?event=gather", form("CallStatus", "in-progress", "SpeechResult", "dva nula dva pět", "Confidence", "0.82")),
			orderTurn("Echo: dva nula dva pět")...)
	})
	t.Run("dtmf", func(t *testing.T) {
		wantTwiML(t, post("?event=gather", form("CallStatus", "in-progress", "Digits", "2025000123", "FinishedOnKey", "#")),
			orderTurn("Echo: 2025000123")...)
	})
	t.Run("no input", func(t *testing.T) {
		wantTwiML(t, post("?event=no_input", form("CallStatus", "in-progress")), orderTurn("Promiňte, neslyšel jsem vás.")...)
	})
	t.Run("empty gather is silence", func(t *testing.T) {
		wantTwiML(t, post("?event=gather", form("CallStatus", "in-progress", "SpeechResult", " ")), orderTurn("Promiňte, neslyšel jsem vás.")...)
	})
	t.Run("transfer", func(t *testing.T) {
		wantTwiML(t, post("?event=gather", form("CallStatus", "in-progress", "SpeechResult", "operátor", "Confidence", "nonsense")),
			say("cs-CZ", "Přepojuji vás na kolegu."), node{Name: "Dial", Text: adapterTransferTo}, node{Name: "Hangup"})
	})
	t.Run("bot ends the call", func(t *testing.T) {
		wantTwiML(t, post("?event=gather", form("CallStatus", "in-progress", "SpeechResult", "end", "Confidence", "0.9")),
			say("cs-CZ", "Děkujeme, na shledanou."), node{Name: "Hangup"})
	})
	t.Run("status ringing is no turn", func(t *testing.T) {
		if got := post("?event=status", form("CallStatus", "ringing")); got.status != http.StatusNoContent {
			t.Errorf("status = %d (%s), want 204", got.status, got.body)
		}
	})
	t.Run("status completed hangs up", func(t *testing.T) {
		wantTwiML(t, post("?event=status", form("CallStatus", "completed", "CallDuration", "42")))
	})

	b := bot.Request{Bot: "default", Session: "CA0123456789abcdef0123456789abcdef", Channel: "voice", Caller: "+420601223344", Client: "127.0.0.1"}
	with := func(f func(r *bot.Request)) bot.Request { r := b; f(&r); return r }
	want := []bot.Request{
		with(func(r *bot.Request) { r.Kind = bot.KindHello }),
		with(func(r *bot.Request) { r.Kind, r.Text, r.Confidence = bot.KindText, "dva nula dva pět", 0.82 }),
		with(func(r *bot.Request) { r.Kind, r.Digits = bot.KindDigits, "2025000123" }),
		with(func(r *bot.Request) { r.Kind = bot.KindNoInput }),
		with(func(r *bot.Request) { r.Kind = bot.KindNoInput }),
		with(func(r *bot.Request) { r.Kind, r.Text = bot.KindText, "operátor" }),
		with(func(r *bot.Request) { r.Kind, r.Text, r.Confidence = bot.KindText, "end", 0.9 }),
		with(func(r *bot.Request) { r.Kind = bot.KindHangup }),
	}
	if diff := cmp.Diff(want, as.bot.recorded(), cmpopts.EquateEmpty(), cmpopts.IgnoreFields(bot.Request{}, "Typing")); diff != "" {
		t.Errorf("requests the bot got (-want +got):\n%s", diff)
	}
}

func TestTwilioShuttingDownEnglish(t *testing.T) {
	as := mustAdapterServer(t, web.Options{}, web.AdapterOptions{})
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if err := as.srv.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown() = %v", err)
	}
	// Before the bot answers, the apology is in the bot's language.
	got := postTwilio(t, as, "/voice/twilio/english", adapterTwilioToken, "", url.Values{"CallSid": {"CAen"}, "CallStatus": {"ringing"}, "From": {"+441173185201"}})
	wantTwiML(t, got, say("en-US", sayDownEN), node{Name: "Hangup"})
}

func TestTwilioSignature(t *testing.T) {
	form := url.Values{"CallSid": {"CAsig"}, "From": {"+420601223344"}, "CallStatus": {"ringing"}}
	tests := []struct {
		name      string
		demo      bool
		public    string
		path      string
		token     string
		signedURL func(real string) string
		tamper    bool
		status    int
		code      string
	}{
		{name: "valid", path: "/voice/twilio/default", token: adapterTwilioToken, status: 200},
		{name: "missing", path: "/voice/twilio/default", status: 403, code: "forbidden"},
		{name: "wrong token", path: "/voice/twilio/default", token: "other-token", status: 403, code: "forbidden"},
		{name: "other URL", path: "/voice/twilio/default", token: adapterTwilioToken, signedURL: func(u string) string { return u + "?event=gather" }, status: 403, code: "forbidden"},
		{name: "tampered parameter", path: "/voice/twilio/default", token: adapterTwilioToken, tamper: true, status: 403, code: "forbidden"},
		{name: "public URL", public: "https://bot.example.cz/", path: "/voice/twilio/default", token: adapterTwilioToken,
			signedURL: func(string) string { return "https://bot.example.cz/voice/twilio/default" }, status: 200},
		{name: "public URL with default port", public: "https://bot.example.cz", path: "/voice/twilio/default", token: adapterTwilioToken,
			signedURL: func(string) string { return "https://bot.example.cz:443/voice/twilio/default" }, status: 200},
		{name: "public URL, signed for the internal one", public: "https://bot.example.cz", path: "/voice/twilio/default", token: adapterTwilioToken, status: 403, code: "forbidden"},
		{name: "bot without auth token", path: "/voice/twilio/open", token: adapterTwilioToken, status: 404, code: "not_found"},
		{name: "demo bot without auth token", demo: true, path: "/voice/twilio/open", status: 200},
		{name: "demo still checks a token", demo: true, path: "/voice/twilio/default", status: 403, code: "forbidden"},
		{name: "unknown bot", path: "/voice/twilio/nope", token: adapterTwilioToken, status: 404, code: "unknown_bot"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			as := mustAdapterServer(t, web.Options{DemoMode: tt.demo}, web.AdapterOptions{PublicURL: tt.public})
			signed := ""
			if tt.signedURL != nil {
				signed = tt.signedURL(as.http.URL + tt.path)
			}
			full := as.http.URL + tt.path
			if signed == "" {
				signed = full
			}
			req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, full, nil)
			if err != nil {
				t.Fatal(err)
			}
			body := form
			if tt.token != "" {
				req.Header.Set("X-Twilio-Signature", twilioSign(tt.token, signed, form))
			}
			if tt.tamper {
				body = url.Values{"CallSid": {"CAsig"}, "From": {"+420777000111"}, "CallStatus": {"ringing"}}
			}
			req.Body = io.NopCloser(strings.NewReader(body.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			got := mustPost(t, req)
			if got.status != tt.status {
				t.Fatalf("status = %d (%s), want %d", got.status, got.body, tt.status)
			}
			if tt.code != "" {
				wantErrorCode(t, got, tt.code)
				if n := len(as.bot.recorded()); n != 0 {
					t.Errorf("the bot got %d requests, want 0", n)
				}
			}
			if tt.public != "" && tt.status == 200 && !strings.Contains(got.body, `action="https://bot.example.cz/voice/twilio/default?event=gather"`) {
				t.Errorf("the Gather action does not use the public URL: %s", got.body)
			}
		})
	}
}

func TestTwilioMalformed(t *testing.T) {
	as := mustAdapterServer(t, web.Options{}, web.AdapterOptions{})
	tests := []struct {
		name, query string
		body        string
		code        string
	}{
		{name: "missing CallSid", body: "From=%2B420601223344&CallStatus=ringing"},
		{name: "bad form encoding", body: "CallSid=CA1&From=%zz"},
		{name: "unknown event", query: "?event=magic", body: "CallSid=CA1&CallStatus=in-progress"},
		{name: "CallSid with spaces", body: "CallSid=CA+1&CallStatus=ringing"},
		{name: "digits not keypad", query: "?event=gather", body: "CallSid=CA1&CallStatus=in-progress&Digits=12ab"},
		{name: "too large", body: "CallSid=CA1&Pad=" + strings.Repeat("x", 70<<10)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			full := as.http.URL + "/voice/twilio/default" + tt.query
			req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, full, strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if f, err := url.ParseQuery(tt.body); err == nil {
				req.Header.Set("X-Twilio-Signature", twilioSign(adapterTwilioToken, full, f))
			}
			got := mustPost(t, req)
			if got.status != http.StatusBadRequest {
				t.Fatalf("status = %d (%s), want 400", got.status, got.body)
			}
			wantErrorCode(t, got, "bad_request")
		})
	}
	if n := len(as.bot.recorded()); n != 0 {
		t.Errorf("the bot got %d requests, want 0", n)
	}
}

func TestTwilioBotFailures(t *testing.T) {
	as := mustAdapterServer(t, web.Options{}, web.AdapterOptions{})
	base := as.http.URL + "/voice/twilio/default"
	post := func(said string) adapterAnswer {
		return postTwilio(t, as, "/voice/twilio/default?event=gather", adapterTwilioToken, "",
			url.Values{"CallSid": {"CAfail"}, "CallStatus": {"in-progress"}, "SpeechResult": {said}})
	}
	wantTwiML(t, post("fail"), say("cs-CZ", "Omlouváme se, obchod teď neodpovídá."), node{Name: "Hangup"})
	wantTwiML(t, post("boom"), gather(base, "speech dtmf", "cs-CZ", twHintsMenuCS, say("cs-CZ", saySorryCS)), redirect(base))
}

// TestAdapterTestdata replays the recorded vendor payloads in
// testdata/adapters: each must be accepted and start or continue a call.
func TestAdapterTestdata(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "adapters", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata/adapters/*.json: %v", err)
	}
	as := mustAdapterServer(t, web.Options{}, web.AdapterOptions{})
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			got := postJambonz(t, as, "/voice/jambonz/default", adapterVoiceToken, string(b))
			if got.status != http.StatusOK {
				t.Fatalf("status = %d (%s), want 200", got.status, got.body)
			}
			var verbs []map[string]any
			if err := json.Unmarshal([]byte(got.body), &verbs); err != nil || len(verbs) == 0 {
				t.Fatalf("answer %s is not a non-empty verb array: %v", got.body, err)
			}
		})
	}
}

func TestAdapterLongSpeechIsClipped(t *testing.T) {
	as := mustAdapterServer(t, web.Options{}, web.AdapterOptions{})
	long := strings.Repeat("ř", 1200)
	got := postJambonz(t, as, "/voice/jambonz/default", adapterVoiceToken,
		`{"call_sid":"long-1","call_status":"in-progress","reason":"speechDetected","speech":{"alternatives":[{"transcript":"`+long+`"}]}}`)
	if got.status != http.StatusOK {
		t.Fatalf("jambonz: status = %d (%s), want 200", got.status, got.body)
	}
	got = postTwilio(t, as, "/voice/twilio/default?event=gather", adapterTwilioToken, "",
		url.Values{"CallSid": {"CAlong"}, "CallStatus": {"in-progress"}, "SpeechResult": {long}})
	if got.status != http.StatusOK {
		t.Fatalf("twilio: status = %d (%s), want 200", got.status, got.body)
	}
	reqs := as.bot.recorded()
	if len(reqs) != 2 {
		t.Fatalf("the bot got %d requests, want 2", len(reqs))
	}
	for _, r := range reqs {
		if r.Text != strings.Repeat("ř", 1000) {
			t.Errorf("%s: text of %d runes, want the first 1000", r.Session, len([]rune(r.Text)))
		}
	}
}

func TestJambonzCallHookAfterHangup(t *testing.T) {
	// A status hook configured without ?hook=status still ends the call on
	// a final status.
	as := mustAdapterServer(t, web.Options{}, web.AdapterOptions{})
	for _, status := range []string{"completed", "failed", "busy", "no-answer"} {
		got := postJambonz(t, as, "/voice/jambonz/default", adapterVoiceToken, `{"call_sid":"end-`+status+`","call_status":"`+status+`"}`)
		wantVerbs(t, as, got, `[]`)
	}
	for _, r := range as.bot.recorded() {
		if r.Kind != bot.KindHangup {
			t.Errorf("%s: kind %q, want hangup", r.Session, r.Kind)
		}
	}
}

// jambonzSign is the test's own Jambonz-Signature for body at t.
func jambonzSign(secret string, t time.Time, body string) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "." + body))
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac.Sum(nil))
}

func TestJambonzSignature(t *testing.T) {
	const secret = "jambonz-webhook-secret"
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	const body = `{"call_sid":"sig-1","from":"+420601223344","call_status":"trying"}`
	tests := []struct {
		name   string
		bot    string
		pass   string
		sig    string
		body   string
		status int
	}{
		{name: "valid", bot: "default", pass: adapterVoiceToken, sig: jambonzSign(secret, now, body), status: 200},
		{name: "valid, secret only", bot: "open", sig: jambonzSign(secret, now.Add(-4*time.Minute), body), status: 200},
		{name: "missing", bot: "default", pass: adapterVoiceToken, status: 401},
		{name: "missing, secret only", bot: "open", status: 401},
		{name: "signature but wrong password", bot: "default", pass: "nope", sig: jambonzSign(secret, now, body), status: 401},
		{name: "wrong secret", bot: "default", pass: adapterVoiceToken, sig: jambonzSign("other", now, body), status: 401},
		{name: "stale", bot: "default", pass: adapterVoiceToken, sig: jambonzSign(secret, now.Add(-6*time.Minute), body), status: 401},
		{name: "from the future", bot: "default", pass: adapterVoiceToken, sig: jambonzSign(secret, now.Add(6*time.Minute), body), status: 401},
		{name: "tampered body", bot: "default", pass: adapterVoiceToken, sig: jambonzSign(secret, now, body),
			body: `{"call_sid":"sig-1","from":"+420777000111","call_status":"trying"}`, status: 401},
		{name: "garbage header", bot: "default", pass: adapterVoiceToken, sig: "v1=abc,t=notanumber", status: 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			as := mustAdapterServer(t, web.Options{Now: func() time.Time { return now }}, web.AdapterOptions{Bots: map[string]web.AdapterBot{
				"default": {JambonzSecret: secret},
				"open":    {JambonzSecret: secret},
			}})
			b := tt.body
			if b == "" {
				b = body
			}
			req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, as.http.URL+"/voice/jambonz/"+tt.bot, strings.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			if tt.pass != "" {
				req.SetBasicAuth("jambonz", tt.pass)
			}
			if tt.sig != "" {
				req.Header.Set("Jambonz-Signature", tt.sig)
			}
			got := mustPost(t, req)
			if got.status != tt.status {
				t.Fatalf("status = %d (%s), want %d", got.status, got.body, tt.status)
			}
			if tt.status != 200 {
				wantErrorCode(t, got, "unauthorized")
				if n := len(as.bot.recorded()); n != 0 {
					t.Errorf("the bot got %d requests, want 0", n)
				}
			}
		})
	}
}

// quickBot is the transfer bot without the fake's "slow" turn, which
// would block a fuzzer once the fake's signal buffer is full.
type quickBot struct{ transferBot }

func (b quickBot) Handle(ctx context.Context, req bot.Request) (bot.Reply, error) {
	if req.Text == "slow" {
		req.Text = "not slow"
	}
	return b.transferBot.Handle(ctx, req)
}

// fuzzAdapters is a Server with both adapters, called without a network.
func fuzzAdapters(f *testing.F, demo bool) (jambonz, twilio http.Handler) {
	s := web.NewServer(web.Options{
		Handler:   quickBot{transferBot{newFakeBot()}},
		DemoMode:  demo,
		RateLimit: 1e6, RateBurst: 1e6,
		Bots: map[string]web.BotOptions{"default": {VoiceToken: adapterVoiceToken}, "open": {}},
	})
	f.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		s.Shutdown(ctx)
	})
	return s.JambonzHandler(web.AdapterOptions{}), s.TwilioHandler(web.AdapterOptions{})
}

func FuzzJambonzWebhook(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "adapters", "*.json"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b), "")
	}
	f.Add(`{"call_sid":"x","reason":"speechDetected","speech":{"transcripts":[{"alternatives":[{"transcript":"a"}]},{"alternatives":[{"transcript":"operátor"}]}]}}`, "")
	f.Add(`{"call_sid":"x","call_status":"ringing"}`, "status")
	f.Add(`{"call_sid":"x","reason":"dtmfDetected","digits":"#"}`, "")
	f.Add(`{"call_sid":"x","speech":{"alternatives":null},"reason":"speechDetected"}`, "")
	jambonz, _ := fuzzAdapters(f, false)
	verbs := map[string]bool{"gather": true, "say": true, "dial": true, "hangup": true}
	f.Fuzz(func(t *testing.T, body, hook string) {
		req := httptest.NewRequest(http.MethodPost, "/voice/jambonz/default?hook="+url.QueryEscape(hook), strings.NewReader(body))
		req.SetPathValue("bot", "default")
		req.SetBasicAuth("jambonz", adapterVoiceToken)
		rec := httptest.NewRecorder()
		jambonz.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusNoContent:
		case http.StatusBadRequest:
			if !strings.Contains(rec.Body.String(), `"code":"bad_request"`) {
				t.Fatalf("400 without a bad_request body: %s", rec.Body)
			}
		case http.StatusOK:
			var got []map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatalf("200 body is not a verb array: %v: %s", err, rec.Body)
			}
			for _, v := range got {
				name, _ := v["verb"].(string)
				if !verbs[name] {
					t.Fatalf("unexpected verb %q in %s", name, rec.Body)
				}
				if name == "gather" && (v["actionHook"] == "" || v["recognizer"] == nil) {
					t.Fatalf("gather without actionHook or recognizer: %s", rec.Body)
				}
			}
		default:
			t.Fatalf("status %d for %q: %s", rec.Code, body, rec.Body)
		}
	})
}

func FuzzTwilioWebhook(f *testing.F) {
	f.Add("CallSid=CA1&From=%2B420601223344&CallStatus=ringing", "")
	f.Add("CallSid=CA1&CallStatus=in-progress&SpeechResult=dva+nula&Confidence=0.8", "gather")
	f.Add("CallSid=CA1&CallStatus=in-progress&Digits=2026000102%23", "gather")
	f.Add("CallSid=CA1&CallStatus=in-progress&SpeechResult=oper%C3%A1tor", "gather")
	f.Add("CallSid=CA1&CallStatus=completed", "status")
	f.Add("CallSid=CA1&CallStatus=in-progress", "no_input")
	_, twilio := fuzzAdapters(f, true)
	allowed := map[string]bool{"Gather": true, "Say": true, "Redirect": true, "Dial": true, "Hangup": true}
	f.Fuzz(func(t *testing.T, body, event string) {
		req := httptest.NewRequest(http.MethodPost, "/voice/twilio/open?event="+url.QueryEscape(event), strings.NewReader(body))
		req.SetPathValue("bot", "open")
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		twilio.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusNoContent:
		case http.StatusBadRequest:
			if !strings.Contains(rec.Body.String(), `"code":"bad_request"`) {
				t.Fatalf("400 without a bad_request body: %s", rec.Body)
			}
		case http.StatusOK:
			var x xmlNode
			if err := xml.Unmarshal(rec.Body.Bytes(), &x); err != nil || x.XMLName.Local != "Response" {
				t.Fatalf("200 body is not TwiML (%v): %s", err, rec.Body)
			}
			for _, c := range x.Children {
				if !allowed[c.XMLName.Local] {
					t.Fatalf("unexpected verb <%s> in %s", c.XMLName.Local, rec.Body)
				}
			}
		default:
			t.Fatalf("status %d for %q: %s", rec.Code, body, rec.Body)
		}
	})
}
