package dialog

import (
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/samoobsluha/samoobsluha/dialog/tmpl"
)

// Errors Step returns. On any error the state passed in is returned
// unchanged and the Output is empty.
var (
	// ErrUnknownState means the state names a box the scenario does not
	// have or one that cannot be waiting (the scenario changed under a
	// session). Callers restart the conversation with InputStart.
	ErrUnknownState = errors.New("dialog: state does not fit the scenario")
	// ErrUnexpectedInput means the input does not fit what the state waits
	// for: a customer input while an action result is pending, or a result
	// nobody asked for.
	ErrUnexpectedInput = errors.New("dialog: input does not fit the state")
	// ErrLoop means the scenario passed too many boxes without waiting
	// (a cycle of condition, set or goto boxes).
	ErrLoop = errors.New("dialog: too many boxes in one step")
)

// maxBoxesPerStep bounds one Step; a scenario that loops is reported with
// ErrLoop instead of hanging.
const maxBoxesPerStep = 200

// Reserved variables the engine sets: channel and lang in State.Vars, and
// on the voice channel, just before a handover box speaks, the private
// $transfer (the number the call goes to, "" when none is configured).
const (
	VarChannel  = "channel"
	VarLang     = "lang"
	VarTransfer = "$transfer"
)

// State is one conversation's position and memory. It is a plain value:
// Step never modifies the State it is given, and the State serialises to
// JSON (numbers come back as float64, which the engine expects). A
// variable's value (a string, number, or a map or list of them, such as
// an app's result) is immutable: Step only ever stores new values, so
// the State it returns shares the unchanged values with the one it was
// given, and callers must not change a value in place either (store a
// new one).
//
// Vars holds public variables (sent to the client as the state frame);
// Private holds $-variables, kept apart by construction: nothing in
// Private is ever copied to Vars, to Output, or to an error. Unlike
// MessageOk, where $-variables vanish at the next customer step, ours live
// for the whole session, so a verified e-mail can be reused for a second
// question.
type State struct {
	// Box is the box waiting for the customer or for an action result; ""
	// before the start and after the end.
	Box     string         `json:"box"`
	Vars    map[string]any `json:"vars"`
	Private map[string]any `json:"private"`
	Channel Channel        `json:"channel"`
	Lang    string         `json:"lang"`
	// Attempts counts failed inputs at the waiting box.
	Attempts int `json:"attempts,omitempty"`
	// End is EndDone or EndHandover once the conversation is over.
	End string `json:"end,omitempty"`
	// Offered are the boxes the in-text buttons of the last turn jump to;
	// only these are accepted as "@box" button values.
	Offered []string `json:"offered,omitempty"`
}

// NewState returns the state of a new conversation on channel ch in lang
// ("cs" unless "en"), with the host page's variables as public variables.
// Page variable names are not checked here (bot validates them), but the
// reserved names channel and lang and names starting with "$" are ignored.
func NewState(ch Channel, lang string, pageVars map[string]string) State {
	if lang != "en" {
		lang = "cs"
	}
	if ch == "" {
		ch = ChannelWeb
	}
	st := State{Vars: map[string]any{}, Private: map[string]any{}, Channel: ch, Lang: lang}
	for k, v := range pageVars {
		if k == VarChannel || k == VarLang || strings.HasPrefix(k, "$") || k == "" {
			continue
		}
		st.Vars[k] = v
	}
	st.Vars[VarChannel] = string(ch)
	st.Vars[VarLang] = lang
	return st
}

// PublicVars returns a new map of the public variables, what the client
// may see (the values are shared, being immutable). It never holds a
// $-variable.
func (s State) PublicVars() map[string]any {
	out := make(map[string]any, len(s.Vars))
	for k, v := range s.Vars {
		if strings.HasPrefix(k, "$") {
			continue
		}
		out[k] = v
	}
	return out
}

// clone returns a copy of s whose maps and Offered Step may change; the
// values are shared, being immutable (see State).
func (s State) clone() State {
	c := s
	c.Vars = make(map[string]any, len(s.Vars)+2)
	maps.Copy(c.Vars, s.Vars)
	c.Private = make(map[string]any, len(s.Private))
	maps.Copy(c.Private, s.Private)
	c.Offered = slices.Clone(s.Offered)
	return c
}

// Options configures an Engine. The zero value is usable.
type Options struct {
	// Transfer is the phone number a voice handover transfers to when
	// neither the handover box nor the scenario names one.
	Transfer string
}

// Engine runs one scenario. It is immutable after NewEngine and therefore
// safe for concurrent use by any number of sessions.
type Engine struct {
	sc       *Scenario
	opts     Options
	messages map[string]*Text
	handover [][]string // normalised phrases of the handover intent
}

// NewEngine returns an engine for sc. Built-in texts (re-prompts) the
// scenario does not define are taken from the default scenario.
func NewEngine(sc *Scenario, opts Options) *Engine {
	e := &Engine{sc: sc, opts: opts, messages: map[string]*Text{}}
	if def, err := ParseScenario("default.yaml", DefaultScenario()); err == nil {
		maps.Copy(e.messages, def.Messages)
	}
	maps.Copy(e.messages, sc.Messages)
	words := slices.Clone(builtinHandoverWords)
	for _, ws := range sc.HandoverWords {
		words = append(words, ws...)
	}
	for _, w := range words {
		if n := normalise(w); len(n) > 0 {
			e.handover = append(e.handover, n)
		}
	}
	return e
}

// Scenario returns the engine's scenario.
func (e *Engine) Scenario() *Scenario { return e.sc }

// run is the work of one Step.
type run struct {
	e       *Engine
	st      *State
	in      Input
	out     Output
	offered []string
}

// Step advances the conversation by one input: the customer's (InputText,
// InputButton, InputDigits, InputNoInput), an action's result
// (InputResult) or InputStart. It returns the new state, the messages to
// show and possibly an Action to run; st itself is not modified.
//
// Boxes run one after another until one waits for the customer (buttons,
// input), asks for an app (Output.Action: the next Step must be an
// InputResult) or ends the conversation (Output.End). A text or button
// after the end starts the scenario again from its first box without
// interpreting the text.
//
// Errors: ErrUnknownState, ErrUnexpectedInput and ErrLoop (wrapped with
// the box id); the state is then returned unchanged. A helper that fails
// at run time (say a date that does not parse in shop data) prints
// nothing and the rest of the message is shown: a conversation never
// stops on data it cannot format.
func (e *Engine) Step(st State, in Input) (State, Output, error) {
	s := st.clone()
	if s.Lang != "en" {
		s.Lang = "cs"
	}
	if s.Channel == "" {
		s.Channel = ChannelWeb
	}
	s.Vars[VarChannel] = string(s.Channel)
	s.Vars[VarLang] = s.Lang
	r := &run{e: e, st: &s, in: in}
	if err := r.step(); err != nil {
		return st, Output{}, err
	}
	r.out.VarsChanged = !reflect.DeepEqual(st.Vars, s.Vars)
	if r.out.End == "" {
		s.Offered = r.offered
	} else {
		s.Offered = nil
	}
	return s, r.out, nil
}

func (r *run) step() error {
	sc := r.e.sc
	s := r.st
	if r.in.Kind == InputStart || s.End != "" || s.Box == "" {
		if r.in.Kind == InputResult {
			return fmt.Errorf("%w: an action result while no action is pending", ErrUnexpectedInput)
		}
		s.End = ""
		s.Attempts = 0
		s.Offered = nil
		for _, a := range sc.Vars {
			if _, ok := r.lookup(a.Name); !ok {
				if err := r.assign(a); err != nil {
					return err
				}
			}
		}
		return r.from(sc.Start)
	}
	b := sc.Boxes[s.Box]
	if b == nil {
		return fmt.Errorf("%w: box %q", ErrUnknownState, s.Box)
	}
	switch b.Kind {
	case KindApp:
		if r.in.Kind != InputResult || r.in.Result == nil {
			return fmt.Errorf("%w: box %s waits for the result of %s", ErrUnexpectedInput, b.ID, b.App)
		}
		return r.result(b, *r.in.Result)
	case KindButtons, KindInput:
		if r.in.Kind == InputResult {
			return fmt.Errorf("%w: box %s waits for the customer", ErrUnexpectedInput, b.ID)
		}
		return r.answer(b)
	}
	return fmt.Errorf("%w: box %s (%s) cannot wait", ErrUnknownState, b.ID, b.Kind)
}

// lookup resolves a variable path for templates and conditions.
func (r *run) lookup(path string) (any, bool) {
	head, rest, _ := strings.Cut(path, ".")
	var v any
	var ok bool
	if strings.HasPrefix(head, "$") {
		v, ok = r.st.Private[head]
	} else {
		v, ok = r.st.Vars[head]
	}
	for ok && rest != "" {
		var seg string
		seg, rest, _ = strings.Cut(rest, ".")
		switch x := v.(type) {
		case map[string]any:
			v, ok = x[seg]
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, ok
}

func (r *run) setVar(name string, v any) {
	if name == VarChannel || name == "" {
		return
	}
	if strings.HasPrefix(name, "$") {
		if v == nil {
			delete(r.st.Private, name)
		} else {
			r.st.Private[name] = v
		}
		return
	}
	if name == VarLang {
		if l, _ := v.(string); l == "en" || l == "cs" {
			r.st.Lang = l
			r.st.Vars[VarLang] = l
		}
		return
	}
	if v == nil {
		delete(r.st.Vars, name)
	} else {
		r.st.Vars[name] = v
	}
}

func (r *run) env() tmpl.Env { return tmpl.Env{Lang: r.st.Lang, Now: r.in.Now} }

func (r *run) render(t *tmpl.Template, boxID string) (tmpl.Rendered, error) {
	if t == nil {
		return tmpl.Rendered{}, nil
	}
	// Render returns what it could render together with a helper's
	// error; the failing helper prints nothing (see Step).
	out, _ := t.Render(r.lookup, r.env())
	return out, nil
}

func (r *run) renderText(t *Text, boxID string) (tmpl.Rendered, error) {
	return r.render(t.pick(r.st.Lang), boxID)
}

func (r *run) assign(a Assign) error {
	switch {
	case a.Copy != "":
		v, ok := r.lookup(a.Copy)
		if !ok {
			v = nil
		}
		r.setVar(a.Name, v)
	case a.Tmpl != nil:
		out, err := r.render(a.Tmpl, "set "+a.Name)
		if err != nil {
			return err
		}
		r.setVar(a.Name, out.Text)
	default:
		r.setVar(a.Name, a.Value)
	}
	return nil
}

// say emits a box's message (say, speech, image, links) plus extra
// buttons. Nothing is emitted when the box has no text and no buttons.
func (r *run) say(b *Box, text *Text, buttons []Button) error {
	var m Message
	if text != nil {
		out, err := r.renderText(text, b.ID)
		if err != nil {
			return err
		}
		m.Text = strings.TrimSpace(out.Text)
		for _, ib := range out.Buttons {
			m.Buttons = append(m.Buttons, Button{Title: ib.Title, Value: "@" + ib.Box})
			r.offered = append(r.offered, ib.Box)
		}
		if len(out.Images) > 0 && r.st.Channel != ChannelVoice {
			m.Image = out.Images[0]
		}
	}
	if text == b.Say {
		if b.Speech != nil && r.st.Channel == ChannelVoice {
			out, err := r.renderText(b.Speech, b.ID)
			if err != nil {
				return err
			}
			m.Speech = strings.TrimSpace(out.Text)
		}
		if b.Image != nil && r.st.Channel != ChannelVoice {
			out, err := r.render(b.Image, b.ID)
			if err != nil {
				return err
			}
			if img := strings.TrimSpace(out.Text); img != "" {
				m.Image = img
			}
		}
		if r.st.Channel != ChannelVoice {
			for _, l := range b.Links {
				u, err := r.render(l.URL, b.ID)
				if err != nil {
					return err
				}
				t, err := r.renderText(l.Title, b.ID)
				if err != nil {
					return err
				}
				if url := strings.TrimSpace(u.Text); url != "" {
					m.Links = append(m.Links, Link{Title: strings.TrimSpace(t.Text), URL: url})
				}
			}
		}
	}
	m.Buttons = append(m.Buttons, buttons...)
	if m.Text == "" && m.Speech == "" && len(m.Buttons) == 0 && len(m.Links) == 0 && m.Image == "" {
		return nil
	}
	r.out.Messages = append(r.out.Messages, m)
	return nil
}

// boxButtons renders a box's buttons (and the yes/no buttons of a yes_no
// input box).
func (r *run) boxButtons(b *Box) ([]Button, error) {
	var bs []Button
	for _, bt := range b.Buttons {
		out, err := r.renderText(bt.Title, b.ID)
		if err != nil {
			return nil, err
		}
		bs = append(bs, Button{Title: strings.TrimSpace(out.Text), Value: bt.Value})
	}
	if b.Kind == KindInput && b.Validate == ValidateYesNo {
		for _, v := range []string{"yes", "no"} {
			t := r.e.messages["button_"+v]
			title := map[string]string{"yes": "Ano", "no": "Ne"}[v]
			if t != nil {
				out, err := r.renderText(t, b.ID)
				if err != nil {
					return nil, err
				}
				title = strings.TrimSpace(out.Text)
			}
			bs = append(bs, Button{Title: title, Value: v})
		}
	}
	return bs, nil
}

// from runs boxes starting at id until one waits, asks for an action or
// ends the conversation.
func (r *run) from(id string) error {
	for n := 0; ; n++ {
		if n >= maxBoxesPerStep {
			return fmt.Errorf("%w: passed %d boxes, last %s", ErrLoop, n, id)
		}
		b := r.e.sc.Boxes[id]
		if b == nil {
			return fmt.Errorf("%w: box %q", ErrUnknownState, id)
		}
		r.st.Box = b.ID
		r.st.Attempts = 0
		next, wait, err := r.enter(b)
		if err != nil {
			return err
		}
		if wait {
			return nil
		}
		id = next
	}
}

// enter runs box b. It returns the next box, or wait=true when the step
// is over (waiting, action or end).
func (r *run) enter(b *Box) (next string, wait bool, err error) {
	switch b.Kind {
	case KindMessage, KindGoto:
		if err := r.say(b, b.Say, nil); err != nil {
			return "", false, err
		}
		return b.Next, false, nil
	case KindButtons, KindInput:
		if err := r.prompt(b, b.Say); err != nil {
			return "", false, err
		}
		return "", true, nil
	case KindApp:
		if err := r.say(b, b.Say, nil); err != nil {
			return "", false, err
		}
		a := &Action{App: b.App, Params: map[string]string{}, ResultVar: b.Result, Box: b.ID}
		for _, p := range b.Params {
			out, err := r.render(p.Tmpl, b.ID)
			if err != nil {
				return "", false, err
			}
			a.Params[p.Name] = strings.TrimSpace(out.Text)
		}
		r.out.Action = a
		r.out.Expect = Expect{Kind: "none"}
		return "", true, nil
	case KindCondition:
		for _, br := range b.Branches {
			if br.If.root.eval(r.lookup) {
				return br.Next, false, nil
			}
		}
		return b.Next, false, nil
	case KindSet:
		for _, a := range b.Set {
			if err := r.assign(a); err != nil {
				return "", false, err
			}
		}
		for _, name := range b.Incr {
			v, _ := r.lookup(name)
			f, _ := asNumber(v)
			r.setVar(name, f+1)
		}
		if err := r.say(b, b.Say, nil); err != nil {
			return "", false, err
		}
		return b.Next, false, nil
	case KindHandover, KindEnd:
		if b.Kind == KindHandover && r.st.Channel == ChannelVoice {
			// The handover text can tell a caller whether a person will
			// really pick up: {{#if $transfer}}.
			r.setVar(VarTransfer, firstNonEmpty(b.Transfer, r.e.sc.Transfer, r.e.opts.Transfer))
		}
		if err := r.say(b, b.Say, nil); err != nil {
			return "", false, err
		}
		r.out.Expect = Expect{Kind: "none"}
		r.st.Box = ""
		if b.Kind == KindEnd {
			r.out.End, r.st.End = EndDone, EndDone
			return "", true, nil
		}
		r.out.End, r.st.End = EndHandover, EndHandover
		if r.st.Channel == ChannelVoice {
			r.out.Transfer = firstNonEmpty(b.Transfer, r.e.sc.Transfer, r.e.opts.Transfer)
		}
		return "", true, nil
	}
	return "", false, fmt.Errorf("%w: box %s has unknown kind %q", ErrUnknownState, b.ID, b.Kind)
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// prompt shows a waiting box's text (or a re-prompt) with its buttons and
// sets Expect.
func (r *run) prompt(b *Box, text *Text) error {
	bs, err := r.boxButtons(b)
	if err != nil {
		return err
	}
	if err := r.say(b, text, bs); err != nil {
		return err
	}
	if b.Kind == KindButtons {
		r.out.Expect = Expect{Kind: "button"}
	} else {
		r.out.Expect = Expect{Kind: "text", Input: b.Validate}
	}
	return nil
}

// answer handles the customer's input at a waiting buttons or input box.
func (r *run) answer(b *Box) error {
	in := r.in
	s := r.st
	if in.Kind == InputNoInput {
		return r.prompt(b, b.Say)
	}
	if in.Kind == InputButton && strings.HasPrefix(in.Value, "@") {
		target := in.Value[1:]
		if slices.Contains(s.Offered, target) && r.e.sc.Boxes[target] != nil {
			return r.from(target)
		}
		return r.retry(b)
	}
	text := in.Text
	if in.Kind == InputButton {
		text = in.Value
	}
	if b.Kind == KindButtons {
		i := -1
		if in.Kind == InputButton {
			i = slices.IndexFunc(b.Buttons, func(bt ButtonSpec) bool { return bt.Value == in.Value })
		}
		if i < 0 {
			if in.Kind == InputDigits {
				text = strings.TrimRight(in.Text, "#")
			}
			i = b.matchButton(text)
			// The recogniser's other guesses, best first.
			for _, alt := range in.Alternatives {
				if i >= 0 || in.Kind != InputText {
					break
				}
				i = b.matchButton(alt)
			}
		}
		if i < 0 {
			if r.handoverIntent(text) {
				return r.from(r.e.sc.Handover)
			}
			return r.retry(b)
		}
		bt := b.Buttons[i]
		title, err := r.renderText(bt.Title, b.ID)
		if err != nil {
			return err
		}
		r.store(b, strings.TrimSpace(title.Text))
		for _, a := range bt.Set {
			if err := r.assign(a); err != nil {
				return err
			}
		}
		return r.from(firstNonEmpty(bt.Next, b.Next))
	}
	// Input box. A plain text input takes anything, so the handover intent
	// wins only when the whole text is the intent.
	if b.Validate == ValidateText && in.Kind == InputText && r.handoverExact(text) {
		return r.from(r.e.sc.Handover)
	}
	v, ok := validateInput(b.Validate, in, s.Channel, s.Lang)
	if !ok {
		if in.Kind == InputText && r.handoverIntent(text) {
			return r.from(r.e.sc.Handover)
		}
		return r.retry(b)
	}
	stored := v.value
	if b.Validate == ValidateYesNo {
		t := r.e.messages["button_"+stored]
		if t != nil {
			out, err := r.renderText(t, b.ID)
			if err != nil {
				return err
			}
			stored = strings.TrimSpace(out.Text)
		}
		r.store(b, stored)
		if v.yes {
			return r.from(firstNonEmpty(b.Yes, b.Next))
		}
		return r.from(firstNonEmpty(b.No, b.Next))
	}
	r.store(b, stored)
	return r.from(b.Next)
}

// store saves an input under the box's variable name and, unless that
// name is private, under the box id (MessageOk's {{5}}). A private name
// keeps the value out of the public box-id variable.
func (r *run) store(b *Box, v string) {
	if b.Var != "" {
		r.setVar(b.Var, v)
		if strings.HasPrefix(b.Var, "$") {
			return
		}
	}
	r.setVar(b.ID, v)
}

// retry re-prompts after input that does not fit, or goes to the box's
// fallback after Attempts failures.
func (r *run) retry(b *Box) error {
	r.st.Attempts++
	if r.st.Attempts >= b.Attempts && b.Fallback != "" {
		return r.from(b.Fallback)
	}
	attempts := r.st.Attempts
	text := b.Retry
	if text == nil {
		kind := b.Validate
		if b.Kind == KindButtons {
			kind = "buttons"
		}
		text = r.e.messages["retry_"+kind]
	}
	if text == nil {
		text = b.Say
	}
	if err := r.prompt(b, text); err != nil {
		return err
	}
	r.st.Box = b.ID
	r.st.Attempts = attempts
	return nil
}

func (r *run) handoverIntent(text string) bool {
	if r.e.sc.Handover == "" || strings.TrimSpace(text) == "" {
		return false
	}
	words := normalise(text)
	if len(words) > 8 {
		return false
	}
	for _, ph := range r.e.handover {
		if wordsScore(words, ph) > 0 {
			return true
		}
	}
	return false
}

func (r *run) handoverExact(text string) bool {
	if r.e.sc.Handover == "" {
		return false
	}
	words := normalise(text)
	for _, ph := range r.e.handover {
		if len(ph) == len(words) && wordsScore(words, ph) > 0 {
			return true
		}
	}
	return false
}

// result takes an action's result at app box b.
func (r *run) result(b *Box, res ActionResult) error {
	var next string
	switch res.Outcome {
	case OutcomeYes:
		v := res.Value
		if v == nil {
			v = true
		}
		r.setResult(b, normaliseValue(v))
		next = b.Yes
	case OutcomeNo:
		r.setResult(b, false)
		next = b.No
	case OutcomeLocked:
		r.setResult(b, false)
		next = firstNonEmpty(b.Locked, b.Error, r.e.sc.ErrorBox)
	default:
		r.setResult(b, false)
		next = firstNonEmpty(b.Error, r.e.sc.ErrorBox)
	}
	if next == "" {
		return fmt.Errorf("%w: app box %s has no exit for outcome %q", ErrUnknownState, b.ID, res.Outcome)
	}
	return r.from(next)
}

func (r *run) setResult(b *Box, v any) {
	if b.Result != "" {
		r.setVar(b.Result, v)
	}
}

// normaliseValue turns an app's value into JSON-shaped data (what a State
// holds after a JSON round trip), so sessions behave the same before and
// after they are saved.
func normaliseValue(v any) any {
	switch x := v.(type) {
	case nil, bool, string, float64:
		return x
	case int:
		return float64(x)
	case int64:
		return float64(x)
	case float32:
		return float64(x)
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = normaliseValue(e)
		}
		return m
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = normaliseValue(e)
		}
		return l
	case map[string]string:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = e
		}
		return m
	case []string:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = e
		}
		return l
	case []map[string]any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = normaliseValue(e)
		}
		return l
	}
	return fmt.Sprint(v)
}

// Valid reports whether st can be stepped by this engine: it is at a
// waiting box (or not started or ended) and its maps are present. Fuzz
// tests use it; bot may use it to detect a state from an older scenario.
func (e *Engine) Valid(st State) error {
	if st.Vars == nil || st.Private == nil {
		return errors.New("dialog: state without variable maps")
	}
	for k := range st.Vars {
		if strings.HasPrefix(k, "$") {
			return fmt.Errorf("dialog: private variable %s among public ones", k)
		}
	}
	for k := range st.Private {
		if !strings.HasPrefix(k, "$") {
			return fmt.Errorf("dialog: public variable %s among private ones", k)
		}
	}
	if st.Vars[VarChannel] != string(st.Channel) || st.Vars[VarLang] != st.Lang {
		return errors.New("dialog: reserved variables out of sync")
	}
	if st.End != "" && st.End != EndDone && st.End != EndHandover {
		return fmt.Errorf("dialog: unknown end %q", st.End)
	}
	if st.Box == "" {
		return nil
	}
	b := e.sc.Boxes[st.Box]
	if b == nil {
		return fmt.Errorf("%w: box %q", ErrUnknownState, st.Box)
	}
	switch b.Kind {
	case KindButtons, KindInput, KindApp:
		return nil
	}
	return fmt.Errorf("%w: box %s (%s) cannot wait", ErrUnknownState, b.ID, b.Kind)
}
