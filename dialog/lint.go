package dialog

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Diagnostic severities.
const (
	SeverityError   = "error"
	SeverityWarning = "warning"
)

// Diagnostic is one problem Lint found in a scenario file.
type Diagnostic struct {
	File     string
	Line     int
	Severity string // SeverityError or SeverityWarning
	Msg      string
}

// String returns "file:line: severity: msg", the form editors and CI
// understand.
func (d Diagnostic) String() string {
	return fmt.Sprintf("%s:%d: %s: %s", d.File, d.Line, d.Severity, d.Msg)
}

// HasErrors reports whether any diagnostic is an error.
func HasErrors(ds []Diagnostic) bool {
	return slices.ContainsFunc(ds, func(d Diagnostic) bool { return d.Severity == SeverityError })
}

// personalFields are app result fields that hold personal data (e-mail,
// phone) or an admin URL; storing them in a public variable sends them to
// the browser.
var personalFields = map[string]bool{"email": true, "phone": true, "url": true}

// reservedVars are set by the engine (channel, lang) or by bot ($caller).
var reservedVars = map[string]bool{VarChannel: true, VarLang: true, VarTransfer: true, "$caller": true}

// Lint checks a scenario file against the app catalog apps (bot/apps'
// Catalog; nil skips the app checks). Errors: YAML and template syntax,
// unknown keys and box references, unreachable boxes, boxes with no way
// on, app boxes missing an exit, unknown apps or parameters, missing
// required parameters, undefined variables and unknown result fields.
// Warnings: no handover box, personal data (e-mail, phone, admin URL) kept in a public
// variable or printed into a message, order details shown before the
// customer is verified, a private variable copied into a public one, and
// a {cs, en} text missing a language. Diagnostics are sorted by line.
func Lint(filename string, data []byte, apps []AppSpec) []Diagnostic {
	sc, perrs := parse(filename, data)
	l := &linter{file: filename, sc: sc}
	for _, e := range perrs {
		l.add(e.Line, SeverityError, "%s", e.Msg)
	}
	if sc == nil {
		return l.ds
	}
	for _, e := range refErrors(sc) {
		l.add(e.Line, SeverityError, "%s", e.Msg)
	}
	l.catalog = map[string]AppSpec{}
	for _, a := range apps {
		l.catalog[a.Name] = a
	}
	l.haveCatalog = apps != nil
	l.structure()
	l.reachability()
	l.variables()
	l.verified()
	l.languages()
	sort.SliceStable(l.ds, func(i, j int) bool {
		if l.ds[i].Line != l.ds[j].Line {
			return l.ds[i].Line < l.ds[j].Line
		}
		return l.ds[i].Severity < l.ds[j].Severity
	})
	return dedupe(l.ds)
}

func dedupe(ds []Diagnostic) []Diagnostic {
	var out []Diagnostic
	seen := map[Diagnostic]bool{}
	for _, d := range ds {
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	return out
}

type linter struct {
	file        string
	sc          *Scenario
	catalog     map[string]AppSpec
	haveCatalog bool
	ds          []Diagnostic
}

func (l *linter) add(line int, sev, format string, args ...any) {
	l.ds = append(l.ds, Diagnostic{File: l.file, Line: line, Severity: sev, Msg: fmt.Sprintf(format, args...)})
}

func (b *Box) line(key string) int {
	if n, ok := b.keyLines[key]; ok {
		return n
	}
	return b.Line
}

// structure checks each box on its own: exits, apps and parameters.
func (l *linter) structure() {
	sc := l.sc
	if sc.Start != "" && sc.Boxes[sc.Start] == nil {
		return // reported as an unknown reference
	}
	if sc.Handover == "" {
		l.add(1, SeverityWarning, "no handover box: customers asking for a person (operátor, člověk, agent, human) get a re-prompt; set handover: BOX")
	}
	for _, id := range sc.Order {
		b := sc.Boxes[id]
		switch b.Kind {
		case KindMessage, KindGoto, KindSet:
			if b.Next == "" {
				l.add(b.Line, SeverityError, "box %s: a %s box needs next", id, b.Kind)
			}
		case KindCondition:
			if b.Next == "" {
				l.add(b.Line, SeverityError, "box %s: a condition box needs else (where to go when no branch is true)", id)
			}
		case KindButtons:
			for _, bt := range b.Buttons {
				if bt.Next == "" && b.Next == "" {
					l.add(bt.Line, SeverityError, "box %s: button %q has no next and the box has none", id, bt.Value)
				}
			}
		case KindInput:
			if b.Validate == ValidateYesNo {
				if (b.Yes == "" || b.No == "") && b.Next == "" {
					l.add(b.Line, SeverityError, "box %s: a yes_no input needs yes and no exits (or next)", id)
				}
			} else if b.Next == "" {
				l.add(b.Line, SeverityError, "box %s: an input box needs next", id)
			}
			if b.Attempts > 0 && b.Fallback == "" && b.keyLines["attempts"] != 0 {
				l.add(b.line("attempts"), SeverityError, "box %s: attempts without fallback (where to go after %d failures)", id, b.Attempts)
			}
		case KindApp:
			if b.Yes == "" {
				l.add(b.Line, SeverityError, "box %s: app box is missing the yes exit", id)
			}
			if b.No == "" {
				l.add(b.Line, SeverityError, "box %s: app box is missing the no exit", id)
			}
			if b.Error == "" && sc.ErrorBox == "" {
				l.add(b.Line, SeverityError, "box %s: app box is missing the error exit (or a scenario-level error box)", id)
			}
			l.app(b)
		}
		if (b.Kind == KindInput || b.Kind == KindButtons) && b.Say.empty() && b.Kind == KindInput {
			l.add(b.Line, SeverityError, "box %s: an input box needs say (the question)", id)
		}
	}
}

func (l *linter) app(b *Box) {
	if !l.haveCatalog || b.App == "" {
		return
	}
	spec, ok := l.catalog[b.App]
	if !ok {
		var names []string
		for n := range l.catalog {
			names = append(names, n)
		}
		sort.Strings(names)
		l.add(b.line("app"), SeverityError, "box %s: unknown app %q (known: %s)", b.ID, b.App, strings.Join(names, ", "))
		return
	}
	given := map[string]bool{}
	for _, p := range b.Params {
		given[p.Name] = true
		if !slices.Contains(spec.Params, p.Name) {
			l.add(p.Line, SeverityError, "box %s: app %s has no parameter %q (parameters: %s)", b.ID, b.App, p.Name, strings.Join(spec.Params, ", "))
		}
	}
	for _, r := range spec.Required {
		if !given[r] {
			l.add(b.line("params"), SeverityError, "box %s: app %s needs parameter %q", b.ID, b.App, r)
		}
	}
	if b.Result != "" && !strings.HasPrefix(b.Result, "$") {
		for _, f := range spec.Fields {
			if personalFields[f] {
				l.add(b.line("result"), SeverityWarning, "box %s: result %s holds personal data (%s) in a public variable; name it $%s so it never reaches the browser", b.ID, b.Result, f, b.Result)
				break
			}
		}
	}
}

func (l *linter) reachability() {
	sc := l.sc
	succ := map[string][]string{}
	for _, r := range sc.refs() {
		if r.from != "" && sc.Boxes[r.to] != nil {
			succ[r.from] = append(succ[r.from], r.to)
		}
	}
	seen := map[string]bool{}
	var queue []string
	for _, root := range []string{sc.Start, sc.Handover, sc.ErrorBox} {
		if sc.Boxes[root] != nil && !seen[root] {
			seen[root] = true
			queue = append(queue, root)
		}
	}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		for _, n := range succ[id] {
			if !seen[n] {
				seen[n] = true
				queue = append(queue, n)
			}
		}
	}
	for _, id := range sc.Order {
		if !seen[id] {
			l.add(sc.Boxes[id].Line, SeverityError, "box %s is unreachable from start %s", id, sc.Start)
		}
	}
}

// definitions maps every variable a scenario can define to the apps whose
// results it holds (nil for other variables).
func (l *linter) definitions() map[string][]string {
	sc := l.sc
	defs := map[string][]string{}
	def := func(name string) {
		if _, ok := defs[name]; !ok {
			defs[name] = nil
		}
	}
	for n := range reservedVars {
		def(n)
	}
	for i := 1; i <= 9; i++ {
		def(fmt.Sprintf("var%d", i))
	}
	for _, a := range sc.Vars {
		def(a.Name)
	}
	for _, n := range sc.PageVars {
		def(n)
	}
	for _, id := range sc.Order {
		b := sc.Boxes[id]
		switch b.Kind {
		case KindButtons, KindInput:
			if b.Var != "" {
				def(b.Var)
			}
			if !strings.HasPrefix(b.Var, "$") {
				def(b.ID)
			}
		case KindApp:
			if b.Result != "" {
				defs[b.Result] = append(defs[b.Result], b.App)
			}
		case KindSet:
			for _, a := range b.Set {
				def(a.Name)
			}
			for _, n := range b.Incr {
				def(n)
			}
		}
		for _, bt := range b.Buttons {
			for _, a := range bt.Set {
				def(a.Name)
			}
		}
	}
	return defs
}

// boxVarUses lists the variable paths a box reads, with their lines.
type varUse struct {
	path string
	line int
	// shown is true for paths printed to the customer (texts), false for
	// ones only read (parameters, conditions, set).
	shown bool
}

func (b *Box) varUses() []varUse {
	var us []varUse
	for _, t := range b.allTexts() {
		for _, tp := range t.templates() {
			for _, v := range tp.Vars() {
				us = append(us, varUse{v, t.Line, true})
			}
		}
	}
	if b.Image != nil {
		for _, v := range b.Image.Vars() {
			us = append(us, varUse{v, b.line("image"), true})
		}
	}
	for _, lk := range b.Links {
		if lk.URL != nil {
			for _, v := range lk.URL.Vars() {
				us = append(us, varUse{v, lk.Line, true})
			}
		}
	}
	for _, p := range b.Params {
		if p.Tmpl != nil {
			for _, v := range p.Tmpl.Vars() {
				us = append(us, varUse{v, p.Line, false})
			}
		}
	}
	for _, br := range b.Branches {
		if br.If != nil {
			for _, v := range br.If.Vars() {
				us = append(us, varUse{v, br.Line, false})
			}
		}
	}
	assigns := slices.Clone(b.Set)
	for _, bt := range b.Buttons {
		assigns = append(assigns, bt.Set...)
	}
	for _, a := range assigns {
		if a.Copy != "" {
			us = append(us, varUse{a.Copy, a.Line, false})
		}
		if a.Tmpl != nil {
			for _, v := range a.Tmpl.Vars() {
				us = append(us, varUse{v, a.Line, false})
			}
		}
	}
	for _, n := range b.Incr {
		us = append(us, varUse{n, b.line("incr"), false})
	}
	return us
}

func (l *linter) variables() {
	sc := l.sc
	defs := l.definitions()
	check := func(u varUse, where string) {
		head, rest, _ := strings.Cut(u.path, ".")
		apps, ok := defs[head]
		if !ok {
			l.add(u.line, SeverityError, "%s: undefined variable %s", where, head)
			return
		}
		if rest == "" || len(apps) == 0 || !l.haveCatalog {
			return
		}
		field, _, _ := strings.Cut(rest, ".")
		var known []string
		for _, a := range apps {
			spec, ok := l.catalog[a]
			if !ok || len(spec.Fields) == 0 {
				return
			}
			known = append(known, spec.Fields...)
		}
		if !slices.Contains(known, field) {
			slices.Sort(known)
			known = slices.Compact(known)
			l.add(u.line, SeverityError, "%s: %s has no field %q (fields: %s)", where, head, field, strings.Join(known, ", "))
		}
	}
	for _, a := range sc.Vars {
		if a.Tmpl != nil {
			for _, v := range a.Tmpl.Vars() {
				check(varUse{v, a.Line, false}, "vars")
			}
		}
	}
	// Private variables holding contact data: $caller and the vars of
	// e-mail and phone inputs.
	contact := map[string]bool{"$caller": true}
	for _, id := range sc.Order {
		b := sc.Boxes[id]
		if b.Kind == KindInput && (b.Validate == ValidateEmail || b.Validate == ValidatePhone) && b.Var != "" {
			contact[b.Var] = true
		}
	}
	for _, id := range sc.Order {
		b := sc.Boxes[id]
		for _, u := range b.varUses() {
			if slices.Contains(b.Incr, u.path) {
				continue
			}
			check(u, "box "+id)
			head, rest, _ := strings.Cut(u.path, ".")
			field, _, _ := strings.Cut(rest, ".")
			if u.shown && strings.HasPrefix(head, "$") && (contact[head] && rest == "" || personalFields[field]) {
				l.add(u.line, SeverityWarning, "box %s prints personal data (%s) into a message; keep it for apps and conditions", id, u.path)
			}
		}
		// Personal data in public variables.
		if b.Kind == KindInput && (b.Validate == ValidateEmail || b.Validate == ValidatePhone) && !strings.HasPrefix(b.Var, "$") {
			name := b.Var
			if name == "" {
				name = b.ID
			}
			l.add(b.line("validate"), SeverityWarning, "box %s: the %s input is stored in public variable %s; give the box a private var ($%s) so it never reaches the browser", id, b.Validate, name, strings.TrimPrefix(name, "$"))
		}
		assigns := slices.Clone(b.Set)
		for _, bt := range b.Buttons {
			assigns = append(assigns, bt.Set...)
		}
		for _, a := range assigns {
			if strings.HasPrefix(a.Name, "$") {
				continue
			}
			var reads []string
			if a.Copy != "" {
				reads = append(reads, a.Copy)
			}
			if a.Tmpl != nil {
				reads = append(reads, a.Tmpl.Vars()...)
			}
			for _, r := range reads {
				if strings.HasPrefix(r, "$") {
					l.add(a.Line, SeverityWarning, "box %s: public variable %s is set from private %s, which sends it to the browser", id, a.Name, r)
				}
			}
		}
	}
}

// verified warns when a box shows fields of a detail-revealing app that
// does not itself verify the customer (verify_order) on a path where no
// verifying app (verify_email, order_detail, ...) has answered yes.
//
// It is a must-analysis over the box graph: a box is verified when every
// way into it comes through the yes exit of a verifying app or from a
// verified box. The start, handover and error boxes are never verified.
func (l *linter) verified() {
	sc := l.sc
	if !l.haveCatalog {
		return
	}
	// Which result variables hold details that need verification?
	revealing := map[string]bool{}
	for _, id := range sc.Order {
		b := sc.Boxes[id]
		if b.Kind != KindApp || b.Result == "" {
			continue
		}
		if spec, ok := l.catalog[b.App]; ok && spec.Reveals && !spec.Verifies {
			revealing[b.Result] = true
		}
	}
	if len(revealing) == 0 {
		return
	}
	type edge struct {
		from     string
		verifies bool
	}
	preds := map[string][]edge{}
	for _, r := range sc.refs() {
		if r.from == "" || sc.Boxes[r.to] == nil {
			continue
		}
		fb := sc.Boxes[r.from]
		v := false
		if fb.Kind == KindApp && r.what == "yes" {
			spec, ok := l.catalog[fb.App]
			v = ok && spec.Verifies
		}
		preds[r.to] = append(preds[r.to], edge{r.from, v})
	}
	roots := map[string]bool{sc.Start: true, sc.Handover: true, sc.ErrorBox: true}
	in := map[string]bool{}
	for _, id := range sc.Order {
		in[id] = !roots[id]
	}
	for changed := true; changed; {
		changed = false
		for _, id := range sc.Order {
			if roots[id] {
				continue
			}
			v := len(preds[id]) > 0
			for _, p := range preds[id] {
				if !p.verifies && !in[p.from] {
					v = false
					break
				}
			}
			if v != in[id] {
				in[id] = v
				changed = true
			}
		}
	}
	for _, id := range sc.Order {
		if in[id] {
			continue
		}
		b := sc.Boxes[id]
		for _, u := range b.varUses() {
			head, rest, _ := strings.Cut(u.path, ".")
			if u.shown && rest != "" && revealing[head] {
				l.add(u.line, SeverityWarning, "box %s shows order details (%s) before the customer is verified", id, u.path)
			}
		}
	}
}

func (l *linter) languages() {
	check := func(t *Text, where string) {
		if t == nil || t.Single {
			return
		}
		if t.CS == nil && t.EN != nil {
			l.add(t.Line, SeverityWarning, "%s: text has no Czech version (cs)", where)
		}
		if t.EN == nil && t.CS != nil {
			l.add(t.Line, SeverityWarning, "%s: text has no English version (en)", where)
		}
	}
	for _, id := range l.sc.Order {
		for _, t := range l.sc.Boxes[id].allTexts() {
			check(t, "box "+id)
		}
	}
	for name, t := range l.sc.Messages {
		check(t, "messages."+name)
	}
}
