package upgatestest_test

import (
	"testing"

	"github.com/samoobsluha/samoobsluha/upgates/upgatestest"
)

func BenchmarkNew(b *testing.B) {
	for b.Loop() {
		upgatestest.New(upgatestest.Demo())
	}
}
