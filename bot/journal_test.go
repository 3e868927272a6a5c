package bot_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/samoobsluha/samoobsluha/bot"
	"github.com/samoobsluha/samoobsluha/session"
)

// flakyStore is a real memory store whose saves can be made to fail, as
// when Redis goes away in the middle of a turn.
type flakyStore struct {
	session.Store
	mu     sync.Mutex
	saveOK int // saves that still succeed; negative: all
}

func (f *flakyStore) failAfter(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.saveOK = n
}

// fail reports whether the next save fails, counting it.
func (f *flakyStore) fail(s *session.Session) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	fail := f.saveOK == 0
	if f.saveOK > 0 {
		f.saveOK--
	}
	if fail {
		return fmt.Errorf("save session %s: connection refused: %w", s.ID, session.ErrUnavailable)
	}
	return nil
}

func (f *flakyStore) Save(ctx context.Context, s *session.Session) error {
	if err := f.fail(s); err != nil {
		return err
	}
	return f.Store.Save(ctx, s)
}

// LockGet hands out turn locks whose SaveUnlock fails like Save.
func (f *flakyStore) LockGet(ctx context.Context, id string) (session.TurnLock, error) {
	tl, err := f.Store.LockGet(ctx, id)
	if err != nil {
		return nil, err
	}
	return &flakyTurn{TurnLock: tl, f: f}, nil
}

// flakyTurn is a real turn lock whose SaveUnlock can be made to fail.
type flakyTurn struct {
	session.TurnLock
	f *flakyStore
}

func (t *flakyTurn) SaveUnlock(ctx context.Context, s *session.Session) error {
	if err := t.f.fail(s); err != nil {
		return err
	}
	return t.TurnLock.SaveUnlock(ctx, s)
}

func (h *harness) puts() int {
	n := 0
	for _, c := range h.shop.Calls() {
		if c.Method == http.MethodPut {
			n++
		}
	}
	return n
}

func TestWriteNotRepeatedAfterFailedSave(t *testing.T) {
	mine, _ := demoOrder(t)
	store := &flakyStore{Store: session.NewMemoryStore(session.MemoryOptions{}), saveOK: -1}
	h := newHarness(t, "bot.yaml", bot.Config{Store: store})
	c := &convo{t: t, h: h.bot}
	c.hello()
	c.text("vzkaz")
	c.text(mine.OrderNumber)

	// The journal save before the write succeeds, the save after it fails.
	store.failAfter(1)
	_, err := c.try(mine.Email)
	wantCode(t, err, bot.CodeUnavailable)
	if n := h.puts(); n != 1 {
		t.Fatalf("shop writes after the failed turn = %d, want 1", n)
	}

	// The client resends the same text: the write is not sent again and
	// the customer is told the shop could not confirm it.
	store.failAfter(-1)
	rep := c.text(mine.Email)
	if n := h.puts(); n != 1 {
		t.Errorf("shop writes after the retry = %d, want still 1", n)
	}
	if !strings.Contains(texts(rep), "neodpovídá") {
		t.Errorf("retry reply = %q, want the error exit", texts(rep))
	}
	o, _ := h.shop.Order(mine.OrderNumber)
	note := ""
	if o.InternalNote != nil {
		note = *o.InternalNote
	}
	if strings.Count(note, "Zákazník prosí o zavolání.") != 1 {
		t.Errorf("internal note = %q, want the line exactly once", note)
	}
}

func TestWriteRememberedInSession(t *testing.T) {
	mine, _ := demoOrder(t)
	h := newHarness(t, "bot.yaml", bot.Config{})
	c := &convo{t: t, h: h.bot}
	c.hello()
	for i := range 2 {
		c.text("vzkaz")
		c.text(mine.OrderNumber)
		rep := c.text(mine.Email)
		if !strings.Contains(texts(rep), "Vzkaz jsem předal") {
			t.Fatalf("note %d: %q", i+1, texts(rep))
		}
	}
	if n := h.puts(); n != 1 {
		t.Errorf("shop writes for the same note twice in one session = %d, want 1", n)
	}
	if h.metrics.action("append_note/replayed") != 1 {
		t.Errorf("actions = %v, want one replayed append_note", h.metrics.actions)
	}
}

func TestFailedSaveLosesNothing(t *testing.T) {
	store := &flakyStore{Store: session.NewMemoryStore(session.MemoryOptions{}), saveOK: -1}
	h := newHarness(t, "bot.yaml", bot.Config{Store: store})
	c := &convo{t: t, h: h.bot}
	c.hello()
	store.failAfter(0)
	_, err := c.try("stav")
	wantCode(t, err, bot.CodeUnavailable)
	store.failAfter(-1)
	rep := c.text("stav")
	if rep.Expect.Input != "order_number" {
		t.Errorf("retry after a failed save: expect %+v, want the order number", rep.Expect)
	}
	hist := (&convo{t: t, h: h.bot, session: c.session}).hello().History
	if len(hist) != 3 {
		t.Errorf("history has %d entries, want 3 (the failed turn left nothing)", len(hist))
	}
}
