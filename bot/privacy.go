package bot

import (
	"strings"
	"unicode"
)

// maskInput is what the transcript keeps of a customer's input: e-mail
// addresses and phone numbers are masked, because the transcript is shown
// again to whoever resumes the session (history), possibly on another
// device.
func maskInput(text, expect string) string {
	switch expect {
	case "email":
		if !strings.Contains(text, "@") {
			// A spoken address ("jan tečka novák zavináč ...") or garbage.
			return "…"
		}
		fields := strings.Fields(text)
		for i, f := range fields {
			if at := strings.LastIndex(f, "@"); at >= 0 {
				first := []rune(f[:at])
				head := ""
				if len(first) > 0 {
					head = string(first[0])
				}
				fields[i] = head + "…" + f[at:]
			}
		}
		return strings.Join(fields, " ")
	case "phone":
		digits := 0
		for _, c := range text {
			if unicode.IsDigit(c) {
				digits++
			}
		}
		var b strings.Builder
		seen := 0
		for _, c := range text {
			if unicode.IsDigit(c) {
				seen++
				if seen <= digits-3 {
					b.WriteRune('•')
					continue
				}
			}
			b.WriteRune(c)
		}
		return b.String()
	}
	return text
}

// ownVars returns m for the turn to own, or an empty map for nil. No copy
// is needed: every store decodes a fresh Session on each read, and the
// engine never changes the state it is given (Step works on a clone).
func ownVars(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}
