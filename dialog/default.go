package dialog

import (
	_ "embed"
	"slices"
)

//go:embed default.yaml
var defaultScenario []byte

// DefaultScenario returns the embedded default scenario (YAML): the
// self-service menu of order status, parcel, invoice, cancellation, the
// customer's orders and a person, in Czech and English, on the web and on
// the phone. The returned slice is a copy the caller may keep or modify.
func DefaultScenario() []byte { return slices.Clone(defaultScenario) }
