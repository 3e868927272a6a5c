package apps

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/samoobsluha/samoobsluha/upgates"
)

// errNoCandidate marks a blank order (or e-mail, phone) parameter: the
// customer gave nothing, so nothing is looked up and nothing is counted.
var errNoCandidate = errors.New("no candidate")

// findOrder reads the first order candidate of param that exists and for
// which accept (if not nil) returns true. Each candidate is one cached
// read. It returns:
//   - the order, when one is accepted;
//   - errNoCandidate when param is blank;
//   - upgates.ErrNotFound when no candidate exists or none is accepted;
//   - any other error at once: a technical failure is never a "no".
func (a *Apps) findOrder(ctx context.Context, param string, accept func(*upgates.Order) bool) (*upgates.Order, error) {
	cands := candidates(param, maxOrderCandidates, normOrder)
	if len(cands) == 0 {
		return nil, errNoCandidate
	}
	for _, n := range cands {
		o, err := a.shop.Order(ctx, n)
		if errors.Is(err, upgates.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if accept == nil || accept(o) {
			return o, nil
		}
	}
	return nil, upgates.ErrNotFound
}

// lookupResult turns a findOrder failure into a Result: blank input is a
// plain no, a missing or unaccepted order is a failed verification, and
// anything else is a technical error.
func lookupResult(err error) Result {
	switch {
	case errors.Is(err, errNoCandidate):
		return no()
	case errors.Is(err, upgates.ErrNotFound):
		r := no()
		r.VerifyFailed = true
		return r
	default:
		return fail(err)
	}
}

// readResult turns the failure to read an order this session already
// verified into a Result: gone from the shop is a plain no (not a guess, so
// not counted), anything else a technical error.
func readResult(err error) Result {
	if errors.Is(err, upgates.ErrNotFound) {
		return no()
	}
	return fail(err)
}

// verifiedOrder returns the first candidate of param that this session has
// verified, or "".
func verifiedOrder(c Call, param string) string {
	for _, n := range candidates(param, maxOrderCandidates, normOrder) {
		if c.verified(n) {
			return n
		}
	}
	return ""
}

// statusInfo is the order's status as the shop's status list describes it.
type statusInfo struct {
	// Type is the status type ("Received", "Sent", "Canceled", "Custom"...),
	// "" when the order has no status or the status is not in the list.
	Type string
	// Known is false when the status list could not be read.
	Known bool
	// Name is the status name in the conversation's language, "" when the
	// list has none (the order's own name, in the order's language, is
	// used then).
	Name string
}

// status looks the order's status up in the shop's status list (cached by
// the client for minutes, so usually no call).
func (a *Apps) status(ctx context.Context, o *upgates.Order, lang string) (statusInfo, error) {
	if o.StatusID == 0 {
		return statusInfo{Known: true}, nil
	}
	list, err := a.shop.OrderStatuses(ctx)
	if err != nil {
		return statusInfo{}, fmt.Errorf("read order statuses: %w", err)
	}
	for _, s := range list {
		if s.ID == o.StatusID {
			info := statusInfo{Type: s.Type, Known: true}
			if lang != "" {
				info.Name = s.Names[lang]
			}
			return info, nil
		}
	}
	return statusInfo{Known: true}, nil
}

// cancellable applies Options.Cancellable or the default rule: the status
// list was read, the order is not shipped (no tracking code), its status
// type is not Sent or Canceled (nor a Homecredit sent/delivered/canceled
// type), and it is not already in Options.CancelStatus.
func (a *Apps) cancellable(ctx context.Context, o *upgates.Order, st statusInfo) (bool, error) {
	if a.opts.Cancellable != nil {
		return a.opts.Cancellable(o), nil
	}
	if !st.Known || strings.TrimSpace(o.TrackingCode) != "" {
		return false, nil
	}
	switch st.Type {
	case "Sent", "Canceled", "HomecreditSent", "HomecreditDelivered", "HomecreditCanceled":
		return false, nil
	}
	target, err := a.shop.ResolveStatus(ctx, a.opts.CancelStatus)
	if err != nil {
		return false, fmt.Errorf("resolve cancel status %q: %w", a.opts.CancelStatus, err)
	}
	return o.StatusID != target.ID, nil
}

// freshOrder reads an order past the client's order cache (a list query by
// number), for decisions a stale copy could get wrong: cancelling an order
// that shipped a minute ago, or appending to a note an admin just edited.
func (a *Apps) freshOrder(ctx context.Context, n string) (*upgates.Order, error) {
	page, err := a.shop.Orders(ctx, upgates.OrderQuery{OrderNumbers: []string{n}})
	if err != nil {
		return nil, err
	}
	for i := range page.Orders {
		if strings.EqualFold(page.Orders[i].OrderNumber, n) {
			return &page.Orders[i], nil
		}
	}
	return nil, upgates.ErrNotFound
}
