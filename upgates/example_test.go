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

// ExampleClient_ResolveStatus resolves a status given by id, by name in
// any language and case, or by type.
func ExampleClient_ResolveStatus() {
	shop := httptest.NewServer(upgatestest.New(nil))
	defer shop.Close()
	c := upgates.New(shop.URL+"/api/v2", upgatestest.DemoLogin, upgatestest.DemoKey, upgates.Options{})
	for _, in := range []string{"17", "čeká na NASKLADNĚNÍ", "Cancelled", "type:PaymentSuccessful", "Ztraceno"} {
		st, err := c.ResolveStatus(context.Background(), in)
		if err != nil {
			fmt.Printf("%q: unknown (%v)\n", in, errors.Is(err, upgates.ErrUnknownStatus))
			continue
		}
		fmt.Printf("%q: %d %s / %s (%s)\n", in, st.ID, st.Name("cs"), st.Name("en"), st.Type)
	}
	// Output:
	// "17": 17 Odesláno / Shipped (Sent)
	// "čeká na NASKLADNĚNÍ": 15 Čeká na naskladnění / Awaiting stock (Custom)
	// "Cancelled": 19 Stornováno / Cancelled (Canceled)
	// "type:PaymentSuccessful": 14 Zaplaceno / Paid (PaymentSuccessful)
	// "Ztraceno": unknown (true)
}

// ExampleClient_CustomerOrders lists the orders of a customer account,
// newest first, with the total count.
func ExampleClient_CustomerOrders() {
	shop := httptest.NewServer(upgatestest.New(nil))
	defer shop.Close()
	c := upgates.New(shop.URL+"/api/v2", upgatestest.DemoLogin, upgatestest.DemoKey, upgates.Options{})
	page, err := c.CustomerOrders(context.Background(), 5001)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println("orders:", page.NumberOfItems)
	for _, o := range page.Orders {
		fmt.Printf("%s %s %.0f %s\n", o.OrderNumber, o.CreationTime.Format("2.1.2006"), o.OrderTotal, o.CurrencyID)
	}
	// Output:
	// orders: 4
	// 2026000113 27.11.2026 2028 CZK
	// 2026000101 25.11.2026 1667 CZK
	// 2026000102 18.11.2026 1216 CZK
	// 2026000107 3.11.2026 577 CZK
}
