package speech

import (
	"strings"
	"unicode"
)

// Emails understands an e-mail address in what a speech recogniser heard.
// alternatives are the recogniser's guesses, best first; lang is the call's
// language ("cs" or "en").
//
// It understands separators said as words ("zavináč", "tečka", "pomlčka",
// "podtržítko", "at", "dot", "dash", "underscore"), Czech and English letter
// names ("cé zet", "dvojité vé", "bee"), spelled letters ("písmeno x", "vé
// jako Václav"), number words ("novák osmdesát pět" -> novak85), common
// mail providers said as words ("seznam cé zet", "gmail tečka com", "dží
// mejl"), a missing "tečka" before the top-level domain ("seznam cz") and
// intro phrases ("můj e-mail je"). Spaces the recogniser inserted are
// removed and diacritics folded (novák -> novak); a dot is never guessed
// between two words, because verification must not accept a near miss.
//
// Every candidate is a syntactically valid, normalised address (see
// NormaliseEmail); the list is best first, without duplicates, at most five,
// and nil when no address was heard.
func Emails(alternatives []string, lang string) []string {
	lang = baseLang(lang)
	var lists [][]string
	for _, alt := range alternatives {
		lists = append(lists, emailCandidates(alt, lang))
	}
	return mergeRanked(lists, maxCandidates)
}

// NormaliseEmail returns the form of an address that Emails produces and
// verification compares: spaces removed, lower case, diacritics folded.
// It does not check that s is an address.
func NormaliseEmail(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, fold(strings.TrimSpace(s)))
}

// Separator words, folded.
var (
	atWords = map[string]bool{
		"@": true, "zavinac": true, "zavinace": true, "zavinacem": true, "zavinacek": true,
		"zavinacu": true, "at": true, "et": true, "atsign": true,
	}
	dotWords = map[string]bool{
		"tecka": true, "tecku": true, "tecky": true, "teckou": true, "tecce": true, "bod": true,
		"dot": true, "period": true, "point": true, "punkt": true,
	}
	dashWords = map[string]bool{
		"pomlcka": true, "pomlcku": true, "pomlcky": true, "pomlckou": true, "spojovnik": true,
		"minus": true, "dash": true, "hyphen": true, "spojovnikem": true,
	}
	underscoreWords = map[string]bool{
		"podtrzitko": true, "podtrzitka": true, "podtrzitkem": true, "podtrzeni": true,
		"podtrzeny": true, "podtrzena": true, "podtrhnuti": true, "underscore": true, "underline": true,
	}
	plusWords = map[string]bool{"plus": true}
)

// emailIntro are words said before the address ("můj e-mail je", "my
// e-mail address is") that are never the start of it in practice.
var emailIntro = map[string]bool{
	"muj": true, "moje": true, "moji": true, "email": true, "e-mail": true, "mail": true, "mejl": true,
	"imejl": true, "emailova": true, "e-mailova": true, "emailovou": true, "e-mailovou": true,
	"adresa": true, "adresu": true, "adresou": true, "je": true, "to": true, "zni": true, "mam": true,
	"ehm": true, "hm": true, "hmm": true, "eh": true, "uhm": true, "um": true, "uh": true, "takze": true,
	"no": true, "tak": true, "tedy": true, "teda": true, "jo": true, "ano": true, "dobre": true,
	"prosim": true, "napisu": true, "nadiktuji": true, "nadiktuju": true, "rikam": true, "pisu": true,
	"zadavam": true, "my": true, "is": true, "address": true, "its": true, "it": true, "the": true,
	"well": true, "so": true, "okay": true, "ok": true, "sure": true, "yes": true, "yeah": true,
	"i": true, "have": true, "use": true, "using": true, "ten": true, "tu": true, "vam": true,
	"jsem": true, "posilam": true, "registroval": true, "registrovala": true, "na": true,
	"kontaktni": true, "kontakt": true,
}

// emailOutro are words said after the address.
var emailOutro = map[string]bool{
	"dekuji": true, "dekuju": true, "diky": true, "dik": true, "prosim": true, "thanks": true,
	"thank": true, "you": true, "please": true, "vse": true, "to": true, "je": true, "all": true,
	"that": true, "s": true, "ok": true, "okay": true, "ehm": true, "hm": true, "tak": true,
	"nashledanou": true, "cau": true,
}

// emailFillers are hesitations skipped anywhere.
var emailFillers = map[string]bool{
	"ehm": true, "hm": true, "hmm": true, "eh": true, "uhm": true, "um": true, "uh": true,
	"eee": true, "mmm": true, "erm": true, "velke": true, "velky": true, "male": true, "maly": true,
	"mala": true, "velka": true, "small": true, "lowercase": true, "vsechno": true, "dohromady": true,
	"together": true, "pismenka": true, "letters": true, "takze": true,
}

// domainWords maps providers said the way Czech callers pronounce them.
var domainWords = map[string]string{
	"dzimejl": "gmail", "dzimail": "gmail", "dzi-mejl": "gmail", "gimejl": "gmail", "gmejl": "gmail",
	"dzimeil": "gmail", "gemail": "gmail", "hotmejl": "hotmail", "ajkloud": "icloud",
	"ajklaud": "icloud", "jahu": "yahoo", "autluk": "outlook", "autlook": "outlook",
	"e-mail": "email", "imejl": "email", "kom": "com", "cecko": "cz",
}

// providers maps well-known mail domains (without the top-level domain) to
// the top-level domain they use, so "seznam" alone means seznam.cz.
var providers = map[string]string{
	"seznam": "cz", "email": "cz", "centrum": "cz", "post": "cz", "volny": "cz", "atlas": "cz",
	"tiscali": "cz", "quick": "cz", "razdva": "cz", "iol": "cz", "gmail": "com", "googlemail": "com",
	"hotmail": "com", "outlook": "com", "yahoo": "com", "icloud": "com", "azet": "sk",
	"centrum.sk": "", "zoznam": "sk", "protonmail": "com", "proton": "me", "live": "com", "me": "com",
	"aol": "com", "gmx": "com", "mail": "com",
}

// tlds are top-level domains recognised when the caller did not say
// "tečka" before them.
var tlds = map[string]bool{
	"cz": true, "sk": true, "com": true, "eu": true, "net": true, "org": true, "de": true,
	"at": true, "pl": true, "hu": true, "info": true, "io": true, "me": true, "uk": true,
	"co": true, "biz": true, "cloud": true, "online": true, "shop": true, "app": true,
	"dev": true, "us": true, "fr": true, "it": true,
}

// epiece is one part of a spoken address.
type epiece struct {
	s   string
	sep bool // one of @ . - _ +
	let bool // a single spelled letter
}

// etok is one token of an e-mail utterance.
type etok struct {
	raw string // lower case with accents
	f   string // folded
}

func tokenizeEmail(s string) []etok {
	s = strings.ReplaceAll(lowerSpace(s), "@", " @ ")
	s = strings.NewReplacer("'", "", "’", "").Replace(s) // "it's" -> "its"
	fields := strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(",;!?:()<>\"'“”„[]", r)
	})
	var toks []etok
	for _, f := range fields {
		f = strings.TrimRight(f, ".")
		if f == "" || f == "-" {
			continue
		}
		// "devadesát-dva": a hyphenated number, not a hyphen in the address.
		if strings.Contains(f, "-") {
			parts := strings.Split(f, "-")
			allNum := true
			for _, p := range parts {
				if _, ok := lookupNumber(fold(p), "cs"); !ok {
					if _, ok := enNumbers[fold(p)]; !ok {
						allNum = false
					}
				}
			}
			if allNum {
				for _, p := range parts {
					toks = append(toks, etok{raw: p, f: fold(p)})
				}
				continue
			}
		}
		toks = append(toks, etok{raw: f, f: fold(f)})
	}
	return mergeSplitKeywords(toks)
}

// mergeSplitKeywords joins keywords the recogniser split ("za vináč",
// "pod tržítko", "tec ka").
func mergeSplitKeywords(toks []etok) []etok {
	out := make([]etok, 0, len(toks))
	for i := 0; i < len(toks); i++ {
		if i+1 < len(toks) && splitPart(toks[i]) && splitPart(toks[i+1]) {
			j := toks[i].f + toks[i+1].f
			if len(j) >= 5 && (atWords[j] || nearAt(j) || dotWords[j] || dashWords[j] || underscoreWords[j] || domainWords[j] != "") {
				out = append(out, etok{raw: toks[i].raw + toks[i+1].raw, f: j})
				i++
				continue
			}
		}
		out = append(out, toks[i])
	}
	return out
}

// nearAt reports a mis-heard "zavináč" ("zavinař", "zavinač"): one edit
// away. Taking it for "@" cannot verify anyone by mistake, because the
// address that results must still match exactly.
func nearAt(f string) bool {
	return len(f) >= 6 && editDistance1(f, "zavinac")
}

// editDistance1 reports whether a and b differ by at most one substitution,
// insertion or deletion.
func editDistance1(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(b)-len(a) > 1 {
		return false
	}
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	if i == len(a) {
		return true
	}
	if len(a) == len(b) {
		return a[i+1:] == b[i+1:]
	}
	return a[i:] == b[i+1:]
}

// splitPart reports whether t can be half of a split keyword: not a
// keyword or letter name itself and longer than one letter, so "é" +
// "zavináč" is never read as "zavináče".
func splitPart(t etok) bool {
	if len(t.f) < 2 || isSepWord(t.f) || nearAt(t.f) {
		return false
	}
	_, isLetter := letterNames[t.raw]
	return !isLetter
}

func isSepWord(f string) bool {
	return f == "@" || atWords[f] || dotWords[f] || dashWords[f] || underscoreWords[f]
}

// emailCandidates returns the candidates one utterance yields, best first.
func emailCandidates(text, lang string) []string {
	toks := tokenizeEmail(text)
	// Intro words before the address, unless followed by a separator
	// ("to tečka ..." is part of an address).
	for len(toks) > 0 && emailIntro[toks[0].f] && !strings.ContainsAny(toks[0].f, "@.") {
		if _, isLetter := letterNames[toks[0].raw]; isLetter || len(toks) > 1 && isSepWord(toks[1].f) {
			break
		}
		toks = toks[1:]
	}
	for len(toks) > 0 && emailOutro[toks[len(toks)-1].f] {
		if len(toks) > 1 && isSepWord(toks[len(toks)-2].f) {
			break
		}
		toks = toks[:len(toks)-1]
	}
	pieces := emailPieces(toks, lang)
	return emailVariants(pieces)
}

// emailPieces maps tokens to address pieces.
func emailPieces(toks []etok, lang string) []epiece {
	var ps []epiece
	sep := func(s string) { ps = append(ps, epiece{s: s, sep: true}) }
	letter := func(l byte) { ps = append(ps, epiece{s: string(l), let: true}) }
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		next := func(k int) etok {
			if i+k < len(toks) {
				return toks[i+k]
			}
			return etok{}
		}
		switch {
		case atWords[t.f] && !(t.f == "at" || t.f == "et") || t.f == "@" || nearAt(t.f):
			sep("@")
			continue
		case t.f == "at" || t.f == "et":
			// "at" is a separator unless it ends the address ("... tečka at")
			// as Austria's domain.
			if i > 0 && dotWords[toks[i-1].f] {
				ps = append(ps, epiece{s: "at"})
			} else if t.f == "at" || lang == "cs" {
				sep("@")
			}
			continue
		case dotWords[t.f]:
			sep(".")
			continue
		case dashWords[t.f]:
			sep("-")
			continue
		case underscoreWords[t.f]:
			sep("_")
			continue
		case plusWords[t.f]:
			sep("+")
			continue
		case t.f == "under" && next(1).f == "score":
			sep("_")
			i++
			continue
		case (t.f == "dvojite" || t.f == "dvojity" || t.f == "dvojita" || t.f == "double") &&
			(next(1).f == "ve" || next(1).f == "v" || next(1).f == "you" || next(1).f == "u" || next(1).f == "vee"):
			letter('w')
			i++
			continue
		case t.f == "double-u" || t.f == "dablju" || t.f == "dabl":
			letter('w')
			continue
		case letterPrefixWords[t.f] && !emailFillers[t.f]:
			if l, ok := letterOf(otok{raw: next(1).raw, f: next(1).f}, true); ok {
				letter(l)
				i++
				continue
			}
		}
		// "vé jako Václav", "v as in Victor".
		if n := next(1); n.f == "jako" || (n.f == "as" && next(2).f == "in") {
			if l, ok := letterOf(otok{raw: t.raw, f: t.f}, true); ok {
				letter(l)
				i++
				if n.f == "as" {
					i++
				}
				if i+1 < len(toks) && !isSepWord(toks[i+1].f) {
					i++
				}
				continue
			}
		}
		if emailFillers[t.f] {
			continue
		}
		if l, ok := letterNames[t.raw]; ok {
			letter(l)
			continue
		}
		if lang == "cs" {
			if l, ok := letterNames[t.f]; ok && len(t.f) >= 2 && t.f != "de" && t.f != "be" {
				letter(l)
				continue
			}
		}
		if d, ok := domainWords[t.f]; ok && strings.Contains(t.f, "-") {
			ps = append(ps, epiece{s: d}) // "e-mail" as the provider
			continue
		}
		if _, ok := emailNumber(t.f, lang); ok {
			// A run of number words becomes digits; "set" and "sta" count
			// only inside a run ("devatenáct set osmdesát pět").
			var run []otok
			j := i
			for ; j < len(toks); j++ {
				if _, ok := emailNumber(toks[j].f, lang); !ok {
					if nw, isNum := numberWord(toks[j].f, lang); isNum && nw.kind == kHundred && len(run) > 0 {
						run = append(run, otok{raw: toks[j].raw, f: toks[j].f})
						continue
					}
					break
				}
				run = append(run, otok{raw: toks[j].raw, f: toks[j].f})
			}
			if v := assemble(classify(run, lang), lang); len(v) > 0 && v[0] != "" && isDigits(v[0]) {
				ps = append(ps, epiece{s: v[0]})
				i = j - 1
				continue
			}
		}
		w := cleanEmailWord(t.f)
		if w == "" {
			continue
		}
		if len(w) == 1 && w[0] >= 'a' && w[0] <= 'z' {
			letter(w[0]) // "c z" -> "cz"
			continue
		}
		// Literal separators the recogniser wrote stay as they are.
		ps = append(ps, splitLiteral(w)...)
	}
	return ps
}

// emailNumber reports number words that mean digits inside an address.
// Repeat words are included so "double seven" works ("double u" was taken
// as W before); "set", "sta" and "stě" start no number, being common
// words, but continue one ("devatenáct set osmdesát pět").
func emailNumber(f, lang string) (numWord, bool) {
	nw, ok := numberWord(f, lang)
	if !ok || f == "set" || f == "sta" || f == "ste" {
		return numWord{}, false
	}
	if lang == "en" && f == "o" {
		return numWord{}, false
	}
	return nw, ok
}

// cleanEmailWord keeps the characters an address may contain.
func cleanEmailWord(f string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', strings.ContainsRune("@.-_+", r):
			return r
		}
		return -1
	}, f)
}

// splitLiteral splits a word that already contains separators
// ("jan.novak@seznam.cz") into pieces.
func splitLiteral(w string) []epiece {
	var ps []epiece
	start := 0
	for i := 0; i < len(w); i++ {
		if strings.IndexByte("@.-_+", w[i]) >= 0 {
			if i > start {
				ps = append(ps, epiece{s: w[start:i]})
			}
			ps = append(ps, epiece{s: w[i : i+1], sep: true})
			start = i + 1
		}
	}
	if start < len(w) {
		ps = append(ps, epiece{s: w[start:]})
	}
	return ps
}

// emailVariants assembles pieces into candidate addresses, best first.
func emailVariants(ps []epiece) []string {
	// Spelled letters in a row form one word ("cé zet" -> "cz").
	var merged []epiece
	for _, p := range ps {
		if n := len(merged); n > 0 && p.let && merged[n-1].let {
			merged[n-1].s += p.s
			continue
		}
		merged = append(merged, p)
	}
	for i := range merged {
		merged[i].let = false
	}
	// A "tečka" after the address is the end of the sentence.
	for n := len(merged); n > 0 && merged[n-1].sep && merged[n-1].s != "@"; n = len(merged) {
		merged = merged[:n-1]
	}
	at := -1
	for i, p := range merged {
		if p.sep && p.s == "@" {
			if at >= 0 {
				return nil // two "@": not an address we can trust
			}
			at = i
		}
	}
	var out []string
	add := func(local, domain []epiece) {
		for _, d := range fixDomain(domain) {
			addr := join(local) + "@" + d
			if validEmail(addr) && !contains(out, addr) {
				out = append(out, addr)
			}
		}
	}
	if at >= 0 {
		add(merged[:at], merged[at+1:])
		return out
	}
	// No "@" heard: the recogniser may have dropped it before a provider
	// name ("jan novák seznam cz"). Offer that reading.
	for i := 1; i < len(merged); i++ {
		p := merged[i]
		name := p.s
		if d, ok := domainWords[name]; ok {
			name = d
		}
		// Only with a top-level domain after the provider: "nemám e-mail"
		// must not become an address.
		if _, ok := providers[name]; ok && !p.sep && !merged[i-1].sep && i+1 < len(merged) {
			rest := merged[i+1:]
			if last := rest[len(rest)-1]; !last.sep && tlds[last.s] {
				add(merged[:i], merged[i:])
			}
		}
	}
	return out
}

// fixDomain repairs the spoken domain: provider pronunciations, a missing
// dot before the top-level domain, a missing top-level domain after a
// well-known provider. It returns the readings, best first.
func fixDomain(ps []epiece) []string {
	var words []epiece
	for _, p := range ps {
		if !p.sep {
			if d, ok := domainWords[p.s]; ok {
				p.s = d
			}
		}
		words = append(words, p)
	}
	hasDot := false
	for _, p := range words {
		if p.sep && p.s == "." {
			hasDot = true
		}
	}
	if hasDot {
		return []string{join(words)}
	}
	joined := join(words)
	var out []string
	// "seznam cz": the last spoken word is a top-level domain.
	if n := len(words); n >= 2 && !words[n-1].sep && tlds[words[n-1].s] && !words[n-2].sep {
		out = append(out, join(words[:n-1])+"."+words[n-1].s)
	}
	// "seznamcz" heard as one word.
	for p, tld := range providers {
		if tld != "" && joined == p+tld {
			out = append(out, p+"."+tld)
		}
	}
	// "seznam": the provider's usual top-level domain.
	if tld, ok := providers[joined]; ok && tld != "" {
		out = append(out, joined+"."+tld)
	}
	return out
}

func join(ps []epiece) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString(p.s)
	}
	return b.String()
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// validEmail checks the shape of a normalised address: one "@", a local
// part of letters, digits and . _ - + without leading, trailing or double
// dots, and a domain of at least two labels with an alphabetic top level.
func validEmail(a string) bool {
	local, domain, ok := strings.Cut(a, "@")
	if !ok || local == "" || len(local) > 64 || len(domain) > 253 || strings.Contains(domain, "@") {
		return false
	}
	if local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return false
	}
	for i := 0; i < len(local); i++ {
		c := local[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte("._-+", c) >= 0) {
			return false
		}
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	tld := labels[len(labels)-1]
	return len(tld) >= 2 && allASCIILetters(tld)
}
