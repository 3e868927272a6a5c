package main

import (
	"context"
	"sync"
	"time"
)

// shopHealth answers readiness for one Upgates shop without spending the
// shop's quota: Upgates charges every call (Platinum allows 100 an hour),
// so a probe every few seconds must not become a call every few seconds.
// Real calls report their outcome through observe; Ping calls the shop
// only when nothing was heard for okFor, and at most once per retryAfter.
type shopHealth struct {
	ping       func(context.Context) error
	now        func() time.Time
	okFor      time.Duration
	retryAfter time.Duration

	mu      sync.Mutex
	lastOK  time.Time
	lastTry time.Time
	lastErr error
}

func newShopHealth(ping func(context.Context) error) *shopHealth {
	return &shopHealth{ping: ping, now: time.Now, okFor: 10 * time.Minute, retryAfter: time.Minute}
}

// observe records the outcome of a real shop call: any answer below 500
// (a 404 or 429 included) means the shop is up.
func (h *shopHealth) observe(status int, err error) {
	if status == 0 || status >= 500 {
		return
	}
	h.mu.Lock()
	h.lastOK, h.lastErr = h.now(), nil
	h.mu.Unlock()
}

// Ping reports whether the shop answered recently, asking it when unsure.
func (h *shopHealth) Ping(ctx context.Context) error {
	h.mu.Lock()
	now := h.now()
	if !h.lastOK.IsZero() && now.Sub(h.lastOK) < h.okFor {
		h.mu.Unlock()
		return nil
	}
	if !h.lastTry.IsZero() && now.Sub(h.lastTry) < h.retryAfter {
		err := h.lastErr
		h.mu.Unlock()
		return err
	}
	h.lastTry = now
	h.mu.Unlock()

	err := h.ping(ctx)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.lastErr = err
	if err == nil {
		h.lastOK = h.now()
	}
	return err
}
