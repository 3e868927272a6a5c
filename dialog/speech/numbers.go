package speech

import (
	"math"
	"strings"
	"time"
)

// gender selects the form of "jeden/jedna/jedno" and "dva/dvě" that agrees
// with a Czech noun.
type gender int

const (
	counting  gender = iota // bare counting: "jedna, dva, tři"
	masculine               // "jeden haléř", "dva haléře"
	feminine                // "jedna koruna", "dvě koruny"
	neuter                  // "jedno euro", "dvě eura"
)

var (
	csOnes = [...]string{"nula", "jedna", "dva", "tři", "čtyři", "pět", "šest", "sedm", "osm", "devět",
		"deset", "jedenáct", "dvanáct", "třináct", "čtrnáct", "patnáct", "šestnáct", "sedmnáct",
		"osmnáct", "devatenáct"}
	csTens     = [...]string{"", "", "dvacet", "třicet", "čtyřicet", "padesát", "šedesát", "sedmdesát", "osmdesát", "devadesát"}
	csHundreds = [...]string{"", "sto", "dvě stě", "tři sta", "čtyři sta", "pět set", "šest set", "sedm set", "osm set", "devět set"}
	enOnes     = [...]string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
		"ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
		"eighteen", "nineteen"}
	enTens = [...]string{"", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"}
)

// Number spells n as a cardinal number: Number(1230, "cs") is "tisíc dvě
// stě třicet", Number(2026, "en") is "two thousand twenty-six". Czech uses
// the counting forms ("jedna", "dva"); lang is "cs" or "en".
func Number(n int64, lang string) string {
	if baseLang(lang) == "en" {
		return enNumber(n)
	}
	return csNumber(n, counting)
}

// csNumber spells n in Czech; g is the gender of the noun that follows,
// which decides "jeden/jedna/jedno" (only when n is 1) and "dva/dvě".
func csNumber(n int64, g gender) string {
	if n < 0 {
		return "minus " + csUnsigned(uint64(-(n+1))+1, g)
	}
	return csUnsigned(uint64(n), g)
}

// csScales are the Czech long-scale names, largest first, with the
// gender of each scale noun.
var csScales = [...]struct {
	v              uint64
	one, few, many string
	g              gender
}{
	{1e18, "trilion", "triliony", "trilionů", masculine},
	{1e15, "biliarda", "biliardy", "biliard", feminine},
	{1e12, "bilion", "biliony", "bilionů", masculine},
	{1e9, "miliarda", "miliardy", "miliard", feminine},
	{1e6, "milion", "miliony", "milionů", masculine},
	{1e3, "tisíc", "tisíce", "tisíc", masculine},
}

func csUnsigned(n uint64, g gender) string {
	if n == 0 {
		return "nula"
	}
	var parts []string
	for _, s := range csScales {
		k := n / s.v
		if k == 0 {
			continue
		}
		n %= s.v
		switch {
		case k == 1:
			parts = append(parts, s.one)
		case k >= 2 && k <= 4:
			parts = append(parts, csBelow1000(int64(k), s.g, true)+" "+s.few)
		default:
			parts = append(parts, csBelow1000(int64(k), s.g, false)+" "+s.many)
		}
	}
	if n > 0 {
		parts = append(parts, csBelow1000(int64(n), g, len(parts) == 0 && n == 1))
	}
	return strings.Join(parts, " ")
}

// csBelow1000 spells 1..999. alone says n is the whole number, so "jeden/
// jedna/jedno" agrees with the noun; inside a compound the counting
// "jedna" is used ("dvacet jedna korun").
func csBelow1000(n int64, g gender, alone bool) string {
	var parts []string
	if h := n / 100; h > 0 {
		parts = append(parts, csHundreds[h])
	}
	n %= 100
	if n >= 20 {
		parts = append(parts, csTens[n/10])
		n %= 10
	}
	if n > 0 {
		w := csOnes[n]
		switch {
		case n == 1 && alone && g == masculine:
			w = "jeden"
		case n == 1 && alone && g == neuter:
			w = "jedno"
		case n == 2 && (g == feminine || g == neuter):
			w = "dvě"
		}
		parts = append(parts, w)
	}
	return strings.Join(parts, " ")
}

func enNumber(n int64) string {
	if n < 0 {
		return "minus " + enUnsigned(uint64(-(n+1))+1)
	}
	return enUnsigned(uint64(n))
}

var enScales = [...]struct {
	v    uint64
	name string
}{{1e18, "quintillion"}, {1e15, "quadrillion"}, {1e12, "trillion"}, {1e9, "billion"}, {1e6, "million"}, {1e3, "thousand"}}

func enUnsigned(n uint64) string {
	if n == 0 {
		return "zero"
	}
	var parts []string
	for _, s := range enScales {
		if k := n / s.v; k > 0 {
			parts = append(parts, enUnsigned(k)+" "+s.name)
			n %= s.v
		}
	}
	if h := n / 100; h > 0 {
		parts = append(parts, enOnes[h]+" hundred")
		n %= 100
	}
	switch {
	case n >= 20 && n%10 != 0:
		parts = append(parts, enTens[n/10]+"-"+enOnes[n%10])
	case n >= 20:
		parts = append(parts, enTens[n/10])
	case n > 0:
		parts = append(parts, enOnes[n])
	}
	return strings.Join(parts, " ")
}

// csNoun holds the three Czech forms a counted noun takes: after 1, after
// 2-4, and after 0 and 5 or more.
type csNoun struct {
	one, few, many string
	g              gender
}

// currencyNames are the spoken names of a currency's main and minor unit.
type currencyNames struct {
	cs, csMinor           csNoun
	enOne, enMany         string
	enMinorOne, enMinorMn string
}

var currencies = map[string]currencyNames{
	"CZK": {
		cs:      csNoun{"koruna", "koruny", "korun", feminine},
		csMinor: csNoun{"haléř", "haléře", "haléřů", masculine},
		enOne:   "Czech crown", enMany: "Czech crowns", enMinorOne: "heller", enMinorMn: "hellers",
	},
	"EUR": {
		cs:      csNoun{"euro", "eura", "eur", neuter},
		csMinor: csNoun{"cent", "centy", "centů", masculine},
		enOne:   "euro", enMany: "euros", enMinorOne: "cent", enMinorMn: "cents",
	},
	"USD": {
		cs:      csNoun{"dolar", "dolary", "dolarů", masculine},
		csMinor: csNoun{"cent", "centy", "centů", masculine},
		enOne:   "dollar", enMany: "dollars", enMinorOne: "cent", enMinorMn: "cents",
	},
	"GBP": {
		cs:      csNoun{"libra", "libry", "liber", feminine},
		csMinor: csNoun{"pence", "pence", "pencí", feminine},
		enOne:   "pound", enMany: "pounds", enMinorOne: "penny", enMinorMn: "pence",
	},
	"PLN": {
		cs:      csNoun{"zlotý", "zloté", "zlotých", masculine},
		csMinor: csNoun{"groš", "groše", "grošů", masculine},
		enOne:   "zloty", enMany: "zlotys", enMinorOne: "grosz", enMinorMn: "groszy",
	},
}

// currencyCode maps what shops and templates write to an ISO code.
func currencyCode(c string) string {
	switch u := strings.ToUpper(strings.TrimSpace(c)); u {
	case "", "KČ", "KC", "CZK", ",-":
		return "CZK"
	case "€", "EUR", "EURO":
		return "EUR"
	case "$", "USD":
		return "USD"
	case "£", "GBP":
		return "GBP"
	case "ZŁ", "PLN":
		return "PLN"
	default:
		return u
	}
}

// csCount spells n followed by noun in the agreeing form: "jedna koruna",
// "dvě koruny", "dvacet dvě koruny", "pět korun", "dvacet jedna korun".
func csCount(n int64, noun csNoun) string {
	u, t := n%10, n%100
	switch {
	case n == 1:
		return csNumber(n, noun.g) + " " + noun.one
	case u >= 2 && u <= 4 && (t < 12 || t > 14) && n > 0:
		return csNumber(n, noun.g) + " " + noun.few
	default:
		return csNumber(n, noun.g) + " " + noun.many
	}
}

// Amount spells a money amount for speaking, rounded to hundredths:
// Amount(1230.5, "CZK", "cs") is "tisíc dvě stě třicet korun a padesát
// haléřů", Amount(2, "EUR", "cs") "dvě eura", Amount(1230.5, "CZK", "en")
// "one thousand two hundred thirty Czech crowns and fifty hellers".
// currency is an ISO code or what shops write ("Kč", "€"); empty means
// CZK. An unknown currency is spoken as its code after the number.
// NaN and infinities are spoken as zero, and magnitudes above 9e16 (no
// shop's amount) as 9e16, so the result always fits int64 arithmetic.
func Amount(v float64, currency, lang string) string {
	lang = baseLang(lang)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		v = 0
	}
	neg := v < 0
	cents := int64(math.Round(math.Abs(v) * 100))
	if math.Abs(v) >= 9e16 {
		cents = int64(9e18)
	}
	whole, frac := cents/100, cents%100
	code := currencyCode(currency)
	names, known := currencies[code]
	var s string
	switch {
	case !known && lang == "en":
		s = enNumber(whole)
		if frac > 0 {
			s += " point " + enNumber(frac/10) + ifs(frac%10 != 0, " "+enNumber(frac%10))
		}
		s += " " + code
	case !known:
		s = csNumber(whole, counting)
		if frac > 0 {
			s += " celá " + csNumber(frac, counting)
		}
		s += " " + code
	case lang == "en":
		main := enNumber(whole) + " " + ifElse(whole == 1, names.enOne, names.enMany)
		minor := enNumber(frac) + " " + ifElse(frac == 1, names.enMinorOne, names.enMinorMn)
		switch {
		case frac == 0:
			s = main
		case whole == 0:
			s = minor
		default:
			s = main + " and " + minor
		}
	default:
		switch {
		case frac == 0:
			s = csCount(whole, names.cs)
		case whole == 0:
			s = csCount(frac, names.csMinor)
		default:
			s = csCount(whole, names.cs) + " a " + csCount(frac, names.csMinor)
		}
	}
	if neg && cents > 0 {
		s = "minus " + s
	}
	return s
}

func ifElse(c bool, a, b string) string {
	if c {
		return a
	}
	return b
}

func ifs(c bool, a string) string { return ifElse(c, a, "") }

var (
	csOrdinalGen = [...]string{"", "prvního", "druhého", "třetího", "čtvrtého", "pátého", "šestého",
		"sedmého", "osmého", "devátého", "desátého", "jedenáctého", "dvanáctého", "třináctého",
		"čtrnáctého", "patnáctého", "šestnáctého", "sedmnáctého", "osmnáctého", "devatenáctého",
		"dvacátého"}
	csMonthGen = [...]string{"", "ledna", "února", "března", "dubna", "května", "června", "července",
		"srpna", "září", "října", "listopadu", "prosince"}
)

// Date spells a calendar date: Date(27 Nov 2026, "cs", true) is
// "dvacátého sedmého listopadu dva tisíce dvacet šest" (the genitive used
// in "objednávka z ..." and "doručíme do ..."), in English "the 27th of
// November 2026". Only the date part of t is used, in t's location.
func Date(t time.Time, lang string, withYear bool) string {
	day, month, year := t.Day(), t.Month(), t.Year()
	if baseLang(lang) == "en" {
		s := "the " + ordinalSuffix(day) + " of " + month.String()
		if withYear {
			s += " " + itoa(int64(year))
		}
		return s
	}
	var d string
	switch {
	case day <= 20:
		d = csOrdinalGen[day]
	case day < 30:
		d = "dvacátého " + csOrdinalGen[day-20]
	case day == 30:
		d = "třicátého"
	default:
		d = "třicátého " + csOrdinalGen[day-30]
	}
	s := d + " " + csMonthGen[month]
	if withYear {
		s += " " + csNumber(int64(year), counting)
	}
	return s
}

// ordinalSuffix writes 1st, 2nd, 3rd, 4th, 11th, 21st ...
func ordinalSuffix(d int) string {
	suf := "th"
	if d%100 < 11 || d%100 > 13 {
		switch d % 10 {
		case 1:
			suf = "st"
		case 2:
			suf = "nd"
		case 3:
			suf = "rd"
		}
	}
	return itoa(int64(d)) + suf
}

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	var b [24]byte
	i := len(b)
	for n != 0 {
		d := n % 10
		if d < 0 {
			d = -d
		}
		i--
		b[i] = byte('0' + d)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}
