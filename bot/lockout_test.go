package bot_test

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/samoobsluha/samoobsluha/bot"
	"github.com/samoobsluha/samoobsluha/dialog"
	"github.com/samoobsluha/samoobsluha/session"
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

// countingCounter is a real memory counter that counts the reads.
type countingCounter struct {
	*session.MemoryCounter
	mu    sync.Mutex
	reads int
}

func (c *countingCounter) Count(ctx context.Context, key string) (int64, error) {
	c.mu.Lock()
	c.reads++
	c.mu.Unlock()
	return c.MemoryCounter.Count(ctx, key)
}

func (c *countingCounter) Counts(ctx context.Context, keys ...string) ([]int64, error) {
	c.mu.Lock()
	c.reads++
	c.mu.Unlock()
	return c.MemoryCounter.Counts(ctx, keys...)
}

func (c *countingCounter) readCount() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.reads
}

func TestLockoutReadOncePerTurn(t *testing.T) {
	mine, _ := demoOrder(t)
	counter := &countingCounter{MemoryCounter: session.NewMemoryCounter(nil)}
	h := newHarness(t, "bot.yaml", bot.Config{Failures: counter})
	c := &convo{t: t, h: h.bot, client: "198.51.100.30"}
	c.hello()
	c.text("stav")
	c.text(mine.OrderNumber)
	before := counter.readCount()
	rep := c.text(mine.Email) // verify_email, then verify_order
	if !strings.Contains(texts(rep), "je ve stavu") {
		t.Fatalf("e-mail turn: %q, want the status", texts(rep))
	}
	if h.metrics.action("verify_email/yes") != 1 || h.metrics.action("verify_order/yes") != 1 {
		t.Fatalf("actions = %v, want verify_email and verify_order in the turn", h.metrics.actions)
	}
	if n := counter.readCount() - before; n != 1 {
		t.Errorf("a turn with two lookups read the lockout counters %d times, want once", n)
	}
}

// TestLockoutReachedWithinTurn: when a failure counted in a turn reaches
// the limit, a later lookup of the same turn is refused at once.
func TestLockoutReachedWithinTurn(t *testing.T) {
	mine, _ := demoOrder(t)
	data, err := os.ReadFile("testdata/bot.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// A mismatching e-mail goes on to read the order in the same turn.
	const from = "    result: $ok\n    yes: info\n    no: mismatch\n"
	if !strings.Contains(string(data), from) {
		t.Fatal("testdata/bot.yaml changed: no verify_email box to rewire")
	}
	data = []byte(strings.Replace(string(data), from, "    result: $ok\n    yes: info\n    no: info\n", 1))
	sc, err := dialog.ParseScenario("lockout-in-turn", data)
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, "", bot.Config{Scenario: sc, LockoutMax: 1})
	c := &convo{t: t, h: h.bot, client: "198.51.100.31"}
	c.hello()
	c.text("stav")
	c.text(mine.OrderNumber)
	_, err = c.try("nekdo@example.cz")
	wantCode(t, err, bot.CodeLocked)
	if h.metrics.action("verify_email/no") != 1 || h.metrics.action("verify_order/locked") != 1 {
		t.Errorf("actions = %v, want the failed verify_email, then verify_order refused as locked", h.metrics.actions)
	}
	if h.metrics.lockouts != 1 {
		t.Errorf("Metrics.Lockout called %d times, want 1", h.metrics.lockouts)
	}
}
