//go:build race

package main

// raceDetector is true when the tests run with -race. The browser tests
// skip then: chromedp's own code races with itself under the detector, so
// scripts/test runs them in a second pass without -race.
const raceDetector = true
