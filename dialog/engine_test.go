package dialog_test

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/samoobsluha/samoobsluha/bot/apps"
	"github.com/samoobsluha/samoobsluha/dialog"
)

func mustEngine(t *testing.T, src string) *dialog.Engine {
	t.Helper()
	sc, err := dialog.ParseScenario("t.yaml", []byte(src))
	if err != nil {
		t.Fatalf("ParseScenario: %v", err)
	}
	return dialog.NewEngine(sc, dialog.Options{})
}

func defaultEngine(t *testing.T) *dialog.Engine {
	t.Helper()
	return mustEngine(t, string(dialog.DefaultScenario()))
}

// Every app in the catalog (the seed's actions and ours) is used by the
// default scenario or an example scenario.
func TestEveryAppIsUsed(t *testing.T) {
	texts := []string{string(dialog.DefaultScenario())}
	files, _ := filepath.Glob("../examples/*.yaml")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, string(b))
	}
	all := strings.Join(texts, "\n")
	for _, a := range apps.Catalog() {
		if !regexp.MustCompile(`(?m)^\s+app: ` + a.Name + `\s*$`).MatchString(all) {
			t.Errorf("app %s is used by neither the default scenario nor an example", a.Name)
		}
	}
}

// Every text of the default scenario is given in both languages.
func TestDefaultScenarioIsBilingual(t *testing.T) {
	sc, err := dialog.ParseScenario("default.yaml", dialog.DefaultScenario())
	if err != nil {
		t.Fatal(err)
	}
	check := func(where string, tx *dialog.Text) {
		if tx == nil {
			return
		}
		if tx.Single || tx.CS == nil || tx.EN == nil {
			t.Errorf("default.yaml:%d: %s: want both cs and en", tx.Line, where)
		}
	}
	for _, id := range sc.Order {
		b := sc.Boxes[id]
		check(id+" say", b.Say)
		check(id+" speech", b.Speech)
		check(id+" retry", b.Retry)
		for _, bt := range b.Buttons {
			check(id+" button "+bt.Value, bt.Title)
			if len(bt.Synonyms["cs"]) == 0 || len(bt.Synonyms["en"]) == 0 {
				t.Errorf("box %s button %s: want cs and en synonyms", id, bt.Value)
			}
		}
		for _, l := range b.Links {
			check(id+" link", l.Title)
		}
		if (b.Kind == dialog.KindButtons || b.Kind == dialog.KindInput) && b.Speech == nil {
			t.Errorf("box %s waits for the caller but has no short speech prompt", id)
		}
	}
	for name, tx := range sc.Messages {
		check("messages."+name, tx)
	}
}

func TestStepDoesNotModifyItsState(t *testing.T) {
	eng := defaultEngine(t)
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	st := dialog.NewState(dialog.ChannelWeb, "cs", map[string]string{"a": "b"})
	st, _, err := eng.Step(st, dialog.Input{Kind: dialog.InputStart, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	inputs := []dialog.Input{
		{Kind: dialog.InputButton, Value: "status"},
		{Kind: dialog.InputText, Text: "2025000123"},
		{Kind: dialog.InputResult, Result: &dialog.ActionResult{Outcome: dialog.OutcomeYes, Value: map[string]any{"status": "x", "items": []any{map[string]any{"a": "b"}}}}},
		{Kind: dialog.InputText, Text: "jan@example.cz"},
		{Kind: dialog.InputResult, Result: &dialog.ActionResult{Outcome: dialog.OutcomeYes, Value: true}},
	}
	for _, in := range inputs {
		in.Now = now
		before := mustClone(t, st)
		next, _, err := eng.Step(st, in)
		if err != nil {
			t.Fatalf("Step(%v): %v", in.Kind, err)
		}
		if diff := cmp.Diff(before, st); diff != "" {
			t.Fatalf("Step(%v) modified the state it was given:\n%s", in.Kind, diff)
		}
		// Changing the new state must not reach the old one either.
		next.Vars["poke"] = "x"
		if _, ok := st.Vars["poke"]; ok {
			t.Fatalf("Step(%v) returned a state sharing its map with the input", in.Kind)
		}
		delete(next.Vars, "poke")
		st = next
	}
}

func mustClone(t *testing.T, st dialog.State) dialog.State {
	t.Helper()
	c := st
	c.Vars = map[string]any{}
	for k, v := range st.Vars {
		c.Vars[k] = v
	}
	c.Private = map[string]any{}
	for k, v := range st.Private {
		c.Private[k] = v
	}
	return c
}

// One Engine serves many sessions at once (run with -race).
func TestEngineConcurrentUse(t *testing.T) {
	eng := defaultEngine(t)
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			lang := "cs"
			if i%2 == 1 {
				lang = "en"
			}
			st := dialog.NewState(dialog.ChannelWeb, lang, nil)
			for _, in := range []dialog.Input{
				{Kind: dialog.InputStart},
				{Kind: dialog.InputText, Text: "kde je muj balik"},
				{Kind: dialog.InputText, Text: "2025000123"},
				{Kind: dialog.InputResult, Result: &dialog.ActionResult{Outcome: dialog.OutcomeNo, Value: false}},
			} {
				var err error
				st, _, err = eng.Step(st, in)
				if err != nil {
					t.Errorf("Step: %v", err)
					return
				}
			}
			if st.Box != "ask_order" {
				t.Errorf("session %d ended at %q, want ask_order", i, st.Box)
			}
		})
	}
	wg.Wait()
}

func TestStepErrors(t *testing.T) {
	loop := mustEngine(t, "start: a\nboxes:\n  a: {type: goto, next: b}\n  b: {type: set, incr: [n], next: a}\n")
	st := dialog.NewState(dialog.ChannelWeb, "cs", nil)
	if _, _, err := loop.Step(st, dialog.Input{Kind: dialog.InputStart}); !errors.Is(err, dialog.ErrLoop) {
		t.Errorf("Step(loop) = %v, want ErrLoop", err)
	}
	eng := defaultEngine(t)
	gone := dialog.NewState(dialog.ChannelWeb, "cs", nil)
	gone.Box = "no_such_box"
	if _, _, err := eng.Step(gone, dialog.Input{Kind: dialog.InputText, Text: "x"}); !errors.Is(err, dialog.ErrUnknownState) {
		t.Errorf("Step(unknown box) = %v, want ErrUnknownState", err)
	}
	notWaiting := dialog.NewState(dialog.ChannelWeb, "cs", nil)
	notWaiting.Box = "welcome"
	if _, _, err := eng.Step(notWaiting, dialog.Input{Kind: dialog.InputText, Text: "x"}); !errors.Is(err, dialog.ErrUnknownState) {
		t.Errorf("Step(at a message box) = %v, want ErrUnknownState", err)
	}
	menu, _, _ := eng.Step(dialog.NewState(dialog.ChannelWeb, "cs", nil), dialog.Input{Kind: dialog.InputStart})
	if _, _, err := eng.Step(menu, dialog.Input{Kind: dialog.InputResult, Result: &dialog.ActionResult{Outcome: dialog.OutcomeYes}}); !errors.Is(err, dialog.ErrUnexpectedInput) {
		t.Errorf("Step(result at the menu) = %v, want ErrUnexpectedInput", err)
	}
}

func TestParseScenarioErrors(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string // substrings of the error, with file:line
	}{
		{"not yaml", "start: [a", []string{"t.yaml:1: invalid YAML"}},
		{"no start", "boxes:\n  a: {type: end}\n", []string{"t.yaml:1: missing start"}},
		{"unknown type", "start: a\nboxes:\n  a:\n    type: dance\n", []string{`t.yaml:3: box a: unknown type "dance"`}},
		{"unknown key", "start: a\nboxes:\n  a:\n    type: end\n    nxt: b\n", []string{`t.yaml:5: box a: key "nxt" is not allowed`}},
		{"unknown ref", "start: a\nboxes:\n  a:\n    type: message\n    next: b\n", []string{`t.yaml:5: box a: next refers to unknown box "b"`}},
		{"template", "start: a\nboxes:\n  a:\n    type: end\n    say: |\n      line one\n      {{#if x}}\n", []string{"t.yaml:7: template:"}},
		{"bad validation", "start: a\nboxes:\n  a:\n    type: input\n    validate: colour\n    next: a\n", []string{`t.yaml:5: box a: unknown validation "colour"`}},
		{"bad condition", "start: a\nboxes:\n  a:\n    type: condition\n    branches:\n      - if: x >\n        next: a\n    else: a\n", []string{`t.yaml:6: box a: condition "x >"`}},
		{"duplicate button", "start: a\nboxes:\n  a:\n    type: buttons\n    buttons:\n      - {value: v, title: T, next: a}\n      - {value: v, title: U, next: a}\n", []string{`t.yaml:7: box a: button value "v" used twice`}},
		{"reserved var", "start: a\nvars:\n  channel: x\nboxes:\n  a: {type: end}\n", []string{"t.yaml:3: variable channel is reserved"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := dialog.ParseScenario("t.yaml", []byte(tt.src))
			if err == nil {
				t.Fatalf("ParseScenario(%q) = nil error", tt.src)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("ParseScenario(%q) = %q, want it to contain %q", tt.src, err, w)
				}
			}
		})
	}
}

// BenchmarkStep measures one customer turn of the default scenario: a
// free-text menu choice leading to the order-number prompt.
func BenchmarkStep(b *testing.B) {
	sc, err := dialog.ParseScenario("default.yaml", dialog.DefaultScenario())
	if err != nil {
		b.Fatal(err)
	}
	eng := dialog.NewEngine(sc, dialog.Options{})
	st, _, err := eng.Step(dialog.NewState(dialog.ChannelWeb, "cs", nil), dialog.Input{Kind: dialog.InputStart})
	if err != nil {
		b.Fatal(err)
	}
	in := dialog.Input{Kind: dialog.InputText, Text: "kde je muj balik"}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := eng.Step(st, in); err != nil {
			b.Fatal(err)
		}
	}
}

// A voice handover promises a person only when a transfer number is
// configured; without one it says goodbye honestly.
func TestVoiceHandoverKnowsTheTransferNumber(t *testing.T) {
	sc, err := dialog.ParseScenario("default.yaml", dialog.DefaultScenario())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		transfer, want, wantTransfer string
	}{
		{"+420222333444", "Přepojuji", "+420222333444"},
		{"", "nemohou", ""},
	} {
		e := dialog.NewEngine(sc, dialog.Options{Transfer: tc.transfer})
		st := dialog.NewState(dialog.ChannelVoice, "cs", nil)
		st, _, err := e.Step(st, dialog.Input{Kind: dialog.InputStart})
		if err != nil {
			t.Fatal(err)
		}
		_, out, err := e.Step(st, dialog.Input{Kind: dialog.InputText, Text: "operátor"})
		if err != nil {
			t.Fatal(err)
		}
		said := ""
		for _, m := range out.Messages {
			said += m.Speech + m.Text
		}
		if out.End != dialog.EndHandover || out.Transfer != tc.wantTransfer || !strings.Contains(said, tc.want) {
			t.Errorf("transfer %q: end %q, transfer %q, said %q; want handover to %q saying %q", tc.transfer, out.End, out.Transfer, said, tc.wantTransfer, tc.want)
		}
	}
}
