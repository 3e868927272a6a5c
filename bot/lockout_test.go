package bot_test

import (
	"strings"
	"testing"

	"github.com/samoobsluha/samoobsluha/bot"
)

func TestLockoutAfterFailedVerifications(t *testing.T) {
	mine, other := demoOrder(t)
	h := newHarness(t, "bot.yaml", bot.Config{})
	c := &convo{t: t, h: h.bot, client: "198.51.100.7"}
	c.hello()
	c.text("stav")
	c.text(mine.OrderNumber)
	for i := range 5 {
		rep := c.text("nekdo" + string(rune('a'+i)) + "@example.cz")
		if !strings.Contains(texts(rep), "nepatří") {
			t.Fatalf("wrong e-mail %d: %q, want the mismatch message", i+1, texts(rep))
		}
	}
	if h.metrics.lockouts != 1 {
		t.Errorf("Metrics.Lockout called %d times, want 1", h.metrics.lockouts)
	}
	calls := len(h.shop.Calls())

	// The sixth attempt, even with the right e-mail, looks nothing up.
	before := h.metrics.action("verify_email/locked")
	_, err := c.try(mine.Email)
	wantCode(t, err, bot.CodeLocked)
	if h.metrics.action("verify_email/locked") != before+1 {
		t.Errorf("locked action not recorded: %v", h.metrics.actions)
	}
	// The session stays where it was: still waiting for the e-mail.
	rep := (&convo{t: t, h: h.bot, session: c.session}).hello()
	if rep.Expect.Input != "email" {
		t.Errorf("after the locked turn the session expects %+v, want the e-mail again", rep.Expect)
	}

	// A new session from the same address is locked too, and an order
	// never read before does not reach the shop.
	c2 := &convo{t: t, h: h.bot, client: c.client}
	c2.hello()
	c2.text("stav")
	c2.text(other.OrderNumber)
	_, err = c2.try(other.Email)
	wantCode(t, err, bot.CodeLocked)
	if n := len(h.shop.Calls()); n != calls {
		t.Errorf("the fake shop got %d calls after the lockout, want 0", n-calls)
	}

	// A box with a locked exit takes it: the scenario answers, nothing
	// is looked up.
	c4 := &convo{t: t, h: h.bot, client: c.client}
	c4.hello()
	c4.text("vzkaz")
	c4.text(mine.OrderNumber)
	rep = c4.text(mine.Email)
	if !strings.Contains(texts(rep), "zablokované") || rep.Expect.Kind != "button" {
		t.Errorf("locked exit: %q expect %+v, want the scenario's locked message and the menu", texts(rep), rep.Expect)
	}
	if n := len(h.shop.Calls()); n != calls {
		t.Errorf("the fake shop got %d calls after the lockout, want 0", n-calls)
	}

	// Another client is unaffected.
	c3 := &convo{t: t, h: h.bot, client: "203.0.113.9"}
	c3.hello()
	c3.text("stav")
	c3.text(mine.OrderNumber)
	rep = c3.text(mine.Email)
	if !strings.Contains(texts(rep), "je ve stavu") {
		t.Errorf("other client: %q, want the status", texts(rep))
	}
	if !strings.Contains(h.logs.String(), "lookups locked") {
		t.Errorf("lockout not logged")
	}
}

func TestLockoutConfigurable(t *testing.T) {
	mine, _ := demoOrder(t)
	h := newHarness(t, "bot.yaml", bot.Config{LockoutMax: 2})
	c := &convo{t: t, h: h.bot, client: "198.51.100.8"}
	c.hello()
	c.text("stav")
	c.text(mine.OrderNumber)
	c.text("spatne@example.cz")
	c.text("jinak@example.cz")
	_, err := c.try(mine.Email)
	wantCode(t, err, bot.CodeLocked)
}

func TestLockoutByCallerNumber(t *testing.T) {
	mine, _ := demoOrder(t)
	h := newHarness(t, "bot.yaml", bot.Config{LockoutMax: 3})
	call := func(id string) string {
		mustHandle(t, h.bot, bot.Request{Kind: bot.KindHello, Session: id, Channel: "voice", Caller: "601 223 344"})
		for _, r := range []bot.Request{{Kind: bot.KindText, Text: "stav"}, {Kind: bot.KindDigits, Digits: mine.OrderNumber + "#"}} {
			r.Session, r.Channel, r.Caller = id, "voice", "+420601223344"
			mustHandle(t, h.bot, r)
		}
		return id
	}
	first := call("CA-lock-1")
	for i := range 3 {
		mustHandle(t, h.bot, bot.Request{Kind: bot.KindText, Session: first, Channel: "voice", Text: "nekdo" + string(rune('a'+i)) + "@example.cz"})
	}
	// A new call from the same number (written differently) is locked.
	second := call("CA-lock-2")
	_, err := h.bot.Handle(t.Context(), bot.Request{Kind: bot.KindText, Session: second, Channel: "voice", Caller: "00420 601 223 344", Text: mine.Email})
	wantCode(t, err, bot.CodeLocked)
	// Another number is not.
	third := "CA-lock-3"
	mustHandle(t, h.bot, bot.Request{Kind: bot.KindHello, Session: third, Channel: "voice", Caller: "+420 777 000 111"})
	for _, r := range []bot.Request{{Kind: bot.KindText, Text: "stav"}, {Kind: bot.KindDigits, Digits: mine.OrderNumber + "#"}, {Kind: bot.KindText, Text: mine.Email}} {
		r.Session, r.Channel = third, "voice"
		rep := mustHandle(t, h.bot, r)
		if r.Kind == bot.KindText && r.Text == mine.Email && !strings.Contains(rep.Voice.Say, "ve stavu") {
			t.Errorf("other caller: %q, want the status", rep.Voice.Say)
		}
	}
}
