package convo_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/samoobsluha/samoobsluha/bot"
	"github.com/samoobsluha/samoobsluha/convo"
)

// fakeBot is a tiny bot.Handler for testing the runner: a menu, an order
// number, an answer with a link and an image, a person (handover), an
// error, and sessions that expire after 30 minutes on its clock.
type fakeBot struct {
	now func() time.Time

	mu       sync.Mutex
	sessions map[string]*fakeSession
	n        int
	clients  map[string]bool // client addresses seen
}

type fakeSession struct {
	last    time.Time
	history []bot.HistoryEntry
	vars    map[string]any
	expect  bot.Expect
}

func newFakeBot(now func() time.Time) *fakeBot {
	return &fakeBot{now: now, sessions: map[string]*fakeSession{}}
}

var digitsRe = regexp.MustCompile(`\d{3,}`)

func (f *fakeBot) Handle(_ context.Context, req bot.Request) (bot.Reply, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.clients == nil {
		f.clients = map[string]bool{}
	}
	f.clients[req.Client] = true
	now := f.now()
	voice := req.Channel == "voice"
	s := f.sessions[req.Session]
	if s != nil && now.Sub(s.last) > 30*time.Minute {
		delete(f.sessions, req.Session)
		s = nil
	}
	rep := bot.Reply{Session: req.Session, Bot: "default", Lang: "en"}
	say := func(text string, buttons ...bot.Button) {
		rep.Messages = append(rep.Messages, bot.Message{Text: text, Buttons: buttons})
	}
	if req.Kind == bot.KindHello {
		if s != nil {
			rep.Resumed, rep.History, rep.Expect = true, s.history, s.expect
			return rep, nil
		}
		if !voice || req.Session == "" {
			f.n++
			rep.Session = fmt.Sprintf("sess-%d", f.n)
		}
		s = &fakeSession{vars: map[string]any{"channel": req.Channel}}
		f.sessions[rep.Session] = s
		say("Hello, I am the test bot.")
		say("What can I help you with?", bot.Button{Title: "Order status", Value: "status"}, bot.Button{Title: "A person", Value: "person"})
		rep.Expect = bot.Expect{Kind: "button"}
		rep.Vars = s.vars
	} else {
		if s == nil {
			rep.End = "expired"
			say("Your conversation has expired.")
			return rep, nil
		}
		in := req.Text + req.Value + req.Digits
		s.history = append(s.history, bot.HistoryEntry{From: "user", Text: in, At: now})
		switch {
		case in == "lock":
			return bot.Reply{Session: req.Session}, &bot.Error{Code: bot.CodeLocked, Message: "Too many attempts."}
		case in == "status" || strings.Contains(in, "status"):
			s.vars["want"] = "status"
			rep.Vars = s.vars
			say("Please send me your order number.")
			rep.Expect = bot.Expect{Kind: "text", Input: "order_number"}
		case digitsRe.MatchString(in):
			n := digitsRe.FindString(in)
			s.vars["order_no"] = n
			s.vars["count"] = 3
			rep.Vars = s.vars
			rep.Messages = append(rep.Messages, bot.Message{
				Text:  fmt.Sprintf("Order %s is in the state Shipped.\nIt is on its way.", n),
				Links: []bot.Link{{Title: "Track the parcel", URL: "https://track.example/?id=" + n}},
				Image: "data:image/png;base64,iVBOR",
			})
			rep.Expect = bot.Expect{Kind: "button"}
		case in == "person" || strings.Contains(in, "operator"):
			say("I am handing you over to a colleague.")
			rep.End = "handover"
		case in == "bye" || req.Kind == bot.KindHangup:
			say("Goodbye!")
			rep.End = "done"
		case req.Kind == bot.KindNoInput:
			say("Are you still there?")
			rep.Expect = s.expect
		default:
			say("Sorry, I did not understand.")
			rep.Expect = s.expect
		}
	}
	for _, m := range rep.Messages {
		s.history = append(s.history, bot.HistoryEntry{From: "bot", Text: m.Text, At: now})
	}
	s.last, s.expect = now, rep.Expect
	if voice {
		var parts []string
		for _, m := range rep.Messages {
			parts = append(parts, strings.ReplaceAll(m.Text, "\n", " "))
		}
		v := &bot.Voice{Say: strings.Join(parts, " "), Action: "continue", Input: "speech_dtmf", Hint: rep.Expect.Input}
		v.SSML = "<speak>" + v.Say + "</speak>"
		if strings.Contains(v.Say, "Order ") {
			v.SSML = "<speak>" + v.Say + "<break time=\"300ms\"/></speak>"
		}
		switch rep.End {
		case "handover":
			v.Action, v.TransferTo = "transfer", "+420222333444"
		case "done", "expired":
			v.Action = "hangup"
		}
		rep.Voice = v
	}
	return rep, nil
}

// inProcess is the in-process target over a fresh fake bot per convo.
func inProcess() *convo.InProcess {
	return &convo.InProcess{New: func(_ context.Context, setup convo.Setup) (bot.Handler, func(), error) {
		return newFakeBot(setup.Now), nil, nil
	}}
}
