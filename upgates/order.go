package upgates

import (
	"encoding/json"
	"strings"
	"time"
)

// Order is one order as GET /orders returns it (UPGATES-API.md §4.3), with
// the fields this project uses. Null strings decode as "", null numbers as
// 0, unless the field is a pointer, where nil means null.
//
// Order decodes leniently (§14.14) and its JSON tags are the Upgates names,
// so an Order marshalled with encoding/json decodes back to the same value.
type Order struct {
	OrderNumber         string `json:"order_number"`
	OrderID             int    `json:"order_id"`
	CaseNumber          string `json:"case_number"`
	ExternalOrderNumber string `json:"external_order_number"`
	UUID                string `json:"uuid"`
	LanguageID          string `json:"language_id"`
	CurrencyID          string `json:"currency_id"`
	PricesWithVAT       bool   `json:"prices_with_vat_yn"`
	// StatusID is the status id; 0 means the order has no status.
	StatusID int `json:"status_id"`
	// Status is the status name in the order's language.
	Status string `json:"status"`
	// PaidDate is when the order was paid; nil means unpaid (the order has
	// no other paid flag).
	PaidDate       *time.Time `json:"paid_date"`
	TrackingCode   string     `json:"tracking_code"`
	TrackingURL    string     `json:"tracking_url"`
	Resolved       bool       `json:"resolved_yn"`
	InternalNote   string     `json:"internal_note"`
	CreationTime   time.Time  `json:"creation_time"`
	LastUpdateTime time.Time  `json:"last_update_time"`
	VariableSymbol string     `json:"variable_symbol"`
	TotalWeight    int        `json:"total_weight"`
	// OrderTotal is the total including VAT, in CurrencyID.
	OrderTotal float64 `json:"order_total"`
	// InvoiceNumber is the related invoice; "" means none yet.
	InvoiceNumber string        `json:"invoice_number"`
	Origin        string        `json:"origin"`
	AdminURL      string        `json:"admin_url"`
	Customer      OrderCustomer `json:"customer"`
	Products      []OrderLine   `json:"products"`
	Shipment      Shipment      `json:"shipment"`
	Payment       Payment       `json:"payment"`
	// DeliveredDate and Deleted exist only in the newer docs; nil when the
	// shop does not send them.
	DeliveredDate *time.Time `json:"delivered_date,omitempty"`
	Deleted       *bool      `json:"deleted_yn,omitempty"`
}

// Paid reports whether the order is paid (PaidDate is set).
func (o *Order) Paid() bool { return o.PaidDate != nil }

// OrderCustomer is the customer snapshot stored with an order. It has no
// plain first name or surname; the invoice names are the customer's.
type OrderCustomer struct {
	// Email is nil when the order has no customer e-mail; such an order
	// never verifies a customer.
	Email *string `json:"email"`
	Phone string  `json:"phone"`
	// Code is the customer number.
	Code string `json:"code"`
	// CustomerID is the account id, nil for a guest order.
	CustomerID       *int        `json:"customer_id"`
	FirstnameInvoice string      `json:"firstname_invoice"`
	SurnameInvoice   string      `json:"surname_invoice"`
	StreetInvoice    string      `json:"street_invoice"`
	CityInvoice      string      `json:"city_invoice"`
	ZipInvoice       string      `json:"zip_invoice"`
	CountryIDInvoice string      `json:"country_id_invoice"`
	FirstnamePostal  string      `json:"firstname_postal"`
	SurnamePostal    string      `json:"surname_postal"`
	StreetPostal     string      `json:"street_postal"`
	CityPostal       string      `json:"city_postal"`
	ZipPostal        string      `json:"zip_postal"`
	CountryIDPostal  string      `json:"country_id_postal"`
	CompanyYN        bool        `json:"company_yn"`
	Company          string      `json:"company"`
	ICO              string      `json:"ico"`
	DIC              string      `json:"dic"`
	CustomerNote     string      `json:"customer_note"`
	Agreements       []Agreement `json:"agreements"`
}

// EmailMatches reports whether email equals the order's customer e-mail,
// trimmed and case-insensitively (§14.17). A missing e-mail on either side
// never matches.
func (c *OrderCustomer) EmailMatches(email string) bool {
	email = strings.TrimSpace(email)
	if c.Email == nil || email == "" {
		return false
	}
	own := strings.TrimSpace(*c.Email)
	return own != "" && strings.EqualFold(own, email)
}

// Agreement is a consent the customer gave with the order.
type Agreement struct {
	Name    string     `json:"name"`
	ValidTo *time.Time `json:"valid_to"`
	Status  string     `json:"status"`
}

// OrderLine is one line (product, gift, discount...) of an order. It has no
// manufacturer; see Client.Manufacturers.
type OrderLine struct {
	// ProductID is nil for a manual or deleted item.
	ProductID   *int   `json:"product_id"`
	OptionSetID *int   `json:"option_set_id"`
	Type        string `json:"type"`
	UUID        string `json:"uuid"`
	Code        string `json:"code"`
	EAN         string `json:"ean"`
	// Title is the product name as ordered.
	Title                  string      `json:"title"`
	Unit                   string      `json:"unit"`
	Quantity               float64     `json:"quantity"`
	PricePerUnitWithVAT    float64     `json:"price_per_unit_with_vat"`
	PricePerUnitWithoutVAT float64     `json:"price_per_unit_without_vat"`
	PriceWithVAT           float64     `json:"price_with_vat"`
	VAT                    float64     `json:"vat"`
	Availability           string      `json:"availability"`
	Parameters             []Parameter `json:"parameters"`
	ImageURL               string      `json:"image_url"`
}

// Parameter is a name/value pair (an order line parameter or a history
// data item).
type Parameter struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Shipment is the order's shipping method.
type Shipment struct {
	ID   *int   `json:"id"`
	Code string `json:"code"`
	// Name is the carrier or shipping method as the shop names it.
	Name          string  `json:"name"`
	Type          string  `json:"type"`
	PriceWithVAT  float64 `json:"price_with_vat"`
	AffiliateID   string  `json:"affiliate_id"`
	AffiliateName string  `json:"affiliate_name"`
}

// Payment is the order's payment method.
type Payment struct {
	ID   *int   `json:"id"`
	Code string `json:"code"`
	// Name is the payment method as the shop names it.
	Name         string  `json:"name"`
	Type         string  `json:"type"`
	PriceWithVAT float64 `json:"price_with_vat"`
}

// wireOrder is Order with lenient field types.
type wireOrder struct {
	OrderNumber         flexString            `json:"order_number"`
	OrderID             flexInt               `json:"order_id"`
	CaseNumber          flexString            `json:"case_number"`
	ExternalOrderNumber flexString            `json:"external_order_number"`
	UUID                flexString            `json:"uuid"`
	LanguageID          flexString            `json:"language_id"`
	CurrencyID          flexString            `json:"currency_id"`
	PricesWithVAT       flexBool              `json:"prices_with_vat_yn"`
	StatusID            flexInt               `json:"status_id"`
	Status              flexString            `json:"status"`
	PaidDate            flexTime              `json:"paid_date"`
	TrackingCode        flexString            `json:"tracking_code"`
	TrackingURL         flexString            `json:"tracking_url"`
	Resolved            flexBool              `json:"resolved_yn"`
	InternalNote        flexString            `json:"internal_note"`
	CreationTime        flexTime              `json:"creation_time"`
	LastUpdateTime      flexTime              `json:"last_update_time"`
	VariableSymbol      flexString            `json:"variable_symbol"`
	TotalWeight         flexInt               `json:"total_weight"`
	OrderTotal          flexFloat             `json:"order_total"`
	InvoiceNumber       flexString            `json:"invoice_number"`
	Origin              flexString            `json:"origin"`
	AdminURL            flexString            `json:"admin_url"`
	Customer            flexObj[wireCustomer] `json:"customer"`
	Products            flexList[wireLine]    `json:"products"`
	Shipment            flexObj[wireShipment] `json:"shipment"`
	Payment             flexObj[wirePayment]  `json:"payment"`
	DeliveredDate       flexTime              `json:"delivered_date"`
	Deleted             *flexBool             `json:"deleted_yn"`
}

type wireCustomer struct {
	Email            flexString              `json:"email"`
	Phone            flexString              `json:"phone"`
	Code             flexString              `json:"code"`
	CustomerID       flexInt                 `json:"customer_id"`
	FirstnameInvoice flexString              `json:"firstname_invoice"`
	SurnameInvoice   flexString              `json:"surname_invoice"`
	StreetInvoice    flexString              `json:"street_invoice"`
	CityInvoice      flexString              `json:"city_invoice"`
	ZipInvoice       flexString              `json:"zip_invoice"`
	CountryIDInvoice flexString              `json:"country_id_invoice"`
	FirstnamePostal  flexString              `json:"firstname_postal"`
	SurnamePostal    flexString              `json:"surname_postal"`
	StreetPostal     flexString              `json:"street_postal"`
	CityPostal       flexString              `json:"city_postal"`
	ZipPostal        flexString              `json:"zip_postal"`
	CountryIDPostal  flexString              `json:"country_id_postal"`
	CompanyYN        flexBool                `json:"company_yn"`
	Company          flexString              `json:"company"`
	ICO              flexString              `json:"ico"`
	DIC              flexString              `json:"dic"`
	CustomerNote     flexString              `json:"customer_note"`
	Agreements       flexList[wireAgreement] `json:"agreements"`
}

type wireAgreement struct {
	Name    flexString `json:"name"`
	ValidTo flexTime   `json:"valid_to"`
	Status  flexString `json:"status"`
}

type wireLine struct {
	ProductID              flexInt                 `json:"product_id"`
	OptionSetID            flexInt                 `json:"option_set_id"`
	Type                   flexString              `json:"type"`
	UUID                   flexString              `json:"uuid"`
	Code                   flexString              `json:"code"`
	EAN                    flexString              `json:"ean"`
	Title                  flexString              `json:"title"`
	Unit                   flexString              `json:"unit"`
	Quantity               flexFloat               `json:"quantity"`
	PricePerUnitWithVAT    flexFloat               `json:"price_per_unit_with_vat"`
	PricePerUnitWithoutVAT flexFloat               `json:"price_per_unit_without_vat"`
	PriceWithVAT           flexFloat               `json:"price_with_vat"`
	VAT                    flexFloat               `json:"vat"`
	Availability           flexString              `json:"availability"`
	Parameters             flexList[wireParameter] `json:"parameters"`
	ImageURL               flexString              `json:"image_url"`
}

type wireParameter struct {
	Name  flexString `json:"name"`
	Value flexString `json:"value"`
}

type wireShipment struct {
	ID            flexInt    `json:"id"`
	Code          flexString `json:"code"`
	Name          flexString `json:"name"`
	Type          flexString `json:"type"`
	PriceWithVAT  flexFloat  `json:"price_with_vat"`
	AffiliateID   flexString `json:"affiliate_id"`
	AffiliateName flexString `json:"affiliate_name"`
}

type wirePayment struct {
	ID           flexInt    `json:"id"`
	Code         flexString `json:"code"`
	Name         flexString `json:"name"`
	Type         flexString `json:"type"`
	PriceWithVAT flexFloat  `json:"price_with_vat"`
}

// UnmarshalJSON decodes an order leniently (UPGATES-API.md §14.14).
func (o *Order) UnmarshalJSON(data []byte) error {
	v, err := decodeOrder(data)
	if err != nil {
		return err
	}
	*o = v
	return nil
}

// decodeOrder decodes one order object leniently, as Order.UnmarshalJSON
// does. The client calls it rather than json.Unmarshal into an Order,
// which would scan the bytes twice more before UnmarshalJSON (validating
// them, then finding the end of the Unmarshaler's value).
func decodeOrder(data []byte) (Order, error) {
	var w wireOrder
	if err := json.Unmarshal(data, &w); err != nil {
		return Order{}, err
	}
	return w.order(), nil
}

// order converts the lenient wire form to an Order.
func (w *wireOrder) order() Order {
	o := Order{
		OrderNumber:         string(w.OrderNumber),
		OrderID:             w.OrderID.V,
		CaseNumber:          string(w.CaseNumber),
		ExternalOrderNumber: string(w.ExternalOrderNumber),
		UUID:                string(w.UUID),
		LanguageID:          string(w.LanguageID),
		CurrencyID:          string(w.CurrencyID),
		PricesWithVAT:       bool(w.PricesWithVAT),
		StatusID:            w.StatusID.V,
		Status:              string(w.Status),
		PaidDate:            w.PaidDate.ptr(),
		TrackingCode:        string(w.TrackingCode),
		TrackingURL:         string(w.TrackingURL),
		Resolved:            bool(w.Resolved),
		InternalNote:        string(w.InternalNote),
		CreationTime:        w.CreationTime.T,
		LastUpdateTime:      w.LastUpdateTime.T,
		VariableSymbol:      string(w.VariableSymbol),
		TotalWeight:         w.TotalWeight.V,
		OrderTotal:          float64(w.OrderTotal),
		InvoiceNumber:       string(w.InvoiceNumber),
		Origin:              string(w.Origin),
		AdminURL:            string(w.AdminURL),
		DeliveredDate:       w.DeliveredDate.ptr(),
	}
	if w.Deleted != nil {
		d := bool(*w.Deleted)
		o.Deleted = &d
	}
	if w.Customer.Valid {
		c := &w.Customer.V
		o.Customer = OrderCustomer{
			Email:            strPtr(c.Email),
			Phone:            string(c.Phone),
			Code:             string(c.Code),
			CustomerID:       c.CustomerID.ptr(),
			FirstnameInvoice: string(c.FirstnameInvoice),
			SurnameInvoice:   string(c.SurnameInvoice),
			StreetInvoice:    string(c.StreetInvoice),
			CityInvoice:      string(c.CityInvoice),
			ZipInvoice:       string(c.ZipInvoice),
			CountryIDInvoice: string(c.CountryIDInvoice),
			FirstnamePostal:  string(c.FirstnamePostal),
			SurnamePostal:    string(c.SurnamePostal),
			StreetPostal:     string(c.StreetPostal),
			CityPostal:       string(c.CityPostal),
			ZipPostal:        string(c.ZipPostal),
			CountryIDPostal:  string(c.CountryIDPostal),
			CompanyYN:        bool(c.CompanyYN),
			Company:          string(c.Company),
			ICO:              string(c.ICO),
			DIC:              string(c.DIC),
			CustomerNote:     string(c.CustomerNote),
		}
		for _, a := range c.Agreements {
			o.Customer.Agreements = append(o.Customer.Agreements, Agreement{
				Name: string(a.Name), ValidTo: a.ValidTo.ptr(), Status: string(a.Status),
			})
		}
	}
	for _, l := range w.Products {
		line := OrderLine{
			ProductID:              l.ProductID.ptr(),
			OptionSetID:            l.OptionSetID.ptr(),
			Type:                   string(l.Type),
			UUID:                   string(l.UUID),
			Code:                   string(l.Code),
			EAN:                    string(l.EAN),
			Title:                  string(l.Title),
			Unit:                   string(l.Unit),
			Quantity:               float64(l.Quantity),
			PricePerUnitWithVAT:    float64(l.PricePerUnitWithVAT),
			PricePerUnitWithoutVAT: float64(l.PricePerUnitWithoutVAT),
			PriceWithVAT:           float64(l.PriceWithVAT),
			VAT:                    float64(l.VAT),
			Availability:           string(l.Availability),
			ImageURL:               string(l.ImageURL),
		}
		for _, p := range l.Parameters {
			line.Parameters = append(line.Parameters, Parameter{Name: string(p.Name), Value: string(p.Value)})
		}
		o.Products = append(o.Products, line)
	}
	if w.Shipment.Valid {
		s := &w.Shipment.V
		o.Shipment = Shipment{
			ID: s.ID.ptr(), Code: string(s.Code), Name: string(s.Name), Type: string(s.Type),
			PriceWithVAT: float64(s.PriceWithVAT), AffiliateID: string(s.AffiliateID),
			AffiliateName: string(s.AffiliateName),
		}
	}
	if w.Payment.Valid {
		p := &w.Payment.V
		o.Payment = Payment{
			ID: p.ID.ptr(), Code: string(p.Code), Name: string(p.Name), Type: string(p.Type),
			PriceWithVAT: float64(p.PriceWithVAT),
		}
	}
	return o
}

// clone returns a deep copy of o that shares no memory with it but the
// time zones of its times, so the copy can be handed to a caller while the
// client keeps o. It makes a handful of allocations whatever the order's
// size: the order with its scalar pointer targets, then one slice each for
// the lines, their product ids, their parameters, the agreements and their
// dates. A nil slice stays nil.
func (o *Order) clone() *Order {
	b := &struct {
		o                         Order
		paid, delivered           time.Time
		email                     string
		customerID, shipID, payID int
		deleted                   bool
	}{o: *o}
	c := &b.o
	if o.PaidDate != nil {
		b.paid = *o.PaidDate
		c.PaidDate = &b.paid
	}
	if o.DeliveredDate != nil {
		b.delivered = *o.DeliveredDate
		c.DeliveredDate = &b.delivered
	}
	if o.Deleted != nil {
		b.deleted = *o.Deleted
		c.Deleted = &b.deleted
	}
	if o.Customer.Email != nil {
		b.email = *o.Customer.Email
		c.Customer.Email = &b.email
	}
	if o.Customer.CustomerID != nil {
		b.customerID = *o.Customer.CustomerID
		c.Customer.CustomerID = &b.customerID
	}
	if o.Shipment.ID != nil {
		b.shipID = *o.Shipment.ID
		c.Shipment.ID = &b.shipID
	}
	if o.Payment.ID != nil {
		b.payID = *o.Payment.ID
		c.Payment.ID = &b.payID
	}
	if o.Customer.Agreements != nil {
		c.Customer.Agreements = cloneAgreements(o.Customer.Agreements)
	}
	if o.Products != nil {
		c.Products = cloneLines(o.Products)
	}
	return c
}

// cloneAgreements deep-copies a non-nil agreement list.
func cloneAgreements(src []Agreement) []Agreement {
	dst := append(make([]Agreement, 0, len(src)), src...)
	n := 0
	for _, a := range src {
		if a.ValidTo != nil {
			n++
		}
	}
	if n == 0 {
		return dst
	}
	times := make([]time.Time, 0, n)
	for i := range dst {
		if v := dst[i].ValidTo; v != nil {
			times = append(times, *v)
			dst[i].ValidTo = &times[len(times)-1]
		}
	}
	return dst
}

// cloneLines deep-copies a non-nil list of order lines.
func cloneLines(src []OrderLine) []OrderLine {
	dst := append(make([]OrderLine, 0, len(src)), src...)
	ids, params := 0, 0
	for _, l := range src {
		if l.ProductID != nil {
			ids++
		}
		if l.OptionSetID != nil {
			ids++
		}
		params += len(l.Parameters)
	}
	var idBuf []int
	if ids > 0 {
		idBuf = make([]int, 0, ids)
	}
	var paramBuf []Parameter
	if params > 0 {
		paramBuf = make([]Parameter, 0, params)
	}
	for i := range dst {
		l := &dst[i]
		if l.ProductID != nil {
			idBuf = append(idBuf, *l.ProductID)
			l.ProductID = &idBuf[len(idBuf)-1]
		}
		if l.OptionSetID != nil {
			idBuf = append(idBuf, *l.OptionSetID)
			l.OptionSetID = &idBuf[len(idBuf)-1]
		}
		switch {
		case l.Parameters == nil:
		case len(l.Parameters) == 0:
			l.Parameters = []Parameter{} // empty, not nil, sharing nothing
		default:
			start := len(paramBuf)
			paramBuf = append(paramBuf, l.Parameters...)
			// A full slice expression: appending to one line's parameters
			// must not overwrite the next line's.
			l.Parameters = paramBuf[start:len(paramBuf):len(paramBuf)]
		}
	}
	return dst
}
