package speech

import (
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// Limits of a plausible order number: Upgates numbers are digits with an
// optional letter prefix or suffix, typically 6 to 12 characters.
const (
	minOrderLen    = 4
	maxOrderLen    = 20
	minOrderDigits = 3
	maxCandidates  = 5
)

// OrderNumbers understands an order number in what a speech recogniser
// heard. alternatives are the recogniser's guesses, best first (the text
// and then the alternatives of a voice turn); lang is the call's language
// ("cs" or "en"; anything else counts as Czech).
//
// Digits and number words mix freely, in Czech and English: "dva nula dva
// šest", "dvacet dvacet šest, nula nula, dvanáct třicet čtyři", "2026 001
// 234", "two zero double five", "šestadvacet", "dvanáct set". Groups said
// one after another are concatenated. Fillers ("ehm", "takže", "číslo
// objednávky je") are skipped, and letters count when they are spelled
// ("písmeno O", "O jako Otakar", "bé") or glued to the digits ("O2500123").
//
// It returns at most five candidates, upper-case letters and digits only,
// best first and without duplicates: the engine should try them in order.
// Candidates agreed on by several alternatives rank higher. It returns nil
// when nothing that looks like an order number (4-20 characters, at least
// three digits) was heard.
func OrderNumbers(alternatives []string, lang string) []string {
	lang = baseLang(lang)
	var lists [][]string
	for _, alt := range alternatives {
		lists = append(lists, orderCandidates(alt, lang))
	}
	return mergeRanked(lists, maxCandidates)
}

// Digits returns the digits typed on a phone keypad (DTMF): everything up to
// the first '#', where '*' throws away what was typed before it. Other
// characters (A-D, spaces) are ignored.
func Digits(dtmf string) string {
	var b []byte
	for i := 0; i < len(dtmf); i++ {
		c := dtmf[i]
		switch {
		case c == '#':
			return string(b)
		case c == '*':
			b = b[:0]
		case c >= '0' && c <= '9':
			b = append(b, c)
		}
	}
	return string(b)
}

// mergeRanked merges per-alternative candidate lists into one ranking. A
// candidate scores 1/(1+alt) * 1/(1+rank) for every list it appears in, so
// the first alternative's first guess leads unless other alternatives agree
// on something else; ties keep first-seen order.
func mergeRanked(lists [][]string, limit int) []string {
	type scored struct {
		s     string
		score float64
		first int
	}
	idx := map[string]int{}
	var all []scored
	n := 0
	for a, l := range lists {
		for r, c := range l {
			w := 1 / float64(1+a) / float64(1+r)
			if i, ok := idx[c]; ok {
				all[i].score += w
				continue
			}
			idx[c] = len(all)
			all = append(all, scored{c, w, n})
			n++
		}
	}
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].score != all[j].score {
			return all[i].score > all[j].score
		}
		return all[i].first < all[j].first
	})
	var out []string
	for _, c := range all {
		if len(out) == limit {
			break
		}
		out = append(out, c.s)
	}
	return out
}

// otok is one token of an utterance.
type otok struct {
	raw   string // lower case, accents kept
	f     string // folded
	brk   bool   // punctuation that ends a spoken group (, . ; : ! ?)
	upper bool   // a single letter the recogniser wrote in upper case
	glued bool   // a letter run that was glued to digits ("O2500123")
	first bool   // first token of the utterance
}

// tokenizeOrder splits an utterance into words, digit runs and breaks.
// Letter runs glued to digits are split from them and marked glued.
func tokenizeOrder(s string) []otok {
	var toks []otok
	var word []rune
	flush := func() {
		if len(word) == 0 {
			return
		}
		w := string(word)
		word = word[:0]
		runs := splitAlnum(w)
		for _, r := range runs {
			t := otok{raw: strings.ToLower(r), f: fold(r), glued: len(runs) > 1 && !isDigits(r)}
			rr := []rune(r)
			t.upper = len(rr) == 1 && unicode.IsUpper(rr[0])
			toks = append(toks, t)
		}
	}
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if unicode.IsDigit(r) && r > unicode.MaxASCII {
				continue // other scripts' digits are not order numbers
			}
			word = append(word, r)
		case r == '\'' || r == '’':
			// "it's" -> "its"
		case strings.ContainsRune(",.;:!?/()", r):
			flush()
			toks = append(toks, otok{brk: true})
		default:
			flush()
		}
	}
	flush()
	for i := range toks {
		if !toks[i].brk {
			toks[i].first = true
			break
		}
	}
	return toks
}

// splitAlnum splits "O2500123" into "O", "2500123".
func splitAlnum(w string) []string {
	var out []string
	start := 0
	rs := []rune(w)
	for i := 1; i < len(rs); i++ {
		if unicode.IsDigit(rs[i]) != unicode.IsDigit(rs[i-1]) {
			out = append(out, string(rs[start:i]))
			start = i
		}
	}
	return append(out, string(rs[start:]))
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// itemKind is what a token means for an order number.
type itemKind int

const (
	iNum        itemKind = iota + 1 // a number word
	iDigits                         // digits as written by the recogniser
	iLetter                         // a letter that belongs to the code
	iWeak                           // a bare letter that may be a prefix or a word ("o", "a")
	iBreak                          // punctuation
	iCorrection                     // "ne", "pardon", "sorry": what follows replaces what came before
	iOther                          // any other word: ends a group
)

type item struct {
	kind   itemKind
	nw     numWord
	digits string
	letter byte
	f      string
}

// orderFillers are words (folded) said around an order number that carry
// nothing: they neither add to the number nor separate its parts.
var orderFillers = map[string]bool{
	"ehm": true, "hm": true, "hmm": true, "em": true, "eh": true, "uhm": true, "um": true, "uh": true,
	"mm": true, "ee": true, "eee": true, "no": true, "takze": true, "tak": true, "teda": true, "tedy": true,
	"jo": true, "ano": true, "pak": true, "potom": true, "je": true, "to": true, "ten": true, "ta": true,
	"cislo": true, "cisla": true, "cislem": true, "c": true, "obj": true, "objednavky": true,
	"objednavka": true, "objednavku": true, "objednavce": true, "objednavkou": true, "kod": true,
	"moje": true, "moji": true, "muj": true, "mam": true, "mame": true, "jsem": true, "jste": true,
	"tady": true, "vam": true, "rikam": true, "prosim": true, "dekuji": true, "dekuju": true,
	"dobry": true, "den": true, "vlastne": true, "asi": true, "myslim": true, "konkretne": true,
	"tohle": true, "toto": true, "zni": true, "bylo": true, "jako": true, "na": true, "mela": true,
	"mel": true, "byt": true, "by": true, "mit": true, "jmenovite": true, "ze": true, "nasleduje": true,
	"so": true, "well": true, "my": true, "the": true, "order": true, "number": true, "is": true,
	"it": true, "its": true, "and": true, "then": true, "okay": true, "ok": true, "yes": true,
	"yeah": true, "reference": true, "code": true, "please": true, "thanks": true, "thank": true,
	"you": true, "hi": true, "hello": true, "i": true, "im": true, "have": true, "got": true,
	"this": true, "that": true, "let": true, "me": true, "see": true, "like": true, "should": true,
	"be": true, "of": true, "er": true, "erm": true, "ah": true, "um-hum": true, "ref": true,
}

// orderCorrections are words after which the caller restates the number.
var orderCorrections = map[string]bool{
	"ne": true, "pardon": true, "oprava": true, "opravuji": true, "opravuju": true, "promin": true,
	"prominte": true, "spatne": true, "sorry": true, "correction": true, "wait": true, "mean": true,
	"actually": true,
}

// letterPrefixWords introduce a spelled letter: "písmeno O", "letter O".
var letterPrefixWords = map[string]bool{
	"pismeno": true, "pismenko": true, "pismena": true, "letter": true, "capital": true,
	"velke": true, "velky": true, "velka": true, "male": true, "maly": true,
}

// letterOf resolves token t as a spelled letter. explicit allows names
// that are also ordinary words and spelling-alphabet names.
func letterOf(t otok, explicit bool) (byte, bool) {
	if t.brk || t.raw == "" {
		return 0, false
	}
	if l, ok := letterNames[t.raw]; ok {
		return l, true
	}
	if len(t.f) == 1 && t.f[0] >= 'a' && t.f[0] <= 'z' {
		return t.f[0], true
	}
	if explicit {
		if l, ok := explicitLetterNames[t.f]; ok {
			return l, true
		}
		if l, ok := letterNames[t.f]; ok {
			return l, true
		}
		if spellingWords[t.f] {
			return t.f[0], true
		}
	}
	return 0, false
}

// classify turns tokens into items, resolving spelled letters, split and
// glued number words.
func classify(toks []otok, lang string) []item {
	toks = repairNumberWords(toks, lang)
	var items []item
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		next := func(k int) otok {
			if i+k < len(toks) {
				return toks[i+k]
			}
			return otok{}
		}
		if t.brk {
			items = append(items, item{kind: iBreak})
			continue
		}
		if t.raw == "č" { // "č." is short for "číslo"
			continue
		}
		// "písmeno O", "letter O", "velké písmeno O".
		if letterPrefixWords[t.f] {
			if l, ok := letterOf(next(1), true); ok && !letterPrefixWords[next(1).f] {
				items = append(items, item{kind: iLetter, letter: l})
				i++
				continue
			}
			continue
		}
		// "O jako Otakar", "O as in Oscar", "O like Oscar".
		if n := next(1); n.f == "jako" || n.f == "as" || n.f == "like" {
			if l, ok := letterOf(t, true); ok {
				if _, isNum := lookupNumber(t.f, lang); !isNum || len(t.f) == 1 {
					skip := 1
					if n.f == "as" && next(2).f == "in" {
						skip++
					}
					if w := next(skip + 1); !w.brk && w.f != "" {
						if _, isNum := lookupNumber(w.f, lang); !isNum && !isDigits(w.f) {
							skip++
						}
					}
					items = append(items, item{kind: iLetter, letter: l})
					i += skip
					continue
				}
			}
		}
		if isDigits(t.f) {
			items = append(items, item{kind: iDigits, digits: t.f, f: t.f})
			continue
		}
		if nw, ok := numberWord(t.f, lang); ok {
			// "dvojité vé" is the letter W, not a repeat.
			if nw.kind == kRepeat {
				if n := next(1); n.f == "ve" || n.f == "v" || n.f == "vee" {
					items = append(items, item{kind: iLetter, letter: 'w'})
					i++
					continue
				}
			}
			items = append(items, item{kind: iNum, nw: nw, f: t.f})
			continue
		}
		if t.f == "dvojite" || t.f == "double-u" {
			items = append(items, item{kind: iLetter, letter: 'w'})
			continue
		}
		if l, ok := letterNames[t.raw]; ok {
			items = append(items, item{kind: iLetter, letter: l})
			continue
		}
		if len(t.f) == 1 && t.f[0] >= 'a' && t.f[0] <= 'z' {
			// A bare letter belongs to the code when glued to it or written
			// in capitals mid-sentence; otherwise it may be a word ("a",
			// "v"), part of "e-mail", or a stray sound, and is only offered
			// as a prefix.
			l := t.f[0]
			if t.glued || (t.upper && !t.first) {
				items = append(items, item{kind: iLetter, letter: l})
			} else {
				items = append(items, item{kind: iWeak, letter: l, f: t.f})
			}
			continue
		}
		if t.glued {
			// A longer letter run glued to digits, e.g. "OBJ2500123".
			if len(t.f) <= 3 && allASCIILetters(t.f) {
				for k := 0; k < len(t.f); k++ {
					items = append(items, item{kind: iLetter, letter: t.f[k]})
				}
				continue
			}
		}
		if orderFillers[t.f] {
			continue
		}
		if orderCorrections[t.f] || (lang == "en" && t.f == "no") {
			items = append(items, item{kind: iCorrection})
			continue
		}
		items = append(items, item{kind: iOther, f: t.f})
	}
	return items
}

func allASCIILetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return s != ""
}

// numberWord is lookupNumber restricted to the words that are numbers in
// lang: Czech calls accept English digit words except those that are Czech
// words ("ten" = that), English calls accept English words only.
func numberWord(w, lang string) (numWord, bool) {
	if lang == "en" {
		if nw, ok := enNumbers[w]; ok {
			return nw, true
		}
		if w == "o" {
			return numWord{kUnit, 0}, true
		}
		return numWord{}, false
	}
	switch w {
	case "ten", "oh", "nil", "one": // Czech words: "that", "oh", -, "they"
		return numWord{}, false
	}
	return lookupNumber(w, lang)
}

// repairNumberWords undoes two recogniser habits: a number word split in
// two ("dva cet", "pat nact") and several glued into one ("dvanula",
// "dvacetsest", "tristapadesat").
func repairNumberWords(toks []otok, lang string) []otok {
	out := make([]otok, 0, len(toks))
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.brk || t.f == "" {
			out = append(out, t)
			continue
		}
		_, known := numberWord(t.f, lang)
		if t.raw == "č" {
			out = append(out, t)
			continue
		}
		if i+1 < len(toks) && !toks[i+1].brk {
			n := toks[i+1]
			_, nKnown := numberWord(n.f, lang)
			joined := t.f + n.f
			if nw, ok := numberWord(joined, lang); ok && (!known || !nKnown) && nw.kind != kUnit {
				out = append(out, otok{raw: t.raw + n.raw, f: joined, first: t.first})
				i++
				continue
			}
		}
		if !known && len(t.f) >= 5 && len(t.f) <= maxGlued && allASCIILetters(t.f) && !orderFillers[t.f] {
			if parts := segmentNumberWords(t.f, lang); len(parts) > 1 {
				for k, p := range parts {
					out = append(out, otok{raw: p, f: p, first: t.first && k == 0})
				}
				continue
			}
		}
		out = append(out, t)
	}
	return out
}

// maxGlued and maxPiece bound the search for glued number words: a glued
// token longer than a few words is not speech, and no number word or
// filler is longer than maxPiece letters.
const (
	maxGlued = 60
	maxPiece = 16
)

// segmentNumberWords splits w into number words (and fillers), fewest
// pieces first; nil when w is not made only of them or has no number.
func segmentNumberWords(w, lang string) []string {
	n := len(w)
	best := make([][]string, n+1)
	ok := make([]bool, n+1)
	ok[0] = true
	for end := 1; end <= n; end++ {
		for start := max(0, end-maxPiece); start < end; start++ {
			if !ok[start] || end-start < 2 {
				continue
			}
			piece := w[start:end]
			if _, isNum := numberWord(piece, lang); !isNum && !orderFillers[piece] {
				continue
			}
			cand := append(append([]string(nil), best[start]...), piece)
			if !ok[end] || len(cand) < len(best[end]) {
				best[end] = cand
				ok[end] = true
			}
		}
	}
	if !ok[n] {
		return nil
	}
	for _, p := range best[n] {
		if _, isNum := numberWord(p, lang); isNum {
			return best[n]
		}
	}
	return nil
}

// segment is a run of items between other words.
type segment struct {
	items           []item
	afterCorrection bool
}

// orderCandidates returns the candidates one utterance yields, best first.
func orderCandidates(text, lang string) []string {
	items := classify(tokenizeOrder(text), lang)
	var segs []segment
	cur := segment{}
	correction := false
	closeSeg := func() {
		if len(cur.items) > 0 {
			segs = append(segs, cur)
		}
		cur = segment{afterCorrection: correction}
	}
	for _, it := range items {
		switch it.kind {
		case iOther:
			closeSeg()
		case iCorrection:
			correction = true
			closeSeg()
		default:
			cur.items = append(cur.items, it)
		}
	}
	closeSeg()

	type segResult struct {
		variants        []string
		afterCorrection bool
	}
	var results []segResult
	for _, s := range segs {
		v := assemble(s.items, lang)
		if len(v) == 0 || countDigits(v[0]) == 0 {
			continue
		}
		results = append(results, segResult{v, s.afterCorrection})
	}
	if len(results) == 0 {
		return nil
	}
	var ranked []string
	// The caller corrected themselves: the last restated group first.
	for i := len(results) - 1; i >= 0; i-- {
		if results[i].afterCorrection {
			ranked = append(ranked, results[i].variants...)
			break
		}
	}
	// Groups split by a stray word are usually one number.
	if len(results) > 1 {
		var b strings.Builder
		same := true
		for _, r := range results {
			b.WriteString(r.variants[0])
			same = same && r.variants[0] == results[0].variants[0]
		}
		if same {
			ranked = append(ranked, results[0].variants...)
		} else {
			ranked = append(ranked, b.String())
		}
	}
	sorted := append([]segResult(nil), results...)
	sort.SliceStable(sorted, func(i, j int) bool {
		return len(sorted[i].variants[0]) > len(sorted[j].variants[0])
	})
	for _, r := range sorted {
		ranked = append(ranked, r.variants...)
	}
	var out []string
	seen := map[string]bool{}
	for _, c := range ranked {
		if !validOrderNumber(c) || seen[c] {
			continue
		}
		seen[c] = true
		out = append(out, c)
	}
	return out
}

func countDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n++
		}
	}
	return n
}

// validOrderNumber reports whether c looks like an order number.
func validOrderNumber(c string) bool {
	return len(c) >= minOrderLen && len(c) <= maxOrderLen && countDigits(c) >= minOrderDigits
}

// assemble turns one group of items into the code it spells, plus less
// likely readings: with a bare letter taken as a prefix, or "dvě nuly" read
// as "2 0" instead of "00".
func assemble(items []item, lang string) []string {
	var primary, literalZeros strings.Builder
	var weakPrefix byte
	zerosAmbiguous := false
	nextIdx := func(j int) int {
		for j < len(items) && items[j].kind == iBreak {
			j++
		}
		return j
	}
	isNumberish := func(j int) bool {
		j = nextIdx(j)
		return j < len(items) && (items[j].kind == iNum || items[j].kind == iDigits)
	}
	write := func(s string) {
		primary.WriteString(s)
		literalZeros.WriteString(s)
	}
	for j := 0; j < len(items); {
		it := items[j]
		switch it.kind {
		case iBreak:
			j++
		case iLetter:
			write(strings.ToUpper(string(it.letter)))
			j++
		case iWeak:
			if primary.Len() == 0 && isNumberish(j+1) && weakPrefix == 0 {
				weakPrefix = it.letter
			}
			j++
		case iDigits:
			if v, next, ok := parseNum(items, j); ok && next > j+1 {
				write(strconv.FormatInt(v, 10))
				j = next
				continue
			}
			write(it.digits)
			j++
		case iNum:
			switch it.nw.kind {
			case kRepeat:
				k := j + 1
				if k < len(items) && isSingleDigit(items[k]) {
					d := singleDigit(items[k])
					write(strings.Repeat(d, int(it.nw.val)))
					j = k + 1
					continue
				}
				j++
				continue
			case kPlural:
				// "nuly" alone: the recogniser's form of "nula".
				write(strconv.FormatInt(it.nw.val, 10))
				j++
				continue
			case kUnit:
				// "dvě nuly" = 00, "tři pětky" = 555.
				if k := j + 1; k < len(items) && items[k].kind == iNum && items[k].nw.kind == kPlural && it.nw.val >= 2 {
					d := strconv.FormatInt(items[k].nw.val, 10)
					primary.WriteString(strings.Repeat(d, int(it.nw.val)))
					literalZeros.WriteString(strconv.FormatInt(it.nw.val, 10) + d)
					zerosAmbiguous = true
					j = k + 1
					continue
				}
			}
			if v, next, ok := parseNum(items, j); ok {
				write(strconv.FormatInt(v, 10))
				j = next
				continue
			}
			j++
		default:
			j++
		}
	}
	out := []string{primary.String()}
	// The caller said the number twice in one breath.
	if p := primary.String(); len(p) >= 2*minOrderLen && len(p)%2 == 0 && p[:len(p)/2] == p[len(p)/2:] {
		out = []string{p[:len(p)/2], p}
	}
	if zerosAmbiguous {
		out = append(out, literalZeros.String())
	}
	if weakPrefix != 0 {
		p := strings.ToUpper(string(weakPrefix))
		if weakPrefix == 'o' {
			// "O" is the usual order prefix ("objednávka"), and a Czech "o"
			// right before the digits is rarely the preposition.
			out = append([]string{p + primary.String()}, out...)
		} else {
			out = append(out, p+primary.String())
		}
		if lang != "en" && weakPrefix == 'o' {
			// "o" may also have been a mis-heard "nula".
			out = append(out, "0"+primary.String())
		}
	}
	return out
}

func isSingleDigit(it item) bool {
	return (it.kind == iNum && it.nw.kind == kUnit) || (it.kind == iDigits && len(it.digits) == 1)
}

func singleDigit(it item) string {
	if it.kind == iDigits {
		return it.digits
	}
	return strconv.FormatInt(it.nw.val, 10)
}

// isMultiplier reports whether item j multiplies the number before it by
// a hundred: "stě", "sta", "set", "hundred", but not "sto", which is only
// ever 100 on its own ("jedenáct sto" is not Czech; "jedenáct set" is).
func isMultiplier(items []item, j int) bool {
	nw, ok := kindAt(items, j)
	return ok && nw.kind == kHundred && items[j].f != "sto"
}

// kindAt returns the number word at items[j], if it is one.
func kindAt(items []item, j int) (numWord, bool) {
	if j >= len(items) || items[j].kind != iNum {
		return numWord{}, false
	}
	return items[j].nw, true
}

// parseNum reads one spoken number starting at items[j]: "dvacet šest",
// "sto dvacet tři", "dvanáct set třicet čtyři", "dva tisíce dvacet šest",
// "šest a dvacet". It returns the value and the index after it. A break
// (comma) ends the number.
func parseNum(items []item, j int) (int64, int, bool) {
	// A digit run may multiply: "2 tisíce", "12 set".
	if j < len(items) && items[j].kind == iDigits {
		d := items[j].digits
		if len(d) > 3 || d[0] == '0' {
			return 0, j, false
		}
		v, _ := strconv.ParseInt(d, 10, 64)
		nw, ok := kindAt(items, j+1)
		if !ok || (!isMultiplier(items, j+1) && nw.kind != kThousand) {
			return 0, j, false
		}
		if nw.kind == kHundred {
			total := v * 100
			k := j + 2
			if r, k2, ok := below100(items, k, true); ok {
				total += r
				k = k2
			}
			return total, k, true
		}
		total := v * 1000
		k := j + 2
		if r, k2, ok := below1000(items, k, true); ok {
			total += r
			k = k2
		}
		return total, k, true
	}
	if nw, ok := kindAt(items, j); ok && nw.kind == kThousand {
		total := int64(1000)
		k := j + 1
		if r, k2, ok := below1000(items, k, true); ok {
			total += r
			k = k2
		}
		return total, k, true
	}
	v, k, ok := below1000(items, j, false)
	if !ok {
		return 0, j, false
	}
	if nw, ok := kindAt(items, k); ok && nw.kind == kThousand && v > 0 {
		total := v * 1000
		k++
		if r, k2, ok := below1000(items, k, true); ok {
			total += r
			k = k2
		}
		return total, k, true
	}
	return v, k, true
}

// below1000 reads hundreds and what follows; nonZero refuses a bare "nula"
// (after "tisíc", "nula" is the next digit, not part of the number).
func below1000(items []item, j int, nonZero bool) (int64, int, bool) {
	nw, ok := kindAt(items, j)
	if !ok {
		return 0, j, false
	}
	if nw.kind == kHundred {
		if items[j].f != "sto" && items[j].f != "hundred" {
			return 0, j, false
		}
		total := int64(100)
		k := j + 1
		if r, k2, ok := below100(items, k, true); ok {
			total += r
			k = k2
		}
		return total, k, true
	}
	if (nw.kind == kUnit && nw.val > 0) || nw.kind == kTeen {
		if isMultiplier(items, j+1) {
			total := nw.val * 100
			k := j + 2
			if r, k2, ok := below100(items, k, true); ok {
				total += r
				k = k2
			}
			return total, k, true
		}
	}
	v, k, ok := below100(items, j, nonZero)
	// "twenty five hundred", "pětadvacet set" = 2500.
	if ok && v >= 10 && k > j {
		if isMultiplier(items, k) {
			total := v * 100
			k++
			if r, k2, ok := below100(items, k, true); ok {
				total += r
				k = k2
			}
			return total, k, true
		}
	}
	return v, k, ok
}

// below100 reads "dvacet šest", "šestadvacet", "šest a dvacet", "dvanáct",
// or a single digit.
func below100(items []item, j int, nonZero bool) (int64, int, bool) {
	nw, ok := kindAt(items, j)
	if !ok {
		return 0, j, false
	}
	switch nw.kind {
	case kTens:
		if u, ok := kindAt(items, j+1); ok && u.kind == kUnit && u.val > 0 {
			// "devadesát šest set" and "dvacet dvě nuly" keep the unit for
			// what follows it.
			// English keeps it: "twenty five hundred" is 2500.
			if z, ok := kindAt(items, j+2); !ok || (z.kind != kPlural && !(isMultiplier(items, j+2) && items[j+2].f != "hundred")) {
				return nw.val + u.val, j + 2, true
			}
		}
		return nw.val, j + 1, true
	case kTeen, kCompound:
		return nw.val, j + 1, true
	case kUnit:
		if nonZero && nw.val == 0 {
			return 0, j, false
		}
		// "šest a dvacet"
		if j+2 < len(items) && items[j+1].kind == iWeak && items[j+1].letter == 'a' && nw.val > 0 {
			if t, ok := kindAt(items, j+2); ok && t.kind == kTens {
				return t.val + nw.val, j + 3, true
			}
		}
		return nw.val, j + 1, true
	}
	return 0, j, false
}
