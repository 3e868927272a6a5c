package upgates

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"strconv"
	"strings"
)

// OrderStatus is one order status of the shop (GET /order-statuses). Ids
// are shop-specific: never hard-code them, resolve with ResolveStatus.
type OrderStatus struct {
	ID int `json:"id"`
	// Type is "Received", "Canceled", "Sent", "PaymentSuccessful", ...,
	// or "Custom" for statuses the shop created ("" on old shops).
	Type  string `json:"type"`
	Color string `json:"color"`
	// Names maps a language id ("cs", "en") to the status name.
	Names        map[string]string `json:"names"`
	MarkPaid     bool              `json:"mark_paid_yn"`
	MarkResolved bool              `json:"mark_resolved_yn"`
}

// Name returns the status name in lang, else in Czech, else in English,
// else any.
func (s OrderStatus) Name(lang string) string {
	for _, l := range []string{lang, "cs", "en"} {
		if n := s.Names[l]; n != "" {
			return n
		}
	}
	for _, n := range s.Names {
		if n != "" {
			return n
		}
	}
	return ""
}

type wireStatus struct {
	ID           flexInt    `json:"id"`
	Type         flexString `json:"type"`
	Color        flexString `json:"color"`
	MarkPaid     flexBool   `json:"mark_paid_yn"`
	MarkResolved flexBool   `json:"mark_resolved_yn"`
	Descriptions []struct {
		LanguageID flexString `json:"language_id"`
		Name       flexString `json:"name"`
	} `json:"descriptions"`
}

// OrderStatuses returns the shop's order statuses in the shop's order.
// They are cached for Options.StatusTTL, in the Cache and, decoded, in the
// client (see Options.StatusTTL). The list and its maps are the caller's
// own. Errors: *APIError, *RateLimitError or a transport error.
func (c *Client) OrderStatuses(ctx context.Context) ([]OrderStatus, error) {
	list, err := c.statusList(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]OrderStatus, len(list))
	for i, s := range list {
		out[i] = s.clone()
	}
	return out, nil
}

// statusList returns the status list shared by the client's callers: read
// only. It comes from the client's memo while that lives (StatusTTL from
// when this client got it), else from the Cache (decoded once, then
// memoised), else from the shop with concurrent misses merged into one
// call.
func (c *Client) statusList(ctx context.Context) ([]OrderStatus, error) {
	key := c.key("statuses")
	if list, ok := c.statuses.get(key, c.now()); ok {
		c.reportCached(http.MethodGet, "order_statuses.list")
		return list, nil
	}
	if raw, ok := c.cacheGet(ctx, key); ok {
		var list []OrderStatus
		if err := json.Unmarshal(raw, &list); err == nil && len(list) > 0 {
			c.statuses.put(key, list, 1, c.now())
			c.reportCached(http.MethodGet, "order_statuses.list")
			return list, nil
		}
	}
	v, err, _ := c.flight.Do(key, func() (any, error) { return c.fetchStatuses(ctx, key) })
	if err != nil {
		return nil, err
	}
	return v.([]OrderStatus), nil
}

// clone returns a copy of s with its own Names map.
func (s OrderStatus) clone() OrderStatus {
	if s.Names != nil {
		s.Names = maps.Clone(s.Names)
	}
	return s
}

// fetchStatuses reads the status list from the shop and caches it.
func (c *Client) fetchStatuses(ctx context.Context, key string) ([]OrderStatus, error) {
	resp, err := c.do(ctx, request{method: http.MethodGet, endpoint: "order_statuses.list", path: "/order-statuses"})
	if err != nil {
		return nil, fmt.Errorf("list order statuses: %w", err)
	}
	var body struct {
		OrderStatuses flexList[wireStatus] `json:"order_statuses"`
	}
	if err := json.Unmarshal(resp.body, &body); err != nil {
		return nil, fmt.Errorf("list order statuses: %w", &APIError{StatusCode: resp.status, Code: "bad_response", Message: err.Error()})
	}
	list := make([]OrderStatus, 0, len(body.OrderStatuses))
	for _, w := range body.OrderStatuses {
		if !w.ID.Valid {
			continue
		}
		s := OrderStatus{
			ID: w.ID.V, Type: string(w.Type), Color: string(w.Color),
			MarkPaid: bool(w.MarkPaid), MarkResolved: bool(w.MarkResolved),
			Names: make(map[string]string, len(w.Descriptions)),
		}
		for _, d := range w.Descriptions {
			s.Names[string(d.LanguageID)] = string(d.Name)
		}
		list = append(list, s)
	}
	if raw, err := json.Marshal(list); err == nil && len(list) > 0 {
		c.cacheSet(ctx, key, raw, c.statusTTL)
		c.statuses.put(key, list, 1, c.now())
	}
	return list, nil
}

// ResolveStatus finds the status that idOrName names (§14.7), after
// trimming:
//   - only digits: a status id, which must exist;
//   - "type:<Type>": the first status of that type, e.g. "type:Canceled"
//     (type compared case-insensitively);
//   - anything else: a name compared case-insensitively with the names in
//     every language; exactly one status must match.
//
// It returns an error wrapping ErrUnknownStatus when nothing (or, for a
// name, more than one status) matches, or the error of OrderStatuses.
func (c *Client) ResolveStatus(ctx context.Context, idOrName string) (OrderStatus, error) {
	want := strings.TrimSpace(idOrName)
	if want == "" {
		return OrderStatus{}, fmt.Errorf("resolve status: empty: %w", ErrUnknownStatus)
	}
	list, err := c.statusList(ctx)
	if err != nil {
		return OrderStatus{}, fmt.Errorf("resolve status: %w", err)
	}
	if isDigits(want) {
		id, err := strconv.Atoi(want)
		if err == nil {
			for _, s := range list {
				if s.ID == id {
					return s.clone(), nil
				}
			}
		}
		return OrderStatus{}, fmt.Errorf("resolve status: no status has id %s: %w", want, ErrUnknownStatus)
	}
	if len(want) > 5 && strings.EqualFold(want[:5], "type:") {
		typ := strings.TrimSpace(want[5:])
		for _, s := range list {
			if typ != "" && strings.EqualFold(s.Type, typ) {
				return s.clone(), nil
			}
		}
		return OrderStatus{}, fmt.Errorf("resolve status: no status has type %q: %w", typ, ErrUnknownStatus)
	}
	var found []OrderStatus
	for _, s := range list {
		for _, n := range s.Names {
			if strings.EqualFold(strings.TrimSpace(n), want) {
				found = append(found, s)
				break
			}
		}
	}
	switch len(found) {
	case 1:
		return found[0].clone(), nil
	case 0:
		return OrderStatus{}, fmt.Errorf("resolve status: no status is named %q: %w", want, ErrUnknownStatus)
	default:
		return OrderStatus{}, fmt.Errorf("resolve status: %d statuses are named %q: %w", len(found), want, ErrUnknownStatus)
	}
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
