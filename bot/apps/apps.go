package apps

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/samoobsluha/samoobsluha/dialog"
	"github.com/samoobsluha/samoobsluha/upgates"
)

// Options configures Apps. Zero values are documented per field; only
// PublicURL and Secret are required.
type Options struct {
	// PublicURL is the externally reachable base of this server, e.g.
	// "https://bot.example.cz"; invoice links are PublicURL+"/invoice/"+token.
	// Required, absolute http or https.
	PublicURL string
	// Secret is the HMAC key that signs invoice tokens. Required, at least
	// 16 bytes. Every instance serving one bot must share it.
	Secret []byte
	// InvoiceTTL is how long an invoice link stays valid. Zero means 15
	// minutes.
	InvoiceTTL time.Duration
	// Region is the ISO 3166 region used to read phone numbers written
	// without a country code. Empty means "CZ".
	Region string
	// CancelStatus is the status cancel_order sets: an id, a name in any
	// language, or "type:Canceled" (the first status of that type). Empty
	// means "type:Canceled".
	CancelStatus string
	// Cancellable decides whether cancel_order may cancel an order and is
	// reported as the "cancellable" field. Nil means the default rule: the
	// order has no tracking code (not shipped), its status type is neither
	// Sent nor Canceled, and it is not already in CancelStatus. The default
	// rule reads the shop's status list (cached by the client for minutes);
	// a custom func replaces the whole rule and sees only the order.
	Cancellable func(o *upgates.Order) bool
	// NoteSender names the author of internal-note lines the apps write,
	// as "[NoteSender YYYY-MM-DD HH:MM] text". Empty means "samoobsluha".
	NoteSender string
	// Cache, when set, holds invoice PDFs fetched by order_documents until
	// their link expires, so the download costs no second shop call and can
	// be served by any instance sharing the cache (session.NewRedisCache).
	// Nil means an in-process cache bounded to 32 MiB.
	Cache upgates.Cache
	// Now is the clock for token expiry and note time stamps. Nil means
	// time.Now.
	Now func() time.Time
}

// Apps runs the seed's actions (and a few more) for one bot against one
// shop. It is safe for concurrent use and holds no goroutines.
type Apps struct {
	shop   *upgates.Client
	bot    string
	public string
	opts   Options
	pdfs   upgates.Cache
}

// New returns the apps of bot (its id binds invoice tokens) working on
// shop. It reports an error when shop is nil, bot is empty, PublicURL is
// not an absolute http(s) URL or Secret is shorter than 16 bytes.
func New(shop *upgates.Client, bot string, opts Options) (*Apps, error) {
	if shop == nil {
		return nil, errors.New("apps: shop client is nil")
	}
	if bot == "" {
		return nil, errors.New("apps: bot id is empty")
	}
	u, err := url.Parse(opts.PublicURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("apps: PublicURL %q is not an absolute http(s) URL", opts.PublicURL)
	}
	if len(opts.Secret) < 16 {
		return nil, errors.New("apps: Secret must be at least 16 bytes")
	}
	opts.Secret = append([]byte(nil), opts.Secret...)
	if opts.InvoiceTTL <= 0 {
		opts.InvoiceTTL = 15 * time.Minute
	}
	if opts.Region == "" {
		opts.Region = "CZ"
	}
	opts.Region = strings.ToUpper(opts.Region)
	if opts.CancelStatus == "" {
		opts.CancelStatus = "type:Canceled"
	}
	if opts.NoteSender == "" {
		opts.NoteSender = "samoobsluha"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	a := &Apps{
		shop:   shop,
		bot:    bot,
		public: strings.TrimRight(opts.PublicURL, "/"),
		opts:   opts,
		pdfs:   opts.Cache,
	}
	if a.pdfs == nil {
		a.pdfs = newMemCache(32<<20, opts.Now)
	}
	return a, nil
}

// Call is one action to run: the app name and its parameters, already
// rendered by the dialog engine.
type Call struct {
	App    string
	Params map[string]string
	// Verified reports whether the customer proved, earlier in this
	// session, that they own an order (a previous Result.Verified). Nil
	// means no order is verified.
	Verified func(order string) bool
	// Lang is the conversation's language ("cs", "en"): status names come
	// in it when the shop has them. "" keeps the order's own language.
	Lang string
}

// Result is what running a Call produced.
type Result struct {
	// Outcome is the app box's exit: yes, no, or error (a technical
	// failure: the shop answered 5xx, 429 beyond the retry budget, its
	// quota is spent, or the deadline passed). An error is never a "no".
	Outcome dialog.Outcome
	// Value is stored in the result variable: a map[string]any of
	// JSON-friendly values (string, float64, bool, []any, map[string]any)
	// on yes with fields, true on yes without fields, false otherwise.
	Value any
	// Err is the technical error behind OutcomeError, for the log only; it
	// never reaches the customer. It carries no secrets and no personal
	// data beyond order and invoice numbers. It is also set on a yes that
	// reports a failure inside its fields (order_documents with invoice
	// "error").
	Err error
	// VerifyFailed reports a failed verification (unknown order or a
	// mismatching e-mail/phone); bot counts these for brute-force lockout.
	VerifyFailed bool
	// Verified is the order number this call proved the customer owns ("" if
	// none), as the shop spells it.
	Verified string
	// Write reports that the call sent a change to the shop (status, note).
	// It is set as soon as the request was sent, even when its answer was
	// lost, so bot never repeats the call blindly.
	Write bool
}

// yes, no and fail build the three kinds of Result.
func yes(v any) Result { return Result{Outcome: dialog.OutcomeYes, Value: v} }

func no() Result { return Result{Outcome: dialog.OutcomeNo, Value: false} }

func fail(err error) Result { return Result{Outcome: dialog.OutcomeError, Value: false, Err: err} }

// app is one entry of the catalogue.
type app struct {
	spec dialog.AppSpec
	run  func(a *Apps, ctx context.Context, c Call) Result
}

// catalogue lists every app. It is a read-only lookup table.
var catalogue = map[string]app{
	"verify_order": {
		spec: dialog.AppSpec{Name: "verify_order", Params: []string{"order"}, Required: []string{"order"},
			Fields: orderFieldNames, Reveals: true},
		run: (*Apps).verifyOrder,
	},
	"order_detail": {
		spec: dialog.AppSpec{Name: "order_detail", Params: []string{"order", "email"}, Required: []string{"order"},
			Fields: detailFieldNames, Reveals: true, Verifies: true},
		run: (*Apps).orderDetail,
	},
	"customer_email": {
		spec: dialog.AppSpec{Name: "customer_email", Params: []string{"order"}, Required: []string{"order"},
			Fields: []string{"email"}, Reveals: true},
		run: (*Apps).customerEmail,
	},
	"change_status": {
		spec: dialog.AppSpec{Name: "change_status", Params: []string{"order", "status", "send_email"},
			Required: []string{"order", "status", "send_email"}},
		run: (*Apps).changeStatus,
	},
	"verify_email": {
		spec: dialog.AppSpec{Name: "verify_email", Params: []string{"order", "email"}, Required: []string{"order", "email"},
			Verifies: true},
		run: (*Apps).verifyEmail,
	},
	"verify_phone": {
		spec: dialog.AppSpec{Name: "verify_phone", Params: []string{"order", "phone"}, Required: []string{"order", "phone"},
			Verifies: true},
		run: (*Apps).verifyPhone,
	},
	"append_note": {
		spec: dialog.AppSpec{Name: "append_note", Params: []string{"order", "text"}, Required: []string{"order", "text"}},
		run:  (*Apps).appendNote,
	},
	"overwrite_note": {
		spec: dialog.AppSpec{Name: "overwrite_note", Params: []string{"order", "text"}, Required: []string{"order", "text"}},
		run:  (*Apps).overwriteNote,
	},
	"order_documents": {
		spec: dialog.AppSpec{Name: "order_documents", Params: []string{"order", "email"}, Required: []string{"order"},
			Fields: []string{"invoice", "invoiceurl", "invoicenumber"}, Reveals: true, Verifies: true},
		run: (*Apps).orderDocuments,
	},
	"customer_orders": {
		spec: dialog.AppSpec{Name: "customer_orders", Params: []string{"customer_id", "order"},
			Fields: []string{"count", "orders"}, Reveals: true},
		run: (*Apps).customerOrders,
	},
	"cancel_order": {
		spec: dialog.AppSpec{Name: "cancel_order", Params: []string{"order", "send_email"},
			Required: []string{"order", "send_email"}},
		run: (*Apps).cancelOrder,
	},
}

// Catalog describes every app: its name, parameters, required parameters,
// result fields, and whether it reveals order details or verifies the
// customer. Lint checks scenarios against it. Sorted by name; the caller
// may modify the result.
func Catalog() []dialog.AppSpec {
	out := make([]dialog.AppSpec, 0, len(catalogue))
	for _, ap := range catalogue {
		s := ap.spec
		s.Params = append([]string(nil), s.Params...)
		s.Required = append([]string(nil), s.Required...)
		s.Fields = append([]string(nil), s.Fields...)
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Run runs one app. An unknown app, an unknown parameter or a missing
// required parameter is a scenario bug: OutcomeError with an Err saying
// which. A blank order, email or phone (the customer gave nothing) is a
// plain no and calls nothing. Run never panics on bad input and is safe
// for concurrent use.
func (a *Apps) Run(ctx context.Context, c Call) Result {
	ap, ok := catalogue[c.App]
	if !ok {
		return fail(fmt.Errorf("unknown app %q", c.App))
	}
	for name := range c.Params {
		if !contains(ap.spec.Params, name) {
			return fail(fmt.Errorf("app %s: unknown parameter %q", c.App, name))
		}
	}
	for _, name := range ap.spec.Required {
		if _, ok := c.Params[name]; !ok {
			return fail(fmt.Errorf("app %s: missing parameter %q", c.App, name))
		}
	}
	if err := ctx.Err(); err != nil {
		return fail(fmt.Errorf("app %s: %w", c.App, err))
	}
	r := ap.run(a, ctx, c)
	if r.Err != nil {
		r.Err = fmt.Errorf("app %s: %w", c.App, r.Err)
	}
	return r
}

// verified reports whether c says order was verified in this session.
func (c Call) verified(order string) bool { return c.Verified != nil && c.Verified(order) }
