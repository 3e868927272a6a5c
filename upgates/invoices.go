package upgates

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
)

// InvoicePDF returns the PDF of the invoice with that number
// (GET /invoices/{n}/pdf, with the shop's credentials; §14.11). The whole
// PDF is read before InvoicePDF returns, so the limiter slot is not held
// while the caller streams it; the caller closes the returned body.
//
// It returns an error wrapping ErrNotFound for a 404, an empty invoices list
// or a malformed number; an *APIError with Code "not_pdf" when the shop
// answers 200 with anything but application/pdf; else *APIError,
// *RateLimitError or a transport error.
func (c *Client) InvoicePDF(ctx context.Context, invoiceNumber string) (io.ReadCloser, error) {
	n := strings.TrimSpace(invoiceNumber)
	if !validOrderNumber(n) {
		return nil, fmt.Errorf("invoice pdf: malformed invoice number: %w", ErrNotFound)
	}
	resp, err := c.do(ctx, request{method: http.MethodGet, endpoint: "invoices.pdf", path: "/invoices/" + n + "/pdf"})
	if isNotFound(err) {
		return nil, fmt.Errorf("invoice pdf %s: %w", n, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("invoice pdf %s: %w", n, err)
	}
	mt, _, _ := mime.ParseMediaType(resp.header.Get("Content-Type"))
	if mt == "application/pdf" && bytes.HasPrefix(resp.body, []byte("%PDF-")) {
		return io.NopCloser(bytes.NewReader(resp.body)), nil
	}
	if mt == "application/json" {
		var body struct {
			Invoices *json.RawMessage `json:"invoices"`
		}
		if json.Unmarshal(resp.body, &body) == nil && body.Invoices != nil {
			var list []json.RawMessage
			if json.Unmarshal(*body.Invoices, &list) == nil && len(list) == 0 {
				return nil, fmt.Errorf("invoice pdf %s: %w", n, ErrNotFound)
			}
		}
	}
	return nil, fmt.Errorf("invoice pdf %s: %w", n, &APIError{StatusCode: resp.status, Code: "not_pdf", Message: "answer is " + truncate(mt, 60) + ", not a PDF"})
}
