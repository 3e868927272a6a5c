package bot_test

import (
	"testing"

	"github.com/samoobsluha/samoobsluha/bot"
	"github.com/samoobsluha/samoobsluha/session"
)

// benchTurn measures one turn that the scenario answers without the shop
// (free text at the menu that matches nothing: load, step, save, render).
func benchTurn(b *testing.B, store session.Store) {
	h := newHarness(b, "bot.yaml", bot.Config{Store: store})
	c := &convo{t: b, h: h.bot}
	c.hello()
	req := bot.Request{Kind: bot.KindText, Session: c.session, Text: "dobrý den, mám dotaz"}
	ctx := b.Context()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := h.bot.Handle(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTurnMemory(b *testing.B) {
	benchTurn(b, session.NewMemoryStore(session.MemoryOptions{}))
}

func BenchmarkTurnRedis(b *testing.B) {
	url := redisURL(b)
	in := newRedisInstance(b, url, testPrefix(b, url))
	benchTurn(b, in.store)
}

// BenchmarkStatusTurn measures the turn that verifies the customer and
// reads the order (two app calls, served from the apps' cache after the
// first iteration) with the memory store.
func BenchmarkStatusTurn(b *testing.B) {
	mine, _ := demoOrder(b)
	h := newHarness(b, "bot.yaml", bot.Config{})
	c := &convo{t: b, h: h.bot}
	c.hello()
	c.text("stav")
	c.text(mine.OrderNumber)
	s, err := h.store.Get(b.Context(), c.session)
	if err != nil {
		b.Fatal(err)
	}
	snapshot := *s
	req := bot.Request{Kind: bot.KindText, Session: c.session, Text: mine.Email}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		// Put the session back to waiting for the e-mail.
		cur, err := h.store.Get(b.Context(), c.session)
		if err != nil {
			b.Fatal(err)
		}
		back := snapshot
		back.Version = cur.Version
		if err := h.store.Save(b.Context(), &back); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := h.bot.Handle(b.Context(), req); err != nil {
			b.Fatal(err)
		}
	}
}
