package speech

import "strings"

// numKind classifies a spoken number word for the small grammar in
// parseNumbers.
type numKind int

const (
	kUnit     numKind = iota + 1 // 0..9
	kTeen                        // 10..19
	kTens                        // 20, 30, .., 90
	kCompound                    // 21..99 said as one word ("šestadvacet")
	kHundred                     // "sto" (alone 100) or "stě/sta/set/hundred" after a unit
	kThousand                    // "tisíc", "thousand"
	kRepeat                      // "dvakrát", "double", "triple": repeat the next digit
	kPlural                      // "nuly", "pětky" after a count: that many of the digit val
)

// numWord is one entry of the number-word tables.
type numWord struct {
	kind numKind
	val  int64
}

// csNumbers maps folded Czech number words, including colloquial digit
// names ("dvojka", "sedmička"), cases the recogniser often returns ("nulu",
// "jednu") and common mishearings ("sedum", "osum"), to their value.
var csNumbers = map[string]numWord{
	"nula": {kUnit, 0}, "nulu": {kUnit, 0}, "nule": {kUnit, 0}, "nulou": {kUnit, 0},
	"nulka": {kUnit, 0}, "nulku": {kUnit, 0}, "nulla": {kUnit, 0},
	"jedna": {kUnit, 1}, "jeden": {kUnit, 1}, "jedno": {kUnit, 1}, "jednu": {kUnit, 1},
	"jednicka": {kUnit, 1}, "jednicku": {kUnit, 1}, "jednotka": {kUnit, 1}, "jednotku": {kUnit, 1},
	"dva": {kUnit, 2}, "dve": {kUnit, 2}, "dvojka": {kUnit, 2}, "dvojku": {kUnit, 2}, "dvou": {kUnit, 2},
	"tri": {kUnit, 3}, "trojka": {kUnit, 3}, "trojku": {kUnit, 3}, "trojce": {kUnit, 3},
	"ctyri": {kUnit, 4}, "ctyrka": {kUnit, 4}, "ctyrku": {kUnit, 4}, "styri": {kUnit, 4},
	"pet": {kUnit, 5}, "petka": {kUnit, 5}, "petku": {kUnit, 5},
	"sest": {kUnit, 6}, "sestka": {kUnit, 6}, "sestku": {kUnit, 6},
	"sedm": {kUnit, 7}, "sedum": {kUnit, 7}, "sedmicka": {kUnit, 7}, "sedmicku": {kUnit, 7},
	"osm": {kUnit, 8}, "osum": {kUnit, 8}, "osmicka": {kUnit, 8}, "osmicku": {kUnit, 8},
	"devet": {kUnit, 9}, "devitka": {kUnit, 9}, "devitku": {kUnit, 9},
	"deset": {kTeen, 10}, "desitka": {kTeen, 10}, "desitku": {kTeen, 10},
	"jedenact": {kTeen, 11}, "dvanact": {kTeen, 12}, "trinact": {kTeen, 13},
	"ctrnact": {kTeen, 14}, "patnact": {kTeen, 15}, "sestnact": {kTeen, 16},
	"sedmnact": {kTeen, 17}, "sedumnact": {kTeen, 17}, "osmnact": {kTeen, 18},
	"osumnact": {kTeen, 18}, "devatenact": {kTeen, 19},
	"dvacet": {kTens, 20}, "tricet": {kTens, 30}, "ctyricet": {kTens, 40},
	"padesat": {kTens, 50}, "sedesat": {kTens, 60}, "sedmdesat": {kTens, 70},
	"sedumdesat": {kTens, 70}, "osmdesat": {kTens, 80}, "osumdesat": {kTens, 80},
	"devadesat": {kTens, 90},
	"sto":       {kHundred, 100}, "ste": {kHundred, 100}, "sta": {kHundred, 100}, "set": {kHundred, 100},
	"tisic": {kThousand, 1000}, "tisice": {kThousand, 1000}, "tisicu": {kThousand, 1000},
	"dvakrat": {kRepeat, 2}, "trikrat": {kRepeat, 3}, "ctyrikrat": {kRepeat, 4},
	"dvojita": {kRepeat, 2}, "dvojite": {kRepeat, 2}, "dvojity": {kRepeat, 2},
	"trojita": {kRepeat, 3}, "trojite": {kRepeat, 3},
	"nuly": {kPlural, 0}, "nul": {kPlural, 0}, "jednicky": {kPlural, 1}, "jednicek": {kPlural, 1},
	"dvojky": {kPlural, 2}, "dvojek": {kPlural, 2}, "trojky": {kPlural, 3}, "trojek": {kPlural, 3},
	"ctyrky": {kPlural, 4}, "ctyrek": {kPlural, 4}, "petky": {kPlural, 5}, "petek": {kPlural, 5},
	"sestky": {kPlural, 6}, "sestek": {kPlural, 6}, "sedmicky": {kPlural, 7}, "sedmicek": {kPlural, 7},
	"osmicky": {kPlural, 8}, "osmicek": {kPlural, 8}, "devitky": {kPlural, 9}, "devitek": {kPlural, 9},
}

// enNumbers maps English number words, as csNumbers does for Czech.
var enNumbers = map[string]numWord{
	"zero": {kUnit, 0}, "oh": {kUnit, 0}, "nought": {kUnit, 0}, "nil": {kUnit, 0}, "naught": {kUnit, 0},
	"one": {kUnit, 1}, "two": {kUnit, 2}, "three": {kUnit, 3}, "four": {kUnit, 4},
	"five": {kUnit, 5}, "six": {kUnit, 6}, "seven": {kUnit, 7}, "eight": {kUnit, 8}, "nine": {kUnit, 9},
	"ten": {kTeen, 10}, "eleven": {kTeen, 11}, "twelve": {kTeen, 12}, "thirteen": {kTeen, 13},
	"fourteen": {kTeen, 14}, "fifteen": {kTeen, 15}, "sixteen": {kTeen, 16},
	"seventeen": {kTeen, 17}, "eighteen": {kTeen, 18}, "nineteen": {kTeen, 19},
	"twenty": {kTens, 20}, "thirty": {kTens, 30}, "forty": {kTens, 40}, "fourty": {kTens, 40},
	"fifty": {kTens, 50}, "sixty": {kTens, 60}, "seventy": {kTens, 70}, "eighty": {kTens, 80},
	"ninety":  {kTens, 90},
	"hundred": {kHundred, 100}, "thousand": {kThousand, 1000},
	"double": {kRepeat, 2}, "triple": {kRepeat, 3}, "treble": {kRepeat, 3},
	"zeros": {kPlural, 0}, "zeroes": {kPlural, 0}, "ones": {kPlural, 1}, "twos": {kPlural, 2},
	"threes": {kPlural, 3}, "fours": {kPlural, 4}, "fives": {kPlural, 5}, "sixes": {kPlural, 6},
	"sevens": {kPlural, 7}, "eights": {kPlural, 8}, "nines": {kPlural, 9},
}

// csUnitPrefixes are the unit stems of inverted Czech compounds
// ("jedenadvacet", "šestadvacet": unit + "a" + tens).
var csUnitPrefixes = []struct {
	stem string
	val  int64
}{
	{"jeden", 1}, {"jedna", 1}, {"dva", 2}, {"dve", 2}, {"tri", 3}, {"ctyri", 4},
	{"pet", 5}, {"sest", 6}, {"sedm", 7}, {"sedum", 7}, {"osm", 8}, {"osum", 8}, {"devet", 9},
}

// lookupNumber returns the number word w (folded) means, in both languages:
// callers mix them and recognisers return English words in Czech calls.
// English "o" counts as zero only when lang is English.
func lookupNumber(w, lang string) (numWord, bool) {
	if nw, ok := csNumbers[w]; ok {
		return nw, true
	}
	if nw, ok := enNumbers[w]; ok {
		return nw, true
	}
	if lang == "en" && w == "o" {
		return numWord{kUnit, 0}, true
	}
	// Inverted compounds: "sestadvacet" = 26.
	for _, p := range csUnitPrefixes {
		rest, ok := strings.CutPrefix(w, p.stem+"a")
		if !ok {
			continue
		}
		if nw, ok := csNumbers[rest]; ok && nw.kind == kTens {
			return numWord{kCompound, nw.val + p.val}, true
		}
	}
	return numWord{}, false
}

// letterNames maps spoken letter names (lower case, with accents where the
// accent tells them from ordinary words) to the letter. Czech first, then
// English. Values are lower-case ASCII letters.
var letterNames = map[string]byte{
	"á": 'a', "bé": 'b', "cé": 'c', "čé": 'c', "dé": 'd', "é": 'e', "ef": 'f', "gé": 'g',
	"há": 'h', "í": 'i', "jé": 'j', "ká": 'k', "el": 'l', "em": 'm', "en": 'n', "ó": 'o',
	"pé": 'p', "kvé": 'q', "kve": 'q', "er": 'r', "es": 's', "té": 't', "ú": 'u', "vé": 'v',
	"iks": 'x', "ypsilon": 'y', "ipsilon": 'y', "zet": 'z', "zed": 'z', "zet.": 'z',
	"be": 'b', "ce": 'c', "de": 'd', "ge": 'g', "pe": 'p',
	"bee": 'b', "cee": 'c', "dee": 'd', "eff": 'f', "gee": 'g', "aitch": 'h', "jay": 'j',
	"kay": 'k', "ell": 'l', "pee": 'p', "cue": 'q', "queue": 'q', "ess": 's', "tee": 't',
	"vee": 'v', "ex": 'x', "zee": 'z',
}

// explicitLetterNames are letter names that are also ordinary words; they
// count as letters only after "písmeno"/"letter" or before "jako"/"as in".
var explicitLetterNames = map[string]byte{
	"a": 'a', "ha": 'h', "je": 'j', "ka": 'k', "te": 't', "ve": 'v', "e": 'e', "i": 'i', "o": 'o', "u": 'u',
	"see": 'c', "you": 'u', "why": 'y', "are": 'r', "ar": 'r', "oh": 'o', "eye": 'i', "double-u": 'w',
}

// spellingWords are the names of the Czech and NATO spelling alphabets
// (folded); after "jako"/"as in" they are skipped, and after "písmeno" they
// give their first letter.
var spellingWords = map[string]bool{
	"adam": true, "bozena": true, "cyril": true, "cenek": true, "david": true, "emil": true,
	"frantisek": true, "gustav": true, "helena": true, "chrudim": true, "ivan": true,
	"josef": true, "karel": true, "ludvik": true, "marie": true, "norbert": true, "otakar": true,
	"oto": true, "petr": true, "quido": true, "rudolf": true, "rehor": true, "svatopluk": true,
	"simon": true, "tomas": true, "urban": true, "vaclav": true, "xaver": true, "zuzana": true,
	"zofie": true,
	"alpha": true, "alfa": true, "bravo": true, "charlie": true, "delta": true, "echo": true,
	"foxtrot": true, "golf": true, "hotel": true, "india": true, "juliet": true, "juliett": true,
	"kilo": true, "lima": true, "mike": true, "november": true, "oscar": true, "oskar": true,
	"papa": true, "quebec": true, "romeo": true, "sierra": true, "tango": true, "uniform": true,
	"victor": true, "whiskey": true, "whisky": true, "xray": true, "x-ray": true, "yankee": true,
	"zulu": true,
}
