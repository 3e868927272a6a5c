package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDialogsInProcess runs the whole dialogs/ suite in-process, as
// "samoobsluha test dialogs" does.
func TestDialogsInProcess(t *testing.T) {
	dir := "../../dialogs"
	if d := os.Getenv("CONVO_DIR"); d != "" {
		dir = d
	}
	var out, errOut bytes.Buffer
	args := []string{dir}
	if os.Getenv("CONVO_VERBOSE") != "" {
		args = []string{"-v", dir}
	}
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
	sum := out.String()[strings.LastIndex(strings.TrimSpace(out.String()), "\n")+1:]
	// Everything but the in-process-only convos (@in-process, @shop-down,
	// @var) ran against the server.
	if !strings.Contains(sum, " passed, 0 failed, 4 skipped") {
		t.Errorf("summary = %q, want only the 4 in-process-only convos skipped", sum)
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
