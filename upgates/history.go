package upgates

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// HistoryEntry is one event of an order's history
// (GET /orders/{n}/history). Data values may contain HTML.
type HistoryEntry struct {
	Event        string          `json:"event"`
	UserName     string          `json:"user_name"`
	Origin       string          `json:"origin"`
	Changes      []HistoryChange `json:"changes"`
	Data         []Parameter     `json:"data"`
	CreationTime time.Time       `json:"creation_time"`
}

// HistoryChange is one changed field in a history entry.
type HistoryChange struct {
	Name   string `json:"name"`
	Before string `json:"before"`
	After  string `json:"after"`
}

type wireHistory struct {
	Event    flexString `json:"event"`
	UserName flexString `json:"user_name"`
	Origin   flexString `json:"origin"`
	Changes  flexList[struct {
		Name   flexString `json:"name"`
		Before flexString `json:"before"`
		After  flexString `json:"after"`
	}] `json:"changes"`
	Data         flexList[wireParameter] `json:"data"`
	CreationTime flexTime                `json:"creation_time"`
}

// OrderHistory returns the history of an order, oldest first as the shop
// sends it. Not cached.
//
// It returns an error wrapping ErrNotFound for a 404 or a malformed number;
// else *APIError, *RateLimitError or a transport error.
func (c *Client) OrderHistory(ctx context.Context, orderNumber string) ([]HistoryEntry, error) {
	n := strings.TrimSpace(orderNumber)
	if !validOrderNumber(n) {
		return nil, fmt.Errorf("order history: malformed order number: %w", ErrNotFound)
	}
	resp, err := c.do(ctx, request{method: http.MethodGet, endpoint: "orders.history.get", path: "/orders/" + n + "/history"})
	if isNotFound(err) {
		return nil, fmt.Errorf("order history %s: %w", n, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("order history %s: %w", n, err)
	}
	var body struct {
		History flexList[wireHistory] `json:"history"`
	}
	if err := json.Unmarshal(resp.body, &body); err != nil {
		return nil, fmt.Errorf("order history %s: %w", n, &APIError{StatusCode: resp.status, Code: "bad_response", Message: err.Error()})
	}
	out := make([]HistoryEntry, 0, len(body.History))
	for _, w := range body.History {
		e := HistoryEntry{
			Event: string(w.Event), UserName: string(w.UserName), Origin: string(w.Origin),
			CreationTime: w.CreationTime.T,
		}
		for _, ch := range w.Changes {
			e.Changes = append(e.Changes, HistoryChange{Name: string(ch.Name), Before: string(ch.Before), After: string(ch.After)})
		}
		for _, d := range w.Data {
			e.Data = append(e.Data, Parameter{Name: string(d.Name), Value: string(d.Value)})
		}
		out = append(out, e)
	}
	return out, nil
}

// Limits of a history entry; the shop cuts longer text.
const (
	maxHistoryName  = 50
	maxHistoryValue = 500
)

// AddHistory appends one entry (name: value) to the order's history, for
// the shop staff to see (POST /orders/{n}/history). The name is cut to 50
// and the value to 500 characters, as the shop would. The event time is
// the shop's.
//
// It returns an error wrapping ErrNotFound for a 404 or a malformed number;
// an *APIError with Code "not_updated" when the shop answers updated:
// false; else *APIError, *RateLimitError or a transport error.
func (c *Client) AddHistory(ctx context.Context, orderNumber, name, value string) error {
	n := strings.TrimSpace(orderNumber)
	if !validOrderNumber(n) {
		return fmt.Errorf("add history: malformed order number: %w", ErrNotFound)
	}
	name = cut(strings.TrimSpace(name), maxHistoryName)
	if name == "" {
		return fmt.Errorf("add history %s: empty name", n)
	}
	body := map[string]any{"data": []Parameter{{Name: name, Value: cut(value, maxHistoryValue)}}}
	resp, err := c.do(ctx, request{method: http.MethodPost, endpoint: "orders.history.add", path: "/orders/" + n + "/history", body: body})
	if isNotFound(err) {
		return fmt.Errorf("add history %s: %w", n, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("add history %s: %w", n, err)
	}
	var res struct {
		Updated  *flexBool     `json:"updated"`
		Messages []wireMessage `json:"messages"`
	}
	if err := json.Unmarshal(resp.body, &res); err != nil || res.Updated == nil {
		return fmt.Errorf("add history %s: %w", n, &APIError{StatusCode: resp.status, Code: "bad_response", Message: "no updated flag in the result"})
	}
	if !*res.Updated {
		return fmt.Errorf("add history %s: %w", n, &APIError{StatusCode: resp.status, Code: "not_updated", Message: wirePutResult{Messages: res.Messages}.problem()})
	}
	return nil
}

// cut shortens s to at most n characters (runes).
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
