package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/samoobsluha/samoobsluha/convo"
	"github.com/samoobsluha/samoobsluha/upgates/upgatestest"
)

// TestDialogsInProcess runs the whole dialogs/ suite in-process, as
// "samoobsluha test dialogs" does.
func TestDialogsInProcess(t *testing.T) {
	dir := "../../dialogs"
	var out, errOut bytes.Buffer
	args := []string{dir}
	err := runTest(t.Context(), args, func(string) string { return "" }, &out, &errOut)
	t.Log("\n" + out.String())
	if err != nil {
		t.Fatalf("runTest(%s) = %v\n%s", dir, err, errOut.String())
	}
	if !strings.Contains(out.String(), " passed, 0 failed") {
		t.Fatalf("report:\n%s", out.String())
	}
}

// TestDialogsAgainstServer starts the real server (the embedded demo shop,
// the memory store) and runs the web convos over /ws and the voice convos
// over /voice/turn; convos that set up the shop or the clock are skipped.
func TestDialogsAgainstServer(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server and runs the whole suite over the network")
	}
	st := startServer(t, map[string]string{"SAMOOBSLUHA_TRANSFER_TO": "+420222333444"})
	var out, errOut bytes.Buffer
	args := []string{
		"-url", "ws" + strings.TrimPrefix(st.URL, "http") + "/ws?bot=default",
		"-voice-url", st.URL + "/voice/turn",
		"../../dialogs",
	}
	err := runTest(t.Context(), args, func(string) string { return "" }, &out, &errOut)
	t.Log("\n" + out.String())
	if err != nil {
		t.Fatalf("runTest(%s) = %v\n%s", strings.Join(args, " "), err, errOut.String())
	}
	// Everything but the in-process-only convos (@in-process, @shop-down,
	// @shop-permission, @var) ran against the server.
	convos, err := convo.Load([]string{"../../dialogs"})
	if err != nil {
		t.Fatal(err)
	}
	only := 0
	for _, c := range convos {
		if c.InProcessOnly() {
			only++
		}
	}
	want := fmt.Sprintf("%d passed, 0 failed, %d skipped\n", len(convos)-only, only)
	if !strings.HasSuffix(out.String(), want) {
		t.Errorf("summary is not %q", want)
	}
}

// TestDocExample runs the example convo of docs/scripted-dialogs.md, so
// the documentation cannot drift from what the runner and the bot do.
func TestDocExample(t *testing.T) {
	doc, err := os.ReadFile("../../docs/scripted-dialogs.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(doc), "## A convo\n\n```\n")
	example, _, ok2 := strings.Cut(rest, "```\n")
	if !ok || !ok2 {
		t.Fatal("docs/scripted-dialogs.md: no example convo under \"## A convo\"")
	}
	file := filepath.Join(t.TempDir(), "example.convo.txt")
	if err := os.WriteFile(file, []byte(example), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if err := runTest(t.Context(), []string{"-v", file}, func(string) string { return "" }, &out, &errOut); err != nil {
		t.Fatalf("the documented example fails: %v\n%s%s", err, out.String(), errOut.String())
	}
	if !strings.Contains(out.String(), "1 passed, 0 failed") {
		t.Fatalf("report:\n%s", out.String())
	}
}

// TestRunTestCommand checks the command line: the report, the JUnit file,
// exit status 1 on a failure, and clear errors for bad use.
func TestRunTestCommand(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.convo.txt", "Good\n#me\nBUTTON person\n#bot\n*kolegovi*\nEND handover\n")
	bad := write("bad.convo.txt", "Bad\n#me\nBUTTON person\n#bot\n*operátorovi*\n")
	junit := filepath.Join(dir, "junit.xml")
	noenv := func(string) string { return "" }

	var out, errOut bytes.Buffer
	err := runTest(t.Context(), []string{"-junit", junit, good, bad}, noenv, &out, &errOut)
	if err != exitError(1) {
		t.Fatalf("runTest(good, bad) = %v, want exit status 1\n%s", err, out.String())
	}
	for _, want := range []string{"ok    " + good, "FAIL  " + bad, `expected: text "*operátorovi*"`, "1 passed, 1 failed"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
	x, err := os.ReadFile(junit)
	if err != nil || !strings.Contains(string(x), `<testsuites name="samoobsluha test" tests="2" failures="1"`) {
		t.Errorf("JUnit file = %v\n%s", err, x)
	}

	out.Reset()
	if err := runTest(t.Context(), []string{good}, noenv, &out, &errOut); err != nil {
		t.Errorf("runTest(good) = %v\n%s", err, out.String())
	}

	// -shop: the demo data as JSON, with order 2026000105's e-mail changed.
	d := upgatestest.Demo()
	for i := range d.Orders {
		if d.Orders[i].OrderNumber == "2026000105" {
			e := "someone.else@example.cz"
			d.Orders[i].Customer.Email = &e
		}
	}
	data, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	shop := write("shop-data.json", string(data))
	other := write("other.convo.txt", "Other shop\n#me\nBUTTON status\n#bot\n#me\n2026000105\n#bot\n#me\nsomeone.else@example.cz\n#bot\nObjednávka 2026000105 je ve stavu Odesláno.*\n#bot\n")
	out.Reset()
	if err := runTest(t.Context(), []string{"-shop", shop, other}, noenv, &out, &errOut); err != nil {
		t.Errorf("runTest(-shop) = %v\n%s", err, out.String())
	}
	out.Reset()
	if err := runTest(t.Context(), []string{other}, noenv, &out, &errOut); err != exitError(1) {
		t.Errorf("runTest(demo shop, other's e-mail) = %v, want a mismatch\n%s", err, out.String())
	}

	perm := write("perm.convo.txt", "Perm\n@shop-permission nope=deny\n#me\nBUTTON status\n#bot\n")
	out.Reset()
	if err := runTest(t.Context(), []string{perm}, noenv, &out, &errOut); err != exitError(1) || !strings.Contains(out.String(), "cannot start the conversation: in-process target: @shop-permission nope=deny") {
		t.Errorf("runTest(bad @shop-permission) = %v\n%s", err, out.String())
	}

	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no files", nil, "name convo files or directories"},
		{"missing file", []string{filepath.Join(dir, "nope.convo.txt")}, "no such file"},
		{"syntax error", []string{write("syntax.convo.txt", "S\n#bot\nBUTONS a\n")}, "syntax.convo.txt:3: unknown asserter BUTONS"},
		{"bad lang", []string{"-lang", "de", good}, `-lang "de" is not cs or en`},
		{"bad scenario", []string{"-scenario", filepath.Join(dir, "nope.yaml"), good}, "read scenario"},
		{"bad shop", []string{"-shop", write("shop.json", `{"orderz": []}`), good}, `unknown field "orderz"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := runTest(t.Context(), tt.args, noenv, &out, &errOut)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("runTest(%v) = %v, want an error containing %q", tt.args, err, tt.want)
			}
		})
	}
}
