package convo_test

import (
	"bytes"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/samoobsluha/samoobsluha/convo"
)

// mustParse parses one convo (with optional utterance lists).
func mustParse(t *testing.T, name, text string, utt convo.Utterances) []*convo.Convo {
	t.Helper()
	cs, err := convo.Parse(name, []byte(text), utt)
	if err != nil {
		t.Fatalf("Parse(%s) = %v", name, err)
	}
	return cs
}

func runText(t *testing.T, text string) convo.Result {
	t.Helper()
	cs := mustParse(t, "t.convo.txt", text, nil)
	r := &convo.Runner{Web: inProcess(), Voice: inProcess()}
	return r.RunOne(t.Context(), cs[0])
}

func TestGoodScriptsPass(t *testing.T) {
	tests := []struct{ name, text string }{
		{"implicit hello, greeting checked", `Greeting
#bot
Hello, I am the *bot.
#bot
what can I help*
BUTTONS Order status|person
BUTTONS_COUNT 2
EXPECT button
STATE channel=test
SESSION new
`},
		{"implicit hello, greeting skipped", `Skip greeting
#me
order status
#bot
Please send me your order number.
EXPECT text order_number
STATE want=status
`},
		{"button, links, image, memory", `Order
A description line.
It can be long.
#bot
#bot
#me
BUTTON status
#bot
*order number*
#me
2026000101
#bot
Order $no is in the state *.
LINKS Track the parcel
LINK_CONTAINS track.example/?id=$no
IMAGE data:image/png
TEXT_CONTAINS_ANY Shipped|Delivered
TEXT_CONTAINS_ALL Shipped|on its way
TEXT_CONTAINS_ANY_IC SHIPPED
TEXT_REGEXP_ANY state S[a-z]+\.|state Delivered
TEXT_REGEXP_ALL ^Order|way\.$
NOT_TEXT_CONTAINS_ANY Cancelled
!TEXT_CONTAINS_ALL Shipped|Cancelled
!*cancelled*
STATE order_no=$no|count=3|want=status|missing=
#me
Is $no still on its way?
#bot
Order 2026000101 is*
`},
		{"end and handover", `Person
#bot
#bot
#me
BUTTON person
#bot
*colleague*
END handover
`},
		{"error frame", `Locked
#bot
#bot
#me
lock
#bot
ERROR locked
NOT_END
`},
		{"resume with history", `Resume
#bot
#bot
#me
BUTTON status
#bot
*order number*
#me
HELLO resume
#bot
SESSION resumed
HISTORY_CONTAINS *order number*
EXPECT text order_number
#me
HELLO session=$session
#bot
SESSION resumed
`},
		{"pause expires the session", `Expiry
#bot
#bot
#me
PAUSE 31m
BUTTON status
#bot
*expired*
END expired
`},
		{"escaped keyword as text", `Escape
#me
\OK
#bot
\SORRY* did not understand*
`},
		{"voice call", `Voice
#me
VOICE_START +420 601 223 344 lang=en
#bot
Hello, I am the test bot.*What can I help*
SAY_CONTAINS test bot
SSML_VALID
SSML_CONTAINS <speak>
EXPECT speech_dtmf
#me
order status please
#bot
*order number*
EXPECT speech_dtmf order_number
#me
DTMF 2026000101#
#bot
Order 2026000101 *
SSML_CONTAINS <break
#me
NO_INPUT
#bot
Are you still there?
#me
operator
#bot
*colleague*
TRANSFER +420222333444
END handover
`},
		{"voice hangup", `Voice hangup
#me
VOICE_START
#bot
#me
VOICE_HANGUP
#bot
Goodbye!
HANGUP
`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := runText(t, tt.text)
			if res.Status != convo.Passed {
				var b bytes.Buffer
				convo.WriteReport(&b, []convo.Result{res}, true)
				t.Fatalf("RunOne = %s, want passed:\n%s", res.Status, b.String())
			}
		})
	}
}

func TestMismatchesFail(t *testing.T) {
	const hello = "Mismatch\n#bot\n#bot\n#me\nBUTTON status\n#bot\n*order number*\n#me\n2026000101\n"
	tests := []struct {
		name, text string
		line       int
		want       []string // substrings of the failure report
	}{
		{"text", hello + "#bot\nOrder 2026000101 is in the state Delivered.\n", 11,
			[]string{"text mismatch", `after:    #me "2026000101" (line 8)`, `expected: text "Order 2026000101 is in the state Delivered."`,
				`bot said: "Order 2026000101 is in the state Shipped.\nIt is on its way."`,
				`then "Delivered." was expected, but the bot said "Shipped. It is on its way."`}},
		{"nothing matches", hello + "#bot\nZebra\n", 11, []string{"nothing of the expected text occurs", `"Zebra"`}},
		{"negated text", hello + "#bot\n!*Shipped*\n", 11, []string{`"!*Shipped*": matched, but must not`}},
		{"buttons", "B\n#bot\n#bot\nBUTTONS Order status|Invoice\n", 4,
			[]string{"BUTTONS mismatch", "missing: Invoice", "[Order status](status) [A person](person)"}},
		{"buttons count", "B\n#bot\n#bot\nBUTTONS_COUNT 3\n", 4, []string{"expected: 3 buttons", "2 buttons"}},
		{"contains any", hello + "#bot\nTEXT_CONTAINS_ANY Delivered|Cancelled\n", 11, []string{"TEXT_CONTAINS_ANY mismatch", `one of "Delivered", "Cancelled"`}},
		{"contains all", hello + "#bot\nTEXT_CONTAINS_ALL Shipped|Delivered\n", 11, []string{`not found: "Delivered"`}},
		{"contains any is case-sensitive", hello + "#bot\nTEXT_CONTAINS_ANY shipped\n", 11, []string{"TEXT_CONTAINS_ANY mismatch"}},
		{"regexp", hello + "#bot\nTEXT_REGEXP_ANY ^Delivered\n", 11, []string{"TEXT_REGEXP_ANY mismatch"}},
		{"links", hello + "#bot\nLINKS Download the invoice\n", 11, []string{"LINKS mismatch", "missing: Download the invoice", "[Track the parcel](https://track.example/?id=2026000101)"}},
		{"link contains", hello + "#bot\nLINK_CONTAINS invoice\n", 11, []string{"LINK_CONTAINS mismatch"}},
		{"image", "I\n#bot\nIMAGE\n", 3, []string{"IMAGE mismatch", "no image"}},
		{"expect", hello + "#bot\nEXPECT text email\n", 11, []string{"EXPECT mismatch", "expected: expects text email", "bot said: expects button"}},
		{"state", hello + "#bot\nSTATE order_no=2026000102\n", 11, []string{"STATE mismatch", `order_no is "2026000101", expected "2026000102"`, "first difference at character 10"}},
		{"state unset", hello + "#bot\nSTATE want=\n", 11, []string{`want is "status", expected unset`}},
		{"end", hello + "#bot\nEND done\n", 11, []string{"END mismatch", "the conversation goes on"}},
		{"error", hello + "#bot\nERROR\n", 11, []string{"ERROR mismatch", "no error"}},
		{"session", "S\n#bot\nSESSION resumed\n", 3, []string{"SESSION mismatch", "a new session"}},
		{"history", "S\n#me\nHELLO resume\n#bot\nHISTORY_CONTAINS *invoice*\n", 5, []string{"HISTORY_CONTAINS mismatch"}},
		{"negated asserter", hello + "#bot\n!TEXT_CONTAINS_ANY Shipped\n", 11, []string{`!TEXT_CONTAINS_ANY Shipped: matched, but must not`, "expected: not text containing one of \"Shipped\""}},
		{"voice asserter on web", "S\n#bot\nSAY_CONTAINS hello\n", 3, []string{"no voice rendering"}},
		{"unchecked message", "S\n#bot\n#me\nBUTTON status\n#bot\n", 3, []string{"the bot said 1 more message(s) that no #bot step checked", `"What can I help you with?" [Order status](status)`}},
		{"unchecked at the end", "S\n#bot\n", 2, []string{"1 more message(s)"}},
		{"missing message", "S\n#bot\n#bot\n#bot\nthird\n", 4, []string{"expected another bot message, but the bot's turn had 2", `expected: text "third"`}},
		{"missing message after error", hello + "#bot\n#me\nlock\n#bot\nToo many*\n", 13, []string{"the input was refused: error locked"}},
		{"transfer", "V\n#me\nVOICE_START\n#bot\n#me\noperator\n#bot\nTRANSFER +420111\n", 8, []string{"TRANSFER mismatch", "action transfer to +420222333444"}},
		{"hangup", "V\n#me\nVOICE_START\n#bot\nHANGUP\n", 5, []string{"HANGUP mismatch", "action continue"}},
		{"say", "V\n#me\nVOICE_START\n#bot\nSAY_CONTAINS goodbye\n", 5, []string{"SAY_CONTAINS mismatch", `not found: "goodbye"`}},
		{"ssml contains", "V\n#me\nVOICE_START\n#bot\nSSML_CONTAINS <break\n", 5, []string{"SSML_CONTAINS mismatch"}},
		{"expect voice", "V\n#me\nVOICE_START\n#bot\nEXPECT speech\n", 5, []string{"expects speech_dtmf"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := runText(t, tt.text)
			if res.Status != convo.Failed {
				t.Fatalf("RunOne = %s, want failed", res.Status)
			}
			if res.Failure.Line != tt.line {
				t.Errorf("failure line = %d, want %d (%s)", res.Failure.Line, tt.line, res.Failure)
			}
			var b bytes.Buffer
			if err := convo.WriteReport(&b, []convo.Result{res}, false); err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("report lacks %q:\n%s", w, b.String())
				}
			}
			if !strings.Contains(b.String(), "0 passed, 1 failed") {
				t.Errorf("report lacks the summary:\n%s", b.String())
			}
		})
	}
}

func TestInvalidSSML(t *testing.T) {
	tests := []struct{ ssml, want string }{
		{"", "no SSML"},
		{"<speak>a", "not well-formed"},
		{"<voice>a</voice>", "root element is <voice>"},
		{"<speak><blink>a</blink></speak>", "<blink> is not an SSML element"},
		{"<speak>a</speak><speak>b</speak>", "2 root elements"},
		{"hello <speak>a</speak>", "text outside <speak>"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			err := convo.ValidSSML(tt.ssml)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ValidSSML(%q) = %v, want %q", tt.ssml, err, tt.want)
			}
		})
	}
	if err := convo.ValidSSML(`<speak>Číslo <say-as interpret-as="characters">Z408</say-as><break time="300ms"/></speak>`); err != nil {
		t.Errorf("ValidSSML(good) = %v", err)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, text, want string }{
		{"unknown asserter", "X\n#bot\nBUTTONZ a|b\n", "t.convo.txt:3: unknown asserter BUTTONZ"},
		{"unknown NOT asserter", "X\n#bot\nNOT_FOO a\n", "t.convo.txt:3: unknown asserter NOT_FOO"},
		{"unknown ! asserter", "X\n#bot\n!FOO a\n", "t.convo.txt:3: unknown asserter FOO"},
		{"double negation", "X\n#bot\n!NOT_END\n", "negate an asserter once"},
		{"unknown input", "X\n#me\nCLICK here\n", "t.convo.txt:3: unknown user input CLICK"},
		{"text after section", "X\n#me hello\n", "t.convo.txt:2: #me stands alone on its line"},
		{"unknown section", "X\n#user\nhi\n", "t.convo.txt:2: unknown section \"#user\""},
		{"unknown option", "X\n@fast\n#me\nhi\n", "t.convo.txt:2: unknown option \"@fast\""},
		{"empty", "\n\n", "empty convo"},
		{"no sections", "X\njust a description\n", "no #me or #bot section"},
		{"name is a section", "#me\nhi\n", "t.convo.txt:1: the first line is the convo's name"},
		{"empty me", "X\n#me\n\n#bot\n", "t.convo.txt:2: empty #me section"},
		{"two inputs", "X\n#me\nBUTTON a\nBUTTON b\n", "t.convo.txt:4: a #me section holds one input"},
		{"text and input", "X\n#me\nBUTTON a\nhello\n", "t.convo.txt:4: a #me section holds text or one user input"},
		{"input after text", "X\n#me\nhello\nBUTTON a\n", "t.convo.txt:3: a #me section holds text or one user input"},
		{"unknown input after text", "X\n#me\nhello\nCLICK a\n", "t.convo.txt:4: unknown user input CLICK"},
		{"button without value", "X\n#me\nBUTTON\n", "BUTTON needs the button's value"},
		{"bad dtmf", "X\n#me\nVOICE_START\n#me\nDTMF 12a\n", "DTMF needs keypad digits"},
		{"dtmf on web", "X\n#me\nDTMF 12\n", "t.convo.txt:2: DTMF 12 is for voice convos"},
		{"button on voice", "X\n#me\nVOICE_START\n#me\nBUTTON status\n", "t.convo.txt:4: BUTTON status is for web convos"},
		{"voice start late", "X\n#me\nhi\n#me\nVOICE_START\n", "VOICE_START must be the convo's first input"},
		{"voice after bot", "X\n#bot\n#me\nVOICE_START\n", "a voice convo starts with #me VOICE_START"},
		{"bad pause", "X\n#me\nPAUSE soon\n", "PAUSE soon: not a positive duration"},
		{"bad hello", "X\n#me\nHELLO lang=de\n", `HELLO: unknown option "lang=de"`},
		{"bad caller", "X\n#me\nVOICE_START +420abc\n", "is not part of a phone number"},
		{"asserter args", "X\n#bot\nBUTTONS_COUNT many\n", `BUTTONS_COUNT: "many" is not a count`},
		{"asserter needs args", "X\n#bot\nTEXT_CONTAINS_ANY\n", "TEXT_CONTAINS_ANY: TEXT_CONTAINS_ANY a|b"},
		{"bad regexp", "X\n#bot\nTEXT_REGEXP_ANY (\n", "TEXT_REGEXP_ANY: error parsing regexp"},
		{"bad state", "X\n#bot\nSTATE $order=1\n", `"$order=1" is not name=value`},
		{"bad end", "X\n#bot\nEND bye\n", `"bye" is not one of done, handover, expired`},
		{"not utf-8", "X\n#me\n\xff\n", "not UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := convo.Parse("t.convo.txt", []byte(tt.text), nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse() = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestUtteranceExpansion(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("status.utterances.txt", "STATUS_EN\norder status\nwhat is the status of my order\nstatus please\n")
	write("numbers.utterances.txt", "NUMBERS\n2026000101\n2026000102\n")
	write("bye.utterances.txt", "SHIPPED\n*state Shipped*\n*state Sent*\n")
	write("a.convo.txt", "Status\n#me\nSTATUS_EN\n#bot\n*order number*\n#me\nNUMBERS\n#bot\nSHIPPED\n")
	write("b.convo.txt", "Wrong\n#me\nSTATUS_EN\n#bot\nSHIPPED\n")
	cs, err := convo.Load([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range cs {
		names = append(names, c.Name)
	}
	want := []string{"Status [STATUS_EN 1, NUMBERS 1]", "Status [STATUS_EN 2, NUMBERS 2]", "Status [STATUS_EN 3, NUMBERS 1]",
		"Wrong [STATUS_EN 1]", "Wrong [STATUS_EN 2]", "Wrong [STATUS_EN 3]"}
	if strings.Join(names, "\n") != strings.Join(want, "\n") {
		t.Fatalf("Load() names =\n%s\nwant\n%s", strings.Join(names, "\n"), strings.Join(want, "\n"))
	}
	if got := cs[1].Steps[0].Input.Text; got != "what is the status of my order" {
		t.Errorf("variant 2 input = %q", got)
	}
	r := &convo.Runner{Web: inProcess()}
	res := r.Run(t.Context(), cs)
	if s := convo.Summarize(res); s.Passed != 3 || s.Failed != 3 {
		var b bytes.Buffer
		convo.WriteReport(&b, res, false)
		t.Fatalf("Run = %s, want 3 passed, 3 failed:\n%s", s, b.String())
	}
	if f := res[3].Failure; !strings.Contains(f.Expected, "one of the 2 utterances of SHIPPED") {
		t.Errorf("utterance mismatch = %s", f)
	}

	write("dup.utterances.txt", "NUMBERS\n1\n")
	if _, err := convo.Load([]string{dir}); err == nil || !strings.Contains(err.Error(), "utterance list NUMBERS is already defined") {
		t.Errorf("Load(duplicate list) = %v", err)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := convo.Load([]string{dir}); err == nil || !strings.Contains(err.Error(), "no *.convo.txt files") {
		t.Errorf("Load(empty dir) = %v", err)
	}
	if _, err := convo.Load([]string{filepath.Join(dir, "missing.convo.txt")}); err == nil {
		t.Error("Load(missing file) = nil")
	}
	os.WriteFile(filepath.Join(dir, "a.convo.txt"), []byte("A\n#bot\nNOPE\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "b.convo.txt"), []byte("B\n#me\nFOO\n"), 0o644)
	_, err := convo.Load([]string{dir})
	if err == nil || !strings.Contains(err.Error(), "a.convo.txt:3: unknown asserter NOPE") || !strings.Contains(err.Error(), "b.convo.txt:3: unknown user input FOO") {
		t.Errorf("Load(two bad files) = %v, want both errors", err)
	}
}

func TestRunParallelSerialSkipAndJUnit(t *testing.T) {
	var cs []*convo.Convo
	for i := range 8 {
		text := "Web " + string(rune('A'+i)) + "\n#me\nBUTTON status\n#bot\n*order number*\n"
		if i == 3 {
			text = "Web failing\n#me\nBUTTON status\n#bot\n*invoice*\n"
		}
		if i == 5 {
			text = "Serial\n@serial\n#me\nlock\n#bot\nERROR locked\n"
		}
		cs = append(cs, mustParse(t, "dialogs/web/"+string(rune('a'+i))+".convo.txt", text, nil)...)
	}
	cs = append(cs, mustParse(t, "dialogs/voice/v.convo.txt", "Voice\n#me\nVOICE_START\n#bot\n", nil)...)
	if !cs[5].Serial {
		t.Fatal("@serial not parsed")
	}
	r := &convo.Runner{Web: inProcess(), Parallel: 4}
	res := r.Run(t.Context(), cs)
	if len(res) != len(cs) {
		t.Fatalf("Run returned %d results for %d convos", len(res), len(cs))
	}
	for i := range res {
		if res[i].Convo != cs[i] {
			t.Fatalf("result %d is for %s, want %s", i, res[i].Convo.Name, cs[i].Name)
		}
	}
	if s := convo.Summarize(res); s.Passed != 7 || s.Failed != 1 || s.Skipped != 1 {
		t.Fatalf("Summarize = %s, want 7 passed, 1 failed, 1 skipped", s)
	}
	if res[0].Duration <= 0 {
		t.Errorf("result duration = %v, want the time the convo took", res[0].Duration)
	}
	if res[8].Skip != "no voice target configured" {
		t.Errorf("skip reason = %q", res[8].Skip)
	}

	var b bytes.Buffer
	if err := convo.WriteJUnit(&b, "samoobsluha", res); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Skipped  int `xml:"skipped,attr"`
		Suites   []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Message string `xml:"message,attr"`
					Body    string `xml:",chardata"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatalf("JUnit XML does not parse: %v\n%s", err, b.String())
	}
	if doc.Tests != 9 || doc.Failures != 1 || doc.Skipped != 1 || len(doc.Suites) != 2 || doc.Suites[0].Name != "dialogs/web" {
		t.Errorf("JUnit counts: tests %d failures %d skipped %d suites %d", doc.Tests, doc.Failures, doc.Skipped, len(doc.Suites))
	}
	f := doc.Suites[0].Cases[3].Failure
	if f == nil || f.Message != "text mismatch" || !strings.Contains(f.Body, "dialogs/web/d.convo.txt:5") {
		t.Errorf("JUnit failure = %+v", f)
	}
}

func TestParseBOMAndCRLF(t *testing.T) {
	cs := mustParse(t, "w.convo.txt", "\ufeffWindows file\r\nmade in Notepad\r\n\r\n#me\r\nBUTTON status\r\n\r\n#bot\r\n*order number*\r\n", nil)
	c := cs[0]
	if c.Name != "Windows file" || c.Description != "made in Notepad" || len(c.Steps) != 2 || c.Steps[0].Input.Value != "status" || c.Steps[1].Checks[0].Args[0] != "*order number*" {
		t.Errorf("Parse(BOM, CRLF) = %+v", c)
	}
	if res := (&convo.Runner{Web: inProcess()}).RunOne(t.Context(), c); res.Status != convo.Passed {
		t.Errorf("RunOne = %s: %v", res.Status, res.Failure)
	}
}
