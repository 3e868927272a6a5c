package upgatestest

import (
	"fmt"
	"math"
	"time"
)

// Demo credentials of the demo shop (not secrets: the fake accepts them,
// nothing else does).
const (
	DemoLogin = "demo-samoobsluha"
	DemoKey   = "demo-key-5e3f9a1c7b"
)

// DemoAdminURL is the demo shop's administration root.
const DemoAdminURL = "https://horsky-sklad.admin.s1.upgates.com"

// Hint describes one demo order for a README or the demo page.
type Hint struct {
	OrderNumber string
	// Email is the customer e-mail that verifies the order ("" when the
	// order has none).
	Email   string
	Phone   string
	Summary string
}

// cet is the shop's offset in November (Europe/Prague winter time); a
// fixed zone keeps the fake independent of the system time zone database.
var cet = time.FixedZone("CET", 3600)

// Demo status ids: deliberately not 1, 2, 3 so code cannot hard-code them.
const (
	stReceived   = 11
	stProcessing = 12
	stAwaitPay   = 13
	stPaid       = 14
	stAwaitStock = 15
	stReady      = 16
	stSent       = 17
	stDelivered  = 18
	stCanceled   = 19
)

func ptr[T any](v T) *T { return &v }

// ts formats a shop timestamp, e.g. "2026-11-20T09:15:02+01:00".
func ts(day, hour, minute int) string {
	return time.Date(2026, time.November, day, hour, minute, 7, 0, cet).Format(time.RFC3339)
}

// date formats a bare date, as paid_date is sent.
func date(day int) string {
	return time.Date(2026, time.November, day, 0, 0, 0, 0, cet).Format(time.DateOnly)
}

type person struct {
	first, last, email, phone, street, city, zip, country string
	account                                               int
}

func (p person) snapshot() OrderCustomer {
	c := OrderCustomer{
		Phone:               ptr(p.phone),
		CustomerPricelistID: ptr(1),
		PricelistName:       ptr("Výchozí"),
		FirstnameInvoice:    ptr(p.first),
		SurnameInvoice:      ptr(p.last),
		StreetInvoice:       ptr(p.street),
		CityInvoice:         ptr(p.city),
		ZipInvoice:          ptr(p.zip),
		CountryIDInvoice:    ptr(p.country),
		CustomerNote:        nil,
		Agreements: []Agreement{
			{Name: "Souhlas s obchodními podmínkami", ValidTo: nil, Status: true},
		},
	}
	if p.email != "" {
		c.Email = ptr(p.email)
	}
	if p.account != 0 {
		c.CustomerID = ptr(p.account)
		c.Code = ptr(fmt.Sprintf("C%05d", p.account))
	}
	return c
}

var (
	jana   = person{"Jana", "Nováková", "jana.novakova@seznam.cz", "+420 602 418 337", "Vinohradská 1420/88", "Praha 3", "13000", "cz", 5001}
	petr   = person{"Petr", "Svoboda", "petr.svoboda@gmail.com", "+420 605 205 964", "Masarykova 412/17", "Brno", "60200", "cz", 0}
	marie  = person{"Marie", "Dvořáková", "marie.dvorakova@email.cz", "+420 605 772 190", "Palackého 233", "Olomouc", "77900", "cz", 5006}
	tomas  = person{"Tomáš", "Černý", "tomas.cerny@centrum.cz", "+420 606 310 452", "Nádražní 1187", "Ostrava", "70200", "cz", 5002}
	lucie  = person{"Lucie", "Procházková", "lucie.prochazkova@seznam.cz", "+420 608 934 021", "Husova 56", "Plzeň", "30100", "cz", 5003}
	martin = person{"Martin", "Kučera", "martin.kucera@gmail.com", "+420 607 661 308", "Jiráskova 902", "Hradec Králové", "50002", "cz", 0}
	eva    = person{"Eva", "Veselá", "eva.vesela@email.cz", "+420 603 118 745", "Smetanova 14", "České Budějovice", "37001", "cz", 0}
	jakub  = person{"Jakub", "Marek", "jakub.marek@gmail.com", "+43 664 315 2208", "Mariahilfer Straße 45", "Wien", "1060", "at", 5004}
	jiri   = person{"Jiří", "Pokorný", "jiri.pokorny@centrum.cz", "+420 608 452 119", "Komenského 3", "Liberec", "46001", "cz", 0}
	jarosl = person{"Jaroslav", "Beneš", "", "+420 604 287 553", "Zahradní 211", "Kolín", "28002", "cz", 0}
)

// product ids of the demo catalogue.
var catalogue = []Product{
	{ProductID: 241, Code: "P00199-14", Title: "Merino ponožky Woolife", Manufacturer: ptr("Woolife"), Price: 249},
	{ProductID: 252, Code: "TER-STAN-1L", Title: "Termoska Stanley Classic 1 l", Manufacturer: ptr("Stanley"), Price: 1190},
	{ProductID: 263, Code: "CEL-PETZ-TIK", Title: "Čelovka Petzl Tikkina", Manufacturer: ptr("Petzl"), Price: 690},
	{ProductID: 274, Code: "BAT-OSP-T22", Title: "Batoh Osprey Talon 22", Manufacturer: ptr("Osprey"), Price: 3290},
	{ProductID: 285, Code: "HOL-BD-TRAIL", Title: "Trekové hole Black Diamond Trail", Manufacturer: ptr("Black Diamond"), Price: 2490},
	{ProductID: 296, Code: "HRN-SMALT-04", Title: "Smaltovaný hrnek 0,4 l", Manufacturer: nil, Price: 189},
	{ProductID: 307, Code: "KAR-COL-C300", Title: "Plynová kartuše Coleman C300", Manufacturer: ptr("Coleman"), Price: 149},
	{ProductID: 318, Code: "SPA-HUS-ARES", Title: "Spací pytel Husky Ares −10 °C", Manufacturer: ptr("Husky"), Price: 2790},
	{ProductID: 329, Code: "KAR-TAR-NEO", Title: "Nafukovací karimatka Therm-a-Rest NeoAir", Manufacturer: ptr("Therm-a-Rest"), Price: 4590},
	{ProductID: 330, Code: "BUN-HAN-SOFT", Title: "Softshellová bunda Hannah Alagna", Manufacturer: ptr("Hannah"), Price: 1890},
}

func product(id int) Product {
	for _, p := range catalogue {
		if p.ProductID == id {
			return p
		}
	}
	panic(fmt.Sprintf("upgatestest: demo product %d missing", id))
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

// line builds an order line for a catalogue product; rate converts the CZK
// price to the order currency.
func line(n int, id int, qty float64, rate float64, params ...Parameter) Line {
	p := product(id)
	unit := round2(p.Price / rate)
	without := round2(unit / 1.21)
	return Line{
		ProductID:              ptr(p.ProductID),
		Type:                   "product",
		UUID:                   fmt.Sprintf("6f1c%04d-%04d-4c2a-9e51-%012d", id, n, id*1000+n),
		Code:                   p.Code,
		Title:                  p.Title,
		Unit:                   "ks",
		LengthUnit:             "ks",
		Quantity:               qty,
		PricePerUnit:           unit,
		PricePerUnitWithVAT:    unit,
		PricePerUnitWithoutVAT: without,
		Price:                  round2(unit * qty),
		PriceWithVAT:           round2(unit * qty),
		PriceWithoutVAT:        round2(without * qty),
		VAT:                    21,
		Weight:                 300,
		Availability:           ptr("Skladem"),
		Parameters:             append([]Parameter{}, params...),
		Configurations:         []any{},
		Categories:             []Category{{CategoryID: 40 + id%7}},
		ImageURL:               ptr(fmt.Sprintf("https://horsky-sklad.s1.cdn-upgates.com/p/%d.webp", id)),
	}
}

// manualLine is a line without a catalogue product (product_id null).
func manualLine(n int, title string, typ string, price float64) Line {
	return Line{
		Type: typ, UUID: fmt.Sprintf("9a7e0000-%04d-4d1b-8c33-000000000%03d", n, n),
		Code: "", Title: title, Unit: "ks", LengthUnit: "ks", Quantity: 1,
		PricePerUnit: price, PricePerUnitWithVAT: price, PricePerUnitWithoutVAT: round2(price / 1.21),
		Price: price, PriceWithVAT: price, PriceWithoutVAT: round2(price / 1.21), VAT: 21,
		InvoiceInfo: "", Parameters: []Parameter{}, Configurations: []any{}, Categories: []Category{},
	}
}

// Shipping and payment methods of the demo shop.
func zasilkovna(point, name string, price float64) Shipment {
	return Shipment{ID: ptr(5), Code: ptr("ZAS"), Name: "Zásilkovna", Price: price, PriceWithVAT: price,
		PriceWithoutVAT: round2(price / 1.21), VAT: 21, AffiliateID: ptr(point), AffiliateName: ptr(name), Type: "zasilkovna"}
}

func shipment(id int, code, name, typ string, price float64) Shipment {
	return Shipment{ID: ptr(id), Code: ptr(code), Name: name, Price: price, PriceWithVAT: price,
		PriceWithoutVAT: round2(price / 1.21), VAT: 21, Type: typ}
}

func payment(id int, code, name, typ string, price float64) Payment {
	return Payment{ID: ptr(id), Code: ptr(code), Name: name, Price: price, PriceWithVAT: price,
		PriceWithoutVAT: round2(price / 1.21), VAT: 21, Type: typ}
}

var (
	payTransfer = payment(21, "PREVOD", "Bankovní převod", "command", 0)
	payCard     = payment(23, "COMGATE", "Platba kartou online", "comgate", 0)
	payCOD      = payment(24, "DOBIRKA", "Dobírka", "cashOnDelivery", 39)
	payCash     = payment(25, "HOTOVE", "Hotově při převzetí", "cash", 0)
	payGoPay    = payment(26, "GOPAY", "GoPay", "gopay", 0)
)

// Demo returns the demo shop "Horský sklad" (outdoor gear), a fresh copy on
// every call: 13 orders covering unpaid bank transfer, shipped with
// tracking by Zásilkovna, PPL, Česká pošta and DPD, paid not shipped,
// delivered, cancelled, awaiting stock, no invoice yet, a EUR order, a
// prefixed order number, an order without e-mail, and one account with
// several orders; nine statuses (cs and en names), five accounts, ten
// products with manufacturers, and invoices with generated PDFs.
func Demo() *Dataset {
	d := &Dataset{
		Login:    DemoLogin,
		Key:      DemoKey,
		AdminURL: DemoAdminURL,
		Statuses: []Status{
			{ID: stReceived, Type: "Received", Color: "#3498db", Names: map[string]string{"cs": "Přijatá", "en": "Received"}, EmailTemplate: true},
			{ID: stProcessing, Type: "Custom", Color: "#9b59b6", Names: map[string]string{"cs": "Vyřizuje se", "en": "Processing"}},
			{ID: stAwaitPay, Type: "Custom", Color: "#f39c12", Names: map[string]string{"cs": "Čeká na platbu", "en": "Awaiting payment"}, EmailTemplate: true},
			{ID: stPaid, Type: "PaymentSuccessful", Color: "#27ae60", Names: map[string]string{"cs": "Zaplaceno", "en": "Paid"}, MarkPaid: true, EmailTemplate: true},
			{ID: stAwaitStock, Type: "Custom", Color: "#e67e22", Names: map[string]string{"cs": "Čeká na naskladnění", "en": "Awaiting stock"}},
			{ID: stReady, Type: "Custom", Color: "#16a085", Names: map[string]string{"cs": "Připraveno k odeslání", "en": "Ready to ship"}},
			{ID: stSent, Type: "Sent", Color: "#2ecc71", Names: map[string]string{"cs": "Odesláno", "en": "Shipped"}, EmailTemplate: true},
			{ID: stDelivered, Type: "Custom", Color: "#1e8449", Names: map[string]string{"cs": "Doručeno", "en": "Delivered"}, MarkResolved: true},
			{ID: stCanceled, Type: "Canceled", Color: "#c0392b", Names: map[string]string{"cs": "Stornováno", "en": "Cancelled"}, MarkResolved: true, EmailTemplate: true},
		},
		Products: append([]Product(nil), catalogue...),
		Customers: []Account{
			{CustomerID: 5001, Type: "customer", Firstname: "Jana", Surname: "Nováková", Code: "C05001", Language: "cs", Email: jana.email, Phone: jana.phone, Active: true, Newsletter: true, Street: jana.street, City: jana.city, Zip: jana.zip, CountryID: "cz", Created: time.Date(2024, 3, 14, 18, 2, 11, 0, cet)},
			{CustomerID: 5002, Type: "customer", Firstname: "Tomáš", Surname: "Černý", Code: "C05002", Language: "cs", Email: tomas.email, Phone: tomas.phone, Active: true, Street: tomas.street, City: tomas.city, Zip: tomas.zip, CountryID: "cz", Created: time.Date(2025, 1, 9, 9, 40, 0, 0, cet)},
			{CustomerID: 5003, Type: "customer", Firstname: "Lucie", Surname: "Procházková", Code: "C05003", Language: "cs", Email: lucie.email, Phone: lucie.phone, Active: true, Street: lucie.street, City: lucie.city, Zip: lucie.zip, CountryID: "cz", Created: time.Date(2025, 6, 2, 20, 15, 0, 0, cet)},
			{CustomerID: 5004, Type: "customer", Firstname: "Jakub", Surname: "Marek", Code: "C05004", Language: "en", Email: jakub.email, Phone: jakub.phone, Active: true, Street: jakub.street, City: jakub.city, Zip: jakub.zip, CountryID: "at", Created: time.Date(2026, 2, 21, 11, 5, 0, 0, cet)},
			{CustomerID: 5005, Type: "contact", Firstname: "Karel", Surname: "Horák", Code: "C05005", Language: "cs", Email: "", Phone: "+420 607 554 810", Active: false, Street: "Lidická 8", City: "Kladno", Zip: "27201", CountryID: "cz", Created: time.Date(2026, 4, 30, 8, 0, 0, 0, cet)},
			{CustomerID: 5006, Type: "customer", Firstname: "Marie", Surname: "Dvořáková", Code: "C05006", Language: "cs", Email: marie.email, Phone: marie.phone, Active: true, Street: marie.street, City: marie.city, Zip: marie.zip, CountryID: "cz", Created: time.Date(2023, 10, 3, 7, 30, 0, 0, cet)},
		},
		History: map[string][]HistoryEntry{},
	}

	add := func(o Order, created string, hist ...HistoryEntry) {
		o.OrderID = 8000 + len(d.Orders) + 1
		o.UUID = fmt.Sprintf("967a7acf-ecd0-49dc-8bd3-%012d", o.OrderID)
		o.CaseNumber = ptr("B" + o.OrderNumber)
		o.DefaultCurrencyRate = 1
		if o.CurrencyID == "" {
			o.CurrencyID = "CZK"
		}
		if o.LanguageID == "" {
			o.LanguageID = "cs"
		}
		o.PricesWithVAT, o.Statistics = true, true
		o.CreationTime = created
		o.LastUpdateTime = created
		if len(hist) > 0 {
			o.LastUpdateTime = hist[len(hist)-1].CreationTime
		}
		o.VariableSymbol = onlyDigits(o.OrderNumber)
		if o.Origin == "" {
			o.Origin = "frontend"
		}
		o.AdminURL = d.AdminURL + "/links/orders/" + o.UUID
		o.Attachments = []any{}
		o.Metas = []Meta{{Key: "invoice_note", Type: "textarea", Value: ""}}
		total, weight := o.Shipment.PriceWithVAT+o.Payment.PriceWithVAT, 0
		for _, l := range o.Products {
			total += l.PriceWithVAT
			weight += l.Weight * int(l.Quantity)
		}
		o.TotalWeight = weight
		o.OrderTotalBeforeRound = round2(total)
		if o.CurrencyID == "CZK" {
			o.OrderTotal = math.Round(total)
		} else {
			o.OrderTotal = round2(total)
		}
		o.OrderTotalRest = round2(o.OrderTotal - o.OrderTotalBeforeRound)
		h := []HistoryEntry{{Event: "Objednávka vytvořena", UserName: "", Origin: o.Origin, Changes: []Change{}, Data: []Parameter{}, CreationTime: created}}
		d.History[o.OrderNumber] = append(h, hist...)
		d.Orders = append(d.Orders, o)
	}
	statusChange := func(when string, from, to int, user string) HistoryEntry {
		return HistoryEntry{Event: "Změna stavu objednávky", UserName: user, Admin: user != "", Origin: map[bool]string{true: "admin", false: "system"}[user != ""],
			Changes: []Change{{Name: "status", Before: d.statusName(from, "cs"), After: d.statusName(to, "cs")}}, Data: []Parameter{}, CreationTime: when}
	}
	invoice := func(o *Order, number string, day int) {
		o.InvoiceNumber = ptr(number)
		inv := Invoice{
			InvoiceNumber: number, OrderNumber: o.OrderNumber, Type: "invoice",
			DateOfIssuance: date(day), DateOfExpiry: date(day + 14), CreationTime: ts(day, 10, 5),
			VariableSymbol: o.VariableSymbol, Paid: o.PaidDate != nil, PaidDate: o.PaidDate,
			CurrencyID: o.CurrencyID, LanguageID: o.LanguageID,
		}
		d.Invoices = append(d.Invoices, inv)
	}

	// 1. Unpaid bank transfer, waiting for payment.
	add(Order{OrderNumber: "2026000101", StatusID: ptr(stAwaitPay), Customer: jana.snapshot(),
		Products: []Line{line(1, 252, 1, 1), line(2, 296, 2, 1)},
		Shipment: shipment(7, "PPL", "PPL", "ppl", 99), Payment: payTransfer},
		ts(25, 21, 14), statusChange(ts(25, 21, 15), stReceived, stAwaitPay, ""))
	// 2. Shipped by Zásilkovna, paid by card, invoiced.
	o := Order{OrderNumber: "2026000102", StatusID: ptr(stSent), Customer: jana.snapshot(),
		PaidDate: ptr(date(18)), TrackingCode: ptr("Z4081727365"), TrackingURL: ptr("https://tracking.packeta.com/cs_CZ/?id=Z4081727365"),
		Products: []Line{line(1, 263, 1, 1), line(2, 307, 3, 1)},
		Shipment: zasilkovna("548", "Z-BOX Praha 3, Vinohradská 90", 79), Payment: payCard,
		InternalNote: ptr("Zákazník prosí o pečlivé zabalení.")}
	invoice(&o, "FV2026000412", 18)
	add(o, ts(18, 8, 42), statusChange(ts(18, 8, 43), stReceived, stPaid, ""), statusChange(ts(19, 14, 20), stPaid, stSent, "Kateřina Malá"))
	// 3. Shipped by PPL, cash on delivery (unpaid until delivered).
	add(Order{OrderNumber: "2026000103", StatusID: ptr(stSent), Customer: petr.snapshot(),
		TrackingCode: ptr("40512345678"), TrackingURL: ptr("https://www.ppl.cz/vyhledat-zasilku?shipmentId=40512345678"),
		Products: []Line{line(1, 274, 1, 1, Parameter{"Barva", "Modrá"})},
		Shipment: shipment(7, "PPL", "PPL", "ppl", 99), Payment: payCOD},
		ts(23, 10, 3), statusChange(ts(24, 13, 12), stReceived, stSent, "Kateřina Malá"))
	// 4. Shipped by Česká pošta, paid, invoiced.
	o = Order{OrderNumber: "2026000104", StatusID: ptr(stSent), Customer: marie.snapshot(),
		PaidDate: ptr(date(20)), TrackingCode: ptr("DR1234567890C"), TrackingURL: ptr("https://www.postaonline.cz/trackandtrace/-/zasilka/cislo?parcelNumbers=DR1234567890C"),
		Products: []Line{line(1, 318, 1, 1), line(2, 329, 1, 1)},
		Shipment: shipment(8, "CP-BALIK", "Česká pošta – Balík Do ruky", "ceskaPosta", 129), Payment: payTransfer}
	invoice(&o, "FV2026000418", 20)
	add(o, ts(19, 19, 55), statusChange(ts(20, 9, 2), stAwaitPay, stPaid, ""), statusChange(ts(21, 11, 30), stPaid, stSent, "Kateřina Malá"))
	// 5. Shipped by DPD, paid, invoiced.
	o = Order{OrderNumber: "2026000105", StatusID: ptr(stSent), Customer: tomas.snapshot(),
		PaidDate: ptr(date(22)), TrackingCode: ptr("13965402817734"), TrackingURL: ptr("https://tracking.dpd.de/status/cs_CZ/parcel/13965402817734"),
		Products: []Line{line(1, 285, 1, 1), line(2, 241, 3, 1, Parameter{"Velikost", "42-45"})},
		Shipment: shipment(9, "DPD", "DPD", "dpd", 119), Payment: payGoPay}
	invoice(&o, "FV2026000421", 22)
	add(o, ts(22, 7, 18), statusChange(ts(22, 7, 19), stReceived, stPaid, ""), statusChange(ts(24, 15, 45), stPaid, stSent, "Ondřej Fiala"))
	// 6. Paid, not shipped yet (ready to ship), invoiced.
	o = Order{OrderNumber: "2026000106", StatusID: ptr(stReady), Customer: lucie.snapshot(),
		PaidDate: ptr(date(26)),
		Products: []Line{line(1, 330, 1, 1, Parameter{"Velikost", "M"}), line(2, 241, 2, 1, Parameter{"Velikost", "38-41"})},
		Shipment: zasilkovna("1187", "Zásilkovna Plzeň, Americká 42", 79), Payment: payCard}
	invoice(&o, "FV2026000430", 26)
	add(o, ts(26, 9, 7), statusChange(ts(26, 9, 8), stReceived, stPaid, ""), statusChange(ts(26, 16, 1), stPaid, stReady, "Ondřej Fiala"))
	// 7. Delivered long ago (Jana's first order), invoiced.
	o = Order{OrderNumber: "2026000107", StatusID: ptr(stDelivered), Resolved: true, Customer: jana.snapshot(),
		PaidDate: ptr(date(3)), TrackingCode: ptr("Z4081598211"), TrackingURL: ptr("https://tracking.packeta.com/cs_CZ/?id=Z4081598211"),
		Products: []Line{line(1, 241, 2, 1, Parameter{"Velikost", "38-41"})},
		Shipment: zasilkovna("548", "Z-BOX Praha 3, Vinohradská 90", 79), Payment: payCard}
	invoice(&o, "FV2026000377", 3)
	add(o, ts(3, 12, 30), statusChange(ts(4, 10, 0), stPaid, stSent, "Kateřina Malá"), statusChange(ts(6, 8, 12), stSent, stDelivered, ""))
	// 8. Cancelled before payment.
	add(Order{OrderNumber: "2026000108", StatusID: ptr(stCanceled), Resolved: true, Customer: martin.snapshot(),
		Products: []Line{line(1, 274, 1, 1, Parameter{"Barva", "Černá"})},
		Shipment: shipment(7, "PPL", "PPL", "ppl", 99), Payment: payTransfer,
		InternalNote: ptr("Storno na žádost zákazníka (telefonicky).")},
		ts(15, 17, 40), statusChange(ts(16, 9, 5), stAwaitPay, stCanceled, "Ondřej Fiala"))
	// 9. Paid, waiting for stock, no invoice yet; a gift line without product.
	add(Order{OrderNumber: "2026000109", StatusID: ptr(stAwaitStock), Customer: eva.snapshot(),
		PaidDate: ptr(date(24)),
		Products: []Line{line(1, 329, 1, 1), line(2, 252, 1, 1), line(3, 296, 1, 1), manualLine(4, "Dárek: nášivka Horský sklad", "gift", 0)},
		Shipment: shipment(9, "DPD", "DPD", "dpd", 119), Payment: payCard},
		ts(24, 20, 11), statusChange(ts(24, 20, 12), stReceived, stPaid, ""), statusChange(ts(25, 8, 30), stPaid, stAwaitStock, "Kateřina Malá"))
	// 10. A EUR order in English, shipped by Zásilkovna to Austria, invoiced.
	eur := 25.2
	o = Order{OrderNumber: "2026000110", StatusID: ptr(stSent), CurrencyID: "EUR", LanguageID: "en", Customer: jakub.snapshot(),
		PaidDate: ptr(date(21)), TrackingCode: ptr("Z4081733902"), TrackingURL: ptr("https://tracking.packeta.com/en/?id=Z4081733902"),
		Products: []Line{line(1, 318, 1, eur), line(2, 263, 1, eur)},
		Shipment: zasilkovna("AT-3312", "Packeta Wien Mariahilf", 5.9), Payment: payCard}
	o.Shipment.PacketaCarrierID = 80
	invoice(&o, "FV2026000425", 21)
	add(o, ts(20, 22, 48), statusChange(ts(20, 22, 49), stReceived, stPaid, ""), statusChange(ts(22, 13, 10), stPaid, stSent, "Ondřej Fiala"))
	// 11. A prefixed order number, just received, paid by card.
	add(Order{OrderNumber: "O2600117", StatusID: ptr(stReceived), Customer: jiri.snapshot(),
		PaidDate: ptr(date(27)),
		Products: []Line{line(1, 307, 4, 1), line(2, 296, 2, 1)},
		Shipment: zasilkovna("2211", "Zásilkovna Liberec, Pražská 8", 79), Payment: payCard},
		ts(27, 7, 55))
	// 12. Taken over the phone in the admin: no customer e-mail.
	add(Order{OrderNumber: "2026000112", StatusID: ptr(stProcessing), Customer: jarosl.snapshot(), Origin: "admin",
		Products: []Line{line(1, 285, 1, 1)},
		Shipment: shipment(10, "OSOBNE", "Osobní odběr – prodejna Praha", "custom", 0), Payment: payCash,
		InternalNote: ptr("Objednáno telefonicky, vyzvedne v pátek.")},
		ts(26, 14, 20), statusChange(ts(26, 14, 25), stReceived, stProcessing, "Kateřina Malá"))
	// 13. Jana's e-mail again, but placed without logging in (no account).
	guest := jana
	guest.account = 0
	add(Order{OrderNumber: "2026000113", StatusID: ptr(stReceived), Customer: guest.snapshot(),
		Products: []Line{line(1, 330, 1, 1, Parameter{"Velikost", "S"})},
		Shipment: shipment(7, "PPL", "PPL", "ppl", 99), Payment: payCOD},
		ts(27, 6, 40))

	d.fillStatusNames()
	// The builders above share pointers (catalogue, payment methods); a
	// clone gives the caller a value nobody else can change.
	return d.Clone()
}

// DemoHints describes the demo orders for people trying the demo: what each
// order number shows and the e-mail that verifies it.
func DemoHints() []Hint {
	hints := []Hint{
		{"2026000101", jana.email, jana.phone, "nezaplaceno, čeká na platbu převodem / unpaid, awaiting bank transfer"},
		{"2026000102", jana.email, jana.phone, "odesláno Zásilkovnou, zaplaceno, faktura / shipped by Zásilkovna, paid, invoice"},
		{"2026000103", petr.email, petr.phone, "odesláno PPL na dobírku / shipped by PPL, cash on delivery"},
		{"2026000104", marie.email, marie.phone, "odesláno Českou poštou, faktura / shipped by Česká pošta, invoice"},
		{"2026000105", tomas.email, tomas.phone, "odesláno DPD, zaplaceno, faktura / shipped by DPD, paid, invoice"},
		{"2026000106", lucie.email, lucie.phone, "zaplaceno, připraveno k odeslání / paid, ready to ship"},
		{"2026000107", jana.email, jana.phone, "doručeno / delivered"},
		{"2026000108", martin.email, martin.phone, "stornováno / cancelled"},
		{"2026000109", eva.email, eva.phone, "čeká na naskladnění, bez faktury / awaiting stock, no invoice yet"},
		{"2026000110", jakub.email, jakub.phone, "objednávka v EUR, odesláno / EUR order, shipped"},
		{"O2600117", jiri.email, jiri.phone, "přijatá, číslo s předponou / received, prefixed number"},
		{"2026000112", "", jarosl.phone, "bez e-mailu (telefonická objednávka) / no e-mail (phone order)"},
		{"2026000113", jana.email, jana.phone, "přijatá, dobírka, bez účtu / received, cash on delivery, guest"},
	}
	return hints
}

func onlyDigits(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b = append(b, s[i])
		}
	}
	return string(b)
}

// statusName returns the name of status id in lang (falling back to cs).
func (d *Dataset) statusName(id int, lang string) string {
	for _, s := range d.Statuses {
		if s.ID == id {
			if n := s.Names[lang]; n != "" {
				return n
			}
			return s.Names["cs"]
		}
	}
	return ""
}

// fillStatusNames sets every order's status to its status id's name in
// the order's language.
func (d *Dataset) fillStatusNames() {
	for i := range d.Orders {
		o := &d.Orders[i]
		if o.StatusID == nil {
			o.Status = nil
			continue
		}
		o.Status = ptr(d.statusName(*o.StatusID, o.LanguageID))
	}
}
