package apps

import (
	"strings"
	"unicode"

	"github.com/nyaruka/phonenumbers"

	"github.com/samoobsluha/samoobsluha/upgates"
)

// How many "\n"-separated candidates of a parameter are considered: the
// dialog engine passes up to 3 order numbers and 5 e-mails from the voice
// recogniser. The caps also bound how many guesses one attempt can carry.
const (
	maxOrderCandidates = 3
	maxEmailCandidates = 5
	maxPhoneCandidates = 3
)

// candidates splits a parameter into its "\n"-separated candidates, trims
// and normalises each, drops empty and repeated ones and keeps at most limit.
func candidates(s string, limit int, norm func(string) string) []string {
	var out []string
	for _, part := range strings.Split(s, "\n") {
		c := norm(part)
		if c == "" || contains(out, c) {
			continue
		}
		out = append(out, c)
		if len(out) == limit {
			break
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// normOrder normalises an order number as a customer typed or said it:
// white space and a leading "#" are removed and letters are upper-cased,
// as Upgates issues order numbers ("O2600117").
func normOrder(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return unicode.ToUpper(r)
	}, s)
	return strings.TrimLeft(s, "#")
}

// normEmail trims an e-mail candidate; comparison is case-insensitive
// (UPGATES-API.md §14.17).
func normEmail(s string) string { return strings.TrimSpace(s) }

// emailMatches reports whether the order's e-mail equals any candidate,
// trimmed and case-insensitively (upgates.OrderCustomer.EmailMatches). A
// missing order e-mail never matches; no near miss is accepted.
func emailMatches(o *upgates.Order, cands []string) bool {
	for _, c := range cands {
		if o.Customer.EmailMatches(c) {
			return true
		}
	}
	return false
}

// e164 normalises a phone number to E.164 ("+420601223344") using region
// for numbers written without a country code. It returns "" for text that
// is not a valid phone number.
func e164(s, region string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	n, err := phonenumbers.Parse(s, region)
	if err != nil || !phonenumbers.IsValidNumber(n) {
		return ""
	}
	return phonenumbers.Format(n, phonenumbers.E164)
}
