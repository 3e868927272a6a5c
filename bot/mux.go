package bot

import (
	"context"
	"errors"
	"fmt"

	"github.com/samoobsluha/samoobsluha/bot/apps"
	"github.com/samoobsluha/samoobsluha/upgates"
)

// Mux routes requests to bots by Request.Bot ("" means "default"). It
// implements Handler. It is safe for concurrent use; the bots are fixed at
// construction.
type Mux struct {
	bots  map[string]*Bot
	order []*Bot
}

// NewMux returns a Mux over bots. It panics on two bots with one id, a
// programmer error found at startup.
func NewMux(bots ...*Bot) *Mux {
	m := &Mux{bots: make(map[string]*Bot, len(bots))}
	for _, b := range bots {
		if _, dup := m.bots[b.id]; dup {
			panic(fmt.Sprintf("bot.NewMux: duplicate bot id %q", b.id))
		}
		m.bots[b.id] = b
		m.order = append(m.order, b)
	}
	return m
}

// Bot returns the bot with id ("" means "default"), or nil.
func (m *Mux) Bot(id string) *Bot {
	if id == "" {
		id = "default"
	}
	return m.bots[id]
}

// Handle passes req to its bot. An unknown bot is *Error{Code:
// CodeUnknownBot}; the transport answers it as bad_frame or 404.
func (m *Mux) Handle(ctx context.Context, req Request) (Reply, error) {
	b := m.Bot(req.Bot)
	if b == nil {
		lang := req.Lang
		if lang != "en" {
			lang = "cs"
		}
		return Reply{Session: req.Session}, newError(CodeUnknownBot, lang)
	}
	return b.Handle(ctx, req)
}

// Invoice opens the invoice PDF a signed token names. It asks each bot's
// apps in turn, since a token is signed for one bot. Errors:
// ErrInvoiceNotFound (forged token, other bot, no such invoice),
// ErrInvoiceExpired, or a wrapped technical error. The caller closes
// Invoice.Body.
func (m *Mux) Invoice(ctx context.Context, token string) (*Invoice, error) {
	expired := false
	for _, b := range m.order {
		name, body, err := b.apps.OpenInvoice(ctx, token)
		switch {
		case err == nil:
			return &Invoice{FileName: name, Body: body}, nil
		case errors.Is(err, apps.ErrTokenExpired):
			expired = true
		case errors.Is(err, apps.ErrTokenInvalid):
			// Not this bot's token; try the next.
		case errors.Is(err, upgates.ErrNotFound):
			return nil, ErrInvoiceNotFound
		default:
			b.log.WarnContext(ctx, "open invoice failed", "err", err)
			return nil, fmt.Errorf("open invoice for bot %s: %w", b.id, err)
		}
	}
	if expired {
		return nil, ErrInvoiceExpired
	}
	return nil, ErrInvoiceNotFound
}

// Ping reports whether every bot's session store (and shop, when
// configured) is reachable, for readiness checks.
func (m *Mux) Ping(ctx context.Context) error {
	var errs []error
	for _, b := range m.order {
		if err := b.Ping(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
