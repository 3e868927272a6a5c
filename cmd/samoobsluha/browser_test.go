package main

import (
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/google/go-cmp/cmp"

	"github.com/samoobsluha/samoobsluha/web/webtest"
)

// The demo order the browser test asks about (upgatestest.DemoHints):
// shipped by Zásilkovna, paid, invoiced; and an unpaid bank-transfer
// order of the same customer, which shows the QR payment code.
const (
	browserOrder       = "2026000102"
	browserUnpaidOrder = "2026000101"
	browserEmail       = "jana.novakova@seznam.cz"
	browserInvoiceName = "faktura-FV2026000412.pdf"
	browserTrackingURL = "https://tracking.packeta.com/cs_CZ/?id=Z4081727365"
)

// TestWidgetInBrowserRealServer drives the widget in headless Chromium
// against the real wiring (serve with the memory store and the embedded
// demo shop): a Czech customer on a desktop gets an order's status by a
// quick reply and typing, asks for the invoice and downloads it, and
// reloads the page to find the transcript restored; an English customer
// on a phone gets the parcel answer with its tracking link and the QR
// payment of an unpaid order. Both sessions must leave no console error,
// uncaught exception or CSP violation. Screenshots of the open widget go
// to $SAMOOBSLUHA_TEST_OUTPUT (default test-output/).
//
// It runs whenever a Chromium is installed; without one it skips with a
// loud message, and fails under CI=true.
func TestWidgetInBrowserRealServer(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	webtest.Chromium(t) // skips (or fails under CI) before anything starts
	started := time.Now()
	st := startServer(t, nil)
	browserCtx := startBrowser(t)
	out := webtest.OutputDir(t)
	t.Logf("server and browser up in %v", time.Since(started).Round(time.Millisecond))

	t.Run("czech desktop", func(t *testing.T) {
		begin := time.Now()
		tab := newWidgetTab(t, browserCtx, 1280, 860, false)
		downloads := t.TempDir()
		tab.allowDownloads(downloads)

		tab.do("open the widget",
			chromedp.Navigate(st.URL+"/"),
			chromedp.WaitVisible(chromedp.CSS(`.samo-launcher`)),
			chromedp.Click(chromedp.CSS(`.samo-launcher`)),
			chromedp.WaitVisible(chromedp.CSS(`.samo-panel`)),
			tab.waitTurn("S čím vám mohu pomoci?"),
		)
		if !tabEval[bool](tab, `document.activeElement === document.querySelector('.samo-input')`) {
			t.Error("opening the widget did not focus the input")
		}
		tab.do("click the quick reply",
			markRows(),
			chromedp.Click(choiceButton("Stav objednávky")),
			tab.waitTurn("Napište mi prosím číslo objednávky."),
			waitJS(`document.querySelector('.samo-input').dataset.expect === 'order_number' && document.querySelector('.samo-input').inputMode === 'numeric'`),
		)
		tab.do("type the order number",
			markRows(),
			chromedp.SendKeys(chromedp.CSS(`.samo-input`), browserOrder),
			chromedp.Click(chromedp.CSS(`.samo-send`)),
			tab.waitTurn("Napište mi prosím e-mail, který jste v objednávce uvedli."),
			waitJS(`document.querySelector('.samo-input').type === 'email'`),
		)
		tab.do("type the e-mail",
			say(browserEmail),
			tab.waitTurn("Mohu pro vás udělat ještě něco?"),
		)
		status := tab.botTexts()
		if !anyContains(status, "Objednávka "+browserOrder+" je ve stavu Odesláno.") || !anyContains(status, "zaplacená") {
			t.Errorf("bot said %q, want the status Odesláno of a paid order", status)
		}
		tab.noEmailFromBot()

		tab.do("ask for the invoice by typing",
			say("faktura"),
			tab.waitTurn("Mohu pro vás udělat ještě něco?"),
			chromedp.WaitVisible(chromedp.CSS(`a.samo-download`)),
			waitJS(answerInView),
		)
		if !anyContains(tab.botTexts(), "Fakturu k objednávce "+browserOrder+" si můžete stáhnout tady.") {
			t.Errorf("bot said %q, want the invoice answer", tab.botTexts())
		}
		tab.noEmailFromBot()
		tab.screenshot(filepath.Join(out, "e2e-widget-desktop.png"))

		href := tabEval[string](tab, `document.querySelector('a.samo-download').href`)
		if !strings.HasPrefix(href, st.URL+"/invoice/") {
			t.Errorf("invoice link %s, want one under %s/invoice/", href, st.URL)
		}
		checkInvoice(t, href)
		tab.download(downloads, browserInvoiceName)

		before := tab.transcript()
		tab.do("reload",
			chromedp.Reload(),
			chromedp.WaitVisible(chromedp.CSS(`.samo-panel`)),
			waitJS(`document.querySelector('.samo-root').dataset.status === 'online'`),
			tab.waitTurn("Mohu pro vás udělat ještě něco?"),
			chromedp.WaitVisible(chromedp.CSS(`a.samo-download`)),
			waitJS(answerInView),
		)
		after := tab.transcript()
		// The restored history masks the e-mail the customer typed.
		want := slices.Clone(before)
		masked := false
		for i, e := range want {
			if m := strings.ReplaceAll(e, "Vy: "+browserEmail, "Vy: j…@seznam.cz"); m != e {
				want[i], masked = m, true
			}
		}
		if !masked {
			t.Errorf("transcript before the reload %q has no bubble with the typed e-mail", before)
		}
		if diff := cmp.Diff(want, after); diff != "" {
			t.Errorf("transcript after the reload (-want +got):\n%s", diff)
		}
		if len(before) < 9 {
			t.Errorf("transcript before the reload has %d entries, want the whole conversation: %q", len(before), before)
		}
		tab.checkProblems()
		t.Logf("czech desktop session: %v", time.Since(begin).Round(time.Millisecond))
	})

	t.Run("english phone", func(t *testing.T) {
		begin := time.Now()
		tab := newWidgetTab(t, browserCtx, 390, 844, true)
		tab.do("open the widget",
			chromedp.Navigate(st.URL+"/?lang=en"),
			chromedp.WaitVisible(chromedp.CSS(`.samo-launcher`)),
			chromedp.Click(chromedp.CSS(`.samo-launcher`)),
			chromedp.WaitVisible(chromedp.CSS(`.samo-panel`)),
			tab.waitTurn("What can I help you with?"),
			waitJS(`document.querySelector('.samo-title').textContent === 'Customer support'`),
		)
		tab.do("click the quick reply",
			markRows(),
			chromedp.Click(choiceButton("Where is my parcel")),
			tab.waitTurn("Please send me your order number."),
			say(browserOrder),
			tab.waitTurn("Please send me the e-mail address you used in the order."),
			say(browserEmail),
			tab.waitTurn("Is there anything else I can do for you?"),
		)
		if !anyContains(tab.botTexts(), "Order "+browserOrder+" is on its way with Zásilkovna. The tracking number is Z4081727365.") {
			t.Errorf("bot said %q, want the parcel answer", tab.botTexts())
		}
		links := tabEval[[][]string](tab, `Array.from(document.querySelectorAll('.samo-bot a.samo-link')).map(a => [a.textContent, a.href, a.target, a.rel])`)
		if diff := cmp.Diff([][]string{{"Track the parcel (opens in a new tab)", browserTrackingURL, "_blank", "noopener noreferrer"}}, links); diff != "" {
			t.Errorf("links in the parcel answer (-want +got):\n%s", diff)
		}

		// Another order of the same customer (the e-mail is remembered):
		// unpaid by bank transfer, so the status shows the QR payment.
		tab.do("another order with a QR payment",
			// By keyboard: the focus moves on to the input, not lost
			// with the quick replies that are gone.
			markRows(),
			chromedp.Focus(choiceButton("Another order")),
			chromedp.KeyEvent(kb.Enter),
			tab.waitTurn("What would you like to know about the other order?"),
			waitJS(`document.activeElement === document.querySelector('.samo-input')`),
			markRows(),
			chromedp.Click(choiceButton("Order status")),
			tab.waitTurn("Please send me your order number."),
			say(browserUnpaidOrder),
			tab.waitTurn("Is there anything else I can do for you?"),
			waitJS(`(() => { const i = document.querySelector('.samo-img'); return i !== null && i.complete && i.naturalWidth > 0; })()`),
			waitJS(answerInView),
			waitJS(`document.getAnimations().length === 0`),
		)
		if !anyContains(tab.botTexts(), "The order has not been paid yet") || !anyContains(tab.botTexts(), "scan this QR code") {
			t.Errorf("bot said %q, want an unpaid status with the QR payment", tab.botTexts())
		}
		tab.noEmailFromBot()
		if w, vw := tabEval[float64](tab, `document.querySelector('.samo-panel').getBoundingClientRect().width`), tabEval[float64](tab, `window.innerWidth`); w != vw {
			t.Errorf("panel width %v on a %v px viewport, want full screen", w, vw)
		}
		if !tabEval[bool](tab, `Array.from(document.querySelectorAll('.samo-log *')).every(e => e.getBoundingClientRect().right <= window.innerWidth)`) {
			t.Error("widget content is wider than the phone screen")
		}
		tab.screenshot(filepath.Join(out, "e2e-widget-phone.png"))
		tab.checkProblems()
		t.Logf("english phone session: %v", time.Since(begin).Round(time.Millisecond))
	})
}

// startBrowser starts one headless Chromium for the test, with no timeout
// on its life; tabs are opened with newWidgetTab. It is stopped when the
// test ends (before the server, whose cleanup was registered first).
func startBrowser(t *testing.T) context.Context {
	t.Helper()
	ctx := webtest.Start(t, chromedp.Flag("lang", "cs-CZ"), chromedp.WindowSize(1280, 860))
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// widgetTab is one tab in its own browser context (its own storage, so a
// fresh widget session) that records the page's problems: console errors
// and warnings, uncaught exceptions, error log entries and CSP violations.
type widgetTab struct {
	t   *testing.T
	ctx context.Context

	mu       sync.Mutex
	problems []string
}

// newWidgetTab opens a tab of width x height CSS pixels; phone emulates a
// touch phone at device scale 2.
func newWidgetTab(t *testing.T, browserCtx context.Context, width, height int64, phone bool) *widgetTab {
	t.Helper()
	w := &widgetTab{t: t}
	ctx, cancel := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext(), chromedp.WithListener(w.listen))
	t.Cleanup(cancel)
	w.ctx = ctx
	viewport := chromedp.EmulateViewport(width, height)
	if phone {
		viewport = chromedp.EmulateViewport(width, height, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	w.do("open a tab", viewport)
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
		Source: `window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));`,
	}); err != nil {
		t.Fatal(err)
	}
	return w
}

// listen runs in the tab's event loop: it must return fast.
func (w *widgetTab) listen(ev any) {
	var p string
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		p = fmt.Sprintf("exception: %s at %s:%d", d.Text, d.URL, d.LineNumber)
		if d.Exception != nil && d.Exception.Description != "" {
			p += ": " + d.Exception.Description
		}
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			var args []string
			for _, a := range ev.Args {
				if len(a.Value) > 0 {
					args = append(args, string(a.Value))
				} else {
					args = append(args, a.Description)
				}
			}
			p = fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(args, " "))
		}
	case *log.EventEntryAdded:
		if ev.Entry.Level == log.EntryLevelError || ev.Entry.Level == log.EntryLevelWarning {
			p = fmt.Sprintf("log %s (%s): %s %s", ev.Entry.Level, ev.Entry.Source, ev.Entry.Text, ev.Entry.URL)
		}
	}
	if p != "" {
		w.mu.Lock()
		w.problems = append(w.problems, p)
		w.mu.Unlock()
	}
}

func (w *widgetTab) problemList() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.problems...)
}

// do runs actions in order and fails the test at the first error, naming
// the step and the page's problems so far.
func (w *widgetTab) do(step string, actions ...chromedp.Action[chromedp.Void]) {
	w.t.Helper()
	if err := chromedp.Do(w.ctx, actions...); err != nil {
		w.t.Fatalf("%s: %v\nbubbles: %q\npage problems: %q", step, err, w.texts(), w.problemList())
	}
}

// tabEval evaluates a JavaScript expression in the tab.
func tabEval[T any](w *widgetTab, expr string) T {
	w.t.Helper()
	v, err := chromedp.Run(w.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		w.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// texts returns the transcript's bubbles, or nil when the page cannot say.
func (w *widgetTab) texts() []string {
	v, err := chromedp.Run(w.ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('.samo-log .samo-bubble')).map(e => e.textContent)`))
	if err != nil {
		return nil
	}
	return v
}

// botTexts returns the bot's bubbles.
func (w *widgetTab) botTexts() []string {
	w.t.Helper()
	v, err := chromedp.Run(w.ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('.samo-bot .samo-bubble')).map(e => e.textContent)`))
	if err != nil {
		w.t.Fatalf("read the bot's bubbles: %v", err)
	}
	return v
}

// transcript returns every entry of the log as shown: who, text, image,
// links and live quick replies.
func (w *widgetTab) transcript() []string {
	w.t.Helper()
	v, err := chromedp.Run(w.ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('.samo-log > *')).map(e => [
  e.className,
  Array.from(e.querySelectorAll('.samo-bubble')).map(b => b.textContent).join('|'),
  Array.from(e.querySelectorAll('img')).map(i => i.getAttribute('src').slice(0, 40)).join('|'),
  Array.from(e.querySelectorAll('a')).map(a => a.textContent + ' -> ' + a.getAttribute('href')).join('|'),
  Array.from(e.querySelectorAll('.samo-choices:not([data-used]) button')).map(b => b.textContent).join('|'),
].join(' / '))`))
	if err != nil {
		w.t.Fatalf("read the transcript: %v", err)
	}
	return v
}

// waitTurn waits until the log has grown since markRows (a page load
// counts as none), the bot's last bubble contains text and the turn has
// ended (the send button is enabled again and nobody is typing). The
// growth check keeps a turn that ends with the same prompt as the one
// before from passing early.
func (w *widgetTab) waitTurn(text string) chromedp.Action[chromedp.Void] {
	return waitJS(fmt.Sprintf(`(() => {
  const b = document.querySelectorAll('.samo-log > .samo-bot .samo-bubble');
  return document.querySelector('.samo-log').children.length > (window.__rows || 0) &&
    b.length > 0 && b[b.length - 1].textContent.includes(%q) &&
    !document.querySelector('.samo-send').disabled && document.querySelector('.samo-typing').hidden;
})()`, text))
}

// markRows notes the log's length before the customer says something.
func markRows() chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](`window.__rows = document.querySelector('.samo-log').children.length`)
}

// say types text into the widget and presses Enter.
func say(text string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := markRows()(ctx, t); err != nil {
			return err
		}
		_, err := chromedp.SendKeys(chromedp.CSS(`.samo-input`), text+"\r")(ctx, t)
		return err
	})
}

// noEmailFromBot fails when any bot bubble or link shows an e-mail address.
func (w *widgetTab) noEmailFromBot() {
	w.t.Helper()
	for _, s := range w.botTexts() {
		if strings.Contains(s, "@") {
			w.t.Errorf("a bot bubble shows an e-mail address: %q", s)
		}
	}
	if tabEval[bool](w, `Array.from(document.querySelectorAll('.samo-bot a')).some(a => a.href.includes('@') || a.textContent.includes('@'))`) {
		w.t.Errorf("a bot link shows an e-mail address")
	}
}

// screenshot saves the viewport as a PNG.
func (w *widgetTab) screenshot(path string) {
	w.t.Helper()
	png, err := chromedp.Run(w.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		w.t.Fatalf("screenshot: %v", err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		w.t.Fatal(err)
	}
	w.t.Logf("screenshot: %s", path)
}

// allowDownloads saves the tab's downloads in dir.
func (w *widgetTab) allowDownloads(dir string) {
	w.t.Helper()
	id := chromedp.FromContext(w.ctx).BrowserContextID
	if _, err := chromedp.CallBrowser(w.ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, BrowserContextID: id, DownloadPath: dir, EventsEnabled: new(true),
	}); err != nil {
		w.t.Fatal(err)
	}
}

// download clicks the invoice link and waits for the browser to save the
// file; it must be a PDF named name.
func (w *widgetTab) download(dir, name string) {
	w.t.Helper()
	type result struct {
		name string
		err  error
	}
	done := make(chan result, 1)
	var (
		mu    sync.Mutex
		names = map[string]string{}
	)
	if err := chromedp.ListenBrowser(w.ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *browser.EventDownloadWillBegin:
			names[ev.GUID] = ev.SuggestedFilename
		case *browser.EventDownloadProgress:
			var r result
			switch ev.State {
			case browser.DownloadProgressStateCompleted:
				r.name = names[ev.GUID]
			case browser.DownloadProgressStateCanceled:
				r.err = fmt.Errorf("download %s canceled", names[ev.GUID])
			default:
				return
			}
			select {
			case done <- r:
			default:
			}
		}
	}); err != nil {
		w.t.Fatal(err)
	}
	w.do("click the invoice link", chromedp.Click(chromedp.CSS(`a.samo-download`)))
	ctx, cancel := context.WithTimeout(w.ctx, 15*time.Second)
	defer cancel()
	var r result
	select {
	case r = <-done:
	case <-ctx.Done():
		w.t.Fatalf("the invoice download did not complete: %v (page problems: %q)", ctx.Err(), w.problemList())
	}
	if r.err != nil {
		w.t.Fatal(r.err)
	}
	if r.name != name {
		w.t.Errorf("downloaded %q, want %q", r.name, name)
	}
	got, err := os.ReadFile(filepath.Join(dir, r.name))
	if err != nil {
		w.t.Fatalf("read the download: %v", err)
	}
	if !strings.HasPrefix(string(got), "%PDF-") {
		w.t.Errorf("downloaded file starts %q, want %%PDF-", got[:min(len(got), 16)])
	}
}

// checkProblems fails on anything the page reported.
func (w *widgetTab) checkProblems() {
	w.t.Helper()
	if csp := tabEval[[]string](w, `window.__csp`); len(csp) > 0 {
		w.t.Errorf("CSP violations: %q", csp)
	}
	if p := w.problemList(); len(p) > 0 {
		w.t.Errorf("page problems:\n%s", strings.Join(p, "\n"))
	}
	// Every control and image of the widget has a name a screen reader
	// can say.
	unnamed := tabEval[[]string](w, `Array.from(document.querySelectorAll('.samo-root button, .samo-root a, .samo-root input, .samo-root img, .samo-root [role=log], .samo-root [role=group], .samo-root [role=dialog]'))
  .filter(e => !(e.getAttribute('aria-label') || e.getAttribute('aria-labelledby') || e.getAttribute('alt') || (e.labels && e.labels.length) || e.textContent.trim()))
  .map(e => e.outerHTML.slice(0, 120))`)
	if len(unnamed) > 0 {
		w.t.Errorf("widget elements without an accessible name: %q", unnamed)
	}
}

// checkInvoice fetches the invoice link as a customer's browser would.
func checkInvoice(t *testing.T, href string) {
	t.Helper()
	c := &http.Client{Timeout: 10 * time.Second}
	resp, err := c.Get(href)
	if err != nil {
		t.Fatalf("GET %s: %v", href, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read %s: %v", href, err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d %s", href, resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/pdf" {
		t.Errorf("invoice Content-Type %q, want application/pdf", ct)
	}
	if _, params, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition")); err != nil || params["filename"] != browserInvoiceName {
		t.Errorf("invoice Content-Disposition %q, want an attachment named %s", resp.Header.Get("Content-Disposition"), browserInvoiceName)
	}
	if !strings.HasPrefix(string(body), "%PDF-") {
		t.Errorf("invoice body starts %q, want %%PDF-", body[:min(len(body), 16)])
	}
}

// answerInView is true once the log has scrolled to show the start of the
// bot's latest answer: at the bottom when the answer fits, else with the
// answer's first row at the top (the widget scrolls smoothly, so this also
// waits for the scrolling to end).
const answerInView = `(() => {
  const l = document.querySelector('.samo-log');
  const rows = Array.from(l.children);
  let first = rows.length - 1;
  while (first > 0 && !rows[first - 1].classList.contains('samo-user')) first--;
  const top = rows[first].getBoundingClientRect().top - l.getBoundingClientRect().top;
  const atBottom = l.scrollTop + l.clientHeight >= l.scrollHeight - 2;
  return top >= 0 && (atBottom || top <= 24);
})()`

// choiceButton selects the live quick reply titled title.
func choiceButton(title string) chromedp.JSPath {
	return chromedp.JSPath(fmt.Sprintf(`Array.from(document.querySelectorAll('.samo-choices:not([data-used]) .samo-choice')).find(b => b.textContent === %q && !b.disabled)`, title))
}

// waitJS polls a JavaScript expression until it is true.
func waitJS(expr string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		if _, err := chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(15*time.Second))(ctx, t); err != nil {
			return chromedp.Void{}, fmt.Errorf("wait for %s: %w", expr, err)
		}
		return chromedp.Void{}, nil
	}
}

func anyContains(list []string, s string) bool {
	for _, e := range list {
		if strings.Contains(e, s) {
			return true
		}
	}
	return false
}
