package tmpl

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Node types of the parsed tree.
type (
	node interface{}

	// textNode is literal text.
	textNode string
	// varNode prints a variable.
	varNode struct{ path string }
	// litNode prints a literal ({{"x"}}, {{true}}, {{-5}}).
	litNode struct{ text string }
	// helperNode is an inline helper call.
	helperNode struct {
		name string
		args []arg
		pos  pos
	}
	// blockNode is a block with its chain of conditional branches and an
	// optional final {{else}}.
	blockNode struct {
		branches []branch
		elseBody []node
		pos      pos
	}
)

// branch is one condition of a block chain and the body shown when it is
// the first true one.
type branch struct {
	kind string // "if", "unless", "exist", "notexist", "compare", "section", "inverted"
	args []arg
	body []node
	pos  pos
}

type argKind int

const (
	argPath   argKind = iota // a variable path
	argString                // "text"
	argNumber                // 12, -1.5
	argBool                  // true, false
	argNumVar                // a bare integer in #compare: variable if it exists, else number
)

// arg is one parameter of a helper or block.
type arg struct {
	kind argKind
	s    string // path, string value or the number's source text
	num  float64
	b    bool
	off  int // byte offset in the source
	pos  pos // line:col, filled in by fixArgs
}

type pos struct{ line, col int }

// Token kinds produced by the scanner.
type tokKind int

const (
	tokText tokKind = iota
	tokComment
	tokMustache // {{expr ...}}
	tokOpen     // {{#name args}}
	tokInverse  // {{^name}}
	tokElse     // {{else}}, {{else if x}}, {{^}}
	tokClose    // {{/name}}
)

type token struct {
	kind tokKind
	off  int    // byte offset of the token in the source
	text string // literal text (tokText) or tag body
	name string
	args []arg
	// silent tags print nothing: comments, block tags, button and qrpay.
	silent bool
}

// Known helper names and their argument counts.
var helperArity = map[string][2]int{
	"date":     {1, 2},
	"inflect":  {4, 5},
	"currency": {1, 2},
	"button":   {2, 2},
	"progress": {3, 4},
	"qrpay":    {5, 7},
}

// Condition blocks and how many arguments they take.
var blockArity = map[string]int{
	"if":       1,
	"unless":   1,
	"exist":    1,
	"notexist": 1,
	"compare":  3,
}

// compareOps maps every accepted #compare operator to its canonical form.
var compareOps = map[string]string{
	"is": "==", "=": "==", "==": "==", "===": "==",
	"!=": "!=", "not": "!=", "!==": "!=",
	">": ">", ">=": ">=", "<": "<", "<=": "<=",
	"typeof": "typeof",
}

// typeNames maps the type names #compare "typeof" accepts to canonical ones.
var typeNames = map[string]string{
	"string": "string", "text": "string",
	"number":  "number",
	"boolean": "boolean", "bool": "boolean",
	"object": "object",
	"array":  "array", "list": "array",
	"null":      "null",
	"undefined": "undefined", "missing": "undefined",
}

type parser struct {
	src        string
	lineStarts []int
	vars       orderedSet
	helpers    orderedSet
}

func newParser(src string) *parser {
	p := &parser{src: src, lineStarts: []int{0}}
	for i := 0; i < len(src); i++ {
		if src[i] == '\n' {
			p.lineStarts = append(p.lineStarts, i+1)
		}
	}
	return p
}

// posAt converts a byte offset to a 1-based line and rune column.
func (p *parser) posAt(off int) pos {
	off = min(max(off, 0), len(p.src))
	line := sort.Search(len(p.lineStarts), func(i int) bool { return p.lineStarts[i] > off }) - 1
	return pos{line: line + 1, col: utf8.RuneCountInString(p.src[p.lineStarts[line]:off]) + 1}
}

func (p *parser) errorf(off int, format string, a ...any) *SyntaxError {
	ps := p.posAt(off)
	return &SyntaxError{Line: ps.line, Col: ps.col, Msg: fmt.Sprintf(format, a...)}
}

func (p *parser) parse() ([]node, error) {
	toks, err := p.scan()
	if err != nil {
		return nil, err
	}
	toks = stripStandalone(toks)
	return p.build(toks)
}

// scan splits the source into text and tags and parses each tag's body.
func (p *parser) scan() ([]token, error) {
	src := p.src
	var toks []token
	i := 0
	for i < len(src) {
		j := strings.Index(src[i:], "{{")
		if j < 0 {
			toks = append(toks, token{kind: tokText, off: i, text: src[i:]})
			break
		}
		start := i + j
		if j > 0 && src[start-1] == '\\' {
			// \{{ prints "{{" literally.
			toks = append(toks, token{kind: tokText, off: i, text: src[i:start-1] + "{{"})
			i = start + 2
			continue
		}
		if j > 0 {
			toks = append(toks, token{kind: tokText, off: i, text: src[i:start]})
		}
		if strings.HasPrefix(src[start:], "{{!--") {
			k := strings.Index(src[start+5:], "--}}")
			if k < 0 {
				return nil, p.errorf(start, "unclosed comment {{!-- (missing --}})")
			}
			toks = append(toks, token{kind: tokComment, off: start, silent: true})
			i = start + 5 + k + 4
			continue
		}
		open, closeDelim := 2, "}}"
		if strings.HasPrefix(src[start:], "{{{") {
			open, closeDelim = 3, "}}}"
		}
		k := strings.Index(src[start+open:], closeDelim)
		if k < 0 {
			return nil, p.errorf(start, "unclosed %s (missing %s)", src[start:start+open], closeDelim)
		}
		bodyOff := start + open
		body := src[bodyOff : bodyOff+k]
		i = bodyOff + k + len(closeDelim)
		if strings.HasPrefix(strings.TrimLeft(body, " \t\r\n"), "!") {
			toks = append(toks, token{kind: tokComment, off: start, silent: true})
			continue
		}
		if n := strings.Index(body, "{{"); n >= 0 {
			return nil, p.errorf(bodyOff+n, "unexpected {{ inside a tag opened at %s", p.posString(start))
		}
		tok, err := p.parseTag(start, bodyOff, body, open == 3)
		if err != nil {
			return nil, err
		}
		toks = append(toks, tok)
	}
	return toks, nil
}

func (p *parser) posString(off int) string {
	ps := p.posAt(off)
	return fmt.Sprintf("%d:%d", ps.line, ps.col)
}

// parseTag classifies one tag. start is the offset of "{{", bodyOff that of
// the text between the braces.
func (p *parser) parseTag(start, bodyOff int, body string, triple bool) (token, error) {
	lead := len(body) - len(strings.TrimLeft(body, " \t\r\n"))
	b := strings.TrimRight(body[lead:], " \t\r\n")
	off := bodyOff + lead
	if b == "" {
		return token{}, p.errorf(start, "empty tag {{}}")
	}
	tok := token{off: start, text: b}
	if triple && strings.ContainsAny(b[:1], "#^/") {
		return token{}, p.errorf(start, "blocks cannot use triple braces {{{")
	}
	switch b[0] {
	case '#', '^', '/':
		sigil := b[0]
		rest := b[1:]
		restOff := off + 1
		l := len(rest) - len(strings.TrimLeft(rest, " \t\r\n"))
		rest, restOff = rest[l:], restOff+l
		if sigil == '^' && rest == "" {
			tok.kind, tok.silent = tokElse, true
			return tok, nil
		}
		args, err := p.splitArgs(rest, restOff)
		if err != nil {
			return token{}, err
		}
		if len(args) == 0 {
			return token{}, p.errorf(start, "missing name after %c", sigil)
		}
		name := args[0]
		if name.kind != argPath && name.kind != argNumber {
			return token{}, p.errorf(name.offset(p), "expected a name after %c", sigil)
		}
		tok.name, tok.args, tok.silent = name.s, args[1:], true
		switch sigil {
		case '#':
			tok.kind = tokOpen
			if strings.HasPrefix(name.s, ">") {
				return token{}, p.errorf(start, "partials are not supported")
			}
		case '^':
			tok.kind = tokInverse
		case '/':
			tok.kind = tokClose
			if len(tok.args) > 0 {
				return token{}, p.errorf(start, "unexpected text after {{/%s", name.s)
			}
		}
		return tok, nil
	case '>':
		return token{}, p.errorf(start, "partials are not supported")
	case '&':
		b = strings.TrimLeft(b[1:], " \t\r\n")
		off = bodyOff + len(body) - len(strings.TrimLeft(body, " \t\r\n&"))
		if b == "" {
			return token{}, p.errorf(start, "empty tag {{&}}")
		}
	}
	args, err := p.splitArgs(b, off)
	if err != nil {
		return token{}, err
	}
	if len(args) > 0 && args[0].kind == argPath && args[0].s == "else" {
		tok.kind, tok.silent = tokElse, true
		if len(args) > 1 {
			tok.name = args[1].s
			if args[1].kind != argPath {
				return token{}, p.errorf(args[1].offset(p), "expected if, unless, exist, notexist or compare after else")
			}
			tok.args = args[2:]
		}
		return tok, nil
	}
	tok.kind, tok.args = tokMustache, args
	if args[0].kind == argPath && (args[0].s == "button" || args[0].s == "qrpay") && len(args) > 1 {
		tok.silent = true
	}
	return tok, nil
}

// offset returns the arg's byte offset in the source.
func (a arg) offset(*parser) int { return a.off }

// splitArgs splits a tag body into arguments; base is the body's offset in
// the source. Positions are converted to line:col later by fixArgs.
func (p *parser) splitArgs(s string, base int) ([]arg, error) {
	var args []arg
	i := 0
	for i < len(s) {
		c := s[i]
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' {
			i++
			continue
		}
		at := base + i
		if c == '"' || c == '\'' {
			var sb strings.Builder
			j := i + 1
			closed := false
			for j < len(s) {
				d := s[j]
				if d == '\\' && j+1 < len(s) && (s[j+1] == c || s[j+1] == '\\') {
					sb.WriteByte(s[j+1])
					j += 2
					continue
				}
				if d == c {
					closed = true
					j++
					break
				}
				sb.WriteByte(d)
				j++
			}
			if !closed {
				return nil, p.errorf(at, "unterminated string")
			}
			if j < len(s) && !isSpace(s[j]) {
				return nil, p.errorf(base+j, "expected a space after a string")
			}
			args = append(args, arg{kind: argString, s: sb.String(), off: at})
			i = j
			continue
		}
		j := i
		for j < len(s) && !isSpace(s[j]) {
			j++
		}
		word := s[i:j]
		a, err := p.classify(word, at)
		if err != nil {
			return nil, err
		}
		args = append(args, a)
		i = j
	}
	return args, nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// classify turns a bare word into a bool, number or path argument.
func (p *parser) classify(w string, at int) (arg, error) {
	switch w {
	case "true", "false":
		return arg{kind: argBool, b: w == "true", s: w, off: at}, nil
	}
	if isNumberLiteral(w) {
		f, err := strconv.ParseFloat(w, 64)
		if err == nil {
			return arg{kind: argNumber, num: f, s: w, off: at}, nil
		}
	}
	if k := strings.IndexAny(w, "\"'()=|~{}[]<>!,;"); k >= 0 {
		switch w[k] {
		case '(', ')':
			return arg{}, p.errorf(at+k, "subexpressions ( ) are not supported")
		case '=':
			if isPathLike(w[:k]) {
				return arg{}, p.errorf(at, "named arguments (%s) are not supported", w[:k+1])
			}
		}
		return arg{}, p.errorf(at+k, "unexpected %q in %q (text must be in double quotes)", w[k], w)
	}
	if msg := pathProblem(w); msg != "" {
		return arg{}, p.errorf(at, "bad variable name %q: %s", w, msg)
	}
	return arg{kind: argPath, s: w, off: at}, nil
}

// isNumberLiteral reports whether w is -?digits(.digits)?.
func isNumberLiteral(w string) bool {
	s := strings.TrimPrefix(w, "-")
	intPart, frac, hasDot := strings.Cut(s, ".")
	if intPart == "" || !allDigits(intPart) {
		return false
	}
	return !hasDot || (frac != "" && allDigits(frac))
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func isPathLike(w string) bool { return w != "" && pathProblem(w) == "" }

// pathProblem returns why w is not a valid variable path, or "".
// A path is dot-separated segments of letters, digits, '_' and '-' (not
// first); the first segment may start with '$'.
func pathProblem(w string) string {
	if w == "" {
		return "empty"
	}
	for n, seg := range strings.Split(w, ".") {
		if seg == "" {
			return "empty segment"
		}
		for k, r := range seg {
			switch {
			case r == '$' && n == 0 && k == 0:
			case r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
			case r == '-' && k > 0:
			default:
				return fmt.Sprintf("unexpected %q", r)
			}
		}
		if seg == "$" {
			return "empty name after $"
		}
	}
	return ""
}

// stripStandalone removes lines that hold only silent tags (comments, block
// tags, button, qrpay) and whitespace, including their newline, so block
// structure on its own lines leaves no blank lines behind. This extends
// Handlebars' "standalone tag" rule to lines with several silent tags. When
// the template ends with such a line, the newline before it goes too, so
// the text does not end in a newline the author never meant.
func stripStandalone(toks []token) []token {
	type piece struct{ tok, from, to int }
	dels := make(map[int][][2]int)
	var line []piece
	hasTag, allSilent := false, true
	lastNL := piece{tok: -1} // the newline ending the last kept line
	finish := func(final bool) {
		strip := false
		if hasTag && allSilent {
			strip = true
			for _, pc := range line {
				if strings.Trim(toks[pc.tok].text[pc.from:pc.to], " \t\r\n") != "" {
					strip = false
					break
				}
			}
		}
		switch {
		case strip:
			for _, pc := range line {
				dels[pc.tok] = append(dels[pc.tok], [2]int{pc.from, pc.to})
			}
			if final && lastNL.tok >= 0 {
				dels[lastNL.tok] = append(dels[lastNL.tok], [2]int{lastNL.from, lastNL.to})
			}
		case len(line) > 0:
			if end := line[len(line)-1]; strings.HasSuffix(toks[end.tok].text[end.from:end.to], "\n") {
				from := end.to - 1
				if strings.HasSuffix(toks[end.tok].text[end.from:from], "\r") {
					from--
				}
				lastNL = piece{end.tok, from, end.to}
			}
		}
		line, hasTag, allSilent = line[:0], false, true
	}
	for i, t := range toks {
		if t.kind != tokText {
			hasTag = true
			if !t.silent {
				allSilent = false
			}
			continue
		}
		s := t.text
		start := 0
		for {
			k := strings.IndexByte(s[start:], '\n')
			if k < 0 {
				if start < len(s) {
					line = append(line, piece{i, start, len(s)})
				}
				break
			}
			end := start + k + 1
			line = append(line, piece{i, start, end})
			finish(false)
			start = end
		}
	}
	if hasTag || len(line) > 0 {
		finish(true)
	}
	if len(dels) == 0 {
		return toks
	}
	out := toks[:0:0]
	for i, t := range toks {
		if d, ok := dels[i]; ok {
			sort.Slice(d, func(a, b int) bool { return d[a][0] < d[b][0] })
			var sb strings.Builder
			prev := 0
			for _, r := range d {
				if r[0] >= prev {
					sb.WriteString(t.text[prev:r[0]])
				}
				prev = max(prev, r[1])
			}
			sb.WriteString(t.text[prev:])
			t.text = sb.String()
			if t.text == "" {
				continue
			}
		}
		out = append(out, t)
	}
	return out
}

// frame is an open block during tree building.
type frame struct {
	name    string // name the closing tag must repeat
	open    token
	block   *blockNode
	body    *[]node
	sawElse bool
}

// build turns the token list into a tree, checking block structure and
// helper arguments.
func (p *parser) build(toks []token) ([]node, error) {
	var root []node
	var stack []*frame
	cur := &root
	for _, t := range toks {
		switch t.kind {
		case tokText:
			*cur = append(*cur, textNode(t.text))
		case tokComment:
		case tokMustache:
			n, err := p.mustache(t)
			if err != nil {
				return nil, err
			}
			*cur = append(*cur, n)
		case tokOpen, tokInverse:
			br, err := p.openBranch(t)
			if err != nil {
				return nil, err
			}
			blk := &blockNode{branches: []branch{br}, pos: p.posAt(t.off)}
			*cur = append(*cur, blk)
			f := &frame{name: t.name, open: t, block: blk, body: &blk.branches[0].body}
			stack = append(stack, f)
			cur = f.body
		case tokElse:
			if len(stack) == 0 {
				return nil, p.errorf(t.off, "{{else}} outside a block")
			}
			f := stack[len(stack)-1]
			if f.sawElse {
				return nil, p.errorf(t.off, "{{%s}} after {{else}} in the block opened at %s", t.text, p.posString(f.open.off))
			}
			if t.name == "" {
				f.sawElse = true
				f.body = &f.block.elseBody
				cur = f.body
				continue
			}
			if _, ok := blockArity[t.name]; !ok {
				return nil, p.errorf(t.off, "unknown condition %q after else (want if, unless, exist, notexist or compare)", t.name)
			}
			br, err := p.openBranch(token{kind: tokOpen, off: t.off, name: t.name, args: t.args})
			if err != nil {
				return nil, err
			}
			f.block.branches = append(f.block.branches, br)
			f.body = &f.block.branches[len(f.block.branches)-1].body
			cur = f.body
		case tokClose:
			if len(stack) == 0 {
				return nil, p.errorf(t.off, "{{/%s}} closes no open block", t.name)
			}
			f := stack[len(stack)-1]
			if f.name != t.name {
				return nil, p.errorf(t.off, "{{/%s}} does not match {{%s}} opened at %s", t.name, openText(f.open), p.posString(f.open.off))
			}
			stack = stack[:len(stack)-1]
			if len(stack) == 0 {
				cur = &root
			} else {
				cur = stack[len(stack)-1].body
			}
		}
	}
	if len(stack) > 0 {
		f := stack[len(stack)-1]
		return nil, p.errorf(f.open.off, "{{%s}} is never closed (missing {{/%s}})", openText(f.open), f.name)
	}
	return root, nil
}

func openText(t token) string {
	if t.kind == tokInverse {
		return "^" + t.name
	}
	return "#" + t.name
}

// fixArgs fills in the args' line:col positions.
func (p *parser) fixArgs(args []arg) []arg {
	out := make([]arg, len(args))
	for i, a := range args {
		a.pos = p.posAt(a.off)
		out[i] = a
	}
	return out
}

// openBranch checks a block opening ({{#if x}}, {{else unless y}},
// {{#var}}, {{^var}}) and returns its branch.
func (p *parser) openBranch(t token) (branch, error) {
	br := branch{pos: p.posAt(t.off)}
	if t.kind == tokInverse {
		if len(t.args) > 0 {
			return branch{}, p.errorf(t.args[0].offset(p), "an inverted section {{^%s}} takes no arguments", t.name)
		}
		if pathProblem(t.name) != "" {
			return branch{}, p.errorf(t.off, "bad variable name %q", t.name)
		}
		p.vars.add(t.name)
		p.helpers.add("inverted")
		br.kind = "inverted"
		br.args = []arg{{kind: argPath, s: t.name, pos: br.pos}}
		return br, nil
	}
	n, known := blockArity[t.name]
	if !known {
		if _, isHelper := helperArity[t.name]; isHelper {
			return branch{}, p.errorf(t.off, "%s is not a block helper (write {{%s ...}} without #)", t.name, t.name)
		}
		if len(t.args) > 0 {
			return branch{}, p.errorf(t.off, "unknown block helper %q", t.name)
		}
		if pathProblem(t.name) != "" {
			return branch{}, p.errorf(t.off, "bad variable name %q", t.name)
		}
		p.vars.add(t.name)
		p.helpers.add("section")
		br.kind = "section"
		br.args = []arg{{kind: argPath, s: t.name, pos: br.pos}}
		return br, nil
	}
	if len(t.args) != n {
		return branch{}, p.errorf(t.off, "#%s takes %s, got %d", t.name, plural(n, "argument"), len(t.args))
	}
	br.kind = t.name
	p.helpers.add(t.name)
	args := t.args
	switch t.name {
	case "if", "unless":
		args = []arg{p.conditionOperand(args[0])}
	case "exist", "notexist":
		a := p.conditionOperand(args[0])
		if a.kind != argPath {
			return branch{}, p.errorf(args[0].offset(p), "#%s needs a variable name, got %s", t.name, describe(args[0]))
		}
		args = []arg{a}
	case "compare":
		op := args[1]
		if op.kind != argString {
			return branch{}, p.errorf(op.offset(p), "#compare operator must be quoted, e.g. \">\"; got %s", describe(op))
		}
		canon, ok := compareOps[op.s]
		if !ok {
			return branch{}, p.errorf(op.offset(p), "unknown #compare operator %q (want is, =, !=, not, >, >=, <, <= or typeof)", op.s)
		}
		op.s = canon
		args = []arg{p.compareOperand(args[0]), op, p.compareOperand(args[2])}
		if canon == "typeof" {
			if args[2].kind == argString {
				tn, ok := typeNames[strings.ToLower(args[2].s)]
				if !ok {
					return branch{}, p.errorf(t.args[2].offset(p), "unknown type %q for typeof (want string, number, boolean, object, array, null or undefined)", args[2].s)
				}
				args[2].s = tn
			} else if args[2].kind != argPath {
				return branch{}, p.errorf(t.args[2].offset(p), "typeof needs a type name in quotes, got %s", describe(t.args[2]))
			}
		}
	}
	for _, a := range args {
		if a.kind == argPath {
			p.vars.add(a.s)
		}
	}
	br.args = p.fixArgs(args)
	return br, nil
}

// conditionOperand makes a bare number in #if/#unless/#exist a box-number
// variable.
func (p *parser) conditionOperand(a arg) arg {
	if a.kind == argNumber && pathProblem(a.s) == "" {
		a.kind = argPath
	}
	return a
}

// compareOperand makes a bare integer in #compare a variable-or-number.
func (p *parser) compareOperand(a arg) arg {
	if a.kind == argNumber && allDigits(a.s) {
		a.kind = argNumVar
	}
	return a
}

// mustache checks a {{...}} tag: a variable, a literal or a helper call.
func (p *parser) mustache(t token) (node, error) {
	first := t.args[0]
	if len(t.args) == 1 {
		switch first.kind {
		case argPath:
			p.vars.add(first.s)
			return varNode{path: first.s}, nil
		case argNumber:
			if pathProblem(first.s) == "" { // {{5}}: box 5's answer
				p.vars.add(first.s)
				return varNode{path: first.s}, nil
			}
			return litNode{text: first.s}, nil
		case argString:
			return litNode{text: first.s}, nil
		case argBool:
			return litNode{text: first.s}, nil
		}
	}
	if first.kind != argPath {
		return nil, p.errorf(first.offset(p), "expected a helper name before the arguments, got %s", describe(first))
	}
	ar, ok := helperArity[first.s]
	if !ok {
		if _, isBlock := blockArity[first.s]; isBlock {
			return nil, p.errorf(t.off, "%s is a block: write {{#%s ...}}...{{/%s}}", first.s, first.s, first.s)
		}
		return nil, p.errorf(t.off, "unknown helper %q", first.s)
	}
	args := t.args[1:]
	if len(args) < ar[0] || len(args) > ar[1] {
		want := plural(ar[0], "argument")
		if ar[1] != ar[0] {
			want = fmt.Sprintf("%d to %d arguments", ar[0], ar[1])
		}
		return nil, p.errorf(t.off, "%s takes %s, got %d", first.s, want, len(args))
	}
	if first.s == "qrpay" && args[0].kind == argString {
		if k := strings.ToLower(args[0].s); k != "cz" && k != "iban" {
			return nil, p.errorf(args[0].offset(p), "qrpay account type must be \"cz\" or \"iban\", got %q", args[0].s)
		}
	}
	p.helpers.add(first.s)
	for _, a := range args {
		if a.kind == argPath {
			p.vars.add(a.s)
		}
	}
	return helperNode{name: first.s, args: p.fixArgs(args), pos: p.posAt(t.off)}, nil
}

func describe(a arg) string {
	switch a.kind {
	case argString:
		return strconv.Quote(a.s)
	case argPath:
		return "variable " + a.s
	}
	return a.s
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
