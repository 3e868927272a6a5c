package upgates_test

import (
	"errors"
	"testing"

	"github.com/samoobsluha/samoobsluha/upgates"
	"github.com/samoobsluha/samoobsluha/upgates/upgatestest"
)

// The request hook runs once per request that goes to the shop, and not
// for an answer from the cache.
func TestRequestHook(t *testing.T) {
	const number = "2026000106"
	srv := upgatestest.NewServer(t)
	c := mustClient(t, srv, upgates.Options{ShopKey: "horsky-sklad"})
	hooks := 0
	ctx := upgates.WithRequestHook(t.Context(), func() { hooks++ })
	for _, step := range []struct {
		name         string
		calls, hooks int // shop calls of the read, hook runs so far
	}{{"miss", 1, 1}, {"hit", 0, 1}} {
		calls := srv.CallCount(upgatestest.ByMethod("GET"))
		if _, err := c.Order(ctx, number); err != nil {
			t.Fatalf("Order(%s) error = %v", number, err)
		}
		if got := srv.CallCount(upgatestest.ByMethod("GET")) - calls; got != step.calls || hooks != step.hooks {
			t.Errorf("%s: %d shop calls, hook ran %d times so far; want %d, %d", step.name, got, hooks, step.calls, step.hooks)
		}
	}
	if _, err := c.Order(t.Context(), "1"); !errors.Is(err, upgates.ErrNotFound) {
		t.Fatalf("Order(1) error = %v, want ErrNotFound", err)
	}
	if hooks != 1 {
		t.Errorf("a request without the hook's context ran it: %d runs", hooks)
	}
}
