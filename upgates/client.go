package upgates

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// Defaults for the zero values of Options.
const (
	DefaultTimeout     = 10 * time.Second
	DefaultMaxInFlight = 3
	DefaultRetryBudget = 2 * time.Second
	DefaultOrderTTL    = 2 * time.Minute
	DefaultStatusTTL   = 5 * time.Minute
	DefaultBrandTTL    = 6 * time.Hour
)

// maxBody caps how much of a response is read (invoice PDFs included).
const maxBody = 32 << 20

// Bounds of the in-process memos (see memo): the decoded orders (a demo
// order's entry costs about 12 KB), the brands (an entry costs its name
// plus memoBrandOverhead) and the status list (one per client).
const (
	memoOrders        = 1024
	memoOrderBytes    = 8 << 20
	memoBrands        = 10000
	memoBrandBytes    = 2 << 20
	memoBrandOverhead = 64
)

// max429Retries caps retries of one call on 429, whatever the budget, so a
// shop answering "Retry-After: 0" forever cannot hold a caller.
const max429Retries = 3

// Limiter bounds the requests in flight to one shop. Acquire blocks until a
// slot for key is free or ctx ends (returning ctx's error, wrapped); the
// returned release frees the slot. The client calls release exactly once,
// right after the response body is read, and holds no slot while waiting
// for a Retry-After. The key is Client.ShopKey; the slot count is the
// limiter's own (Options.MaxInFlight configures only the default).
// Implementations are safe for concurrent use. Package session provides a
// Redis-backed one shared by all server instances.
type Limiter interface {
	Acquire(ctx context.Context, key string) (release func(), err error)
}

// Cache stores short-lived byte values. Get reports found false for a
// missing or expired key. Implementations are safe for concurrent use.
// Package session provides a Redis-backed one shared by all server
// instances. The client never fails a call because of a cache error: it
// falls back to asking the shop.
type Cache interface {
	Get(ctx context.Context, key string) ([]byte, bool, error)
	Set(ctx context.Context, key string, val []byte, ttl time.Duration) error
	Delete(ctx context.Context, keys ...string) error
}

// CallInfo describes one HTTP exchange with the shop, or one answer served
// from the cache (Cached true, Status 0), or one call refused locally
// because the quota is spent (Status 0, Err a *RateLimitError). It is meant
// for metrics and logs: it holds no credentials, URLs or personal data.
type CallInfo struct {
	// Method is the HTTP method.
	Method string
	// Endpoint is a low-cardinality name: "orders.get", "orders.list",
	// "orders.update", "order_statuses.list", "customers.list",
	// "products.list", "invoices.pdf", "orders.history.get",
	// "orders.history.add" or "status".
	Endpoint string
	// Status is the HTTP status, 0 when nothing was sent.
	Status   int
	Duration time.Duration
	Cached   bool
	Err      error
}

// Options are the optional settings of New. Every zero value has a
// documented default.
type Options struct {
	// HTTPClient sends the requests. Zero: a client with Timeout
	// DefaultTimeout. The client is copied: its CheckRedirect is always
	// replaced by one returning http.ErrUseLastResponse (a 301 means the
	// shop moved and is handled by the client, which keeps the method,
	// body and Authorization), and a zero Timeout becomes DefaultTimeout.
	HTTPClient *http.Client
	// Limiter bounds concurrent requests per shop. Zero: an in-process
	// limiter allowing MaxInFlight per ShopKey.
	Limiter Limiter
	// Cache holds orders, statuses and brands. Zero: an in-process cache.
	Cache Cache
	// MaxInFlight is the in-process limiter's slot count. Zero:
	// DefaultMaxInFlight (Upgates allows 3 per API-access group). Ignored
	// when Limiter is set; configure that limiter instead.
	MaxInFlight int
	// RetryBudget is the longest total wait for a 429's Retry-After within
	// one call; a longer wait fails fast with *RateLimitError. Zero:
	// DefaultRetryBudget. Negative: never wait.
	RetryBudget time.Duration
	// OrderTTL is how long Order results are cached. Zero: DefaultOrderTTL.
	// Negative: orders are not cached. The client also keeps recently read
	// orders decoded (at most 1024, and about 8 MiB with their bytes) for
	// OrderTTL, next to the bytes they came from, and uses one only when
	// the Cache returns exactly those bytes: it saves the decoding, never
	// adds staleness.
	OrderTTL time.Duration
	// StatusTTL is how long the order statuses are cached. Zero:
	// DefaultStatusTTL. Negative: not cached. The client keeps the list it
	// got (from the shop or the Cache) decoded for StatusTTL too, without
	// asking the Cache again, so with several instances sharing a Cache a
	// change in the shop shows within at most twice StatusTTL.
	StatusTTL time.Duration
	// BrandTTL is how long product manufacturers are cached. Zero:
	// DefaultBrandTTL. Negative: not cached. As with StatusTTL the client
	// keeps what it got (up to 10000 products) for BrandTTL, so a change
	// shows within at most twice BrandTTL.
	BrandTTL time.Duration
	// Now is the clock for quota windows, Retry-After and the in-process
	// cache. Zero: time.Now.
	Now func() time.Time
	// ShopKey names the shop in limiter and cache keys, so that every
	// client (and server instance) talking to one shop shares them. Zero:
	// the host of baseURL.
	ShopKey string
	// OnCall, if set, is called synchronously after every exchange (see
	// CallInfo). It must be fast and safe for concurrent use.
	OnCall func(CallInfo)
}

// Client talks to one shop's Upgates API v2. Create it with New. It is safe
// for concurrent use; it starts no goroutines and holds no resources that
// need closing (the HTTP client's idle connections belong to whoever made
// the HTTP client).
type Client struct {
	creds       Credentials
	hc          *http.Client
	limiter     Limiter
	cache       Cache
	retryBudget time.Duration
	orderTTL    time.Duration
	statusTTL   time.Duration
	brandTTL    time.Duration
	now         func() time.Time
	shopKey     string
	onCall      func(CallInfo)
	// flight merges concurrent cache misses of one shop-wide read (the
	// status list), so a burst of conversations costs one call.
	flight singleflight.Group
	// In-process memos over the cache (see Order, OrderStatuses and
	// Manufacturers for what each adds): decoded orders keyed by cache
	// key, checked against the cached bytes on every read; the decoded
	// status list; brands by product id.
	orders   *memo[string, decodedOrder]
	statuses *memo[string, []OrderStatus]
	brands   *memo[int, string]

	mu           sync.Mutex
	base         *url.URL  // current API base; changes on a 301
	blockedUntil time.Time // quota spent until then
}

// New returns a client for the shop whose API base is baseURL (as the shop
// admin shows it, e.g. https://shop.admin.s1.upgates.com/api/v2), with the
// API login and key sent as HTTP Basic credentials. A baseURL without a
// path gets "/api/v2". A baseURL that does not parse as an absolute
// http(s) URL makes every call fail with an error. New makes no call; use
// Ping to check the URL and credentials (a wrong path answers 404, which
// lookups would report as ErrNotFound).
func New(baseURL, login, apiKey string, opts Options) *Client {
	c := &Client{
		creds:       Credentials{Login: login, Key: Secret(apiKey)},
		limiter:     opts.Limiter,
		cache:       opts.Cache,
		retryBudget: opts.RetryBudget,
		orderTTL:    opts.OrderTTL,
		statusTTL:   opts.StatusTTL,
		brandTTL:    opts.BrandTTL,
		now:         opts.Now,
		shopKey:     opts.ShopKey,
		onCall:      opts.OnCall,
	}
	if c.now == nil {
		c.now = time.Now
	}
	hc := &http.Client{}
	if opts.HTTPClient != nil {
		*hc = *opts.HTTPClient
	}
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	if hc.Timeout == 0 {
		hc.Timeout = DefaultTimeout
	}
	c.hc = hc
	if c.limiter == nil {
		n := opts.MaxInFlight
		if n <= 0 {
			n = DefaultMaxInFlight
		}
		c.limiter = NewMemoryLimiter(n)
	}
	if c.cache == nil {
		c.cache = NewMemoryCache(c.now)
	}
	c.retryBudget = orDefault(c.retryBudget, DefaultRetryBudget)
	c.orderTTL = orDefault(c.orderTTL, DefaultOrderTTL)
	c.statusTTL = orDefault(c.statusTTL, DefaultStatusTTL)
	c.brandTTL = orDefault(c.brandTTL, DefaultBrandTTL)
	c.orders = newMemo[string, decodedOrder](c.orderTTL, memoOrders, memoOrderBytes)
	c.statuses = newMemo[string, []OrderStatus](c.statusTTL, 1, 1)
	c.brands = newMemo[int, string](c.brandTTL, memoBrands, memoBrandBytes)
	if u, err := parseBase(baseURL); err == nil {
		c.base = u
	}
	if c.shopKey == "" {
		if c.base != nil {
			c.shopKey = c.base.Host
		} else {
			c.shopKey = "invalid"
		}
	}
	return c
}

func orDefault(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}

// parseBase checks an API base URL and strips a trailing slash.
func parseBase(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errors.New("upgates: the API URL must be an absolute http(s) URL")
	}
	u.Path = strings.TrimRight(u.Path, "/")
	if u.Path == "" {
		// Just the shop admin host: the API lives below /api/v2.
		u.Path = "/api/v2"
	}
	u.RawPath = ""
	u.RawQuery, u.Fragment, u.User = "", "", nil
	return u, nil
}

// BaseURL returns the API base the client currently uses: the one given to
// New, or the one the shop moved to (301).
func (c *Client) BaseURL() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.base == nil {
		return ""
	}
	return c.base.String()
}

// ShopKey returns the key naming this shop in limiter and cache keys.
func (c *Client) ShopKey() string { return c.shopKey }

// request is one API call to make.
type request struct {
	method   string
	endpoint string     // CallInfo.Endpoint
	path     string     // below the base, unescaped, e.g. "/orders/123"
	query    url.Values // nil for none
	body     any        // JSON-encoded when non-nil
}

// response is a completed exchange with a 2xx status.
type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends r, handling the limiter, the quota block, 301 and 429. It
// returns the response for a 2xx status; any other status is an error:
// *RateLimitError for 429, else *APIError (callers map 404 themselves).
// The ';' of list parameters is sent percent-encoded, which every server
// decodes back (Go's net/http would drop a raw ';' query).
func (c *Client) do(ctx context.Context, r request) (*response, error) {
	var payload []byte
	if r.body != nil {
		b, err := json.Marshal(r.body)
		if err != nil {
			return nil, fmt.Errorf("upgates: encode %s body: %w", r.endpoint, err)
		}
		payload = b
	}
	moved := false
	waited := time.Duration(0)
	retries := 0
	for {
		if err := c.checkQuota(ctx, r); err != nil {
			return nil, err
		}
		resp, err := c.send(ctx, r, payload)
		if err != nil {
			return nil, err
		}
		switch {
		case resp.status >= 200 && resp.status < 300:
			return resp, nil
		case resp.status == http.StatusMovedPermanently && !moved:
			if err := c.move(resp); err != nil {
				return nil, err
			}
			moved = true
			continue
		case resp.status == http.StatusTooManyRequests:
			rl := c.rateLimitError(resp.header)
			wait := rl.RetryAt.Sub(c.now())
			if wait < 0 {
				wait = 0
			}
			if rl.RetryAt.IsZero() || retries >= max429Retries || c.retryBudget < 0 ||
				waited+wait > c.retryBudget || !fitsDeadline(ctx, wait) {
				return nil, rl
			}
			if err := sleep(ctx, wait); err != nil {
				return nil, fmt.Errorf("upgates: %s: wait for rate limit: %w", r.endpoint, err)
			}
			waited += wait
			retries++
			continue
		}
		return nil, apiError(resp.status, resp.body)
	}
}

// send makes one HTTP exchange holding a limiter slot, reports it to
// OnCall and records the quota headers.
func (c *Client) send(ctx context.Context, r request, payload []byte) (*response, error) {
	c.mu.Lock()
	base := c.base
	c.mu.Unlock()
	if base == nil {
		return nil, errors.New("upgates: the API URL must be an absolute http(s) URL")
	}
	u := *base
	u.Path = base.Path + r.path // escaped by u.String()
	u.RawPath = ""
	if r.query != nil {
		u.RawQuery = r.query.Encode()
	}
	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, u.String(), body)
	if err != nil {
		return nil, fmt.Errorf("upgates: %s: build request: %w", r.endpoint, err)
	}
	req.SetBasicAuth(c.creds.Login, c.creds.Key.Reveal())
	req.Header.Set("Accept", "application/json")
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("User-Agent", "samoobsluha-upgates/1")

	runRequestHook(ctx)
	release, err := c.limiter.Acquire(ctx, c.shopKey)
	if err != nil {
		return nil, fmt.Errorf("upgates: %s: wait for a free slot: %w", r.endpoint, err)
	}
	start := time.Now()
	res, err := c.hc.Do(req)
	var data []byte
	if err == nil {
		data, err = io.ReadAll(io.LimitReader(res.Body, maxBody+1))
		res.Body.Close()
		if err == nil && len(data) > maxBody {
			err = &APIError{StatusCode: res.StatusCode, Code: "bad_response", Message: "response too large"}
		}
	}
	release()
	info := CallInfo{Method: r.method, Endpoint: r.endpoint, Duration: time.Since(start)}
	if err != nil {
		err = transportError(r.endpoint, err)
		if res != nil {
			info.Status = res.StatusCode
		}
		info.Err = err
		c.report(info)
		return nil, err
	}
	info.Status = res.StatusCode
	if res.StatusCode < 200 || res.StatusCode >= 300 {
		switch res.StatusCode {
		case http.StatusMovedPermanently:
		case http.StatusTooManyRequests:
			info.Err = c.rateLimitError(res.Header)
		default:
			info.Err = apiError(res.StatusCode, data)
		}
	}
	c.noteQuota(ctx, res.StatusCode, res.Header)
	c.report(info)
	return &response{status: res.StatusCode, header: res.Header, body: data}, nil
}

func (c *Client) report(info CallInfo) {
	if c.onCall != nil {
		c.onCall(info)
	}
}

// transportError strips the request URL (which may hold an e-mail or phone
// in the query) from a transport error, keeping what it wraps.
func transportError(endpoint string, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return fmt.Errorf("upgates: %s: %w", endpoint, err)
}

// move switches the client to the base URL a 301 names (Location, else the
// body's api_url), kept as scheme + host + the path up to /api/v2.
func (c *Client) move(resp *response) error {
	target := resp.header.Get("Location")
	if target == "" {
		var b struct {
			APIURL string `json:"api_url"`
		}
		_ = json.Unmarshal(resp.body, &b)
		target = b.APIURL
	}
	moved := &APIError{StatusCode: http.StatusMovedPermanently, Code: "moved", Message: "the shop moved but gave no usable new address"}
	if target == "" {
		return moved
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	u, err := c.base.Parse(target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return moved
	}
	if c.base.Scheme == "https" && u.Scheme != "https" {
		moved.Message = "the shop moved to a non-https address; refused"
		return moved
	}
	path := "/api/v2"
	if i := strings.Index(u.Path, "/api/v2"); i >= 0 {
		path = u.Path[:i+len("/api/v2")]
	}
	c.base = &url.URL{Scheme: u.Scheme, Host: u.Host, Path: path}
	return nil
}

// checkQuota refuses a call while the shop's quota is known to be spent,
// by this client or (through the shared Cache) by another instance.
func (c *Client) checkQuota(ctx context.Context, r request) error {
	c.mu.Lock()
	until := c.blockedUntil
	c.mu.Unlock()
	if until.IsZero() || !c.now().Before(until) {
		raw, ok := c.cacheGet(ctx, c.key("quota"))
		if !ok {
			return nil
		}
		if err := until.UnmarshalText(raw); err != nil || !c.now().Before(until) {
			return nil
		}
		c.mu.Lock()
		if until.After(c.blockedUntil) {
			c.blockedUntil = until
		}
		c.mu.Unlock()
	}
	err := &RateLimitError{RetryAt: until, Quota: true}
	c.report(CallInfo{Method: r.method, Endpoint: r.endpoint, Err: err})
	return err
}

// noteQuota reads the X-Rate-Limit-* headers (when present) and blocks the
// shop when its quota is spent: until Retry-After on a 429, else until the
// next calendar hour, when a new hourly allowance starts. The block is
// shared with other instances through the Cache, so none of them spends a
// call only to be refused.
func (c *Client) noteQuota(ctx context.Context, status int, h http.Header) {
	if !quotaSpent(h) {
		return
	}
	until := nextHour(c.now())
	if status == http.StatusTooManyRequests {
		if t, ok := parseRetryAfter(h.Get("Retry-After"), c.now()); ok && t.After(c.now()) {
			until = t
		}
	}
	c.mu.Lock()
	if until.After(c.blockedUntil) {
		c.blockedUntil = until
	}
	c.mu.Unlock()
	if raw, err := until.MarshalText(); err == nil {
		c.cacheSet(ctx, c.key("quota"), raw, until.Sub(c.now()))
	}
}

func nextHour(t time.Time) time.Time { return t.Truncate(time.Hour).Add(time.Hour) }

// quotaSpent reports whether the headers say no call is left: the total
// remaining is 0, or (without that header) both the hourly and the daily
// remaining are 0.
func quotaSpent(h http.Header) bool {
	if n, ok := headerInt(h, "X-Rate-Limit-Total-Remaining"); ok {
		return n <= 0
	}
	hour, okH := headerInt(h, "X-Rate-Limit-Hour-Remaining")
	day, okD := headerInt(h, "X-Rate-Limit-Day-Remaining")
	return okH && okD && hour <= 0 && day <= 0
}

func headerInt(h http.Header, key string) (int, bool) {
	v := strings.TrimSpace(h.Get(key))
	if v == "" {
		return 0, false
	}
	n, err := strconv.Atoi(v)
	return n, err == nil
}

// rateLimitError builds the error for a 429 from its headers.
func (c *Client) rateLimitError(h http.Header) *RateLimitError {
	now := c.now()
	e := &RateLimitError{Quota: quotaSpent(h)}
	if t, ok := parseRetryAfter(h.Get("Retry-After"), now); ok {
		e.RetryAt = t
	}
	return e
}

// parseRetryAfter parses Retry-After as an HTTP-date or as whole seconds
// from now (§14.3).
func parseRetryAfter(v string, now time.Time) (time.Time, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, false
	}
	if n, err := strconv.Atoi(v); err == nil {
		if n < 0 {
			n = 0
		}
		return now.Add(time.Duration(n) * time.Second), true
	}
	if t, err := http.ParseTime(v); err == nil {
		return t, true
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, true
	}
	return time.Time{}, false
}

// fitsDeadline reports whether ctx leaves time for a wait of d and a call.
func fitsDeadline(ctx context.Context, d time.Duration) bool {
	dl, ok := ctx.Deadline()
	return !ok || time.Until(dl) > d
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// apiError builds the error for a non-2xx status from its body (§14.13).
func apiError(status int, body []byte) *APIError {
	code := map[int]string{
		http.StatusBadRequest:            "bad_request",
		http.StatusUnauthorized:          "unauthorized",
		http.StatusForbidden:             "forbidden",
		http.StatusNotFound:              "not_found",
		http.StatusMethodNotAllowed:      "method_not_allowed",
		http.StatusRequestEntityTooLarge: "too_large",
		http.StatusMovedPermanently:      "moved",
	}[status]
	if code == "" {
		if status >= 500 {
			code = "server_error"
		} else {
			code = "http_" + strconv.Itoa(status)
		}
	}
	return &APIError{StatusCode: status, Code: code, Message: errorText(body)}
}

// errorText takes the message out of an error body: messages[].message,
// else errors[].message, else the raw body, truncated to one short line.
func errorText(body []byte) string {
	var b struct {
		Messages []wireMessage `json:"messages"`
		Errors   []wireMessage `json:"errors"`
	}
	if json.Unmarshal(body, &b) == nil {
		var parts []string
		for _, m := range append(b.Messages, b.Errors...) {
			if s := strings.TrimSpace(string(m.Message)); s != "" {
				parts = append(parts, s)
			}
		}
		if len(parts) > 0 {
			return truncate(strings.Join(parts, "; "), 300)
		}
	}
	return truncate(strings.Join(strings.Fields(string(body)), " "), 200)
}

// wireMessage is an Upgates ErrorMessage.
type wireMessage struct {
	Object   flexString `json:"object"`
	Property flexString `json:"property"`
	Message  flexString `json:"message"`
	Level    flexString `json:"level"`
}

// truncate cuts s to at most n runes.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// isNotFound reports whether err is an *APIError with status 404.
func isNotFound(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.StatusCode == http.StatusNotFound
}

// cacheGet reads the cache, treating an error as a miss.
func (c *Client) cacheGet(ctx context.Context, key string) ([]byte, bool) {
	v, ok, err := c.cache.Get(ctx, key)
	if err != nil || !ok {
		return nil, false
	}
	return v, true
}

// cacheSet writes the cache when ttl > 0, ignoring errors.
func (c *Client) cacheSet(ctx context.Context, key string, val []byte, ttl time.Duration) {
	if ttl > 0 {
		_ = c.cache.Set(ctx, key, val, ttl)
	}
}

func (c *Client) key(parts ...string) string {
	return "upgates:" + c.shopKey + ":" + strings.Join(parts, ":")
}

// reportCached tells OnCall that a call was answered from the cache.
func (c *Client) reportCached(method, endpoint string) {
	c.report(CallInfo{Method: method, Endpoint: endpoint, Cached: true})
}

// Ping checks that the shop answers and accepts the credentials
// (GET /status, always allowed). It returns nil, or the error of the call
// (*APIError with 401/403 for bad credentials).
func (c *Client) Ping(ctx context.Context) error {
	if _, err := c.do(ctx, request{method: http.MethodGet, endpoint: "status", path: "/status"}); err != nil {
		return fmt.Errorf("ping: %w", err)
	}
	return nil
}
