package upgates_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"

	"github.com/samoobsluha/samoobsluha/upgates"
	"github.com/samoobsluha/samoobsluha/upgates/upgatestest"
)

// Example reads an order from the demo shop of upgatestest, verifies the
// customer's e-mail and cancels the order without e-mailing the customer.
func Example() {
	shop := httptest.NewServer(upgatestest.New(upgatestest.Demo()))
	defer shop.Close()
	ctx := context.Background()
	c := upgates.New(shop.URL+"/api/v2", upgatestest.DemoLogin, upgatestest.DemoKey, upgates.Options{})

	o, err := c.Order(ctx, "2026000102")
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Printf("%s: %s, %s %s, %.0f %s, paid %t\n", o.OrderNumber, o.Status, o.Shipment.Name,
		o.TrackingCode, o.OrderTotal, o.CurrencyID, o.Paid())
	fmt.Println("e-mail verified:", o.Customer.EmailMatches("Jana.Novakova@seznam.cz"))

	if _, err := c.Order(ctx, "2026999999"); errors.Is(err, upgates.ErrNotFound) {
		fmt.Println("2026999999: not found")
	}

	canceled, err := c.ResolveStatus(ctx, "type:Canceled")
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	err = c.UpdateOrder(ctx, upgates.OrderUpdate{OrderNumber: "2026000101", StatusID: &canceled.ID, SendEmails: false})
	fmt.Println("cancel 2026000101:", canceled.Name("cs"), err)
	// Output:
	// 2026000102: Odesláno, Zásilkovna Z4081727365, 1216 CZK, paid true
	// e-mail verified: true
	// 2026999999: not found
	// cancel 2026000101: Stornováno <nil>
}
