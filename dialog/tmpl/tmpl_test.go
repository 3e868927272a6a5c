package tmpl_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/samoobsluha/samoobsluha/dialog/tmpl"
)

// testNow is the fixed "current time" of the tests: Friday 27 November
// 2026, 10:05:09 in a fixed UTC+1 zone (Prague in winter).
var testNow = time.Date(2026, 11, 27, 10, 5, 9, 0, time.FixedZone("CET", 3600))

// testVars returns the variables most tests render with.
func testVars() map[string]any {
	return map[string]any{
		"obj":    "2026000123",
		"email":  "jana@example.cz",
		"$email": "secret@example.cz",
		"5":      "Storno",
		"123":    "Storno",
		"jmeno":  "Jana",
		"číslo":  "42",
		"empty":  "",
		"zero":   0,
		"fzero":  0.0,
		"szero":  "0",
		"sfalse": "false",
		"no":     false,
		"yes":    true,
		"null":   nil,
		"price":  1500,
		"cheap":  99.5,
		"tenth":  0.1,
		"sprice": "1 230,50",
		"word":   "abc",
		"list":   []any{"a", "b", 3},
		"none":   []any{},
		"strs":   []string{"x", "y"},
		"obj2":   map[string]any{},
		"app": map[string]any{
			"status":   "Vyřízeno",
			"paid":     true,
			"topay":    1230.5,
			"currency": "CZK",
			"tracking": "PPL123",
			"vs":       "2026000123",
			"created":  "2026-02-01T09:03:04+01:00",
		},
		"fail":  false,
		"items": []any{map[string]any{"name": "Hrnek"}, map[string]any{"name": "Talíř"}},
		"orders": []any{
			1, 2, 3, 4, 5,
		},
		"n0": 0, "n1": 1, "n2": 2, "n4": 4, "n5": 5, "n13": 13, "n22": 22, "n1_5": 1.5, "nneg": -1,
		"eur":   "EUR",
		"date1": "2020-02-01",
		"t":     time.Date(2024, 3, 9, 7, 8, 9, 0, time.UTC),
	}
}

// mustRender parses and renders src with testVars and testNow.
func mustRender(t *testing.T, src string) tmpl.Rendered {
	t.Helper()
	tp, err := tmpl.Parse(src)
	if err != nil {
		t.Fatalf("Parse(%q) error: %v", src, err)
	}
	out, err := tp.Render(tmpl.MapLookup(testVars()), tmpl.Env{Lang: "cs", Now: testNow})
	if err != nil {
		t.Fatalf("Render(%q) error: %v", src, err)
	}
	return out
}

type textCase struct {
	name, src, want string
}

func runText(t *testing.T, cases []textCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := mustRender(t, tc.src).Text
			if got != tc.want {
				t.Errorf("Render(%q).Text = %q, want %q", tc.src, got, tc.want)
			}
		})
	}
}

func TestVariables(t *testing.T) {
	runText(t, []textCase{
		{"plain text", "Dobrý den!", "Dobrý den!"},
		{"empty template", "", ""},
		{"variable", "Objednávka {{obj}}.", "Objednávka 2026000123."},
		{"dot path", "Stav: {{app.status}}", "Stav: Vyřízeno"},
		{"box number", "Vybral jste {{5}}", "Vybral jste Storno"},
		{"private variable", "{{$email}}", "secret@example.cz"},
		{"czech name", "{{číslo}}", "42"},
		{"list index", "{{items.1.name}}", "Talíř"},
		{"missing", "[{{nic}}]", "[]"},
		{"missing nested", "[{{app.nic.hloub}}]", "[]"},
		{"missing box", "[{{77}}]", "[]"},
		{"bool true", "{{yes}}", "true"},
		{"bool false", "{{no}}", "false"},
		{"float without zeros", "{{app.topay}}", "1230.5"},
		{"int", "{{price}}", "1500"},
		{"list comma separated", "{{list}}", "a,b,3"},
		{"string list", "{{strs}}", "x,y"},
		{"object prints nothing", "[{{obj2}}]", "[]"},
		{"nil prints nothing", "[{{null}}]", "[]"},
		{"lenient spaces", "{{ jmeno }} {{  app.status\t}}", "Jana Vyřízeno"},
		{"triple braces", "{{{jmeno}}}", "Jana"},
		{"ampersand", "{{& jmeno}}", "Jana"},
		{"html is not escaped", "{{x}}<b>&</b>", "<b>&</b>"},
		{"escaped braces", `\{{jmeno}}`, "{{jmeno}}"},
		{"single braces are text", "{jmeno} }} {", "{jmeno} }} {"},
		{"string literal", `{{"a \"b\" c"}}`, `a "b" c`},
		{"bool literal", "{{true}}", "true"},
		{"negative literal", "{{-5}}", "-5"},
		{"comment", "a{{! nikdo to neuvidí }}b", "ab"},
		{"long comment", "a{{!-- {{jmeno}} }} --}}b", "ab"},
		{"comment with spaces", "a{{ ! x }}b", "ab"},
		{"unicode kept", "Žluťoučký kůň 🐴", "Žluťoučký kůň 🐴"},
	})
}

func TestNilLookup(t *testing.T) {
	tp := tmpl.MustParse("a{{x}}b{{#if x}}yes{{else}}no{{/if}}{{currency x}}")
	got, err := tp.Render(nil, tmpl.Env{})
	if err != nil || got.Text != "abno" {
		t.Errorf("Render(nil) = %q, %v; want \"abno\", nil", got.Text, err)
	}
}

func TestIfUnless(t *testing.T) {
	runText(t, []textCase{
		{"if true", "{{#if yes}}A{{/if}}", "A"},
		{"if false", "{{#if no}}A{{/if}}", ""},
		{"if else", "{{#if no}}A{{else}}B{{/if}}", "B"},
		{"if missing", "{{#if email2}}A{{else}}bez e-mailu{{/if}}", "bez e-mailu"},
		{"lenient block spaces", "{{# if yes }}A{{ else }}B{{/ if }}", "A"},
		{"caret else", "{{#if no}}A{{^}}B{{/if}}", "B"},
		{"else if first wins", "{{#if telefon}}T{{else if email}}E{{else if jmeno}}J{{else}}-{{/if}}", "E"},
		{"else if none", "{{#if a}}A{{else if b}}B{{else}}C{{/if}}", "C"},
		{"else if without else", "{{#if a}}A{{else if b}}B{{/if}}", ""},
		{"unless", "{{#unless no}}A{{/unless}}", "A"},
		{"unless else", "{{#unless yes}}A{{else}}B{{/unless}}", "B"},
		{"else unless", "{{#unless yes}}A{{else unless no}}B{{else}}C{{/unless}}", "B"},
		{"mixed if then unless", "{{#if no}}A{{else unless yes}}B{{else if jmeno}}C{{/if}}", "C"},
		{"mixed unless then if", "{{#unless yes}}A{{else if email}}B{{/unless}}", "B"},
		{"else exist", "{{#if no}}A{{else exist email}}B{{/if}}", "B"},
		{"else compare", `{{#if no}}A{{else compare price ">" 1000}}B{{/if}}`, "B"},
		{"box number condition", "{{#if 5}}A{{/if}}{{#if 6}}B{{/if}}", "A"},
		{"nested", "{{#if yes}}1{{#if no}}2{{else}}3{{#unless no}}4{{/unless}}{{/if}}5{{/if}}", "1345"},
		{"nested in else", "{{#if no}}A{{else}}{{#if yes}}B{{else}}C{{/if}}{{/if}}", "B"},
		{"literal condition", "{{#if true}}A{{/if}}{{#if 0}}B{{/if}}{{#if \"x\"}}C{{/if}}", "AC"},
	})
}

func TestTruthiness(t *testing.T) {
	for _, tc := range []struct {
		name  string
		value any
		want  bool
	}{
		{"false", false, false},
		{"true", true, true},
		{"empty string", "", false},
		{"string false", "false", false},
		{"string zero is true", "0", true},
		{"text", "ne", true},
		{"int zero", 0, false},
		{"float zero", 0.0, false},
		{"int64", int64(7), true},
		{"negative", -1.5, true},
		{"nil", nil, false},
		{"empty list", []any{}, false},
		{"list", []any{false}, true},
		{"empty object is true", map[string]any{}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			look := tmpl.MapLookup(map[string]any{"v": tc.value})
			got, err := tmpl.MustParse("{{#if v}}T{{else}}F{{/if}}").Render(look, tmpl.Env{})
			want := map[bool]string{true: "T", false: "F"}[tc.want]
			if err != nil || got.Text != want {
				t.Errorf("#if %#v = %q, %v; want %q", tc.value, got.Text, err, want)
			}
		})
	}
	t.Run("missing", func(t *testing.T) {
		got, _ := tmpl.MustParse("{{#if v}}T{{else}}F{{/if}}").Render(tmpl.MapLookup(nil), tmpl.Env{})
		if got.Text != "F" {
			t.Errorf("#if missing = %q, want F", got.Text)
		}
	})
}

func TestExist(t *testing.T) {
	runText(t, []textCase{
		{"exist", "{{#exist email}}A{{/exist}}", "A"},
		{"exist missing", "{{#exist email2}}A{{/exist}}", ""},
		{"false exists", "{{#exist fail}}A{{/exist}}", "A"},
		{"empty string exists", "{{#exist empty}}A{{/exist}}", "A"},
		{"nil does not exist", "{{#exist null}}A{{else}}B{{/exist}}", "B"},
		{"nested field", "{{#exist app.tracking}}{{app.tracking}}{{/exist}}", "PPL123"},
		{"notexist", "{{#notexist email2}}A{{/notexist}}", "A"},
		{"notexist present", "{{#notexist email}}A{{else}}B{{/notexist}}", "B"},
		{"box number", "{{#exist 5}}A{{/exist}}{{#exist 6}}B{{/exist}}", "A"},
	})
}

func TestLegacySections(t *testing.T) {
	runText(t, []textCase{
		{"section shown", "{{#email}}máme {{email}}{{/email}}", "máme jana@example.cz"},
		{"section hidden", "{{#email2}}máme{{/email2}}", ""},
		{"section false", "{{#fail}}A{{/fail}}", ""},
		{"section else", "{{#fail}}A{{else}}B{{/fail}}", "B"},
		{"inverted shown", "{{^email2}}zadejte e-mail{{/email2}}", "zadejte e-mail"},
		{"inverted hidden", "{{^email}}zadejte{{/email}}", ""},
		{"section does not iterate", "{{#list}}[{{list}}]{{/list}}", "[a,b,3]"},
		{"dotted section", "{{#app.paid}}zaplaceno{{/app.paid}}", "zaplaceno"},
	})
}

func TestStandaloneLines(t *testing.T) {
	runText(t, []textCase{
		{"block on own lines", "Stav:\n{{#if app.paid}}\nZaplaceno.\n{{else}}\nNezaplaceno.\n{{/if}}\nDěkujeme.", "Stav:\nZaplaceno.\nDěkujeme."},
		{"indented blocks", "A\n  {{#if yes}}\n  B\n  {{/if}}\nC", "A\n  B\nC"},
		{"comment line", "A\n{{! poznámka }}\nB", "A\nB"},
		{"button lines", "Vyberte:\n{{button 3 \"Ano\"}} {{button 4 \"Ne\"}}\nKonec", "Vyberte:\nKonec"},
		{"first and last line", "{{#if yes}}\nA\n{{/if}}", "A"},
		{"silent last line takes the newline before it", "A\n{{button 1 \"x\"}}", "A"},
		{"silent last lines after a removed line", "A\n{{#if no}}\n{{/if}}", "A"},
		{"silent last line with crlf", "A\r\n{{! x }}", "A"},
		{"only silent tags", "{{button 1 \"x\"}}", ""},
		{"trailing newline kept", "A\n", "A\n"},
		{"crlf", "{{#if yes}}\r\nA\r\n{{/if}}\r\n", "A\r\n"},
		{"inline block kept", "A {{#if yes}}B{{/if}} C", "A B C"},
		{"line with text in a block kept", "{{jmeno}}\n{{#if no}}x{{/if}}\n", "Jana\n\n"},
		{"text on the line keeps it", "x {{#if yes}}\nA{{/if}}", "x \nA"},
		{"empty line with missing variable kept", "A\n{{nic}}\nB", "A\n\nB"},
	})
}

func TestCompare(t *testing.T) {
	runText(t, []textCase{
		{"is text", `{{#compare 123 "is" "Storno"}}A{{/compare}}`, "A"},
		{"is text false", `{{#compare 5 "is" "Ano"}}A{{else}}B{{/compare}}`, "B"},
		{"equals sign", `{{#compare jmeno "=" "Jana"}}A{{/compare}}`, "A"},
		{"double equals", `{{#compare jmeno "==" "Jana"}}A{{/compare}}`, "A"},
		{"not equal", `{{#compare email "!=" obj}}A{{/compare}}`, "A"},
		{"not", `{{#compare jmeno "not" "Jana"}}A{{else}}B{{/compare}}`, "B"},
		{"greater number", `{{#compare price ">" 1000}}A{{/compare}}`, "A"},
		{"greater false", `{{#compare cheap ">" 1000}}A{{else}}B{{/compare}}`, "B"},
		{"numeric not lexical", `{{#compare 9 "<" 10}}A{{/compare}}`, "A"},
		{"numeric strings", `{{#compare "9" "<" "10"}}A{{/compare}}`, "A"},
		{"czech numeric string", `{{#compare sprice ">" 1230.4}}A{{/compare}}`, "A"},
		{"greater or equal", `{{#compare price ">=" 1500}}A{{/compare}}`, "A"},
		{"less", `{{#compare cheap "<" 100}}A{{/compare}}`, "A"},
		{"less or equal", `{{#compare cheap "<=" 99.5}}A{{/compare}}`, "A"},
		{"less or equal false", `{{#compare price "<=" 99.5}}A{{else}}B{{/compare}}`, "B"},
		{"number equals numeric string", `{{#compare price "is" "1500.00"}}A{{/compare}}`, "A"},
		{"text ordering", `{{#compare word "<" "abd"}}A{{/compare}}`, "A"},
		{"text vs number ordering is false", `{{#compare word ">" 6}}A{{else}}B{{/compare}}`, "B"},
		{"bare integer is the box variable when it exists", `{{#compare word ">" 5}}A{{else}}B{{/compare}}`, "A"}, // "abc" > "Storno"
		{"text vs number inequality", `{{#compare word "!=" 5}}A{{/compare}}`, "A"},
		{"missing equals empty", `{{#compare nic "is" ""}}A{{/compare}}`, "A"},
		{"missing greater", `{{#compare nic ">" 0}}A{{else}}B{{/compare}}`, "B"},
		{"bool", `{{#compare app.paid "is" true}}A{{/compare}}`, "A"},
		{"long digit strings differ", `{{#compare "20260001234567890123" "is" "20260001234567890124"}}A{{else}}B{{/compare}}`, "B"},
		{"long digit strings order", `{{#compare "20260001234567890123" "<" "20260001234567890124"}}A{{/compare}}`, "A"},
		{"leading zeros are numeric", `{{#compare "007" "is" 7}}A{{/compare}}`, "A"},
		{"plus sign", `{{#compare "+5" "=" 5.0}}A{{/compare}}`, "A"},
		{"exponent is text", `{{#compare "1e3" "=" 1000}}A{{else}}B{{/compare}}`, "B"},
		{"float 0.1 equals its text", `{{#compare tenth "=" "0.1"}}A{{/compare}}`, "A"},
		{"float equals decimal string", `{{#compare cheap "=" "99,50"}}A{{/compare}}`, "A"},
		{"bare integer without variable is number", `{{#compare 1000 "<" price}}A{{/compare}}`, "A"},
		{"typeof object", `{{#compare app "typeof" "object"}}A{{/compare}}`, "A"},
		{"typeof failed app", `{{#compare fail "typeof" "object"}}A{{else}}B{{/compare}}`, "B"},
		{"typeof boolean", `{{#compare fail "typeof" "boolean"}}A{{/compare}}`, "A"},
		{"typeof bool alias", `{{#compare fail "typeof" "bool"}}A{{/compare}}`, "A"},
		{"typeof number", `{{#compare price "typeof" "number"}}A{{/compare}}`, "A"},
		{"typeof numeric string", `{{#compare číslo "typeof" "string"}}A{{/compare}}`, "A"},
		{"typeof array", `{{#compare list "typeof" "array"}}A{{/compare}}`, "A"},
		{"typeof array is object", `{{#compare list "typeof" "object"}}A{{/compare}}`, "A"},
		{"typeof undefined", `{{#compare nic "typeof" "undefined"}}A{{/compare}}`, "A"},
		{"typeof null", `{{#compare null "typeof" "null"}}A{{/compare}}`, "A"},
		{"typeof from variable", `{{#compare app.paid "typeof" tn}}A{{else}}B{{/compare}}`, "B"},
		{"else if chain", `{{#compare 5 "is" "Ano"}}A{{else compare 5 "is" "Storno"}}S{{else}}-{{/compare}}`, "S"},
		{"nested in if", `{{#if yes}}{{#compare price ">" 1}}A{{/compare}}{{/if}}`, "A"},
	})
}

func TestCurrency(t *testing.T) {
	for _, tc := range []struct {
		name   string
		amount any
		cur    any
		want   string
	}{
		{"docs example", 1199.9, nil, "1 199,90 Kč"},
		{"thousands", 1230.5, nil, "1 230,50 Kč"},
		{"euro", 99.99, "EUR", "99,99 €"},
		{"euro sign", 5, "€", "5,00 €"},
		{"czk code", 10, "CZK", "10,00 Kč"},
		{"czk lower case", 10, "czk", "10,00 Kč"},
		{"kc symbol", 10, "Kč", "10,00 Kč"},
		{"other code", 10, "usd", "10,00 USD"},
		{"zero", 0, nil, "0,00 Kč"},
		{"small", 0.5, nil, "0,50 Kč"},
		{"rounding", 2.675, nil, "2,67 Kč"}, // 2.675 is 2.67499... in binary
		{"rounding up", 0.999, nil, "1,00 Kč"},
		{"million", 1234567.891, nil, "1 234 567,89 Kč"},
		{"exact thousand", 1000, nil, "1 000,00 Kč"},
		{"hundreds", 999, nil, "999,00 Kč"},
		{"negative", -1500.5, nil, "-1 500,50 Kč"},
		{"negative rounds to zero", -0.001, nil, "0,00 Kč"},
		{"numeric string", "1230.50", nil, "1 230,50 Kč"},
		{"czech numeric string", "1 230,5", nil, "1 230,50 Kč"},
		{"int64", int64(42), nil, "42,00 Kč"},
		{"empty currency", 1, "", "1,00 Kč"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vars := map[string]any{"a": tc.amount}
			src := "{{currency a}}"
			if tc.cur != nil {
				vars["c"] = tc.cur
				src = "{{currency a c}}"
			}
			got, err := tmpl.MustParse(src).Render(tmpl.MapLookup(vars), tmpl.Env{})
			if err != nil || got.Text != tc.want {
				t.Errorf("currency %v %v = %q, %v; want %q", tc.amount, tc.cur, got.Text, err, tc.want)
			}
		})
	}
	runText(t, []textCase{
		{"literal currency", `{{currency 99.99 "EUR"}}`, "99,99 €"},
		{"app fields", "{{currency app.topay app.currency}}", "1 230,50 Kč"},
		{"missing amount", "[{{currency nic}}]", "[]"},
		{"missing currency is default", "{{currency 5 nic}}", "5,00 Kč"},
	})
}

func TestInflect(t *testing.T) {
	forms := `"objednávka" "objednávky" "objednávek"`
	runText(t, []textCase{
		{"0", `{{inflect n0 ` + forms + `}}`, "objednávek"},
		{"1", `{{inflect n1 ` + forms + `}}`, "objednávka"},
		{"2", `{{inflect n2 ` + forms + `}}`, "objednávky"},
		{"4", `{{inflect n4 ` + forms + `}}`, "objednávky"},
		{"5", `{{inflect n5 ` + forms + `}}`, "objednávek"},
		{"13", `{{inflect n13 ` + forms + ` true}}`, "13 objednávek"},
		{"22", `{{inflect n22 ` + forms + ` true}}`, "22 objednávek"},
		{"literal amount", `{{inflect 3 ` + forms + ` true}}`, "3 objednávky"},
		{"show false", `{{inflect n2 ` + forms + ` false}}`, "objednávky"},
		{"show from variable", `{{inflect n2 ` + forms + ` yes}}`, "2 objednávky"},
		{"decimal", `{{inflect n1_5 "litr" "litry" "litrů" true}}`, "1,5 litrů"},
		{"negative one", `{{inflect nneg "stupeň" "stupně" "stupňů" true}}`, "-1 stupeň"},
		{"list of 5", `{{inflect orders ` + forms + ` true}}`, "5 objednávek"},
		{"list of 3", `{{inflect list "zásilka" "zásilky" "zásilek"}}`, "zásilky"},
		{"list of 2 items", `{{inflect items "položka" "položky" "položek" true}}`, "2 položky"},
		{"string list", `{{inflect strs "a" "b" "c"}}`, "b"},
		{"empty list", `{{inflect none "a" "b" "c" true}}`, "0 c"},
		{"numeric string", `{{inflect číslo "a" "b" "c" true}}`, "42 c"},
		{"missing amount", `[{{inflect nic "a" "b" "c"}}]`, "[]"},
	})
	for _, tc := range []struct {
		n    float64
		want string
	}{{0, "many"}, {1, "one"}, {2, "few"}, {3, "few"}, {4, "few"}, {5, "many"}, {11, "many"}, {13, "many"}, {21, "many"}, {22, "many"}, {101, "many"}, {-2, "few"}, {0.5, "many"}} {
		if got := tmpl.Inflect(tc.n, "one", "few", "many"); got != tc.want {
			t.Errorf("Inflect(%v) = %q, want %q", tc.n, got, tc.want)
		}
	}
}

func TestDate(t *testing.T) {
	runText(t, []textCase{
		{"docs short", `{{date date1 "D.M."}}`, "1.2."},
		{"docs long", `{{date date1 "DD.MM.YYYY"}}`, "01.02.2020"},
		{"all tokens", `{{date app.created "YYYY YY MM M Q DD D HH H mm m ss s"}}`, "2026 26 02 2 1 01 1 09 9 03 3 04 4"},
		{"keeps the value's zone", `{{date "2026-06-30T23:30:00Z" "D.M. H:mm Q"}}`, "30.6. 23:30 2"},
		{"brackets are literal", `{{date date1 "[Dne] D. M. [v] YYYY"}}`, "Dne 1. 2. v 2020"},
		{"default format cs", `{{date date1}}`, "1. 2. 2020"},
		{"time value", `{{date t "DD.MM.YY HH:mm:ss"}}`, "09.03.24 07:08:09"},
		{"czech input", `{{date "1. 2. 2020 8:05" "YYYY-MM-DD HH:mm"}}`, "2020-02-01 08:05"},
		{"czech input compact", `{{date "24.12.2025" "D. M."}}`, "24. 12."},
		{"sql datetime", `{{date "2025-12-24 18:30:00" "H:mm"}}`, "18:30"},
		{"now", `{{date "now" "DD.MM.YYYY HH:mm:ss"}}`, "27.11.2026 10:05:09"},
		{"today", `{{date "today" "DD.MM.YYYY HH:mm"}}`, "27.11.2026 00:00"},
		{"yesterday", `{{date "yesterday" "D.M."}}`, "26.11."},
		{"tomorrow", `{{date "tomorrow" "D.M."}}`, "28.11."},
		{"2 years ago", `{{date "2 years ago" "D.M.YYYY"}}`, "27.11.2024"},
		{"3 days ago", `{{date "3 days ago" "D.M.YYYY"}}`, "24.11.2026"},
		{"a week ago", `{{date "a week ago" "D.M."}}`, "20.11."},
		{"an hour ago", `{{date "an hour ago" "H:mm"}}`, "9:05"},
		{"in 2 months", `{{date "in 2 months" "D.M.YYYY"}}`, "27.1.2027"},
		{"30 minutes ago", `{{date "30 minutes ago" "H:mm"}}`, "9:35"},
		{"10 seconds ago", `{{date "10 seconds ago" "m:ss"}}`, "4:59"},
		{"capitals and spaces", `{{date "  3  Days AGO " "D.M."}}`, "24.11."},
		{"czech dnes", `{{date "dnes" "D.M."}}`, "27.11."},
		{"czech včera", `{{date "včera" "D.M."}}`, "26.11."},
		{"czech zítra", `{{date "zítra" "D.M."}}`, "28.11."},
		{"czech teď", `{{date "teď" "H:mm"}}`, "10:05"},
		{"czech před 2 dny", `{{date "před 2 dny" "D.M."}}`, "25.11."},
		{"czech před 5 dny", `{{date "před 5 dny" "D.M."}}`, "22.11."},
		{"czech před rokem", `{{date "před rokem" "YYYY"}}`, "2025"},
		{"czech před 3 lety", `{{date "před 3 lety" "YYYY"}}`, "2023"},
		{"czech před týdnem", `{{date "před týdnem" "D.M."}}`, "20.11."},
		{"czech před 2 měsíci", `{{date "před 2 měsíci" "D.M."}}`, "27.9."},
		{"czech před hodinou", `{{date "před hodinou" "H:mm"}}`, "9:05"},
		{"czech za 3 dny", `{{date "za 3 dny" "D.M."}}`, "30.11."},
		{"czech za týden", `{{date "za týden" "D.M."}}`, "4.12."},
		{"missing variable", `[{{date nic "D.M."}}]`, "[]"},
		{"format from variable", `{{date date1 fmt}}`, ""},
	})
	t.Run("english default format", func(t *testing.T) {
		got, err := tmpl.MustParse(`{{date "2020-02-01"}}`).Render(nil, tmpl.Env{Lang: "en"})
		if err != nil || got.Text != "1/2/2020" {
			t.Errorf("date in en = %q, %v; want 1/2/2020", got.Text, err)
		}
	})
}

func TestParseDate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Time
	}{
		{"2026-02-01T09:03:04+01:00", time.Date(2026, 2, 1, 9, 3, 4, 0, time.FixedZone("", 3600))},
		{"2026-02-01T09:03:04Z", time.Date(2026, 2, 1, 9, 3, 4, 0, time.UTC)},
		{"2026-02-01", time.Date(2026, 2, 1, 0, 0, 0, 0, testNow.Location())},
		{"2026-02-01 09:03", time.Date(2026, 2, 1, 9, 3, 0, 0, testNow.Location())},
		{"1.2.2026", time.Date(2026, 2, 1, 0, 0, 0, 0, testNow.Location())},
		{"01. 02. 2026 09:03:04", time.Date(2026, 2, 1, 9, 3, 4, 0, testNow.Location())},
		{"in 1 year", testNow.AddDate(1, 0, 0)},
		{"před 10 minutami", testNow.Add(-10 * time.Minute)},
		{"před 30 sekundami", testNow.Add(-30 * time.Second)},
		{"za 2 hodiny", testNow.Add(2 * time.Hour)},
	} {
		got, err := tmpl.ParseDate(tc.in, testNow)
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "zítra ráno", "3 fortnights ago", "2026-13-01", "32.1.2026", "before 2 days", "9999999 days ago", "-3 days ago"} {
		if got, err := tmpl.ParseDate(bad, testNow); err == nil {
			t.Errorf("ParseDate(%q) = %v, want an error", bad, got)
		}
	}
	if _, err := tmpl.ParseDate("today", time.Time{}); err == nil {
		t.Errorf("ParseDate(today, zero now) succeeded, want an error")
	}
	if got, err := tmpl.ParseDate("2026-02-01", time.Time{}); err != nil || !got.Equal(time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("ParseDate(2026-02-01, zero now) = %v, %v; want midnight UTC", got, err)
	}
}

func TestButton(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      tmpl.Rendered
	}{
		{"removed from text", `Chcete stornovat? {{button 21 "Ano, stornovat"}}`, tmpl.Rendered{Text: "Chcete stornovat? ", Buttons: []tmpl.Button{{Title: "Ano, stornovat", Box: "21"}}}},
		{"several in order", "Vyberte:\n{{button 3 \"Stav\"}}\n{{button 4 \"Faktura\"}}\n", tmpl.Rendered{Text: "Vyberte:\n", Buttons: []tmpl.Button{{Title: "Stav", Box: "3"}, {Title: "Faktura", Box: "4"}}}},
		{"box as text and label from variable", `{{button "start" jmeno}}`, tmpl.Rendered{Buttons: []tmpl.Button{{Title: "Jana", Box: "start"}}}},
		{"inside condition", `{{#if app.paid}}{{button 9 "Sledovat zásilku"}}{{else}}{{button 8 "Zaplatit"}}{{/if}}`, tmpl.Rendered{Buttons: []tmpl.Button{{Title: "Sledovat zásilku", Box: "9"}}}},
		{"missing label variable", `[{{button 9 nic}}]`, tmpl.Rendered{Text: "[]"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := mustRender(t, tc.src)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Render(%q) mismatch (-want +got):\n%s", tc.src, diff)
			}
		})
	}
}

func TestProgress(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      tmpl.Rendered
	}{
		{"docs example", `{{progress 1 "icon-delivery" "Doručeno"}}`, tmpl.Rendered{Text: "●○○○ Doručeno", Progress: []tmpl.Progress{{Step: 1, Icon: "icon-delivery", Name: "Doručeno", Total: 4}}}},
		{"three of four", `Stav: {{progress 3 "icon-truck" "Odesláno"}}`, tmpl.Rendered{Text: "Stav: ●●●○ Odesláno", Progress: []tmpl.Progress{{Step: 3, Icon: "icon-truck", Name: "Odesláno", Total: 4}}}},
		{"custom total", `{{progress 2 "i" "Zaplaceno" 3}}`, tmpl.Rendered{Text: "●●○ Zaplaceno", Progress: []tmpl.Progress{{Step: 2, Icon: "i", Name: "Zaplaceno", Total: 3}}}},
		{"step from variable string", `{{progress číslo "i" "Hotovo" 5}}`, tmpl.Rendered{Text: "●●●●● Hotovo", Progress: []tmpl.Progress{{Step: 5, Icon: "i", Name: "Hotovo", Total: 5}}}},
		{"zero", `{{progress 0 "i" ""}}`, tmpl.Rendered{Text: "○○○○", Progress: []tmpl.Progress{{Step: 0, Icon: "i", Total: 4}}}},
		{"negative clamped", `{{progress -2 "i" "x" 2}}`, tmpl.Rendered{Text: "○○ x", Progress: []tmpl.Progress{{Step: 0, Icon: "i", Name: "x", Total: 2}}}},
		{"missing step", `[{{progress nic "i" "x"}}]`, tmpl.Rendered{Text: "[]"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := mustRender(t, tc.src)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Render(%q) mismatch (-want +got):\n%s", tc.src, diff)
			}
		})
	}
}

func TestSyntaxErrors(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		line, col int
		msg       string // substring of Msg
	}{
		{"unclosed tag", "Ahoj {{jmeno", 1, 6, "unclosed {{"},
		{"unclosed tag line 3", "a\nb\n  x {{jmeno}", 3, 5, "unclosed {{"},
		{"unclosed triple", "{{{jmeno}}", 1, 1, "missing }}}"},
		{"unclosed long comment", "x{{!-- a }}", 1, 2, "unclosed comment"},
		{"empty tag", "a {{ }} b", 1, 3, "empty tag"},
		{"nested open", "{{a {{b}}", 1, 5, "unexpected {{"},
		{"unclosed if", "x\n{{#if a}}\nA", 2, 1, "{{#if}} is never closed"},
		{"unclosed inner", "{{#if a}}{{#unless b}}{{/if}}", 1, 23, "does not match {{#unless}} opened at 1:10"},
		{"stray close", "A{{/if}}", 1, 2, "closes no open block"},
		{"stray else", "A\n {{else}}", 2, 2, "{{else}} outside a block"},
		{"else after else", "{{#if a}}1{{else}}2{{else}}3{{/if}}", 1, 20, "after {{else}}"},
		{"else if after else", "{{#if a}}1{{else}}2{{else if b}}3{{/if}}", 1, 20, "after {{else}}"},
		{"unknown else condition", "{{#if a}}1{{else each b}}{{/if}}", 1, 11, "unknown condition"},
		{"if without argument", "{{#if}}x{{/if}}", 1, 1, "#if takes 1 argument, got 0"},
		{"if with two arguments", "{{#if a b}}x{{/if}}", 1, 1, "#if takes 1 argument, got 2"},
		{"compare arity", `{{#compare a ">"}}x{{/compare}}`, 1, 1, "#compare takes 3 arguments"},
		{"compare unknown operator", `{{#compare a "~" b}}x{{/compare}}`, 1, 14, "unknown #compare operator"},
		{"compare unquoted operator", `{{#compare a is b}}x{{/compare}}`, 1, 14, "must be quoted"},
		{"typeof unknown type", `{{#compare a "typeof" "integer"}}x{{/compare}}`, 1, 23, "unknown type"},
		{"exist literal", `{{#exist "a"}}x{{/exist}}`, 1, 10, "needs a variable name"},
		{"unknown block", "{{#each items}}x{{/each}}", 1, 1, "unknown block helper"},
		{"helper used as block", `{{#date d "D"}}x{{/date}}`, 1, 1, "not a block helper"},
		{"block used inline", `{{if a}}`, 1, 1, "is a block"},
		{"unknown helper", `{{shout "a"}}`, 1, 1, `unknown helper "shout"`},
		{"date arity", `{{date}}x{{date a "b" "c"}}`, 1, 10, "date takes 1 to 2 arguments, got 3"},
		{"inflect arity", `{{inflect n "a" "b"}}`, 1, 1, "inflect takes 4 to 5 arguments"},
		{"button arity", `{{button 5}}`, 1, 1, ""},
		{"qrpay kind", `{{qrpay "sk" "1" "2" 3 4}}`, 1, 9, "must be \"cz\" or \"iban\""},
		{"unterminated string", `{{button 5 "Ano}}`, 1, 12, "unterminated string"},
		{"string glued", `{{button 5 "Ano"x}}`, 1, 17, "expected a space"},
		{"unquoted text", `{{button 5 Ano,ne}}`, 1, 15, "must be in double quotes"},
		{"subexpression", `{{date (now) "D"}}`, 1, 8, "subexpressions"},
		{"named argument", `{{date d format="D"}}`, 1, 10, "named arguments"},
		{"bad path", `{{a..b}}`, 1, 3, "empty segment"},
		{"dollar inside", `{{a$b}}`, 1, 3, "unexpected '$'"},
		{"partial", `{{> footer}}`, 1, 1, "partials are not supported"},
		{"close with argument", "{{#if a}}x{{/if a}}", 1, 11, "unexpected text"},
		{"inverted with argument", "{{^a b}}x{{/a}}", 1, 6, "takes no arguments"},
		{"literal with arguments", `{{"a" b}}`, 1, 3, "expected a helper name"},
		{"column counts runes", "Žluťoučký {{#if}}", 1, 11, "#if takes"},
		{"mismatched legacy close", "{{#email}}x{{/mail}}", 1, 12, "does not match {{#email}}"},
		{"triple block", "{{{#if a}}}", 1, 1, "triple braces"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tmpl.Parse(tc.src)
			var se *tmpl.SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) error = %v, want a *SyntaxError", tc.src, err)
			}
			if se.Line != tc.line || se.Col != tc.col || !strings.Contains(se.Msg, tc.msg) {
				t.Errorf("Parse(%q) error = %q, want %d:%d: …%s…", tc.src, se.Error(), tc.line, tc.col, tc.msg)
			}
			if want := fmt.Sprintf("%d:%d: %s", tc.line, tc.col, se.Msg); se.Error() != want {
				t.Errorf("Error() = %q, want the line:col: prefix", se.Error())
			}
		})
	}
}

func TestHelperErrors(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		helper    string
		line, col int
		text      string // what still renders
	}{
		{"bad date", "A {{date word \"D\"}} B", "date", 1, 3, "A  B"},
		{"date from a number", "{{date price}}", "date", 1, 1, ""},
		{"relative date without now is checked below", "{{date \"3 days agoo\"}}", "date", 1, 1, ""},
		{"currency of text", "x\n{{currency word}}", "currency", 2, 1, "x\n"},
		{"inflect of text", `{{inflect word "a" "b" "c"}}`, "inflect", 1, 1, ""},
		{"inflect of object", `{{inflect app "a" "b" "c"}}`, "inflect", 1, 1, ""},
		{"progress of text", `{{progress word "i" "n"}}`, "progress", 1, 1, ""},
		{"progress fraction", `{{progress 1.5 "i" "n"}}`, "progress", 1, 1, ""},
		{"progress total too big", `{{progress 1 "i" "n" 50}}`, "progress", 1, 1, ""},
		{"button empty label", `{{button 5 ""}}`, "button", 1, 1, ""},
		{"button empty box", `{{button "" "x"}}`, "button", 1, 1, ""},
		{"qrpay bad account", `{{qrpay "cz" "2000145398" "0800" 10 1}}`, "qrpay", 1, 1, ""},
		{"qrpay bad amount", `{{qrpay "cz" "19-2000145399" "0800" word 1}}`, "qrpay", 1, 1, ""},
		{"qrpay kind from variable", `{{qrpay word "19-2000145399" "0800" 1 1}}`, "qrpay", 1, 1, ""},
		{"first error wins", `{{currency word}}{{date word}}`, "currency", 1, 1, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tmpl.MustParse(tc.src).Render(tmpl.MapLookup(testVars()), tmpl.Env{Now: testNow})
			var he *tmpl.HelperError
			if !errors.As(err, &he) {
				t.Fatalf("Render(%q) error = %v, want a *HelperError", tc.src, err)
			}
			if he.Helper != tc.helper || he.Line != tc.line || he.Col != tc.col {
				t.Errorf("Render(%q) error = %q, want %d:%d: %s: …", tc.src, he.Error(), tc.line, tc.col, tc.helper)
			}
			if got.Text != tc.text {
				t.Errorf("Render(%q).Text = %q, want %q", tc.src, got.Text, tc.text)
			}
		})
	}
	t.Run("relative date needs now", func(t *testing.T) {
		_, err := tmpl.MustParse(`{{date "today"}}`).Render(nil, tmpl.Env{})
		if err == nil || !strings.Contains(err.Error(), "needs the current time") {
			t.Errorf("date today with zero Now: error = %v, want 'needs the current time'", err)
		}
	})
}

func TestVarsAndHelpers(t *testing.T) {
	src := `{{obj}} {{app.status}} {{obj}} {{5}} {{$email}}
{{#if app.paid}}{{currency app.topay app.currency}}{{else if a}}{{/if}}
{{#compare 123 "is" "Storno"}}{{/compare}}{{#compare price ">" 1000}}{{/compare}}
{{#exist email}}{{/exist}}{{#notexist x}}{{/notexist}}{{#sec}}{{/sec}}{{^inv}}{{/inv}}
{{button 5 label}} {{date d "D"}} {{inflect n "a" "b" "c"}} {{progress 1 "i" "n"}} {{qrpay "cz" acc bank am vs}}
{{! {{hidden}} }}{{"lit"}} {{7}}`
	tp := tmpl.MustParse(src)
	wantVars := []string{"obj", "app.status", "5", "$email", "app.paid", "app.topay", "app.currency", "a", "price", "email", "x", "sec", "inv", "label", "d", "n", "acc", "bank", "am", "vs", "7"}
	if diff := cmp.Diff(wantVars, tp.Vars()); diff != "" {
		t.Errorf("Vars() mismatch (-want +got):\n%s", diff)
	}
	wantHelpers := []string{"if", "currency", "compare", "exist", "notexist", "section", "inverted", "button", "date", "inflect", "progress", "qrpay"}
	if diff := cmp.Diff(wantHelpers, tp.Helpers()); diff != "" {
		t.Errorf("Helpers() mismatch (-want +got):\n%s", diff)
	}
	if tp.Source() != src {
		t.Errorf("Source() = %q, want the parsed text", tp.Source())
	}
	// The returned slices are copies.
	tp.Vars()[0] = "changed"
	if tp.Vars()[0] != "obj" {
		t.Errorf("Vars() exposes the template's slice")
	}
}

func TestMustParsePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Errorf("MustParse(bad) did not panic")
		}
	}()
	tmpl.MustParse("{{#if a}}")
}

func TestMapLookup(t *testing.T) {
	look := tmpl.MapLookup(map[string]any{
		"a":      map[string]any{"b": map[string]any{"c": 1}},
		"l":      []any{"x", map[string]any{"y": "z"}},
		"dot.ed": "verbatim",
		"s":      "text",
	})
	for _, tc := range []struct {
		path string
		want any
		ok   bool
	}{
		{"a.b.c", 1, true},
		{"l.1.y", "z", true},
		{"l.0", "x", true},
		{"l.2", nil, false},
		{"l.-1", nil, false},
		{"l.x", nil, false},
		{"dot.ed", "verbatim", true},
		{"a.x", nil, false},
		{"s.len", nil, false},
		{"nic", nil, false},
	} {
		got, ok := look(tc.path)
		if ok != tc.ok || !cmp.Equal(got, tc.want) {
			t.Errorf("MapLookup(%q) = %v, %v; want %v, %v", tc.path, got, ok, tc.want, tc.ok)
		}
	}
}

func TestFormatMoney(t *testing.T) {
	if got := tmpl.FormatMoney(1230.5, "CZK"); got != "1 230,50 Kč" {
		t.Errorf("FormatMoney(1230.5, CZK) = %q", got)
	}
	if got := tmpl.FormatMoney(99.99, "EUR"); got != "99,99 €" {
		t.Errorf("FormatMoney(99.99, EUR) = %q", got)
	}
}

func TestConcurrentRender(t *testing.T) {
	tp := tmpl.MustParse(`{{#if yes}}{{currency price}} {{button 1 "a"}}{{/if}}`)
	look := tmpl.MapLookup(testVars())
	done := make(chan tmpl.Rendered)
	for range 8 {
		go func() {
			out, _ := tp.Render(look, tmpl.Env{})
			done <- out
		}()
	}
	for range 8 {
		if out := <-done; out.Text != "1 500,00 Kč " || len(out.Buttons) != 1 {
			t.Errorf("concurrent Render = %+v", out)
		}
	}
}

func TestGoValueTypes(t *testing.T) {
	for _, tc := range []struct {
		name  string
		value any
		print string
		cmp   string // result of {{#compare v ">" 2}}
	}{
		{"int8", int8(3), "3", "y"},
		{"int16", int16(-3), "-3", "n"},
		{"int32", int32(3), "3", "y"},
		{"int64", int64(1) << 60, "1152921504606846976", "y"},
		{"uint", uint(2), "2", "n"},
		{"uint8", uint8(3), "3", "y"},
		{"uint16", uint16(3), "3", "y"},
		{"uint32", uint32(3), "3", "y"},
		{"uint64", uint64(1) << 63, "9223372036854775808", "y"},
		{"float32", float32(2.5), "2.5", "y"},
		{"negative zero", math.Copysign(0, -1), "0", "n"},
		{"json number", json.Number("2.50"), "2.50", "y"},
		{"bad json number", json.Number("x"), "x", "n"},
		{"time", time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), "2026-01-02 03:04:05 +0000 UTC", "n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			look := tmpl.MapLookup(map[string]any{"v": tc.value})
			got, err := tmpl.MustParse(`{{v}}|{{#compare v ">" 2}}y{{else}}n{{/compare}}`).Render(look, tmpl.Env{})
			if want := tc.print + "|" + tc.cmp; err != nil || got.Text != want {
				t.Errorf("Render with %T %v = %q, %v; want %q", tc.value, tc.value, got.Text, err, want)
			}
		})
	}
}
