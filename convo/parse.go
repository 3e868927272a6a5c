package convo

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Senders of a step.
const (
	Me  = "me"
	Bot = "bot"
)

// Input kinds of a #me step.
const (
	InputText       = "text"        // typed (web) or recognised (voice) text
	InputButton     = "button"      // BUTTON value
	InputDigits     = "digits"      // DTMF digits (voice)
	InputNoInput    = "no_input"    // NO_INPUT: the caller said nothing (voice)
	InputHello      = "hello"       // HELLO: start or resume a web conversation
	InputVoiceStart = "voice_start" // VOICE_START: a call is answered
	InputHangup     = "hangup"      // VOICE_HANGUP: the caller hangs up
)

// Convo is one parsed conversation script.
type Convo struct {
	// File is the path the convo was read from.
	File string
	// Name is the first line of the file; for a variant made by utterance
	// expansion it ends with the utterance used, e.g. `Status [STATUS_CS 2]`.
	Name string
	// Description is the text between the name and the first section,
	// without the option lines.
	Description string
	// Serial convos run alone, after the parallel ones (option line
	// "@serial" in the description): for convos that change what other
	// convos see, such as a web lockout that locks the client's address on
	// a running server.
	Serial bool
	// ShopDown (option "@shop-down") makes the in-process shop answer
	// every call with HTTP 503, for the scenario's error paths. Such
	// convos are skipped on remote targets.
	ShopDown bool
	// ShopPermissions (options "@shop-permission ENDPOINT=LEVEL") restrict
	// the in-process shop's API user, e.g. invoices=deny, for error paths
	// of single shop calls. Such convos are skipped on remote targets.
	ShopPermissions map[string]string
	// Vars (options "@var NAME=VALUE") are bot settings for the
	// in-process bot, such as the shop's bank account ($account) for QR
	// payments. Such convos are skipped on remote targets.
	Vars map[string]string
	// InProcess (option "@in-process") marks a convo that only makes
	// sense in-process, e.g. one that PAUSEs past the session lifetime
	// (in-process PAUSE moves a fake clock; remotely it would really wait).
	InProcess bool
	// Steps in file order.
	Steps []Step
}

// InProcessOnly reports whether the convo needs the in-process target
// (@in-process, or it sets up the shop or the bot with @shop-down,
// @shop-permission or @var).
func (c *Convo) InProcessOnly() bool {
	return c.InProcess || c.ShopDown || len(c.ShopPermissions) > 0 || len(c.Vars) > 0
}

// Channel returns "voice" when the convo's first input is VOICE_START, and
// "web" otherwise.
func (c *Convo) Channel() string {
	for _, s := range c.Steps {
		if s.Sender == Me && s.Input != nil {
			if s.Input.Kind == InputVoiceStart {
				return "voice"
			}
			return "web"
		}
	}
	return "web"
}

// Step is one #me or #bot section.
type Step struct {
	Line   int    // line of the section header
	Sender string // Me or Bot
	// Input is what a #me step sends; nil for a #me that only pauses.
	Input *Input
	// Pause is waited before the input is sent (#me) or before the checks
	// run (#bot). In-process it advances the bot's clock instead.
	Pause time.Duration
	// Checks of a #bot step, in file order.
	Checks []Check
	// Consumes is true when the #bot step reads one bot message: it is
	// empty (accept any message) or has a text line or a message asserter.
	// A #bot with only turn asserters (EXPECT, STATE, END, ...) reads none.
	Consumes bool
}

// Input is one thing the customer does.
type Input struct {
	Kind   string
	Text   string // InputText
	Value  string // InputButton
	Digits string // InputDigits
	// HELLO options.
	Lang    string            // "cs" or "en"; "" keeps the default
	Resume  bool              // resume the conversation's current session
	Session string            // resume this session id
	Vars    map[string]string // host-page variables (var.NAME=VALUE)
	// VOICE_START option: the caller's number.
	Caller string
}

// String renders the input as it would be written in a convo.
func (in *Input) String() string {
	if in == nil {
		return "(nothing)"
	}
	switch in.Kind {
	case InputText:
		return strconv.Quote(in.Text)
	case InputButton:
		return "BUTTON " + in.Value
	case InputDigits:
		return "DTMF " + in.Digits
	case InputNoInput:
		return "NO_INPUT"
	case InputHangup:
		return "VOICE_HANGUP"
	case InputVoiceStart:
		s := "VOICE_START"
		if in.Caller != "" {
			s += " " + in.Caller
		}
		if in.Lang != "" {
			s += " lang=" + in.Lang
		}
		return s
	case InputHello:
		s := "HELLO"
		if in.Resume {
			s += " resume"
		}
		if in.Session != "" {
			s += " session=" + in.Session
		}
		if in.Lang != "" {
			s += " lang=" + in.Lang
		}
		keys := make([]string, 0, len(in.Vars))
		for k := range in.Vars {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			s += " var." + k + "=" + in.Vars[k]
		}
		return s
	}
	return in.Kind
}

// Check is one line of a #bot step: expected text or an asserter.
type Check struct {
	Line int
	// Name is the asserter name, or "" for expected text.
	Name string
	// Not inverts the check (NOT_ prefix, or "!" before expected text).
	Not bool
	// Args are the asserter's arguments (split on "|"); for expected text
	// the single element is the text, lines joined by "\n".
	Args []string
	// Utterances is set when expected text names an utterance list: any
	// of them may match.
	Utterances []string
}

// String renders the check as written.
func (c Check) String() string {
	if c.Name == "" {
		t := strings.Join(c.Args, "")
		if c.Not {
			t = "!" + t
		}
		return strconv.Quote(t)
	}
	n := c.Name
	if c.Not {
		n = "!" + n
	}
	if len(c.Args) == 0 {
		return n
	}
	return n + " " + strings.Join(c.Args, "|")
}

// Utterances maps an utterance list name to its lines (*.utterances.txt).
type Utterances map[string][]string

// ParseError is a problem in a convo or utterances file, with its line.
type ParseError struct {
	File string
	Line int
	Msg  string
}

// Error renders the problem as "file:line: message".
func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// keywordPattern is how an asserter or user input name looks: an
// all-capitals word of at least two characters. A text line that starts
// with such a word is read as an asserter and an unknown name is an
// error; write "\" before text that really starts with one.
var keywordPattern = regexp.MustCompile(`^[A-Z]{2,}(_[A-Z0-9]+)*$`)

// ParseUtterances reads one *.utterances.txt file: the first non-empty
// line is the list's name, every further non-empty line one utterance.
func ParseUtterances(file string, data []byte) (string, []string, error) {
	if !utf8.Valid(data) {
		return "", nil, &ParseError{File: file, Msg: "not UTF-8"}
	}
	var name string
	var list []string
	for _, l := range strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n") {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		if name == "" {
			name = l
			if !keywordPattern.MatchString(name) {
				return "", nil, &ParseError{File: file, Line: 1, Msg: fmt.Sprintf("utterance list name %q must be an all-capitals word like ORDER_STATUS_CS", name)}
			}
			continue
		}
		list = append(list, l)
	}
	if name == "" || len(list) == 0 {
		return "", nil, &ParseError{File: file, Msg: "an utterances file needs a name line and at least one utterance"}
	}
	return name, list, nil
}

// Parse reads one convo file. Utterance list names used as #me text
// expand the convo into one variant per utterance (a list of n utterances
// gives n variants; with several lists, variant i uses utterance i modulo
// each list's length). Errors are *ParseError, joined when there are
// several.
func Parse(file string, data []byte, utt Utterances) ([]*Convo, error) {
	if !utf8.Valid(data) {
		return nil, &ParseError{File: file, Msg: "not UTF-8"}
	}
	text := strings.TrimPrefix(string(data), "\ufeff") // a byte order mark
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	c := &Convo{File: file}
	var errs []error
	fail := func(line int, format string, args ...any) {
		errs = append(errs, &ParseError{File: file, Line: line, Msg: fmt.Sprintf(format, args...)})
	}

	i := 0
	for i < len(lines) && strings.TrimSpace(lines[i]) == "" {
		i++
	}
	if i == len(lines) {
		return nil, &ParseError{File: file, Msg: "empty convo: the first line is the name, then #me and #bot sections"}
	}
	if strings.HasPrefix(strings.TrimSpace(lines[i]), "#") {
		fail(i+1, "the first line is the convo's name, not a section")
	} else {
		c.Name = strings.TrimSpace(lines[i])
		i++
	}
	var desc []string
	for ; i < len(lines) && !strings.HasPrefix(strings.TrimSpace(lines[i]), "#"); i++ {
		l := strings.TrimSpace(lines[i])
		switch {
		case l == "@serial":
			c.Serial = true
		case l == "@in-process":
			c.InProcess = true
		case l == "@shop-down":
			c.ShopDown = true
		case strings.HasPrefix(l, "@shop-permission "):
			k, v, ok := strings.Cut(strings.TrimSpace(l[len("@shop-permission "):]), "=")
			if !ok || k == "" || v == "" {
				fail(i+1, "@shop-permission needs ENDPOINT=LEVEL, e.g. invoices=deny")
				continue
			}
			if c.ShopPermissions == nil {
				c.ShopPermissions = map[string]string{}
			}
			c.ShopPermissions[k] = v
		case strings.HasPrefix(l, "@var "):
			k, v, ok := strings.Cut(strings.TrimSpace(l[5:]), "=")
			if !ok || !varNamePattern.MatchString(strings.TrimPrefix(k, "$")) {
				fail(i+1, "@var needs NAME=VALUE, got %q", l[5:])
				continue
			}
			if c.Vars == nil {
				c.Vars = map[string]string{}
			}
			c.Vars[k] = v
		case strings.HasPrefix(l, "@"):
			fail(i+1, "unknown option %q (known: @serial, @in-process, @shop-down, @shop-permission ENDPOINT=LEVEL, @var NAME=VALUE)", l)
		default:
			desc = append(desc, l)
		}
	}
	c.Description = strings.TrimSpace(strings.Join(desc, "\n"))

	// Sections.
	type section struct {
		line   int
		sender string
		body   []numbered
	}
	var secs []section
	for ; i < len(lines); i++ {
		l := strings.TrimRight(lines[i], " \t")
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "#") && !strings.HasPrefix(t, "#{") {
			head := strings.Fields(t)[0]
			if head != t && (head == "#me" || head == "#bot") {
				fail(i+1, "%s stands alone on its line; put what follows on the next line", head)
			}
			switch head {
			case "#me":
				secs = append(secs, section{line: i + 1, sender: Me})
			case "#bot":
				secs = append(secs, section{line: i + 1, sender: Bot})
			default:
				fail(i+1, "unknown section %q: use #me or #bot", head)
				secs = append(secs, section{line: i + 1, sender: ""})
			}
			continue
		}
		if len(secs) == 0 {
			continue
		}
		secs[len(secs)-1].body = append(secs[len(secs)-1].body, numbered{i + 1, l})
	}
	if len(secs) == 0 && len(errs) == 0 {
		fail(0, "no #me or #bot section")
	}

	// Utterance references: step index -> list name.
	var refs []uttRef
	for _, s := range secs {
		switch s.sender {
		case Me:
			st, ref, err := parseMe(file, s.line, s.body, utt)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if ref != "" {
				refs = append(refs, uttRef{step: len(c.Steps), name: ref})
			}
			c.Steps = append(c.Steps, st)
		case Bot:
			st, err := parseBot(file, s.line, s.body, utt)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			c.Steps = append(c.Steps, st)
		}
	}
	if err := checkOrder(file, c); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return expand(c, refs, utt), nil
}

type numbered struct {
	line int
	text string
}

type uttRef struct {
	step int
	name string
}

// checkOrder rejects inputs that cannot work where they stand.
func checkOrder(file string, c *Convo) error {
	channel := ""
	sawBot := false
	for _, s := range c.Steps {
		if s.Sender == Bot {
			sawBot = true
		}
		if s.Sender != Me || s.Input == nil {
			continue
		}
		in := s.Input
		if channel == "" {
			channel = "web"
			if in.Kind == InputVoiceStart {
				channel = "voice"
				if sawBot {
					return &ParseError{File: file, Line: s.Line, Msg: "a voice convo starts with #me VOICE_START, before any #bot"}
				}
			}
		} else if in.Kind == InputVoiceStart {
			return &ParseError{File: file, Line: s.Line, Msg: "VOICE_START must be the convo's first input (one call per convo)"}
		}
		switch {
		case channel == "web" && (in.Kind == InputDigits || in.Kind == InputNoInput || in.Kind == InputHangup || in.Kind == InputVoiceStart):
			return &ParseError{File: file, Line: s.Line, Msg: fmt.Sprintf("%s is for voice convos (start them with VOICE_START)", in)}
		case channel == "voice" && (in.Kind == InputHello || in.Kind == InputButton):
			return &ParseError{File: file, Line: s.Line, Msg: fmt.Sprintf("%s is for web convos; on the phone say the button's words instead", in)}
		}
	}
	return nil
}

// expand makes one convo per utterance variant.
func expand(c *Convo, refs []uttRef, utt Utterances) []*Convo {
	if len(refs) == 0 {
		return []*Convo{c}
	}
	n := 0
	for _, r := range refs {
		n = max(n, len(utt[r.name]))
	}
	out := make([]*Convo, 0, n)
	for v := range n {
		cc := *c
		cc.Steps = append([]Step(nil), c.Steps...)
		var label []string
		for _, r := range refs {
			list := utt[r.name]
			k := v % len(list)
			in := *cc.Steps[r.step].Input
			in.Text = list[k]
			cc.Steps[r.step].Input = &in
			label = append(label, fmt.Sprintf("%s %d", r.name, k+1))
		}
		cc.Name = fmt.Sprintf("%s [%s]", c.Name, strings.Join(label, ", "))
		out = append(out, &cc)
	}
	return out
}

// parseMe reads a #me section. It returns the name of an utterance list
// when the text is one.
func parseMe(file string, line int, body []numbered, utt Utterances) (Step, string, error) {
	st := Step{Line: line, Sender: Me}
	var text []string
	textLine := 0
	for _, b := range body {
		t := strings.TrimSpace(b.text)
		if t == "" {
			continue
		}
		word, rest, _ := strings.Cut(t, " ")
		rest = strings.TrimSpace(rest)
		if !keywordPattern.MatchString(word) {
			t = strings.TrimPrefix(t, `\`)
			if len(text) == 0 {
				textLine = b.line
			}
			text = append(text, t)
			continue
		}
		if _, ok := utt[word]; ok && rest == "" {
			text = append(text, word)
			textLine = b.line
			continue
		}
		if st.Input != nil && word != "PAUSE" {
			return st, "", &ParseError{File: file, Line: b.line, Msg: "a #me section holds one input; start another #me section for the next one"}
		}
		var err error
		switch word {
		case "PAUSE":
			st.Pause, err = parsePause(rest)
			if err != nil {
				return st, "", &ParseError{File: file, Line: b.line, Msg: err.Error()}
			}
		case "BUTTON":
			if rest == "" {
				return st, "", &ParseError{File: file, Line: b.line, Msg: "BUTTON needs the button's value, e.g. BUTTON status"}
			}
			st.Input = &Input{Kind: InputButton, Value: rest}
		case "DTMF":
			if rest == "" || strings.Trim(rest, "0123456789*#") != "" {
				return st, "", &ParseError{File: file, Line: b.line, Msg: fmt.Sprintf("DTMF needs keypad digits (0-9, * and #), got %q", rest)}
			}
			st.Input = &Input{Kind: InputDigits, Digits: rest}
		case "NO_INPUT", "VOICE_HANGUP":
			if rest != "" {
				return st, "", &ParseError{File: file, Line: b.line, Msg: word + " takes no arguments"}
			}
			st.Input = &Input{Kind: InputNoInput}
			if word == "VOICE_HANGUP" {
				st.Input.Kind = InputHangup
			}
		case "HELLO":
			st.Input, err = parseHello(rest)
			if err != nil {
				return st, "", &ParseError{File: file, Line: b.line, Msg: err.Error()}
			}
		case "VOICE_START":
			st.Input, err = parseVoiceStart(rest)
			if err != nil {
				return st, "", &ParseError{File: file, Line: b.line, Msg: err.Error()}
			}
		default:
			return st, "", &ParseError{File: file, Line: b.line, Msg: fmt.Sprintf("unknown user input %s (known: BUTTON, DTMF, NO_INPUT, HELLO, VOICE_START, VOICE_HANGUP, PAUSE; write \\%s to send it as text)", word, word)}
		}
	}
	if len(text) > 0 {
		if st.Input != nil {
			return st, "", &ParseError{File: file, Line: textLine, Msg: "a #me section holds text or one user input, not both"}
		}
		st.Input = &Input{Kind: InputText, Text: strings.Join(text, "\n")}
		if len(text) == 1 {
			if _, ok := utt[text[0]]; ok {
				return st, text[0], nil
			}
		}
	}
	if st.Input == nil && st.Pause == 0 {
		return st, "", &ParseError{File: file, Line: line, Msg: "empty #me section: write what the customer says, or a user input such as BUTTON"}
	}
	return st, "", nil
}

func parsePause(arg string) (time.Duration, error) {
	if arg == "" {
		return 0, errors.New("PAUSE needs a duration: milliseconds (Botium) or a Go duration such as 31m")
	}
	if n, err := strconv.Atoi(arg); err == nil && n > 0 {
		return time.Duration(n) * time.Millisecond, nil
	}
	d, err := time.ParseDuration(arg)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("PAUSE %s: not a positive duration (milliseconds, or e.g. 31m)", arg)
	}
	return d, nil
}

var varNamePattern = regexp.MustCompile(`^[A-Za-z0-9_]{1,32}$`)

func parseHello(rest string) (*Input, error) {
	in := &Input{Kind: InputHello}
	for _, f := range strings.Fields(rest) {
		k, v, hasValue := strings.Cut(f, "=")
		switch {
		case k == "resume" && !hasValue:
			in.Resume = true
		case k == "lang" && (v == "cs" || v == "en"):
			in.Lang = v
		case k == "session" && v != "":
			in.Session = v
		case strings.HasPrefix(k, "var.") && hasValue && varNamePattern.MatchString(k[4:]):
			if in.Vars == nil {
				in.Vars = map[string]string{}
			}
			in.Vars[k[4:]] = v
		default:
			return nil, fmt.Errorf("HELLO: unknown option %q (known: resume, lang=cs|en, session=ID, var.NAME=VALUE)", f)
		}
	}
	if in.Resume && in.Session != "" {
		return nil, errors.New("HELLO: resume and session= exclude each other")
	}
	return in, nil
}

func parseVoiceStart(rest string) (*Input, error) {
	in := &Input{Kind: InputVoiceStart}
	var number []string
	for _, f := range strings.Fields(rest) {
		if k, v, ok := strings.Cut(f, "="); ok {
			if k != "lang" || (v != "cs" && v != "en") {
				return nil, fmt.Errorf("VOICE_START: unknown option %q (known: the caller's number, lang=cs|en)", f)
			}
			in.Lang = v
			continue
		}
		if strings.Trim(f, "+0123456789") != "" {
			return nil, fmt.Errorf("VOICE_START: %q is not part of a phone number", f)
		}
		number = append(number, f)
	}
	in.Caller = strings.Join(number, " ")
	return in, nil
}

// parseBot reads a #bot section.
func parseBot(file string, line int, body []numbered, utt Utterances) (Step, error) {
	st := Step{Line: line, Sender: Bot}
	var text []string
	textLine := 0
	empty := true
	for _, b := range body {
		t := strings.TrimSpace(b.text)
		if t == "" {
			continue
		}
		empty = false
		// "!NAME args" (BotiumScript) and "NOT_NAME args" negate an
		// asserter; "!text" negates expected text.
		bang := false
		if strings.HasPrefix(t, "!") {
			w, _, _ := strings.Cut(t[1:], " ")
			if _, isUtt := utt[w]; keywordPattern.MatchString(w) && !isUtt {
				bang, t = true, t[1:]
			}
		}
		word, rest, _ := strings.Cut(t, " ")
		rest = strings.TrimSpace(rest)
		name := strings.TrimPrefix(word, "NOT_")
		not := name != word || bang
		if bang && name != word {
			return st, &ParseError{File: file, Line: b.line, Msg: "negate an asserter once: !NAME or NOT_NAME"}
		}
		_, isUtt := utt[word]
		if !keywordPattern.MatchString(word) || (isUtt && rest == "") {
			if strings.HasPrefix(t, "!") {
				// A negated line is a check of its own: the message must
				// not match it.
				st.Checks = append(st.Checks, Check{Line: b.line, Not: true, Args: []string{t[1:]}})
				st.Consumes = true
				continue
			}
			if len(text) == 0 {
				textLine = b.line
			}
			text = append(text, strings.TrimPrefix(t, `\`))
			continue
		}
		if word == "PAUSE" && !not {
			d, err := parsePause(rest)
			if err != nil {
				return st, &ParseError{File: file, Line: b.line, Msg: err.Error()}
			}
			st.Pause = d
			continue
		}
		a, ok := asserters[name]
		if !ok {
			return st, &ParseError{File: file, Line: b.line, Msg: fmt.Sprintf("unknown asserter %s (see docs/scripted-dialogs.md; write \\%s to expect it as text)", word, word)}
		}
		var args []string
		if rest != "" {
			args = strings.Split(rest, "|")
			for i := range args {
				args[i] = strings.TrimSpace(args[i])
			}
		}
		if len(args) < a.minArgs || (a.maxArgs >= 0 && len(args) > a.maxArgs) {
			return st, &ParseError{File: file, Line: b.line, Msg: fmt.Sprintf("%s: %s", name, a.usage)}
		}
		if a.parse != nil {
			if err := a.parse(args); err != nil {
				return st, &ParseError{File: file, Line: b.line, Msg: fmt.Sprintf("%s: %v", name, err)}
			}
		}
		st.Checks = append(st.Checks, Check{Line: b.line, Name: name, Not: not, Args: args})
		if a.message {
			st.Consumes = true
		}
	}
	if len(text) > 0 {
		c := Check{Line: textLine, Args: []string{strings.Join(text, "\n")}}
		if len(text) == 1 {
			if list, ok := utt[text[0]]; ok {
				c.Utterances = list
			}
		}
		st.Checks = append([]Check{c}, st.Checks...)
		st.Consumes = true
	}
	if empty {
		st.Consumes = true
	}
	return st, nil
}

// Load reads convos from files and directories (searched recursively for
// *.convo.txt). Utterance lists (*.utterances.txt) are read from every
// directory that holds a convo or was named; a name defined twice is an
// error. Convos are returned sorted by file name.
func Load(paths []string) ([]*Convo, error) {
	var convoFiles []string
	dirs := map[string]bool{}
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !fi.IsDir() {
			convoFiles = append(convoFiles, p)
			dirs[filepath.Dir(p)] = true
			continue
		}
		err = filepath.WalkDir(p, func(path string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				dirs[path] = true
			} else if strings.HasSuffix(path, ".convo.txt") {
				convoFiles = append(convoFiles, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if len(convoFiles) == 0 {
		return nil, fmt.Errorf("no *.convo.txt files in %s", strings.Join(paths, ", "))
	}
	utt := Utterances{}
	where := map[string]string{}
	var errs []error
	dirList := make([]string, 0, len(dirs))
	for d := range dirs {
		dirList = append(dirList, d)
	}
	sort.Strings(dirList)
	for _, d := range dirList {
		files, err := filepath.Glob(filepath.Join(d, "*.utterances.txt"))
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				return nil, err
			}
			name, list, err := ParseUtterances(f, data)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if prev, ok := where[name]; ok {
				errs = append(errs, &ParseError{File: f, Msg: fmt.Sprintf("utterance list %s is already defined in %s", name, prev)})
				continue
			}
			utt[name], where[name] = list, f
		}
	}
	sort.Strings(convoFiles)
	var out []*Convo
	for _, f := range convoFiles {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		cs, err := Parse(f, data, utt)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, cs...)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}
