package loadtest

import (
	"fmt"

	"github.com/google/uuid"

	"github.com/samoobsluha/samoobsluha/upgates/upgatestest"
)

// LoadOrderNumber is the number of the i-th order ShopDataset adds:
// "2027" and six digits, as long as the demo numbers.
func LoadOrderNumber(i int) string { return fmt.Sprintf("2027%06d", i%1000000) }

// ShopDataset returns the demo shop's data with n more orders (n <
// 1,000,000), numbered LoadOrderNumber(0..n-1): copies of the three shipped,
// invoiced demo orders the DemoScript uses (order i copies
// scriptOrders()[i%3], customer and e-mail included), each with its own
// invoice and history. With as many orders as conversations, every
// conversation asks about an order no earlier conversation has put in the
// server's cache, so its first lookup reaches the shop as a real
// customer's would.
func ShopDataset(n int) *upgatestest.Dataset {
	d := upgatestest.Demo()
	bases := scriptOrders()
	byNumber := map[string]upgatestest.Order{}
	maxID := 0
	for _, o := range d.Orders {
		byNumber[o.OrderNumber] = o
		maxID = max(maxID, o.OrderID)
	}
	invoices := map[string]upgatestest.Invoice{}
	for _, inv := range d.Invoices {
		invoices[inv.OrderNumber] = inv
	}
	for i := range n {
		base := byNumber[bases[i%len(bases)].number]
		o := base
		o.OrderNumber = LoadOrderNumber(i)
		o.OrderID = maxID + 1 + i
		o.UUID = uuid.NewString()
		o.VariableSymbol = o.OrderNumber
		case_ := "B" + o.OrderNumber
		o.CaseNumber = &case_
		if inv, ok := invoices[base.OrderNumber]; ok {
			inv.OrderNumber = o.OrderNumber
			inv.InvoiceNumber = fmt.Sprintf("L%08d", i)
			inv.VariableSymbol = o.OrderNumber
			num := inv.InvoiceNumber
			o.InvoiceNumber = &num
			d.Invoices = append(d.Invoices, inv)
		}
		d.Orders = append(d.Orders, o)
		if h := d.History[base.OrderNumber]; h != nil {
			d.History[o.OrderNumber] = append(h[:0:0], h...)
		}
	}
	return d
}

// LoadScript is DemoScript over the orders ShopDataset(n) adds:
// conversation k asks about LoadOrderNumber(k%n). n = 0 gives DemoScript,
// over the three demo orders themselves.
func LoadScript(n int) Script {
	if n <= 0 {
		return DemoScript()
	}
	bases := scriptOrders()
	return func(k int) []Step {
		i := k % n
		return demoSteps(demoOrder{number: LoadOrderNumber(i), email: bases[i%len(bases)].email})
	}
}
