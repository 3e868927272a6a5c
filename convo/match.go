package convo

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
)

// memVarPattern finds scripting-memory variables ($name) in expected text.
var memVarPattern = regexp.MustCompile(`\$[A-Za-z_][A-Za-z0-9_]*`)

// normalizeSpace trims s and collapses every run of white space (line
// breaks included) into one space, so scripts need not copy a message's
// line breaks.
func normalizeSpace(s string) string {
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
}

// pattern is expected text compiled for matching: "*" matches anything,
// an unset $name captures one run of non-space characters, a set $name
// stands for its value; the rest is compared case-insensitively, and the
// whole pattern may occur anywhere in the text ("contains").
type pattern struct {
	src      string // normalised expected text, variables substituted
	re       *regexp.Regexp
	captures []string // variable names of the capture groups, in order
	// cuts are the byte offsets in src at which a prefix of the pattern
	// can end (between runes), used to find the first difference.
	cuts []int
}

// compilePattern builds the pattern for expected text. mem holds the
// scripting memory; variables not in it become captures.
func compilePattern(expected string, mem map[string]string) *pattern {
	src := normalizeSpace(expected)
	p := &pattern{src: src}
	p.re, p.captures = buildRegexp(src, len(src), mem)
	for i := range src {
		p.cuts = append(p.cuts, i)
	}
	p.cuts = append(p.cuts, len(src))
	return p
}

// buildRegexp compiles src[:end] as a pattern.
func buildRegexp(src string, end int, mem map[string]string) (*regexp.Regexp, []string) {
	var b strings.Builder
	b.WriteString("(?is)")
	var captures []string
	seen := map[string]bool{}
	s := src[:end]
	for len(s) > 0 {
		loc := memVarPattern.FindStringIndex(s)
		star := strings.IndexByte(s, '*')
		switch {
		case star >= 0 && (loc == nil || star < loc[0]):
			b.WriteString(literal(s[:star]))
			b.WriteString(".*?")
			s = s[star+1:]
		case loc != nil:
			b.WriteString(literal(s[:loc[0]]))
			name := s[loc[0]+1 : loc[1]]
			if v, ok := mem[name]; ok {
				b.WriteString(literal(normalizeSpace(v)))
			} else if seen[name] {
				b.WriteString(`\S+`)
			} else {
				seen[name] = true
				captures = append(captures, name)
				b.WriteString(`(\S+)`)
			}
			s = s[loc[1]:]
		default:
			b.WriteString(literal(s))
			s = ""
		}
	}
	return regexp.MustCompile(b.String()), captures
}

func literal(s string) string {
	// A space in the expected text matches any run of white space.
	parts := strings.Split(s, " ")
	for i := range parts {
		parts[i] = regexp.QuoteMeta(parts[i])
	}
	return strings.Join(parts, `\s+`)
}

// match reports whether text matches and returns the captured variables.
func (p *pattern) match(text string) (bool, map[string]string) {
	m := p.re.FindStringSubmatch(normalizeSpace(text))
	if m == nil {
		return false, nil
	}
	got := map[string]string{}
	for i, name := range p.captures {
		got[name] = strings.TrimRight(m[i+1], ".,;:!?)")
	}
	return true, got
}

// difference explains where text stops matching the pattern: the longest
// prefix of the expected text that occurs in the bot's text, and what
// follows it on both sides.
func (p *pattern) difference(text string, mem map[string]string) string {
	norm := normalizeSpace(text)
	// Binary search over the cut points: a shorter prefix matches whenever
	// a longer one does.
	lo, hi := 0, len(p.cuts)-1 // cuts[lo] matches (the empty prefix does)
	end := 0
	for lo < hi {
		mid := (lo + hi + 1) / 2
		re, _ := buildRegexp(p.src, p.cuts[mid], mem)
		if loc := re.FindStringIndex(norm); loc != nil {
			lo = mid
			end = loc[1]
		} else {
			hi = mid - 1
		}
	}
	if lo == 0 {
		return fmt.Sprintf("nothing of the expected text occurs in what the bot said; expected starts %s", quoteCut(p.src, 0, 40))
	}
	k := p.cuts[lo]
	return fmt.Sprintf("the expected text matches up to %s; then %s was expected, but the bot said %s",
		quoteTail(p.src[:k], 30), quoteCut(p.src, k, 40), quoteCut(norm, end, 40))
}

// quoteTail quotes the last n runes of s.
func quoteTail(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return fmt.Sprintf("%q", "…"+string(r[len(r)-n:]))
	}
	return fmt.Sprintf("%q", s)
}

// quoteCut quotes up to n runes of s from byte offset i ("" at the end).
func quoteCut(s string, i, n int) string {
	if i >= len(s) {
		return "the end of the message"
	}
	r := []rune(s[i:])
	if len(r) > n {
		return fmt.Sprintf("%q", string(r[:n])+"…")
	}
	return fmt.Sprintf("%q", string(r))
}

// firstDiff returns a short note on where two strings first differ.
func firstDiff(want, got string) string {
	w, g := []rune(want), []rune(got)
	i := 0
	for i < len(w) && i < len(g) && w[i] == g[i] {
		i++
	}
	from := max(0, i-15)
	cut := func(r []rune) string {
		end := min(len(r), i+25)
		if i >= len(r) {
			return "(end)"
		}
		return fmt.Sprintf("%q", string(r[i:end]))
	}
	return fmt.Sprintf("first difference at character %d, after %q: expected %s, got %s", i+1, string(w[from:i]), cut(w), cut(g))
}
