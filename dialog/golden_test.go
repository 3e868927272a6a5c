package dialog_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"

	"github.com/samoobsluha/samoobsluha/dialog"
)

var update = flag.Bool("update", false, "rewrite the golden transcripts in testdata")

// A golden transcript (testdata/*.txtar) has these files:
//
//	scenario    "default", "file PATH" (relative to dialog/), or a whole
//	            scenario in YAML
//	setup       optional "key: value" lines: channel (web), lang (cs),
//	            now (RFC 3339), page (name=value), private ($name=value),
//	            transfer (Options.Transfer)
//	turns       one input per line:
//	              start | text TEXT | voice BEST | ALT | ALT... | button VALUE
//	              digits KEYS | noinput
//	              yes JSON | no | error | locked     (the pending action's result)
//	transcript  what the engine did; rewritten by go test ./dialog -update
//
// The transcript lists every bot message (text, speech, buttons, links,
// image), every action, what the engine waits for, the end, and at last
// the public variables and the waiting box. After every step the test
// also checks that the state is valid, survives a JSON round trip and that
// no private value shows in public variables or messages' variables.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no golden transcripts in testdata")
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(f)
			if err != nil {
				t.Fatal(err)
			}
			got := runTranscript(t, ar)
			idx := -1
			for i, fl := range ar.Files {
				if fl.Name == "transcript" {
					idx = i
				}
			}
			if *update {
				if idx < 0 {
					ar.Files = append(ar.Files, txtar.File{Name: "transcript"})
					idx = len(ar.Files) - 1
				}
				ar.Files[idx].Data = []byte(got)
				if err := os.WriteFile(f, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if idx < 0 {
				t.Fatalf("%s has no transcript; run go test ./dialog -update", f)
			}
			if diff := cmp.Diff(string(ar.Files[idx].Data), got); diff != "" {
				t.Errorf("transcript differs (-want +got); run go test ./dialog -update and review:\n%s", diff)
			}
		})
	}
}

func section(ar *txtar.Archive, name string) (string, bool) {
	for _, f := range ar.Files {
		if f.Name == name {
			return string(f.Data), true
		}
	}
	return "", false
}

func runTranscript(t *testing.T, ar *txtar.Archive) string {
	t.Helper()
	src, ok := section(ar, "scenario")
	if !ok {
		t.Fatal("no scenario section")
	}
	data := []byte(src)
	if strings.TrimSpace(src) == "default" {
		data = dialog.DefaultScenario()
	}
	if name, ok := strings.CutPrefix(strings.TrimSpace(src), "file "); ok {
		var err error
		if data, err = os.ReadFile(name); err != nil {
			t.Fatal(err)
		}
	}
	sc, err := dialog.ParseScenario("scenario.yaml", data)
	if err != nil {
		t.Fatalf("ParseScenario: %v", err)
	}
	setup, _ := section(ar, "setup")
	ch, lang := dialog.ChannelWeb, "cs"
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	page := map[string]string{}
	private := map[string]any{}
	var opts dialog.Options
	for _, line := range strings.Split(setup, "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		switch k {
		case "channel":
			ch = dialog.Channel(v)
		case "lang":
			lang = v
		case "now":
			if now, err = time.Parse(time.RFC3339, v); err != nil {
				t.Fatalf("setup now: %v", err)
			}
		case "page":
			n, val, _ := strings.Cut(v, "=")
			page[n] = val
		case "private":
			n, val, _ := strings.Cut(v, "=")
			private[n] = val
		case "transfer":
			opts.Transfer = v
		default:
			t.Fatalf("setup: unknown key %q", k)
		}
	}
	eng := dialog.NewEngine(sc, opts)
	st := dialog.NewState(ch, lang, page)
	for k, v := range private {
		st.Private[k] = v
	}
	turns, _ := section(ar, "turns")
	var out strings.Builder
	for _, line := range strings.Split(turns, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		in := parseTurn(t, line)
		in.Now = now
		fmt.Fprintf(&out, "> %s\n", line)
		next, o, err := eng.Step(st, in)
		if err != nil {
			fmt.Fprintf(&out, "error: %v\n", err)
			if diff := cmp.Diff(st, next); diff != "" {
				t.Errorf("Step(%q) failed but changed the state:\n%s", line, diff)
			}
			continue
		}
		writeOutput(&out, o)
		writeChanged(&out, st.PublicVars(), next.PublicVars())
		if got, want := o.VarsChanged, !cmp.Equal(st.Vars, next.Vars); got != want {
			t.Errorf("Step(%q).VarsChanged = %v, want %v", line, got, want)
		}
		checkState(t, eng, next, line)
		st = next
	}
	out.WriteString("== state ==\n")
	fmt.Fprintf(&out, "box: %s\n", st.Box)
	if st.End != "" {
		fmt.Fprintf(&out, "end: %s\n", st.End)
	}
	pub := st.PublicVars()
	keys := make([]string, 0, len(pub))
	for k := range pub {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		b, _ := json.Marshal(pub[k])
		fmt.Fprintf(&out, "%s = %s\n", k, b)
	}
	return out.String()
}

func parseTurn(t *testing.T, line string) dialog.Input {
	t.Helper()
	verb, rest, _ := strings.Cut(line, " ")
	switch verb {
	case "start":
		return dialog.Input{Kind: dialog.InputStart}
	case "text":
		return dialog.Input{Kind: dialog.InputText, Text: rest}
	case "voice":
		alts := strings.Split(rest, "|")
		for i := range alts {
			alts[i] = strings.TrimSpace(alts[i])
		}
		return dialog.Input{Kind: dialog.InputText, Text: alts[0], Alternatives: alts[1:]}
	case "button":
		return dialog.Input{Kind: dialog.InputButton, Value: rest}
	case "digits":
		return dialog.Input{Kind: dialog.InputDigits, Text: rest}
	case "noinput":
		return dialog.Input{Kind: dialog.InputNoInput}
	case "yes":
		var v any = true
		if strings.TrimSpace(rest) != "" {
			if err := json.Unmarshal([]byte(rest), &v); err != nil {
				t.Fatalf("turn %q: %v", line, err)
			}
		}
		return dialog.Input{Kind: dialog.InputResult, Result: &dialog.ActionResult{Outcome: dialog.OutcomeYes, Value: v}}
	case "no":
		return dialog.Input{Kind: dialog.InputResult, Result: &dialog.ActionResult{Outcome: dialog.OutcomeNo, Value: false}}
	case "error":
		return dialog.Input{Kind: dialog.InputResult, Result: &dialog.ActionResult{Outcome: dialog.OutcomeError, Value: false}}
	case "locked":
		return dialog.Input{Kind: dialog.InputResult, Result: &dialog.ActionResult{Outcome: dialog.OutcomeLocked, Value: false}}
	}
	t.Fatalf("unknown turn %q", line)
	return dialog.Input{}
}

func indent(s, prefix string) string {
	return strings.ReplaceAll(s, "\n", "\n"+prefix)
}

func writeOutput(out *strings.Builder, o dialog.Output) {
	for _, m := range o.Messages {
		fmt.Fprintf(out, "bot: %s\n", indent(m.Text, "     "))
		if m.Speech != "" {
			fmt.Fprintf(out, "  speech: %s\n", indent(m.Speech, "     "))
		}
		if len(m.Buttons) > 0 {
			bs := make([]string, len(m.Buttons))
			for i, b := range m.Buttons {
				bs[i] = fmt.Sprintf("[%s](%s)", b.Title, b.Value)
			}
			fmt.Fprintf(out, "  buttons: %s\n", strings.Join(bs, " "))
		}
		for _, l := range m.Links {
			fmt.Fprintf(out, "  link: [%s](%s)\n", l.Title, l.URL)
		}
		if m.Image != "" {
			img := m.Image
			if len(img) > 40 {
				img = fmt.Sprintf("%s... (%d bytes)", img[:22], len(img))
			}
			fmt.Fprintf(out, "  image: %s\n", img)
		}
	}
	if a := o.Action; a != nil {
		keys := make([]string, 0, len(a.Params))
		for k := range a.Params {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		ps := make([]string, len(keys))
		for i, k := range keys {
			ps[i] = fmt.Sprintf("%s=%q", k, a.Params[k])
		}
		fmt.Fprintf(out, "action: %s(%s) -> %s [box %s]\n", a.App, strings.Join(ps, ", "), a.ResultVar, a.Box)
	}
	if o.End != "" {
		fmt.Fprintf(out, "end: %s", o.End)
		if o.Transfer != "" {
			fmt.Fprintf(out, " transfer %s", o.Transfer)
		}
		out.WriteString("\n")
	} else if o.Action == nil {
		fmt.Fprintf(out, "expect: %s\n", strings.TrimSpace(o.Expect.Kind+" "+o.Expect.Input))
	}
}

// writeChanged lists the public variables a step set or cleared.
func writeChanged(out *strings.Builder, before, after map[string]any) {
	var ch []string
	for k, v := range after {
		if old, ok := before[k]; !ok || !cmp.Equal(old, v) {
			b, _ := json.Marshal(v)
			ch = append(ch, fmt.Sprintf("%s=%s", k, b))
		}
	}
	for k := range before {
		if _, ok := after[k]; !ok {
			ch = append(ch, k+" cleared")
		}
	}
	if len(ch) > 0 {
		sort.Strings(ch)
		fmt.Fprintf(out, "  vars: %s\n", strings.Join(ch, ", "))
	}
}

// checkState asserts the invariants every step keeps.
func checkState(t *testing.T, eng *dialog.Engine, st dialog.State, line string) {
	t.Helper()
	if err := eng.Valid(st); err != nil {
		t.Errorf("after %q: invalid state: %v", line, err)
	}
	b, err := json.Marshal(st)
	if err != nil {
		t.Fatalf("after %q: marshal state: %v", line, err)
	}
	var back dialog.State
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("after %q: unmarshal state: %v", line, err)
	}
	if diff := cmp.Diff(st, back); diff != "" {
		t.Errorf("after %q: state changed in a JSON round trip:\n%s", line, diff)
	}
	pub, _ := json.Marshal(st.PublicVars())
	for k, v := range st.Private {
		s := privateString(v)
		if strings.HasPrefix(k, "$") && len(s) >= 6 && bytes.Contains(pub, []byte(s)) {
			t.Errorf("after %q: private %s value %q appears in public variables %s", line, k, s, pub)
		}
	}
}

func privateString(v any) string {
	switch x := v.(type) {
	case string:
		// Personal data typed by the customer or set by bot; the order
		// number is public (the customer typed it) even when copied into
		// a private variable.
		if strings.Contains(x, "@") || strings.HasPrefix(x, "+") {
			return x
		}
	case map[string]any:
		// The most sensitive fields of app results.
		for _, k := range []string{"email", "phone", "url", "invoiceurl"} {
			if s, ok := x[k].(string); ok && s != "" {
				return s
			}
		}
	}
	return ""
}
