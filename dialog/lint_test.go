package dialog_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/samoobsluha/samoobsluha/bot/apps"
	"github.com/samoobsluha/samoobsluha/dialog"
)

func TestLintDefaultScenarioIsClean(t *testing.T) {
	ds := dialog.Lint("default.yaml", dialog.DefaultScenario(), apps.Catalog())
	for _, d := range ds {
		t.Errorf("%s", d)
	}
}

func TestLintExamplesAreClean(t *testing.T) {
	files, err := filepath.Glob("../examples/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no example scenarios in ../examples")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range dialog.Lint(f, data, apps.Catalog()) {
				t.Errorf("%s", d)
			}
			if _, err := dialog.ParseScenario(f, data); err != nil {
				t.Errorf("ParseScenario(%s) = %v", f, err)
			}
		})
	}
}

func TestLintBrokenScenario(t *testing.T) {
	const src = "testdata/lint-broken.yaml"
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	ds := dialog.Lint(src, data, apps.Catalog())
	if !dialog.HasErrors(ds) {
		t.Fatalf("Lint(%s) found no errors", src)
	}
	var b strings.Builder
	for _, d := range ds {
		if d.Line < 1 {
			t.Errorf("diagnostic without a line: %s", d)
		}
		b.WriteString(d.String() + "\n")
	}
	golden := "testdata/lint-broken.golden"
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v; run go test ./dialog -update", err)
	}
	if diff := cmp.Diff(string(want), b.String()); diff != "" {
		t.Errorf("Lint(%s) diagnostics differ (-want +got):\n%s", src, diff)
	}
	if _, err := dialog.ParseScenario(src, data); err == nil {
		t.Errorf("ParseScenario(%s) = nil error, want errors", src)
	}
}
