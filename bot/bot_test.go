package bot_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/samoobsluha/samoobsluha/bot"
	"github.com/samoobsluha/samoobsluha/upgates/upgatestest"
)

// demoOrder returns a demo order with an e-mail, and a second one of a
// different customer.
func demoOrder(t testing.TB) (mine, other upgatestest.Hint) {
	t.Helper()
	var withEmail []upgatestest.Hint
	for _, h := range upgatestest.DemoHints() {
		if h.Email != "" && h.OrderNumber != "" {
			withEmail = append(withEmail, h)
		}
	}
	for _, o := range withEmail[1:] {
		if !strings.EqualFold(o.Email, withEmail[0].Email) {
			return withEmail[0], o
		}
	}
	t.Fatal("demo dataset has fewer than two customers with e-mails")
	return
}

func wantCode(t testing.TB, err error, code string) {
	t.Helper()
	var e *bot.Error
	if !errors.As(err, &e) || e.Code != code {
		t.Fatalf("error = %v, want *bot.Error with code %s", err, code)
	}
	if e.Message == "" {
		t.Errorf("error %s has no message for the customer", code)
	}
}

func TestHelloStartsAndResumes(t *testing.T) {
	h := newHarness(t, "bot.yaml", bot.Config{})
	c := &convo{t: t, h: h.bot}
	rep := c.hello()
	if _, err := uuid.Parse(rep.Session); err != nil {
		t.Errorf("new session id %q is not a UUID: %v", rep.Session, err)
	}
	if rep.Resumed || rep.Bot != "default" || rep.Lang != "cs" {
		t.Errorf("hello = resumed %v bot %q lang %q, want false default cs", rep.Resumed, rep.Bot, rep.Lang)
	}
	if !strings.Contains(texts(rep), "Dobrý den") || len(rep.Messages[0].Buttons) != 3 {
		t.Fatalf("opening turn = %+v, want the menu with 3 buttons", rep.Messages)
	}
	if want := (bot.Expect{Kind: "button", Input: ""}); rep.Expect != want {
		t.Errorf("opening expect = %+v, want %+v", rep.Expect, want)
	}
	if rep.Vars["channel"] != "web" || rep.Vars["lang"] != "cs" {
		t.Errorf("opening vars = %v, want channel web and lang cs", rep.Vars)
	}
	rep = c.button("status")
	if !strings.Contains(texts(rep), "číslo objednávky") {
		t.Errorf("after the status button: %q", texts(rep))
	}

	again := &convo{t: t, h: h.bot, session: c.session}
	rep = again.hello()
	if !rep.Resumed || rep.Session != c.session {
		t.Fatalf("resume = resumed %v session %q, want true %q", rep.Resumed, rep.Session, c.session)
	}
	if rep.Messages != nil {
		t.Errorf("resume ran a turn: %+v", rep.Messages)
	}
	var froms []string
	for _, e := range rep.History {
		froms = append(froms, e.From+": "+e.Text)
	}
	want := []string{"bot: Dobrý den, s čím vám mohu pomoci?", "user: Stav objednávky", "bot: Napište prosím číslo objednávky."}
	if diff := cmp.Diff(want, froms); diff != "" {
		t.Errorf("history (-want +got):\n%s", diff)
	}
	if rep.History[0].At.IsZero() || len(rep.History[0].Buttons) != 3 {
		t.Errorf("history entry = %+v, want time and buttons", rep.History[0])
	}
	if want := (bot.Expect{Kind: "text", Input: "order_number"}); rep.Expect != want {
		t.Errorf("resume expect = %+v, want %+v", rep.Expect, want)
	}
}

func TestHelloUnknownSessionStartsNew(t *testing.T) {
	h := newHarness(t, "bot.yaml", bot.Config{})
	for _, id := range []string{"5b7f6a2e-0000-4000-8000-000000000000", "not-a-uuid", strings.Repeat("x", 200)} {
		t.Run(id[:8], func(t *testing.T) {
			rep, err := h.bot.Handle(t.Context(), bot.Request{Kind: bot.KindHello, Session: id})
			if len(id) > 128 {
				wantCode(t, err, bot.CodeBadFrame)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if rep.Resumed || rep.Session == id || rep.Session == "" {
				t.Errorf("hello(%q) = session %q resumed %v, want a new id", id, rep.Session, rep.Resumed)
			}
		})
	}
}

func TestRequestValidation(t *testing.T) {
	h := newHarness(t, "bot.yaml", bot.Config{})
	sid := (&convo{t: t, h: h.bot}).hello().Session
	tests := []struct {
		name string
		req  bot.Request
	}{
		{"bad var name", bot.Request{Kind: bot.KindHello, Vars: map[string]string{"a-b": "x"}}},
		{"long var name", bot.Request{Kind: bot.KindHello, Vars: map[string]string{strings.Repeat("a", 33): "x"}}},
		{"reserved var", bot.Request{Kind: bot.KindHello, Vars: map[string]string{"channel": "voice"}}},
		{"private var", bot.Request{Kind: bot.KindHello, Vars: map[string]string{"$email": "x"}}},
		{"long value", bot.Request{Kind: bot.KindHello, Vars: map[string]string{"a": strings.Repeat("x", 300)}}},
		{"control char value", bot.Request{Kind: bot.KindHello, Vars: map[string]string{"a": "x\x00"}}},
		{"empty text", bot.Request{Kind: bot.KindText, Session: sid, Text: "  "}},
		{"long text", bot.Request{Kind: bot.KindText, Session: sid, Text: strings.Repeat("a", 1001)}},
		{"text without session", bot.Request{Kind: bot.KindText, Text: "ahoj"}},
		{"empty button", bot.Request{Kind: bot.KindButton, Session: sid}},
		{"unknown kind", bot.Request{Kind: "dance", Session: sid}},
		{"unknown channel", bot.Request{Kind: bot.KindHello, Channel: "fax"}},
		{"no_input on web", bot.Request{Kind: bot.KindNoInput, Session: sid}},
		{"bad digits", bot.Request{Kind: bot.KindDigits, Session: sid, Channel: "voice", Digits: "12a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := h.bot.Handle(t.Context(), tt.req)
			wantCode(t, err, bot.CodeBadFrame)
		})
	}
	// The session is untouched by refused requests.
	rep := (&convo{t: t, h: h.bot, session: sid}).hello()
	if len(rep.History) != 1 {
		t.Errorf("history after refused requests has %d entries, want 1", len(rep.History))
	}
}

func TestPageVarsArePublic(t *testing.T) {
	h := newHarness(t, "bot.yaml", bot.Config{})
	rep := mustHandle(t, h.bot, bot.Request{Kind: bot.KindHello, Vars: map[string]string{"var1": "košík", "customer_ref": "A17"}})
	if rep.Vars["var1"] != "košík" || rep.Vars["customer_ref"] != "A17" {
		t.Errorf("vars = %v, want the page variables", rep.Vars)
	}
}

func TestStatusConversation(t *testing.T) {
	mine, _ := demoOrder(t)
	h := newHarness(t, "bot.yaml", bot.Config{})
	c := &convo{t: t, h: h.bot, client: "192.0.2.10"}
	c.hello()
	c.text("stav objednávky")
	rep := c.text(mine.OrderNumber)
	if rep.Expect.Input != "email" {
		t.Fatalf("after the order number: expect %+v (%q)", rep.Expect, texts(rep))
	}
	typing := 0
	rep, err := h.bot.Handle(t.Context(), bot.Request{Kind: bot.KindText, Session: c.session, Client: c.client,
		Text: strings.ToUpper(mine.Email), Typing: func() { typing++ }})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(texts(rep), "je ve stavu") || !strings.Contains(texts(rep), mine.OrderNumber) {
		t.Fatalf("answer = %q, want the status of %s", texts(rep), mine.OrderNumber)
	}
	if typing != 2 {
		t.Errorf("Typing called %d times, want 2 (one per shop call)", typing)
	}
	if rep.Vars["obj"] != mine.OrderNumber {
		t.Errorf("vars[obj] = %v, want %s", rep.Vars["obj"], mine.OrderNumber)
	}
	info, ok := rep.Vars["info"].(map[string]any)
	if !ok || info["status"] == "" {
		t.Errorf("vars[info] = %v, want the order summary", rep.Vars["info"])
	}
	for k := range rep.Vars {
		if strings.HasPrefix(k, "$") {
			t.Errorf("reply vars carry private %s", k)
		}
	}
	if h.metrics.action("verify_email/yes") != 1 || h.metrics.action("verify_order/yes") != 1 {
		t.Errorf("metrics actions = %v", h.metrics.actions)
	}

	// The history masks the e-mail the customer typed.
	rep = (&convo{t: t, h: h.bot, session: c.session}).hello()
	for _, e := range rep.History {
		if strings.Contains(strings.ToLower(e.Text), strings.ToLower(mine.Email)) {
			t.Errorf("history shows the e-mail: %q", e.Text)
		}
	}
}

func TestEnglishConversation(t *testing.T) {
	h := newHarness(t, "bot.yaml", bot.Config{})
	c := &convo{t: t, h: h.bot, lang: "en"}
	rep := c.hello()
	if rep.Lang != "en" || !strings.Contains(texts(rep), "Hello") {
		t.Fatalf("english hello = %q lang %q", texts(rep), rep.Lang)
	}
	rep = c.text("status")
	if !strings.Contains(texts(rep), "order number") {
		t.Errorf("after 'status': %q", texts(rep))
	}
}

func TestTextAfterEndRestarts(t *testing.T) {
	h := newHarness(t, "bot.yaml", bot.Config{})
	c := &convo{t: t, h: h.bot}
	c.hello()
	rep := c.button("bye")
	if rep.End != "done" || !strings.Contains(texts(rep), "na shledanou") {
		t.Fatalf("bye = end %q %q, want done", rep.End, texts(rep))
	}
	res := (&convo{t: t, h: h.bot, session: c.session}).hello()
	if !res.Resumed || res.Expect.Kind != "text" {
		t.Errorf("resume after end = %+v, want resumed accepting text", res.Expect)
	}
	rep = c.text("ahoj")
	if rep.Session != c.session || rep.End != "" || !strings.Contains(texts(rep), "Dobrý den") {
		t.Errorf("text after end = session %q end %q %q, want the menu again in the same session", rep.Session, rep.End, texts(rep))
	}
}

func TestExpiredSession(t *testing.T) {
	h := newHarness(t, "bot.yaml", bot.Config{})
	c := &convo{t: t, h: h.bot}
	c.hello()
	if err := h.store.Delete(t.Context(), c.session); err != nil {
		t.Fatal(err)
	}
	rep := c.text("stav")
	if rep.End != "expired" || texts(rep) == "" {
		t.Errorf("text to an expired session = end %q %q, want expired with a message", rep.End, texts(rep))
	}
}

func TestShopErrorTakesErrorExit(t *testing.T) {
	mine, _ := demoOrder(t)
	tests := []struct {
		name  string
		fault func(*fakeShop)
	}{
		{"500", func(f *fakeShop) { f.Fail(500, 100) }},
		{"503", func(f *fakeShop) { f.Fail(503, 100) }},
		{"429 beyond the retry budget", func(f *fakeShop) { f.RateLimit(100, time.Minute, true) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, "bot.yaml", bot.Config{})
			c := &convo{t: t, h: h.bot}
			c.hello()
			c.text("stav")
			c.text(mine.OrderNumber)
			tt.fault(h.shop)
			start := time.Now()
			rep, err := c.try(mine.Email)
			if err != nil {
				t.Fatalf("shop failure surfaced as %v, want the scenario's error exit", err)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("the failing turn took %v", d)
			}
			if !strings.Contains(texts(rep), "neodpovídá") {
				t.Errorf("reply = %q, want the shop-down message", texts(rep))
			}
			for _, leak := range []string{"500", "503", "429", "error", "upgates"} {
				if strings.Contains(texts(rep), leak) {
					t.Errorf("reply leaks the technical error (%s): %q", leak, texts(rep))
				}
			}
			if rep.Expect.Kind != "button" {
				t.Errorf("expect = %+v, want back at the menu", rep.Expect)
			}
			if h.metrics.action("verify_email/error") != 1 {
				t.Errorf("actions = %v, want one verify_email error", h.metrics.actions)
			}
			logs := h.logs.String()
			if !strings.Contains(logs, "level=WARN") {
				t.Errorf("the shop failure was not logged at Warn")
			}
			if strings.Contains(strings.ToLower(logs), strings.ToLower(mine.Email)) {
				t.Errorf("the customer's e-mail is in the logs")
			}
		})
	}
}

func TestTurnDeadline(t *testing.T) {
	mine, _ := demoOrder(t)
	h := newHarness(t, "bot.yaml", bot.Config{TurnTimeout: 300 * time.Millisecond})
	c := &convo{t: t, h: h.bot}
	c.hello()
	c.text("stav")
	c.text(mine.OrderNumber)
	h.shop.SetLatency(2 * time.Second)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	rep, err := h.bot.Handle(ctx, bot.Request{Kind: bot.KindText, Session: c.session, Text: mine.Email})
	h.shop.SetLatency(0)
	if err != nil {
		t.Fatalf("slow shop surfaced as %v, want the error exit", err)
	}
	if !strings.Contains(texts(rep), "neodpovídá") {
		t.Errorf("reply = %q, want the shop-down message", texts(rep))
	}
}

func TestNewValidatesConfig(t *testing.T) {
	h := newHarness(t, "bot.yaml", bot.Config{})
	_ = h
	tests := []struct {
		name string
		cfg  bot.Config
	}{
		{"no scenario", bot.Config{}},
		{"bad id", bot.Config{ID: "a b"}},
		{"bad lang", bot.Config{Lang: "de"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := bot.New(tt.cfg); err == nil {
				t.Errorf("New(%s) = nil error", tt.name)
			}
		})
	}
}

func TestLogging(t *testing.T) {
	for _, content := range []bool{false, true} {
		t.Run(fmt.Sprintf("content=%v", content), func(t *testing.T) {
			h := newHarness(t, "bot.yaml", bot.Config{LogContent: content})
			c := &convo{t: t, h: h.bot}
			c.hello()
			c.text("stav prosím")
			c.text("2026000101")
			logs := h.logs.String()
			if n := strings.Count(logs, "msg=turn "); n != 3 {
				t.Errorf("%d turn lines, want one per turn (3):\n%s", n, logs)
			}
			for _, line := range strings.Split(logs, "\n") {
				if strings.Contains(line, "msg=turn ") && !strings.Contains(line, "level=DEBUG") {
					t.Errorf("turn line not at Debug: %s", line)
				}
			}
			if !strings.Contains(logs, `level=INFO msg="session started"`) {
				t.Errorf("no lifecycle line for the new session:\n%s", logs)
			}
			if got := strings.Contains(logs, "stav prosím"); got != content {
				t.Errorf("customer text in logs = %v with LogContent %v", got, content)
			}
			if h.metrics.turns["ok"] != 3 {
				t.Errorf("metrics turns = %v, want 3 ok", h.metrics.turns)
			}
		})
	}
}

func TestHistoryKeepsLastMessages(t *testing.T) {
	h := newHarness(t, "bot.yaml", bot.Config{})
	c := &convo{t: t, h: h.bot}
	c.hello()
	for i := range 40 {
		c.text(fmt.Sprintf("nevím %d", i))
	}
	hist := (&convo{t: t, h: h.bot, session: c.session}).hello().History
	if len(hist) != 50 {
		t.Fatalf("history has %d entries, want the last 50", len(hist))
	}
	if last := hist[len(hist)-2]; last.From != "user" || last.Text != "nevím 39" {
		t.Errorf("history ends with %+v, want the last customer message", last)
	}
}

func TestConcurrentTurnsOneInstance(t *testing.T) {
	h := newHarness(t, "bot.yaml", bot.Config{})
	c := &convo{t: t, h: h.bot}
	c.hello()
	const n = 8
	errs := make(chan error, n)
	for i := range n {
		go func() {
			_, err := h.bot.Handle(t.Context(), bot.Request{Kind: bot.KindText, Session: c.session, Text: fmt.Sprintf("zpráva %d", i)})
			errs <- err
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	hist := (&convo{t: t, h: h.bot, session: c.session}).hello().History
	if len(hist) != 1+2*n {
		t.Fatalf("history has %d entries, want %d", len(hist), 1+2*n)
	}
	for i := 1; i < len(hist); i += 2 {
		if hist[i].From != "user" || hist[i+1].From != "bot" {
			t.Errorf("history %d-%d = %s, %s: turns interleaved", i, i+1, hist[i].From, hist[i+1].From)
		}
	}
}

func TestScenarioChangedUnderSession(t *testing.T) {
	old := newHarness(t, "bot.yaml", bot.Config{})
	c := &convo{t: t, h: old.bot}
	c.hello()
	c.text("vzkaz") // waits at note_order, a box the default scenario lacks
	deployed := newHarness(t, "default", bot.Config{Store: old.store})
	c.h = deployed.bot
	rep := c.text("2026000101")
	if !strings.Contains(texts(rep), "S čím vám mohu pomoci?") {
		t.Errorf("turn after the scenario changed = %q, want the new scenario from its start", texts(rep))
	}
	if !strings.Contains(deployed.logs.String(), "restarting") {
		t.Errorf("restart not logged")
	}
}
