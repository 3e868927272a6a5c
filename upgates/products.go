package upgates

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Manufacturers maps product ids to their manufacturer (the "brand" of an
// order line, §14.10). Ids whose product is unknown or has no manufacturer
// are absent from the map. Answers are cached per product for
// Options.BrandTTL, in the Cache and in the client (see Options.BrandTTL);
// the ids in neither are fetched with one GET /products?product_ids=a;b;c
// per 100 ids.
// Non-positive ids are ignored.
//
// On error (*APIError, e.g. 403 without the products privilege,
// *RateLimitError or a transport error) the map holds the cached answers
// found so far; callers leave the other brands empty.
func (c *Client) Manufacturers(ctx context.Context, productIDs []int) (map[int]string, error) {
	out := make(map[int]string)
	now := c.now()
	var missing []int
	seen := make(map[int]bool)
	for _, id := range productIDs {
		if id <= 0 || seen[id] {
			continue
		}
		seen[id] = true
		if m, ok := c.brands.get(id, now); ok {
			if m != "" {
				out[id] = m
			}
			continue
		}
		if v, ok := c.cacheGet(ctx, c.key("brand", strconv.Itoa(id))); ok {
			m := string(v)
			c.brands.put(id, m, len(m)+memoBrandOverhead, now)
			if m != "" {
				out[id] = m
			}
			continue
		}
		missing = append(missing, id)
	}
	if len(missing) == 0 {
		if len(seen) > 0 {
			c.reportCached(http.MethodGet, "products.list")
		}
		return out, nil
	}
	slices.Sort(missing)
	got := make(map[int]string)
	// One call per 100 ids (the page size), so every answer fits one page.
	for chunk := range slices.Chunk(missing, 100) {
		ids := make([]string, len(chunk))
		for i, id := range chunk {
			ids[i] = strconv.Itoa(id)
		}
		q := url.Values{"product_ids": {strings.Join(ids, ";")}}
		resp, err := c.do(ctx, request{method: http.MethodGet, endpoint: "products.list", path: "/products", query: q})
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return out, fmt.Errorf("product manufacturers: %w", err)
		}
		var body struct {
			Products flexList[struct {
				ProductID    flexInt    `json:"product_id"`
				Manufacturer flexString `json:"manufacturer"`
			}] `json:"products"`
		}
		if err := json.Unmarshal(resp.body, &body); err != nil {
			return out, fmt.Errorf("product manufacturers: %w", &APIError{StatusCode: resp.status, Code: "bad_response", Message: err.Error()})
		}
		for _, p := range body.Products {
			if p.ProductID.Valid && seen[p.ProductID.V] {
				got[p.ProductID.V] = strings.TrimSpace(string(p.Manufacturer))
			}
		}
	}
	for _, id := range missing {
		m := got[id] // "" caches "no manufacturer" (or unknown product) too
		c.cacheSet(ctx, c.key("brand", strconv.Itoa(id)), []byte(m), c.brandTTL)
		c.brands.put(id, m, len(m)+memoBrandOverhead, c.now())
		if m != "" {
			out[id] = m
		}
	}
	return out, nil
}
