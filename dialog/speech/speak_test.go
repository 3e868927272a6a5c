package speech_test

import (
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/samoobsluha/samoobsluha/dialog/speech"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// speakCases lists what the golden file pins down: every line is one call
// and what it says.
func speakCases() []string {
	var out []string
	add := func(call, got string) { out = append(out, call+" = "+got) }
	for _, v := range []float64{0, 1, 2, 4, 5, 21, 22, 25, 101, 1000, 1230.50, 2000000, 0.5, 1.01, 12.99, 102, 1_000_000, 3_000, 21_000, 1_001_002, -15} {
		add(fmt.Sprintf("Amount(%v, CZK, cs)", v), speech.Amount(v, "CZK", "cs"))
	}
	for _, v := range []float64{1, 2, 5, 21.01, 0.02, 1230.5} {
		add(fmt.Sprintf("Amount(%v, EUR, cs)", v), speech.Amount(v, "EUR", "cs"))
	}
	for _, v := range []float64{1, 2, 5, 0.01} {
		add(fmt.Sprintf("Amount(%v, Kč, cs)", v), speech.Amount(v, "Kč", "cs"))
	}
	for _, v := range []float64{0, 1, 2, 1230.50, 0.5} {
		add(fmt.Sprintf("Amount(%v, CZK, en)", v), speech.Amount(v, "CZK", "en"))
	}
	for _, v := range []float64{1, 2, 99.99, 0.01} {
		add(fmt.Sprintf("Amount(%v, EUR, en)", v), speech.Amount(v, "EUR", "en"))
	}
	for _, c := range []string{"USD", "$", "GBP", "£", "PLN", "zł", "eur", "€", ""} {
		add(fmt.Sprintf("Amount(2.5, %q, cs)", c), speech.Amount(2.5, c, "cs"))
		add(fmt.Sprintf("Amount(1, %q, en)", c), speech.Amount(1, c, "en"))
	}
	add("Amount(NaN, CZK, cs)", speech.Amount(math.NaN(), "CZK", "cs"))
	add("Amount(1e300, CZK, cs)", speech.Amount(1e300, "CZK", "cs"))
	add("Amount(12.5, CHF, cs)", speech.Amount(12.5, "CHF", "cs"))
	add("Amount(12.5, CHF, en)", speech.Amount(12.5, "CHF", "en"))
	for _, n := range []int64{0, 1, 2, 11, 19, 20, 21, 99, 100, 101, 200, 300, 500, 999, 1000, 1001, 1230, 2000, 2026, 5000, 12_345, 100_000, 1_000_000, 2_500_000, 5_000_000, 1_000_000_000, 2_000_000_000, -7, math.MaxInt64, math.MinInt64} {
		add(fmt.Sprintf("Number(%d, cs)", n), speech.Number(n, "cs"))
	}
	for _, n := range []int64{0, 1, 13, 21, 100, 101, 1230, 2026, 1_000_000, -7, math.MinInt64} {
		add(fmt.Sprintf("Number(%d, en)", n), speech.Number(n, "en"))
	}
	for _, d := range []string{"2026-11-27", "2026-01-01", "2026-02-02", "2026-03-03", "2026-04-11", "2026-05-20", "2026-06-21", "2026-07-22", "2026-08-30", "2026-12-31", "2027-10-13", "2026-09-12"} {
		t, _ := time.Parse(time.DateOnly, d)
		add("Date("+d+", cs, year)", speech.Date(t, "cs", true))
		add("Date("+d+", cs)", speech.Date(t, "cs", false))
		add("Date("+d+", en, year)", speech.Date(t, "en", true))
	}
	for _, c := range []string{"2025000123", "2500123", "O2500123", "Z1234567890", "DR1234567890CZ", "1234", "25-001-23"} {
		add("SSMLCode("+c+")", speech.SSMLCode(c, "cs"))
	}
	for _, e := range []string{"jan.novak@seznam.cz", "novak85@email.cz", "jana_dvorakova@gmail.com", "p.svoboda@centrum.cz", "info@kvetiny-brno.cz", "xyz@firma.com", "Jan.Novák@Seznam.cz", "tecka@seznam.cz"} {
		add("SpellEmail("+e+", cs)", speech.SpellEmail(e, "cs"))
		add("SpellEmail("+e+", en)", speech.SpellEmail(e, "en"))
	}
	for _, m := range renderMessages {
		say, ssml := speech.Render(m, "cs")
		add(fmt.Sprintf("Render(%q, cs).say", m), say)
		add(fmt.Sprintf("Render(%q, cs).ssml", m), ssml)
	}
	say, ssml := speech.Render("Order 2025000123 costs 1 230,50 Kč, see https://shop.example/o/1.", "en")
	add("Render(en).say", say)
	add("Render(en).ssml", ssml)
	return out
}

var renderMessages = []string{
	"Objednávka 2025000123 je ve stavu Odesláno.",
	"K úhradě zbývá 1 230,50 Kč.",
	"Cena 99,99 € a doprava 150,- Kč.",
	"Zásilku Z1234567890 sledujte na https://tracking.packeta.com/cs_CZ/?id=Z1234567890",
	"Objednáno 27. 11. 2026, doručení do 2. 12.",
	"Fakturu jsme poslali na jan.novak@seznam.cz.",
	"Tom & Jerry <3 \"uvozovky\" 'apostrof'",
	"**Stav:** Vyřízeno\n- položka 1\n- položka 2",
	"Stáhnout fakturu (https://example.com/f/abc?x=1&y=2)",
	"Tel. +420 601 223 344",
	"Fakturu stáhnete zde: https://shop.cz/f/1\nDěkujeme.",
	"Order 2500123: see www.shop.cz/o/2500123, thank you.",
}

// TestSpeakGolden compares the speakable forms with testdata/speak.golden.
// go test ./dialog/speech -update rewrites the file; review its diff like
// code.
func TestSpeakGolden(t *testing.T) {
	got := strings.Join(speakCases(), "\n") + "\n"
	const path = "testdata/speak.golden"
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("speakable forms differ from %s (-want +got):\n%s", path, diff)
	}
}

// TestAmountGrammar pins the Czech agreement rules independently of the
// golden file, so a careless -update cannot hide a grammar regression.
func TestAmountGrammar(t *testing.T) {
	tests := []struct {
		v        float64
		cur, out string
	}{
		{0, "CZK", "nula korun"},
		{1, "CZK", "jedna koruna"},
		{2, "CZK", "dvě koruny"},
		{4, "CZK", "čtyři koruny"},
		{5, "CZK", "pět korun"},
		{21, "CZK", "dvacet jedna korun"},
		{22, "CZK", "dvacet dvě koruny"},
		{25, "CZK", "dvacet pět korun"},
		{101, "CZK", "sto jedna korun"},
		{1000, "CZK", "tisíc korun"},
		{1230.50, "CZK", "tisíc dvě stě třicet korun a padesát haléřů"},
		{2000000, "CZK", "dva miliony korun"},
		{1, "EUR", "jedno euro"},
		{2, "EUR", "dvě eura"},
		{5, "EUR", "pět eur"},
		{0.01, "EUR", "jeden cent"},
		{0.02, "EUR", "dva centy"},
		{3000, "CZK", "tři tisíce korun"},
		{12, "CZK", "dvanáct korun"},
		{112, "CZK", "sto dvanáct korun"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.v, tt.cur), func(t *testing.T) {
			if got := speech.Amount(tt.v, tt.cur, "cs"); got != tt.out {
				t.Errorf("Amount(%v, %q, cs) = %q, want %q", tt.v, tt.cur, got, tt.out)
			}
		})
	}
}

func TestDate(t *testing.T) {
	d := time.Date(2026, time.November, 27, 23, 30, 0, 0, time.UTC)
	tests := []struct {
		lang     string
		withYear bool
		want     string
	}{
		{"cs", false, "dvacátého sedmého listopadu"},
		{"cs", true, "dvacátého sedmého listopadu dva tisíce dvacet šest"},
		{"en", false, "the 27th of November"},
		{"en-GB", true, "the 27th of November 2026"},
	}
	for _, tt := range tests {
		if got := speech.Date(d, tt.lang, tt.withYear); got != tt.want {
			t.Errorf("Date(%v, %q, %v) = %q, want %q", d, tt.lang, tt.withYear, got, tt.want)
		}
	}
}

// mustParseXML fails the test when s is not well-formed XML.
func mustParseXML(t *testing.T, s string) {
	t.Helper()
	if err := checkXML(s); err != nil {
		t.Fatalf("not valid XML: %v\n%s", err, s)
	}
}

func checkXML(s string) error {
	dec := xml.NewDecoder(strings.NewReader(s))
	depth, roots := 0, 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			if depth != 0 || roots != 1 {
				return fmt.Errorf("want one root element, got %d (depth %d)", roots, depth)
			}
			return nil
		}
		if err != nil {
			return err
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
				if tok.Name.Local != "speak" {
					return fmt.Errorf("root element %q, want speak", tok.Name.Local)
				}
			}
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			if depth == 0 && strings.TrimSpace(string(tok)) != "" {
				return fmt.Errorf("text outside <speak>: %q", tok)
			}
		}
	}
}

func TestRender(t *testing.T) {
	tests := []struct {
		name, text, lang    string
		sayHas, sayHasNot   []string
		ssmlHas, ssmlHasNot []string
	}{
		{
			name: "amount", text: "K úhradě zbývá 1 230,50 Kč.", lang: "cs",
			sayHas:  []string{"tisíc dvě stě třicet korun a padesát haléřů."},
			ssmlHas: []string{`<speak xml:lang="cs-CZ">`, "tisíc dvě stě třicet korun"},
		},
		{
			name: "order number grouped", text: "Objednávka 2025000123 je odeslána.", lang: "cs",
			sayHas:     []string{"dva nula dva, pět nula nula, nula jedna, dva tři"},
			ssmlHas:    []string{`<say-as interpret-as="digits">202</say-as><break time="300ms"/>`},
			ssmlHasNot: []string{"2025000123"},
		},
		{
			name: "links never read", text: "Faktura: https://shop.cz/f?a=1&b=2 a www.shop.cz/x", lang: "cs",
			sayHasNot:  []string{"http", "www", "shop.cz"},
			ssmlHasNot: []string{"http", "www", "shop.cz"},
		},
		{
			name: "escaping", text: "Tom & Jerry <b>", lang: "cs",
			sayHas:  []string{"Tom & Jerry <b>"},
			ssmlHas: []string{"Tom &amp; Jerry &lt;b&gt;"},
		},
		{
			name: "english", text: "Your order 2500123 costs 99,99 €.", lang: "en",
			sayHas:  []string{"two five zero, zero one, two three", "ninety-nine euros and ninety-nine cents"},
			ssmlHas: []string{`<speak xml:lang="en-US">`},
		},
		{
			name: "tracking with letters", text: "Zásilka Z1234567890.", lang: "cs",
			ssmlHas: []string{`<say-as interpret-as="characters">Z</say-as>`},
			sayHas:  []string{"zet, jedna dva tři"},
		},
		{
			name: "short numbers stay", text: "Máte 3 objednávky, poslední z roku 2025.", lang: "cs",
			sayHas: []string{"3 objednávky", "2025"},
		},
		{
			name: "line breaks pause", text: "Stav: Vyřízeno\nDěkujeme", lang: "cs",
			ssmlHas: []string{`Vyřízeno<break time="500ms"/>Děkujeme`},
			sayHas:  []string{"Vyřízeno Děkujeme"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			say, ssml := speech.Render(tt.text, tt.lang)
			mustParseXML(t, ssml)
			for _, s := range tt.sayHas {
				if !strings.Contains(say, s) {
					t.Errorf("Render(%q).say = %q, want it to contain %q", tt.text, say, s)
				}
			}
			for _, s := range tt.sayHasNot {
				if strings.Contains(say, s) {
					t.Errorf("Render(%q).say = %q, want no %q", tt.text, say, s)
				}
			}
			for _, s := range tt.ssmlHas {
				if !strings.Contains(ssml, s) {
					t.Errorf("Render(%q).ssml = %q, want it to contain %q", tt.text, ssml, s)
				}
			}
			for _, s := range tt.ssmlHasNot {
				if strings.Contains(ssml, s) {
					t.Errorf("Render(%q).ssml = %q, want no %q", tt.text, ssml, s)
				}
			}
		})
	}
	for _, m := range renderMessages {
		_, ssml := speech.Render(m, "cs")
		mustParseXML(t, ssml)
	}
}

// TestSpellEmailRoundTrip checks that what the bot reads back is understood
// when the caller repeats it: the confirmation loop must be able to close.
func TestSpellEmailRoundTrip(t *testing.T) {
	var addrs []string
	for _, e := range mustReadCorpus(t, "testdata/corpus.txt") {
		if e.kind == "email" && e.expected != "none" {
			addrs = append(addrs, e.expected)
			addrs = append(addrs, e.decoys...)
		}
	}
	addrs = append(addrs, "tecka@seznam.cz", "a.b-c_d+e@x-y.co.uk", "jo@ano.cz", "sto@set.cz", "em@en.cz", "x1@y2.com", "zavinac@gmail.com", "at.dot@dash.com")
	for _, lang := range []string{"cs", "en"} {
		for _, a := range addrs {
			spoken := speech.SpellEmail(a, lang)
			got := speech.Emails([]string{spoken}, lang)
			if len(got) == 0 || got[0] != a {
				t.Errorf("Emails(SpellEmail(%q, %s) = %q) = %q, want %q first", a, lang, spoken, got, a)
			}
		}
	}
}

func TestSSMLCode(t *testing.T) {
	for _, c := range []string{"2025000123", "O2500123", "Z1234567890", "<&>", ""} {
		mustParseXML(t, "<speak>"+speech.SSMLCode(c, "cs")+"</speak>")
	}
}
