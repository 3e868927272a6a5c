package apps_test

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/samoobsluha/samoobsluha/bot/apps"
	"github.com/samoobsluha/samoobsluha/dialog"
	"github.com/samoobsluha/samoobsluha/upgates/upgatestest"
)

// mustInvoiceToken runs order_documents for a found invoice and returns
// the token of its link.
func (e *env) mustInvoiceToken(a *apps.Apps, order, email string) string {
	e.t.Helper()
	r := a.Run(e.t.Context(), apps.Call{App: "order_documents", Params: map[string]string{"order": order, "email": email}})
	wantOutcome(e.t, "order_documents", r, dialog.OutcomeYes)
	m := fields(e.t, r)
	if m["invoice"] != "found" {
		e.t.Fatalf("invoice = %v, want found", m["invoice"])
	}
	link := m["invoiceurl"].(string)
	token, ok := strings.CutPrefix(link, publicURL+"/invoice/")
	if !ok || token == "" {
		e.t.Fatalf("invoiceurl = %q, want %s/invoice/<token>", link, publicURL)
	}
	return token
}

// mustRead reads and closes an invoice body.
func mustRead(t *testing.T, body io.ReadCloser) []byte {
	t.Helper()
	defer body.Close()
	b, err := io.ReadAll(body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestOrderDocuments(t *testing.T) {
	t.Run("found: our own link, PDF served from the cache", func(t *testing.T) {
		e := newEnv(t)
		r := e.run("order_documents", map[string]string{"order": orderZas, "email": janaEmail})
		wantOutcome(t, "order_documents", r, dialog.OutcomeYes)
		if r.Verified != orderZas || r.Err != nil {
			t.Errorf("Verified, Err = %q, %v; want %q, nil", r.Verified, r.Err, orderZas)
		}
		m := fields(t, r)
		wantFieldsMatchCatalog(t, "order_documents", m, "invoice", "invoiceurl")
		link := m["invoiceurl"].(string)
		if m["invoice"] != "found" || m["invoicenumber"] != "FV2026000412" || !strings.HasPrefix(link, publicURL+"/invoice/") {
			t.Fatalf("fields = %v, want found, FV2026000412 and a link under %s/invoice/", m, publicURL)
		}
		for _, leak := range []string{e.srv.URL(), "/api/v2", upgatestest.DemoKey, upgatestest.DemoLogin, "upgates"} {
			if strings.Contains(link, leak) {
				t.Errorf("invoiceurl %q contains %q", link, leak)
			}
		}
		if got := e.calls(http.MethodGet, "/invoices/FV2026000412/pdf"); got != 1 {
			t.Errorf("PDF reads = %d, want 1", got)
		}
		token := strings.TrimPrefix(link, publicURL+"/invoice/")
		before := e.total()
		name, body, err := e.apps.OpenInvoice(t.Context(), token)
		if err != nil {
			t.Fatalf("OpenInvoice: %v", err)
		}
		if b := mustRead(t, body); !bytes.HasPrefix(b, []byte("%PDF-")) {
			t.Errorf("body starts %q, want a PDF", b[:min(len(b), 8)])
		}
		if name != "faktura-FV2026000412.pdf" {
			t.Errorf("file name = %q, want faktura-FV2026000412.pdf", name)
		}
		if got := e.total() - before; got != 0 {
			t.Errorf("the download sent %d requests to the shop, want 0", got)
		}
	})
	t.Run("not issued yet", func(t *testing.T) {
		e := newEnv(t)
		r := e.run("order_documents", map[string]string{"order": orderStock, "email": "Eva.Vesela@email.cz"})
		wantOutcome(t, "order_documents", r, dialog.OutcomeYes)
		m := fields(t, r)
		if m["invoice"] != "notfound" || m["invoiceurl"] != "" || m["invoicenumber"] != "" {
			t.Errorf("fields = %v, want notfound and no link", m)
		}
		if got := e.calls(http.MethodGet, "/invoices"); got != 0 {
			t.Errorf("invoice reads = %d, want 0", got)
		}
	})
	t.Run("verified by phone earlier, no e-mail", func(t *testing.T) {
		e := newEnv(t)
		r := e.run("order_documents", map[string]string{"order": orderZas, "email": ""}, orderZas)
		wantOutcome(t, "order_documents", r, dialog.OutcomeYes)
		if fields(t, r)["invoice"] != "found" {
			t.Errorf("invoice = %v, want found", fields(t, r)["invoice"])
		}
	})
	t.Run("e-mail mismatch", func(t *testing.T) {
		e := newEnv(t)
		r := e.run("order_documents", map[string]string{"order": orderZas, "email": lucieEmail})
		wantOutcome(t, "order_documents", r, dialog.OutcomeNo)
		if !r.VerifyFailed {
			t.Error("VerifyFailed = false, want true")
		}
		if got := e.calls(http.MethodGet, "/invoices"); got != 0 {
			t.Errorf("invoice reads for a stranger = %d, want 0", got)
		}
	})
	t.Run("PDF read fails: yes with invoice error", func(t *testing.T) {
		e := newEnv(t)
		e.run("verify_order", map[string]string{"order": orderZas}) // the order is now cached
		e.srv.Fail(http.StatusInternalServerError, 1)
		r := e.run("order_documents", map[string]string{"order": orderZas, "email": janaEmail})
		wantOutcome(t, "order_documents", r, dialog.OutcomeYes)
		if m := fields(t, r); m["invoice"] != "error" || m["invoiceurl"] != "" {
			t.Errorf("fields = %v, want invoice error and no link", m)
		}
		if r.Err == nil {
			t.Error("Err = nil, want the PDF failure for the log")
		}
	})
	t.Run("download after a cache miss reads the shop once", func(t *testing.T) {
		e := newEnv(t)
		token := e.mustInvoiceToken(e.apps, orderReady, lucieEmail)
		// Another instance of the same bot (same secret, own empty cache).
		other := e.mustApps("default")
		before := e.calls(http.MethodGet, "/invoices/FV2026000430/pdf")
		name, body, err := other.OpenInvoice(t.Context(), token)
		if err != nil {
			t.Fatalf("OpenInvoice on another instance: %v", err)
		}
		if b := mustRead(t, body); !bytes.HasPrefix(b, []byte("%PDF-")) || name != "faktura-FV2026000430.pdf" {
			t.Errorf("OpenInvoice = %q, %q...; want faktura-FV2026000430.pdf, a PDF", name, b[:min(len(b), 8)])
		}
		if got := e.calls(http.MethodGet, "/invoices/FV2026000430/pdf") - before; got != 1 {
			t.Errorf("PDF reads for the download = %d, want 1", got)
		}
	})
}

func TestInvoiceToken(t *testing.T) {
	e := newEnv(t)
	token := e.mustInvoiceToken(e.apps, orderZas, janaEmail)
	payload, mac, _ := strings.Cut(token, ".")
	flip := func(s string) string {
		b := []byte(s)
		if b[3] == 'A' {
			b[3] = 'B'
		} else {
			b[3] = 'A'
		}
		return string(b)
	}
	otherBot := e.mustApps("eshop-2")
	otherSecret := e.mustApps("default", func(o *apps.Options) { o.Secret = []byte("another secret of 16+ bytes") })
	tests := []struct {
		name  string
		apps  *apps.Apps
		token string
		after time.Duration
		want  error
	}{
		{name: "valid", apps: e.apps, token: token},
		{name: "valid just before expiry", apps: e.apps, token: token, after: 15*time.Minute - time.Second},
		{name: "expired", apps: e.apps, token: token, after: 15 * time.Minute, want: apps.ErrTokenExpired},
		{name: "forged payload", apps: e.apps, token: flip(payload) + "." + mac, want: apps.ErrTokenInvalid},
		{name: "forged signature", apps: e.apps, token: payload + "." + flip(mac), want: apps.ErrTokenInvalid},
		{name: "other bot", apps: otherBot, token: token, want: apps.ErrTokenInvalid},
		{name: "other secret", apps: otherSecret, token: token, want: apps.ErrTokenInvalid},
		{name: "garbage", apps: e.apps, token: "../../etc/passwd", want: apps.ErrTokenInvalid},
		{name: "empty", apps: e.apps, token: "", want: apps.ErrTokenInvalid},
	}
	start := e.clock()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.mu.Lock()
			e.now = start.Add(tt.after)
			e.mu.Unlock()
			before := e.total()
			name, body, err := tt.apps.OpenInvoice(t.Context(), tt.token)
			if !errors.Is(err, tt.want) {
				t.Fatalf("OpenInvoice(%s) error = %v, want %v", tt.name, err, tt.want)
			}
			if tt.want != nil {
				if body != nil || name != "" {
					t.Errorf("OpenInvoice(%s) = %q, %v with an error", tt.name, name, body)
				}
				if got := e.total() - before; got != 0 {
					t.Errorf("a refused token sent %d requests to the shop", got)
				}
				return
			}
			if b := mustRead(t, body); !bytes.HasPrefix(b, []byte("%PDF-")) {
				t.Errorf("body is not a PDF")
			}
		})
	}
}
