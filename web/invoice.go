package web

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/samoobsluha/samoobsluha/bot"
)

// maxInvoiceToken is the longest token /invoice/{token} accepts.
const maxInvoiceToken = 512

// handleInvoice streams an invoice PDF as a download. Unknown or forged
// tokens get 404, expired ones 410, and a shop failure 502; the body never
// carries the shop's own error text.
func (s *Server) handleInvoice(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	if s.opts.Invoices == nil || !validToken(token) {
		invoiceError(w, http.StatusNotFound)
		return
	}
	inv, err := s.opts.Invoices.Invoice(r.Context(), token)
	if err != nil {
		switch {
		case errors.Is(err, bot.ErrInvoiceNotFound):
			invoiceError(w, http.StatusNotFound)
		case errors.Is(err, bot.ErrInvoiceExpired):
			invoiceError(w, http.StatusGone)
		default:
			s.log.WarnContext(r.Context(), "open invoice", "err", err)
			invoiceError(w, http.StatusBadGateway)
		}
		return
	}
	defer inv.Body.Close()
	br := bufio.NewReader(inv.Body)
	head, err := br.Peek(5)
	if err != nil || !bytes.Equal(head, []byte("%PDF-")) {
		s.log.WarnContext(r.Context(), "open invoice: the shop did not return a PDF")
		invoiceError(w, http.StatusBadGateway)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": invoiceFileName(inv.FileName)}))
	h.Set("Cache-Control", "private, no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	if _, err := io.Copy(w, br); err != nil {
		s.log.DebugContext(r.Context(), "stream invoice", "err", err)
	}
}

func validToken(t string) bool {
	if t == "" || len(t) > maxInvoiceToken {
		return false
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~') {
			return false
		}
	}
	return true
}

// czechASCII transliterates Czech letters for download names.
var czechASCII = strings.NewReplacer(
	"á", "a", "č", "c", "ď", "d", "é", "e", "ě", "e", "í", "i", "ň", "n", "ó", "o", "ř", "r",
	"š", "s", "ť", "t", "ú", "u", "ů", "u", "ý", "y", "ž", "z",
	"Á", "A", "Č", "C", "Ď", "D", "É", "E", "Ě", "E", "Í", "I", "Ň", "N", "Ó", "O", "Ř", "R",
	"Š", "S", "Ť", "T", "Ú", "U", "Ů", "U", "Ý", "Y", "Ž", "Z",
)

// invoiceFileName makes a safe ASCII download name ending in .pdf.
func invoiceFileName(name string) string {
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	name = czechASCII.Replace(name)
	var b strings.Builder
	for _, c := range name {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '_', c == '.':
			b.WriteRune(c)
		case c == ' ':
			b.WriteByte('-')
		}
	}
	n := strings.Trim(b.String(), ".-")
	if len(n) > 100 {
		n = n[:100]
	}
	n = strings.TrimSuffix(strings.TrimSuffix(n, ".pdf"), ".PDF")
	if n == "" {
		n = "faktura"
	}
	return n + ".pdf"
}

func invoiceError(w http.ResponseWriter, status int) {
	msg := map[int]string{
		http.StatusNotFound:   "Faktura nenalezena. / Invoice not found.",
		http.StatusGone:       "Odkaz na fakturu vypršel, požádejte prosím bota o nový. / The invoice link has expired, please ask the bot for a new one.",
		http.StatusBadGateway: "Fakturu se teď nepodařilo načíst, zkuste to prosím za chvíli. / The invoice could not be loaded right now, please try again in a moment.",
	}[status]
	w.Header().Set("Cache-Control", "no-store")
	http.Error(w, msg, status)
}
