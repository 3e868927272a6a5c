package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/samoobsluha/samoobsluha/bot/apps"
	"github.com/samoobsluha/samoobsluha/dialog"
	"github.com/samoobsluha/samoobsluha/session"
	"github.com/samoobsluha/samoobsluha/upgates"
)

// Limits on request fields (PROTOCOL.md §1).
const (
	maxTextLen    = 1000
	maxVars       = 20
	maxVarValue   = 256
	maxSessionLen = 128
)

// turn is one request being handled. It lives for one Handle call.
type turn struct {
	b       *Bot
	req     Request
	channel dialog.Channel
	now     time.Time // the injected clock at the start of the turn

	// actionDeadline leaves part of the turn for saving the session.
	actionDeadline time.Time

	sess     *session.Session
	tl       session.TurnLock // the turn lock, when one is held
	lockedID string           // the session id tl locks
	st       dialog.State
	rec      record
	isNew    bool
	messages []dialog.Message
	actions  []string
	outcome  string
	userText string // transcript line for the customer's input, "" if none

	// The lockout state, read once per turn (prefetched with the lock) and
	// kept current by the failures this turn counts.
	lockKnown bool
	lockedOut bool
	counts    <-chan counts // a prefetch of the lockout counts, nil when none
}

// Handle runs one request: it loads (or creates) the session under its
// turn lock, steps the scenario, runs the actions it asks for through the
// apps, saves the session and returns the messages for the channel.
//
// Failures the client should see are returned as *Error with a polite
// message in the session's language: CodeBadFrame for an invalid request,
// CodeLocked when lookups are locked after failed verifications,
// CodeUnavailable when the session store is unreachable (then nothing of
// the turn was kept and no write to the shop will be repeated by a retry),
// CodeInternal for anything else. A shop that does not answer is not an
// error: the scenario's error exit answers the customer.
func (b *Bot) Handle(ctx context.Context, req Request) (Reply, error) {
	// Deadlines and durations run on real (monotonic) time; the injected
	// clock stamps sessions and feeds the engine.
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, b.turnTimeout)
	defer cancel()
	dl, _ := ctx.Deadline()
	t := &turn{b: b, req: req, now: b.now(),
		// Actions get 80% of what is left, so that there is time to save.
		actionDeadline: start.Add(dl.Sub(start) * 8 / 10)}
	rep, err := t.run(ctx)
	var e *Error
	switch {
	case err == nil && rep.End != "":
		t.outcome = "end"
	case err == nil:
		t.outcome = "ok"
	case errors.As(err, &e):
		switch e.Code {
		case CodeBadFrame, CodeUnknownBot:
			t.outcome = "bad_request"
		case CodeInternal:
			t.outcome = "error"
		default:
			t.outcome = e.Code
		}
	default:
		t.outcome = "error"
	}
	d := time.Since(start)
	b.metrics.Turn(b.id, string(t.channel), d, t.outcome)
	attrs := []slog.Attr{
		slog.String("session_id", rep.Session),
		slog.String("channel", string(t.channel)),
		slog.String("kind", req.Kind),
		slog.String("state", t.st.Box),
		slog.String("status", t.outcome),
		slog.Duration("duration", d),
	}
	if len(t.actions) > 0 {
		attrs = append(attrs, slog.String("action", strings.Join(t.actions, ",")))
	}
	if b.logContent && req.Text != "" {
		attrs = append(attrs, slog.String("text", req.Text))
	}
	b.log.LogAttrs(ctx, slog.LevelDebug, "turn", attrs...)
	if err != nil {
		if !errors.As(err, &e) {
			b.log.LogAttrs(ctx, slog.LevelError, "turn failed", slog.String("session_id", rep.Session), slog.String("err", err.Error()))
			err = newError(CodeInternal, t.lang())
		}
		return Reply{Session: rep.Session, Bot: b.id, Lang: t.lang()}, err
	}
	return rep, nil
}

// lang is the language for messages of this turn.
func (t *turn) lang() string {
	if t.st.Lang != "" {
		return t.st.Lang
	}
	if t.req.Lang == "cs" || t.req.Lang == "en" {
		return t.req.Lang
	}
	return t.b.lang
}

func (t *turn) run(ctx context.Context) (Reply, error) {
	switch t.req.Channel {
	case "", "web":
		t.channel = dialog.ChannelWeb
	case "voice":
		t.channel = dialog.ChannelVoice
	case "test":
		t.channel = dialog.ChannelTest
	default:
		return Reply{}, newError(CodeBadFrame, t.lang())
	}
	if err := t.validate(); err != nil {
		return Reply{Session: t.req.Session}, err
	}
	if t.req.Kind == KindHello {
		return t.hello(ctx)
	}
	return t.input(ctx)
}

// validate checks the request fields that do not depend on the session.
func (t *turn) validate() error {
	r := t.req
	bad := newError(CodeBadFrame, t.lang())
	if len(r.Session) > maxSessionLen || !printable(r.Session) {
		return bad
	}
	switch r.Kind {
	case KindHello:
		if len(r.Vars) > maxVars {
			return bad
		}
		for k, v := range r.Vars {
			if !validVarName(k) || len(v) > maxVarValue || !printable(v) {
				return bad
			}
		}
	case KindText:
		if n := utf8.RuneCountInString(r.Text); n < 1 || n > maxTextLen || !utf8.ValidString(r.Text) || strings.TrimSpace(r.Text) == "" {
			return bad
		}
	case KindButton:
		if r.Value == "" || len(r.Value) > maxTextLen || !printable(r.Value) {
			return bad
		}
	case KindDigits:
		if r.Digits == "" || len(r.Digits) > 64 || strings.Trim(r.Digits, "0123456789*#") != "" {
			return bad
		}
	case KindNoInput, KindHangup:
		if t.channel != dialog.ChannelVoice {
			return bad
		}
	default:
		return bad
	}
	if r.Kind != KindHello && r.Session == "" {
		return bad
	}
	if t.channel == dialog.ChannelVoice && r.Session == "" {
		return bad
	}
	return nil
}

// reservedVars are set by the engine; a host page cannot override them.
var reservedVars = map[string]bool{"channel": true, "lang": true}

func validVarName(k string) bool {
	if len(k) < 1 || len(k) > 32 || reservedVars[k] {
		return false
	}
	for _, c := range k {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// printable reports whether s is valid UTF-8 without control characters.
func printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, c := range s {
		if c < 0x20 || c == 0x7f {
			return false
		}
	}
	return true
}

// lock takes the session's turn lock and loads the session in one step
// (Store.LockGet). A missing session leaves t.sess nil. The returned func
// releases the lock unless save has already done so.
func (t *turn) lock(ctx context.Context, id string) (func(), error) {
	tl, err := t.b.store.LockGet(ctx, id)
	if err != nil {
		return nil, t.storeError(ctx, "lock and load session", err)
	}
	t.tl, t.lockedID = tl, id
	s := tl.Session()
	if s == nil {
		return tl.Unlock, nil
	}
	if s.Bot != t.b.id {
		// Another bot's session (or a guessed id): never touch it.
		return tl.Unlock, nil
	}
	st, rec, err := loadState(s)
	if err != nil {
		// A session we cannot read (e.g. written by an incompatible
		// version) starts over rather than failing every turn.
		t.b.log.WarnContext(ctx, "unreadable session, starting over", "session_id", id, "err", err)
		return tl.Unlock, nil
	}
	t.sess, t.st, t.rec = s, st, rec
	return tl.Unlock, nil
}

// save writes the session at the end of the turn: saved and unlocked in
// one step when the turn holds the session's lock, a plain versioned
// Save otherwise (a new session under a fresh id takes no lock).
func (t *turn) save(ctx context.Context) error {
	if t.tl != nil && t.lockedID == t.sess.ID {
		return t.tl.SaveUnlock(ctx, t.sess)
	}
	return t.b.store.Save(ctx, t.sess)
}

// storeError logs a session-store failure once and maps it to the
// client-visible error.
func (t *turn) storeError(ctx context.Context, op string, err error) error {
	switch {
	case errors.Is(err, session.ErrLocked), errors.Is(err, context.DeadlineExceeded):
		t.b.log.WarnContext(ctx, op+": session busy past the turn deadline", "err", err)
	case errors.Is(err, session.ErrNotFound):
		t.b.log.WarnContext(ctx, op+": session expired during the turn", "err", err)
		return newError(CodeExpired, t.lang())
	case errors.Is(err, session.ErrConflict):
		t.b.log.WarnContext(ctx, op+": lost a concurrent update, turn discarded", "err", err)
	default:
		t.b.log.ErrorContext(ctx, op+": session store unavailable", "err", err)
	}
	return newError(CodeUnavailable, t.lang())
}

// hello starts a conversation or resumes the one named in the request.
func (t *turn) hello(ctx context.Context) (Reply, error) {
	id := t.req.Session
	if id != "" {
		unlock, err := t.lock(ctx, id)
		if err != nil {
			return Reply{Session: id}, err
		}
		defer unlock()
	}
	if t.sess != nil {
		return t.resume(ctx)
	}
	if t.channel != dialog.ChannelVoice || id == "" {
		id = t.b.newID()
	}
	t.create(id)
	st, out, err := t.b.engine.Step(t.st, dialog.Input{Kind: dialog.InputStart, Now: t.now})
	if err != nil {
		return Reply{Session: id}, err
	}
	return t.drive(ctx, st, out)
}

// create makes a new session for this request.
func (t *turn) create(id string) {
	lang := t.b.lang
	if t.req.Lang == "cs" || t.req.Lang == "en" {
		lang = t.req.Lang
	}
	t.isNew = true
	t.sess = &session.Session{ID: id, Bot: t.b.id, Channel: string(t.channel), Lang: lang, Created: t.now}
	t.st = dialog.NewState(t.channel, lang, t.req.Vars)
	if t.st.Private == nil {
		t.st.Private = map[string]any{}
	}
	for k, v := range t.b.vars {
		if strings.HasPrefix(k, "$") {
			t.st.Private[k] = v
		} else {
			t.st.Vars[k] = v
		}
	}
	if t.channel == dialog.ChannelVoice {
		t.rec.Caller = normalisePhone(t.req.Caller, t.b.region)
		if t.b.phoneVerify && t.rec.Caller != "" {
			t.st.Private["$caller"] = t.rec.Caller
		}
	}
}

// resume answers a hello for a live session: history and the pending
// expectation, no new turn. Changed language or page variables are saved.
func (t *turn) resume(ctx context.Context) (Reply, error) {
	changed := false
	if (t.req.Lang == "cs" || t.req.Lang == "en") && t.req.Lang != t.st.Lang {
		t.st.Lang = t.req.Lang
		t.st.Vars["lang"] = t.req.Lang
		changed = true
	}
	for k, v := range t.req.Vars {
		if old, ok := t.st.Vars[k]; !ok || old != v {
			t.st.Vars[k] = v
			changed = true
		}
	}
	// The transcript is kept apart from the session (session.Store.Transcript):
	// only a resume reads it.
	stored, err := t.b.store.Transcript(ctx, t.sess.ID)
	if err != nil {
		return Reply{Session: t.sess.ID}, t.storeError(ctx, "read transcript", err)
	}
	// A session stored by an older version still carries its transcript
	// (unsaved entries, stored by the next save).
	history := historyOf(append(stored, t.sess.Transcript...))
	if changed {
		if err := storeState(t.sess, t.st, t.rec); err != nil {
			return Reply{Session: t.sess.ID}, err
		}
		t.sess.Updated = t.now
		if err := t.save(ctx); err != nil {
			return Reply{Session: t.sess.ID}, t.storeError(ctx, "save session", err)
		}
	}
	rep := Reply{
		Session: t.sess.ID, Bot: t.b.id, Lang: t.st.Lang, Resumed: true,
		History: history,
		Expect:  Expect(t.rec.Expect),
	}
	if t.rec.Ended != "" {
		// A text after the end restarts the scenario (PROTOCOL.md §1).
		rep.Expect = Expect{Kind: "text", Input: "text"}
	}
	if t.channel == dialog.ChannelVoice {
		rep.Voice = t.voice(nil, rep.Expect, "", "")
		rep.Voice.Say, rep.Voice.SSML = renderSpeech(t.rec.Prompt, t.st.Lang)
	}
	return rep, nil
}

// input handles text, button, digits, no_input and hangup.
func (t *turn) input(ctx context.Context) (Reply, error) {
	id := t.req.Session
	t.prefetchCounts(ctx, id)
	defer t.endPrefetch()
	unlock, err := t.lock(ctx, id)
	if err != nil {
		return Reply{Session: id}, err
	}
	defer unlock()

	if t.sess == nil {
		switch {
		case t.req.Kind == KindHangup:
			return t.hangupReply(id, ""), nil
		case t.channel == dialog.ChannelVoice:
			// The adapter skipped "start" or the call outlived its
			// session: answer like a new call.
			t.create(id)
			st, out, err := t.b.engine.Step(t.st, dialog.Input{Kind: dialog.InputStart, Now: t.now})
			if err != nil {
				return Reply{Session: id}, err
			}
			return t.drive(ctx, st, out)
		default:
			lang := t.lang()
			return Reply{Session: id, Bot: t.b.id, Lang: lang, End: "expired",
				Messages: []Message{{Text: text(CodeExpired, lang)}}}, nil
		}
	}
	if (t.req.Lang == "cs" || t.req.Lang == "en") && t.req.Lang != t.st.Lang {
		t.st.Lang = t.req.Lang
	}

	switch t.req.Kind {
	case KindHangup:
		if err := t.b.store.Delete(ctx, id); err != nil {
			return Reply{Session: id}, t.storeError(ctx, "delete session", err)
		}
		t.b.log.InfoContext(ctx, "session ended", "session_id", id, "channel", string(t.channel), "reason", "hangup")
		return t.hangupReply(id, t.st.Lang), nil
	case KindNoInput:
		return t.noInput(ctx)
	}
	t.rec.NoInput = 0

	var in dialog.Input
	switch t.req.Kind {
	case KindText:
		in = dialog.Input{Kind: dialog.InputText, Text: t.req.Text, Alternatives: t.req.Alternatives}
		t.userText = maskInput(t.req.Text, t.rec.Expect.Input)
	case KindButton:
		in = dialog.Input{Kind: dialog.InputButton, Value: t.req.Value}
		t.userText = buttonTitle(t.rec.Buttons, t.req.Value)
	case KindDigits:
		in = dialog.Input{Kind: dialog.InputDigits, Text: t.req.Digits}
		t.userText = maskInput(t.req.Digits, t.rec.Expect.Input)
	}
	in.Now = t.now
	if t.rec.Ended != "" {
		// After the end, any input starts the scenario again in the same
		// session (PROTOCOL.md §1).
		in = dialog.Input{Kind: dialog.InputStart, Now: t.now}
		t.rec.Ended = ""
	}
	st, out, err := t.b.engine.Step(t.st, in)
	if errors.Is(err, dialog.ErrUnknownState) {
		// The scenario changed under a live session (a new deploy): start
		// it again rather than failing every turn.
		t.b.log.WarnContext(ctx, "session state does not fit the scenario; restarting it", "session_id", id, "state", t.st.Box)
		st, out, err = t.b.engine.Step(t.st, dialog.Input{Kind: dialog.InputStart, Now: t.now})
	}
	if err != nil {
		return Reply{Session: id}, err
	}
	return t.drive(ctx, st, out)
}

// drive runs the actions the engine asks for, feeding their results back,
// then saves the session and renders the reply.
func (t *turn) drive(ctx context.Context, st dialog.State, out dialog.Output) (Reply, error) {
	id := t.sess.ID
	before, _ := json.Marshal(t.st.Vars)
	varsChanged := out.VarsChanged
	t.messages = append(t.messages, out.Messages...)
	ctx = upgates.WithTurnCache(ctx) // the turn's actions read each order from the cache once
	for n := 0; out.Action != nil; n++ {
		if n >= maxActionsPerTurn {
			return Reply{Session: id}, errors.New("scenario ran too many actions in one turn (a loop of app boxes?)")
		}
		res, err := t.runAction(ctx, out.Action)
		if err != nil {
			return Reply{Session: id}, err
		}
		st, out, err = t.b.engine.Step(st, dialog.Input{Kind: dialog.InputResult, Result: &res, Now: t.now})
		if err != nil {
			return Reply{Session: id}, err
		}
		varsChanged = varsChanged || out.VarsChanged
		t.messages = append(t.messages, out.Messages...)
	}
	t.st = st

	// What the session keeps.
	t.rec.Expect = out.Expect
	t.rec.Ended = out.End
	t.rec.Journal = pruneJournal(t.rec.Journal, t.now, t.b.journalTTL)
	msgs := t.render(t.messages)
	if t.channel == dialog.ChannelVoice && len(t.messages) > 0 {
		t.rec.Prompt = speakable(t.messages[len(t.messages)-1])
	}
	switch {
	case len(msgs) > 0:
		t.rec.Buttons = lastButtons(msgs)
	case t.userText != "":
		t.rec.Buttons = nil // the transcript now ends with the customer's line
	}
	if err := storeState(t.sess, st, t.rec); err != nil {
		return Reply{Session: id}, err
	}
	var entries []session.Entry
	if t.userText != "" {
		entries = append(entries, session.Entry{From: "user", Text: t.userText, At: t.now})
	}
	for _, m := range msgs {
		entries = append(entries, botEntry(m, t.now))
	}
	t.sess.Append(entries...)
	t.sess.Updated = t.now
	if err := t.save(ctx); err != nil {
		return Reply{Session: id}, t.storeError(ctx, "save session", err)
	}
	if t.isNew {
		t.b.log.InfoContext(ctx, "session started", "session_id", id, "channel", string(t.channel), "lang", st.Lang)
	}
	if out.End != "" {
		t.b.log.InfoContext(ctx, "session ended", "session_id", id, "channel", string(t.channel), "reason", out.End)
	}

	rep := Reply{Session: id, Bot: t.b.id, Lang: st.Lang, Messages: msgs, End: out.End}
	if out.End == "" {
		rep.Expect = Expect(out.Expect)
	}
	after, _ := json.Marshal(st.Vars)
	if varsChanged || t.isNew || !bytes.Equal(before, after) {
		rep.Vars = st.PublicVars()
	}
	if t.channel == dialog.ChannelVoice {
		rep.Voice = t.voiceReply(out)
	}
	return rep, nil
}

// runAction runs one app call with the lockout check, the write journal
// and the per-turn deadline, and returns its result for the engine.
func (t *turn) runAction(ctx context.Context, a *dialog.Action) (dialog.ActionResult, error) {
	b := t.b
	t.actions = append(t.actions, a.App)
	locked, err := t.locked(ctx)
	if err != nil {
		return dialog.ActionResult{}, err
	}
	if locked {
		b.metrics.Action(a.App, string(dialog.OutcomeLocked))
		b.log.InfoContext(ctx, "lookup refused: locked after failed verifications", "session_id", t.sess.ID, "action", a.App)
		if box := b.engine.Scenario().Box(a.Box); box != nil && box.Locked != "" {
			// The scenario has its own answer (and may still offer a
			// person): take the box's locked exit, call nothing.
			return dialog.ActionResult{Outcome: dialog.OutcomeLocked, Value: false}, nil
		}
		return dialog.ActionResult{}, newError(CodeLocked, t.lang())
	}

	write := writeApps[a.App]
	var key string
	if write {
		key = journalKey(a)
		if i := findJournal(t.rec.Journal, key); i >= 0 && t.now.Sub(t.rec.Journal[i].At) < b.journalTTL {
			e := t.rec.Journal[i]
			if e.Pending {
				// The write was sent by an earlier attempt whose result
				// was never saved: never send it again.
				b.metrics.Action(a.App, "replayed")
				b.log.WarnContext(ctx, "write outcome unknown from an earlier attempt; not repeated", "session_id", t.sess.ID, "action", a.App)
				return dialog.ActionResult{Outcome: dialog.OutcomeError, Value: false}, nil
			}
			b.metrics.Action(a.App, "replayed")
			b.log.DebugContext(ctx, "write already done in this session; result replayed", "session_id", t.sess.ID, "action", a.App)
			return dialog.ActionResult{Outcome: e.Outcome, Value: e.Value}, nil
		}
		if err := t.journalPending(ctx, a.App, key); err != nil {
			return dialog.ActionResult{}, err
		}
	}

	actx, cancel := context.WithDeadline(ctx, t.actionDeadline)
	defer cancel()
	if t.req.Typing != nil {
		// Only a request that goes out to the shop makes the customer
		// wait; an answer from the cache comes within milliseconds.
		actx = upgates.WithRequestHook(actx, sync.OnceFunc(t.req.Typing))
	}
	verified := t.rec.Verified
	res := b.apps.Run(actx, apps.Call{
		App:    a.App,
		Params: a.Params,
		Lang:   t.st.Lang,
		Verified: func(order string) bool {
			for _, o := range verified {
				if o == order {
					return true
				}
			}
			return false
		},
	})
	b.metrics.Action(a.App, string(res.Outcome))
	if res.Outcome == dialog.OutcomeError {
		b.log.WarnContext(ctx, "shop call failed; scenario takes the error exit", "session_id", t.sess.ID, "action", a.App, "err", errString(res.Err))
	}
	if res.VerifyFailed {
		t.countFailure(ctx)
	}
	if res.Verified != "" {
		t.rec.Verified = addVerified(t.rec.Verified, res.Verified)
	}
	if write || res.Write {
		t.journalDone(a, key, res)
	}
	value := res.Value
	if value == nil {
		value = res.Outcome != dialog.OutcomeNo && res.Outcome != dialog.OutcomeError
	}
	return dialog.ActionResult{Outcome: res.Outcome, Value: value}, nil
}

// journalPending saves the session as it was loaded plus a pending
// journal entry, before a write is sent. If the turn is lost afterwards,
// a retry finds the entry and does not send the write again.
func (t *turn) journalPending(ctx context.Context, app, key string) error {
	t.rec.Journal = append(pruneJournal(t.rec.Journal, t.now, t.b.journalTTL),
		journalEntry{Key: key, App: app, Pending: true, At: t.now})
	if t.isNew {
		// A brand-new session has nothing to go back to; the pending
		// entry is saved with the final state.
		return nil
	}
	saved := *t.sess
	st, rec, err := loadState(&saved)
	if err != nil {
		return err
	}
	rec.Journal = t.rec.Journal
	rec.NoInput = t.rec.NoInput
	if err := storeState(&saved, st, rec); err != nil {
		return err
	}
	if err := t.b.store.Save(ctx, &saved); err != nil {
		return t.storeError(ctx, "save write journal", err)
	}
	t.sess.Version = saved.Version
	t.sess.Engine = saved.Engine
	return nil
}

// journalDone records a write's result. A write that timed out may have
// reached the shop, so it stays pending (never resent); one that failed
// definitively is forgotten so that the customer can try again.
func (t *turn) journalDone(a *dialog.Action, key string, res apps.Result) {
	if key == "" {
		key = journalKey(a)
	}
	i := findJournal(t.rec.Journal, key)
	if i < 0 {
		t.rec.Journal = append(t.rec.Journal, journalEntry{Key: key, App: a.App, At: t.now})
		i = len(t.rec.Journal) - 1
	}
	e := &t.rec.Journal[i]
	switch {
	case res.Outcome != dialog.OutcomeError:
		e.Pending, e.Outcome, e.Value = false, res.Outcome, res.Value
	case errors.Is(res.Err, context.DeadlineExceeded) || errors.Is(res.Err, context.Canceled):
		e.Pending = true
	default:
		t.rec.Journal = append(t.rec.Journal[:i], t.rec.Journal[i+1:]...)
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// render converts engine messages to wire messages for the channel.
// Private variables reach a message only where the scenario author
// rendered one on purpose (a status name kept in $order); the variables
// themselves never leave the server.
func (t *turn) render(in []dialog.Message) []Message {
	if len(in) == 0 {
		return nil
	}
	out := make([]Message, 0, len(in))
	for _, m := range in {
		w := Message{Text: m.Text, Image: m.Image}
		for _, bt := range m.Buttons {
			w.Buttons = append(w.Buttons, Button(bt))
		}
		for _, l := range m.Links {
			w.Links = append(w.Links, Link(l))
		}
		if t.channel == dialog.ChannelVoice {
			_, w.SSML = renderSpeech(speakable(m), t.st.Lang)
		}
		out = append(out, w)
	}
	return out
}

func (t *turn) hangupReply(id, lang string) Reply {
	if lang == "" {
		lang = t.lang()
	}
	return Reply{Session: id, Bot: t.b.id, Lang: lang, End: dialog.EndDone,
		Voice: &Voice{Action: "hangup"}}
}
