package speech

import (
	"strings"
	"unicode"
)

// foldTable maps accented Latin letters (lower case) to ASCII. It covers
// Czech and Slovak completely and the common Western European letters; a
// rune outside it that is not ASCII is dropped by fold.
var foldTable = map[rune]string{
	'á': "a", 'à': "a", 'â': "a", 'ä': "a", 'ã': "a", 'å': "a", 'ą': "a", 'ă': "a",
	'č': "c", 'ć': "c", 'ç': "c",
	'ď': "d", 'đ': "d",
	'é': "e", 'ě': "e", 'è': "e", 'ê': "e", 'ë': "e", 'ę': "e",
	'í': "i", 'ì': "i", 'î': "i", 'ï': "i",
	'ĺ': "l", 'ľ': "l", 'ł': "l",
	'ň': "n", 'ń': "n", 'ñ': "n",
	'ó': "o", 'ò': "o", 'ô': "o", 'ö': "o", 'õ': "o", 'ő': "o", 'ø': "o",
	'ř': "r", 'ŕ': "r",
	'š': "s", 'ś': "s", 'ş': "s", 'ß': "ss",
	'ť': "t", 'ţ': "t",
	'ú': "u", 'ů': "u", 'ù': "u", 'û': "u", 'ü': "u", 'ű': "u",
	'ý': "y", 'ÿ': "y",
	'ž': "z", 'ź': "z", 'ż': "z",
	'æ': "ae", 'œ': "oe",
}

// fold lower-cases s and replaces accented letters by their ASCII base
// ("Novák" -> "novak"). Non-ASCII runes it does not know are dropped, except
// spaces and dashes of all kinds, which become ' ' and '-'.
func fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		r = unicode.ToLower(r)
		switch {
		case r < unicode.MaxASCII:
			b.WriteRune(r)
		case foldTable[r] != "":
			b.WriteString(foldTable[r])
		case unicode.IsSpace(r):
			b.WriteByte(' ')
		case unicode.Is(unicode.Pd, r):
			b.WriteByte('-')
		}
	}
	return b.String()
}

// lowerSpace lower-cases s and turns every Unicode space into ' ', keeping
// diacritics (some letter names differ from ordinary words only by accent:
// "jé" is the letter J, "je" means "is").
func lowerSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return ' '
		}
		if unicode.Is(unicode.Pd, r) {
			return '-'
		}
		return unicode.ToLower(r)
	}, s)
}

// baseLang reduces a language tag to its primary subtag: "cs-CZ" -> "cs".
// Anything that is not English counts as Czech, the product's first language.
func baseLang(lang string) string {
	l := strings.ToLower(strings.TrimSpace(lang))
	if i := strings.IndexAny(l, "-_"); i >= 0 {
		l = l[:i]
	}
	if l == "en" {
		return "en"
	}
	return "cs"
}
