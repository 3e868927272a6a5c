package dialog_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/samoobsluha/samoobsluha/dialog"
)

// FuzzParseScenario: parsing never panics and is deterministic (the same
// bytes give the same boxes or the same errors).
func FuzzParseScenario(f *testing.F) {
	f.Add(dialog.DefaultScenario())
	files, _ := filepath.Glob("../examples/*.yaml")
	files = append(files, "testdata/lint-broken.yaml")
	for _, name := range files {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("start: a\nboxes:\n  a: {type: end, say: '{{#if x}}y{{/if}}'}\n"))
	f.Add([]byte("start: a\nboxes:\n  a: &x {type: goto, next: a}\n  b: *x\n"))
	f.Add([]byte("- [unbalanced"))
	f.Fuzz(func(t *testing.T, data []byte) {
		sc1, err1 := dialog.ParseScenario("f.yaml", data)
		sc2, err2 := dialog.ParseScenario("f.yaml", data)
		if (err1 == nil) != (err2 == nil) {
			t.Fatalf("ParseScenario not deterministic: %v vs %v", err1, err2)
		}
		if err1 != nil {
			if err1.Error() != err2.Error() {
				t.Fatalf("ParseScenario errors differ:\n%v\n%v", err1, err2)
			}
			return
		}
		if !cmp.Equal(sc1.Order, sc2.Order) || sc1.Start != sc2.Start {
			t.Fatalf("ParseScenario boxes differ: %v vs %v", sc1.Order, sc2.Order)
		}
		_ = dialog.Lint("f.yaml", data, nil)
		// A parsed scenario runs without panicking.
		eng := dialog.NewEngine(sc1, dialog.Options{})
		st := dialog.NewState(dialog.ChannelWeb, "cs", nil)
		st, _, _ = eng.Step(st, dialog.Input{Kind: dialog.InputStart})
		if err := eng.Valid(st); err != nil {
			t.Fatalf("state after start is invalid: %v", err)
		}
	})
}

// FuzzStep drives the default scenario with arbitrary inputs: every step
// leaves a valid state that survives JSON, an error leaves the state
// unchanged, and no private value reaches the public variables.
func FuzzStep(f *testing.F) {
	f.Add("status\x002025000123\x00jan@example.cz", []byte{1, 0, 0, 5, 0, 5, 3})
	f.Add("kde je muj balik\x00123\x00@person", []byte{0, 0, 5, 1, 2, 3, 4})
	f.Add("operator", []byte{0})
	f.Add("{\"status\":\"x\",\"paid\":false,\"topay\":\"abc\",\"orders\":[1,2]}", []byte{5, 5, 5, 6, 7, 8})
	sc, err := dialog.ParseScenario("default.yaml", dialog.DefaultScenario())
	if err != nil {
		f.Fatal(err)
	}
	eng := dialog.NewEngine(sc, dialog.Options{Transfer: "+420222333444"})
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, texts string, ops []byte) {
		parts := strings.Split(texts, "\x00")
		ch := dialog.ChannelWeb
		if len(ops) > 0 && ops[0]%2 == 1 {
			ch = dialog.ChannelVoice
		}
		st := dialog.NewState(ch, "cs", map[string]string{"page": "x"})
		st.Private["$caller"] = "+420601223344"
		st, _, err := eng.Step(st, dialog.Input{Kind: dialog.InputStart, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		for i, op := range ops {
			if i > 50 {
				break
			}
			text := parts[i%len(parts)]
			var in dialog.Input
			switch op % 9 {
			case 0:
				in = dialog.Input{Kind: dialog.InputText, Text: text, Alternatives: parts}
			case 1:
				in = dialog.Input{Kind: dialog.InputButton, Value: text}
			case 2:
				in = dialog.Input{Kind: dialog.InputDigits, Text: text}
			case 3:
				in = dialog.Input{Kind: dialog.InputNoInput}
			case 4:
				in = dialog.Input{Kind: dialog.InputStart}
			case 5:
				var v any = map[string]any{"status": text, "paid": op%2 == 0, "topay": float64(op), "currency": "CZK", "cancellable": true, "tracking": text, "invoice": "found", "invoiceurl": text, "count": 2.0, "orders": []any{map[string]any{"orderid": text, "date": text, "price": 1.5}}}
				_ = json.Unmarshal([]byte(text), &v)
				in = dialog.Input{Kind: dialog.InputResult, Result: &dialog.ActionResult{Outcome: dialog.OutcomeYes, Value: v}}
			case 6:
				in = dialog.Input{Kind: dialog.InputResult, Result: &dialog.ActionResult{Outcome: dialog.OutcomeNo, Value: false}}
			case 7:
				in = dialog.Input{Kind: dialog.InputResult, Result: &dialog.ActionResult{Outcome: dialog.OutcomeError, Value: false}}
			case 8:
				in = dialog.Input{Kind: dialog.InputResult, Result: &dialog.ActionResult{Outcome: dialog.OutcomeLocked, Value: false}}
			}
			in.Now = now
			next, out, err := eng.Step(st, in)
			if err != nil {
				if !cmp.Equal(st, next) {
					t.Fatalf("Step(%+v) failed (%v) and changed the state", in, err)
				}
				continue
			}
			if err := eng.Valid(next); err != nil {
				t.Fatalf("Step(%+v) left an invalid state: %v", in, err)
			}
			if out.Action == nil && out.End == "" && out.Expect.Kind == "" {
				t.Fatalf("Step(%+v) neither waits, acts nor ends: %+v", in, out)
			}
			b, err := json.Marshal(next)
			if err != nil {
				t.Fatalf("marshal state: %v", err)
			}
			var back dialog.State
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatalf("unmarshal state: %v", err)
			}
			pub, _ := json.Marshal(next.PublicVars())
			if strings.Contains(string(pub), "+420601223344") {
				t.Fatalf("the private caller number leaked into public variables: %s", pub)
			}
			st = back
		}
	})
}
