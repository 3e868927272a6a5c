package speech_test

import (
	"fmt"
	"time"

	"github.com/samoobsluha/samoobsluha/dialog/speech"
)

func ExampleOrderNumbers() {
	// The recogniser's best guess and one alternative.
	heard := []string{"číslo objednávky je dvacet dvacet šest, nula nula, dvanáct třicet čtyři", "2026 001 234"}
	fmt.Println(speech.OrderNumbers(heard, "cs"))
	// Output: [2026001234]
}

func ExampleEmails() {
	fmt.Println(speech.Emails([]string{"jan tečka novák zavináč seznam cé zet"}, "cs"))
	// Output: [jan.novak@seznam.cz]
}

func ExampleSpellEmail() {
	fmt.Println(speech.SpellEmail("jan.novak85@gmail.com", "cs"))
	fmt.Println(speech.SpellEmail("jan.novak85@gmail.com", "en"))
	// Output:
	// jan tečka novak osm pět zavináč džímejl tečka kom
	// jan dot novak eight five at gmail dot com
}

func ExampleAmount() {
	fmt.Println(speech.Amount(1230.50, "CZK", "cs"))
	fmt.Println(speech.Amount(2, "EUR", "cs"))
	fmt.Println(speech.Amount(1230.50, "CZK", "en"))
	// Output:
	// tisíc dvě stě třicet korun a padesát haléřů
	// dvě eura
	// one thousand two hundred thirty Czech crowns and fifty hellers
}

func ExampleDate() {
	d := time.Date(2026, time.November, 27, 0, 0, 0, 0, time.UTC)
	fmt.Println(speech.Date(d, "cs", true))
	fmt.Println(speech.Date(d, "en", false))
	// Output:
	// dvacátého sedmého listopadu dva tisíce dvacet šest
	// the 27th of November
}

func ExampleRender() {
	say, ssml := speech.Render("Objednávka 2500123 čeká na platbu 99,90 Kč: https://shop.cz/pay/1", "cs")
	fmt.Println(say)
	fmt.Println(ssml)
	// Output:
	// Objednávka dva pět nula, nula jedna, dva tři čeká na platbu devadesát devět korun a devadesát haléřů.
	// <speak xml:lang="cs-CZ">Objednávka <say-as interpret-as="digits">250</say-as><break time="300ms"/><say-as interpret-as="digits">01</say-as><break time="300ms"/><say-as interpret-as="digits">23</say-as> čeká na platbu devadesát devět korun a devadesát haléřů.</speak>
}
