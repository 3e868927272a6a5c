package tmpl

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// renderer holds the state of one Render call.
type renderer struct {
	look Lookup
	env  Env
	sb   strings.Builder
	out  Rendered
	err  error
}

func (r *renderer) lookup(path string) (any, bool) {
	if r.look == nil {
		return nil, false
	}
	return r.look(path)
}

// fail records the first helper error.
func (r *renderer) fail(at pos, helper, format string, a ...any) {
	if r.err == nil {
		r.err = &HelperError{Line: at.line, Col: at.col, Helper: helper, Msg: fmt.Sprintf(format, a...)}
	}
}

func (r *renderer) nodes(ns []node) {
	for _, n := range ns {
		switch n := n.(type) {
		case textNode:
			r.sb.WriteString(string(n))
		case litNode:
			r.sb.WriteString(n.text)
		case varNode:
			v, _ := r.lookup(n.path)
			r.sb.WriteString(formatValue(v))
		case helperNode:
			r.helper(n)
		case *blockNode:
			r.block(n)
		}
	}
}

func (r *renderer) block(b *blockNode) {
	for _, br := range b.branches {
		if r.cond(br) {
			r.nodes(br.body)
			return
		}
	}
	r.nodes(b.elseBody)
}

// cond evaluates one branch's condition.
func (r *renderer) cond(br branch) bool {
	switch br.kind {
	case "if", "section":
		v, _ := r.value(br.args[0])
		return truthy(v)
	case "unless", "inverted":
		v, _ := r.value(br.args[0])
		return !truthy(v)
	case "exist":
		v, ok := r.value(br.args[0])
		return ok && v != nil
	case "notexist":
		v, ok := r.value(br.args[0])
		return !ok || v == nil
	case "compare":
		a, aok := r.value(br.args[0])
		c, cok := r.value(br.args[2])
		return compare(a, aok, br.args[1].s, c, cok)
	}
	return false
}

// value resolves an argument. ok is false for a missing variable.
func (r *renderer) value(a arg) (any, bool) {
	switch a.kind {
	case argPath:
		return r.lookup(a.s)
	case argString:
		return a.s, true
	case argNumber:
		return a.num, true
	case argBool:
		return a.b, true
	case argNumVar:
		if v, ok := r.lookup(a.s); ok {
			return v, true
		}
		return a.num, true
	}
	return nil, false
}

// formatValue prints a value the way Handlebars would: strings as they
// are, numbers without trailing zeros, true/false, lists joined by ",",
// nil and missing as nothing. Objects print nothing (Handlebars would print
// "[object Object]", which no customer should see).
func formatValue(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case bool:
		return strconv.FormatBool(v)
	case []any:
		parts := make([]string, len(v))
		for i, e := range v {
			parts[i] = formatValue(e)
		}
		return strings.Join(parts, ",")
	case []string:
		return strings.Join(v, ",")
	case map[string]any:
		return ""
	case json.Number:
		return v.String()
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case uint:
		return strconv.FormatUint(uint64(v), 10)
	case uint64:
		return strconv.FormatUint(v, 10)
	}
	if f, ok := toFloat(v); ok {
		return formatFloat(f)
	}
	return fmt.Sprint(v)
}

func formatFloat(f float64) string {
	if f == 0 {
		return "0" // also for -0
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// toFloat converts Go numeric types (not strings) to float64.
func toFloat(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case float32:
		return float64(n), true
	case int:
		return float64(n), true
	case int8:
		return float64(n), true
	case int16:
		return float64(n), true
	case int32:
		return float64(n), true
	case int64:
		return float64(n), true
	case uint:
		return float64(n), true
	case uint8:
		return float64(n), true
	case uint16:
		return float64(n), true
	case uint32:
		return float64(n), true
	case uint64:
		return float64(n), true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	}
	return 0, false
}

// asNumber converts a number or a numeric string to float64. Strings may
// use a decimal comma and spaces as thousands separators ("1 230,50").
func asNumber(v any) (float64, bool) {
	if f, ok := toFloat(v); ok {
		return f, !math.IsNaN(f)
	}
	s, ok := v.(string)
	if !ok {
		return 0, false
	}
	return parseNumber(s)
}

func parseNumber(s string) (float64, bool) {
	s, ok := cleanNumber(s)
	if !ok {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// asRat converts a number or a numeric string to an exact rational, so
// that long digit strings (tracking numbers, order numbers beyond 2^53)
// compare exactly.
func asRat(v any) (*big.Rat, bool) {
	switch n := v.(type) {
	case int:
		return new(big.Rat).SetInt64(int64(n)), true
	case int64:
		return new(big.Rat).SetInt64(n), true
	case uint:
		return new(big.Rat).SetUint64(uint64(n)), true
	case uint64:
		return new(big.Rat).SetUint64(n), true
	case string:
		s, ok := cleanNumber(n)
		if !ok {
			return nil, false
		}
		return new(big.Rat).SetString(s)
	case json.Number:
		s, ok := cleanNumber(n.String())
		if !ok {
			return nil, false
		}
		return new(big.Rat).SetString(s)
	}
	f, ok := toFloat(v)
	if !ok || math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, false
	}
	// The shortest decimal that reads back as f, so 0.1 equals "0.1".
	return new(big.Rat).SetString(strconv.FormatFloat(f, 'f', -1, 64))
}

// cleanNumber turns a numeric string into -?digits(.digits)? form:
// surrounding space, a leading '+', spaces (also no-break and narrow
// no-break) between digit groups and a single decimal comma are accepted.
// Exponents, hex and "NaN" are not numbers here.
func cleanNumber(s string) (string, bool) {
	s = strings.TrimSpace(s)
	s = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "").Replace(s)
	if strings.Count(s, ",") == 1 && !strings.Contains(s, ".") {
		s = strings.Replace(s, ",", ".", 1)
	}
	s = strings.TrimPrefix(s, "+")
	return s, isNumberLiteral(s)
}

// truthy is the #if test: false, "", "false", 0, nil, an empty list and a
// missing variable are false; everything else (including "0" and any
// object) is true.
func truthy(v any) bool {
	switch v := v.(type) {
	case nil:
		return false
	case bool:
		return v
	case string:
		return v != "" && v != "false"
	case []any:
		return len(v) > 0
	case []string:
		return len(v) > 0
	}
	if f, ok := toFloat(v); ok {
		return f != 0 && !math.IsNaN(f)
	}
	return true
}

// typeName is the #compare "typeof" type of a value.
func typeName(v any, ok bool) string {
	if !ok {
		return "undefined"
	}
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "boolean"
	case []any, []string:
		return "array"
	case map[string]any:
		return "object"
	}
	if _, isNum := toFloat(v); isNum {
		return "number"
	}
	return "object"
}

// compare evaluates {{#compare a op c}}. Both sides are compared as numbers
// when both are numbers or numeric strings; otherwise = and != compare the
// printed text and the ordering operators compare text only when neither
// side is a number (a number against text is false for them).
func compare(a any, aok bool, op string, c any, cok bool) bool {
	if op == "typeof" {
		want := strings.ToLower(formatValue(c))
		if tn, ok := typeNames[want]; ok {
			want = tn
		}
		got := typeName(a, aok)
		return got == want || (want == "object" && (got == "array" || got == "null"))
	}
	ar, aNum := asRat(a)
	cr, cNum := asRat(c)
	if aNum && cNum {
		n := ar.Cmp(cr)
		switch op {
		case "==":
			return n == 0
		case "!=":
			return n != 0
		case ">":
			return n > 0
		case ">=":
			return n >= 0
		case "<":
			return n < 0
		case "<=":
			return n <= 0
		}
		return false
	}
	as, cs := formatValue(a), formatValue(c)
	switch op {
	case "==":
		return as == cs
	case "!=":
		return as != cs
	}
	if aNum || cNum {
		return false
	}
	switch op {
	case ">":
		return as > cs
	case ">=":
		return as >= cs
	case "<":
		return as < cs
	case "<=":
		return as <= cs
	}
	return false
}

// helper runs an inline helper.
func (r *renderer) helper(h helperNode) {
	switch h.name {
	case "date":
		r.date(h)
	case "inflect":
		r.inflect(h)
	case "currency":
		r.currency(h)
	case "button":
		r.button(h)
	case "progress":
		r.progress(h)
	case "qrpay":
		r.qrpay(h)
	}
}
