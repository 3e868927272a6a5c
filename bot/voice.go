package bot

import (
	"context"
	"strings"

	"github.com/nyaruka/phonenumbers"

	"github.com/samoobsluha/samoobsluha/dialog"
	"github.com/samoobsluha/samoobsluha/dialog/speech"
)

// Voice-channel constants (PROTOCOL.md §2).
const (
	voiceTimeoutMS   = 8000
	maxNoInput       = 2 // re-prompts after silence before saying goodbye
	orderNumberDigit = 12
	phoneDigits      = 15
	numberDigits     = 12
)

// normalisePhone returns raw in E.164 form, or "" when it is not a phone
// number. region is the default region for numbers without a country code.
func normalisePhone(raw, region string) string {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return ""
	}
	num, err := phonenumbers.Parse(raw, region)
	if err != nil || !phonenumbers.IsPossibleNumber(num) {
		return ""
	}
	return phonenumbers.Format(num, phonenumbers.E164)
}

// speakable is what the voice channel says for a message: the author's
// speech text when given, else the message text (links are never read).
func speakable(m dialog.Message) string {
	if m.Speech != "" {
		return m.Speech
	}
	return m.Text
}

// renderSpeech turns message text into speakable text and SSML.
func renderSpeech(text, lang string) (say, ssml string) {
	if strings.TrimSpace(text) == "" {
		return "", ""
	}
	return speech.Render(text, lang)
}

// voiceReply renders the turn for the voice channel: everything the bot
// said, spoken, and what the adapter does next.
func (t *turn) voiceReply(out dialog.Output) *Voice {
	parts := make([]string, 0, len(t.messages))
	for _, m := range t.messages {
		if s := strings.TrimSpace(speakable(m)); s != "" {
			parts = append(parts, s)
		}
	}
	return t.voice(parts, Expect(out.Expect), out.End, out.Transfer)
}

// voice builds the Voice for spoken parts, the expected input and the end
// of the conversation.
func (t *turn) voice(parts []string, exp Expect, end, transfer string) *Voice {
	v := &Voice{}
	v.Say, v.SSML = renderSpeech(strings.Join(parts, "\n"), t.st.Lang)
	switch {
	case end == dialog.EndHandover:
		if transfer == "" {
			transfer = t.b.transferTo
		}
		if transfer != "" {
			v.Action, v.TransferTo = "transfer", transfer
		} else {
			v.Action = "hangup"
		}
	case end != "":
		v.Action = "hangup"
	default:
		v.Action = "continue"
		v.Hint = exp.Input
		v.TimeoutMS = voiceTimeoutMS
		switch exp.Input {
		case "order_number":
			v.Input, v.MaxDigits = "speech_dtmf", orderNumberDigit
		case "phone":
			v.Input, v.MaxDigits = "speech_dtmf", phoneDigits
		case "number":
			v.Input, v.MaxDigits = "speech_dtmf", numberDigits
		default:
			v.Input = "speech"
		}
	}
	return v
}

// noInput answers a voice silence: the last prompt again, twice; then a
// polite goodbye, a hangup and the end of the session.
func (t *turn) noInput(ctx context.Context) (Reply, error) {
	lang := t.st.Lang
	t.rec.NoInput++
	if t.rec.NoInput > maxNoInput || t.rec.Ended != "" {
		if err := t.b.store.Delete(ctx, t.sess.ID); err != nil {
			return Reply{Session: t.sess.ID}, t.storeError(ctx, "delete session", err)
		}
		t.b.log.InfoContext(ctx, "session ended", "session_id", t.sess.ID, "channel", string(t.channel), "reason", "no_input")
		msg := text("goodbye", lang)
		say, ssml := renderSpeech(msg, lang)
		return Reply{Session: t.sess.ID, Bot: t.b.id, Lang: lang, End: dialog.EndDone,
			Messages: []Message{{Text: msg, SSML: ssml}},
			Voice:    &Voice{Say: say, SSML: ssml, Action: "hangup"}}, nil
	}
	if err := storeState(t.sess, t.st, t.rec); err != nil {
		return Reply{Session: t.sess.ID}, err
	}
	t.sess.Updated = t.now
	if err := t.b.store.Save(ctx, t.sess); err != nil {
		return Reply{Session: t.sess.ID}, t.storeError(ctx, "save session", err)
	}
	prompt := t.rec.Prompt
	rep := Reply{Session: t.sess.ID, Bot: t.b.id, Lang: lang, Expect: Expect(t.rec.Expect)}
	v := t.voice([]string{prompt}, rep.Expect, "", "")
	if prompt != "" {
		rep.Messages = []Message{{Text: prompt, SSML: v.SSML}}
	}
	rep.Voice = v
	return rep, nil
}
