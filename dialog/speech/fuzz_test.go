package speech_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/samoobsluha/samoobsluha/dialog/speech"
)

// Seed inputs live in testdata/fuzz/<FuzzName>; the corpus transcripts are
// added too, so the fuzzer starts from realistic speech.

func addCorpusSeeds(f *testing.F, kind string) {
	f.Helper()
	for _, e := range mustReadCorpus(f, "testdata/corpus.txt") {
		if e.kind == kind {
			f.Add(e.alternatives[0], strings.Join(e.alternatives[1:], "|"), e.lang)
		}
	}
}

func FuzzOrderNumbers(f *testing.F) {
	addCorpusSeeds(f, "order")
	f.Fuzz(func(t *testing.T, text, others, lang string) {
		alts := append([]string{text}, strings.Split(others, "|")...)
		got := speech.OrderNumbers(alts, lang)
		if len(got) > 5 {
			t.Errorf("OrderNumbers(%q) returned %d candidates, want at most 5", alts, len(got))
		}
		seen := map[string]bool{}
		for _, c := range got {
			if seen[c] {
				t.Errorf("OrderNumbers(%q) = %q: duplicate %q", alts, got, c)
			}
			seen[c] = true
			digits := 0
			for _, r := range c {
				switch {
				case r >= '0' && r <= '9':
					digits++
				case r >= 'A' && r <= 'Z':
				default:
					t.Errorf("OrderNumbers(%q) = %q: %q has %q", alts, got, c, r)
				}
			}
			if len(c) < 4 || len(c) > 20 || digits < 3 {
				t.Errorf("OrderNumbers(%q) = %q: %q is not a plausible order number", alts, got, c)
			}
		}
	})
}

func FuzzEmails(f *testing.F) {
	addCorpusSeeds(f, "email")
	f.Fuzz(func(t *testing.T, text, others, lang string) {
		alts := append([]string{text}, strings.Split(others, "|")...)
		got := speech.Emails(alts, lang)
		if len(got) > 5 {
			t.Errorf("Emails(%q) returned %d candidates, want at most 5", alts, len(got))
		}
		seen := map[string]bool{}
		for _, c := range got {
			if seen[c] {
				t.Errorf("Emails(%q) = %q: duplicate %q", alts, got, c)
			}
			seen[c] = true
			if strings.Count(c, "@") != 1 || speech.NormaliseEmail(c) != c {
				t.Errorf("Emails(%q) = %q: %q is not a normalised address", alts, got, c)
			}
			if strings.ContainsAny(c, " \t\n\"<>(),;:") {
				t.Errorf("Emails(%q) = %q: %q has characters an address cannot", alts, got, c)
			}
		}
		for _, lang := range []string{"cs", "en"} {
			for _, c := range got {
				if s := speech.SpellEmail(c, lang); !utf8.ValidString(s) {
					t.Errorf("SpellEmail(%q) = %q, not valid UTF-8", c, s)
				}
			}
		}
		speech.YesNo(text, lang)
	})
}

func FuzzRender(f *testing.F) {
	for _, m := range renderMessages {
		f.Add(m, "cs")
	}
	f.Fuzz(func(t *testing.T, text, lang string) {
		say, ssml := speech.Render(text, lang)
		if err := checkXML(ssml); err != nil {
			t.Errorf("Render(%q).ssml = %q is not valid XML: %v", text, ssml, err)
		}
		if !utf8.ValidString(say) {
			t.Errorf("Render(%q).say = %q, not valid UTF-8", text, say)
		}
		if err := checkXML("<speak>" + speech.SSMLCode(text, lang) + "</speak>"); err != nil {
			t.Errorf("SSMLCode(%q) is not valid XML: %v", text, err)
		}
	})
}
