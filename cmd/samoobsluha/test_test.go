package main

import (
	"bytes"
	"os"
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
