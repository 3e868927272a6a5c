package apps_test

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/samoobsluha/samoobsluha/dialog"
)

// TestValuesSurviveJSON checks that yes values use JSON-friendly types
// only, so a session stores and restores them unchanged.
func TestValuesSurviveJSON(t *testing.T) {
	e := newEnv(t)
	calls := []struct {
		app      string
		params   map[string]string
		verified []string
	}{
		{app: "verify_order", params: map[string]string{"order": orderZas}},
		{app: "order_detail", params: map[string]string{"order": orderStock, "email": "eva.vesela@email.cz"}},
		{app: "customer_email", params: map[string]string{"order": orderZas}},
		{app: "order_documents", params: map[string]string{"order": orderZas, "email": janaEmail}},
		{app: "customer_orders", params: map[string]string{"order": orderZas}, verified: []string{orderZas}},
		{app: "verify_email", params: map[string]string{"order": orderZas, "email": janaEmail}},
	}
	for _, c := range calls {
		t.Run(c.app, func(t *testing.T) {
			r := e.run(c.app, c.params, c.verified...)
			wantOutcome(t, c.app, r, dialog.OutcomeYes)
			b, err := json.Marshal(r.Value)
			if err != nil {
				t.Fatalf("json.Marshal(%s value): %v", c.app, err)
			}
			var back any
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(r.Value, back); diff != "" {
				t.Errorf("%s value changes through JSON (-before +after):\n%s", c.app, diff)
			}
		})
	}
}
