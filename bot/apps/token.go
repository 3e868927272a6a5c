package apps

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// Invoice token errors. OpenInvoice returns them unwrapped-comparable with
// errors.Is.
var (
	// ErrTokenInvalid means an invoice token is malformed, forged, or was
	// signed for another bot or with another secret.
	ErrTokenInvalid = errors.New("invoice token invalid")
	// ErrTokenExpired means an invoice token is genuine but past its expiry.
	ErrTokenExpired = errors.New("invoice token expired")
)

// maxTokenNumbers bounds the order and invoice numbers a link carries
// (together, in bytes), so every token minted fits maxToken.
const (
	maxTokenNumbers = 256
	maxToken        = 4096 // 256 bytes JSON-escaped to 6 each, base64: ~2.2 KB
)

// tokenDomain separates invoice-token MACs from any other use of the key.
const tokenDomain = "samoobsluha/invoice/v1"

// claims is the signed content of an invoice token. It is readable by
// whoever holds the link (base64url JSON): order and invoice numbers are
// not personal data, and the link is handed only to a verified customer.
type claims struct {
	Order   string `json:"o"`
	Invoice string `json:"i"`
	Expiry  int64  `json:"e"` // Unix seconds
}

// sign returns the MAC of payload for bot: HMAC-SHA256 over the domain,
// the bot id and the payload (which holds the order number, the invoice
// number and the expiry), NUL-separated.
func sign(secret []byte, bot string, payload []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(tokenDomain))
	m.Write([]byte{0})
	m.Write([]byte(bot))
	m.Write([]byte{0})
	m.Write(payload)
	return m.Sum(nil)
}

// newToken mints a token "payload.mac", both base64url without padding.
func newToken(secret []byte, bot string, c claims) string {
	payload, _ := json.Marshal(c) // claims has only strings and an int
	mac := sign(secret, bot, payload)
	enc := base64.RawURLEncoding
	return enc.EncodeToString(payload) + "." + enc.EncodeToString(mac)
}

// parseToken checks a token's MAC for bot (constant time) and then its
// expiry against now. A forged or foreign token is ErrTokenInvalid; only a
// genuine one can be ErrTokenExpired.
func parseToken(secret []byte, bot, token string, now time.Time) (claims, error) {
	var c claims
	p, m, ok := strings.Cut(token, ".")
	if !ok || len(token) > maxToken {
		return c, ErrTokenInvalid
	}
	enc := base64.RawURLEncoding
	payload, err := enc.DecodeString(p)
	if err != nil {
		return c, ErrTokenInvalid
	}
	mac, err := enc.DecodeString(m)
	if err != nil {
		return c, ErrTokenInvalid
	}
	if subtle.ConstantTimeCompare(mac, sign(secret, bot, payload)) != 1 {
		return c, ErrTokenInvalid
	}
	if err := json.Unmarshal(payload, &c); err != nil || c.Invoice == "" || c.Order == "" {
		return claims{}, ErrTokenInvalid
	}
	if !now.Before(time.Unix(c.Expiry, 0)) {
		return claims{}, ErrTokenExpired
	}
	return c, nil
}

// invoiceFileName is the download name of an invoice PDF, e.g.
// "faktura-I2500485.pdf"; characters outside [A-Za-z0-9_-] become "_".
func invoiceFileName(invoice string) string {
	b := []byte(invoice)
	for i, ch := range b {
		switch {
		case ch >= 'a' && ch <= 'z', ch >= 'A' && ch <= 'Z', ch >= '0' && ch <= '9', ch == '-', ch == '_':
		default:
			b[i] = '_'
		}
	}
	return "faktura-" + string(b) + ".pdf"
}
