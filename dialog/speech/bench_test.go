package speech_test

import (
	"strings"
	"testing"

	"github.com/samoobsluha/samoobsluha/dialog/speech"
)

func BenchmarkOrderNumbers(b *testing.B) {
	alts := []string{"číslo objednávky je dvacet dvacet šest, nula nula, dvanáct třicet čtyři", "2026 001 234"}
	for b.Loop() {
		speech.OrderNumbers(alts, "cs")
	}
}

func BenchmarkEmails(b *testing.B) {
	alts := []string{"můj e-mail je jan tečka novák zavináč seznam tečka cé zet", "jan.novak@seznam.cz"}
	for b.Loop() {
		speech.Emails(alts, "cs")
	}
}

// BenchmarkOrderNumbersWorst is the longest input the dialog engine passes
// (1000 characters) made of glued number words.
func BenchmarkOrderNumbersWorst(b *testing.B) {
	alts := []string{strings.Repeat("dvanuladvasest ", 67)[:1000], strings.Repeat("sedmdesatsedm", 77)}
	for b.Loop() {
		speech.OrderNumbers(alts, "cs")
	}
}

func BenchmarkRender(b *testing.B) {
	text := "Objednávka 2025000123 ze dne 27. 11. 2026 je ve stavu Odesláno. K úhradě zbývá 1 230,50 Kč. Zásilku Z1234567890 sledujte na https://tracking.example/Z1234567890."
	for b.Loop() {
		speech.Render(text, "cs")
	}
}
