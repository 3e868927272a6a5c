package speech

import "strings"

// yesWords and noWords are folded single words that answer a yes/no
// question, in Czech and English.
var (
	yesWords = map[string]bool{
		"ano": true, "jo": true, "joo": true, "jojo": true, "jasne": true, "jasnacka": true,
		"presne": true, "spravne": true, "souhlasi": true, "souhlasim": true, "urcite": true,
		"samozrejme": true, "dobre": true, "ok": true, "okej": true, "oukej": true, "klidne": true,
		"potvrzuji": true, "potvrzuju": true, "jiste": true, "prosim": true, "chci": true,
		"muzete": true, "mohu": true, "ovsem": true, "pochopitelne": true, "super": true,
		"yes": true, "yeah": true, "yep": true, "yup": true, "sure": true, "correct": true,
		"right": true, "okay": true, "absolutely": true, "definitely": true, "certainly": true,
		"affirmative": true, "please": true, "ya": true, "yea": true, "aha": true, "ano.": true,
	}
	noWords = map[string]bool{
		"ne": true, "nene": true, "nee": true, "nechci": true, "nesouhlasi": true, "nesouhlasim": true,
		"spatne": true, "kdepak": true, "nikoliv": true, "nikoli": true, "neni": true, "nemam": true,
		"nepotvrzuji": true, "nespravne": true, "nemuzete": true, "nechte": true, "zadne": true,
		"nope": true, "nah": true, "negative": true, "wrong": true, "incorrect": true, "never": true,
		"nein": true,
	}
	// negators turn a following yes word into no: "not correct", "není to správně".
	negators = map[string]bool{"not": true, "neni": true, "nikoliv": true, "don't": true, "dont": true}
)

// YesNo reads a yes or no answer. ok is false when text says neither or
// both ("ano, ne, vlastně nevím"), so the caller asks again rather than
// guess. Czech "no" is a filler or a casual yes ("no jo"), English "no" is
// no; lang decides ("cs" or "en").
func YesNo(text, lang string) (yes bool, ok bool) {
	lang = baseLang(lang)
	words := strings.FieldsFunc(fold(text), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r == '\'')
	})
	sawYes, sawNo := false, false
	negate := 0 // words left that a negator still applies to
	for i, w := range words {
		w = strings.Trim(w, "'")
		switch {
		case negators[w]:
			negate = 3
			if w == "neni" {
				sawNo = true
			}
			continue
		case w == "no":
			if lang == "en" {
				sawNo = true
			} else if i+1 < len(words) && words[i+1] == "jo" {
				sawYes = true
			}
		case yesWords[w]:
			if negate > 0 {
				sawNo = true
			} else {
				sawYes = true
			}
		case noWords[w]:
			sawNo = true
		}
		if negate > 0 {
			negate--
		}
	}
	if sawYes == sawNo {
		return false, false
	}
	return sawYes, true
}
