package apps

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/samoobsluha/samoobsluha/upgates"
)

// maxPDF bounds an invoice PDF read into memory (and into the cache).
const maxPDF = 16 << 20

// Invoice states of order_documents' "invoice" field (the seed's values).
const (
	invoiceFound    = "found"
	invoiceNotFound = "notfound"
	invoiceError    = "error"
)

// pdfKey is the cache key of an invoice PDF of this bot's shop.
func (a *Apps) pdfKey(invoice string) string { return "apps:invoice-pdf:" + a.bot + ":" + invoice }

// foundKey is the cache key of a small marker stored with an invoice PDF
// (same time to live), so that giving out another link costs a read of a
// byte instead of the whole PDF (often tens of kilobytes). A marker whose
// PDF is gone (evicted) is harmless: OpenInvoice then reads the shop.
func (a *Apps) foundKey(invoice string) string { return "apps:invoice-found:" + a.bot + ":" + invoice }

// orderDocuments is order_documents: for the owner of the order, whether its
// invoice exists and our own signed, expiring download link. It fetches the
// PDF once (UPGATES-API.md §14.11: 200 application/pdf is "found", 404 is
// "notfound", anything else "error") and keeps it in the cache until the
// link expires, so the download itself costs no shop call. The shop's URL
// and credentials never reach the result.
func (a *Apps) orderDocuments(ctx context.Context, c Call) Result {
	o, err := a.findOwned(ctx, c)
	if err != nil {
		return lookupResult(err)
	}
	fields := map[string]any{"invoice": invoiceNotFound, "invoiceurl": "", "invoicenumber": o.InvoiceNumber}
	r := yes(fields)
	r.Verified = o.OrderNumber
	if o.InvoiceNumber == "" {
		return r
	}
	if len(o.OrderNumber)+len(o.InvoiceNumber) > maxTokenNumbers {
		// No shop has such numbers; a link to them could not be opened.
		fields["invoice"] = invoiceError
		r.Err = fmt.Errorf("order %.20s…: numbers too long for an invoice link", o.OrderNumber)
		return r
	}
	ttl := a.opts.InvoiceTTL
	if _, ok, err := a.pdfs.Get(ctx, a.foundKey(o.InvoiceNumber)); err == nil && ok {
		// Fetched for an earlier link that has not expired yet: found, and
		// asking again costs nothing.
		return a.invoiceLink(r, fields, o, ttl)
	}
	pdf, err := a.fetchPDF(ctx, o.InvoiceNumber)
	switch {
	case errors.Is(err, upgates.ErrNotFound):
		return r
	case err != nil:
		// The seed reports a failed invoice read inside a yes; Err still
		// tells the log why.
		fields["invoice"] = invoiceError
		r.Err = err
		return r
	}
	a.storePDF(ctx, o.InvoiceNumber, pdf, ttl)
	return a.invoiceLink(r, fields, o, ttl)
}

// invoiceLink fills in a found invoice and a fresh signed link to it.
func (a *Apps) invoiceLink(r Result, fields map[string]any, o *upgates.Order, ttl time.Duration) Result {
	token := newToken(a.opts.Secret, a.bot, claims{
		Order:   o.OrderNumber,
		Invoice: o.InvoiceNumber,
		Expiry:  a.opts.Now().Add(ttl).Unix(),
	})
	fields["invoice"] = invoiceFound
	fields["invoiceurl"] = a.public + "/invoice/" + token
	return r
}

// fetchPDF reads an invoice PDF from the shop, at most maxPDF bytes.
func (a *Apps) fetchPDF(ctx context.Context, invoice string) ([]byte, error) {
	rc, err := a.shop.InvoicePDF(ctx, invoice)
	if err != nil {
		return nil, fmt.Errorf("invoice %s pdf: %w", invoice, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxPDF+1))
	if err != nil {
		return nil, fmt.Errorf("invoice %s pdf: read: %w", invoice, err)
	}
	if len(b) > maxPDF {
		return nil, fmt.Errorf("invoice %s pdf: larger than %d bytes", invoice, maxPDF)
	}
	return b, nil
}

// OpenInvoice resolves an invoice link's token to the PDF: its download
// file name (e.g. "faktura-I2500485.pdf") and its body, which the caller
// must close. It returns ErrTokenInvalid for a malformed or forged token or
// one signed for another bot, ErrTokenExpired for a genuine token past its
// expiry, an error wrapping upgates.ErrNotFound when the shop no longer has
// the invoice, and other errors wrapped for a shop failure. The PDF comes
// from the cache when order_documents left it there, else from the shop.
func (a *Apps) OpenInvoice(ctx context.Context, token string) (fileName string, body io.ReadCloser, err error) {
	cl, err := parseToken(a.opts.Secret, a.bot, token, a.opts.Now())
	if err != nil {
		return "", nil, err
	}
	name := invoiceFileName(cl.Invoice)
	if b, ok, err := a.pdfs.Get(ctx, a.pdfKey(cl.Invoice)); err == nil && ok {
		return name, io.NopCloser(bytes.NewReader(b)), nil
	}
	b, err := a.fetchPDF(ctx, cl.Invoice)
	if err != nil {
		return "", nil, fmt.Errorf("open invoice of order %s: %w", cl.Order, err)
	}
	// Keep it for repeated downloads until the link expires.
	if ttl := time.Unix(cl.Expiry, 0).Sub(a.opts.Now()); ttl > 0 {
		a.storePDF(ctx, cl.Invoice, b, ttl)
	}
	return name, io.NopCloser(bytes.NewReader(b)), nil
}

// storePDF keeps an invoice's PDF and its found marker for ttl. A failed
// write costs a later link or download one shop call, no more.
func (a *Apps) storePDF(ctx context.Context, invoice string, pdf []byte, ttl time.Duration) {
	if a.pdfs.Set(ctx, a.pdfKey(invoice), pdf, ttl) == nil {
		_ = a.pdfs.Set(ctx, a.foundKey(invoice), []byte{1}, ttl)
	}
}
