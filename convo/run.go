package convo

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/samoobsluha/samoobsluha/bot"
)

// Runner runs convos against targets.
type Runner struct {
	// Web runs web convos and Voice voice convos. A convo whose target is
	// nil is skipped (reported, never silently passed).
	Web, Voice Target
	// Parallel is how many convos run at once (default GOMAXPROCS).
	// Convos marked @serial run alone, after the others.
	Parallel int
	// Timeout bounds one convo (default 2 minutes).
	Timeout time.Duration
}

// Status of a convo run.
const (
	Passed  = "passed"
	Failed  = "failed"
	Skipped = "skipped"
)

// Result is the outcome of one convo.
type Result struct {
	Convo    *Convo
	Status   string
	Failure  *Failure // set when Status is Failed
	Skip     string   // why, when Status is Skipped
	Duration time.Duration
	// Transcript is the conversation as it went, one line per input or
	// bot message ("me: ...", "bot: ...").
	Transcript []string
}

// Failure says where and how a convo went wrong.
type Failure struct {
	File string
	Line int    // line of the failing check or step
	What string // what went wrong, one line
	// After is the last input sent before the failure ("" before any).
	After    string
	Expected string
	Said     string
	Diff     string // the first difference, when known
}

// Error renders the failure as a few readable lines.
func (f *Failure) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s:%d: %s", f.File, f.Line, f.What)
	if f.After != "" {
		fmt.Fprintf(&b, "\n    after:    #me %s", f.After)
	}
	if f.Expected != "" {
		fmt.Fprintf(&b, "\n    expected: %s", f.Expected)
	}
	if f.Said != "" {
		fmt.Fprintf(&b, "\n    bot said: %s", f.Said)
	}
	if f.Diff != "" {
		fmt.Fprintf(&b, "\n    difference: %s", f.Diff)
	}
	return b.String()
}

// Run runs the convos and returns one result per convo, in their order.
// Convos run in parallel (Runner.Parallel), @serial ones alone at the end.
// Run returns when every convo has finished or ctx has ended.
func (r *Runner) Run(ctx context.Context, convos []*Convo) []Result {
	results := make([]Result, len(convos))
	n := r.Parallel
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	var parallel, serial []int
	for i, c := range convos {
		if c.Serial {
			serial = append(serial, i)
		} else {
			parallel = append(parallel, i)
		}
	}
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(n, max(1, len(parallel))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				results[i] = r.RunOne(ctx, convos[i])
			}
		}()
	}
	for _, i := range parallel {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	for _, i := range serial {
		results[i] = r.RunOne(ctx, convos[i])
	}
	return results
}

// run is the state of one convo being run.
type run struct {
	r       *Runner
	c       *Convo
	conv    Conversation
	res     *Result
	mem     map[string]string
	vars    map[string]any
	turn    *Turn
	next    int // index of the next unread message of turn
	after   string
	started bool
}

// RunOne runs one convo.
func (r *Runner) RunOne(ctx context.Context, c *Convo) (res Result) {
	res.Convo = c
	start := time.Now()
	defer func() { res.Duration = time.Since(start) }()
	target := r.Web
	if c.Channel() == "voice" {
		target = r.Voice
	}
	if target == nil {
		res.Status, res.Skip = Skipped, "no "+c.Channel()+" target configured"
		return res
	}
	ip, inProcess := target.(*InProcess)
	if c.InProcessOnly() && !inProcess {
		res.Status, res.Skip = Skipped, "in-process only (@in-process, @shop-down, @shop-permission or @var)"
		return res
	}
	timeout := r.Timeout
	if timeout <= 0 {
		timeout = 2 * time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var conv Conversation
	var err error
	if inProcess {
		conv, err = ip.StartConvo(ctx, c)
	} else {
		conv, err = target.Start(ctx)
	}
	if err != nil {
		res.Status = Failed
		res.Failure = &Failure{File: c.File, What: "cannot start the conversation: " + err.Error()}
		return res
	}
	defer conv.Close()
	ru := &run{r: r, c: c, conv: conv, res: &res, mem: map[string]string{}, vars: map[string]any{}}
	if f := ru.steps(ctx); f != nil {
		f.File = c.File
		res.Status, res.Failure = Failed, f
		return res
	}
	res.Status = Passed
	return res
}

func (ru *run) steps(ctx context.Context) *Failure {
	for _, st := range ru.c.Steps {
		if st.Pause > 0 {
			if err := ru.pause(ctx, st.Pause); err != nil {
				return &Failure{Line: st.Line, What: "PAUSE: " + err.Error(), After: ru.after}
			}
		}
		switch st.Sender {
		case Me:
			if st.Input == nil {
				continue
			}
			if f := ru.unread(st.Line); f != nil {
				return f
			}
			if !ru.started && st.Input.Kind != InputHello && st.Input.Kind != InputVoiceStart {
				// A web convo that begins with the customer's words: say
				// hello first and let the greeting pass unchecked.
				if f := ru.send(ctx, st.Line, Input{Kind: InputHello}, true); f != nil {
					return f
				}
				ru.next = len(ru.turn.Messages)
			}
			if f := ru.send(ctx, st.Line, ru.substituteInput(*st.Input), false); f != nil {
				return f
			}
		case Bot:
			if !ru.started {
				if f := ru.send(ctx, st.Line, Input{Kind: InputHello}, true); f != nil {
					return f
				}
			}
			if f := ru.check(st); f != nil {
				return f
			}
		}
	}
	lastLine := 0
	if n := len(ru.c.Steps); n > 0 {
		lastLine = ru.c.Steps[n-1].Line
	}
	return ru.unread(lastLine)
}

// unread fails when the bot said something no #bot step has read.
func (ru *run) unread(line int) *Failure {
	if ru.turn == nil || ru.next >= len(ru.turn.Messages) {
		return nil
	}
	left := ru.turn.Messages[ru.next:]
	said := make([]string, len(left))
	for i, m := range left {
		said[i] = messageString(m)
	}
	return &Failure{Line: line, After: ru.after,
		What:     fmt.Sprintf("the bot said %d more message(s) that no #bot step checked (add a #bot step; an empty one accepts any message)", len(left)),
		Expected: "no more messages in this turn",
		Said:     strings.Join(said, "\n              "),
	}
}

func (ru *run) pause(ctx context.Context, d time.Duration) error {
	if p, ok := ru.conv.(Pauser); ok {
		return p.Pause(ctx, d)
	}
	return sleep(ctx, d)
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (ru *run) substituteInput(in Input) Input {
	in.Text = substitute(in.Text, ru.mem)
	in.Value = substitute(in.Value, ru.mem)
	in.Session = substitute(in.Session, ru.mem)
	in.Caller = substitute(in.Caller, ru.mem)
	return in
}

func (ru *run) send(ctx context.Context, line int, in Input, implicit bool) *Failure {
	ru.started = true
	ru.after = fmt.Sprintf("%s (line %d)", in.String(), line)
	if implicit {
		ru.after = fmt.Sprintf("%s (implicit, before line %d)", in.String(), line)
	}
	ru.res.Transcript = append(ru.res.Transcript, "me:  "+in.String())
	t, err := ru.conv.Send(ctx, in)
	if err != nil {
		return &Failure{Line: line, What: "sending " + in.String() + " failed: " + err.Error()}
	}
	ru.turn, ru.next = &t, 0
	if t.Session != "" {
		ru.mem["session"] = t.Session
	}
	if t.Vars != nil {
		ru.vars = t.Vars
	}
	for _, m := range t.Messages {
		ru.res.Transcript = append(ru.res.Transcript, "bot: "+messageString(m))
	}
	if t.Resumed {
		ru.res.Transcript = append(ru.res.Transcript, fmt.Sprintf("     (resumed session %s, %d history lines)", t.Session, len(t.History)))
	}
	switch {
	case t.Error != nil:
		ru.res.Transcript = append(ru.res.Transcript, fmt.Sprintf("     (error %s: %s)", t.Error.Code, t.Error.Message))
	case t.End != "":
		ru.res.Transcript = append(ru.res.Transcript, "     (end "+t.End+")")
	}
	return nil
}

// messageString is one bot message on one line, for reports.
func messageString(m bot.Message) string {
	s := strconv.Quote(m.Text)
	if len(m.Buttons) > 0 {
		s += " " + buttonList(m.Buttons)
	}
	if len(m.Links) > 0 {
		s += " links " + linkList(m.Links)
	}
	if m.Image != "" {
		s += " image " + strconv.Quote(cutString(m.Image, 30))
	}
	return s
}

// check runs the checks of a #bot step against the current turn.
func (ru *run) check(st Step) *Failure {
	t := ru.turn
	c := &evalCtx{turn: t, vars: ru.vars, mem: ru.mem}
	if st.Consumes {
		if ru.next >= len(t.Messages) {
			f := &Failure{Line: st.Line, After: ru.after,
				What:     fmt.Sprintf("expected another bot message, but the bot's turn had %d", len(t.Messages)),
				Expected: "a message",
				Said:     "nothing more",
			}
			switch {
			case t.Error != nil:
				f.Said = fmt.Sprintf("nothing more (the input was refused: error %s: %q)", t.Error.Code, t.Error.Message)
			case t.End != "":
				f.Said = "nothing more (the conversation ended: " + t.End + ")"
			}
			if len(st.Checks) > 0 && st.Checks[0].Name == "" {
				f.Expected = "text " + st.Checks[0].String()
			}
			return f
		}
		c.msg = &t.Messages[ru.next]
		ru.next++
	}
	for _, ch := range st.Checks {
		if f := ru.evalCheck(c, ch); f != nil {
			return f
		}
	}
	return nil
}

var errNoMessage = errors.New("no message")

func (ru *run) evalCheck(c *evalCtx, ch Check) *Failure {
	var o outcome
	if ch.Name == "" {
		o = ru.evalText(c, ch)
	} else {
		a := asserters[ch.Name]
		if a.message && c.msg == nil {
			return &Failure{Line: ch.Line, After: ru.after, What: ch.String() + ": " + errNoMessage.Error()}
		}
		o = a.eval(c, ch.Args)
	}
	if o.ok != ch.Not {
		return nil
	}
	f := &Failure{Line: ch.Line, After: ru.after, Said: o.said, Expected: o.want, Diff: o.diff}
	if ch.Not {
		f.What = ch.String() + ": matched, but must not"
		f.Expected = "not " + o.want
	} else {
		name := ch.Name
		if name == "" {
			name = "text"
		}
		f.What = name + " mismatch"
	}
	return f
}

func (ru *run) evalText(c *evalCtx, ch Check) outcome {
	text := c.msg.Text
	said := strconv.Quote(text)
	if ch.Utterances != nil {
		for _, u := range ch.Utterances {
			if ok, _ := compilePattern(u, ru.mem).match(text); ok {
				return outcome{ok: true, said: said, want: "text " + ch.String()}
			}
		}
		return outcome{said: said, want: fmt.Sprintf("one of the %d utterances of %s", len(ch.Utterances), ch.Args[0])}
	}
	p := compilePattern(ch.Args[0], ru.mem)
	ok, captured := p.match(text)
	o := outcome{ok: ok, said: said, want: "text " + strconv.Quote(p.src)}
	if ok {
		for k, v := range captured {
			ru.mem[k] = v
		}
	} else if !ch.Not {
		o.diff = p.difference(text, ru.mem)
	}
	return o
}
