package upgatestest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// pageSize is the fixed Upgates page size.
const pageSize = 100

// maxItems is the most items a PUT/POST may carry (413 beyond).
const maxItems = 100

// route dispatches an authenticated, permitted request.
func (f *Fake) route(w http.ResponseWriter, r *http.Request, method string, segs []string, body []byte) {
	q := r.URL.Query()
	allow := func(methods ...string) bool {
		if slices.Contains(methods, method) {
			return true
		}
		w.Header().Set("Allow", strings.Join(methods, ", "))
		f.writeError(w, http.StatusMethodNotAllowed, "Unsupported method "+method+".")
		return false
	}
	params := func(names ...string) bool {
		for k := range q {
			if !slices.Contains(names, k) {
				f.writeError(w, http.StatusBadRequest, "Unknown parameter "+k+".")
				return false
			}
		}
		return true
	}
	switch {
	case len(segs) == 1 && segs[0] == "status":
		if allow(http.MethodGet) && params() {
			f.getStatus(w)
		}
	case len(segs) == 1 && segs[0] == "orders":
		if !allow(http.MethodGet, http.MethodPut) {
			return
		}
		if method == http.MethodPut {
			if params() {
				f.putOrders(w, body)
			}
			return
		}
		if params("order_numbers", "creation_time_from", "creation_time_to", "last_update_time_from",
			"paid_yn", "status", "status_id", "status_ids", "language", "email", "phone",
			"external_order_number", "payment_type", "shipment_type", "page", "order_by", "order_dir",
			"delivered_yn", "deleted_yn") {
			f.listOrders(w, q, "")
		}
	case len(segs) == 2 && segs[0] == "orders":
		if allow(http.MethodGet) && params() {
			f.listOrders(w, q, segs[1])
		}
	case len(segs) == 3 && segs[0] == "orders" && segs[2] == "pdf":
		if allow(http.MethodGet) && params() {
			f.orderPDF(w, segs[1])
		}
	case len(segs) == 3 && segs[0] == "orders" && segs[2] == "history":
		if !allow(http.MethodGet, http.MethodPost) || !params() {
			return
		}
		if method == http.MethodGet {
			f.getHistory(w, segs[1])
		} else {
			f.postHistory(w, segs[1], body)
		}
	case segs[0] == "order-statuses" && len(segs) <= 2:
		if allow(http.MethodGet) && params("type") {
			id := ""
			if len(segs) == 2 {
				id = segs[1]
			}
			f.listStatuses(w, q.Get("type"), id)
		}
	case len(segs) == 1 && segs[0] == "customers":
		if allow(http.MethodGet) && params("customer_id", "ids", "email", "phone", "code", "active_yn",
			"blocked_yn", "language", "page", "creation_time_from", "last_update_time_from") {
			f.listCustomers(w, q)
		}
	case segs[0] == "products" && len(segs) <= 2:
		if allow(http.MethodGet) && params("product_ids", "codes", "language", "page") {
			code := ""
			if len(segs) == 2 {
				code = segs[1]
			}
			f.listProducts(w, q, code)
		}
	case segs[0] == "invoices" && len(segs) <= 2:
		if allow(http.MethodGet) && params("invoice_numbers", "creation_time_from", "creation_time_to",
			"last_update_time_from", "paid_yn", "type", "page") {
			n := ""
			if len(segs) == 2 {
				n = segs[1]
			}
			f.listInvoices(w, q, n)
		}
	case len(segs) == 3 && segs[0] == "invoices" && segs[2] == "pdf":
		if allow(http.MethodGet) && params() {
			f.invoicePDF(w, segs[1])
		}
	default:
		f.writeError(w, http.StatusNotFound, "Wrong URL of the request.")
	}
}

// page cuts items to the requested page and writes the envelope.
func writePage[T any](f *Fake, w http.ResponseWriter, q url.Values, key string, items []T) {
	p := 1
	if s := q.Get("page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			f.writeError(w, http.StatusBadRequest, "Invalid page.")
			return
		}
		p = n
	}
	pages := (len(items) + pageSize - 1) / pageSize
	lo := min((p-1)*pageSize, len(items))
	hi := min(lo+pageSize, len(items))
	out := items[lo:hi]
	if out == nil {
		out = []T{}
	}
	f.writeJSON(w, http.StatusOK, map[string]any{
		"current_page":       p,
		"current_page_items": len(out),
		"number_of_pages":    pages,
		"number_of_items":    len(items),
		key:                  out,
	})
}

// parseBoolParam parses a bool query value: 1/0/true/false.
func parseBoolParam(s string) (bool, bool) {
	switch strings.ToLower(s) {
	case "1", "true":
		return true, true
	case "0", "false":
		return false, true
	}
	return false, false
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ";") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func digits(s string) string { return onlyDigits(s) }

func (f *Fake) getStatus(w http.ResponseWriter) {
	f.mu.Lock()
	perms := make([]map[string]string, 0, len(permEndpoints))
	for _, e := range permEndpoints {
		perms = append(perms, map[string]string{"endpoint": e, "privilege": f.perms[e]})
	}
	login := f.login
	f.mu.Unlock()
	f.writeJSON(w, http.StatusOK, map[string]any{"api_user": login, "permissions": perms})
}

// listOrders serves GET /orders and GET /orders/{number}.
func (f *Fake) listOrders(w http.ResponseWriter, q url.Values, number string) {
	f.mu.Lock()
	var out []Order
	var bad string
	if number != "" {
		if o := f.findOrder(number); o != nil {
			out = append(out, *o)
		}
		if out == nil && f.notFound404 {
			f.mu.Unlock()
			f.writeError(w, http.StatusNotFound, "Order not found.")
			return
		}
	} else {
		out, bad = f.filterOrders(q)
	}
	out = cloneJSON(out)
	f.mu.Unlock()
	if bad != "" {
		f.writeError(w, http.StatusBadRequest, bad)
		return
	}
	writePage(f, w, q, "orders", out)
}

// filterOrders applies the list filters. Call with f.mu held.
func (f *Fake) filterOrders(q url.Values) ([]Order, string) {
	var numbers, statusIDs []string
	if s := q.Get("order_numbers"); s != "" {
		numbers = splitList(s)
	}
	if s := q.Get("status_ids"); s != "" {
		statusIDs = splitList(s)
	}
	if s := q.Get("status_id"); s != "" {
		statusIDs = append(statusIDs, s)
	}
	for _, id := range statusIDs {
		if _, err := strconv.Atoi(id); err != nil {
			return nil, "Invalid status_id."
		}
	}
	var paid *bool
	if s := q.Get("paid_yn"); s != "" {
		v, ok := parseBoolParam(s)
		if !ok {
			return nil, "Invalid paid_yn."
		}
		paid = &v
	}
	var from, to, updatedFrom time.Time
	for _, p := range []struct {
		key string
		t   *time.Time
	}{{"creation_time_from", &from}, {"creation_time_to", &to}, {"last_update_time_from", &updatedFrom}} {
		if s := q.Get(p.key); s != "" {
			t, err := time.Parse(time.RFC3339, s)
			if err != nil {
				return nil, "Invalid " + p.key + ": use ISO 8601 with an offset."
			}
			*p.t = t
		}
	}
	orderBy, dir := q.Get("order_by"), q.Get("order_dir")
	if orderBy != "" && orderBy != "creation_time" && orderBy != "last_update_time" {
		return nil, "Invalid order_by."
	}
	if dir != "" && dir != "asc" && dir != "desc" {
		return nil, "Invalid order_dir."
	}
	email := strings.TrimSpace(q.Get("email"))
	phone := q.Get("phone")
	if phone != "" && digits(phone) != phone {
		return nil, "Invalid phone: use the MSISDN format (digits only)."
	}
	var out []Order
	for _, o := range f.data.Orders {
		if numbers != nil && !slices.ContainsFunc(numbers, func(n string) bool { return strings.EqualFold(n, o.OrderNumber) }) {
			continue
		}
		if statusIDs != nil && (o.StatusID == nil || !slices.Contains(statusIDs, strconv.Itoa(*o.StatusID))) {
			continue
		}
		if q.Has("status") {
			name := q.Get("status")
			if (name == "" && o.Status != nil) || (name != "" && (o.Status == nil || !strings.EqualFold(*o.Status, name))) {
				continue
			}
		}
		if paid != nil && (o.PaidDate != nil) != *paid {
			continue
		}
		if email != "" && (o.Customer.Email == nil || !strings.EqualFold(*o.Customer.Email, email)) {
			continue
		}
		if phone != "" && (o.Customer.Phone == nil || digits(*o.Customer.Phone) != phone) {
			continue
		}
		if s := q.Get("language"); s != "" && o.LanguageID != s {
			continue
		}
		if s := q.Get("payment_type"); s != "" && o.Payment.Type != s {
			continue
		}
		if s := q.Get("shipment_type"); s != "" && o.Shipment.Type != s {
			continue
		}
		if s := q.Get("external_order_number"); s != "" && (o.ExternalOrderNumber == nil || *o.ExternalOrderNumber != s) {
			continue
		}
		created, _ := time.Parse(time.RFC3339, o.CreationTime)
		updated, _ := time.Parse(time.RFC3339, o.LastUpdateTime)
		if !from.IsZero() && created.Before(from) || !to.IsZero() && created.After(to) ||
			!updatedFrom.IsZero() && updated.Before(updatedFrom) {
			continue
		}
		out = append(out, o)
	}
	if orderBy != "" {
		key := func(o Order) string {
			s := o.CreationTime
			if orderBy == "last_update_time" {
				s = o.LastUpdateTime
			}
			t, _ := time.Parse(time.RFC3339, s)
			return t.UTC().Format(time.RFC3339)
		}
		slices.SortStableFunc(out, func(a, b Order) int {
			c := strings.Compare(key(a), key(b))
			if dir == "desc" {
				return -c
			}
			return c
		})
	}
	return out, ""
}

// findOrder returns the order or nil; numbers match case-insensitively,
// as in the shop's database. Call with f.mu held.
func (f *Fake) findOrder(number string) *Order {
	for i := range f.data.Orders {
		if strings.EqualFold(f.data.Orders[i].OrderNumber, number) {
			return &f.data.Orders[i]
		}
	}
	return nil
}

// findStatus returns the status with that id or nil. Call with f.mu held.
func (f *Fake) findStatus(id int) *Status {
	for i := range f.data.Statuses {
		if f.data.Statuses[i].ID == id {
			return &f.data.Statuses[i]
		}
	}
	return nil
}

// decodeObject decodes a request body that must be one JSON object.
func decodeObject(body []byte) (map[string]json.RawMessage, bool) {
	b := bytes.TrimSpace(body)
	if len(b) == 0 || b[0] != '{' {
		return nil, false
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, false
	}
	return m, true
}

// jsonBool decodes true/false, 1/0 or "1"/"0"; a missing key gives def.
func jsonBool(m map[string]json.RawMessage, key string, def bool) (bool, bool) {
	raw, ok := m[key]
	if !ok {
		return def, true
	}
	switch strings.Trim(string(bytes.TrimSpace(raw)), `"`) {
	case "true", "1":
		return true, true
	case "false", "0":
		return false, true
	}
	return false, false
}

// putOrders serves PUT /orders: partial updates, flags, outbox.
func (f *Fake) putOrders(w http.ResponseWriter, body []byte) {
	m, ok := decodeObject(body)
	if !ok {
		f.writeError(w, http.StatusBadRequest, "The body must be a JSON object.")
		return
	}
	sendEmails, ok1 := jsonBool(m, "send_emails_yn", true)
	_, ok2 := jsonBool(m, "send_sms_yn", true)
	deleteMissing, ok3 := jsonBool(m, "delete_missing_products_yn", false)
	if !ok1 || !ok2 || !ok3 {
		f.writeError(w, http.StatusBadRequest, "Invalid boolean flag.")
		return
	}
	var items []map[string]json.RawMessage
	if err := json.Unmarshal(m["orders"], &items); err != nil || items == nil {
		f.writeError(w, http.StatusBadRequest, "orders must be an array of order objects.")
		return
	}
	if len(items) > maxItems {
		f.writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("At most %d orders per request.", maxItems))
		return
	}
	type result struct {
		OrderNumber string         `json:"order_number"`
		OrderURL    string         `json:"order_url"`
		Updated     bool           `json:"updated_yn"`
		Messages    []errorMessage `json:"messages"`
	}
	f.mu.Lock()
	results := make([]result, 0, len(items))
	for _, it := range items {
		var number string
		_ = json.Unmarshal(it["order_number"], &number)
		res := result{OrderNumber: number, OrderURL: "", Messages: []errorMessage{}}
		if err := f.applyUpdate(number, it, sendEmails, deleteMissing); err != "" {
			res.Messages = append(res.Messages, errMsg(err))
		} else {
			res.Updated = true
			res.OrderURL = strings.TrimSuffix(f.data.AdminURL, "/") + "/api/v2/orders/" + url.PathEscape(number)
		}
		results = append(results, res)
	}
	f.mu.Unlock()
	f.writeJSON(w, http.StatusOK, map[string]any{"orders": results, "messages": []any{}})
}

// applyUpdate applies one order item; it returns "" or why it failed.
// Nothing is changed when it fails. Call with f.mu held.
func (f *Fake) applyUpdate(number string, it map[string]json.RawMessage, sendEmails, deleteMissing bool) string {
	if number == "" {
		return "order_number is required."
	}
	cur := f.findOrder(number)
	if cur == nil {
		return fmt.Sprintf("Order %s does not exist.", number)
	}
	o := cloneJSON(*cur)
	now := f.now()
	oldStatus := 0
	if o.StatusID != nil {
		oldStatus = *o.StatusID
	}
	newStatus := oldStatus
	if raw, ok := it["status_id"]; ok {
		var id int
		if err := json.Unmarshal(raw, &id); err != nil || f.findStatus(id) == nil {
			return fmt.Sprintf("Order status %s does not exist.", bytes.TrimSpace(raw))
		}
		newStatus = id
	}
	if raw, ok := it["status"]; ok {
		var name string
		if err := json.Unmarshal(raw, &name); err != nil {
			return "status must be a status name."
		}
		id := f.statusByName(name)
		if id == 0 {
			return fmt.Sprintf("Order status %q does not exist.", name)
		}
		if _, both := it["status_id"]; both && id != newStatus {
			return "status and status_id name different statuses."
		}
		newStatus = id
	}
	for key, raw := range it {
		switch key {
		case "order_number":
		case "status_id", "status":
			// Resolved together below.
		case "internal_note", "tracking_code", "external_order_number", "variable_symbol":
			var s *string
			if err := json.Unmarshal(raw, &s); err != nil {
				return key + " must be a string."
			}
			switch key {
			case "internal_note":
				o.InternalNote = s
			case "tracking_code":
				o.TrackingCode = s
			case "external_order_number":
				o.ExternalOrderNumber = s
			case "variable_symbol":
				if s != nil {
					o.VariableSymbol = *s
				}
			}
		case "paid_date":
			var s *string
			if err := json.Unmarshal(raw, &s); err != nil {
				return "paid_date must be a date."
			}
			if s == nil || *s == "" {
				o.PaidDate = nil
			} else if _, err := time.Parse(time.DateOnly, (*s)[:min(len(*s), 10)]); err != nil {
				return "paid_date must be a date."
			} else {
				o.PaidDate = s
			}
		case "resolved_yn", "statistics_yn":
			v, ok := jsonBool(it, key, false)
			if !ok {
				return key + " must be a boolean."
			}
			if key == "resolved_yn" {
				o.Resolved = v
			} else {
				o.Statistics = v
			}
		case "products":
			if msg := applyProducts(&o, raw, deleteMissing); msg != "" {
				return msg
			}
		default:
			return fmt.Sprintf("Property %s is not supported by this fake.", key)
		}
	}
	if newStatus != oldStatus {
		st := f.findStatus(newStatus)
		o.StatusID = &st.ID
		o.Status = ptr(f.data.statusName(st.ID, o.LanguageID))
		if st.MarkPaid && o.PaidDate == nil {
			o.PaidDate = ptr(now.In(cet).Format(time.DateOnly))
		}
		if st.MarkResolved {
			o.Resolved = true
		}
		f.data.History[o.OrderNumber] = append(f.data.History[o.OrderNumber], HistoryEntry{
			Event: "Změna stavu objednávky", UserName: "API", Origin: "api",
			Changes:      []Change{{Name: "status", Before: f.data.statusName(oldStatus, "cs"), After: f.data.statusName(newStatus, "cs")}},
			Data:         []Parameter{},
			CreationTime: now.In(cet).Format(time.RFC3339),
		})
		if st.EmailTemplate && sendEmails && o.Customer.Email != nil && *o.Customer.Email != "" {
			if len(f.outbox) >= MaxRecorded {
				f.outbox = append(f.outbox[:0], f.outbox[len(f.outbox)-MaxRecorded/2:]...)
			}
			f.outbox = append(f.outbox, statusEmail(o, *st, now))
		}
	}
	o.LastUpdateTime = now.In(cet).Format(time.RFC3339)
	*cur = o
	return ""
}

// statusByName resolves a status name in any language (case-insensitive);
// 0 when none matches. Call with f.mu held.
func (f *Fake) statusByName(name string) int {
	name = strings.TrimSpace(name)
	for _, s := range f.data.Statuses {
		for _, n := range s.Names {
			if strings.EqualFold(n, name) {
				return s.ID
			}
		}
	}
	return 0
}

// statusEmail is the e-mail a status template would send.
func statusEmail(o Order, st Status, now time.Time) Email {
	name := st.Names[o.LanguageID]
	if name == "" {
		name = st.Names["cs"]
	}
	first := ""
	if o.Customer.FirstnameInvoice != nil {
		first = *o.Customer.FirstnameInvoice
	}
	subject := fmt.Sprintf("Objednávka %s: %s", o.OrderNumber, name)
	body := fmt.Sprintf("Dobrý den %s,\nstav Vaší objednávky %s se změnil na „%s“.\nHorský sklad", first, o.OrderNumber, name)
	if o.LanguageID == "en" {
		subject = fmt.Sprintf("Order %s: %s", o.OrderNumber, name)
		body = fmt.Sprintf("Hello %s,\nthe status of your order %s is now \"%s\".\nHorský sklad", first, o.OrderNumber, name)
	}
	return Email{To: *o.Customer.Email, OrderNumber: o.OrderNumber, StatusID: st.ID, StatusName: name, Subject: subject, Body: body, At: now}
}

// applyProducts updates order lines: a line with a known uuid is changed,
// one without uuid is added (price_per_unit required), and with
// deleteMissing the lines not sent are removed.
func applyProducts(o *Order, raw json.RawMessage, deleteMissing bool) string {
	var lines []map[string]json.RawMessage
	if err := json.Unmarshal(raw, &lines); err != nil {
		return "products must be an array of objects."
	}
	if len(lines) > maxItems {
		return fmt.Sprintf("At most %d products per order.", maxItems)
	}
	kept := map[string]bool{}
	for i, l := range lines {
		var uuid, title, code string
		var qty, price, vat *float64
		_ = json.Unmarshal(l["uuid"], &uuid)
		_ = json.Unmarshal(l["title"], &title)
		_ = json.Unmarshal(l["code"], &code)
		for k, dst := range map[string]**float64{"quantity": &qty, "price_per_unit": &price, "vat": &vat} {
			if r, ok := l[k]; ok {
				var v float64
				if err := json.Unmarshal(r, &v); err != nil {
					return "products." + k + " must be a number."
				}
				*dst = &v
			}
		}
		var line *Line
		for j := range o.Products {
			if uuid != "" && o.Products[j].UUID == uuid {
				line = &o.Products[j]
			}
		}
		if line == nil {
			if uuid != "" {
				return fmt.Sprintf("Order line %s does not exist.", uuid)
			}
			if price == nil {
				return "price_per_unit is required for a new line."
			}
			o.Products = append(o.Products, Line{
				Type: "product", UUID: fmt.Sprintf("new-%s-%d-%d", o.OrderNumber, len(o.Products), i),
				Unit: "ks", LengthUnit: "ks", Quantity: 1, VAT: 21,
				Parameters: []Parameter{}, Configurations: []any{}, Categories: []Category{},
			})
			line = &o.Products[len(o.Products)-1]
		}
		if title != "" {
			line.Title = title
		}
		if code != "" {
			line.Code = code
		}
		if qty != nil {
			line.Quantity = *qty
		}
		if vat != nil {
			line.VAT = *vat
		}
		if price != nil {
			line.PricePerUnit, line.PricePerUnitWithVAT = *price, *price
			line.PricePerUnitWithoutVAT = round2(*price / (1 + line.VAT/100))
		}
		line.Price = round2(line.PricePerUnit * line.Quantity)
		line.PriceWithVAT = line.Price
		line.PriceWithoutVAT = round2(line.PricePerUnitWithoutVAT * line.Quantity)
		kept[line.UUID] = true
	}
	if deleteMissing {
		o.Products = slices.DeleteFunc(o.Products, func(l Line) bool { return !kept[l.UUID] })
	}
	total := o.Shipment.PriceWithVAT + o.Payment.PriceWithVAT
	for _, l := range o.Products {
		total += l.PriceWithVAT
	}
	o.OrderTotalBeforeRound = round2(total)
	o.OrderTotal = round2(total)
	if o.CurrencyID == "CZK" {
		o.OrderTotal = float64(int64(total + 0.5))
	}
	o.OrderTotalRest = round2(o.OrderTotal - o.OrderTotalBeforeRound)
	return ""
}

// getHistory serves GET /orders/{n}/history.
func (f *Fake) getHistory(w http.ResponseWriter, number string) {
	f.mu.Lock()
	o := f.findOrder(number)
	var h []HistoryEntry
	if o != nil {
		h = cloneJSON(f.data.History[o.OrderNumber])
	}
	f.mu.Unlock()
	if o == nil {
		f.writeError(w, http.StatusNotFound, "Order not found.")
		return
	}
	if h == nil {
		h = []HistoryEntry{}
	}
	f.writeJSON(w, http.StatusOK, map[string]any{"number_of_items": len(h), "history": h})
}

var htmlTag = regexp.MustCompile(`<[^>]*>`)

// cleanText strips HTML tags and cuts to n characters.
func cleanText(s string, n int) string {
	s = strings.TrimSpace(htmlTag.ReplaceAllString(s, ""))
	if utf8.RuneCountInString(s) > n {
		s = string([]rune(s)[:n])
	}
	return s
}

// postHistory serves POST /orders/{n}/history: one entry per request.
func (f *Fake) postHistory(w http.ResponseWriter, number string, body []byte) {
	m, ok := decodeObject(body)
	if !ok {
		f.writeError(w, http.StatusBadRequest, "The body must be a JSON object.")
		return
	}
	var data []struct {
		Name  *string `json:"name"`
		Value *string `json:"value"`
	}
	if err := json.Unmarshal(m["data"], &data); err != nil || len(data) == 0 {
		f.writeError(w, http.StatusBadRequest, "data must be a non-empty array of {name, value}.")
		return
	}
	if len(data) > maxItems {
		f.writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("At most %d items per request.", maxItems))
		return
	}
	entry := HistoryEntry{Event: "Záznam z API", UserName: "API", Origin: "api", Changes: []Change{}}
	for _, d := range data {
		if d.Name == nil || d.Value == nil {
			f.writeError(w, http.StatusBadRequest, "Every data item needs name and value.")
			return
		}
		entry.Data = append(entry.Data, Parameter{Name: cleanText(*d.Name, 50), Value: cleanText(*d.Value, 500)})
	}
	f.mu.Lock()
	o := f.findOrder(number)
	if o == nil {
		f.mu.Unlock()
		f.writeError(w, http.StatusNotFound, "Order not found.")
		return
	}
	entry.CreationTime = f.now().In(cet).Format(time.RFC3339)
	f.data.History[o.OrderNumber] = append(f.data.History[o.OrderNumber], entry)
	f.mu.Unlock()
	f.writeJSON(w, http.StatusOK, map[string]any{"updated": true, "messages": []any{}})
}

// listStatuses serves GET /order-statuses[/{id}][?type=].
func (f *Fake) listStatuses(w http.ResponseWriter, typ, id string) {
	type desc struct {
		LanguageID string `json:"language_id"`
		Name       string `json:"name"`
	}
	type wire struct {
		ID             int    `json:"id"`
		Type           string `json:"type"`
		Color          string `json:"color"`
		Descriptions   []desc `json:"descriptions"`
		MarkResolvedYN bool   `json:"mark_resolved_yn"`
		MarkPaidYN     bool   `json:"mark_paid_yn"`
		LastUpdateTime string `json:"last_update_time"`
		CreationTime   string `json:"creation_time"`
	}
	f.mu.Lock()
	out := []wire{}
	for _, s := range f.data.Statuses {
		if typ != "" && s.Type != typ || id != "" && strconv.Itoa(s.ID) != id {
			continue
		}
		ws := wire{ID: s.ID, Type: s.Type, Color: s.Color, MarkResolvedYN: s.MarkResolved, MarkPaidYN: s.MarkPaid}
		created := s.Created
		if created.IsZero() {
			created = time.Date(2023, 9, 1, 10, 0, 0, 0, cet)
		}
		ws.CreationTime = created.In(cet).Format(time.RFC3339)
		ws.LastUpdateTime = ws.CreationTime
		langs := make([]string, 0, len(s.Names))
		for l := range s.Names {
			langs = append(langs, l)
		}
		slices.Sort(langs)
		for _, l := range langs {
			ws.Descriptions = append(ws.Descriptions, desc{LanguageID: l, Name: s.Names[l]})
		}
		out = append(out, ws)
	}
	f.mu.Unlock()
	if id != "" && len(out) == 0 {
		f.writeError(w, http.StatusNotFound, "Order status not found.")
		return
	}
	f.writeJSON(w, http.StatusOK, map[string]any{"order_statuses": out})
}

// listCustomers serves GET /customers with its filters.
func (f *Fake) listCustomers(w http.ResponseWriter, q url.Values) {
	type wire struct {
		CustomerID    int               `json:"customer_id"`
		Type          string            `json:"type"`
		Degree        *string           `json:"degree"`
		Firstname     string            `json:"firstname"`
		Surname       string            `json:"surname"`
		Nickname      *string           `json:"nickname"`
		Code          string            `json:"code"`
		Language      string            `json:"language"`
		NewsletterYN  bool              `json:"newsletter_yn"`
		Pricelist     string            `json:"pricelist"`
		Company       map[string]any    `json:"company"`
		Communication map[string]any    `json:"communication"`
		Login         map[string]any    `json:"login"`
		Groups        map[string]string `json:"groups"`
		Note          *string           `json:"note"`
		Addresses     map[string]any    `json:"addresses"`
		Metas         []any             `json:"metas"`
		CreationTime  string            `json:"creation_time"`
		LastUpdate    string            `json:"last_update_time"`
		AdminURL      string            `json:"admin_url"`
	}
	var ids []string
	if s := q.Get("ids"); s != "" {
		ids = splitList(s)
	}
	if s := q.Get("customer_id"); s != "" {
		ids = append(ids, s)
	}
	for _, id := range ids {
		if _, err := strconv.Atoi(id); err != nil {
			f.writeError(w, http.StatusBadRequest, "Invalid customer id.")
			return
		}
	}
	f.mu.Lock()
	out := []wire{}
	for _, a := range f.data.Customers {
		if ids != nil && !slices.Contains(ids, strconv.Itoa(a.CustomerID)) {
			continue
		}
		if s := q.Get("email"); s != "" && !strings.EqualFold(a.Email, strings.TrimSpace(s)) {
			continue
		}
		if s := q.Get("phone"); s != "" && digits(a.Phone) != digits(s) {
			continue
		}
		if s := q.Get("code"); s != "" && a.Code != s {
			continue
		}
		if s := q.Get("language"); s != "" && a.Language != s {
			continue
		}
		if s := q.Get("active_yn"); s != "" {
			if v, ok := parseBoolParam(s); !ok || v != a.Active {
				continue
			}
		}
		if s := q.Get("blocked_yn"); s != "" {
			if v, ok := parseBoolParam(s); !ok || v != a.Blocked {
				continue
			}
		}
		var email any
		if a.Email != "" {
			email = a.Email
		}
		created := a.Created.In(cet).Format(time.RFC3339)
		out = append(out, wire{
			CustomerID: a.CustomerID, Type: a.Type, Firstname: a.Firstname, Surname: a.Surname,
			Code: a.Code, Language: a.Language, NewsletterYN: a.Newsletter, Pricelist: "Výchozí",
			Company:       map[string]any{"name": nil, "company_number": nil, "vat_number": nil, "vat_payer_yn": false},
			Communication: map[string]any{"phone": a.Phone, "fax": nil, "im": nil, "salutation": nil, "declension": nil},
			Login:         map[string]any{"active_yn": a.Active, "blocked_yn": a.Blocked, "email": email},
			Groups:        map[string]string{},
			Addresses: map[string]any{
				"billing": map[string]any{"street": a.Street, "city": a.City, "state": nil, "zip_code": a.Zip, "country_id": a.CountryID},
				"postal":  []any{},
			},
			Metas:        []any{},
			CreationTime: created, LastUpdate: created,
			AdminURL: fmt.Sprintf("%s/customers/edit/%d", f.data.AdminURL, a.CustomerID),
		})
	}
	f.mu.Unlock()
	writePage(f, w, q, "customers", out)
}

// listProducts serves GET /products[?product_ids=|codes=] and
// /products/{code}.
func (f *Fake) listProducts(w http.ResponseWriter, q url.Values, code string) {
	type desc struct {
		LanguageID string `json:"language_id"`
		Title      string `json:"title"`
	}
	type wire struct {
		ProductID    int     `json:"product_id"`
		Code         string  `json:"code"`
		CodeSupplier *string `json:"code_supplier"`
		EAN          *string `json:"ean"`
		Manufacturer *string `json:"manufacturer"`
		Descriptions []desc  `json:"descriptions"`
	}
	var ids, codes []string
	if s := q.Get("product_ids"); s != "" {
		ids = splitList(s)
		for _, id := range ids {
			if _, err := strconv.Atoi(id); err != nil {
				f.writeError(w, http.StatusBadRequest, "Invalid product_ids.")
				return
			}
		}
	}
	if s := q.Get("codes"); s != "" {
		codes = splitList(s)
	}
	if code != "" {
		codes = []string{code}
	}
	f.mu.Lock()
	out := []wire{}
	for _, p := range f.data.Products {
		if ids != nil && !slices.Contains(ids, strconv.Itoa(p.ProductID)) || codes != nil && !slices.Contains(codes, p.Code) {
			continue
		}
		out = append(out, wire{ProductID: p.ProductID, Code: p.Code, Manufacturer: p.Manufacturer,
			Descriptions: []desc{{LanguageID: "cs", Title: p.Title}}})
	}
	f.mu.Unlock()
	if code != "" && len(out) == 0 {
		f.writeError(w, http.StatusNotFound, "Product not found.")
		return
	}
	writePage(f, w, q, "products", out)
}

// wireInvoice builds the API shape of an invoice. Call with f.mu held.
func (f *Fake) wireInvoice(inv Invoice) map[string]any {
	o := f.findOrder(inv.OrderNumber)
	items := []map[string]any{}
	customer := map[string]any{}
	total, without := inv.TotalWithVAT, inv.TotalWithoutVAT
	if o != nil {
		c := o.Customer
		name := strings.TrimSpace(deref(c.FirstnameInvoice) + " " + deref(c.SurnameInvoice))
		customer = map[string]any{"email": c.Email, "phone": c.Phone, "name": name, "street": c.StreetInvoice,
			"city": c.CityInvoice, "zip": c.ZipInvoice, "country_id": c.CountryIDInvoice, "company_yn": c.CompanyYN,
			"ico": c.ICO, "dic": c.DIC}
		if total == 0 {
			total = o.OrderTotal
			without = 0
			for _, l := range o.Products {
				without += l.PriceWithoutVAT
			}
			without = round2(without + o.Shipment.PriceWithoutVAT + o.Payment.PriceWithoutVAT)
		}
		for _, l := range o.Products {
			items = append(items, map[string]any{"code": l.Code, "name": l.Title, "description": nil,
				"quantity": l.Quantity, "unit": l.Unit, "vat": l.VAT,
				"price_per_unit_with_vat": l.PricePerUnitWithVAT, "price_per_unit_without_vat": l.PricePerUnitWithoutVAT,
				"price_with_vat": l.PriceWithVAT, "price_without_vat": l.PriceWithoutVAT, "recycling_fee": nil, "type": "product"})
		}
	}
	return map[string]any{
		"invoice_number": inv.InvoiceNumber, "related_invoice_number": nil, "type": inv.Type,
		"order_number": inv.OrderNumber, "external_order_number": nil, "case_number": "B" + inv.OrderNumber,
		"language_id": inv.LanguageID, "currency_id": inv.CurrencyID,
		"date_of_issuance": inv.DateOfIssuance, "date_of_vat_revenue_recognition": inv.DateOfIssuance,
		"date_of_expiration": inv.DateOfExpiry, "creation_time": inv.CreationTime,
		"variable_symbol": inv.VariableSymbol, "specific_symbol": nil, "payment": "",
		"paid_yn": inv.Paid, "paid_date": inv.PaidDate, "oss_yn": false, "oss_country_id": nil,
		"total_rest": 0, "total_with_vat": total, "total_without_vat": without, "note": "",
		"invoice_pdf_url": fmt.Sprintf("%s/invoices/pdf/%s", f.data.AdminURL, url.PathEscape(inv.InvoiceNumber)),
		"supplier": map[string]any{"name": "Horský sklad s.r.o.", "street": "Sokolovská 352/215", "city": "Praha 9",
			"zip": "19000", "country_id": "cz", "ico": "08512347", "dic": "CZ08512347"},
		"customer": customer, "items": items,
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// listInvoices serves GET /invoices and /invoices/{n}.
func (f *Fake) listInvoices(w http.ResponseWriter, q url.Values, number string) {
	var numbers []string
	if s := q.Get("invoice_numbers"); s != "" {
		numbers = splitList(s)
	}
	if number != "" {
		numbers = []string{number}
	}
	var paid *bool
	if s := q.Get("paid_yn"); s != "" {
		v, ok := parseBoolParam(s)
		if !ok {
			f.writeError(w, http.StatusBadRequest, "Invalid paid_yn.")
			return
		}
		paid = &v
	}
	f.mu.Lock()
	out := []map[string]any{}
	for _, inv := range f.data.Invoices {
		if numbers != nil && !slices.ContainsFunc(numbers, func(n string) bool { return strings.EqualFold(n, inv.InvoiceNumber) }) {
			continue
		}
		if t := q.Get("type"); t != "" && inv.Type != t {
			continue
		}
		if paid != nil && inv.Paid != *paid {
			continue
		}
		out = append(out, f.wireInvoice(inv))
	}
	nf404 := f.notFound404
	f.mu.Unlock()
	if number != "" && len(out) == 0 && nf404 {
		f.writeError(w, http.StatusNotFound, "Invoice not found.")
		return
	}
	writePage(f, w, q, "invoices", out)
}

// invoicePDF serves GET /invoices/{n}/pdf.
func (f *Fake) invoicePDF(w http.ResponseWriter, number string) {
	f.mu.Lock()
	var inv *Invoice
	for i := range f.data.Invoices {
		if strings.EqualFold(f.data.Invoices[i].InvoiceNumber, number) {
			inv = &f.data.Invoices[i]
		}
	}
	var doc []byte
	if inv != nil {
		wi := f.wireInvoice(*inv)
		lines := []string{
			"Faktura - danovy doklad " + inv.InvoiceNumber,
			"Horsky sklad s.r.o., ICO 08512347",
			"Objednavka: " + inv.OrderNumber,
			"Datum vystaveni: " + inv.DateOfIssuance,
			"Variabilni symbol: " + inv.VariableSymbol,
		}
		if c, ok := wi["customer"].(map[string]any); ok {
			if n, ok := c["name"].(string); ok {
				lines = append(lines, "Odberatel: "+n)
			}
		}
		lines = append(lines, fmt.Sprintf("Celkem k uhrade: %.2f %s", wi["total_with_vat"], inv.CurrencyID))
		doc = pdfDocument("Faktura "+inv.InvoiceNumber, lines)
	}
	nf404 := f.notFound404
	f.mu.Unlock()
	if doc == nil {
		if nf404 {
			f.writeError(w, http.StatusNotFound, "Invoice not found.")
		} else {
			writePage(f, w, url.Values{}, "invoices", []any{})
		}
		return
	}
	writePDF(w, "faktura-"+number+".pdf", doc)
}

// orderPDF serves GET /orders/{n}/pdf (the order document, not an invoice).
func (f *Fake) orderPDF(w http.ResponseWriter, number string) {
	f.mu.Lock()
	o := f.findOrder(number)
	var doc []byte
	if o != nil {
		lines := []string{"Objednavka " + o.OrderNumber, "Vytvoreno: " + o.CreationTime}
		for _, l := range o.Products {
			lines = append(lines, fmt.Sprintf("%g x %s: %.2f %s", l.Quantity, l.Title, l.PriceWithVAT, o.CurrencyID))
		}
		lines = append(lines, fmt.Sprintf("Celkem: %.2f %s", o.OrderTotal, o.CurrencyID))
		doc = pdfDocument("Objednavka "+o.OrderNumber, lines)
	}
	f.mu.Unlock()
	if doc == nil {
		f.writeError(w, http.StatusNotFound, "Order not found.")
		return
	}
	writePDF(w, "objednavka-"+number+".pdf", doc)
}

func writePDF(w http.ResponseWriter, name string, doc []byte) {
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(len(doc)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(doc)
}
