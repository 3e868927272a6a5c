package dialog

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNormalise(t *testing.T) {
	got := normalise("  Kde je MŮJ balíček?! (č. 12) ")
	want := []string{"kde", "je", "muj", "balicek", "c", "12"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("normalise() mismatch (-want +got):\n%s", diff)
	}
}

func TestWordsMatch(t *testing.T) {
	tests := []struct {
		name string
		w, p string
		want bool
	}{
		{"equal", "faktura", "faktura", true},
		{"czech ending", "fakturu", "faktura", true},
		{"plural ending", "objednavky", "objednavka", true},
		{"verb and noun", "zruseni", "zrusit", true},
		{"typo one letter", "objedavky", "objednavky", true},
		{"transposition", "fatkura", "faktura", true},
		{"short words exact only", "je", "jen", false},
		{"short typo refused", "stv", "stav", false},
		{"different words", "balik", "faktura", false},
		{"prefix too short", "zasilka", "zaplatit", false},
		{"two typos in a short word", "fktra", "faktura", false},
		{"two typos in a long word", "objdnavky", "objednavka", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := wordsMatch(tt.w, tt.p); got != tt.want {
				t.Errorf("wordsMatch(%q, %q) = %v, want %v", tt.w, tt.p, got, tt.want)
			}
		})
	}
}

func TestBestPhrase(t *testing.T) {
	cands := [][]string{
		{"stav objednávky", "stav", "order status"},
		{"kde je můj balík", "balík", "parcel"},
		{"faktura", "invoice"},
		{"zrušit objednávku", "zrušit", "cancel order"},
		{"moje objednávky", "my orders", "orders"},
	}
	tests := []struct {
		text string
		want int
	}{
		{"stav objednavky", 0},
		{"Jaký je stav?", 0},
		{"kde je muj balik", 1},
		{"balicek", 1},
		{"zasilka", -1},
		{"chci fakturu", 2},
		{"zrusit objednavku", 3},
		{"storno", -1},
		{"moje objednavky", 4},
		{"what is my order status", 0},
		{"cancel my order", 3},
		{"", -1},
		{"asdf qwer", -1},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			if got := bestPhrase(tt.text, cands); got != tt.want {
				t.Errorf("bestPhrase(%q) = %d, want %d", tt.text, got, tt.want)
			}
		})
	}
}

func TestCond(t *testing.T) {
	vars := map[string]any{
		"n": 5.0, "s": "12", "word": "Storno", "t": true, "f": false, "empty": "",
		"obj": map[string]any{"paid": false, "topay": 1230.5, "list": []any{"a"}},
		"5":   "Storno",
	}
	look := func(p string) (any, bool) {
		r := &run{st: &State{Vars: vars, Private: map[string]any{"$x": "y"}}}
		return r.lookup(p)
	}
	tests := []struct {
		src  string
		want bool
	}{
		{"t", true},
		{"f", false},
		{"missing", false},
		{"empty", false},
		{"not f", true},
		{"!f", true},
		{"n > 3", true},
		{"n >= 5 and s < 13", true},
		{"s > 9", true},
		{`word = "Storno"`, true},
		{`word is "storno"`, false},
		{`word != "Storno"`, false},
		{`{{5}} is "Storno"`, true},
		{"exist obj.paid", true},
		{"notexist obj.nope", true},
		{"obj.paid or obj.topay > 1000", true},
		{"obj.paid and obj.topay > 1000", false},
		{"(f or t) and not (n < 1)", true},
		{"obj.list", true},
		{"$x = \"y\"", true},
		{"exist $nope", false},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			c, err := parseCond(tt.src)
			if err != nil {
				t.Fatalf("parseCond(%q) = %v", tt.src, err)
			}
			if got := c.root.eval(look); got != tt.want {
				t.Errorf("eval(%q) = %v, want %v", tt.src, got, tt.want)
			}
		})
	}
	for _, bad := range []string{"", "n >", "and t", "(t", `"open`, "n = = 3", "{{ }}", "a b", "exist 5.5"} {
		t.Run("bad "+bad, func(t *testing.T) {
			if _, err := parseCond(bad); err == nil {
				t.Errorf("parseCond(%q) = nil error, want an error", bad)
			}
		})
	}
}

func TestValidateInput(t *testing.T) {
	tests := []struct {
		name  string
		kind  string
		in    Input
		ch    Channel
		want  string
		wantY bool
		ok    bool
	}{
		{"order plain", ValidateOrderNumber, Input{Kind: InputText, Text: " 2025000123 "}, ChannelWeb, "2025000123", false, true},
		{"order in a sentence", ValidateOrderNumber, Input{Kind: InputText, Text: "moje číslo je 2025000123, díky"}, ChannelWeb, "2025000123", false, true},
		{"order with spaces", ValidateOrderNumber, Input{Kind: InputText, Text: "2025 000 123"}, ChannelWeb, "2025000123", false, true},
		{"order two numbers", ValidateOrderNumber, Input{Kind: InputText, Text: "bud 123456 nebo 654321"}, ChannelWeb, "", false, false},
		{"order words", ValidateOrderNumber, Input{Kind: InputText, Text: "nevím"}, ChannelWeb, "", false, false},
		{"order digits", ValidateOrderNumber, Input{Kind: InputDigits, Text: "2025000123#"}, ChannelVoice, "2025000123", false, true},
		{"order voice", ValidateOrderNumber, Input{Kind: InputText, Text: "dva nula dva pět nula nula nula jedna dva tři"}, ChannelVoice, "2025000123", false, true},
		{"email", ValidateEmail, Input{Kind: InputText, Text: "Jan.Novak@Example.cz"}, ChannelWeb, "Jan.Novak@Example.cz", false, true},
		{"email in a sentence", ValidateEmail, Input{Kind: InputText, Text: "můj e-mail je jan@example.cz."}, ChannelWeb, "jan@example.cz", false, true},
		{"email missing domain", ValidateEmail, Input{Kind: InputText, Text: "jan@"}, ChannelWeb, "", false, false},
		{"email voice", ValidateEmail, Input{Kind: InputText, Text: "jan tečka novák zavináč seznam tečka cz"}, ChannelVoice, "jan.novak@seznam.cz", false, true},
		{"phone", ValidatePhone, Input{Kind: InputText, Text: "+420 601 223 344"}, ChannelWeb, "+420601223344", false, true},
		{"phone 00", ValidatePhone, Input{Kind: InputText, Text: "00420601223344"}, ChannelWeb, "+420601223344", false, true},
		{"phone short", ValidatePhone, Input{Kind: InputText, Text: "12345"}, ChannelWeb, "", false, false},
		{"number comma", ValidateNumber, Input{Kind: InputText, Text: "1 230,50"}, ChannelWeb, "1230.5", false, true},
		{"number words", ValidateNumber, Input{Kind: InputText, Text: "pět"}, ChannelWeb, "", false, false},
		{"yes", ValidateYesNo, Input{Kind: InputText, Text: "jo"}, ChannelWeb, "yes", true, true},
		{"no en", ValidateYesNo, Input{Kind: InputText, Text: "nope"}, ChannelWeb, "no", false, true},
		{"yes button", ValidateYesNo, Input{Kind: InputButton, Value: "yes"}, ChannelWeb, "yes", true, true},
		{"yes digit", ValidateYesNo, Input{Kind: InputDigits, Text: "1"}, ChannelVoice, "yes", true, true},
		{"maybe", ValidateYesNo, Input{Kind: InputText, Text: "možná"}, ChannelWeb, "", false, false},
		{"text", ValidateText, Input{Kind: InputText, Text: " zvonit dvakrát "}, ChannelWeb, "zvonit dvakrát", false, true},
		{"text empty", ValidateText, Input{Kind: InputText, Text: "   "}, ChannelWeb, "", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, ok := validateInput(tt.kind, tt.in, tt.ch, "cs")
			if ok != tt.ok || (ok && (v.value != tt.want && !startsWithLine(v.value, tt.want) || v.yes != tt.wantY)) {
				t.Errorf("validateInput(%s, %+v) = %+v, %v; want %q (yes %v), %v", tt.kind, tt.in, v, ok, tt.want, tt.wantY, tt.ok)
			}
		})
	}
}

// startsWithLine reports whether the candidates joined by "\n" start with
// want (voice inputs keep several candidates, best first).
func startsWithLine(got, want string) bool {
	return len(got) >= len(want) && got[:len(want)] == want && (len(got) == len(want) || got[len(want)] == '\n')
}
