package dialog_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

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

var _ = strings.Join
