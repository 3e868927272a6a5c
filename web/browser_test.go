package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/samoobsluha/samoobsluha/bot"
	"github.com/samoobsluha/samoobsluha/web"
	"github.com/samoobsluha/samoobsluha/web/webtest"
)

// newBrowserTestServer builds the server the browser test drives and
// returns its base URL. It is the one place to swap the fake bot for the
// real bot and fake shop; the test then needs a conversation in which
// "Stav objednávky" is a quick reply of the opening, typed text is answered,
// and typing "faktura" produces a link to /invoice/... (adjust
// browserScript if the real scenario differs).
func newBrowserTestServer(t *testing.T) string {
	ts := mustServer(t, web.Options{
		DemoMode: true,
		Demo: []web.DemoHint{
			{OrderNumber: "2025000123", Email: "jana.novakova@example.cz", Summary: "Odesláno, s fakturou a sledováním zásilky"},
			{OrderNumber: "2025000124", Email: "petr.svoboda@example.cz", Summary: "Čeká na platbu (QR platba)"},
		},
	})
	return ts.http.URL
}

// newBrowser starts a headless Chromium for the test and returns its
// context, with a 90 s limit; it is closed when the test ends.
func newBrowser(t *testing.T, width, height int) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(webtest.Start(t, chromedp.WindowSize(width, height)), 90*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// waitJS polls a JavaScript expression until it is true.
func waitJS(expr string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(15*time.Second))(ctx, t)
		if err != nil {
			return fmt.Errorf("wait for %s: %w", expr, err)
		}
		return nil
	})
}

// css selects the first element matching a CSS selector.
func css(sel string) chromedp.CSS { return chromedp.CSS(sel) }

// mustEval evaluates a JavaScript expression.
func mustEval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// pageProblems collects uncaught exceptions and CSP violations.
type pageProblems struct {
	mu   sync.Mutex
	list []string
}

func (p *pageProblems) add(s string) {
	p.mu.Lock()
	p.list = append(p.list, s)
	p.mu.Unlock()
}

func (p *pageProblems) all() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.list...)
}

func TestWidgetInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	base := newBrowserTestServer(t)
	ctx := newBrowser(t, 1280, 860)
	downloads := t.TempDir()
	out := webtest.OutputDir(t)

	var problems pageProblems
	done := make(chan string, 4)
	names := make(chan string, 4)
	listen := func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			problems.add(fmt.Sprintf("exception: %s at %s:%d", ev.ExceptionDetails.Text, ev.ExceptionDetails.URL, ev.ExceptionDetails.LineNumber))
		case *browser.EventDownloadWillBegin:
			select {
			case names <- ev.SuggestedFilename:
			default:
			}
		case *browser.EventDownloadProgress:
			if ev.State == browser.DownloadProgressStateCompleted {
				select {
				case done <- ev.GUID:
				default:
				}
			}
		}
	}
	if err := chromedp.Listen(ctx, listen); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.ListenBrowser(ctx, listen); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads, EventsEnabled: new(true),
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
		Source: `window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));`,
	}); err != nil {
		t.Fatal(err)
	}

	bubbles := `Array.from(document.querySelectorAll('.samo-log .samo-bubble')).map(e => e.textContent)`
	hasBubble := func(s string) string {
		return fmt.Sprintf(`(%s).some(t => t.includes(%q))`, bubbles, s)
	}
	step := func(name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v (page problems: %q)", name, err, problems.all())
		}
	}

	step("open the widget",
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(css(`.samo-launcher`)),
		chromedp.Click(css(`.samo-launcher`)),
		chromedp.WaitVisible(css(`.samo-panel`)),
		waitJS(hasBubble("Dobrý den!")),
	)
	focused := mustEval[bool](t, ctx, `document.activeElement !== null && document.activeElement.classList.contains('samo-input')`)

	step("click a quick reply",
		chromedp.Click(css(`.samo-choice`)),
		waitJS(hasBubble("Napište prosím číslo objednávky.")),
		waitJS(`document.querySelector('.samo-input').getAttribute('inputmode') === 'numeric'`),
	)
	placeholder := mustEval[string](t, ctx, `document.querySelector('.samo-input').placeholder`)

	step("type text",
		chromedp.SendKeys(css(`.samo-input`), "2025000123"),
		chromedp.Click(css(`.samo-send`)),
		waitJS(hasBubble("Echo: 2025000123")),
		chromedp.SendKeys(css(`.samo-input`), "email\r"),
		waitJS(`document.querySelector('.samo-input').type === 'email'`),
	)
	transcriptBefore := mustEval[[]string](t, ctx, bubbles)

	step("reload",
		chromedp.Reload(),
		chromedp.WaitVisible(css(`.samo-panel`)),
		waitJS(hasBubble("Echo: 2025000123")+` && document.querySelector('.samo-root').dataset.status === 'online'`),
	)
	transcriptAfter := mustEval[[]string](t, ctx, bubbles)

	step("image and link",
		chromedp.SendKeys(css(`.samo-input`), "qr\r"),
		waitJS(`document.querySelector('.samo-img') !== null && document.querySelector('.samo-img').complete && document.querySelector('.samo-img').naturalWidth > 0`),
		chromedp.SendKeys(css(`.samo-input`), "faktura\r"),
		chromedp.WaitVisible(css(`a.samo-download`)),
		waitJS(`(() => { const l = document.querySelector('.samo-log'); return l.scrollTop + l.clientHeight >= l.scrollHeight - 2; })()`),
	)
	screenshot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, "widget.png"), screenshot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", filepath.Join(out, "widget.png"))
	step("download the invoice", chromedp.Click(css(`a.samo-download`)))

	if !focused {
		t.Error("opening the widget did not focus the input")
	}
	if !strings.Contains(placeholder, "objednávky") {
		t.Errorf("order number input placeholder %q, want an order-number hint", placeholder)
	}
	if len(transcriptAfter) != len(transcriptBefore) || len(transcriptBefore) < 6 {
		t.Errorf("transcript after reload %q, want the %d bubbles before it %q", transcriptAfter, len(transcriptBefore), transcriptBefore)
	}

	select {
	case <-done:
	case <-ctx.Done():
		t.Fatal("the invoice download did not complete")
	}
	name := <-names
	if name != "Faktura-2025000123.pdf" {
		t.Errorf("download name %q, want Faktura-2025000123.pdf", name)
	}
	got, err := os.ReadFile(filepath.Join(downloads, name))
	if err != nil {
		t.Fatalf("read download: %v", err)
	}
	if string(got) != fakePDF {
		t.Errorf("downloaded %q, want the invoice PDF", got)
	}

	if csp := mustEval[[]string](t, ctx, `window.__csp`); len(csp) > 0 {
		t.Errorf("CSP violations: %q", csp)
	}
	if p := problems.all(); len(p) > 0 {
		t.Errorf("page problems: %q", p)
	}
}

// TestWidgetOnPhone checks the full-screen panel on a narrow viewport, the
// English interface and closing with Escape, and saves a screenshot.
func TestWidgetOnPhone(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	base := newBrowserTestServer(t)
	ctx := newBrowser(t, 390, 844)
	if err := chromedp.Do(ctx,
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch),
		chromedp.Navigate(base+"/?lang=en"),
		chromedp.WaitVisible(css(`.samo-launcher`)),
		chromedp.Click(css(`.samo-launcher`)),
		waitJS(`document.querySelectorAll('.samo-log .samo-bubble').length > 0`),
		// The page says lang="en": the widget speaks English.
		waitJS(`document.querySelector('.samo-title').textContent === 'Customer support' && document.querySelector('.samo-launcher').getAttribute('aria-label') === 'Open the customer support chat'`),
		waitJS(`document.getAnimations().length === 0`),
	); err != nil {
		t.Fatalf("browser: %v", err)
	}
	panelWidth := mustEval[float64](t, ctx, `document.querySelector('.samo-panel').getBoundingClientRect().width`)
	viewport := mustEval[float64](t, ctx, `window.innerWidth`)
	shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	// Escape closes the panel and gives focus back to the launcher.
	if err := chromedp.Do(ctx,
		chromedp.KeyEvent(kb.Escape),
		waitJS(`document.querySelector('.samo-panel').hidden && document.activeElement === document.querySelector('.samo-launcher')`),
	); err != nil {
		t.Fatalf("escape: %v", err)
	}
	if err := os.WriteFile(filepath.Join(webtest.OutputDir(t), "widget-phone.png"), shot, 0o644); err != nil {
		t.Fatal(err)
	}
	if panelWidth != viewport {
		t.Errorf("panel width %v on a %v px viewport, want full screen", panelWidth, viewport)
	}
}

// swapHandler lets a test replace the server behind one listener, like a
// restarted process behind the same address.
type swapHandler struct {
	mu  sync.Mutex
	srv *web.Server
}

func (s *swapHandler) set(srv *web.Server) *web.Server {
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.srv
	s.srv = srv
	return old
}

func (s *swapHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	srv := s.srv
	s.mu.Unlock()
	srv.ServeHTTP(w, r)
}

// TestWidgetReconnectsAfterRestart restarts the server under an open widget:
// the widget reconnects with backoff, resumes the same session and keeps
// the transcript, and what the customer typed while offline is sent after.
func TestWidgetReconnectsAfterRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	fb := newFakeBot() // the session store: it outlives the restart
	newServer := func() *web.Server {
		return web.NewServer(web.Options{Handler: fb, Invoices: fb, Ready: fb, Logger: testLogger(t)})
	}
	sw := &swapHandler{srv: newServer()}
	hs := httptest.NewServer(sw)
	t.Cleanup(func() {
		hs.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := sw.set(nil).Shutdown(ctx); err != nil {
			t.Errorf("Shutdown() = %v", err)
		}
	})
	ctx := newBrowser(t, 1280, 860)
	bubbles := `Array.from(document.querySelectorAll('.samo-log .samo-bubble')).map(e => e.textContent)`
	hasBubble := func(s string) string { return fmt.Sprintf(`(%s).some(t => t.includes(%q))`, bubbles, s) }

	if err := chromedp.Do(ctx,
		chromedp.Navigate(hs.URL+"/"),
		chromedp.Click(css(`.samo-launcher`)),
		waitJS(hasBubble("Dobrý den!")),
		chromedp.SendKeys(css(`.samo-input`), "před restartem\r"),
		waitJS(hasBubble("Echo: před restartem")),
	); err != nil {
		t.Fatalf("before restart: %v", err)
	}

	old := sw.set(newServer())
	sctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if err := old.Shutdown(sctx); err != nil {
		t.Fatalf("Shutdown() = %v", err)
	}
	if err := chromedp.Do(ctx,
		waitJS(`document.querySelector('.samo-root').dataset.status === 'offline'`),
		chromedp.SendKeys(css(`.samo-input`), "po restartu\r"),
		waitJS(hasBubble("Echo: po restartu")),
	); err != nil {
		t.Fatalf("after restart: %v", err)
	}
	got := mustEval[[]string](t, ctx, bubbles)
	want := []string{"Asistent: Dobrý den! Jsem testovací asistent. S čím vám mohu pomoci?",
		"Vy: před restartem", "Asistent: Echo: před restartem", "Vy: po restartu", "Asistent: Echo: po restartu"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("transcript after the restart (-want +got):\n%s", diff)
	}
	var hellos []string
	for _, r := range fb.recorded() {
		if r.Kind == bot.KindHello {
			hellos = append(hellos, r.Session)
		}
	}
	if len(hellos) != 2 || hellos[0] != "" || hellos[1] != "fake-1" {
		t.Errorf("hellos for sessions %q, want a new session and then its resume (fake-1)", hellos)
	}
}
