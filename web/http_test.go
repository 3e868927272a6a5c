package web_test

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/samoobsluha/samoobsluha/web"
)

func mustGet(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

func TestInvoice(t *testing.T) {
	ts := mustServer(t, web.Options{})
	tests := []struct {
		token  string
		status int
	}{
		{"tok-ok", 200},
		{"tok-expired", 410},
		{"tok-forged", 404},
		{"tok-html", 502},
		{"tok-broken", 502},
		{"bad%20token", 404},
	}
	for _, tt := range tests {
		t.Run(tt.token, func(t *testing.T) {
			resp, body := mustGet(t, ts.http.URL+"/invoice/"+tt.token)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
			if tt.status != 200 {
				if strings.Contains(body, "secret") || strings.Contains(body, "Upgates") {
					t.Errorf("error body leaks the shop's text: %q", body)
				}
				return
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/pdf" {
				t.Errorf("Content-Type %q, want application/pdf", ct)
			}
			if cd := resp.Header.Get("Content-Disposition"); cd != `attachment; filename=Faktura-2025000123.pdf` {
				t.Errorf("Content-Disposition %q, want an attachment named Faktura-2025000123.pdf", cd)
			}
			if body != fakePDF {
				t.Errorf("body %q, want the PDF", body)
			}
		})
	}
}

func TestHealth(t *testing.T) {
	ts := mustServer(t, web.Options{})
	if resp, _ := mustGet(t, ts.http.URL+"/healthz"); resp.StatusCode != 200 {
		t.Errorf("/healthz %d, want 200", resp.StatusCode)
	}
	if resp, _ := mustGet(t, ts.http.URL+"/readyz"); resp.StatusCode != 200 {
		t.Errorf("/readyz %d, want 200", resp.StatusCode)
	}
	ts.bot.mu.Lock()
	ts.bot.pingErr = errors.New("redis: connection refused at 10.0.0.7:6379")
	ts.bot.mu.Unlock()
	resp, body := mustGet(t, ts.http.URL+"/readyz")
	if resp.StatusCode != 503 || strings.Contains(body, "10.0.0.7") {
		t.Errorf("/readyz with store down: %d %q, want 503 without details", resp.StatusCode, body)
	}
	if err := ts.Shutdown(t.Context()); err != nil {
		t.Fatal(err)
	}
	ts.bot.mu.Lock()
	ts.bot.pingErr = nil
	ts.bot.mu.Unlock()
	if resp, _ := mustGet(t, ts.http.URL+"/readyz"); resp.StatusCode != 503 {
		t.Errorf("/readyz while shutting down %d, want 503", resp.StatusCode)
	}
	if resp, _ := mustGet(t, ts.http.URL+"/healthz"); resp.StatusCode != 200 {
		t.Errorf("/healthz while shutting down %d, want 200", resp.StatusCode)
	}
}

func TestMetrics(t *testing.T) {
	m := web.NewMetrics()
	ts := mustServer(t, web.Options{Metrics: m})
	c := mustDial(t, ts, "", nil)
	mustHello(t, c)
	mustSend(t, c, `{"type":"nope"}`)
	mustRead(t, c)
	m.Turn("default", "web", 120*time.Millisecond, "ok")
	m.Action("order_status", "yes")
	m.Lockout("default")
	m.UpgatesCall("orders/{code}", 200, 80*time.Millisecond)
	m.UpgatesCall("orders/{code}", 429, 10*time.Millisecond)
	_, body := mustGet(t, ts.http.URL+"/metrics")
	for _, want := range []string{
		`samoobsluha_ws_connections 1`,
		`samoobsluha_ws_connections_total 1`,
		`samoobsluha_ws_refused_frames_total{code="bad_frame"} 1`,
		`samoobsluha_turns_total{bot="default",channel="web",outcome="ok"} 1`,
		`samoobsluha_turn_duration_seconds_count{bot="default",channel="web"} 1`,
		`samoobsluha_actions_total{app="order_status",outcome="yes"} 1`,
		`samoobsluha_lockouts_total{bot="default"} 1`,
		`samoobsluha_upgates_calls_total{endpoint="orders/{code}",status="429"} 1`,
		`samoobsluha_upgates_rate_limited_total{endpoint="orders/{code}"} 1`,
		`go_goroutines`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	var nilMetrics *web.Metrics
	nilMetrics.Turn("b", "web", time.Second, "ok") // must not panic
}

func TestDemoPageAndAssets(t *testing.T) {
	hints := []web.DemoHint{{OrderNumber: "2025000123", Email: "jana@example.cz", Summary: "Odesláno <b>s</b> fakturou"}}
	t.Run("demo mode", func(t *testing.T) {
		ts := mustServer(t, web.Options{DemoMode: true, Demo: hints})
		resp, body := mustGet(t, ts.http.URL+"/")
		if resp.StatusCode != 200 {
			t.Fatalf("/ status %d", resp.StatusCode)
		}
		csp := resp.Header.Get("Content-Security-Policy")
		for _, want := range []string{"script-src 'self'", "style-src 'self'", "img-src 'self' data:", "default-src 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("CSP %q lacks %q", csp, want)
			}
		}
		for _, want := range []string{"2025000123", "jana@example.cz", "Odesláno &lt;b&gt;s&lt;/b&gt; fakturou", `<script src="/widget.js" data-bot="default" async></script>`} {
			if !strings.Contains(body, want) {
				t.Errorf("demo page lacks %q", want)
			}
		}
		if strings.Contains(body, "<style") || strings.Contains(body, " style=") || strings.Contains(body, "<script>") {
			t.Errorf("demo page has inline style or script")
		}
	})
	t.Run("not demo", func(t *testing.T) {
		ts := mustServer(t, web.Options{Demo: hints})
		_, body := mustGet(t, ts.http.URL+"/")
		if strings.Contains(body, "2025000123") {
			t.Errorf("demo hints shown outside demo mode")
		}
		if resp, _ := mustGet(t, ts.http.URL+"/nope"); resp.StatusCode != 404 {
			t.Errorf("/nope status %d, want 404", resp.StatusCode)
		}
	})
	t.Run("assets", func(t *testing.T) {
		ts := mustServer(t, web.Options{})
		for path, ct := range map[string]string{"/widget.js": "text/javascript", "/widget.css": "text/css", "/demo.css": "text/css"} {
			resp, body := mustGet(t, ts.http.URL+path)
			if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), ct) || len(body) < 100 {
				t.Errorf("%s: %d %q (%d bytes)", path, resp.StatusCode, resp.Header.Get("Content-Type"), len(body))
			}
			if resp.Header.Get("ETag") == "" {
				t.Errorf("%s has no ETag", path)
			}
		}
		_, js := mustGet(t, ts.http.URL+"/widget.js")
		_, code, _ := strings.Cut(js, "*/") // skip the usage comment
		code = strings.ReplaceAll(code, "'http://www.w3.org/2000/svg'", "")
		for _, forbidden := range []string{"eval(", "innerHTML", "document.write", "fetch(", "XMLHttpRequest", "http://", "https://"} {
			if strings.Contains(code, forbidden) {
				t.Errorf("widget.js contains %q (third-party request or unsafe DOM)", forbidden)
			}
		}
	})
}
