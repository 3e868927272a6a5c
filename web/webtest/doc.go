// Package webtest holds what the widget's browser tests share: finding
// Debian's Chromium (skipping loudly without one, failing under CI=true),
// the headless launch flags this machine needs, and the directory for
// screenshots. It is a test helper, like net/http/httptest, and is
// imported only by tests.
package webtest
