package tmpl

import (
	"math"
	"strconv"
	"strings"
)

// argValues resolves a helper's arguments. ok is false when any variable
// among them is missing or nil: the helper then renders nothing, just as a
// missing {{variable}} does.
func (r *renderer) argValues(args []arg) ([]any, bool) {
	vals := make([]any, len(args))
	for i, a := range args {
		v, ok := r.value(a)
		if !ok || v == nil {
			return nil, false
		}
		vals[i] = v
	}
	return vals, true
}

// currencySymbols maps accepted currency names (upper case) to the symbol
// printed after the amount.
var currencySymbols = map[string]string{
	"":    "Kč",
	"KČ":  "Kč",
	"KC":  "Kč",
	"CZK": "Kč",
	"EUR": "€",
	"€":   "€",
}

// currencySymbol returns the printed symbol for a currency name: Kč for
// CZK (the default), € for EUR, and any other name as given, upper-cased.
func currencySymbol(name string) string {
	up := strings.ToUpper(strings.TrimSpace(name))
	if sym, ok := currencySymbols[up]; ok {
		return sym
	}
	return up
}

// FormatMoney formats amount the Czech way used by the currency helper:
// rounded to two decimals, a plain space between thousands, a decimal
// comma and the currency symbol after the number: FormatMoney(1230.5,
// "CZK") is "1 230,50 Kč", FormatMoney(99.99, "EUR") is "99,99 €". An
// empty currency means Kč; names other than CZK/Kč and EUR/€ are printed
// upper-cased after the number.
func FormatMoney(amount float64, currency string) string {
	return formatDecimal(amount, 2) + " " + currencySymbol(currency)
}

// formatDecimal rounds f to the given decimals and prints it with space
// thousands separators and a decimal comma.
func formatDecimal(f float64, decimals int) string {
	s := strconv.FormatFloat(math.Abs(f), 'f', decimals, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	var sb strings.Builder
	if f < 0 && strings.Trim(s, "0.") != "" {
		sb.WriteByte('-')
	}
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			sb.WriteByte(' ')
		}
		sb.WriteRune(c)
	}
	if frac != "" {
		sb.WriteByte(',')
		sb.WriteString(frac)
	}
	return sb.String()
}

// currency renders {{currency AMOUNT ["CUR"]}}.
func (r *renderer) currency(h helperNode) {
	amount, ok := r.value(h.args[0])
	if !ok || amount == nil {
		return
	}
	f, isNum := asNumber(amount)
	if !isNum {
		r.fail(h.pos, h.name, "amount %q is not a number", formatValue(amount))
		return
	}
	if math.Abs(f) >= 1e15 {
		r.fail(h.pos, h.name, "amount %s is too large", formatFloat(f))
		return
	}
	cur := ""
	if len(h.args) > 1 {
		if v, ok := r.value(h.args[1]); ok {
			cur = formatValue(v)
		}
	}
	r.sb.WriteString(FormatMoney(f, cur))
}

// Inflect picks the Czech plural form for n: one for 1 (and -1), few for
// 2-4, many for 0, 5 and more, and for decimals. It is what the inflect
// helper does.
func Inflect(n float64, one, few, many string) string {
	a := math.Abs(n)
	if a != math.Trunc(a) {
		return many
	}
	switch {
	case a == 1:
		return one
	case a >= 2 && a <= 4:
		return few
	}
	return many
}

// inflect renders {{inflect AMOUNT "one" "few" "many" [SHOW]}}.
func (r *renderer) inflect(h helperNode) {
	vals, ok := r.argValues(h.args[:4])
	if !ok {
		return
	}
	var n float64
	switch v := vals[0].(type) {
	case []any:
		n = float64(len(v))
	case []string:
		n = float64(len(v))
	case map[string]any:
		r.fail(h.pos, h.name, "amount is an object, not a number or a list")
		return
	default:
		f, isNum := asNumber(v)
		if !isNum {
			r.fail(h.pos, h.name, "amount %q is not a number or a list", formatValue(v))
			return
		}
		n = f
	}
	word := Inflect(n, formatValue(vals[1]), formatValue(vals[2]), formatValue(vals[3]))
	if len(h.args) > 4 {
		if show, _ := r.value(h.args[4]); truthy(show) {
			num := formatFloat(n)
			if n != math.Trunc(n) {
				num = strings.Replace(num, ".", ",", 1)
			}
			r.sb.WriteString(num)
			r.sb.WriteByte(' ')
		}
	}
	r.sb.WriteString(word)
}

// button records {{button BOX "Label"}}; it prints nothing.
func (r *renderer) button(h helperNode) {
	vals, ok := r.argValues(h.args)
	if !ok {
		return
	}
	box := strings.TrimSpace(formatValue(vals[0]))
	title := formatValue(vals[1])
	if box == "" {
		r.fail(h.pos, h.name, "empty box number")
		return
	}
	if strings.TrimSpace(title) == "" {
		r.fail(h.pos, h.name, "empty label")
		return
	}
	r.out.Buttons = append(r.out.Buttons, Button{Title: title, Box: box})
}

// Progress bar characters and limits.
const (
	progressDone     = "●"
	progressTodo     = "○"
	progressTotal    = 4
	progressMaxTotal = 20
)

// progress renders {{progress N "icon" "Name" [TOTAL]}} as a textual bar,
// e.g. "●●●○ Doručeno", and records it.
func (r *renderer) progress(h helperNode) {
	vals, ok := r.argValues(h.args)
	if !ok {
		return
	}
	step, err := wholeNumber(vals[0])
	if err != "" {
		r.fail(h.pos, h.name, "step %s", err)
		return
	}
	total := progressTotal
	if len(vals) > 3 {
		t, err := wholeNumber(vals[3])
		if err != "" {
			r.fail(h.pos, h.name, "total %s", err)
			return
		}
		if t < 1 || t > progressMaxTotal {
			r.fail(h.pos, h.name, "total %d is not between 1 and %d", t, progressMaxTotal)
			return
		}
		total = t
	}
	step = min(max(step, 0), total)
	p := Progress{Step: step, Icon: formatValue(vals[1]), Name: formatValue(vals[2]), Total: total}
	r.sb.WriteString(strings.Repeat(progressDone, step))
	r.sb.WriteString(strings.Repeat(progressTodo, total-step))
	if p.Name != "" {
		r.sb.WriteByte(' ')
		r.sb.WriteString(p.Name)
	}
	r.out.Progress = append(r.out.Progress, p)
}

// wholeNumber converts a value to an int, or says why it cannot.
func wholeNumber(v any) (int, string) {
	f, ok := asNumber(v)
	if !ok {
		return 0, strconv.Quote(formatValue(v)) + " is not a number"
	}
	if f != math.Trunc(f) || math.Abs(f) > 1e6 {
		return 0, formatFloat(f) + " is not a whole number"
	}
	return int(f), ""
}
