package bot

import (
	"strings"
	"unicode"
)

// minSecretLen is the shortest private value that is scrubbed from
// output: shorter ones ("cz", "true") would mangle ordinary text.
const minSecretLen = 5

// privateStrings collects the string values of the private variables that
// do not also occur among the public ones. They are removed from anything
// the bot sends, as a second line of defence behind the engine, which
// never renders $ variables into messages.
func privateStrings(private, public map[string]any) []string {
	if len(private) == 0 {
		return nil
	}
	pub := map[string]bool{}
	walkStrings(public, func(s string) { pub[s] = true })
	var out []string
	walkStrings(private, func(s string) {
		for _, part := range strings.Split(s, "\n") {
			part = strings.TrimSpace(part)
			if len(part) >= minSecretLen && !pub[part] {
				out = append(out, part)
			}
		}
	})
	return out
}

func walkStrings(v any, f func(string)) {
	switch x := v.(type) {
	case string:
		f(x)
	case map[string]any:
		for _, e := range x {
			walkStrings(e, f)
		}
	case []any:
		for _, e := range x {
			walkStrings(e, f)
		}
	case []string:
		for _, e := range x {
			f(e)
		}
	}
}

// scrub replaces every occurrence of a secret in s.
func scrub(s string, secrets []string) string {
	for _, sec := range secrets {
		if strings.Contains(s, sec) {
			s = strings.ReplaceAll(s, sec, "***")
		}
	}
	return s
}

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

// deepCopy copies JSON-like values so that a loaded session's maps are not
// changed by the engine while the turn runs.
func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		s := make([]any, len(x))
		for i, e := range x {
			s[i] = deepCopy(e)
		}
		return s
	default:
		return v
	}
}

func copyVars(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return deepCopy(m).(map[string]any)
}
