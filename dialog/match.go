package dialog

import (
	"strconv"
	"strings"
	"unicode"
)

// foldTable folds the Latin letters with diacritics Czech, Slovak and
// German customers type.
var foldTable = map[rune]rune{
	'á': 'a', 'ä': 'a', 'à': 'a', 'â': 'a', 'č': 'c', 'ć': 'c', 'ď': 'd', 'é': 'e', 'ě': 'e', 'ë': 'e', 'è': 'e',
	'í': 'i', 'ï': 'i', 'ĺ': 'l', 'ľ': 'l', 'ň': 'n', 'ó': 'o', 'ô': 'o', 'ö': 'o', 'ő': 'o', 'ŕ': 'r', 'ř': 'r',
	'š': 's', 'ś': 's', 'ť': 't', 'ú': 'u', 'ů': 'u', 'ü': 'u', 'ű': 'u', 'ý': 'y', 'ÿ': 'y', 'ž': 'z', 'ź': 'z', 'ż': 'z',
}

// normalise lower-cases s, folds diacritics and splits it into words of
// letters and digits.
func normalise(s string) []string {
	var sb strings.Builder
	for _, r := range strings.ToLower(s) {
		if f, ok := foldTable[r]; ok {
			r = f
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			sb.WriteRune(r)
		} else {
			sb.WriteByte(' ')
		}
	}
	return strings.Fields(sb.String())
}

// wordsMatch reports whether a typed word w stands for the phrase word p:
// equal; the same word in another Czech ending (a common prefix missing
// at most two letters of the shorter word, at least four letters); or one
// typo (edit distance 1 from five letters, 2 from nine).
func wordsMatch(w, p string) bool {
	if w == p {
		return true
	}
	lw, lp := len([]rune(w)), len([]rune(p))
	short := min(lw, lp)
	if short < 4 {
		return false
	}
	if pre := commonPrefix(w, p); pre >= 4 && pre >= short-2 {
		return true
	}
	d := editDistance(w, p)
	return (d <= 1 && short >= 5) || (d <= 2 && short >= 9)
}

func commonPrefix(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	n := 0
	for n < len(ra) && n < len(rb) && ra[n] == rb[n] {
		n++
	}
	return n
}

// editDistance is the optimal string alignment distance (Levenshtein with
// transpositions), capped at 3.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > 3 || d < -3 {
		return 3
	}
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return min(prev[len(rb)], 3)
}

// wordsScore returns how well the typed words cover a phrase: 0 when some
// word of the phrase is missing, else the number of the phrase's letters
// (longer, more specific phrases win).
func wordsScore(words, pw []string) int {
	if len(pw) == 0 {
		return 0
	}
	score := 0
	for _, p := range pw {
		found := false
		for _, w := range words {
			if wordsMatch(w, p) {
				found = true
				break
			}
		}
		if !found {
			return 0
		}
		score += len(p)
	}
	return score
}

// bestPhrase picks the candidate whose best phrase scores highest. It
// returns -1 when nothing matches or when two candidates tie.
func bestPhrase(text string, candidates [][]string) int {
	norm := make([][][]string, len(candidates))
	for i, phrases := range candidates {
		for _, ph := range phrases {
			norm[i] = append(norm[i], normalise(ph))
		}
	}
	return bestNormalised(text, norm)
}

// bestNormalised is bestPhrase for phrases already normalised.
func bestNormalised(text string, candidates [][][]string) int {
	words := normalise(text)
	if len(words) == 0 {
		return -1
	}
	best, bestScore, tie := -1, 0, false
	for i, phrases := range candidates {
		s := 0
		for _, ph := range phrases {
			s = max(s, wordsScore(words, ph))
		}
		switch {
		case s > bestScore:
			best, bestScore, tie = i, s, false
		case s == bestScore && s > 0:
			tie = true
		}
	}
	if tie {
		return -1
	}
	return best
}

// builtinHandoverWords is the "talk to a person" intent, matched from any
// waiting box. Scenarios add their own phrases with handover_words.
var builtinHandoverWords = []string{
	"operátor", "operátorka", "operátorem", "člověk", "člověkem", "živý člověk", "agent", "agentem",
	"spojit s člověkem", "mluvit s člověkem", "pracovník", "podpora",
	"operator", "human", "person", "agent", "real person", "representative",
}

// matchButton finds the button free text stands for: a number from 1 to
// the number of buttons picks that button; otherwise the button whose
// value, title or synonym matches best. It returns -1 for no (or an
// ambiguous) match.
func (b *Box) matchButton(text string) int {
	t := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(text), "."))
	if n, err := strconv.Atoi(t); err == nil && n >= 1 && n <= len(b.Buttons) {
		return n - 1
	}
	return bestNormalised(t, b.phrases)
}

// buttonPhrases normalises each button's value, titles and synonyms once,
// at parse time.
func buttonPhrases(bs []ButtonSpec) [][][]string {
	out := make([][][]string, len(bs))
	for i, bt := range bs {
		ph := []string{bt.Value}
		for _, tp := range bt.Title.templates() {
			ph = append(ph, tp.Source())
		}
		for _, lang := range []string{"", "cs", "en"} {
			ph = append(ph, bt.Synonyms[lang]...)
		}
		for _, p := range ph {
			if n := normalise(p); len(n) > 0 {
				out[i] = append(out[i], n)
			}
		}
	}
	return out
}
