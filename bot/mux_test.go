package bot_test

import (
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/samoobsluha/samoobsluha/bot"
	"github.com/samoobsluha/samoobsluha/bot/apps"
	"github.com/samoobsluha/samoobsluha/session"
	"github.com/samoobsluha/samoobsluha/upgates"
	"github.com/samoobsluha/samoobsluha/upgates/upgatestest"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestMuxRoutes(t *testing.T) {
	h1 := newHarness(t, "bot.yaml", bot.Config{})
	h2 := newHarness(t, "bot.yaml", bot.Config{ID: "shop2", Lang: "en", Store: h1.store})
	m := bot.NewMux(h1.bot, h2.bot)
	rep := mustHandle(t, m, bot.Request{Kind: bot.KindHello})
	if rep.Bot != "default" || rep.Lang != "cs" {
		t.Errorf("default route = %s %s", rep.Bot, rep.Lang)
	}
	rep2 := mustHandle(t, m, bot.Request{Kind: bot.KindHello, Bot: "shop2"})
	if rep2.Bot != "shop2" || rep2.Lang != "en" {
		t.Errorf("shop2 route = %s %s", rep2.Bot, rep2.Lang)
	}
	_, err := m.Handle(t.Context(), bot.Request{Kind: bot.KindHello, Bot: "nope"})
	wantCode(t, err, bot.CodeUnknownBot)

	// A session of one bot does not resume on another.
	rep3 := mustHandle(t, m, bot.Request{Kind: bot.KindHello, Bot: "shop2", Session: rep.Session})
	if rep3.Resumed || rep3.Session == rep.Session {
		t.Errorf("shop2 resumed default's session")
	}
	if err := m.Ping(t.Context()); err != nil {
		t.Errorf("Ping = %v", err)
	}
}

func TestMuxInvoice(t *testing.T) {
	shop := newShop(t)
	clk := &clock{t: time.Now()}
	client := upgates.New(shop.url, upgatestest.DemoLogin, upgatestest.DemoKey, upgates.Options{})
	a, err := apps.New(client, "default", apps.Options{PublicURL: "http://bot.test", Secret: testSecret, Now: clk.Now, InvoiceTTL: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	b, err := bot.New(bot.Config{Scenario: mustScenario(t, "bot.yaml"), Apps: a, Store: session.NewMemoryStore(session.MemoryOptions{})})
	if err != nil {
		t.Fatal(err)
	}
	m := bot.NewMux(b)

	var token string
	for _, hint := range upgatestest.DemoHints() {
		if hint.Email == "" {
			continue
		}
		res := a.Run(t.Context(), apps.Call{App: "order_documents", Params: map[string]string{"order": hint.OrderNumber, "email": hint.Email}})
		if v, ok := res.Value.(map[string]any); ok && v["invoice"] == "found" {
			url, _ := v["invoiceurl"].(string)
			token = url[strings.LastIndex(url, "/")+1:]
			break
		}
	}
	if token == "" {
		t.Fatal("no demo order with an invoice")
	}
	inv, err := m.Invoice(t.Context(), token)
	if err != nil {
		t.Fatalf("Invoice(valid) = %v", err)
	}
	body, _ := io.ReadAll(inv.Body)
	inv.Body.Close()
	if !strings.HasPrefix(string(body), "%PDF") || !strings.HasSuffix(inv.FileName, ".pdf") {
		t.Errorf("invoice %q starts %q, want a PDF", inv.FileName, body[:min(8, len(body))])
	}
	if _, err := m.Invoice(t.Context(), token[:len(token)-2]+"xx"); !errors.Is(err, bot.ErrInvoiceNotFound) {
		t.Errorf("Invoice(forged) = %v, want ErrInvoiceNotFound", err)
	}
	clk.Add(2 * time.Minute)
	if _, err := m.Invoice(t.Context(), token); !errors.Is(err, bot.ErrInvoiceExpired) {
		t.Errorf("Invoice(expired) = %v, want ErrInvoiceExpired", err)
	}
}
