package web_test

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/skip2/go-qrcode"

	"github.com/samoobsluha/samoobsluha/bot"
)

// fakeBot is a deterministic echo bot for the transport tests. It keeps
// sessions in memory, answers a few magic inputs and records every request.
type fakeBot struct {
	mu       sync.Mutex
	sessions map[string]*fakeSession
	next     int
	requests []bot.Request
	pingErr  error

	slowStarted chan struct{} // receives when a "slow" turn starts
	slowRelease chan struct{} // a "slow" turn waits for it
}

type fakeSession struct {
	history []bot.HistoryEntry
	expect  bot.Expect
}

func newFakeBot() *fakeBot {
	return &fakeBot{
		sessions:    make(map[string]*fakeSession),
		slowStarted: make(chan struct{}, 4),
		slowRelease: make(chan struct{}),
	}
}

var fakeAt = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

const fakePDF = "%PDF-1.4\n% fake invoice\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"

func (f *fakeBot) recorded() []bot.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]bot.Request(nil), f.requests...)
}

// Handle implements web.Handler.
func (f *fakeBot) Handle(ctx context.Context, req bot.Request) (bot.Reply, error) {
	f.mu.Lock()
	r := req
	r.Typing = nil
	f.requests = append(f.requests, r)
	f.mu.Unlock()

	lang := req.Lang
	if lang == "" {
		lang = "cs"
	}
	botID := req.Bot
	if botID == "" {
		botID = "default"
	}
	reply := bot.Reply{Bot: botID, Lang: lang, Session: req.Session}
	switch req.Kind {
	case bot.KindHello:
		f.mu.Lock()
		s, ok := f.sessions[req.Session]
		if ok && req.Channel != "voice" {
			reply.Resumed = true
			reply.History = append([]bot.HistoryEntry(nil), s.history...)
			reply.Expect = s.expect
			f.mu.Unlock()
			return f.voice(req, reply), nil
		}
		if !ok {
			if req.Channel != "voice" || req.Session == "" {
				f.next++
				req.Session = fmt.Sprintf("fake-%d", f.next)
			}
			s = &fakeSession{}
			f.sessions[req.Session] = s
		}
		f.mu.Unlock()
		reply.Session = req.Session
		reply.Messages = []bot.Message{{
			Text: "Dobrý den! Jsem testovací asistent. S čím vám mohu pomoci?",
			Buttons: []bot.Button{
				{Title: "Stav objednávky", Value: "status"},
				{Title: "Faktura", Value: "invoice"},
			},
		}}
		reply.Vars = map[string]any{"greeted": "yes", "$secret": "tajne-heslo"}
		reply.Expect = bot.Expect{Kind: "button", Input: ""}
		f.record(req.Session, "", reply)
		return f.voice(req, reply), nil
	case bot.KindText, bot.KindDigits:
		text := req.Text
		if req.Kind == bot.KindDigits {
			text = req.Digits
		}
		switch text {
		case "typing":
			req.Typing()
			reply.Messages = []bot.Message{{Text: "Hledám…"}, {Text: "Hotovo."}}
		case "slow":
			f.slowStarted <- struct{}{}
			select {
			case <-f.slowRelease:
			case <-ctx.Done():
				return bot.Reply{}, ctx.Err()
			}
			reply.Messages = []bot.Message{{Text: "Pomalá odpověď hotova."}}
		case "fail":
			return bot.Reply{}, &bot.Error{Code: bot.CodeUnavailable, Message: "Omlouváme se, obchod teď neodpovídá."}
		case "locked":
			return bot.Reply{}, &bot.Error{Code: bot.CodeLocked, Message: "Příliš mnoho pokusů, zkuste to později."}
		case "boom":
			return bot.Reply{}, errors.New("database exploded at 10.0.0.7")
		case "panic":
			panic("fake bot panic")
		case "end":
			reply.Messages = []bot.Message{{Text: "Děkujeme, na shledanou."}}
			reply.End = "done"
		case "faktura":
			reply.Messages = []bot.Message{{
				Text:  "Fakturu k objednávce 2025000123 si můžete stáhnout zde.",
				Links: []bot.Link{{Title: "Faktura 2025000123 (PDF)", URL: "/invoice/tok-ok"}},
			}}
			reply.Expect = bot.Expect{Kind: "text", Input: "text"}
		case "qr":
			png, err := qrcode.Encode("SPD*1.0*ACC:CZ6508000000192000145399*AM:1290.00*CC:CZK*X-VS:2025000123", qrcode.Medium, 240)
			if err != nil {
				return bot.Reply{}, err
			}
			reply.Messages = []bot.Message{{
				Text:  "Objednávku 2025000123 můžete zaplatit QR platbou (1 290 Kč).",
				Image: "data:image/png;base64," + base64.StdEncoding.EncodeToString(png),
			}}
			reply.Expect = bot.Expect{Kind: "text", Input: "text"}
		case "flood":
			for i := range 500 {
				reply.Messages = append(reply.Messages, bot.Message{Text: fmt.Sprintf("Zpráva %d", i)})
			}
		case "email":
			reply.Messages = []bot.Message{{Text: "Napište prosím e-mail z objednávky."}}
			reply.Expect = bot.Expect{Kind: "text", Input: "email"}
		default:
			reply.Messages = []bot.Message{{Text: "Echo: " + text}}
			reply.Vars = map[string]any{"last": text}
			reply.Expect = bot.Expect{Kind: "text", Input: "order_number"}
		}
	case bot.KindButton:
		switch req.Value {
		case "invoice":
			reply.Messages = []bot.Message{{
				Text:  "Fakturu k objednávce 2025000123 si můžete stáhnout zde.",
				Links: []bot.Link{{Title: "Faktura 2025000123 (PDF)", URL: "/invoice/tok-ok"}},
			}}
			reply.Expect = bot.Expect{Kind: "text", Input: "text"}
		case "status":
			reply.Messages = []bot.Message{{Text: "Napište prosím číslo objednávky."}}
			reply.Expect = bot.Expect{Kind: "text", Input: "order_number"}
		default:
			reply.Messages = []bot.Message{{Text: "Tlačítko: " + req.Value}}
			reply.Expect = bot.Expect{Kind: "text"}
		}
	case bot.KindNoInput:
		reply.Messages = []bot.Message{{Text: "Promiňte, neslyšel jsem vás."}}
		reply.Expect = bot.Expect{Kind: "text", Input: "order_number"}
	case bot.KindHangup:
		reply.End = "done"
	default:
		return bot.Reply{}, &bot.Error{Code: bot.CodeBadFrame, Message: "neznámý požadavek"}
	}
	f.record(req.Session, userLine(req), reply)
	return f.voice(req, reply), nil
}

func userLine(req bot.Request) string {
	switch req.Kind {
	case bot.KindText:
		return req.Text
	case bot.KindButton:
		return req.Value
	case bot.KindDigits:
		return req.Digits
	}
	return ""
}

func (f *fakeBot) record(session, user string, reply bot.Reply) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.sessions[session]
	if !ok {
		return
	}
	if user != "" {
		s.history = append(s.history, bot.HistoryEntry{From: "user", Text: user, At: fakeAt})
	}
	for _, m := range reply.Messages {
		s.history = append(s.history, bot.HistoryEntry{From: "bot", Text: m.Text, Buttons: m.Buttons, Links: m.Links, At: fakeAt})
	}
	s.expect = reply.Expect
}

// voice fills the voice rendering on the voice channel.
func (f *fakeBot) voice(req bot.Request, r bot.Reply) bot.Reply {
	if req.Channel != "voice" {
		return r
	}
	var say []string
	for _, m := range r.Messages {
		say = append(say, m.Text)
	}
	v := &bot.Voice{Say: strings.Join(say, " "), SSML: "<speak>" + strings.Join(say, " ") + "</speak>", Action: "continue",
		Hint: r.Expect.Input, Input: "speech", TimeoutMS: 8000}
	if r.Expect.Input == "order_number" {
		v.Input, v.MaxDigits = "speech_dtmf", 12
	}
	if r.End != "" {
		v.Action = "hangup"
	}
	r.Voice = v
	return r
}

// Invoice implements web.InvoiceOpener.
func (f *fakeBot) Invoice(ctx context.Context, token string) (*bot.Invoice, error) {
	switch token {
	case "tok-ok":
		return &bot.Invoice{FileName: "Faktura 2025000123.pdf", Body: io.NopCloser(strings.NewReader(fakePDF))}, nil
	case "tok-expired":
		return nil, fmt.Errorf("open invoice: %w", bot.ErrInvoiceExpired)
	case "tok-html":
		return &bot.Invoice{FileName: "x.pdf", Body: io.NopCloser(strings.NewReader("<html>Upgates error: secret detail</html>"))}, nil
	case "tok-broken":
		return nil, errors.New("upgates 500: secret shop detail")
	}
	return nil, fmt.Errorf("open invoice: %w", bot.ErrInvoiceNotFound)
}

// Ping implements web.Checker.
func (f *fakeBot) Ping(ctx context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.pingErr
}
