package convo

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/samoobsluha/samoobsluha/bot"
)

// evalCtx is what a check sees: the bot's turn, the message the #bot step
// reads (nil for a step that reads none), the conversation's public
// variables as last sent, and the scripting memory.
type evalCtx struct {
	turn *Turn
	msg  *bot.Message
	vars map[string]any
	mem  map[string]string
}

// outcome is a check's verdict. When ok is false (or, for a NOT_ check,
// true) said and want describe both sides and diff the first difference.
type outcome struct {
	ok   bool
	said string
	want string
	diff string
}

// asserter describes one asserter name.
type asserter struct {
	// message asserters read the step's bot message; the others look at
	// the whole turn.
	message          bool
	minArgs, maxArgs int // maxArgs -1: no limit
	usage            string
	parse            func(args []string) error
	eval             func(c *evalCtx, args []string) outcome
}

// asserters is the table of known asserter names (without NOT_).
var asserters = map[string]asserter{
	"BUTTONS": {message: true, minArgs: 1, maxArgs: -1, usage: "BUTTONS title-or-value|...: each listed button is offered",
		eval: evalButtons},
	"BUTTONS_COUNT": {message: true, minArgs: 1, maxArgs: 1, usage: "BUTTONS_COUNT n: the message has exactly n buttons",
		parse: parseCount, eval: evalButtonsCount},
	"TEXT_CONTAINS_ANY":    {message: true, minArgs: 1, maxArgs: -1, usage: "TEXT_CONTAINS_ANY a|b: the text contains one of them (case matters)", eval: textContains(false, false)},
	"TEXT_CONTAINS_ANY_IC": {message: true, minArgs: 1, maxArgs: -1, usage: "TEXT_CONTAINS_ANY_IC a|b: the text contains one of them, any case", eval: textContains(false, true)},
	"TEXT_CONTAINS_ALL":    {message: true, minArgs: 1, maxArgs: -1, usage: "TEXT_CONTAINS_ALL a|b: the text contains all of them (case matters)", eval: textContains(true, false)},
	"TEXT_CONTAINS_ALL_IC": {message: true, minArgs: 1, maxArgs: -1, usage: "TEXT_CONTAINS_ALL_IC a|b: the text contains all of them, any case", eval: textContains(true, true)},
	"TEXT_REGEXP_ANY":      {message: true, minArgs: 1, maxArgs: -1, usage: "TEXT_REGEXP_ANY re|re: one regular expression (Go syntax) matches the text", parse: parseRegexps, eval: textRegexp(false, false)},
	"TEXT_REGEXP_ANY_IC":   {message: true, minArgs: 1, maxArgs: -1, usage: "TEXT_REGEXP_ANY_IC re|re: one matches, any case", parse: parseRegexps, eval: textRegexp(false, true)},
	"TEXT_REGEXP_ALL":      {message: true, minArgs: 1, maxArgs: -1, usage: "TEXT_REGEXP_ALL re|re: all regular expressions match the text", parse: parseRegexps, eval: textRegexp(true, false)},
	"TEXT_REGEXP_ALL_IC":   {message: true, minArgs: 1, maxArgs: -1, usage: "TEXT_REGEXP_ALL_IC re|re: all match, any case", parse: parseRegexps, eval: textRegexp(true, true)},
	"LINKS": {message: true, minArgs: 1, maxArgs: -1, usage: "LINKS title-or-url|...: each listed link is in the message (wildcards allowed)",
		eval: evalLinks},
	"LINK_CONTAINS": {message: true, minArgs: 1, maxArgs: 1, usage: "LINK_CONTAINS text: a link's URL contains the text",
		eval: evalLinkContains},
	"IMAGE": {message: true, minArgs: 0, maxArgs: 1, usage: "IMAGE [prefix]: the message has an image (whose URL starts with prefix, e.g. data:image/png)",
		eval: evalImage},
	"EXPECT": {minArgs: 1, maxArgs: 1, parse: parseExpect, usage: "EXPECT kind [input]: the bot waits for kind (text, button, none; on voice speech, dtmf, speech_dtmf) and input (order_number, email, phone, number, yes_no, text)",
		eval: evalExpect},
	"STATE": {minArgs: 1, maxArgs: -1, usage: "STATE name=value|name2=value2: public variables after the turn (value may use *; name= means unset or empty)",
		parse: parseState, eval: evalState},
	"END": {minArgs: 0, maxArgs: 1, usage: "END [done|handover|expired]: the conversation ended (with that reason)",
		parse: oneOf("done", "handover", "expired"), eval: evalEnd},
	"ERROR": {minArgs: 0, maxArgs: 1, usage: "ERROR [code]: the turn was refused with an error (locked, rate_limited, bad_frame, unavailable, expired, internal)",
		eval: evalError},
	"SESSION": {minArgs: 1, maxArgs: 1, usage: "SESSION new|resumed: the answer to HELLO started a new session or resumed one",
		parse: oneOf("new", "resumed"), eval: evalSession},
	"HISTORY_CONTAINS": {minArgs: 1, maxArgs: 1, usage: "HISTORY_CONTAINS text: a line of the history sent on resume matches the text (wildcards allowed)",
		eval: evalHistory},
	"SAY_CONTAINS": {minArgs: 1, maxArgs: -1, usage: "SAY_CONTAINS a|b: what the phone says contains all of them, any case",
		eval: evalSayContains},
	"SSML_VALID": {minArgs: 0, maxArgs: 0, usage: "SSML_VALID: the turn's SSML is well-formed <speak> with known SSML elements only",
		eval: evalSSMLValid},
	"SSML_CONTAINS": {minArgs: 1, maxArgs: -1, usage: "SSML_CONTAINS a|b: the SSML contains all of them (markup included)",
		eval: evalSSMLContains},
	"TRANSFER": {minArgs: 0, maxArgs: 1, usage: "TRANSFER [number]: the call is transferred (to that number)",
		eval: evalTransfer},
	"HANGUP": {minArgs: 0, maxArgs: 0, usage: "HANGUP: the bot hangs up the call",
		eval: evalHangup},
}

func parseCount(args []string) error {
	if n, err := strconv.Atoi(args[0]); err != nil || n < 0 {
		return fmt.Errorf("%q is not a count", args[0])
	}
	return nil
}

func parseExpect(args []string) error {
	if n := len(strings.Fields(args[0])); n < 1 || n > 2 {
		return errors.New("EXPECT kind [input], e.g. EXPECT text order_number")
	}
	return nil
}

func parseRegexps(args []string) error {
	for _, a := range args {
		if _, err := regexp.Compile(a); err != nil {
			return err
		}
	}
	return nil
}

func parseState(args []string) error {
	for _, kv := range args {
		if k, _, ok := strings.Cut(kv, "="); !ok || !varNamePattern.MatchString(k) {
			return fmt.Errorf("%q is not name=value of a public variable", kv)
		}
	}
	return nil
}

func oneOf(words ...string) func([]string) error {
	return func(args []string) error {
		for _, a := range args {
			ok := false
			for _, w := range words {
				ok = ok || a == w
			}
			if !ok {
				return fmt.Errorf("%q is not one of %s", a, strings.Join(words, ", "))
			}
		}
		return nil
	}
}

// substitute replaces known $variables in an asserter argument.
func substitute(s string, mem map[string]string) string {
	return memVarPattern.ReplaceAllStringFunc(s, func(v string) string {
		if val, ok := mem[v[1:]]; ok {
			return val
		}
		return v
	})
}

func buttonList(bs []bot.Button) string {
	if len(bs) == 0 {
		return "no buttons"
	}
	parts := make([]string, len(bs))
	for i, b := range bs {
		parts[i] = fmt.Sprintf("[%s](%s)", b.Title, b.Value)
	}
	return strings.Join(parts, " ")
}

func evalButtons(c *evalCtx, args []string) outcome {
	var missing []string
	for _, a := range args {
		a = substitute(a, c.mem)
		found := false
		for _, b := range c.msg.Buttons {
			if strings.EqualFold(b.Title, a) || b.Value == a {
				found = true
			}
		}
		if !found {
			missing = append(missing, a)
		}
	}
	o := outcome{ok: len(missing) == 0, said: buttonList(c.msg.Buttons), want: "buttons " + strings.Join(args, "|")}
	if !o.ok {
		o.diff = "missing: " + strings.Join(missing, ", ")
	}
	return o
}

func evalButtonsCount(c *evalCtx, args []string) outcome {
	n, _ := strconv.Atoi(args[0])
	return outcome{ok: len(c.msg.Buttons) == n, said: fmt.Sprintf("%d buttons: %s", len(c.msg.Buttons), buttonList(c.msg.Buttons)), want: fmt.Sprintf("%d buttons", n)}
}

func textContains(all, ignoreCase bool) func(*evalCtx, []string) outcome {
	return func(c *evalCtx, args []string) outcome {
		text := c.msg.Text
		var hit, miss []string
		for _, a := range args {
			a = substitute(a, c.mem)
			t, s := text, a
			if ignoreCase {
				t, s = strings.ToLower(t), strings.ToLower(s)
			}
			if strings.Contains(normalizeSpace(t), normalizeSpace(s)) {
				hit = append(hit, a)
			} else {
				miss = append(miss, a)
			}
		}
		o := outcome{said: strconv.Quote(text)}
		if all {
			o.ok, o.want = len(miss) == 0, "text containing all of "+quoteList(args)
			if !o.ok {
				o.diff = "not found: " + quoteList(miss)
			}
		} else {
			o.ok, o.want = len(hit) > 0, "text containing one of "+quoteList(args)
			if o.ok {
				o.diff = "found: " + quoteList(hit)
			}
		}
		return o
	}
}

func textRegexp(all, ignoreCase bool) func(*evalCtx, []string) outcome {
	return func(c *evalCtx, args []string) outcome {
		var hit, miss []string
		for _, a := range args {
			expr := substitute(a, c.mem)
			if ignoreCase {
				expr = "(?i)" + expr
			}
			re, err := regexp.Compile(expr)
			if err == nil && re.MatchString(c.msg.Text) {
				hit = append(hit, a)
			} else {
				miss = append(miss, a)
			}
		}
		o := outcome{said: strconv.Quote(c.msg.Text)}
		if all {
			o.ok, o.want = len(miss) == 0, "text matching all of "+quoteList(args)
			if !o.ok {
				o.diff = "no match: " + quoteList(miss)
			}
		} else {
			o.ok, o.want = len(hit) > 0, "text matching one of "+quoteList(args)
			if o.ok {
				o.diff = "matched: " + quoteList(hit)
			}
		}
		return o
	}
}

func quoteList(s []string) string {
	q := make([]string, len(s))
	for i, v := range s {
		q[i] = strconv.Quote(v)
	}
	return strings.Join(q, ", ")
}

func linkList(ls []bot.Link) string {
	if len(ls) == 0 {
		return "no links"
	}
	parts := make([]string, len(ls))
	for i, l := range ls {
		parts[i] = fmt.Sprintf("[%s](%s)", l.Title, l.URL)
	}
	return strings.Join(parts, " ")
}

func evalLinks(c *evalCtx, args []string) outcome {
	var missing []string
	for _, a := range args {
		p := compilePattern(a, c.mem)
		found := false
		for _, l := range c.msg.Links {
			okTitle, _ := p.match(l.Title)
			found = found || okTitle || strings.Contains(l.URL, substitute(a, c.mem))
		}
		if !found {
			missing = append(missing, a)
		}
	}
	o := outcome{ok: len(missing) == 0, said: linkList(c.msg.Links), want: "links " + strings.Join(args, "|")}
	if !o.ok {
		o.diff = "missing: " + strings.Join(missing, ", ")
	}
	return o
}

func evalLinkContains(c *evalCtx, args []string) outcome {
	s := substitute(args[0], c.mem)
	o := outcome{said: linkList(c.msg.Links), want: fmt.Sprintf("a link whose URL contains %q", s)}
	for _, l := range c.msg.Links {
		o.ok = o.ok || strings.Contains(l.URL, s)
	}
	return o
}

func evalImage(c *evalCtx, args []string) outcome {
	said := "no image"
	if c.msg.Image != "" {
		said = "image " + strconv.Quote(cutString(c.msg.Image, 40))
	}
	if len(args) == 0 {
		return outcome{ok: c.msg.Image != "", said: said, want: "an image"}
	}
	return outcome{ok: strings.HasPrefix(c.msg.Image, args[0]), said: said, want: fmt.Sprintf("an image starting with %q", args[0])}
}

func cutString(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

func evalExpect(c *evalCtx, args []string) outcome {
	t := c.turn
	kind, input := t.Expect.Kind, t.Expect.Input
	if t.Voice != nil {
		kind, input = t.Voice.Input, t.Voice.Hint
	}
	if t.End != "" || t.Error != nil {
		kind, input = "none", ""
	}
	words := strings.Fields(strings.Join(args, " "))
	said := strings.TrimSpace("expects " + kind + " " + input)
	want := "expects " + strings.Join(words, " ")
	ok := len(words) > 0 && kind == words[0] && (len(words) < 2 || input == words[1])
	return outcome{ok: ok, said: said, want: want}
}

// formatValue prints a public variable the way a script writes it.
func formatValue(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	return fmt.Sprint(v)
}

func evalState(c *evalCtx, args []string) outcome {
	var bad []string
	var wants []string
	for _, kv := range args {
		k, v, _ := strings.Cut(kv, "=")
		v = substitute(v, c.mem)
		wants = append(wants, k+"="+v)
		got, has := c.vars[k]
		gs := formatValue(got)
		switch {
		case v == "":
			if has && gs != "" {
				bad = append(bad, fmt.Sprintf("%s is %q, expected unset", k, gs))
			}
		case !has:
			bad = append(bad, fmt.Sprintf("%s is not set, expected %q", k, v))
		case !wildcardExact(v, gs):
			bad = append(bad, fmt.Sprintf("%s is %q, expected %q (%s)", k, gs, v, firstDiff(v, gs)))
		}
	}
	o := outcome{ok: len(bad) == 0, said: "state " + stateString(c.vars), want: "state " + strings.Join(wants, " ")}
	o.diff = strings.Join(bad, "; ")
	return o
}

func stateString(vars map[string]any) string {
	if len(vars) == 0 {
		return "(no public variables)"
	}
	keys := make([]string, 0, len(vars))
	for k := range vars {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + strconv.Quote(formatValue(vars[k]))
	}
	return strings.Join(parts, " ")
}

func evalEnd(c *evalCtx, args []string) outcome {
	end := c.turn.End
	said := "the conversation goes on"
	if end != "" {
		said = "end " + end
	}
	if len(args) == 0 {
		return outcome{ok: end != "", said: said, want: "the end of the conversation"}
	}
	return outcome{ok: end == args[0], said: said, want: "end " + args[0]}
}

func evalError(c *evalCtx, args []string) outcome {
	e := c.turn.Error
	said := "no error"
	if e != nil {
		said = fmt.Sprintf("error %s: %q", e.Code, e.Message)
	}
	if len(args) == 0 {
		return outcome{ok: e != nil, said: said, want: "an error"}
	}
	return outcome{ok: e != nil && e.Code == args[0], said: said, want: "error " + args[0]}
}

func evalSession(c *evalCtx, args []string) outcome {
	said := "a new session"
	if c.turn.Resumed {
		said = "a resumed session"
	}
	return outcome{ok: c.turn.Resumed == (args[0] == "resumed"), said: said, want: "a " + args[0] + " session"}
}

func evalHistory(c *evalCtx, args []string) outcome {
	p := compilePattern(args[0], c.mem)
	var lines []string
	ok := false
	for _, h := range c.turn.History {
		lines = append(lines, h.From+": "+strconv.Quote(cutString(h.Text, 60)))
		if m, _ := p.match(h.Text); m {
			ok = true
		}
	}
	said := "no history"
	if len(lines) > 0 {
		said = "history " + strings.Join(lines, "; ")
	}
	return outcome{ok: ok, said: said, want: fmt.Sprintf("a history line matching %q", args[0])}
}

var errNoVoice = errors.New("this turn has no voice rendering (a web convo?)")

func voiceOf(c *evalCtx) (*VoiceReply, outcome, bool) {
	if c.turn.Voice == nil {
		return nil, outcome{said: errNoVoice.Error()}, false
	}
	return c.turn.Voice, outcome{}, true
}

func evalSayContains(c *evalCtx, args []string) outcome {
	v, o, ok := voiceOf(c)
	if !ok {
		o.want = "say containing " + quoteList(args)
		return o
	}
	var miss []string
	for _, a := range args {
		if !strings.Contains(strings.ToLower(normalizeSpace(v.Say)), strings.ToLower(normalizeSpace(substitute(a, c.mem)))) {
			miss = append(miss, a)
		}
	}
	o = outcome{ok: len(miss) == 0, said: "say " + strconv.Quote(v.Say), want: "say containing " + quoteList(args)}
	if !o.ok {
		o.diff = "not found: " + quoteList(miss)
	}
	return o
}

// ssmlElements are the SSML 1.1 elements telephony platforms accept.
var ssmlElements = map[string]bool{
	"speak": true, "break": true, "say-as": true, "prosody": true, "emphasis": true, "sub": true,
	"p": true, "s": true, "phoneme": true, "lang": true, "audio": true, "mark": true, "voice": true,
}

// ValidSSML reports why s is not valid SSML (well-formed XML, one <speak>
// root, only SSML 1.1 elements), or nil.
func ValidSSML(s string) error {
	if strings.TrimSpace(s) == "" {
		return errors.New("no SSML")
	}
	dec := xml.NewDecoder(strings.NewReader(s))
	depth, roots := 0, 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("not well-formed XML: %v", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
				if t.Name.Local != "speak" {
					return fmt.Errorf("the root element is <%s>, not <speak>", t.Name.Local)
				}
			}
			if !ssmlElements[t.Name.Local] {
				return fmt.Errorf("<%s> is not an SSML element", t.Name.Local)
			}
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			if depth == 0 && strings.TrimSpace(string(t)) != "" {
				return errors.New("text outside <speak>")
			}
		}
	}
	if roots != 1 {
		return fmt.Errorf("%d root elements, expected one <speak>", roots)
	}
	return nil
}

func evalSSMLValid(c *evalCtx, _ []string) outcome {
	v, o, ok := voiceOf(c)
	if !ok {
		o.want = "valid SSML"
		return o
	}
	err := ValidSSML(v.SSML)
	o = outcome{ok: err == nil, said: "ssml " + strconv.Quote(cutString(v.SSML, 120)), want: "valid SSML"}
	if err != nil {
		o.diff = err.Error()
	}
	return o
}

func evalSSMLContains(c *evalCtx, args []string) outcome {
	v, o, ok := voiceOf(c)
	if !ok {
		o.want = "SSML containing " + quoteList(args)
		return o
	}
	var miss []string
	for _, a := range args {
		if !strings.Contains(v.SSML, substitute(a, c.mem)) {
			miss = append(miss, a)
		}
	}
	o = outcome{ok: len(miss) == 0, said: "ssml " + strconv.Quote(v.SSML), want: "SSML containing " + quoteList(args)}
	if !o.ok {
		o.diff = "not found: " + quoteList(miss)
	}
	return o
}

func evalTransfer(c *evalCtx, args []string) outcome {
	v, o, ok := voiceOf(c)
	if !ok {
		o.want = "a transfer"
		return o
	}
	said := "action " + v.Action
	if v.TransferTo != "" {
		said += " to " + v.TransferTo
	}
	if len(args) == 0 {
		return outcome{ok: v.Action == "transfer", said: said, want: "action transfer"}
	}
	return outcome{ok: v.Action == "transfer" && v.TransferTo == args[0], said: said, want: "action transfer to " + args[0]}
}

func evalHangup(c *evalCtx, _ []string) outcome {
	v, o, ok := voiceOf(c)
	if !ok {
		o.want = "a hangup"
		return o
	}
	return outcome{ok: v.Action == "hangup", said: "action " + v.Action, want: "action hangup"}
}

// wildcardExact reports whether s equals pattern, where "*" in pattern
// matches any text (case matters).
func wildcardExact(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	for i := range parts {
		parts[i] = regexp.QuoteMeta(parts[i])
	}
	return regexp.MustCompile("^(?s:" + strings.Join(parts, ".*") + ")$").MatchString(s)
}
