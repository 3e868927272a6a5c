package tmpl

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Default formats of the date helper when the template gives none.
const (
	defaultDateFormat   = "D. M. YYYY"
	defaultDateFormatEN = "D/M/YYYY"
	maxRelativeAmount   = 100000
)

// dateLayouts are the absolute date forms the date helper accepts, tried in
// order. Czech forms with spaces after the dots ("1. 2. 2020") are
// normalised before matching.
var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05 Z0700",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006-01-02",
	"2.1.2006 15:04:05",
	"2.1.2006 15:04",
	"2.1.2006",
}

// date renders {{date X ["FORMAT"]}}.
func (r *renderer) date(h helperNode) {
	v, ok := r.value(h.args[0])
	if !ok || v == nil {
		return
	}
	format := defaultDateFormat
	if strings.HasPrefix(strings.ToLower(r.env.Lang), "en") {
		format = defaultDateFormatEN
	}
	if len(h.args) > 1 {
		f, ok := r.value(h.args[1])
		if !ok || f == nil {
			return
		}
		format = formatValue(f)
	}
	var t time.Time
	switch v := v.(type) {
	case time.Time:
		t = v
	case string:
		var err error
		t, err = ParseDate(v, r.env.Now)
		if err != nil {
			r.fail(h.pos, h.name, "%v", err)
			return
		}
	default:
		r.fail(h.pos, h.name, "%q is not a date", formatValue(v))
		return
	}
	r.sb.WriteString(FormatDate(t, format))
}

// ParseDate reads what the date helper accepts: an absolute date (RFC 3339,
// "2006-01-02", "2006-01-02 15:04[:05]", Czech "2.1.2006" or "2. 1. 2006"
// with an optional time) or a relative phrase evaluated against now:
// "now", "today", "yesterday", "tomorrow", "3 days ago", "a year ago",
// "in 2 weeks", and Czech "teď", "nyní", "dnes", "včera", "zítra",
// "před 2 dny", "před rokem", "za 3 týdny". Units are seconds, minutes,
// hours, days, weeks, months and years. "today", "yesterday" and
// "tomorrow" are midnight; the other phrases keep now's time of day.
// Dates without a zone are read in now's location (UTC when now is zero).
// A relative phrase with a zero now is an error.
func ParseDate(s string, now time.Time) (time.Time, error) {
	in := strings.TrimSpace(s)
	loc := time.UTC
	if !now.IsZero() {
		loc = now.Location()
	}
	norm := strings.ReplaceAll(in, ". ", ".")
	for _, layout := range dateLayouts {
		if t, err := time.ParseInLocation(layout, norm, loc); err == nil {
			return t, nil
		}
	}
	t, ok, err := parseRelative(strings.ToLower(strings.Join(strings.Fields(in), " ")), now)
	if err != nil {
		return time.Time{}, err
	}
	if !ok {
		return time.Time{}, fmt.Errorf("%q is not a date", s)
	}
	return t, nil
}

// dayWords are relative days: offset from today's midnight, or nil for now.
var dayWords = map[string]int{
	"today": 0, "dnes": 0, "dnešek": 0,
	"yesterday": -1, "včera": -1, "vcera": -1,
	"tomorrow": 1, "zítra": 1, "zitra": 1,
	"předevčírem": -2, "predevcirem": -2, "pozítří": 2, "pozitri": 2,
}

var nowWords = map[string]bool{"now": true, "teď": true, "ted": true, "nyní": true, "nyni": true}

func parseRelative(s string, now time.Time) (time.Time, bool, error) {
	var (
		sign   int
		phrase string
	)
	_, isDay := dayWords[s]
	switch {
	case nowWords[s] || isDay:
	case strings.HasSuffix(s, " ago"):
		sign, phrase = -1, strings.TrimSuffix(s, " ago")
	case strings.HasPrefix(s, "in "):
		sign, phrase = 1, strings.TrimPrefix(s, "in ")
	case strings.HasPrefix(s, "před "), strings.HasPrefix(s, "pred "):
		sign, phrase = -1, s[strings.IndexByte(s, ' ')+1:]
	case strings.HasPrefix(s, "za "):
		sign, phrase = 1, strings.TrimPrefix(s, "za ")
	default:
		return time.Time{}, false, nil
	}
	var n int
	var unit string
	if sign != 0 {
		fields := strings.Fields(phrase)
		switch len(fields) {
		case 1: // "před rokem", "před hodinou"
			n, unit = 1, fields[0]
		case 2:
			unit = fields[1]
			switch fields[0] {
			case "a", "an", "one", "jeden", "jedna", "jednou", "jedním":
				n = 1
			default:
				v, err := strconv.Atoi(fields[0])
				if err != nil || v < 0 {
					return time.Time{}, false, nil
				}
				if v > maxRelativeAmount {
					return time.Time{}, false, fmt.Errorf("%q is too far away", s)
				}
				n = v
			}
		default:
			return time.Time{}, false, nil
		}
		if relUnit(unit) == "" {
			return time.Time{}, false, nil
		}
	}
	if now.IsZero() {
		return time.Time{}, false, fmt.Errorf("relative date %q needs the current time", s)
	}
	if d, ok := dayWords[s]; ok {
		y, m, dd := now.Date()
		return time.Date(y, m, dd+d, 0, 0, 0, 0, now.Location()), true, nil
	}
	if sign == 0 {
		return now, true, nil
	}
	n *= sign
	switch relUnit(unit) {
	case "s":
		return now.Add(time.Duration(n) * time.Second), true, nil
	case "min":
		return now.Add(time.Duration(n) * time.Minute), true, nil
	case "h":
		return now.Add(time.Duration(n) * time.Hour), true, nil
	case "d":
		return now.AddDate(0, 0, n), true, nil
	case "w":
		return now.AddDate(0, 0, 7*n), true, nil
	case "mo":
		return now.AddDate(0, n, 0), true, nil
	default: // "y"
		return now.AddDate(n, 0, 0), true, nil
	}
}

// relUnit recognises English and Czech time units in any grammatical form.
func relUnit(u string) string {
	switch u {
	case "second", "seconds", "sec", "secs", "s":
		return "s"
	case "minute", "minutes", "min", "mins":
		return "min"
	case "hour", "hours", "h":
		return "h"
	case "day", "days", "den", "dne", "dny", "dnem", "dní", "dni", "dnů", "dnu", "dnech":
		return "d"
	case "week", "weeks":
		return "w"
	case "month", "months":
		return "mo"
	case "year", "years", "rok", "roky", "rokem", "roků", "roku", "let", "lety", "léty":
		return "y"
	}
	for _, p := range []struct{ prefix, unit string }{
		{"sekund", "s"}, {"vteřin", "s"}, {"vterin", "s"},
		{"minut", "min"},
		{"hodin", "h"},
		{"týd", "w"}, {"tyd", "w"},
		{"měsí", "mo"}, {"mesi", "mo"},
	} {
		if strings.HasPrefix(u, p.prefix) {
			return p.unit
		}
	}
	return ""
}

// dateTokens are the format tokens, longest first at each letter.
var dateTokens = []string{"YYYY", "YY", "MM", "M", "Q", "DD", "D", "HH", "H", "mm", "m", "ss", "s"}

// FormatDate formats t with the date helper's tokens: YYYY (2020), YY (20),
// MM (02) and M (2) month, Q quarter (1-4), DD (01) and D (1) day, HH (09)
// and H (9) hour on a 24-hour clock, mm/m minute, ss/s second. Text inside
// [brackets] is copied without the brackets; every other character is
// copied as it is.
func FormatDate(t time.Time, format string) string {
	var sb strings.Builder
	for i := 0; i < len(format); {
		if format[i] == '[' {
			if end := strings.IndexByte(format[i:], ']'); end > 0 {
				sb.WriteString(format[i+1 : i+end])
				i += end + 1
				continue
			}
		}
		tok := ""
		for _, c := range dateTokens {
			if strings.HasPrefix(format[i:], c) {
				tok = c
				break
			}
		}
		if tok == "" {
			sb.WriteByte(format[i])
			i++
			continue
		}
		i += len(tok)
		switch tok {
		case "YYYY":
			fmt.Fprintf(&sb, "%04d", t.Year())
		case "YY":
			fmt.Fprintf(&sb, "%02d", (t.Year()%100+100)%100)
		case "MM":
			fmt.Fprintf(&sb, "%02d", int(t.Month()))
		case "M":
			sb.WriteString(strconv.Itoa(int(t.Month())))
		case "Q":
			sb.WriteString(strconv.Itoa((int(t.Month())-1)/3 + 1))
		case "DD":
			fmt.Fprintf(&sb, "%02d", t.Day())
		case "D":
			sb.WriteString(strconv.Itoa(t.Day()))
		case "HH":
			fmt.Fprintf(&sb, "%02d", t.Hour())
		case "H":
			sb.WriteString(strconv.Itoa(t.Hour()))
		case "mm":
			fmt.Fprintf(&sb, "%02d", t.Minute())
		case "m":
			sb.WriteString(strconv.Itoa(t.Minute()))
		case "ss":
			fmt.Fprintf(&sb, "%02d", t.Second())
		case "s":
			sb.WriteString(strconv.Itoa(t.Second()))
		}
	}
	return sb.String()
}
