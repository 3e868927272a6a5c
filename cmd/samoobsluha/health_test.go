package main

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestShopHealthSavesQuota(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	calls := 0
	var fail error
	h := newShopHealth(func(context.Context) error { calls++; return fail })
	h.now = func() time.Time { return now }

	for i := 0; i < 5; i++ {
		if err := h.Ping(t.Context()); err != nil {
			t.Fatalf("Ping = %v, want nil", err)
		}
	}
	if calls != 1 {
		t.Fatalf("5 probes made %d shop calls, want 1", calls)
	}
	now = now.Add(9 * time.Minute)
	h.observe(200, nil) // a customer's lookup proves the shop is up
	now = now.Add(9 * time.Minute)
	if err := h.Ping(t.Context()); err != nil || calls != 1 {
		t.Fatalf("after a real call: Ping = %v, calls = %d, want nil, 1", err, calls)
	}
	now = now.Add(11 * time.Minute)
	fail = errors.New("shop down")
	if err := h.Ping(t.Context()); err == nil || calls != 2 {
		t.Fatalf("shop down: Ping = %v, calls = %d, want an error, 2", err, calls)
	}
	now = now.Add(30 * time.Second)
	if err := h.Ping(t.Context()); err == nil || calls != 2 {
		t.Fatalf("within a minute of a failure: Ping = %v, calls = %d, want the cached error, 2", err, calls)
	}
	h.observe(503, errors.New("x")) // a 5xx proves nothing
	fail = nil
	now = now.Add(time.Minute)
	if err := h.Ping(t.Context()); err != nil || calls != 3 {
		t.Fatalf("after recovery: Ping = %v, calls = %d, want nil, 3", err, calls)
	}
}
