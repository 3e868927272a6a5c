package upgates

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Customer is a customer account (GET /customers). Email is the login
// e-mail, the customer's unique key; it is "" when the account has none.
type Customer struct {
	ID           int       `json:"customer_id"`
	Type         string    `json:"type"`
	Code         string    `json:"code"`
	Firstname    string    `json:"firstname"`
	Surname      string    `json:"surname"`
	Email        string    `json:"email"`
	Phone        string    `json:"phone"`
	Language     string    `json:"language"`
	Active       bool      `json:"active_yn"`
	Blocked      bool      `json:"blocked_yn"`
	CreationTime time.Time `json:"creation_time"`
}

type wireAccount struct {
	CustomerID    flexInt    `json:"customer_id"`
	Type          flexString `json:"type"`
	Code          flexString `json:"code"`
	Firstname     flexString `json:"firstname"`
	Surname       flexString `json:"surname"`
	Language      flexString `json:"language"`
	CreationTime  flexTime   `json:"creation_time"`
	Communication *struct {
		Phone flexString `json:"phone"`
	} `json:"communication"`
	Login *struct {
		Active  flexBool   `json:"active_yn"`
		Blocked flexBool   `json:"blocked_yn"`
		Email   flexString `json:"email"`
	} `json:"login"`
}

// CustomerByID returns the customer account with that id
// (GET /customers?customer_id=). Not cached.
//
// It returns an error wrapping ErrNotFound when the list is empty or the
// shop answers 404; else *APIError, *RateLimitError or a transport error.
func (c *Client) CustomerByID(ctx context.Context, id int) (*Customer, error) {
	if id <= 0 {
		return nil, fmt.Errorf("get customer %d: %w", id, ErrNotFound)
	}
	q := url.Values{"customer_id": {strconv.Itoa(id)}}
	resp, err := c.do(ctx, request{method: http.MethodGet, endpoint: "customers.list", path: "/customers", query: q})
	if isNotFound(err) {
		return nil, fmt.Errorf("get customer %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("get customer %d: %w", id, err)
	}
	var body struct {
		Customers flexList[wireAccount] `json:"customers"`
	}
	if err := json.Unmarshal(resp.body, &body); err != nil {
		return nil, fmt.Errorf("get customer %d: %w", id, &APIError{StatusCode: resp.status, Code: "bad_response", Message: err.Error()})
	}
	for _, w := range body.Customers {
		if w.CustomerID.V != id {
			continue
		}
		cu := &Customer{
			ID: id, Type: string(w.Type), Code: string(w.Code),
			Firstname: string(w.Firstname), Surname: string(w.Surname),
			Language: string(w.Language), CreationTime: w.CreationTime.T,
		}
		if w.Communication != nil {
			cu.Phone = string(w.Communication.Phone)
		}
		if w.Login != nil {
			cu.Email = strings.TrimSpace(string(w.Login.Email))
			cu.Active = bool(w.Login.Active)
			cu.Blocked = bool(w.Login.Blocked)
		}
		return cu, nil
	}
	return nil, fmt.Errorf("get customer %d: %w", id, ErrNotFound)
}

// CustomerOrders returns the first page (up to 100, newest first) of the
// orders placed with the login e-mail of customer id, including orders
// placed with that e-mail without an account (§14.8). It costs two calls.
// OrderPage.NumberOfItems is the total count.
//
// It returns an error wrapping ErrNotFound when the customer does not exist
// or has no login e-mail; else the errors of CustomerByID and Orders.
func (c *Client) CustomerOrders(ctx context.Context, id int) (*OrderPage, error) {
	cu, err := c.CustomerByID(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("customer orders: %w", err)
	}
	if cu.Email == "" {
		return nil, fmt.Errorf("customer orders: customer %d has no e-mail: %w", id, ErrNotFound)
	}
	page, err := c.Orders(ctx, OrderQuery{Email: cu.Email, OrderBy: "creation_time", OrderDir: "desc"})
	if err != nil {
		return nil, fmt.Errorf("customer orders %d: %w", id, err)
	}
	return page, nil
}
