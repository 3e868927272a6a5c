package speech_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/samoobsluha/samoobsluha/dialog/speech"
)

func TestOrderNumbers(t *testing.T) {
	tests := []struct {
		name string
		alts []string
		lang string
		want []string
	}{
		{"digit words", []string{"dva nula dva šest nula nula jedna dva tři čtyři"}, "cs", []string{"2026001234"}},
		{"pairs and commas", []string{"dvacet dvacet šest, nula nula, dvanáct třicet čtyři"}, "cs", []string{"2026001234"}},
		{"recogniser digits", []string{"2026 001 234"}, "cs", []string{"2026001234"}},
		{"inverted compound", []string{"šestadvacet nula nula jedna"}, "cs", []string{"26001"}},
		{"hundreds", []string{"dvanáct set třicet čtyři"}, "cs", []string{"1234"}},
		{"digits before tisíc", []string{"2 tisíce dvacet šest nula nula jedna"}, "cs", []string{"2026001"}},
		{"digits before set", []string{"12 set 34 nula"}, "cs", []string{"1200340"}},
		{"year form", []string{"dva tisíce dvacet šest nula nula jedna"}, "cs", []string{"2026001"}},
		{"letter by alphabet", []string{"O jako Otakar dva pět nula nula jedna dva tři"}, "cs", []string{"O2500123"}},
		{"letter named", []string{"písmeno O 2500123"}, "cs", []string{"O2500123"}},
		{"bare o: prefix first, then without",
			[]string{"o dva pět nula nula jedna dva tři"}, "cs", []string{"O2500123", "2500123", "02500123"}},
		{"two zeros", []string{"dva pět dvě nuly jedna dva tři"}, "cs", []string{"2500123", "2520123"}},
		{"english double and triple", []string{"two zero two six double zero triple five"}, "en", []string{"202600555"}},
		{"english oh", []string{"two oh two six oh oh one"}, "en", []string{"2026001"}},
		{"correction wins", []string{"dva pět nula, ne pardon, dva pět jedna nula nula jedna"}, "cs", []string{"251001", "250251001", "250"}[:2]},
		{"said twice", []string{"dva pět nula nula jedna dva pět nula nula jedna"}, "cs", []string{"25001", "2500125001"}},
		{"second alternative only", []string{"nevím", "2500123"}, "cs", []string{"2500123"}},
		{"first alternative leads", []string{"2500128", "2500123"}, "cs", []string{"2500128", "2500123"}},
		{"agreeing alternatives win", []string{"2500128", "2500123", "2500123", "2500123"}, "cs", []string{"2500123", "2500128"}},
		{"too short", []string{"dva"}, "cs", nil},
		{"nothing", []string{"moment prosím"}, "cs", nil},
		{"empty", nil, "cs", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := speech.OrderNumbers(tt.alts, tt.lang)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("OrderNumbers(%q, %s) mismatch (-want +got):\n%s", tt.alts, tt.lang, diff)
			}
		})
	}
}

func TestDigits(t *testing.T) {
	tests := map[string]string{
		"2500123#":    "2500123",
		"2500123":     "2500123",
		"12*2500123#": "2500123",
		"25#00":       "25",
		"*":           "",
		"#123":        "",
		"1 2A3":       "123",
	}
	for in, want := range tests {
		if got := speech.Digits(in); got != want {
			t.Errorf("Digits(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEmails(t *testing.T) {
	tests := []struct {
		name string
		alts []string
		lang string
		want []string
	}{
		{"words", []string{"jan tečka novák zavináč seznam tečka cz"}, "cs", []string{"jan.novak@seznam.cz"}},
		{"letter names tld", []string{"jan tečka novák zavináč seznam tečka cé zet"}, "cs", []string{"jan.novak@seznam.cz"}},
		{"no dot before tld", []string{"novák zavináč seznam cz"}, "cs", []string{"novak@seznam.cz"}},
		{"provider only", []string{"novák zavináč gmail"}, "cs", []string{"novak@gmail.com"}},
		{"bod", []string{"novák zavináč seznam bod cz"}, "cs", []string{"novak@seznam.cz"}},
		{"spaces are not dots", []string{"jan novák zavináč seznam tečka cz"}, "cs", []string{"jannovak@seznam.cz"}},
		{"separators", []string{"a pomlčka b podtržítko c zavináč x tečka cz"}, "cs", []string{"a-b_c@x.cz"}},
		{"numbers", []string{"novák osmdesát pět zavináč email tečka cz"}, "cs", []string{"novak85@email.cz"}},
		{"english", []string{"john dot smith at gmail dot com"}, "en", []string{"john.smith@gmail.com"}},
		{"english double", []string{"john double seven at gmail dot com"}, "en", []string{"john77@gmail.com"}},
		{"double u", []string{"double u smith at gmail dot com"}, "en", []string{"wsmith@gmail.com"}},
		{"english underscore dash", []string{"a underscore b dash c at x dot com"}, "en", []string{"a_b-c@x.com"}},
		{"written by recogniser", []string{"Jan.Novák@Seznam.cz"}, "cs", []string{"jan.novak@seznam.cz"}},
		{"intro and thanks", []string{"můj e-mail je jan zavináč seznam tečka cz, děkuji"}, "cs", []string{"jan@seznam.cz"}},
		{"no at: provider reading", []string{"jan novák seznam cz"}, "cs", []string{"jannovak@seznam.cz"}},
		{"second alternative", []string{"nevím", "jan zavináč seznam tečka cz"}, "cs", []string{"jan@seznam.cz"}},
		{"trailing tečka", []string{"jan zavináč seznam tečka cz tečka"}, "cs", []string{"jan@seznam.cz"}},
		{"two at signs", []string{"jan zavináč zavináč seznam tečka cz"}, "cs", nil},
		{"no domain", []string{"jan zavináč"}, "cs", nil},
		{"no local part", []string{"zavináč seznam tečka cz"}, "cs", nil},
		{"nothing", []string{"nemám e-mail"}, "cs", nil},
		{"provider word in a sentence", []string{"pošlete mi to na seznam"}, "cs", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := speech.Emails(tt.alts, tt.lang)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Emails(%q, %s) mismatch (-want +got):\n%s", tt.alts, tt.lang, diff)
			}
		})
	}
}

func TestNormaliseEmail(t *testing.T) {
	tests := map[string]string{
		" Jan.Novák@Seznam.CZ ": "jan.novak@seznam.cz",
		"jan novak@seznam.cz":   "jannovak@seznam.cz",
		"ŽLUŤOUČKÝ@kůň.cz":      "zlutoucky@kun.cz",
		"":                      "",
	}
	for in, want := range tests {
		if got := speech.NormaliseEmail(in); got != want {
			t.Errorf("NormaliseEmail(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestYesNo(t *testing.T) {
	tests := []struct {
		text, lang string
		yes, ok    bool
	}{
		{"ano", "cs", true, true},
		{"Jo, jasně.", "cs", true, true},
		{"no jo", "cs", true, true},
		{"ano, přesně tak", "cs", true, true},
		{"správně", "cs", true, true},
		{"ne", "cs", false, true},
		{"Ne, děkuji.", "cs", false, true},
		{"nene", "cs", false, true},
		{"to není správně", "cs", false, true},
		{"no", "cs", false, false},
		{"jasně že ne", "cs", false, true},
		{"určitě ne", "cs", false, true},
		{"určitě", "cs", true, true},
		{"nemám zájem", "cs", false, true},
		{"definitely not", "en", false, true},
		{"no thanks", "en", false, true},
		{"yes please", "en", true, true},
		{"I'm not sure", "en", false, false},
		{"I don't know", "en", false, false},
		{"that isn't right", "en", false, true},
		{"to není", "cs", false, true},
		{"Prosím?", "cs", false, false},
		{"ano, prosím", "cs", true, true},
		{"ano ne", "cs", false, false},
		{"nevím", "cs", false, false},
		{"", "cs", false, false},
		{"yes", "en", true, true},
		{"Yeah, that's right", "en", true, true},
		{"no", "en", false, true},
		{"nope", "en", false, true},
		{"not correct", "en", false, true},
		{"maybe", "en", false, false},
	}
	for _, tt := range tests {
		yes, ok := speech.YesNo(tt.text, tt.lang)
		if yes != tt.yes || ok != tt.ok {
			t.Errorf("YesNo(%q, %s) = %v, %v, want %v, %v", tt.text, tt.lang, yes, ok, tt.yes, tt.ok)
		}
	}
}

func TestRenderDropsProgressBar(t *testing.T) {
	say, ssml := speech.Render("●●●○ Odesláno", "cs")
	if say != "Odesláno" || strings.ContainsAny(ssml, "●○") {
		t.Errorf(`Render("●●●○ Odesláno") = %q, %q; want the step name only`, say, ssml)
	}
}
