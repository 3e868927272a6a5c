package apps

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/samoobsluha/samoobsluha/upgates"
)

// maxNoteText bounds the text one note call adds, in runes.
const maxNoteText = 1000

// parseFlag reads a yes/no parameter such as send_email. It must be given
// explicitly: "true"/"false" (also "1"/"0", "yes"/"no", "ano"/"ne").
func parseFlag(name, s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "1", "yes", "ano":
		return true, nil
	case "false", "0", "no", "ne":
		return false, nil
	}
	return false, fmt.Errorf("parameter %s must be \"true\" or \"false\", got %q", name, s)
}

// writeResult maps the outcome of a write that was sent. A write the shop
// refused (updated_yn false) or an unknown order is a no; any other error
// is technical. Write is set in every case: the request left.
func writeResult(err error) Result {
	var r Result
	var ae *upgates.APIError
	switch {
	case err == nil:
		r = yes(true)
	case errors.As(err, &ae) && ae.Code == "not_updated", errors.Is(err, upgates.ErrNotFound):
		r = no()
	default:
		r = fail(err)
	}
	r.Write = true
	return r
}

// ownedForWrite returns the verified order a write may touch, or a Result
// to return: writes act only on an order this session has verified (by
// e-mail or phone), so knowing an order number is never enough to change
// it. An unverified order is a plain no; nothing is called.
func ownedForWrite(c Call) (string, *Result) {
	n := verifiedOrder(c, c.Params["order"])
	if n == "" {
		r := no()
		return "", &r
	}
	return n, nil
}

// changeStatus is change_status: sets the status given by id, by name in
// any language, or as "type:<Type>". An unknown status is a scenario bug
// (error). An order already in that status is a yes without a write, so a
// repeated request never sends the customer a second e-mail.
func (a *Apps) changeStatus(ctx context.Context, c Call) Result {
	send, err := parseFlag("send_email", c.Params["send_email"])
	if err != nil {
		return fail(err)
	}
	n, r := ownedForWrite(c)
	if r != nil {
		return *r
	}
	target, err := a.shop.ResolveStatus(ctx, strings.TrimSpace(c.Params["status"]))
	if err != nil {
		return fail(fmt.Errorf("resolve status %q: %w", c.Params["status"], err))
	}
	o, err := a.shop.Order(ctx, n)
	if err != nil {
		return readResult(err)
	}
	if o.StatusID == target.ID {
		return yes(true)
	}
	id := target.ID
	return writeResult(a.shop.UpdateOrder(ctx, upgates.OrderUpdate{
		OrderNumber: o.OrderNumber, StatusID: &id, SendEmails: send,
	}))
}

// cancelOrder is cancel_order: sets Options.CancelStatus when the order is
// cancellable (Options.Cancellable), else no. It reads the order fresh, so
// a parcel shipped a minute ago is not cancelled from a cached copy.
func (a *Apps) cancelOrder(ctx context.Context, c Call) Result {
	send, err := parseFlag("send_email", c.Params["send_email"])
	if err != nil {
		return fail(err)
	}
	n, r := ownedForWrite(c)
	if r != nil {
		return *r
	}
	o, err := a.freshOrder(ctx, n)
	if err != nil {
		return readResult(err)
	}
	var st statusInfo
	if a.opts.Cancellable == nil {
		if st, err = a.status(ctx, o, c.Lang); err != nil {
			return fail(err)
		}
	}
	ok, err := a.cancellable(ctx, o, st)
	if err != nil {
		return fail(err)
	}
	if !ok {
		return no()
	}
	target, err := a.shop.ResolveStatus(ctx, a.opts.CancelStatus)
	if err != nil {
		return fail(fmt.Errorf("resolve cancel status %q: %w", a.opts.CancelStatus, err))
	}
	id := target.ID
	return writeResult(a.shop.UpdateOrder(ctx, upgates.OrderUpdate{
		OrderNumber: o.OrderNumber, StatusID: &id, SendEmails: send,
	}))
}

// noteLine formats the text a note call writes: "[sender YYYY-MM-DD HH:MM]
// text", the text trimmed and cut to maxNoteText runes.
func (a *Apps) noteLine(text string) (string, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return "", errors.New("parameter text is empty")
	}
	if utf8.RuneCountInString(text) > maxNoteText {
		text = string([]rune(text)[:maxNoteText])
	}
	return fmt.Sprintf("[%s %s] %s", a.opts.NoteSender, a.opts.Now().Format("2006-01-02 15:04"), text), nil
}

// appendNote is append_note: GET the order (fresh), then PUT old note +
// "\n" + the new line, so the old note is kept (UPGATES-API.md §14.5).
func (a *Apps) appendNote(ctx context.Context, c Call) Result {
	line, err := a.noteLine(c.Params["text"])
	if err != nil {
		return fail(err)
	}
	n, r := ownedForWrite(c)
	if r != nil {
		return *r
	}
	o, err := a.freshOrder(ctx, n)
	if err != nil {
		return readResult(err)
	}
	note := line
	if old := strings.TrimRight(o.InternalNote, "\n"); strings.TrimSpace(old) != "" {
		note = old + "\n" + line
	}
	return writeResult(a.shop.UpdateOrder(ctx, upgates.OrderUpdate{
		OrderNumber: o.OrderNumber, InternalNote: &note,
	}))
}

// overwriteNote is overwrite_note: PUT the new line as the whole note.
func (a *Apps) overwriteNote(ctx context.Context, c Call) Result {
	line, err := a.noteLine(c.Params["text"])
	if err != nil {
		return fail(err)
	}
	n, r := ownedForWrite(c)
	if r != nil {
		return *r
	}
	return writeResult(a.shop.UpdateOrder(ctx, upgates.OrderUpdate{
		OrderNumber: n, InternalNote: &line,
	}))
}
