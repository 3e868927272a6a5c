package dialog

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
)

// Cond is a parsed condition of a condition box's branch.
//
// Grammar (words are case-sensitive, lower case):
//
//	cond    = and { "or" and }
//	and     = unary { "and" unary }
//	unary   = ( "not" | "!" ) unary | "exist" path | "notexist" path | operand [ op operand ] | "(" cond ")"
//	op      = "=" | "==" | "is" | "!=" | ">" | ">=" | "<" | "<="
//	operand = path | "{{" path "}}" | "quoted \" string" | number | true | false
//
// A lone operand tests truthiness as #if does (false, "", "false", 0, nil,
// an empty list and a missing variable are false). A bare number is a
// literal; write a box-number variable as {{5}}. Comparisons follow
// #compare: numeric when both sides parse as numbers, else textual.
type Cond struct {
	src  string
	root condNode
	vars []string
}

// String returns the condition's source.
func (c *Cond) String() string { return c.src }

// Vars returns the variable paths the condition reads.
func (c *Cond) Vars() []string { return append([]string(nil), c.vars...) }

type condNode interface {
	eval(look func(string) (any, bool)) bool
}

type (
	orNode  struct{ l, r condNode }
	andNode struct{ l, r condNode }
	notNode struct{ x condNode }
	exist   struct {
		path string
		neg  bool
	}
	truthy  struct{ x operand }
	compare struct {
		l, r operand
		op   string
	}
	operand struct {
		path string // variable, when not ""
		lit  any
	}
)

func (n orNode) eval(l func(string) (any, bool)) bool  { return n.l.eval(l) || n.r.eval(l) }
func (n andNode) eval(l func(string) (any, bool)) bool { return n.l.eval(l) && n.r.eval(l) }
func (n notNode) eval(l func(string) (any, bool)) bool { return !n.x.eval(l) }
func (n exist) eval(l func(string) (any, bool)) bool {
	_, ok := l(n.path)
	return ok != n.neg
}
func (n truthy) eval(l func(string) (any, bool)) bool { return isTruthy(n.x.value(l)) }
func (n compare) eval(l func(string) (any, bool)) bool {
	return compareValues(n.l.value(l), n.op, n.r.value(l))
}

func (o operand) value(l func(string) (any, bool)) any {
	if o.path != "" {
		v, _ := l(o.path)
		return v
	}
	return o.lit
}

// isTruthy is #if's truthiness.
func isTruthy(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case string:
		return x != "" && x != "false"
	case float64:
		return x != 0
	case int:
		return x != 0
	case []any:
		return len(x) > 0
	case map[string]any:
		return true
	}
	return true
}

func asNumber(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, !math.IsNaN(x)
	case int:
		return float64(x), true
	case string:
		s := strings.TrimSpace(strings.ReplaceAll(x, ",", "."))
		if s == "" {
			return 0, false
		}
		f, err := strconv.ParseFloat(s, 64)
		return f, err == nil && !math.IsNaN(f) && !math.IsInf(f, 0)
	}
	return 0, false
}

// valueString prints a value as templates do.
func valueString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case int:
		return strconv.Itoa(x)
	case []any:
		s := make([]string, len(x))
		for i, e := range x {
			s[i] = valueString(e)
		}
		return strings.Join(s, ",")
	}
	return fmt.Sprint(v)
}

func compareValues(a any, op string, b any) bool {
	fa, okA := asNumber(a)
	fb, okB := asNumber(b)
	if okA && okB {
		switch op {
		case "=", "==", "is":
			return fa == fb
		case "!=":
			return fa != fb
		case ">":
			return fa > fb
		case ">=":
			return fa >= fb
		case "<":
			return fa < fb
		case "<=":
			return fa <= fb
		}
		return false
	}
	sa, sb := valueString(a), valueString(b)
	switch op {
	case "=", "==", "is":
		return sa == sb
	case "!=":
		return sa != sb
	case ">":
		return sa > sb
	case ">=":
		return sa >= sb
	case "<":
		return sa < sb
	case "<=":
		return sa <= sb
	}
	return false
}

type ctok struct {
	kind string // "word", "str", "op", "(", ")", "var"
	val  string
}

// String describes the token for error messages.
func (t ctok) String() string {
	switch t.kind {
	case "(", ")":
		return strconv.Quote(t.kind)
	case "var":
		return strconv.Quote("{{" + t.val + "}}")
	}
	return strconv.Quote(t.val)
}

func lexCond(src string) ([]ctok, error) {
	var toks []ctok
	rs := []rune(src)
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case unicode.IsSpace(r):
			i++
		case r == '(' || r == ')':
			toks = append(toks, ctok{kind: string(r)})
			i++
		case r == '"':
			var sb strings.Builder
			j := i + 1
			for ; j < len(rs) && rs[j] != '"'; j++ {
				if rs[j] == '\\' && j+1 < len(rs) {
					j++
				}
				sb.WriteRune(rs[j])
			}
			if j >= len(rs) {
				return nil, errors.New("unterminated string")
			}
			toks = append(toks, ctok{kind: "str", val: sb.String()})
			i = j + 1
		case r == '{':
			end := strings.Index(string(rs[i:]), "}}")
			if !strings.HasPrefix(string(rs[i:]), "{{") || end < 0 {
				return nil, errors.New("want {{variable}}")
			}
			inner := strings.TrimSpace(string(rs[i:])[2:end])
			if !isPath(inner) {
				return nil, fmt.Errorf("%q is not a variable path", inner)
			}
			toks = append(toks, ctok{kind: "var", val: inner})
			i += len([]rune(string(rs[i:])[:end+2]))
		case strings.ContainsRune("=!<>", r):
			j := i + 1
			if j < len(rs) && rs[j] == '=' {
				j++
			}
			op := string(rs[i:j])
			if op == "!" && j < len(rs) && rs[j] != '=' {
				toks = append(toks, ctok{kind: "word", val: "not"})
				i = j
				continue
			}
			toks = append(toks, ctok{kind: "op", val: op})
			i = j
		default:
			j := i
			for j < len(rs) && (unicode.IsLetter(rs[j]) || unicode.IsDigit(rs[j]) || strings.ContainsRune("_$.-", rs[j])) {
				j++
			}
			if j == i {
				return nil, fmt.Errorf("unexpected %q", r)
			}
			toks = append(toks, ctok{kind: "word", val: string(rs[i:j])})
			i = j
		}
	}
	return toks, nil
}

func isPath(s string) bool {
	if s == "" {
		return false
	}
	for _, seg := range strings.Split(s, ".") {
		if !varRe.MatchString(seg) && !(seg != "" && strings.Trim(seg, "0123456789") == "") {
			return false
		}
	}
	return !strings.Contains(s[1:], "$")
}

type condParser struct {
	toks []ctok
	pos  int
	vars []string
}

func (p *condParser) peek() *ctok {
	if p.pos < len(p.toks) {
		return &p.toks[p.pos]
	}
	return nil
}

func (p *condParser) isWord(w string) bool {
	t := p.peek()
	return t != nil && t.kind == "word" && t.val == w
}

func parseCond(src string) (*Cond, error) {
	toks, err := lexCond(src)
	if err != nil {
		return nil, err
	}
	if len(toks) == 0 {
		return nil, errors.New("empty condition")
	}
	p := &condParser{toks: toks}
	n, err := p.or(0)
	if err != nil {
		return nil, err
	}
	if p.pos != len(p.toks) {
		return nil, fmt.Errorf("unexpected %s after the condition", p.toks[p.pos])
	}
	return &Cond{src: src, root: n, vars: p.vars}, nil
}

func (p *condParser) or(depth int) (condNode, error) {
	if depth > 50 {
		return nil, errors.New("nested too deeply")
	}
	l, err := p.and(depth)
	if err != nil {
		return nil, err
	}
	for p.isWord("or") {
		p.pos++
		r, err := p.and(depth)
		if err != nil {
			return nil, err
		}
		l = orNode{l, r}
	}
	return l, nil
}

func (p *condParser) and(depth int) (condNode, error) {
	l, err := p.unary(depth)
	if err != nil {
		return nil, err
	}
	for p.isWord("and") {
		p.pos++
		r, err := p.unary(depth)
		if err != nil {
			return nil, err
		}
		l = andNode{l, r}
	}
	return l, nil
}

func (p *condParser) unary(depth int) (condNode, error) {
	if depth > 50 {
		return nil, errors.New("nested too deeply")
	}
	t := p.peek()
	if t == nil {
		return nil, errors.New("condition ends too early")
	}
	switch {
	case t.kind == "(":
		p.pos++
		n, err := p.or(depth + 1)
		if err != nil {
			return nil, err
		}
		if t := p.peek(); t == nil || t.kind != ")" {
			return nil, errors.New("missing )")
		}
		p.pos++
		return n, nil
	case t.kind == "word" && t.val == "not":
		p.pos++
		x, err := p.unary(depth + 1)
		if err != nil {
			return nil, err
		}
		return notNode{x}, nil
	case t.kind == "word" && (t.val == "exist" || t.val == "notexist"):
		p.pos++
		o, err := p.operand()
		if err != nil {
			return nil, err
		}
		if o.path == "" {
			return nil, fmt.Errorf("%s wants a variable", t.val)
		}
		return exist{path: o.path, neg: t.val == "notexist"}, nil
	}
	l, err := p.operand()
	if err != nil {
		return nil, err
	}
	t = p.peek()
	if t != nil && (t.kind == "op" || (t.kind == "word" && t.val == "is")) {
		op := t.val
		if op == "!" {
			return nil, errors.New("unexpected \"!\" (use not or !=)")
		}
		p.pos++
		r, err := p.operand()
		if err != nil {
			return nil, err
		}
		return compare{l: l, r: r, op: op}, nil
	}
	return truthy{l}, nil
}

func (p *condParser) operand() (operand, error) {
	t := p.peek()
	if t == nil {
		return operand{}, errors.New("condition ends too early")
	}
	p.pos++
	switch t.kind {
	case "str":
		return operand{lit: t.val}, nil
	case "var":
		p.vars = append(p.vars, t.val)
		return operand{path: t.val}, nil
	case "word":
		switch t.val {
		case "true":
			return operand{lit: true}, nil
		case "false":
			return operand{lit: false}, nil
		case "null", "nil":
			return operand{lit: nil}, nil
		case "and", "or", "not", "is", "exist", "notexist":
			return operand{}, fmt.Errorf("unexpected %q", t.val)
		}
		if f, err := strconv.ParseFloat(t.val, 64); err == nil {
			return operand{lit: f}, nil
		}
		if !isPath(t.val) {
			return operand{}, fmt.Errorf("%q is not a variable path", t.val)
		}
		p.vars = append(p.vars, t.val)
		return operand{path: t.val}, nil
	}
	return operand{}, fmt.Errorf("unexpected %s", *t)
}
