package loadtest

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/samoobsluha/samoobsluha/upgates/upgatestest"
)

// Step is one client frame of a scripted conversation and the check on the
// server's answer.
type Step struct {
	// Name labels the step in reports ("hello", "status", ...).
	Name string
	// Frame is the JSON text frame sent.
	Frame []byte
	// Check, when not nil, returns why the answer is wrong. The load
	// generator calls it only when Config.Check is set.
	Check func(Turn) error
}

// Script returns the steps of conversation number n (0, 1, 2, ...), so that
// a script can vary the order it asks about. It must be safe for
// concurrent use.
type Script func(n int) []Step

// demoOrder is a demo order that has been shipped with tracking and has an
// invoice, so the whole status -> tracking -> invoice path runs.
type demoOrder struct{ number, email string }

// scriptOrders are the demo orders the DemoScript asks about, with the
// e-mail that verifies each (from upgatestest.DemoHints).
func scriptOrders() []demoOrder {
	want := []string{"2026000102", "2026000104", "2026000105"}
	var out []demoOrder
	for _, h := range upgatestest.DemoHints() {
		if slices.Contains(want, h.OrderNumber) && h.Email != "" {
			out = append(out, demoOrder{h.OrderNumber, h.Email})
		}
	}
	return out
}

// DemoScript is the benchmark conversation against the default scenario
// and the demo shop, in Czech over the web channel: hello, "order status"
// button, the order number, the verifying e-mail (the status answer),
// "where is my parcel" (tracking link), "invoice" (a signed invoice link),
// "that is all" (end). Seven turns; conversation n asks about one of
// three shipped, invoiced demo orders in turn. The checks accept only the
// right answers, so a server that answers fast but wrongly shows errors.
func DemoScript() Script {
	orders := scriptOrders()
	return func(n int) []Step { return demoSteps(orders[n%len(orders)]) }
}

// demoSteps are the DemoScript's steps for one order.
func demoSteps(o demoOrder) []Step {
	return []Step{
		{Name: "hello", Frame: Hello("cs", ""), Check: func(t Turn) error {
			if t.Session == "" {
				return errors.New("no session frame")
			}
			return wantButtons(t, "status", "parcel", "invoice")
		}},
		{Name: "menu", Frame: Press("status"), Check: wantExpect("order_number")},
		{Name: "order", Frame: Text(o.number), Check: wantExpect("email")},
		{Name: "email", Frame: Text(o.email), Check: func(t Turn) error {
			if !strings.Contains(t.Text(), o.number) {
				return fmt.Errorf("status answer does not name order %s: %q", o.number, clip(t.Text()))
			}
			return wantButtons(t, "parcel", "invoice", "done")
		}},
		{Name: "parcel", Frame: Press("parcel"), Check: func(t Turn) error {
			if len(t.LinkURLs()) == 0 {
				return fmt.Errorf("no tracking link: %q", clip(t.Text()))
			}
			return nil
		}},
		{Name: "invoice", Frame: Press("invoice"), Check: func(t Turn) error {
			for _, u := range t.LinkURLs() {
				if strings.Contains(u, "/invoice/") {
					return nil
				}
			}
			return fmt.Errorf("no invoice link: %q", clip(t.Text()))
		}},
		{Name: "done", Frame: Press("done"), Check: func(t Turn) error {
			if t.End != "done" {
				return fmt.Errorf("conversation did not end (end %q)", t.End)
			}
			return nil
		}},
	}
}

// GuessScript is one customer guessing order numbers: hello, "order
// status", then guesses wrong order numbers (each answered by "not found"
// or, after the bot's retries, by the menu again). It is for the
// brute-force fault test, not for throughput.
func GuessScript(guesses int) Script {
	return func(n int) []Step {
		steps := []Step{{Name: "hello", Frame: Hello("cs", "")}, {Name: "menu", Frame: Press("status")}}
		for i := range guesses {
			steps = append(steps, Step{Name: "guess", Frame: Text(fmt.Sprintf("20269%05d", n*guesses+i))})
		}
		return steps
	}
}

func wantExpect(input string) func(Turn) error {
	return func(t Turn) error {
		if t.Expect == nil || t.Expect.Input != input {
			return fmt.Errorf("expect %+v, want input %q: %q", t.Expect, input, clip(t.Text()))
		}
		return nil
	}
}

func wantButtons(t Turn, values ...string) error {
	have := t.ButtonValues()
	for _, v := range values {
		if !slices.Contains(have, v) {
			return fmt.Errorf("no %q button among %v: %q", v, have, clip(t.Text()))
		}
	}
	return nil
}

func clip(s string) string {
	if len(s) > 160 {
		return s[:160] + "..."
	}
	return s
}
