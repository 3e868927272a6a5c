package dialog

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/samoobsluha/samoobsluha/dialog/speech"
)

// maxCandidates is how many recogniser candidates an input keeps (voice).
const (
	maxOrderCandidates = 3
	maxEmailCandidates = 5
	maxInputLen        = 1000
)

var (
	orderRe  = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9/_-]{2,29}$`)
	emailRe  = regexp.MustCompile(`^[^@\s"<>(),;:]+@[^@\s"<>(),;:]+\.[A-Za-z]{2,}$`)
	phoneRe  = regexp.MustCompile(`^\+?[0-9]{9,15}$`)
	digitsRe = regexp.MustCompile(`[0-9]`)
)

// validated is the outcome of checking one customer input.
type validated struct {
	value string // what is stored
	yes   bool   // yes_no only
}

// validateInput checks the customer's input for an input box. ok is false
// when the input does not fit the validation kind.
func validateInput(kind string, in Input, ch Channel, lang string) (validated, bool) {
	text := strings.TrimSpace(in.Text)
	if in.Kind == InputButton {
		text = strings.TrimSpace(in.Value)
	}
	if in.Kind == InputDigits {
		text = speech.Digits(in.Text)
	}
	if text == "" || len(text) > maxInputLen {
		return validated{}, false
	}
	switch kind {
	case ValidateText:
		return validated{value: text}, true
	case ValidateYesNo:
		if in.Kind == InputButton {
			switch text {
			case "yes":
				return validated{value: "yes", yes: true}, true
			case "no":
				return validated{value: "no"}, true
			}
		}
		if in.Kind == InputDigits {
			switch text {
			case "1":
				return validated{value: "yes", yes: true}, true
			case "2":
				return validated{value: "no"}, true
			}
			return validated{}, false
		}
		for _, alt := range alternatives(text, in) {
			if y, ok := speech.YesNo(alt, lang); ok {
				if y {
					return validated{value: "yes", yes: true}, true
				}
				return validated{value: "no"}, true
			}
		}
		return validated{}, false
	case ValidateOrderNumber:
		if ch == ChannelVoice && in.Kind != InputDigits {
			c := speech.OrderNumbers(alternatives(text, in), lang)
			if len(c) == 0 {
				return validated{}, false
			}
			return validated{value: strings.Join(c[:min(len(c), maxOrderCandidates)], "\n")}, true
		}
		if v, ok := orderNumber(text); ok {
			return validated{value: v}, true
		}
		return validated{}, false
	case ValidateEmail:
		if ch == ChannelVoice {
			c := speech.Emails(alternatives(text, in), lang)
			if len(c) == 0 {
				return validated{}, false
			}
			return validated{value: strings.Join(c[:min(len(c), maxEmailCandidates)], "\n")}, true
		}
		if v, ok := email(text); ok {
			return validated{value: v}, true
		}
		return validated{}, false
	case ValidatePhone:
		s := strings.NewReplacer(" ", "", "-", "", "(", "", ")", "", "/", "", ".", "").Replace(text)
		if strings.HasPrefix(s, "00") {
			s = "+" + s[2:]
		}
		if phoneRe.MatchString(s) {
			return validated{value: s}, true
		}
		return validated{}, false
	case ValidateNumber:
		s := strings.ReplaceAll(strings.ReplaceAll(text, " ", ""), ",", ".")
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return validated{}, false
		}
		return validated{value: strconv.FormatFloat(f, 'f', -1, 64)}, true
	}
	return validated{}, false
}

// alternatives is the recogniser's best guess followed by its others.
func alternatives(text string, in Input) []string {
	out := []string{text}
	for _, a := range in.Alternatives {
		if a = strings.TrimSpace(a); a != "" && a != text && len(a) <= maxInputLen {
			out = append(out, a)
		}
	}
	return out
}

// orderNumber takes an order number from typed text: the whole text
// without spaces, or the one word in it that holds digits ("moje číslo
// je 2025000123").
func orderNumber(text string) (string, bool) {
	// "2025 000 123": groups of digits typed with spaces.
	words := strings.Fields(text)
	allDigits := true
	for _, w := range words {
		allDigits = allDigits && digitsRe.MatchString(w)
	}
	if compact := strings.TrimLeft(strings.Join(words, ""), "#"); allDigits && orderRe.MatchString(compact) {
		return compact, true
	}
	var found []string
	for _, w := range strings.FieldsFunc(text, func(r rune) bool {
		return r == ' ' || r == ',' || r == ':' || r == '\t' || r == '\n' || r == '?' || r == '!'
	}) {
		w = strings.Trim(w, ".#")
		if orderRe.MatchString(w) && digitsRe.MatchString(w) {
			found = append(found, w)
		}
	}
	if len(found) == 1 {
		return found[0], true
	}
	return "", false
}

// email takes an e-mail address from typed text: the text itself, or the
// one word in it that looks like an address.
func email(text string) (string, bool) {
	var found []string
	for _, w := range strings.FieldsFunc(text, func(r rune) bool {
		return r == ' ' || r == ',' || r == ';' || r == '<' || r == '>' || r == '\t' || r == '\n'
	}) {
		w = strings.TrimRight(strings.TrimLeft(w, "\"'("), ".\"')!?:")
		if emailRe.MatchString(w) {
			found = append(found, w)
		}
	}
	if len(found) == 1 && len(found[0]) <= 254 {
		return found[0], true
	}
	return "", false
}
