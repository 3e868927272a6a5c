package speech_test

import (
	"bufio"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/samoobsluha/samoobsluha/dialog/speech"
)

// corpusEntry is one line of testdata/corpus.txt.
type corpusEntry struct {
	line         int
	kind, lang   string
	expected     string // "none": nothing valid can be taken
	decoys       []string
	alternatives []string
}

func mustReadCorpus(t testing.TB, path string) []corpusEntry {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var entries []corpusEntry
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.Split(line, "|")
		head := strings.Fields(parts[0])
		if len(head) < 3 || len(parts) < 2 {
			t.Fatalf("%s:%d: want KIND LANG EXPECTED [!DECOY...] | ALTERNATIVE..., got %q", path, n, line)
		}
		e := corpusEntry{line: n, kind: head[0], lang: head[1], expected: head[2]}
		if e.kind != "order" && e.kind != "email" {
			t.Fatalf("%s:%d: unknown kind %q", path, n, e.kind)
		}
		for _, d := range head[3:] {
			if !strings.HasPrefix(d, "!") {
				t.Fatalf("%s:%d: decoy %q must start with !", path, n, d)
			}
			if d[1:] == e.expected {
				t.Fatalf("%s:%d: decoy equals the expected value", path, n)
			}
			e.decoys = append(e.decoys, d[1:])
		}
		for _, a := range parts[1:] {
			e.alternatives = append(e.alternatives, strings.TrimSpace(a))
		}
		entries = append(entries, e)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return entries
}

// TestCorpus measures how well OrderNumbers and Emails understand the
// recorded transcripts. An entry is understood when its expected value is
// among the candidates (or, for "none", when there are none). No e-mail
// candidate may ever equal a decoy.
func TestCorpus(t *testing.T) {
	entries := mustReadCorpus(t, "testdata/corpus.txt")
	if len(entries) < 300 {
		t.Fatalf("corpus has %d entries, want at least 300", len(entries))
	}
	// single counts entries with one alternative: there the expected value
	// must come first, while a misheard first alternative may rightly push
	// it to second place.
	type stats struct{ total, understood, first, none, noneOK, single, singleFirst int }
	got := map[string]*stats{"order": {}, "email": {}}
	wrongVerifications := 0
	for _, e := range entries {
		var cands []string
		if e.kind == "order" {
			cands = speech.OrderNumbers(e.alternatives, e.lang)
		} else {
			cands = speech.Emails(e.alternatives, e.lang)
		}
		s := got[e.kind]
		s.total++
		if len(e.alternatives) == 1 {
			s.single++
			if (e.expected == "none" && len(cands) == 0) || (len(cands) > 0 && cands[0] == e.expected) {
				s.singleFirst++
			}
		}
		switch {
		case e.expected == "none":
			s.none++
			if len(cands) == 0 {
				s.noneOK++
				s.understood++
				s.first++
			} else {
				t.Logf("line %d: %s(%q) = %q, want none", e.line, e.kind, e.alternatives, cands)
			}
		case len(cands) > 0 && cands[0] == e.expected:
			s.understood++
			s.first++
		case slices.Contains(cands, e.expected):
			s.understood++
			t.Logf("line %d: %s(%q) = %q, want %q first", e.line, e.kind, e.alternatives, cands, e.expected)
		default:
			t.Logf("line %d: %s(%q) = %q, want %q among them", e.line, e.kind, e.alternatives, cands, e.expected)
		}
		for _, c := range cands {
			if slices.Contains(e.decoys, c) {
				wrongVerifications++
				t.Errorf("line %d: Emails(%q) yields decoy %q (another address than %q)", e.line, e.alternatives, c, e.expected)
			}
		}
	}
	for _, k := range []string{"order", "email"} {
		s := got[k]
		t.Logf("%s: %d entries, understood %d (%.1f%%), first %d (%.1f%%), first with one alternative %d/%d (%.1f%%), none %d/%d",
			k, s.total, s.understood, pct(s.understood, s.total), s.first, pct(s.first, s.total),
			s.singleFirst, s.single, pct(s.singleFirst, s.single), s.noneOK, s.none)
	}
	t.Logf("wrong verifications: %d", wrongVerifications)
	for _, c := range []struct {
		kind                      string
		understood, first, single float64
	}{
		{"order", 98, 85, 97},
		{"email", 95, 85, 97},
	} {
		s := got[c.kind]
		if p := pct(s.understood, s.total); p < c.understood {
			t.Errorf("%s understood %.1f%%, want at least %.0f%%", c.kind, p, c.understood)
		}
		if p := pct(s.first, s.total); p < c.first {
			t.Errorf("%s understood first %.1f%%, want at least %.0f%%", c.kind, p, c.first)
		}
		if p := pct(s.singleFirst, s.single); p < c.single {
			t.Errorf("%s with one alternative understood first %.1f%%, want at least %.0f%%", c.kind, p, c.single)
		}
	}
}

func pct(n, total int) float64 {
	if total == 0 {
		return 0
	}
	return 100 * float64(n) / float64(total)
}
