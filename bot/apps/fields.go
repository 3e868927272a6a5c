package apps

import (
	"time"

	"github.com/samoobsluha/samoobsluha/upgates"
)

// orderFieldNames are verify_order's result fields: the seed's seven
// (status, billing, shipping, paid, topay, currency, tracking) and extras
// that reveal nothing personal.
var orderFieldNames = []string{
	"status", "billing", "shipping", "paid", "topay", "currency", "tracking",
	"number", "statusid", "statustype", "trackingurl", "carrier", "date", "paiddate",
	"cancellable", "banktransfer",
}

// detailFieldNames are order_detail's result fields: the seed's (url,
// phone, items and the verify_order seven) and extras.
var detailFieldNames = append(append([]string(nil), orderFieldNames...),
	"url", "phone", "items", "vs", "invoicenumber")

// dateLayout is the RFC 3339 full-date form used for every date field.
const dateLayout = time.DateOnly

// orderFields maps an order to verify_order's fields. Amounts are float64,
// flags bool, dates "YYYY-MM-DD" in the order's own offset ("" when
// absent).
func orderFields(o *upgates.Order, st statusInfo, cancellable bool) map[string]any {
	paidDate := ""
	if o.PaidDate != nil {
		paidDate = o.PaidDate.Format(dateLayout)
	}
	date := ""
	if !o.CreationTime.IsZero() {
		date = o.CreationTime.Format(dateLayout)
	}
	status := o.Status
	if st.Name != "" {
		status = st.Name
	}
	return map[string]any{
		"status":       status,
		"billing":      o.Payment.Name,
		"shipping":     o.Shipment.Name,
		"paid":         o.Paid(),
		"topay":        o.OrderTotal,
		"currency":     o.CurrencyID,
		"tracking":     o.TrackingCode,
		"number":       o.OrderNumber,
		"statusid":     float64(o.StatusID),
		"statustype":   st.Type,
		"trackingurl":  o.TrackingURL,
		"carrier":      o.Shipment.Type,
		"date":         date,
		"paiddate":     paidDate,
		"cancellable":  cancellable,
		"banktransfer": o.Payment.Type == "command",
	}
}

// detailFields extends orderFields with order_detail's fields; brands maps
// product ids to manufacturers (missing ones give an empty brand).
func detailFields(o *upgates.Order, st statusInfo, cancellable bool, brands map[int]string) map[string]any {
	m := orderFields(o, st, cancellable)
	items := make([]any, 0, len(o.Products))
	for _, p := range o.Products {
		brand := ""
		if p.ProductID != nil {
			brand = brands[*p.ProductID]
		}
		items = append(items, map[string]any{
			"name":     p.Title,
			"brand":    brand,
			"code":     p.Code,
			"quantity": p.Quantity,
			"price":    p.PriceWithVAT,
		})
	}
	m["url"] = o.AdminURL
	m["phone"] = o.Customer.Phone
	m["items"] = items
	m["vs"] = o.VariableSymbol
	m["invoicenumber"] = o.InvoiceNumber
	return m
}
