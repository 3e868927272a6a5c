package dialog_test

import (
	"fmt"
	"time"

	"github.com/samoobsluha/samoobsluha/dialog"
)

// A three-turn scenario: a menu, an order number, an app call and the
// answer. The caller (package bot) runs the app and feeds its result back.
func Example() {
	src := `
start: menu
boxes:
  menu:
    type: buttons
    say: {cs: "Dobrý den! S čím pomohu?", en: "Hello! How can I help?"}
    buttons:
      - value: status
        title: {cs: Stav objednávky, en: Order status}
        synonyms: {cs: [stav], en: [status]}
        next: ask
  ask:
    type: input
    validate: order_number
    var: obj
    say: {cs: "Číslo objednávky?", en: "Your order number?"}
    next: lookup
  lookup:
    type: app
    app: verify_order
    params: {order: "{{obj}}"}
    result: app
    yes: found
    no: missing
    error: missing
  found:
    type: end
    say:
      cs: 'Objednávka {{obj}}: {{app.status}}, k úhradě {{currency app.topay}}.'
      en: 'Order {{obj}}: {{app.status}}, to pay {{currency app.topay}}.'
  missing:
    type: message
    say: {cs: Tu neznám., en: I do not know that one.}
    next: ask
`
	sc, err := dialog.ParseScenario("example.yaml", []byte(src))
	if err != nil {
		fmt.Println(err)
		return
	}
	eng := dialog.NewEngine(sc, dialog.Options{})
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	st := dialog.NewState(dialog.ChannelWeb, "cs", nil)
	show := func(o dialog.Output) {
		for _, m := range o.Messages {
			fmt.Println("bot:", m.Text, m.Buttons)
		}
		if o.Action != nil {
			fmt.Println("action:", o.Action.App, o.Action.Params)
		}
	}
	st, out, _ := eng.Step(st, dialog.Input{Kind: dialog.InputStart, Now: now})
	show(out)
	st, out, _ = eng.Step(st, dialog.Input{Kind: dialog.InputText, Text: "jaky je stav?", Now: now})
	show(out)
	st, out, _ = eng.Step(st, dialog.Input{Kind: dialog.InputText, Text: "2025000123", Now: now})
	show(out)
	res := &dialog.ActionResult{Outcome: dialog.OutcomeYes, Value: map[string]any{"status": "Odesláno", "topay": 1230.5}}
	st, out, _ = eng.Step(st, dialog.Input{Kind: dialog.InputResult, Result: res, Now: now})
	show(out)
	fmt.Println("end:", out.End, "vars:", st.PublicVars()["obj"])
	// Output:
	// bot: Dobrý den! S čím pomohu? [{Stav objednávky status}]
	// bot: Číslo objednávky? []
	// action: verify_order map[order:2025000123]
	// bot: Objednávka 2025000123: Odesláno, k úhradě 1 230,50 Kč. []
	// end: done vars: 2025000123
}
