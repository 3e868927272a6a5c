package apps_test

import (
	"context"
	"fmt"
	"log"
	"net/http/httptest"

	"github.com/samoobsluha/samoobsluha/bot/apps"
	"github.com/samoobsluha/samoobsluha/upgates"
	"github.com/samoobsluha/samoobsluha/upgates/upgatestest"
)

// The verify_order app against the fake demo shop, as a scenario's app box
// would run it.
func ExampleApps_Run() {
	fake := httptest.NewServer(upgatestest.New(upgatestest.Demo()))
	defer fake.Close()
	shop := upgates.New(fake.URL+"/api/v2", upgatestest.DemoLogin, upgatestest.DemoKey, upgates.Options{})
	a, err := apps.New(shop, "default", apps.Options{
		PublicURL: "https://bot.example.cz",
		Secret:    []byte("an example secret of 16+ bytes"),
	})
	if err != nil {
		log.Fatal(err)
	}
	r := a.Run(context.Background(), apps.Call{App: "verify_order", Params: map[string]string{"order": "2026000102"}})
	m := r.Value.(map[string]any)
	fmt.Println(r.Outcome, m["status"], m["shipping"], m["tracking"], m["paid"])

	r = a.Run(context.Background(), apps.Call{App: "verify_email", Params: map[string]string{
		"order": "2026000102", "email": "someone.else@seznam.cz",
	}})
	fmt.Println(r.Outcome, r.Value, r.VerifyFailed)
	// Output:
	// yes Odesláno Zásilkovna Z4081727365 true
	// no false true
}
