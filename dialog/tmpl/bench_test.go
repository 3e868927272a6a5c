package tmpl_test

import (
	"testing"

	"github.com/samoobsluha/samoobsluha/dialog/tmpl"
)

const benchSrc = `Objednávka {{obj}} je ve stavu {{app.status}}.
{{#if app.paid}}
Zaplaceno.
{{else if app.topay}}
Zbývá zaplatit {{currency app.topay app.currency}}.
{{else}}
Nic k úhradě.
{{/if}}
{{#compare 5 "is" "Storno"}}Stornováno {{date app.created "D. M. YYYY"}}.{{/compare}}
Máte {{inflect items "položku" "položky" "položek" true}}.
{{progress 3 "icon-truck" "Odesláno"}}
{{button 40 "Sledovat zásilku"}}`

func BenchmarkParse(b *testing.B) {
	for b.Loop() {
		if _, err := tmpl.Parse(benchSrc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRender(b *testing.B) {
	t := tmpl.MustParse(benchSrc)
	look := tmpl.MapLookup(testVars())
	env := tmpl.Env{Now: testNow}
	for b.Loop() {
		if _, err := t.Render(look, env); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRenderQRPay(b *testing.B) {
	t := tmpl.MustParse(`{{qrpay "cz" "19-2000145399" "0800" app.topay app.vs}}`)
	look := tmpl.MapLookup(testVars())
	for b.Loop() {
		out, err := t.Render(look, tmpl.Env{})
		if err != nil || len(out.Images) != 1 {
			b.Fatal(out, err)
		}
	}
}
