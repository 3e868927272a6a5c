//go:build unix

package upgates_test

import (
	"syscall"
	"testing"
	"time"
)

// processCPU returns the CPU time (user + system) the test process has
// used so far.
func processCPU(b *testing.B) time.Duration {
	b.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
