package apps

import (
	"context"
	"errors"
	"sort"
	"strings"

	"github.com/samoobsluha/samoobsluha/upgates"
)

// verifyOrder is verify_order: does the order exist, and its public
// summary (the seed's fields need no e-mail).
func (a *Apps) verifyOrder(ctx context.Context, c Call) Result {
	o, err := a.findOrder(ctx, c.Params["order"], nil)
	if err != nil {
		return lookupResult(err)
	}
	// A failed status lookup leaves statustype empty and cancellable false:
	// the order's own fields are still right.
	st, _ := a.status(ctx, o, c.Lang)
	canc, _ := a.cancellable(ctx, o, st)
	return yes(orderFields(o, st, canc))
}

// customerEmail is customer_email: the order's e-mail, for a $ variable.
func (a *Apps) customerEmail(ctx context.Context, c Call) Result {
	o, err := a.findOrder(ctx, c.Params["order"], nil)
	if err != nil {
		return lookupResult(err)
	}
	if o.Customer.Email == nil || strings.TrimSpace(*o.Customer.Email) == "" {
		return no()
	}
	return yes(map[string]any{"email": strings.TrimSpace(*o.Customer.Email)})
}

// verifyEmail is verify_email: the order exists and its e-mail matches one
// of the candidates.
func (a *Apps) verifyEmail(ctx context.Context, c Call) Result {
	emails := candidates(c.Params["email"], maxEmailCandidates, normEmail)
	if len(emails) == 0 {
		return no()
	}
	o, err := a.findOrder(ctx, c.Params["order"], func(o *upgates.Order) bool {
		return emailMatches(o, emails)
	})
	if err != nil {
		return lookupResult(err)
	}
	r := yes(true)
	r.Verified = o.OrderNumber
	return r
}

// verifyPhone is verify_phone: the order exists and its phone equals one of
// the candidates, both normalised to E.164.
func (a *Apps) verifyPhone(ctx context.Context, c Call) Result {
	phones := candidates(c.Params["phone"], maxPhoneCandidates, func(s string) string { return e164(s, a.opts.Region) })
	if len(phones) == 0 {
		return no()
	}
	o, err := a.findOrder(ctx, c.Params["order"], func(o *upgates.Order) bool {
		p := e164(o.Customer.Phone, a.opts.Region)
		return p != "" && contains(phones, p)
	})
	if err != nil {
		return lookupResult(err)
	}
	r := yes(true)
	r.Verified = o.OrderNumber
	return r
}

// findOwned reads the order the customer owns: with an e-mail parameter the
// first order candidate whose e-mail matches; with a blank one the first
// candidate this session has already verified (by e-mail or phone). A blank
// e-mail for an unverified order is a plain no and calls nothing.
func (a *Apps) findOwned(ctx context.Context, c Call) (*upgates.Order, error) {
	emails := candidates(c.Params["email"], maxEmailCandidates, normEmail)
	if len(emails) == 0 {
		n := verifiedOrder(c, c.Params["order"])
		if n == "" {
			return nil, errNoCandidate
		}
		o, err := a.shop.Order(ctx, n)
		if errors.Is(err, upgates.ErrNotFound) {
			return nil, errNoCandidate // verified earlier, gone now: not a guess
		}
		return o, err
	}
	return a.findOrder(ctx, c.Params["order"], func(o *upgates.Order) bool {
		return emailMatches(o, emails)
	})
}

// orderDetail is order_detail: everything the seed lists, for the owner.
// Brands cost one products call per order (cached by the client for
// hours); a failed brand lookup leaves the brands empty.
func (a *Apps) orderDetail(ctx context.Context, c Call) Result {
	o, err := a.findOwned(ctx, c)
	if err != nil {
		return lookupResult(err)
	}
	st, _ := a.status(ctx, o, c.Lang)
	canc, _ := a.cancellable(ctx, o, st)
	r := yes(detailFields(o, st, canc, a.brands(ctx, o)))
	r.Verified = o.OrderNumber
	return r
}

// brands returns the manufacturers of the order's products, or nil when
// there are none or the lookup fails (UPGATES-API.md §14.10).
func (a *Apps) brands(ctx context.Context, o *upgates.Order) map[int]string {
	seen := map[int]bool{}
	var ids []int
	for _, p := range o.Products {
		if p.ProductID != nil && !seen[*p.ProductID] {
			seen[*p.ProductID] = true
			ids = append(ids, *p.ProductID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	sort.Ints(ids) // one cache key per product set, whatever the line order
	m, err := a.shop.Manufacturers(ctx, ids)
	if err != nil {
		return nil
	}
	return m
}
