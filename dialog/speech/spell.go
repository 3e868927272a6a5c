package speech

import (
	"strings"
)

// csLetterNames are the Czech names of the letters a-z, as a Czech voice
// should read them one by one.
var csLetterNames = [26]string{"á", "bé", "cé", "dé", "é", "ef", "gé", "há", "í", "jé", "ká", "el",
	"em", "en", "ó", "pé", "kvé", "er", "es", "té", "ú", "vé", "dvojité vé", "iks", "ypsilon", "zet"}

// csDigitNames and enDigitNames read digits one by one.
var (
	csDigitNames = [10]string{"nula", "jedna", "dva", "tři", "čtyři", "pět", "šest", "sedm", "osm", "devět"}
	enDigitNames = [10]string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"}
)

// csDomainSpeech says well-known domain parts the way Czech callers say
// them, so a Czech voice does not read "gmail" or "com" with Czech letters.
// Emails understands every one of these back.
var csDomainSpeech = map[string]string{
	"gmail": "džímejl", "hotmail": "hotmejl", "outlook": "autlůk", "icloud": "ajkloud",
	"yahoo": "jahú", "email": "imejl", "com": "kom", "cz": "cé zet", "sk": "es ká", "eu": "é ú", "de": "dé é",
	"at": "á té", "uk": "ú ká", "pl": "pé el", "hu": "há ú", "io": "í ó", "me": "em é",
	"us": "ú es", "co": "cé ó", "fr": "ef er",
}

// enDomainSpeech does the same for English; letters are written as capitals
// so English voices read them as letter names.
var enDomainSpeech = map[string]string{
	"gmail": "gmail", "email": "email", "hotmail": "hotmail", "outlook": "outlook", "icloud": "icloud", "yahoo": "yahoo",
	"cz": "C Z", "sk": "S K", "eu": "E U", "de": "D E", "at": "A T", "uk": "U K", "pl": "P L",
	"hu": "H U", "io": "I O", "me": "M E", "us": "U S", "co": "C O", "fr": "F R",
}

// SpellEmail reads an address back so the caller can confirm it:
// "jan.novak@seznam.cz" becomes "jan tečka novak zavináč seznam tečka cé
// zet" in Czech and "jan dot novak at seznam dot C Z" in English.
// Pronounceable words are said as words, other letter groups letter by
// letter, digits one by one. The result is understood back by Emails, so
// a caller who repeats it is understood.
func SpellEmail(email, lang string) string {
	lang = baseLang(lang)
	email = NormaliseEmail(email)
	var out []string
	domain := false
	for _, part := range splitEmailParts(email) {
		switch part {
		case "@":
			domain = true
			out = append(out, ifElse(lang == "en", "at", "zavináč"))
			continue
		case ".":
			out = append(out, ifElse(lang == "en", "dot", "tečka"))
			continue
		case "-":
			out = append(out, ifElse(lang == "en", "dash", "pomlčka"))
			continue
		case "_":
			out = append(out, ifElse(lang == "en", "underscore", "podtržítko"))
			continue
		case "+":
			out = append(out, "plus")
			continue
		}
		if isDigits(part) {
			for i := 0; i < len(part); i++ {
				out = append(out, digitName(part[i], lang))
			}
			continue
		}
		if domain {
			table := csDomainSpeech
			if lang == "en" {
				table = enDomainSpeech
			}
			if s, ok := table[part]; ok {
				out = append(out, s)
				continue
			}
		}
		if pronounceable(part) && !isKeyword(part) {
			out = append(out, part)
			continue
		}
		out = append(out, spellLetters(part, lang))
	}
	return strings.Join(out, " ")
}

// splitEmailParts splits an address into runs of letters, runs of digits
// and single separators.
func splitEmailParts(s string) []string {
	var parts []string
	start := 0
	class := func(c byte) int {
		switch {
		case c >= '0' && c <= '9':
			return 1
		case c >= 'a' && c <= 'z':
			return 2
		}
		return 3
	}
	for i := 1; i <= len(s); i++ {
		if i == len(s) || class(s[i]) != class(s[start]) || class(s[i]) == 3 {
			if i > start {
				parts = append(parts, s[start:i])
			}
			start = i
		}
	}
	return parts
}

func digitName(c byte, lang string) string {
	if lang == "en" {
		return enDigitNames[c-'0']
	}
	return csDigitNames[c-'0']
}

// spellLetters reads letters one by one: Czech letter names, or capitals
// that English voices read as letter names. Characters that are not
// letters a-z are skipped.
func spellLetters(s, lang string) string {
	var out []string
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 'a' || c > 'z' {
			continue
		}
		if lang == "en" {
			out = append(out, strings.ToUpper(string(c)))
		} else {
			out = append(out, csLetterNames[c-'a'])
		}
	}
	return strings.Join(out, " ")
}

// pronounceable reports whether a letter group can be read as a word:
// at least three letters, a vowel, no run of more than three consonants
// and no unusual two-consonant start.
func pronounceable(w string) bool {
	if len(w) < 3 {
		return false
	}
	vowel := func(c byte) bool { return strings.IndexByte("aeiouy", c) >= 0 }
	hasVowel := false
	run := 0
	for i := 0; i < len(w); i++ {
		if vowel(w[i]) {
			hasVowel = true
			run = 0
			continue
		}
		run++
		if run > 3 {
			return false
		}
	}
	if !hasVowel {
		return false
	}
	if !vowel(w[0]) && !vowel(w[1]) {
		onsets := " bl br ch cl cr dr dv fl fr gl gr hl hr kl kr kv ml mr pl pr ps sh sk sl sm sn sp st sv sw th tr tv vl vr zd zl zn zv "
		if !strings.Contains(onsets, " "+w[:2]+" ") {
			return false
		}
	}
	return true
}

// isKeyword reports words that Emails would not read back as themselves
// (separators, number words, letter names, fillers), so SpellEmail spells
// them letter by letter.
func isKeyword(w string) bool {
	if isSepWord(w) || plusWords[w] || emailIntro[w] || emailOutro[w] || emailFillers[w] ||
		letterPrefixWords[w] || w == "jako" || w == "as" || w == "double" || w == "dvojite" ||
		w == "dvojity" || w == "dvojita" || w == "under" {
		return true
	}
	if _, ok := domainWords[w]; ok {
		return true
	}
	if _, ok := letterNames[w]; ok {
		return true
	}
	if _, ok := lookupNumber(w, "cs"); ok {
		return true
	}
	if _, ok := enNumbers[w]; ok {
		return true
	}
	return false
}

// codeGroups splits a run of digits into groups a listener can hold:
// threes, with a final group of two or four instead of a lone digit.
func codeGroups(d string) []string {
	var g []string
	for len(d) > 4 {
		g = append(g, d[:3])
		d = d[3:]
	}
	if len(d) == 4 && len(g) > 0 {
		g = append(g, d[:2], d[2:])
	} else if len(d) > 0 {
		g = append(g, d)
	}
	return g
}

// codeRuns splits a code into runs of letters and of digits, upper-cased;
// other characters separate runs and are dropped.
func codeRuns(code string) []string {
	var runs []string
	cur := []byte{}
	kind := 0
	for i := 0; i < len(code); i++ {
		c := code[i]
		k := 0
		switch {
		case c >= '0' && c <= '9':
			k = 1
		case c >= 'a' && c <= 'z':
			c -= 'a' - 'A'
			k = 2
		case c >= 'A' && c <= 'Z':
			k = 2
		}
		if k != kind && len(cur) > 0 {
			runs = append(runs, string(cur))
			cur = cur[:0]
		}
		kind = k
		if k != 0 {
			cur = append(cur, c)
		}
	}
	if len(cur) > 0 {
		runs = append(runs, string(cur))
	}
	return runs
}

// SSMLCode returns an SSML fragment (not wrapped in <speak>) that reads an
// order or tracking number in groups: letters as characters, digits as
// digits in groups of three (never a lone digit at the end), with short
// breaks between groups. "Z1234567890" becomes
// <say-as interpret-as="characters">Z</say-as><break time="300ms"/>
// <say-as interpret-as="digits">123</say-as>... Characters other than
// letters and digits are dropped, so the fragment is always valid XML.
// lang is accepted for symmetry and future voices; the markup is the same.
func SSMLCode(code, lang string) string {
	_ = lang
	var parts []string
	for _, r := range codeRuns(code) {
		if r[0] >= 'A' && r[0] <= 'Z' {
			parts = append(parts, `<say-as interpret-as="characters">`+r+`</say-as>`)
			continue
		}
		for _, g := range codeGroups(r) {
			parts = append(parts, `<say-as interpret-as="digits">`+g+`</say-as>`)
		}
	}
	return strings.Join(parts, `<break time="300ms"/>`)
}

// speakCode is the plain-text twin of SSMLCode for voices without SSML:
// letters by name, digits as words, groups separated by commas.
// "Z1234567890" in Czech: "zet, jedna dva tři, čtyři pět šest, sedm osm, devět nula".
func speakCode(code, lang string) string {
	var groups []string
	for _, r := range codeRuns(code) {
		if r[0] >= 'A' && r[0] <= 'Z' {
			groups = append(groups, spellLetters(strings.ToLower(r), lang))
			continue
		}
		for _, g := range codeGroups(r) {
			var ds []string
			for i := 0; i < len(g); i++ {
				ds = append(ds, digitName(g[i], lang))
			}
			groups = append(groups, strings.Join(ds, " "))
		}
	}
	return strings.Join(groups, ", ")
}
