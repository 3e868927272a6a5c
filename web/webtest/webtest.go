package webtest

import (
	"context"
	"os"
	"os/exec"
	"testing"

	"github.com/chromedp/chromedp"
)

// Chromium returns the path of the browser: $SAMOOBSLUHA_CHROMIUM, or
// chromium (Debian's package), chromium-browser or google-chrome on PATH.
// Without one it skips the test with a loud message, and fails it under
// CI=true, where .ci/run has installed Chromium. Under -race it skips:
// chromedp's own code races with itself under the detector, so
// scripts/test runs the browser tests in a second pass without -race.
func Chromium(t testing.TB) string {
	t.Helper()
	if raceDetector {
		t.Skip("browser tests run without -race (chromedp races with itself under the detector); scripts/test runs them in a second pass")
	}
	for _, p := range []string{os.Getenv("SAMOOBSLUHA_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"} {
		if p == "" {
			continue
		}
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	msg := "NO CHROMIUM FOUND: the widget's browser test did not run. Install chromium (apt-get install chromium) or set SAMOOBSLUHA_CHROMIUM."
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// OutputDir returns $SAMOOBSLUHA_TEST_OUTPUT, or test-output/ beside the
// test's package (gitignored), creating it.
func OutputDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("SAMOOBSLUHA_TEST_OUTPUT")
	if dir == "" {
		dir = "test-output"
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// Start launches a headless Chromium (found with Chromium) with a fresh
// profile and the flags a machine without outside network needs, plus
// extra options, and returns its context. The browser is stopped when the
// test ends.
func Start(t testing.TB, extra ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(Chromium(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		// Without these Chromium keeps dialling Google's hosts, which
		// this machine's closed network refuses.
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(t.TempDir()),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), append(opts, extra...)...)
	ctx, cancel := chromedp.NewContext(allocCtx, chromedp.WithLogf(t.Logf))
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	return ctx
}
