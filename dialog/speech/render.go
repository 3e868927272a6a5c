package speech

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// renderPattern finds, left to right, what Render speaks differently from
// the text: links (dropped), e-mail addresses, money amounts, dates and
// long codes. Alternatives are tried in this order at each position.
var renderPattern = regexp.MustCompile(
	`(?P<url>(?i:\b(?:https?://|www\.)[^\s<>"]+))` +
		`|(?P<email>[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})` +
		`|(?P<amount>(?:\d{1,3}(?:[ \x{00A0}\x{202F}]\d{3})+|\d+)(?:[.,]\d{1,2})?(?:,-)?[ \x{00A0}\x{202F}]?(?:Kč|CZK|EUR|€|USD|\$|GBP|£))` +
		`|(?P<amountpre>(?:€|\$|£)[ \x{00A0}]?\d+(?:[.,]\d{1,2})?)` +
		`|(?P<date>\b\d{1,2}\.[ \x{00A0}]?\d{1,2}\.(?:[ \x{00A0}]?\d{4}\b)?)` +
		`|(?P<code>\b[A-Z]{0,4}\d[A-Z0-9]*\b)`)

// Render turns a plain message text into what a voice says: say is plain
// text for adapters that speak text, ssml is the same as an SSML document
// (<speak xml:lang="cs-CZ">...</speak>, valid XML, &<> escaped).
//
// Links are removed (they are never read aloud), amounts such as "1 230,50
// Kč" or "99,99 €" become words, dates such as "27. 11. 2026" are spoken,
// e-mail addresses are read back readably, and order or tracking numbers
// (letters and digits, at least six characters and five digits) are read in
// groups, as <say-as> in SSML. Line breaks become pauses; markdown emphasis
// and list bullets are dropped. lang is "cs" or "en".
func Render(text, lang string) (say, ssml string) {
	lang = baseLang(lang)
	text = sanitizeText(text)
	var sb, xb strings.Builder
	names := renderPattern.SubexpNames()
	last := 0
	plain := func(s string) {
		sb.WriteString(s)
		xb.WriteString(escapeXML(s))
	}
	for _, m := range renderPattern.FindAllStringSubmatchIndex(text, -1) {
		kind := ""
		for i := 1; i < len(names); i++ {
			if m[2*i] >= 0 {
				kind = names[i]
				break
			}
		}
		start, end := m[0], m[1]
		match := text[start:end]
		switch kind {
		case "url":
			// Sentence punctuation after a link is not part of it.
			trimmed := strings.TrimRight(match, ".,;:!?")
			if strings.HasSuffix(trimmed, ")") && !strings.Contains(trimmed, "(") {
				trimmed = strings.TrimRight(trimmed, ")")
			}
			plain(dropLinkLead(text[last:start]))
			last = start + len(trimmed)
		case "email":
			plain(text[last:start])
			s := SpellEmail(match, lang)
			plain(s)
			last = end
		case "amount", "amountpre":
			v, cur, ok := parseAmount(match)
			if !ok {
				continue
			}
			plain(text[last:start])
			plain(Amount(v, cur, lang))
			last = end
		case "date":
			t, withYear, ok := parseDate(match)
			if !ok {
				continue
			}
			plain(text[last:start])
			plain(Date(t, lang, withYear))
			last = end
		case "code":
			if len(match) < 6 || countDigits(match) < 5 {
				continue
			}
			plain(text[last:start])
			sb.WriteString(speakCode(match, lang))
			xb.WriteString(SSMLCode(match, lang))
			last = end
		}
	}
	plain(text[last:])
	say = tidy(sb.String())
	body := tidy(xb.String())
	body = strings.ReplaceAll(body, "\n", `<break time="500ms"/>`)
	say = strings.ReplaceAll(say, "\n", " ")
	return say, `<speak xml:lang="` + xmlLang(lang) + `">` + body + `</speak>`
}

// linkLeads are words that only point at a link ("sledujte na <url>",
// "track it at <url>"); with the link gone they are dropped too.
var linkLeads = map[string]bool{
	"na": true, "v": true, "ve": true, "zde": true, "tady": true, "odkaz": true, "odkazu": true,
	"adrese": true, "viz": true, "see": true, "at": true, "on": true, "via": true, "here": true, "link": true,
}

// dropLinkLead tidies the text before a removed link: a colon that
// introduced it ends the sentence instead, and a trailing word that only
// pointed at it ("na", "at") goes.
func dropLinkLead(s string) string {
	t := strings.TrimRight(s, " \t(")
	if c, ok := strings.CutSuffix(t, ":"); ok {
		return c + "."
	}
	i := strings.LastIndexAny(t, " \n")
	if linkLeads[strings.ToLower(t[i+1:])] {
		return t[:i+1]
	}
	return s
}

func xmlLang(lang string) string {
	if lang == "en" {
		return "en-US"
	}
	return "cs-CZ"
}

// sanitizeText drops what neither a voice nor XML can take: invalid UTF-8,
// control characters other than newlines and tabs, markdown emphasis and
// list bullets at line starts.
func sanitizeText(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n':
			return r
		case r == '\t' || r == '\r':
			return ' '
		case unicode.IsControl(r), r == 0xFFFE, r == 0xFFFF, r >= 0xD800 && r <= 0xDFFF:
			return -1
		case r == '*' || r == '•' || r == '·':
			return ' '
		case r == '●' || r == '○':
			// The progress helper's bar: a picture, not words.
			return -1
		}
		return r
	}, s)
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimPrefix(strings.TrimSpace(l), "- ")
	}
	return strings.Join(lines, "\n")
}

// tidy collapses runs of spaces, removes spaces before punctuation and
// empty brackets left behind by removed links, and trims each line.
func tidy(s string) string {
	lines := strings.Split(s, "\n")
	var out []string
	for _, l := range lines {
		l = strings.Join(strings.Fields(l), " ")
		for _, p := range []string{" .", " ,", " :", " ;", " !", " ?", " )"} {
			l = strings.ReplaceAll(l, p, p[1:])
		}
		l = strings.ReplaceAll(l, "( ", "(")
		l = strings.ReplaceAll(l, "()", "")
		l = strings.ReplaceAll(l, "[]", "")
		l = strings.Join(strings.Fields(l), " ")
		for _, p := range []string{",.", ",!", ",?", ":.", ":,", ",,", ".."} {
			l = strings.ReplaceAll(l, p, p[1:])
		}
		l = strings.TrimSuffix(l, " :")
		if l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// escapeXML escapes text for an XML text node.
func escapeXML(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&quot;")
		case '\'':
			b.WriteString("&apos;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// parseAmount reads "1 230,50 Kč", "1230.50 CZK", "99,99 €", "€12.50",
// "150,- Kč".
func parseAmount(s string) (float64, string, bool) {
	cur := ""
	num := s
	for _, c := range []string{"Kč", "CZK", "EUR", "€", "USD", "$", "GBP", "£"} {
		if strings.HasSuffix(s, c) {
			cur, num = c, strings.TrimSuffix(s, c)
			break
		}
		if strings.HasPrefix(s, c) {
			cur, num = c, strings.TrimPrefix(s, c)
			break
		}
	}
	num = strings.TrimSuffix(strings.TrimSpace(num), ",-")
	num = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\u00a0' || r == '\u202f' {
			return -1
		}
		if r == ',' {
			return '.'
		}
		return r
	}, num)
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || cur == "" {
		return 0, "", false
	}
	return v, cur, true
}

// parseDate reads "27. 11. 2026", "27.11.2026" and "27. 11." (no year).
func parseDate(s string) (time.Time, bool, bool) {
	f := strings.FieldsFunc(s, func(r rune) bool { return r == '.' || r == ' ' || r == '\u00a0' })
	if len(f) < 2 {
		return time.Time{}, false, false
	}
	d, err1 := strconv.Atoi(f[0])
	m, err2 := strconv.Atoi(f[1])
	y, withYear := 2000, false
	if len(f) == 3 {
		var err error
		y, err = strconv.Atoi(f[2])
		withYear = err == nil
	}
	if err1 != nil || err2 != nil || m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false, false
	}
	t := time.Date(y, time.Month(m), d, 12, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return time.Time{}, false, false // 31. 2.
	}
	return t, withYear, true
}
