package tmpl_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/samoobsluha/samoobsluha/dialog/tmpl"
)

// FuzzParse checks that Parse never panics, that its errors are
// *SyntaxError with a position inside the source, and that whatever parses
// also renders without panicking.
func FuzzParse(f *testing.F) {
	f.Add("Objednávka {{obj}}: {{#if app.paid}}zaplaceno{{else}}{{currency app.topay}}{{/if}}")
	f.Fuzz(func(t *testing.T, src string) {
		tp, err := tmpl.Parse(src)
		if err != nil {
			var se *tmpl.SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) error %T %v, want *SyntaxError", src, err, err)
			}
			lines := strings.Count(src, "\n") + 1
			if se.Line < 1 || se.Line > lines || se.Col < 1 {
				t.Fatalf("Parse(%q) error at %d:%d, outside the source", src, se.Line, se.Col)
			}
			return
		}
		if tp.Source() != src {
			t.Fatalf("Source() = %q, want %q", tp.Source(), src)
		}
		seen := map[string]bool{}
		for _, v := range tp.Vars() {
			if seen[v] {
				t.Fatalf("Vars() lists %q twice", v)
			}
			seen[v] = true
		}
		out, err := tp.Render(tmpl.MapLookup(testVars()), tmpl.Env{Now: testNow})
		var he *tmpl.HelperError
		if err != nil && !errors.As(err, &he) {
			t.Fatalf("Render error %T %v, want *HelperError", err, err)
		}
		if len(out.Text) > 2*len(src)+10000 {
			t.Fatalf("Render of %d bytes produced %d bytes", len(src), len(out.Text))
		}
	})
}

// FuzzRender renders templates with arbitrary variable values and checks
// that Render never panics and reports only *HelperError.
func FuzzRender(f *testing.F) {
	f.Add(`{{date s "DD.MM.YYYY"}} {{currency n c}} {{inflect s "a" "b" "c" true}}`, "3 days ago", 1230.5, "EUR", true)
	f.Fuzz(func(t *testing.T, src, s string, n float64, c string, b bool) {
		tp, err := tmpl.Parse(src)
		if err != nil {
			return
		}
		vars := map[string]any{
			"s": s, "n": n, "c": c, "b": b,
			"l":   []any{s, n, b},
			"m":   map[string]any{"s": s, "n": n},
			"nil": nil,
		}
		now := time.Unix(int64(n)%(1<<40), 0).In(time.FixedZone("X", 3600))
		_, err = tp.Render(tmpl.MapLookup(vars), tmpl.Env{Now: now, Lang: c})
		var he *tmpl.HelperError
		if err != nil && !errors.As(err, &he) {
			t.Fatalf("Render error %T %v, want *HelperError", err, err)
		}
	})
}
