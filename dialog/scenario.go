package dialog

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/samoobsluha/samoobsluha/dialog/tmpl"
)

// Box kinds. Every box in a scenario file has a "type" with one of these.
const (
	KindMessage   = "message"   // shows its text, then goes to next
	KindButtons   = "buttons"   // shows text and buttons, waits for a choice
	KindInput     = "input"     // MessageOk's "Odpověď": waits for validated input
	KindApp       = "app"       // asks the caller to run an app (an Action)
	KindCondition = "condition" // ordered branches, the first true one wins
	KindSet       = "set"       // sets, clears or counts variables
	KindGoto      = "goto"      // jumps to next
	KindHandover  = "handover"  // ends the conversation with reason handover
	KindEnd       = "end"       // ends the conversation with reason done
)

// Validation kinds of an input box (also Expect.Input).
const (
	ValidateOrderNumber = "order_number"
	ValidateEmail       = "email"
	ValidatePhone       = "phone"
	ValidateNumber      = "number"
	ValidateYesNo       = "yes_no"
	ValidateText        = "text"
)

// ParseError is a problem in a scenario file, located by file and line.
type ParseError struct {
	File string
	Line int
	Msg  string
}

// Error returns "file:line: msg".
func (e *ParseError) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// ParseErrors is every problem ParseScenario found, in file order.
type ParseErrors []*ParseError

// Error joins the problems, one per line.
func (es ParseErrors) Error() string {
	s := make([]string, len(es))
	for i, e := range es {
		s[i] = e.Error()
	}
	return strings.Join(s, "\n")
}

// Text is a bilingual message template: Czech and English variants, either
// of which may be missing (Lint warns). Rendering picks the session's
// language and falls back to the other one.
type Text struct {
	CS, EN *tmpl.Template
	// Line is the line of the text in the scenario file.
	Line int
	// Single reports that the file gave one string for both languages.
	Single bool
}

func (t *Text) empty() bool { return t == nil || (t.CS == nil && t.EN == nil) }

func (t *Text) pick(lang string) *tmpl.Template {
	if t == nil {
		return nil
	}
	if lang == "en" && t.EN != nil {
		return t.EN
	}
	if t.CS != nil {
		return t.CS
	}
	return t.EN
}

func (t *Text) templates() []*tmpl.Template {
	if t == nil {
		return nil
	}
	var ts []*tmpl.Template
	if t.CS != nil {
		ts = append(ts, t.CS)
	}
	if t.EN != nil && t.EN != t.CS {
		ts = append(ts, t.EN)
	}
	return ts
}

// ButtonSpec is one button of a buttons box.
type ButtonSpec struct {
	// Value is the stable id the client sends back ("status").
	Value string
	Title *Text
	// Synonyms are the phrases free text is matched against, per language
	// ("cs", "en"); both languages are always tried.
	Synonyms map[string][]string
	// Next is the box to go to; "" means the box's own next.
	Next string
	// Set is applied when the button is chosen (like a set box).
	Set  []Assign
	Line int
}

// Assign is one variable assignment of a set box or a button.
type Assign struct {
	Name string
	// Value is a literal (bool, float64, string) when Tmpl is nil and Copy
	// is "". A nil Value with no template clears the variable.
	Value any
	// Tmpl is a template rendered to a string.
	Tmpl *tmpl.Template
	// Copy is a variable path copied with its type ("{{$found}}").
	Copy string
	Line int
}

// LinkSpec is a link attached to a box's message.
type LinkSpec struct {
	Title *Text
	URL   *tmpl.Template
	Line  int
}

// Branch is one ordered branch of a condition box.
type Branch struct {
	If   *Cond
	Next string
	Line int
}

// Param is one templated app parameter.
type Param struct {
	Name string
	Tmpl *tmpl.Template
	Line int
}

// Box is one step of a scenario.
type Box struct {
	ID   string
	Kind string
	Line int
	// Lines of individual keys, for diagnostics.
	keyLines map[string]int

	Say    *Text
	Speech *Text
	Image  *tmpl.Template
	Links  []LinkSpec

	// Var is the box's variable name (input and buttons boxes). The input
	// is also saved under the box id unless Var is private.
	Var string

	Buttons []ButtonSpec
	phrases [][][]string // normalised button phrases, for free text

	Validate string
	Retry    *Text
	Attempts int
	Fallback string
	Yes, No  string // input yes_no exits and app exits

	App    string
	Params []Param
	Result string
	Error  string
	Locked string

	Branches []Branch

	Set  []Assign
	Incr []string

	Transfer string

	Next string
}

// Scenario is a parsed scenario: immutable, shared by every session.
type Scenario struct {
	File string
	Name string
	// Start is the first box.
	Start string
	// Handover is the box the "talk to a person" intent jumps to from any
	// waiting box ("" disables the intent).
	Handover string
	// ErrorBox is where an app's technical failure goes when the app box
	// has no error exit.
	ErrorBox string
	// Transfer is the phone number a voice handover transfers to.
	Transfer string
	// Vars are scenario-level variables set at the start of a
	// conversation (private ones when the name starts with "$").
	Vars []Assign
	// PageVars are the host-page variables the scenario may read.
	PageVars []string
	// Messages are built-in texts: retry_<validation>, retry_buttons.
	Messages map[string]*Text
	// HandoverWords are extra phrases of the handover intent.
	HandoverWords map[string][]string

	Boxes map[string]*Box
	Order []string // box ids in file order

	keyLines map[string]int
}

// Box returns the box with the given id, or nil.
func (sc *Scenario) Box(id string) *Box { return sc.Boxes[id] }

var (
	boxIDRe  = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$`)
	varRe    = regexp.MustCompile(`^\$?[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$`)
	appRe    = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)
	validSet = map[string]bool{ValidateOrderNumber: true, ValidateEmail: true, ValidatePhone: true, ValidateNumber: true, ValidateYesNo: true, ValidateText: true}
)

var topKeys = map[string]bool{"name": true, "start": true, "handover": true, "error": true, "transfer": true, "vars": true, "page_vars": true, "messages": true, "handover_words": true, "boxes": true}

var boxKeys = map[string][]string{
	KindMessage:   {"say", "speech", "image", "links", "next"},
	KindButtons:   {"say", "speech", "image", "links", "var", "buttons", "retry", "attempts", "fallback", "next"},
	KindInput:     {"say", "speech", "image", "links", "var", "validate", "retry", "attempts", "fallback", "yes", "no", "next"},
	KindApp:       {"say", "speech", "app", "params", "result", "yes", "no", "error", "locked"},
	KindCondition: {"branches", "else"},
	KindSet:       {"say", "speech", "set", "incr", "next"},
	KindGoto:      {"next"},
	KindHandover:  {"say", "speech", "image", "links", "transfer"},
	KindEnd:       {"say", "speech", "image", "links"},
}

// parser accumulates errors while walking the YAML tree.
type parser struct {
	file string
	errs ParseErrors
}

func (p *parser) errf(line int, format string, args ...any) {
	p.errs = append(p.errs, &ParseError{File: p.file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

// ParseScenario parses a scenario file. Every error carries the file name
// and line; the returned error is a ParseErrors listing all of them. It
// checks structure (keys, types, templates); graph-level checks (unknown
// boxes, unreachable ones) are Lint's, except that ParseScenario rejects a
// reference to a box that does not exist, since such a scenario cannot run.
func ParseScenario(filename string, data []byte) (*Scenario, error) {
	sc, errs := parse(filename, data)
	if len(errs) > 0 {
		return nil, errs
	}
	if errs := refErrors(sc); len(errs) > 0 {
		return nil, errs
	}
	return sc, nil
}

func parse(filename string, data []byte) (*Scenario, ParseErrors) {
	p := &parser{file: filename}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		line := 1
		if m := yamlLineRe.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
		}
		p.errf(line, "invalid YAML: %s", strings.TrimPrefix(err.Error(), "yaml: "))
		return nil, p.errs
	}
	if len(root.Content) == 0 {
		p.errf(1, "empty scenario")
		return nil, p.errs
	}
	doc := root.Content[0]
	resolveAliases(doc, map[*yaml.Node]bool{})
	if doc.Kind != yaml.MappingNode {
		p.errf(doc.Line, "a scenario must be a mapping with name, start and boxes")
		return nil, p.errs
	}
	sc := &Scenario{File: filename, Boxes: map[string]*Box{}, Messages: map[string]*Text{}, keyLines: map[string]int{}}
	var boxesNode *yaml.Node
	for i := 0; i+1 < len(doc.Content); i += 2 {
		k, v := doc.Content[i], doc.Content[i+1]
		sc.keyLines[k.Value] = k.Line
		if !topKeys[k.Value] {
			p.errf(k.Line, "unknown key %q (want one of %s)", k.Value, keyList(topKeys))
			continue
		}
		switch k.Value {
		case "name":
			sc.Name = p.str(v)
		case "start":
			sc.Start = p.str(v)
		case "handover":
			sc.Handover = p.str(v)
		case "error":
			sc.ErrorBox = p.str(v)
		case "transfer":
			sc.Transfer = p.str(v)
		case "vars":
			sc.Vars = p.assigns(v)
		case "page_vars":
			for _, n := range p.strList(v) {
				if !varRe.MatchString(n) || strings.HasPrefix(n, "$") {
					p.errf(v.Line, "page variable %q: want a name of letters, digits and _", n)
				}
				sc.PageVars = append(sc.PageVars, n)
			}
		case "messages":
			if v.Kind != yaml.MappingNode {
				p.errf(v.Line, "messages: want a mapping of name to text")
				continue
			}
			for j := 0; j+1 < len(v.Content); j += 2 {
				sc.Messages[v.Content[j].Value] = p.text(v.Content[j+1])
			}
		case "handover_words":
			sc.HandoverWords = p.synonyms(v)
		case "boxes":
			boxesNode = v
		}
	}
	if sc.Start == "" {
		p.errf(doc.Line, "missing start: the id of the first box")
	}
	if boxesNode == nil {
		p.errf(doc.Line, "missing boxes")
		return sc, p.errs
	}
	if boxesNode.Kind != yaml.MappingNode {
		p.errf(boxesNode.Line, "boxes: want a mapping of box id to box")
		return sc, p.errs
	}
	for i := 0; i+1 < len(boxesNode.Content); i += 2 {
		k, v := boxesNode.Content[i], boxesNode.Content[i+1]
		id := k.Value
		if !boxIDRe.MatchString(id) {
			p.errf(k.Line, "box id %q: want a number or a name of letters, digits, _ and -", id)
			continue
		}
		if _, dup := sc.Boxes[id]; dup {
			p.errf(k.Line, "box %q defined twice", id)
			continue
		}
		b := p.box(id, k.Line, v)
		if b != nil {
			sc.Boxes[id] = b
			sc.Order = append(sc.Order, id)
		}
	}
	sort.SliceStable(p.errs, func(i, j int) bool { return p.errs[i].Line < p.errs[j].Line })
	return sc, p.errs
}

// resolveAliases replaces alias nodes (*name) by the nodes they name, so
// authors can reuse a button list with YAML anchors.
func resolveAliases(n *yaml.Node, seen map[*yaml.Node]bool) {
	if seen[n] {
		return
	}
	seen[n] = true
	for i, c := range n.Content {
		for depth := 0; c.Kind == yaml.AliasNode && c.Alias != nil && depth < 10; depth++ {
			c = c.Alias
		}
		n.Content[i] = c
		resolveAliases(c, seen)
	}
}

func keyList(m map[string]bool) string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, ", ")
}

func (p *parser) str(v *yaml.Node) string {
	if v.Kind != yaml.ScalarNode {
		p.errf(v.Line, "want a plain value")
		return ""
	}
	return v.Value
}

func (p *parser) strList(v *yaml.Node) []string {
	if v.Kind == yaml.ScalarNode {
		if v.Value == "" {
			return nil
		}
		return []string{v.Value}
	}
	if v.Kind != yaml.SequenceNode {
		p.errf(v.Line, "want a list")
		return nil
	}
	var out []string
	for _, c := range v.Content {
		out = append(out, p.str(c))
	}
	return out
}

func (p *parser) tmpl(src string, line int) *tmpl.Template {
	t, err := tmpl.Parse(src)
	if err != nil {
		var se *tmpl.SyntaxError
		if errors.As(err, &se) {
			p.errf(line+se.Line-1, "template: %s (column %d)", se.Msg, se.Col)
		} else {
			p.errf(line, "template: %v", err)
		}
		return nil
	}
	return t
}

// scalarLine is the line where a scalar's text starts: block scalars
// (| and >) start on the next line.
func scalarLine(v *yaml.Node) int {
	if v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return v.Line + 1
	}
	return v.Line
}

func (p *parser) text(v *yaml.Node) *Text {
	t := &Text{Line: v.Line}
	switch v.Kind {
	case yaml.ScalarNode:
		t.Single = true
		t.CS = p.tmpl(v.Value, scalarLine(v))
		t.EN = t.CS
	case yaml.MappingNode:
		for i := 0; i+1 < len(v.Content); i += 2 {
			k, c := v.Content[i], v.Content[i+1]
			if c.Kind != yaml.ScalarNode {
				p.errf(c.Line, "text in %q: want a string", k.Value)
				continue
			}
			switch k.Value {
			case "cs":
				t.CS = p.tmpl(c.Value, scalarLine(c))
			case "en":
				t.EN = p.tmpl(c.Value, scalarLine(c))
			default:
				p.errf(k.Line, "unknown language %q (want cs or en)", k.Value)
			}
		}
	default:
		p.errf(v.Line, "want a text: a string or a mapping {cs: ..., en: ...}")
	}
	return t
}

func (p *parser) synonyms(v *yaml.Node) map[string][]string {
	out := map[string][]string{}
	switch v.Kind {
	case yaml.SequenceNode, yaml.ScalarNode:
		out[""] = p.strList(v)
	case yaml.MappingNode:
		for i := 0; i+1 < len(v.Content); i += 2 {
			k := v.Content[i]
			if k.Value != "cs" && k.Value != "en" {
				p.errf(k.Line, "synonyms: unknown language %q (want cs or en)", k.Value)
			}
			out[k.Value] = p.strList(v.Content[i+1])
		}
	default:
		p.errf(v.Line, "synonyms: want a list or {cs: [...], en: [...]}")
	}
	return out
}

// assigns parses a mapping of variable name to value.
func (p *parser) assigns(v *yaml.Node) []Assign {
	if v.Kind != yaml.MappingNode {
		p.errf(v.Line, "want a mapping of variable name to value")
		return nil
	}
	var out []Assign
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, c := v.Content[i], v.Content[i+1]
		if !varRe.MatchString(k.Value) {
			p.errf(k.Line, "variable name %q: want letters, digits, _ or -, optionally after $", k.Value)
			continue
		}
		if k.Value == "channel" {
			p.errf(k.Line, "variable channel is reserved: the engine sets it")
			continue
		}
		a := Assign{Name: k.Value, Line: k.Line}
		if c.Kind != yaml.ScalarNode {
			p.errf(c.Line, "value of %s: want a single value", k.Value)
			continue
		}
		switch c.Tag {
		case "!!null":
			a.Value = nil
		case "!!bool":
			a.Value = c.Value == "true"
		case "!!int", "!!float":
			f, err := strconv.ParseFloat(c.Value, 64)
			if err != nil {
				p.errf(c.Line, "value of %s: %v", k.Value, err)
			}
			a.Value = f
		default:
			if m := copyRe.FindStringSubmatch(c.Value); m != nil {
				a.Copy = m[1]
			} else if strings.Contains(c.Value, "{{") {
				a.Tmpl = p.tmpl(c.Value, scalarLine(c))
			} else {
				a.Value = c.Value
			}
		}
		out = append(out, a)
	}
	return out
}

var yamlLineRe = regexp.MustCompile(`line (\d+)`)

var copyRe = regexp.MustCompile(`^\{\{\s*(\$?[A-Za-z0-9_][A-Za-z0-9_.-]*)\s*\}\}$`)

func (p *parser) box(id string, line int, v *yaml.Node) *Box {
	if v.Kind != yaml.MappingNode {
		p.errf(line, "box %s: want a mapping with a type", id)
		return nil
	}
	b := &Box{ID: id, Line: line, keyLines: map[string]int{}}
	for i := 0; i+1 < len(v.Content); i += 2 {
		if v.Content[i].Value == "type" {
			b.Kind = v.Content[i+1].Value
		}
	}
	allowed, ok := boxKeys[b.Kind]
	if !ok {
		if b.Kind == "" {
			p.errf(line, "box %s: missing type (one of message, buttons, input, app, condition, set, goto, handover, end)", id)
		} else {
			p.errf(line, "box %s: unknown type %q (want message, buttons, input, app, condition, set, goto, handover or end)", id, b.Kind)
		}
		return nil
	}
	okKey := map[string]bool{"type": true}
	for _, k := range allowed {
		okKey[k] = true
	}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, c := v.Content[i], v.Content[i+1]
		b.keyLines[k.Value] = k.Line
		if !okKey[k.Value] {
			p.errf(k.Line, "box %s: key %q is not allowed in a %s box (allowed: %s)", id, k.Value, b.Kind, strings.Join(allowed, ", "))
			continue
		}
		switch k.Value {
		case "type":
		case "say":
			b.Say = p.text(c)
		case "speech":
			b.Speech = p.text(c)
		case "image":
			b.Image = p.tmpl(p.str(c), c.Line)
		case "links":
			if c.Kind != yaml.SequenceNode {
				p.errf(c.Line, "box %s: links: want a list of {title, url}", id)
				continue
			}
			for _, l := range c.Content {
				b.Links = append(b.Links, p.link(id, l))
			}
		case "next":
			b.Next = p.str(c)
		case "var":
			b.Var = p.str(c)
			if !varRe.MatchString(b.Var) || b.Var == "channel" || b.Var == "lang" {
				p.errf(c.Line, "box %s: var %q: want a name of letters, digits, _ or - (optionally after $), not channel or lang", id, b.Var)
			}
		case "buttons":
			if c.Kind != yaml.SequenceNode {
				p.errf(c.Line, "box %s: buttons: want a list", id)
				continue
			}
			for _, bn := range c.Content {
				b.Buttons = append(b.Buttons, p.button(id, bn))
			}
		case "validate":
			b.Validate = p.str(c)
			if !validSet[b.Validate] {
				p.errf(c.Line, "box %s: unknown validation %q (want order_number, email, phone, number, yes_no or text)", id, b.Validate)
			}
		case "retry":
			b.Retry = p.text(c)
		case "attempts":
			n, err := strconv.Atoi(p.str(c))
			if err != nil || n < 1 || n > 20 {
				p.errf(c.Line, "box %s: attempts: want a whole number from 1 to 20", id)
			}
			b.Attempts = n
		case "fallback":
			b.Fallback = p.str(c)
		case "yes":
			b.Yes = p.str(c)
		case "no":
			b.No = p.str(c)
		case "error":
			b.Error = p.str(c)
		case "locked":
			b.Locked = p.str(c)
		case "app":
			b.App = p.str(c)
			if !appRe.MatchString(b.App) {
				p.errf(c.Line, "box %s: app %q: want a lower-case name", id, b.App)
			}
		case "params":
			if c.Kind != yaml.MappingNode {
				p.errf(c.Line, "box %s: params: want a mapping of parameter to template", id)
				continue
			}
			for j := 0; j+1 < len(c.Content); j += 2 {
				pk, pv := c.Content[j], c.Content[j+1]
				src := p.str(pv)
				b.Params = append(b.Params, Param{Name: pk.Value, Tmpl: p.tmpl(src, scalarLine(pv)), Line: pk.Line})
			}
		case "result":
			b.Result = p.str(c)
			if !varRe.MatchString(b.Result) || b.Result == "channel" || b.Result == "lang" {
				p.errf(c.Line, "box %s: result %q: want a variable name", id, b.Result)
			}
		case "branches":
			if c.Kind != yaml.SequenceNode {
				p.errf(c.Line, "box %s: branches: want a list of {if, next}", id)
				continue
			}
			for _, bn := range c.Content {
				b.Branches = append(b.Branches, p.branch(id, bn))
			}
		case "else":
			b.Next = p.str(c)
		case "set":
			b.Set = p.assigns(c)
		case "incr":
			for _, n := range p.strList(c) {
				if !varRe.MatchString(n) {
					p.errf(c.Line, "box %s: incr: %q is not a variable name", id, n)
				}
				b.Incr = append(b.Incr, n)
			}
		case "transfer":
			b.Transfer = p.str(c)
		}
	}
	switch b.Kind {
	case KindInput:
		if b.Validate == "" {
			p.errf(line, "box %s: an input box needs validate (order_number, email, phone, number, yes_no or text)", id)
		}
		if b.Validate != ValidateYesNo && (b.Yes != "" || b.No != "") {
			p.errf(line, "box %s: yes and no exits are only for validate: yes_no", id)
		}
	case KindButtons:
		if len(b.Buttons) == 0 {
			p.errf(line, "box %s: a buttons box needs at least one button", id)
		}
		seen := map[string]bool{}
		for _, bt := range b.Buttons {
			if seen[bt.Value] {
				p.errf(bt.Line, "box %s: button value %q used twice", id, bt.Value)
			}
			seen[bt.Value] = true
		}
	case KindApp:
		if b.App == "" {
			p.errf(line, "box %s: an app box needs app", id)
		}
	case KindCondition:
		if len(b.Branches) == 0 {
			p.errf(line, "box %s: a condition box needs branches", id)
		}
	}
	if b.Attempts == 0 {
		b.Attempts = 3
	}
	b.phrases = buttonPhrases(b.Buttons)
	return b
}

func (p *parser) link(id string, v *yaml.Node) LinkSpec {
	l := LinkSpec{Line: v.Line}
	if v.Kind != yaml.MappingNode {
		p.errf(v.Line, "box %s: a link is {title, url}", id)
		return l
	}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, c := v.Content[i], v.Content[i+1]
		switch k.Value {
		case "title":
			l.Title = p.text(c)
		case "url":
			l.URL = p.tmpl(p.str(c), c.Line)
		default:
			p.errf(k.Line, "box %s: unknown link key %q (want title, url)", id, k.Value)
		}
	}
	if l.URL == nil || l.Title.empty() {
		p.errf(v.Line, "box %s: a link needs title and url", id)
	}
	return l
}

func (p *parser) button(id string, v *yaml.Node) ButtonSpec {
	bt := ButtonSpec{Line: v.Line}
	if v.Kind != yaml.MappingNode {
		p.errf(v.Line, "box %s: a button is {value, title, next, synonyms, set}", id)
		return bt
	}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, c := v.Content[i], v.Content[i+1]
		switch k.Value {
		case "value":
			bt.Value = p.str(c)
		case "title":
			bt.Title = p.text(c)
		case "next":
			bt.Next = p.str(c)
		case "synonyms":
			bt.Synonyms = p.synonyms(c)
		case "set":
			bt.Set = p.assigns(c)
		default:
			p.errf(k.Line, "box %s: unknown button key %q (want value, title, next, synonyms, set)", id, k.Value)
		}
	}
	if bt.Value == "" || strings.HasPrefix(bt.Value, "@") {
		p.errf(v.Line, "box %s: a button needs a value (a stable id, not starting with @)", id)
	}
	if bt.Title.empty() {
		p.errf(v.Line, "box %s: button %q needs a title", id, bt.Value)
	}
	return bt
}

func (p *parser) branch(id string, v *yaml.Node) Branch {
	br := Branch{Line: v.Line}
	hasIf := false
	if v.Kind != yaml.MappingNode {
		p.errf(v.Line, "box %s: a branch is {if, next}", id)
		return br
	}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, c := v.Content[i], v.Content[i+1]
		switch k.Value {
		case "if":
			hasIf = true
			src := p.str(c)
			cond, err := parseCond(src)
			if err != nil {
				p.errf(c.Line, "box %s: condition %q: %v", id, src, err)
			}
			br.If = cond
		case "next":
			br.Next = p.str(c)
		default:
			p.errf(k.Line, "box %s: unknown branch key %q (want if, next)", id, k.Value)
		}
	}
	if !hasIf || br.Next == "" {
		p.errf(v.Line, "box %s: a branch needs if and next", id)
	}
	return br
}

// ref is one reference from a box to another.
type ref struct {
	from, to, what string
	line           int
}

// refs lists every box reference in the scenario, in file order.
func (sc *Scenario) refs() []ref {
	var rs []ref
	add := func(from, to, what string, line int) {
		if to != "" {
			rs = append(rs, ref{from, to, what, line})
		}
	}
	add("", sc.Start, "start", sc.keyLines["start"])
	add("", sc.Handover, "handover", sc.keyLines["handover"])
	add("", sc.ErrorBox, "error", sc.keyLines["error"])
	for _, id := range sc.Order {
		b := sc.Boxes[id]
		kl := func(k string) int {
			if l, ok := b.keyLines[k]; ok {
				return l
			}
			return b.Line
		}
		nextKey := "next"
		if b.Kind == KindCondition {
			nextKey = "else"
		}
		add(id, b.Next, nextKey, kl(nextKey))
		add(id, b.Fallback, "fallback", kl("fallback"))
		add(id, b.Yes, "yes", kl("yes"))
		add(id, b.No, "no", kl("no"))
		add(id, b.Error, "error", kl("error"))
		add(id, b.Locked, "locked", kl("locked"))
		for _, bt := range b.Buttons {
			add(id, bt.Next, "button "+bt.Value, bt.Line)
		}
		for _, br := range b.Branches {
			add(id, br.Next, "branch", br.Line)
		}
		for _, t := range b.allTexts() {
			for _, tp := range t.templates() {
				for _, target := range buttonTargets(tp) {
					add(id, target, "button helper", t.Line)
				}
			}
		}
	}
	return rs
}

func (b *Box) allTexts() []*Text {
	ts := []*Text{b.Say, b.Speech, b.Retry}
	for _, l := range b.Links {
		ts = append(ts, l.Title)
	}
	for _, bt := range b.Buttons {
		ts = append(ts, bt.Title)
	}
	var out []*Text
	for _, t := range ts {
		if t != nil {
			out = append(out, t)
		}
	}
	return out
}

// buttonTargets finds the boxes {{button BOX "..."}} helpers jump to.
func buttonTargets(t *tmpl.Template) []string {
	var out []string
	for _, m := range buttonHelperRe.FindAllStringSubmatch(t.Source(), -1) {
		out = append(out, strings.Trim(m[1], `"`))
	}
	return out
}

// buttonHelperRe finds literal targets of {{button BOX ...}}: a quoted id
// or a number. A bare word is a variable holding the id, checked at run
// time only.
var buttonHelperRe = regexp.MustCompile(`\{\{~?\s*button\s+("[A-Za-z0-9_-]+"|[0-9]+\b)`)

func refErrors(sc *Scenario) ParseErrors {
	var errs ParseErrors
	for _, r := range sc.refs() {
		if sc.Boxes[r.to] == nil {
			where := "scenario"
			if r.from != "" {
				where = "box " + r.from
			}
			errs = append(errs, &ParseError{File: sc.File, Line: r.line, Msg: fmt.Sprintf("%s: %s refers to unknown box %q", where, r.what, r.to)})
		}
	}
	return errs
}
