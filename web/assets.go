package web

import (
	"bytes"
	"embed"
	"net/http"
	"strings"
	"time"
)

// assetsFS holds the widget (widget.js, widget.css) and the demo page.
//
//go:embed assets
var assetsFS embed.FS

// handleAsset serves one embedded file with caching and security headers.
func (s *Server) handleAsset(name, contentType string) http.HandlerFunc {
	body, err := assetsFS.ReadFile(name)
	if err != nil {
		panic("web: missing embedded asset " + name)
	}
	etag := `"` + shortHash(body) + `"`
	return func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", contentType)
		h.Set("Cache-Control", "public, max-age=300")
		h.Set("ETag", etag)
		h.Set("X-Content-Type-Options", "nosniff")
		// Host pages on other origins load the widget.
		h.Set("Cross-Origin-Resource-Policy", "cross-origin")
		// Embedded files have no modification time; the ETag versions them.
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(body))
	}
}

func shortHash(b []byte) string {
	// FNV-1a, 64 bit: enough to tell versions of a file apart.
	var h uint64 = 14695981039346656037
	for _, c := range b {
		h ^= uint64(c)
		h *= 1099511628211
	}
	const digits = "0123456789abcdef"
	var out [16]byte
	for i := 15; i >= 0; i-- {
		out[i] = digits[h&0xf]
		h >>= 4
	}
	return string(out[:])
}

// demoPage is the data of assets/index.html.
type demoPage struct {
	DemoMode bool
	Hints    []DemoHint
	Bot      string
	Lang     string
}

// handleDemoPage serves "/": a small demo shop page with the widget, and in
// demo mode a box with demo orders to try. ?bot=ID picks the bot and
// ?lang=en the widget's language. It sets a strict
// Content-Security-Policy: no inline script or style anywhere.
func (s *Server) handleDemoPage(w http.ResponseWriter, r *http.Request) {
	botID := defaultBot
	if b := r.URL.Query().Get("bot"); b != "" {
		if _, ok := s.botOptions(b); ok {
			botID = b
		}
	}
	// ?lang=en shows the widget in English (it follows <html lang>).
	lang := voiceLang(r.URL.Query().Get("lang"))
	if lang == "" {
		lang = s.botLang(botID)
	}
	var buf bytes.Buffer
	if err := s.page.Execute(&buf, demoPage{DemoMode: s.opts.DemoMode, Hints: s.opts.Demo, Bot: botID, Lang: lang}); err != nil {
		s.log.ErrorContext(r.Context(), "render demo page", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", pageCSP(r.Host))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cache-Control", "no-cache")
	w.Write(buf.Bytes())
}

// pageCSP is the policy of our own pages: same-origin script, style and
// WebSocket only, images also from data: URLs (the payment QR code).
func pageCSP(host string) string {
	host = strings.Map(func(r rune) rune {
		if r == ';' || r == ' ' || r == ',' || r == '\'' {
			return -1
		}
		return r
	}, host)
	return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
		"connect-src 'self' ws://" + host + " wss://" + host + "; " +
		"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
}
