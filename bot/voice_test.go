package bot_test

import (
	"encoding/xml"
	"strings"
	"testing"

	"github.com/samoobsluha/samoobsluha/bot"
)

func voiceReq(kind, call string) bot.Request {
	return bot.Request{Kind: kind, Session: call, Channel: "voice", Caller: "+420 601 223 344"}
}

func mustVoice(t *testing.T, rep bot.Reply) *bot.Voice {
	t.Helper()
	if rep.Voice == nil {
		t.Fatalf("voice reply without Voice: %+v", rep)
	}
	v := rep.Voice
	if v.SSML != "" {
		if err := xml.Unmarshal([]byte(v.SSML), new(struct{})); err != nil {
			t.Errorf("SSML %q is not XML: %v", v.SSML, err)
		}
	}
	return v
}

func TestVoiceCall(t *testing.T) {
	h := newHarness(t, "bot.yaml", bot.Config{PhoneVerify: true})
	const call = "CA-voice-1"
	rep := mustHandle(t, h.bot, voiceReq(bot.KindHello, call))
	if rep.Session != call {
		t.Fatalf("voice session = %q, want the call id", rep.Session)
	}
	v := mustVoice(t, rep)
	if v.Action != "continue" || !strings.Contains(v.Say, "Dobrý den") || !strings.HasPrefix(v.SSML, "<speak") || v.TimeoutMS != 8000 || v.Input != "speech" {
		t.Errorf("start = %+v", v)
	}
	if _, ok := rep.Vars["$caller"]; ok {
		t.Errorf("reply vars carry $caller")
	}
	s, err := h.store.Get(t.Context(), call)
	if err != nil {
		t.Fatal(err)
	}
	if s.Private["$caller"] != "+420601223344" {
		t.Errorf("$caller = %v, want +420601223344", s.Private["$caller"])
	}
	if s.Channel != "voice" {
		t.Errorf("session channel = %q", s.Channel)
	}

	r := voiceReq(bot.KindText, call)
	r.Text = "stav objednávky"
	v = mustVoice(t, mustHandle(t, h.bot, r))
	want := bot.Voice{Action: "continue", Hint: "order_number", Input: "speech_dtmf", MaxDigits: 12, TimeoutMS: 8000}
	if v.Action != want.Action || v.Hint != want.Hint || v.Input != want.Input || v.MaxDigits != want.MaxDigits || v.TimeoutMS != want.TimeoutMS {
		t.Errorf("order number prompt = %+v, want %+v", v, want)
	}
	prompt := v.Say

	// Silence: the question again, twice, then goodbye.
	for i := range 2 {
		v = mustVoice(t, mustHandle(t, h.bot, voiceReq(bot.KindNoInput, call)))
		if v.Action != "continue" || v.Say != prompt || v.Hint != "order_number" {
			t.Errorf("no_input %d = %+v, want the prompt %q again", i+1, v, prompt)
		}
	}
	rep = mustHandle(t, h.bot, voiceReq(bot.KindNoInput, call))
	v = mustVoice(t, rep)
	if v.Action != "hangup" || !strings.Contains(v.Say, "na slyšenou") || rep.End != "done" {
		t.Errorf("third no_input = %+v end %q, want a goodbye and hangup", v, rep.End)
	}
	if _, err := h.store.Get(t.Context(), call); err == nil {
		t.Errorf("session still stored after the goodbye")
	}
}

func TestVoiceDigitsAndHangup(t *testing.T) {
	mine, _ := demoOrder(t)
	h := newHarness(t, "bot.yaml", bot.Config{})
	const call = "CA-voice-2"
	mustHandle(t, h.bot, voiceReq(bot.KindHello, call))
	r := voiceReq(bot.KindText, call)
	r.Text = "stav"
	mustHandle(t, h.bot, r)
	d := voiceReq(bot.KindDigits, call)
	d.Digits = mine.OrderNumber + "#"
	v := mustVoice(t, mustHandle(t, h.bot, d))
	if v.Hint != "email" || v.Input != "speech" {
		t.Errorf("after keypad digits = %+v, want the e-mail prompt", v)
	}
	rep := mustHandle(t, h.bot, voiceReq(bot.KindHangup, call))
	if rep.End != "done" || mustVoice(t, rep).Action != "hangup" {
		t.Errorf("hangup = %+v", rep)
	}
	if _, err := h.store.Get(t.Context(), call); err == nil {
		t.Errorf("session still stored after hangup")
	}
	// A hangup for an unknown call is answered, not an error.
	mustHandle(t, h.bot, voiceReq(bot.KindHangup, "CA-unknown"))
}

func TestVoiceOperatorTransfers(t *testing.T) {
	tests := []struct {
		name, word, configured, want string
	}{
		{"scenario number", "operátor", "", "+420222333444"},
		{"english", "operator please", "+420800100200", "+420222333444"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, "bot.yaml", bot.Config{TransferTo: tt.configured})
			call := "CA-" + tt.name
			mustHandle(t, h.bot, voiceReq(bot.KindHello, call))
			r := voiceReq(bot.KindText, call)
			r.Text = tt.word
			rep := mustHandle(t, h.bot, r)
			v := mustVoice(t, rep)
			if v.Action != "transfer" || v.TransferTo != tt.want || rep.End != "handover" {
				t.Errorf("%q = %+v end %q, want transfer to %s", tt.word, v, rep.End, tt.want)
			}
		})
	}
}

func TestVoiceSpeechWithoutStart(t *testing.T) {
	h := newHarness(t, "bot.yaml", bot.Config{})
	r := voiceReq(bot.KindText, "CA-nostart")
	r.Text = "haló"
	v := mustVoice(t, mustHandle(t, h.bot, r))
	if v.Action != "continue" || !strings.Contains(v.Say, "Dobrý den") {
		t.Errorf("speech for an unknown call = %+v, want the greeting", v)
	}
}

func TestVoiceStatusNeverSpeaksLinks(t *testing.T) {
	mine, _ := demoOrder(t)
	h := newHarness(t, "bot.yaml", bot.Config{})
	const call = "CA-voice-links"
	mustHandle(t, h.bot, voiceReq(bot.KindHello, call))
	for _, r := range []bot.Request{
		{Kind: bot.KindText, Text: "stav"},
		{Kind: bot.KindDigits, Digits: mine.OrderNumber + "#"},
	} {
		r.Session, r.Channel = call, "voice"
		mustHandle(t, h.bot, r)
	}
	rep := mustHandle(t, h.bot, bot.Request{Kind: bot.KindText, Session: call, Channel: "voice", Text: mine.Email})
	v := mustVoice(t, rep)
	if !strings.Contains(v.Say, "ve stavu") {
		t.Fatalf("say = %q, want the status", v.Say)
	}
	if strings.Contains(v.Say, "http") || strings.Contains(v.SSML, "http") || strings.Contains(v.Say, "shop.example") {
		t.Errorf("voice reads a link: say %q ssml %q", v.Say, v.SSML)
	}
	if len(rep.Messages) == 0 || rep.Messages[0].SSML == "" || strings.Contains(rep.Messages[0].SSML, "http") {
		t.Errorf("voice messages = %+v, want SSML per message without the link", rep.Messages)
	}
}
