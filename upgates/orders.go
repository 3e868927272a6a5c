package upgates

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"
)

// maxOrderNumber bounds an order number's length; longer input is not an
// order number.
const maxOrderNumber = 64

// validOrderNumber reports whether s can be an order number: non-empty,
// short, printable, without spaces, '/', ';' or '?'.
func validOrderNumber(s string) bool {
	if s == "" || len(s) > maxOrderNumber {
		return false
	}
	for _, r := range s {
		if !unicode.IsPrint(r) || unicode.IsSpace(r) || strings.ContainsRune("/;?#%\\", r) {
			return false
		}
	}
	return true
}

// Order returns the order with that number (trimmed; letters in any case,
// as the shop matches them). An order read recently is served from the
// cache (Options.OrderTTL) without a call, and without decoding when the
// cached bytes are the ones this client decoded last; the client's own
// writes invalidate it. Under a WithTurnCache context an order read once
// is not read from the cache again. The returned order is the caller's
// own copy.
//
// It returns an error wrapping ErrNotFound when the shop has no such order
// (an empty list, a list without that number, or a 404) or the number
// cannot be one; else *APIError, *RateLimitError or a transport error.
func (c *Client) Order(ctx context.Context, number string) (*Order, error) {
	number = strings.TrimSpace(number)
	if !validOrderNumber(number) {
		return nil, fmt.Errorf("get order: malformed order number: %w", ErrNotFound)
	}
	key := c.orderKey(number)
	var tc *turnCache
	if c.orderTTL > 0 {
		tc = turnCacheOf(ctx)
	}
	if o, ok := tc.order(key); ok {
		// Read earlier under the same WithTurnCache context.
		c.reportCached(http.MethodGet, "orders.get")
		return o.clone(), nil
	}
	if raw, ok := c.cacheGet(ctx, key); ok {
		if o, shared, ok := c.cachedOrder(key, raw, number); ok {
			tc.putOrder(key, shared)
			c.reportCached(http.MethodGet, "orders.get")
			return o, nil
		}
	}
	resp, err := c.do(ctx, request{method: http.MethodGet, endpoint: "orders.get", path: "/orders/" + number})
	if isNotFound(err) {
		return nil, fmt.Errorf("get order %s: %w", number, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("get order %s: %w", number, err)
	}
	raws, err := orderObjects(resp.body)
	if err != nil {
		return nil, fmt.Errorf("get order %s: %w", number, err)
	}
	for _, raw := range raws {
		o, err := decodeOrder(raw)
		if err != nil {
			return nil, fmt.Errorf("get order %s: decode: %w", number, &APIError{StatusCode: resp.status, Code: "bad_response", Message: err.Error()})
		}
		if !strings.EqualFold(o.OrderNumber, number) {
			continue
		}
		c.cacheSet(ctx, key, raw, c.orderTTL)
		// The next read gets these bytes back from the cache: remember
		// them decoded, in a copy the caller cannot reach.
		shared := o.clone()
		c.orders.put(key, decodedOrder{raw: bytes.Clone(raw), order: shared}, orderCost(raw), c.now())
		tc.putOrder(key, shared)
		return &o, nil
	}
	return nil, fmt.Errorf("get order %s: %w", number, ErrNotFound)
}

// decodedOrder is an order's cached JSON and the Order it decodes to. Both
// are read-only once in Client.orders.
type decodedOrder struct {
	raw   []byte
	order *Order
}

// orderCost estimates the memory an entry of Client.orders holds: the
// bytes and the decoded order, which is about as large again.
func orderCost(raw []byte) int { return 2 * len(raw) }

// cachedOrder returns the order the cached bytes raw decode to, if it is
// the one with that number: the caller's own copy, and a read-only one the
// client keeps (shared). When the same bytes were decoded before (a
// Client.orders entry for key with equal bytes) it returns a copy of that
// order instead of decoding them again. The cache stays the only truth:
// whatever changed the cached bytes (a write by this or another instance,
// an expiry and a new read) makes them differ, and they are decoded.
func (c *Client) cachedOrder(key string, raw []byte, number string) (o, shared *Order, ok bool) {
	now := c.now()
	if d, ok := c.orders.get(key, now); ok && bytes.Equal(d.raw, raw) && strings.EqualFold(d.order.OrderNumber, number) {
		return d.order.clone(), d.order, true
	}
	dec, err := decodeOrder(raw)
	if err != nil || !strings.EqualFold(dec.OrderNumber, number) {
		return nil, nil, false
	}
	// The Cache contract does not say raw is ours to keep: copy it.
	shared = dec.clone()
	c.orders.put(key, decodedOrder{raw: bytes.Clone(raw), order: shared}, orderCost(raw), now)
	return &dec, shared, true
}

// orderObjects returns the raw order objects of an orders response: the
// envelope's "orders" (an array or a single object), or a bare order
// object (§14.2).
func orderObjects(body []byte) ([]json.RawMessage, error) {
	var env map[string]json.RawMessage
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, &APIError{StatusCode: http.StatusOK, Code: "bad_response", Message: "not a JSON object"}
	}
	if _, bare := env["order_number"]; bare {
		return []json.RawMessage{body}, nil
	}
	raw, ok := env["orders"]
	if !ok {
		return nil, &APIError{StatusCode: http.StatusOK, Code: "bad_response", Message: "no orders in the response"}
	}
	var list flexList[json.RawMessage]
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '{' {
		return []json.RawMessage{raw}, nil
	}
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, &APIError{StatusCode: http.StatusOK, Code: "bad_response", Message: "orders is not a list"}
	}
	return list, nil
}

// OrderQuery filters GET /orders. Zero fields are not sent. Every field is
// an Upgates filter of the same name (UPGATES-API.md §4.2).
type OrderQuery struct {
	Email        string
	Phone        string // any format; sent as MSISDN digits (§14.17)
	OrderNumbers []string
	StatusIDs    []int
	// Paid: nil no filter; true paid only (paid_yn=1). The shop has no
	// "unpaid only" filter, so false is sent as paid_yn=0.
	Paid     *bool
	Language string
	OrderBy  string // "creation_time" or "last_update_time"
	OrderDir string // "asc" or "desc"
	// Page is the 1-based page of 100 orders; 0 means 1.
	Page int
}

// OrderPage is one page of GET /orders with the envelope's counts.
type OrderPage struct {
	CurrentPage      int
	CurrentPageItems int
	NumberOfPages    int
	// NumberOfItems is how many orders match in total, on all pages.
	NumberOfItems int
	Orders        []Order
}

// Orders returns one page of orders matching q. No match is an empty page,
// not an error (a 404 is taken as no match too). Errors: *APIError,
// *RateLimitError or a transport error; a malformed query is an error
// before any call. Results are not cached.
func (c *Client) Orders(ctx context.Context, q OrderQuery) (*OrderPage, error) {
	v := url.Values{}
	if s := strings.TrimSpace(q.Email); s != "" {
		v.Set("email", s)
	}
	if q.Phone != "" {
		p := MSISDN(q.Phone)
		if p == "" {
			return nil, errors.New("list orders: the phone filter has no digits")
		}
		v.Set("phone", p)
	}
	if len(q.OrderNumbers) > 0 {
		nums := make([]string, 0, len(q.OrderNumbers))
		for _, n := range q.OrderNumbers {
			n = strings.TrimSpace(n)
			if !validOrderNumber(n) {
				return nil, fmt.Errorf("list orders: malformed order number %q", truncate(n, 20))
			}
			nums = append(nums, n)
		}
		v.Set("order_numbers", strings.Join(nums, ";"))
	}
	if len(q.StatusIDs) > 0 {
		ids := make([]string, len(q.StatusIDs))
		for i, id := range q.StatusIDs {
			ids[i] = strconv.Itoa(id)
		}
		v.Set("status_ids", strings.Join(ids, ";"))
	}
	if q.Paid != nil {
		v.Set("paid_yn", map[bool]string{true: "1", false: "0"}[*q.Paid])
	}
	if q.Language != "" {
		v.Set("language", q.Language)
	}
	switch q.OrderBy {
	case "", "creation_time", "last_update_time":
	default:
		return nil, fmt.Errorf("list orders: order_by %q is not creation_time or last_update_time", q.OrderBy)
	}
	switch q.OrderDir {
	case "", "asc", "desc":
	default:
		return nil, fmt.Errorf("list orders: order_dir %q is not asc or desc", q.OrderDir)
	}
	if q.OrderBy != "" {
		v.Set("order_by", q.OrderBy)
	}
	if q.OrderDir != "" {
		v.Set("order_dir", q.OrderDir)
	}
	if q.Page > 1 {
		v.Set("page", strconv.Itoa(q.Page))
	}
	resp, err := c.do(ctx, request{method: http.MethodGet, endpoint: "orders.list", path: "/orders", query: v})
	if isNotFound(err) {
		return &OrderPage{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list orders: %w", err)
	}
	var env envelope
	if err := json.Unmarshal(resp.body, &env); err != nil {
		return nil, fmt.Errorf("list orders: %w", &APIError{StatusCode: resp.status, Code: "bad_response", Message: err.Error()})
	}
	raws, err := orderObjects(resp.body)
	if err != nil {
		return nil, fmt.Errorf("list orders: %w", err)
	}
	page := &OrderPage{
		CurrentPage:      env.CurrentPage.V,
		CurrentPageItems: env.CurrentPageItems.V,
		NumberOfPages:    env.NumberOfPages.V,
		NumberOfItems:    env.NumberOfItems.V,
	}
	for _, raw := range raws {
		o, err := decodeOrder(raw)
		if err != nil {
			return nil, fmt.Errorf("list orders: decode: %w", &APIError{StatusCode: resp.status, Code: "bad_response", Message: err.Error()})
		}
		page.Orders = append(page.Orders, o)
	}
	if !env.NumberOfItems.Valid {
		page.NumberOfItems = len(page.Orders)
	}
	return page, nil
}

// envelope is the paging part of every list response.
type envelope struct {
	CurrentPage      flexInt `json:"current_page"`
	CurrentPageItems flexInt `json:"current_page_items"`
	NumberOfPages    flexInt `json:"number_of_pages"`
	NumberOfItems    flexInt `json:"number_of_items"`
}

// MSISDN returns the digits of a phone number in international form
// without '+' or "00" (§14.17): "+420 601 223 344" gives "420601223344".
// A 9-digit Czech national number gets the 420 prefix. It returns "" when
// phone holds no digits.
func MSISDN(phone string) string {
	var b strings.Builder
	for _, r := range phone {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	d := b.String()
	d = strings.TrimPrefix(d, "00")
	if len(d) == 9 && !strings.HasPrefix(strings.TrimSpace(phone), "+") {
		d = "420" + d
	}
	return d
}

// OrderUpdate is a change to one order (PUT /orders). Nil fields are not
// sent and stay unchanged in the shop.
type OrderUpdate struct {
	OrderNumber string
	// StatusID is the new status; resolve names with ResolveStatus first.
	StatusID *int
	// InternalNote replaces the internal note (the shop replaces, §14.5).
	InternalNote *string
	// SendEmails lets the shop e-mail the customer when the new status has
	// an e-mail template. Always sent explicitly (§14.6).
	SendEmails bool
	// SendSMS likewise for SMS. Always sent explicitly.
	SendSMS bool
}

// UpdateOrder applies u with one PUT /orders and invalidates the cached
// order, whatever the outcome. Success is HTTP 200 with a result item for
// our order number with updated_yn true (§14.12).
//
// Errors: ErrNotFound (wrapped) when the number is malformed; *APIError
// with Code "not_updated" when the shop refused the change, an unknown
// order included (Message says why); *APIError, *RateLimitError or a
// transport error otherwise. An update with nothing to change is an error
// before any call.
func (c *Client) UpdateOrder(ctx context.Context, u OrderUpdate) error {
	number := strings.TrimSpace(u.OrderNumber)
	if !validOrderNumber(number) {
		return fmt.Errorf("update order: malformed order number: %w", ErrNotFound)
	}
	if u.StatusID == nil && u.InternalNote == nil {
		return fmt.Errorf("update order %s: nothing to change", number)
	}
	item := map[string]any{"order_number": number}
	if u.StatusID != nil {
		item["status_id"] = *u.StatusID
	}
	if u.InternalNote != nil {
		item["internal_note"] = *u.InternalNote
	}
	body := map[string]any{
		"send_emails_yn": u.SendEmails,
		"send_sms_yn":    u.SendSMS,
		"orders":         []any{item},
	}
	// Invalidate before and after: a read racing the write cannot leave a
	// stale copy behind for longer than the write takes.
	// The decoded copy goes too: not needed for correctness (it is used
	// only with equal cached bytes) but it frees the memory at once.
	key := c.orderKey(number)
	tc := turnCacheOf(ctx)
	tc.deleteOrder(key)
	c.orders.delete(key)
	_ = c.cache.Delete(ctx, key)
	resp, err := c.do(ctx, request{method: http.MethodPut, endpoint: "orders.update", path: "/orders", body: body})
	_ = c.cache.Delete(ctx, key)
	c.orders.delete(key)
	tc.deleteOrder(key)
	if err != nil {
		return fmt.Errorf("update order %s: %w", number, err)
	}
	var res struct {
		Orders flexList[wirePutResult] `json:"orders"`
	}
	if err := json.Unmarshal(resp.body, &res); err != nil {
		return fmt.Errorf("update order %s: %w", number, &APIError{StatusCode: resp.status, Code: "bad_response", Message: "undecodable result"})
	}
	for _, r := range res.Orders {
		if !strings.EqualFold(string(r.OrderNumber), number) {
			continue
		}
		if r.Updated {
			return nil
		}
		return fmt.Errorf("update order %s: %w", number, &APIError{StatusCode: resp.status, Code: "not_updated", Message: r.problem()})
	}
	return fmt.Errorf("update order %s: %w", number, &APIError{StatusCode: resp.status, Code: "not_updated", Message: "no result for the order"})
}

// wirePutResult is one item of a PUT /orders result.
type wirePutResult struct {
	OrderNumber flexString    `json:"order_number"`
	Updated     flexBool      `json:"updated_yn"`
	Messages    []wireMessage `json:"messages"`
}

// problem joins the result's non-info messages.
func (r wirePutResult) problem() string {
	var parts []string
	for _, m := range r.Messages {
		if strings.EqualFold(string(m.Level), "info") || strings.TrimSpace(string(m.Message)) == "" {
			continue
		}
		parts = append(parts, strings.TrimSpace(string(m.Message)))
	}
	if len(parts) == 0 {
		return "the shop did not apply the change"
	}
	return truncate(strings.Join(parts, "; "), 300)
}

// AppendInternalNote adds text to the order's internal note on a new line
// (GET the order, fresh from the shop, then PUT the joined note; §14.5).
// A concurrent edit in between can be lost; this is accepted. Errors as for
// Order and UpdateOrder.
func (c *Client) AppendInternalNote(ctx context.Context, number, text string, sendEmails bool) error {
	number = strings.TrimSpace(number)
	if validOrderNumber(number) {
		turnCacheOf(ctx).deleteOrder(c.orderKey(number))
		c.orders.delete(c.orderKey(number))
		_ = c.cache.Delete(ctx, c.orderKey(number))
	}
	o, err := c.Order(ctx, number)
	if err != nil {
		return fmt.Errorf("append note: %w", err)
	}
	note := text
	if strings.TrimSpace(o.InternalNote) != "" {
		note = strings.TrimRight(o.InternalNote, "\n") + "\n" + text
	}
	return c.UpdateOrder(ctx, OrderUpdate{OrderNumber: o.OrderNumber, InternalNote: &note, SendEmails: sendEmails})
}

// orderKey is the cache key of an order. Order numbers are compared
// case-insensitively (the shop's database does), so the key is too.
func (c *Client) orderKey(number string) string {
	return c.key("order", strings.ToUpper(number))
}
