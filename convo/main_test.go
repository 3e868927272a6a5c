package convo_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain checks that runs leave no goroutine behind: runner workers,
// socket connections and HTTP transports of the targets are all closed.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
