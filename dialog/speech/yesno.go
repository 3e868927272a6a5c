package speech

import "strings"

// yesWords and noWords are folded single words that answer a yes/no
// question, in Czech and English.
var (
	yesWords = map[string]bool{
		"ano": true, "jo": true, "joo": true, "jojo": true, "jasne": true, "jasnacka": true,
		"presne": true, "spravne": true, "souhlasi": true, "souhlasim": true, "urcite": true,
		"samozrejme": true, "dobre": true, "ok": true, "okej": true, "oukej": true, "klidne": true,
		"potvrzuji": true, "potvrzuju": true, "jiste": true, "chci": true,
		"muzete": true, "mohu": true, "ovsem": true, "pochopitelne": true, "super": true,
		"yes": true, "yeah": true, "yep": true, "yup": true, "sure": true, "correct": true,
		"right": true, "okay": true, "absolutely": true, "definitely": true, "certainly": true,
		"affirmative": true, "ya": true, "yea": true,
	}
	noWords = map[string]bool{
		"ne": true, "nene": true, "nee": true, "nechci": true, "nesouhlasi": true, "nesouhlasim": true,
		"spatne": true, "kdepak": true, "nikoliv": true, "nikoli": true, "neni": true, "nemam": true,
		"nepotvrzuji": true, "nespravne": true, "nemuzete": true, "nechte": true, "zadne": true,
		"nope": true, "nah": true, "negative": true, "wrong": true, "incorrect": true, "never": true,
		"nein": true,
	}
	// negators turn a following yes word into no: "not correct", "není to správně".
	negators = map[string]bool{"not": true, "neni": true, "don't": true, "dont": true, "isn't": true, "isnt": true}
	// unsure words after a negator make the answer neither: "not sure".
	unsure = map[string]bool{"sure": true, "know": true, "jisty": true, "jista": true, "jiste": true, "vim": true}
)

// intensifiers are yes words that, followed by a no, strengthen it
// instead: "jasně že ne", "určitě ne", "definitely not".
var intensifiers = map[string]bool{
	"jasne": true, "urcite": true, "samozrejme": true, "rozhodne": true, "presne": true,
	"definitely": true, "absolutely": true, "certainly": true, "sure": true,
}

// YesNo reads a yes or no answer. ok is false when text says neither or
// both ("ano, ne, vlastně nevím"), so the caller asks again rather than
// guess. Czech "no" is a filler or a casual yes ("no jo"), English "no" is
// no; lang decides ("cs" or "en"). "Jasně že ne" and "definitely not" are
// no.
func YesNo(text, lang string) (yes bool, ok bool) {
	lang = baseLang(lang)
	words := strings.FieldsFunc(fold(text), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r == '\'')
	})
	for i := range words {
		words[i] = strings.Trim(words[i], "'")
	}
	yesCount, noCount := 0, 0
	intensifier := -1 // index of the last intensifier counted as yes
	countNo := func(i int) {
		noCount++
		// "jasně že ne": the intensifier was not a yes.
		if intensifier >= 0 && i-intensifier <= 2 {
			yesCount--
			intensifier = -1
		}
	}
	for i := 0; i < len(words); i++ {
		w := words[i]
		switch {
		case negators[w]:
			// "není to správně", "not correct": the negated yes is a no;
			// "not sure", "don't know" say nothing; a negator alone
			// ("definitely not", "to není") is a no.
			no := true
			for k := i + 1; k < len(words) && k <= i+3; k++ {
				if unsure[words[k]] {
					no = false
					i = k
					break
				}
				if yesWords[words[k]] {
					i = k
					break
				}
			}
			if no {
				countNo(i)
			}
		case w == "no":
			if lang == "en" {
				countNo(i)
			} else if i+1 < len(words) && words[i+1] == "jo" {
				yesCount++
			}
		case yesWords[w]:
			yesCount++
			if intensifiers[w] {
				intensifier = i
			}
		case noWords[w]:
			countNo(i)
		}
	}
	if (yesCount > 0) == (noCount > 0) {
		return false, false
	}
	return yesCount > 0, true
}
