package upgatestest

import (
	"encoding/json"
	"time"
)

// Dataset is the content of a fake shop. Its JSON tags are the Upgates
// field names, and Order, OrderCustomer, Line, Shipment and Payment are
// served as they are (nullable fields are pointers). Statuses, accounts,
// products, invoices and history are turned into the Upgates wire shapes
// when served.
//
// New copies the Dataset it is given; change a running fake through its
// API (PUT /orders, POST history) or its inspection methods.
type Dataset struct {
	// Login and Key are the API credentials the fake accepts; empty means
	// DemoLogin and DemoKey.
	Login string `json:"login"`
	Key   string `json:"key"`
	// AdminURL is the shop administration root, used for admin_url.
	AdminURL  string                    `json:"admin_url"`
	Statuses  []Status                  `json:"statuses"`
	Orders    []Order                   `json:"orders"`
	Customers []Account                 `json:"customers"`
	Products  []Product                 `json:"products"`
	Invoices  []Invoice                 `json:"invoices"`
	History   map[string][]HistoryEntry `json:"history"`
}

// Clone returns a deep copy of d.
func (d *Dataset) Clone() *Dataset {
	b, err := json.Marshal(d)
	if err != nil {
		panic("upgatestest: dataset does not marshal: " + err.Error())
	}
	var c Dataset
	if err := json.Unmarshal(b, &c); err != nil {
		panic("upgatestest: dataset does not unmarshal: " + err.Error())
	}
	return &c
}

// Status is an order status. EmailTemplate says whether switching an order
// to it sends the customer an e-mail (the real API does not expose this).
type Status struct {
	ID            int               `json:"id"`
	Type          string            `json:"type"`
	Color         string            `json:"color"`
	Names         map[string]string `json:"names"` // language -> name
	MarkPaid      bool              `json:"mark_paid_yn"`
	MarkResolved  bool              `json:"mark_resolved_yn"`
	EmailTemplate bool              `json:"email_template"`
	// Created is the creation time of the status.
	Created time.Time `json:"created"`
}

// Order is an order in the Upgates wire shape (UPGATES-API.md §4.3). The
// fake keeps Status equal to the name of StatusID in the order's language.
type Order struct {
	OrderNumber           string        `json:"order_number"`
	OrderID               int           `json:"order_id"`
	CaseNumber            *string       `json:"case_number"`
	ExternalOrderNumber   *string       `json:"external_order_number"`
	UUID                  string        `json:"uuid"`
	LanguageID            string        `json:"language_id"`
	CurrencyID            string        `json:"currency_id"`
	DefaultCurrencyRate   float64       `json:"default_currency_rate"`
	PricesWithVAT         bool          `json:"prices_with_vat_yn"`
	StatusID              *int          `json:"status_id"`
	Status                *string       `json:"status"`
	PaidDate              *string       `json:"paid_date"`
	TrackingCode          *string       `json:"tracking_code"`
	TrackingURL           *string       `json:"tracking_url"`
	Statistics            bool          `json:"statistics_yn"`
	Resolved              bool          `json:"resolved_yn"`
	OSS                   bool          `json:"oss_yn"`
	InternalNote          *string       `json:"internal_note"`
	LastUpdateTime        string        `json:"last_update_time"`
	CreationTime          string        `json:"creation_time"`
	VariableSymbol        string        `json:"variable_symbol"`
	Dimensions            Dimensions    `json:"dimensions"`
	TotalWeight           int           `json:"total_weight"`
	OrderTotal            float64       `json:"order_total"`
	OrderTotalBeforeRound float64       `json:"order_total_before_round"`
	OrderTotalRest        float64       `json:"order_total_rest"`
	InvoiceNumber         *string       `json:"invoice_number"`
	Origin                string        `json:"origin"`
	AdminURL              string        `json:"admin_url"`
	Customer              OrderCustomer `json:"customer"`
	Products              []Line        `json:"products"`
	DiscountVoucher       any           `json:"discount_voucher"`
	QuantityDiscount      any           `json:"quantity_discount"`
	LoyaltyPoints         any           `json:"loyalty_points"`
	Shipment              Shipment      `json:"shipment"`
	Payment               Payment       `json:"payment"`
	Attachments           []any         `json:"attachments"`
	Metas                 []Meta        `json:"metas"`
}

// Dimensions of a parcel in cm; nil when unknown.
type Dimensions struct {
	Width  *int `json:"width"`
	Length *int `json:"length"`
	Height *int `json:"height"`
}

// Meta is a custom order field.
type Meta struct {
	Key   string `json:"key"`
	Type  string `json:"type"`
	Value string `json:"value"`
}

// OrderCustomer is the customer snapshot of an order.
type OrderCustomer struct {
	Email               *string     `json:"email"`
	Phone               *string     `json:"phone"`
	Code                *string     `json:"code"`
	CustomerID          *int        `json:"customer_id"`
	CustomerPricelistID *int        `json:"customer_pricelist_id"`
	PricelistName       *string     `json:"pricelist_name"`
	PricelistPercent    *float64    `json:"pricelist_percent"`
	FirstnameInvoice    *string     `json:"firstname_invoice"`
	SurnameInvoice      *string     `json:"surname_invoice"`
	StreetInvoice       *string     `json:"street_invoice"`
	CityInvoice         *string     `json:"city_invoice"`
	StateInvoice        *string     `json:"state_invoice"`
	ZipInvoice          *string     `json:"zip_invoice"`
	CountryIDInvoice    *string     `json:"country_id_invoice"`
	Postal              bool        `json:"postal_yn"`
	FirstnamePostal     *string     `json:"firstname_postal"`
	SurnamePostal       *string     `json:"surname_postal"`
	StreetPostal        *string     `json:"street_postal"`
	CityPostal          *string     `json:"city_postal"`
	StatePostal         *string     `json:"state_postal"`
	ZipPostal           *string     `json:"zip_postal"`
	CountryIDPostal     *string     `json:"country_id_postal"`
	CompanyPostal       *string     `json:"company_postal"`
	CompanyYN           bool        `json:"company_yn"`
	Company             *string     `json:"company"`
	ICO                 *string     `json:"ico"`
	DIC                 *string     `json:"dic"`
	VATPayer            bool        `json:"vat_payer_yn"`
	CustomerNote        *string     `json:"customer_note"`
	Agreements          []Agreement `json:"agreements"`
}

// Agreement is a consent given with an order.
type Agreement struct {
	Name    string  `json:"name"`
	ValidTo *string `json:"valid_to"`
	Status  bool    `json:"status"`
}

// Line is an order line.
type Line struct {
	ProductID              *int        `json:"product_id"`
	OptionSetID            *int        `json:"option_set_id"`
	Type                   string      `json:"type"`
	UUID                   string      `json:"uuid"`
	ParentUUID             *string     `json:"parent_uuid"`
	Code                   string      `json:"code"`
	CodeSupplier           *string     `json:"code_supplier"`
	Supplier               *string     `json:"supplier"`
	EAN                    *string     `json:"ean"`
	Title                  string      `json:"title"`
	Adult                  bool        `json:"adult_yn"`
	Unit                   string      `json:"unit"`
	Length                 *float64    `json:"length"`
	LengthUnit             string      `json:"length_unit"`
	Quantity               float64     `json:"quantity"`
	PricePerUnit           float64     `json:"price_per_unit"`
	PricePerUnitWithVAT    float64     `json:"price_per_unit_with_vat"`
	PricePerUnitWithoutVAT float64     `json:"price_per_unit_without_vat"`
	Price                  float64     `json:"price"`
	PriceWithVAT           float64     `json:"price_with_vat"`
	PriceWithoutVAT        float64     `json:"price_without_vat"`
	VAT                    float64     `json:"vat"`
	BuyPrice               *float64    `json:"buy_price"`
	RecyclingFee           *float64    `json:"recycling_fee"`
	Weight                 int         `json:"weight"`
	Availability           *string     `json:"availability"`
	StockPosition          *string     `json:"stock_position"`
	InvoiceInfo            string      `json:"invoice_info"`
	Parameters             []Parameter `json:"parameters"`
	Configurations         []any       `json:"configurations"`
	Categories             []Category  `json:"categories"`
	ImageURL               *string     `json:"image_url"`
}

// Parameter is a name/value pair.
type Parameter struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Category is a product category reference of a line.
type Category struct {
	CategoryID int     `json:"category_id"`
	Code       *string `json:"code"`
}

// Shipment is an order's shipping method.
type Shipment struct {
	ID               *int    `json:"id"`
	Code             *string `json:"code"`
	Name             string  `json:"name"`
	Price            float64 `json:"price"`
	PriceWithVAT     float64 `json:"price_with_vat"`
	PriceWithoutVAT  float64 `json:"price_without_vat"`
	VAT              float64 `json:"vat"`
	AffiliateID      *string `json:"affiliate_id"`
	AffiliateName    *string `json:"affiliate_name"`
	Type             string  `json:"type"`
	PacketaCarrierID int     `json:"packeta_carrier_id"`
}

// Payment is an order's payment method.
type Payment struct {
	ID              *int    `json:"id"`
	Code            *string `json:"code"`
	Name            string  `json:"name"`
	Price           float64 `json:"price"`
	PriceWithVAT    float64 `json:"price_with_vat"`
	PriceWithoutVAT float64 `json:"price_without_vat"`
	VAT             float64 `json:"vat"`
	EET             bool    `json:"eet_yn"`
	Type            string  `json:"type"`
}

// Account is a customer account (GET /customers).
type Account struct {
	CustomerID int    `json:"customer_id"`
	Type       string `json:"type"` // contact, customer, company
	Firstname  string `json:"firstname"`
	Surname    string `json:"surname"`
	Code       string `json:"code"`
	Language   string `json:"language"`
	// Email is the login e-mail; "" for an account without one.
	Email      string    `json:"email"`
	Phone      string    `json:"phone"`
	Active     bool      `json:"active_yn"`
	Blocked    bool      `json:"blocked_yn"`
	Newsletter bool      `json:"newsletter_yn"`
	Street     string    `json:"street"`
	City       string    `json:"city"`
	Zip        string    `json:"zip"`
	CountryID  string    `json:"country_id"`
	Created    time.Time `json:"created"`
}

// Product is a catalogue product; Manufacturer nil means none set.
type Product struct {
	ProductID    int     `json:"product_id"`
	Code         string  `json:"code"`
	Title        string  `json:"title"`
	Manufacturer *string `json:"manufacturer"`
	Price        float64 `json:"price"`
}

// Invoice is an issued invoice of an order. Its PDF is generated.
type Invoice struct {
	InvoiceNumber   string  `json:"invoice_number"`
	OrderNumber     string  `json:"order_number"`
	Type            string  `json:"type"` // invoice, creditNote, receipt
	DateOfIssuance  string  `json:"date_of_issuance"`
	DateOfExpiry    string  `json:"date_of_expiration"`
	CreationTime    string  `json:"creation_time"`
	VariableSymbol  string  `json:"variable_symbol"`
	Paid            bool    `json:"paid_yn"`
	PaidDate        *string `json:"paid_date"`
	CurrencyID      string  `json:"currency_id"`
	LanguageID      string  `json:"language_id"`
	TotalWithVAT    float64 `json:"total_with_vat"`
	TotalWithoutVAT float64 `json:"total_without_vat"`
}

// HistoryEntry is one order history event.
type HistoryEntry struct {
	Event        string      `json:"event"`
	UserName     string      `json:"user_name"`
	Changes      []Change    `json:"changes"`
	Admin        bool        `json:"admin_yn"`
	Origin       string      `json:"origin"`
	Data         []Parameter `json:"data"`
	CreationTime string      `json:"creation_time"`
}

// Change is one changed field of a history event.
type Change struct {
	Name   string `json:"name"`
	Before string `json:"before"`
	After  string `json:"after"`
}
