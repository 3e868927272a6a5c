package apps

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/samoobsluha/samoobsluha/upgates"
)

// maxListedOrders is how many of the most recent orders customer_orders
// lists; "count" still reports all of them.
const maxListedOrders = 10

// customerOrders is customer_orders: how many orders the customer has and
// the most recent ones. The customer is the owner of an order verified in
// this session (its e-mail; preferred) or, failing that, customer_id (a
// value the host page passes for a logged-in customer). A customer_id
// comes from the visitor's browser and proves nothing, so its list is
// shown only when it holds an order verified in this session: knowing an
// account id is never enough to read its orders. Orders are found by
// e-mail (UPGATES-API.md §14.8), so guest orders with the same e-mail are
// included. An unknown customer, an order without e-mail or no usable
// parameter is a no.
func (a *Apps) customerOrders(ctx context.Context, c Call) Result {
	var email string
	byID := false
	if n := verifiedOrder(c, c.Params["order"]); n != "" {
		o, err := a.shop.Order(ctx, n)
		if err != nil {
			return readResult(err)
		}
		if o.Customer.Email == nil {
			return no()
		}
		email = strings.TrimSpace(*o.Customer.Email)
	} else if s := strings.TrimSpace(c.Params["customer_id"]); s != "" {
		id, err := strconv.Atoi(s)
		if err != nil || id <= 0 {
			return no()
		}
		cu, err := a.shop.CustomerByID(ctx, id)
		if errors.Is(err, upgates.ErrNotFound) {
			return no()
		}
		if err != nil {
			return fail(err)
		}
		email = strings.TrimSpace(cu.Email)
		byID = true
	}
	if email == "" {
		return no()
	}
	page, err := a.shop.Orders(ctx, upgates.OrderQuery{Email: email, OrderBy: "creation_time", OrderDir: "desc"})
	if errors.Is(err, upgates.ErrNotFound) {
		return yes(map[string]any{"count": float64(0), "orders": []any{}})
	}
	if err != nil {
		return fail(err)
	}
	if byID && !holdsVerified(c, page.Orders) {
		return no()
	}
	list := make([]any, 0, min(len(page.Orders), maxListedOrders))
	for i := range page.Orders {
		if len(list) == maxListedOrders {
			break
		}
		o := &page.Orders[i]
		date := ""
		if !o.CreationTime.IsZero() {
			date = o.CreationTime.Format(dateLayout)
		}
		list = append(list, map[string]any{
			"orderid":  o.OrderNumber,
			"date":     date,
			"price":    o.OrderTotal,
			"currency": o.CurrencyID,
			"status":   o.Status,
		})
	}
	return yes(map[string]any{"count": float64(page.NumberOfItems), "orders": list})
}

// holdsVerified reports whether one of orders was verified in this session.
func holdsVerified(c Call, orders []upgates.Order) bool {
	if c.Verified == nil {
		return false
	}
	for i := range orders {
		if c.Verified(orders[i].OrderNumber) {
			return true
		}
	}
	return false
}
