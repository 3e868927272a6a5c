package tmpl_test

import (
	"fmt"
	"time"

	"github.com/samoobsluha/samoobsluha/dialog/tmpl"
)

func Example() {
	t := tmpl.MustParse(`Objednávka {{obj}} je ve stavu {{app.status}}.
{{#if app.paid}}
Zaplaceno {{date app.paid_at "D. M. YYYY"}}.
{{else}}
Zbývá zaplatit {{currency app.topay app.currency}}.
{{/if}}
{{#compare app.items ">" 1}}
Obsahuje {{inflect app.items "položku" "položky" "položek" true}}.
{{/compare}}
{{progress 3 "icon-delivery" "Odesláno"}}
{{button 40 "Sledovat zásilku"}}`)

	vars := map[string]any{
		"obj": "2026000123",
		"app": map[string]any{
			"status":   "Odesláno",
			"paid":     false,
			"topay":    1230.5,
			"currency": "CZK",
			"items":    3,
		},
	}
	out, err := t.Render(tmpl.MapLookup(vars), tmpl.Env{Lang: "cs", Now: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Print(out.Text)
	fmt.Println()
	fmt.Println(out.Buttons)
	fmt.Println(t.Vars())
	// Output:
	// Objednávka 2026000123 je ve stavu Odesláno.
	// Zbývá zaplatit 1 230,50 Kč.
	// Obsahuje 3 položky.
	// ●●●○ Odesláno
	// [{Sledovat zásilku 40}]
	// [obj app.status app.paid app.paid_at app.topay app.currency app.items]
}

func ExampleParse_error() {
	_, err := tmpl.Parse("Dobrý den,\n{{#if email}}máme váš e-mail{{/unless}}")
	fmt.Println(err)
	// Output:
	// 2:29: {{/unless}} does not match {{#if}} opened at 2:1
}

func ExampleTemplate_Render_qrpay() {
	t := tmpl.MustParse(`Zaplaťte QR kódem:
{{qrpay "cz" "19-2000145399" "0800" order.topay order.vs}}`)
	out, _ := t.Render(tmpl.MapLookup(map[string]any{
		"order": map[string]any{"topay": 499, "vs": "2026000123"},
	}), tmpl.Env{})
	fmt.Printf("%q\n", out.Text)
	fmt.Println(len(out.Images), out.Images[0][:22])
	// Output:
	// "Zaplaťte QR kódem:"
	// 1 data:image/png;base64,
}

func ExampleCzechIBAN() {
	iban, err := tmpl.CzechIBAN("19-2000145399", "0800")
	fmt.Println(iban, err)
	// Output: CZ6508000000192000145399 <nil>
}

func ExampleInflect() {
	for _, n := range []float64{1, 3, 5} {
		fmt.Println(n, tmpl.Inflect(n, "zásilka", "zásilky", "zásilek"))
	}
	// Output:
	// 1 zásilka
	// 3 zásilky
	// 5 zásilek
}
