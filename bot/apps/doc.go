// Package apps runs the actions ("apps") that scenarios call in their app
// boxes: the functions of MessageOk's "Upgates Hlasová samoobsluha" (the
// seed; their names, parameters and result fields are a contract with
// scenario authors) plus verify_phone and cancel_order. Each action is one
// or a few calls through an *upgates.Client.
//
// It does not talk HTTP itself, keep sessions, count failed verifications
// or log: bot does that with the Result it gets. It imports upgates, dialog
// (only for dialog.AppSpec and dialog.Outcome) and nyaruka/phonenumbers.
//
// # Lifecycle and concurrency
//
// New builds one *Apps per bot (the bot id binds invoice links to it).
// Apps is immutable after New, holds no goroutines, and all its methods are
// safe for concurrent use. Every call takes the caller's ctx; the shop
// client bounds each request and limits requests in flight per shop.
//
// # Results
//
// Run returns a Result whose Outcome is the app box's exit:
//
//   - yes (Ano): Value is a map[string]any of the fields below, or true for
//     apps without fields. Values are JSON-friendly: strings, float64
//     numbers (amounts like 1230.5), bools, []any and map[string]any; dates
//     are "YYYY-MM-DD" strings ("" when absent).
//   - no (Ne): Value is false. The order does not exist, the e-mail or
//     phone does not match, or the shop refused the change.
//   - error: Value is false and Err says why (for the log). The shop did not
//     answer properly: 5xx, 429 beyond the retry budget, a spent quota, a
//     timeout; or the scenario is wrong (unknown app or parameter, a missing
//     required parameter, an unknown status). A technical failure is never
//     reported as no.
//
// VerifyFailed is set when an unknown order or a mismatching e-mail/phone
// was tried, so bot can lock out guessing; Verified names the order the call
// proved the customer owns; Write says a change was sent to the shop.
//
// A blank order, email, phone or customer_id (the customer gave nothing)
// gives no and calls nothing; a blank note text or a send_email other than
// "true"/"false" is a scenario error.
//
// # Candidates (voice)
//
// The order, email and phone parameters may hold several candidates
// separated by "\n", best first, as the voice recogniser produces them: up
// to 3 order numbers, 5 e-mails and 3 phones are considered.
// Order candidates are tried in order (each is one cached read); an e-mail
// or phone matches when any candidate matches exactly after normalisation.
// There is no near-miss matching. Candidates beyond the caps are ignored.
//
// Order numbers are normalised by removing white space and a leading "#"
// and upper-casing letters. E-mails are compared trimmed and
// case-insensitively; an order without e-mail never verifies. Phones are
// normalised to E.164 (Options.Region for numbers without a country code,
// "CZ" by default); an invalid number never matches.
//
// # Privacy
//
// Details beyond the seed's verify_order fields need the customer to prove
// ownership: order_detail and order_documents take the order and the
// e-mail, which must match; with a blank email they accept an order this
// session already verified (Call.Verified), e.g. by verify_phone. Writes
// (change_status, cancel_order, append_note, overwrite_note) act only on an
// order this session has verified; for any other order they answer no
// without calling the shop, so knowing an order number is never enough to
// change it. customer_orders with order likewise needs that order verified.
//
// # The apps
//
// verify_order (order) checks that the order exists. It needs no e-mail,
// so its fields are the seed's plus extras that reveal nothing personal.
// Yes fields:
//
//	status        status name in the order's language, e.g. "Přijatá"
//	billing       payment method name, e.g. "Bankovní převod"
//	shipping      shipping method name, e.g. "PPL"
//	paid          bool: the order is paid
//	topay         number: order total including VAT, e.g. 1230.5
//	currency      "CZK", "EUR"...
//	tracking      tracking (parcel) number, "" before shipping
//	number        the order number as the shop spells it
//	statusid      number: the status id
//	statustype    the status type: "Received", "Sent", "Canceled",
//	              "PaymentSuccessful", "Custom"... ("" if unknown)
//	trackingurl   the carrier's tracking page, "" if none
//	carrier       shipment type: "ppl", "zasilkovna", "ceskaPosta", "dpd"...
//	date          creation date, "YYYY-MM-DD"
//	paiddate      payment date, "YYYY-MM-DD", "" when unpaid
//	cancellable   bool: cancel_order would cancel it (see Options.Cancellable)
//	banktransfer  bool: paid by bank transfer (payment type "command"), so a
//	              QR payment can be shown while unpaid
//
// No: unknown order (VerifyFailed).
//
// order_detail (order, email) loads the details for the order's owner.
// Yes fields: all of verify_order's, plus:
//
//	url           the order in the shop's administration (for staff; keep it
//	              in a $ variable)
//	phone         the customer's phone as stored with the order
//	items         list of order lines, each {name, brand, code, quantity,
//	              price}; brand is the product's manufacturer ("" if none),
//	              price the line total including VAT
//	vs            variable symbol (payment reference)
//	invoicenumber the invoice number, "" before one is issued
//
// No: unknown order or e-mail mismatch (VerifyFailed). Verified on yes.
// Cost: one order read, one products read for brands (cached for hours);
// the shop's status list (cached for minutes) gives statustype and
// cancellable.
//
// customer_email (order) returns {email}: the order's customer e-mail.
// It reveals personal data to whoever knows an order number: store the
// result only in a $ variable (e.g. "$zakaznik"), which never leaves the
// server, and use it for comparisons. No: unknown order (VerifyFailed) or an
// order without e-mail.
//
// change_status (order, status, send_email) sets the order's status. status
// is a status id, a name in any of the shop's languages (case-insensitive)
// or "type:<Type>" (the first status of that type, e.g. "type:Canceled").
// send_email must be given explicitly as "true" or "false": whether the
// shop sends the customer the status's e-mail. Yes (true) when changed, or
// when the order already has that status (then nothing is sent). No: the
// order is not verified in this session, or the shop refused. An unknown
// status is an error.
//
// verify_email (order, email) returns true when the order exists and its
// e-mail matches. No: unknown order or mismatch (VerifyFailed). Verified on
// yes.
//
// verify_phone (order, phone) returns true when the order's phone and the
// given one (e.g. the caller's {{$caller}}) are the same number in E.164.
// No: unknown order or mismatch (VerifyFailed); a blank or invalid phone is
// a plain no. Verified on yes.
//
// append_note (order, text) adds a line "[samoobsluha YYYY-MM-DD HH:MM]
// text" to the order's internal note, keeping the old note: it reads the
// order fresh (past the cache) and writes old + "\n" + line. Returns true.
// No: the order is not verified in this session or the shop refused.
//
// overwrite_note (order, text) replaces the internal note with the line
// "[samoobsluha YYYY-MM-DD HH:MM] text". Returns true. No as append_note.
//
// order_documents (order, email) gives the owner a link to the invoice.
// Yes fields:
//
//	invoice       "found", "notfound" (no invoice issued yet) or "error"
//	              (the shop did not give the PDF; Err says why)
//	invoiceurl    our own link PublicURL + "/invoice/" + token, valid for
//	              Options.InvoiceTTL (15 minutes); "" unless found. Never
//	              the shop's URL and never its credentials.
//	invoicenumber the invoice number, "" if none
//
// No: unknown order or e-mail mismatch (VerifyFailed). Verified on yes. The
// PDF is read once here and kept in Options.Cache until the link expires;
// OpenInvoice serves it.
//
// customer_orders (customer_id or order) lists the customer's orders. With
// order (preferred) the customer is the owner of that order, which must be
// verified in this session; with customer_id (a host-page value for a
// logged-in customer) it is that account, and since the browser can send
// any id, the list is given only when it holds an order verified in this
// session. Orders are found by the customer's e-mail. Yes fields:
//
//	count         number of the customer's orders
//	orders        the most recent ten, newest first, each {orderid, date
//	              ("YYYY-MM-DD"), price (number), currency, status}
//
// No: no usable parameter, unknown customer, an order without e-mail, or a
// customer_id whose orders include none verified in this session.
//
// cancel_order (order, send_email) cancels the order: it sets
// Options.CancelStatus ("type:Canceled" by default) when the order is
// cancellable, reading the order fresh first. Returns true. No: the order
// is not verified in this session, not cancellable (already shipped or
// cancelled), or the shop refused. The scenario records the reason itself
// with append_note.
//
// # Invoice links
//
// An invoice token is base64url(JSON{order, invoice, expiry}) + "." +
// base64url(HMAC-SHA256(Secret, bot id + payload)). The payload is
// readable but holds no personal data. OpenInvoice checks the MAC in
// constant time (a forged token, or one from another bot, is
// ErrTokenInvalid) and then the expiry (ErrTokenExpired).
package apps
