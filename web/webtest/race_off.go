//go:build !race

package webtest

// raceDetector is true in a binary built with -race.
const raceDetector = false
