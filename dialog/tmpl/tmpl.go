package tmpl

import (
	"fmt"
	"time"
)

// Lookup resolves a variable path such as "obj", "app.status", "5",
// "$email" or "items.0.name" to its value. The second result is false when
// the variable does not exist. Values are strings, numbers (float64 or any
// Go integer type), bools, nil, []any and map[string]any. A nil Lookup
// behaves as if no variable existed.
type Lookup func(path string) (any, bool)

// Env is what a rendering may depend on besides the variables.
type Env struct {
	// Lang is the session language ("cs", "en"). Formatting helpers follow
	// Czech conventions in every language because the surrounding wording
	// comes from the template; Lang only picks the default date format
	// (see the date helper in the package documentation).
	Lang string
	// Now is the current time, used by relative dates ("now", "3 days ago",
	// "před 2 dny") and as their time zone. A zero Now makes relative dates
	// a render error; absolute dates never need it.
	Now time.Time
}

// Button is an in-text button made by {{button BOX "Title"}}: choosing it
// moves the customer to box Box.
type Button struct {
	Title string
	Box   string
}

// Progress is one progress bar made by {{progress N "icon" "Name" [TOTAL]}}:
// steps 1..Step of Total are done, Icon is the author's icon name and Name
// the step's label.
type Progress struct {
	Step       int
	Icon, Name string
	// Total is the number of steps in the bar (4 unless the template gives
	// a fourth argument).
	Total int
}

// Rendered is the result of rendering a template.
type Rendered struct {
	// Text is the message text. Helpers that make buttons and images leave
	// nothing in it. It is not trimmed and not HTML-escaped.
	Text string
	// Buttons are the {{button}} helpers' buttons, in template order.
	Buttons []Button
	// Images are PNG data URLs from the qrpay helper, in template order.
	Images []string
	// Progress lists the progress bars, in template order; each is also
	// drawn into Text.
	Progress []Progress
}

// Template is a parsed template. It is immutable, so one Template may be
// rendered by many goroutines at once.
type Template struct {
	src     string
	root    []node
	vars    []string
	helpers []string
}

// SyntaxError reports a template that cannot be parsed. Line and Col are
// 1-based; Col counts characters (runes), not bytes.
type SyntaxError struct {
	Line, Col int
	Msg       string
}

// Error returns "line:col: msg".
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%d:%d: %s", e.Line, e.Col, e.Msg)
}

// HelperError reports a helper or block that got arguments it cannot use
// at render time, for example a date that does not parse or an account
// number with a bad checksum. Line and Col locate the helper's "{{".
type HelperError struct {
	Line, Col int
	Helper    string
	Msg       string
}

// Error returns "line:col: helper: msg".
func (e *HelperError) Error() string {
	return fmt.Sprintf("%d:%d: %s: %s", e.Line, e.Col, e.Helper, e.Msg)
}

// Parse parses src. It returns a *SyntaxError for unbalanced braces or
// blocks, unknown helpers, wrong argument counts, bad literals and
// malformed variable paths.
func Parse(src string) (*Template, error) {
	p := newParser(src)
	root, err := p.parse()
	if err != nil {
		return nil, err
	}
	return &Template{src: src, root: root, vars: p.vars.list(), helpers: p.helpers.list()}, nil
}

// MustParse is like Parse but panics on error. It is meant for templates
// that are constants in Go code (tests, built-in fallbacks).
func MustParse(src string) *Template {
	t, err := Parse(src)
	if err != nil {
		panic("tmpl: " + err.Error())
	}
	return t
}

// Render renders t with the variables from look. Missing variables render
// as empty text. The error, if any, is a *HelperError for the first helper
// whose arguments were unusable; the returned Rendered then still holds
// everything else, with the failing helpers contributing nothing. Render
// never panics.
func (t *Template) Render(look Lookup, env Env) (Rendered, error) {
	r := renderer{look: look, env: env}
	r.nodes(t.root)
	r.out.Text = r.sb.String()
	return r.out, r.err
}

// Vars returns every variable path the template references, in order of
// first appearance, without duplicates. A bare integer operand of #compare
// is not listed, because it falls back to a number literal when no such
// variable exists.
func (t *Template) Vars() []string { return append([]string(nil), t.vars...) }

// Helpers returns the names of the helpers and blocks the template uses
// ("if", "unless", "exist", "notexist", "compare", "date", "inflect",
// "currency", "button", "progress", "qrpay"), in order of first
// appearance, without duplicates. Legacy sections {{#x}} and {{^x}} are
// listed as "section" and "inverted".
func (t *Template) Helpers() []string { return append([]string(nil), t.helpers...) }

// Source returns the text t was parsed from.
func (t *Template) Source() string { return t.src }

// orderedSet collects strings once each, keeping first-seen order.
type orderedSet struct {
	seen  map[string]bool
	items []string
}

func (s *orderedSet) add(v string) {
	if s.seen == nil {
		s.seen = map[string]bool{}
	}
	if !s.seen[v] {
		s.seen[v] = true
		s.items = append(s.items, v)
	}
}

func (s *orderedSet) list() []string { return s.items }
