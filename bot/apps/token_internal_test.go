package apps

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestParseToken(t *testing.T) {
	secret := []byte("0123456789abcdef0123")
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	good := claims{Order: "2026000101", Invoice: "I2600001", Expiry: now.Add(time.Minute).Unix()}
	tok := newToken(secret, "default", good)
	payload, mac, _ := strings.Cut(tok, ".")
	forgedPayload := base64.RawURLEncoding.EncodeToString([]byte(`{"o":"2026000102","i":"I2600002","e":` +
		"9999999999}"))
	tests := []struct {
		name  string
		token string
		bot   string
		sec   []byte
		now   time.Time
		want  error
	}{
		{name: "valid", token: tok, bot: "default", sec: secret, now: now},
		{name: "expired", token: tok, bot: "default", sec: secret, now: now.Add(time.Minute), want: ErrTokenExpired},
		{name: "other bot", token: tok, bot: "other", sec: secret, now: now, want: ErrTokenInvalid},
		{name: "other secret", token: tok, bot: "default", sec: []byte("another secret, 16+"), now: now, want: ErrTokenInvalid},
		{name: "forged payload", token: forgedPayload + "." + mac, bot: "default", sec: secret, now: now, want: ErrTokenInvalid},
		{name: "truncated mac", token: payload + "." + mac[:10], bot: "default", sec: secret, now: now, want: ErrTokenInvalid},
		{name: "no dot", token: payload, bot: "default", sec: secret, now: now, want: ErrTokenInvalid},
		{name: "bad base64", token: "!!." + mac, bot: "default", sec: secret, now: now, want: ErrTokenInvalid},
		{name: "empty", token: "", bot: "default", sec: secret, now: now, want: ErrTokenInvalid},
		// A genuine MAC over a payload without an invoice is still refused.
		{name: "empty claims", token: newToken(secret, "default", claims{Expiry: now.Add(time.Hour).Unix()}),
			bot: "default", sec: secret, now: now, want: ErrTokenInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseToken(tt.sec, tt.bot, tt.token, tt.now)
			if !errors.Is(err, tt.want) {
				t.Fatalf("parseToken(%q) error = %v, want %v", tt.token, err, tt.want)
			}
			if tt.want == nil && got != good {
				t.Errorf("parseToken(%q) = %+v, want %+v", tt.token, got, good)
			}
		})
	}
}

func TestInvoiceFileName(t *testing.T) {
	for in, want := range map[string]string{
		"I2500485":     "faktura-I2500485.pdf",
		"FV/2026/0042": "faktura-FV_2026_0042.pdf",
		"a\"b\r\nc":    "faktura-a_b__c.pdf",
	} {
		if got := invoiceFileName(in); got != want {
			t.Errorf("invoiceFileName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCandidates(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		limit int
		norm  func(string) string
		want  []string
	}{
		{name: "one order", in: " 2026 000 101 ", limit: maxOrderCandidates, norm: normOrder, want: []string{"2026000101"}},
		{name: "prefixed lower case", in: "#o2600117", limit: maxOrderCandidates, norm: normOrder, want: []string{"O2600117"}},
		{name: "three and more", in: "1\n2\n\n2\n3\n4", limit: maxOrderCandidates, norm: normOrder, want: []string{"1", "2", "3"}},
		{name: "blank", in: " \n ", limit: maxOrderCandidates, norm: normOrder, want: nil},
		{name: "five e-mails", in: "a@x.cz\nb@x.cz\nc@x.cz\nd@x.cz\ne@x.cz\nf@x.cz", limit: maxEmailCandidates, norm: normEmail,
			want: []string{"a@x.cz", "b@x.cz", "c@x.cz", "d@x.cz", "e@x.cz"}},
		{name: "emails", in: "Jan@Seznam.cz\n jan@seznam.cz", limit: maxEmailCandidates, norm: normEmail, want: []string{"Jan@Seznam.cz", "jan@seznam.cz"}},
		{name: "phones", in: "777 123 456\n+420777123456\n00420 777 123 456\nnot a phone",
			limit: maxPhoneCandidates, norm: func(s string) string { return e164(s, "CZ") }, want: []string{"+420777123456"}},
		{name: "slovak phone", in: "+421 905 123 456", limit: maxPhoneCandidates, norm: func(s string) string { return e164(s, "CZ") },
			want: []string{"+421905123456"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := candidates(tt.in, tt.limit, tt.norm)
			if strings.Join(got, "|") != strings.Join(tt.want, "|") || len(got) != len(tt.want) {
				t.Errorf("candidates(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestMemCache(t *testing.T) {
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	c := newMemCache(10, func() time.Time { return now })
	ctx := t.Context()
	mustSet := func(k, v string, ttl time.Duration) {
		t.Helper()
		if err := c.Set(ctx, k, []byte(v), ttl); err != nil {
			t.Fatalf("Set(%q) = %v", k, err)
		}
	}
	get := func(k string) string {
		t.Helper()
		b, ok, err := c.Get(ctx, k)
		if err != nil {
			t.Fatalf("Get(%q) = %v", k, err)
		}
		if !ok {
			return "<miss>"
		}
		return string(b)
	}
	mustSet("a", "aaaa", time.Minute)
	mustSet("b", "bbbb", 2*time.Minute)
	if got := get("a"); got != "aaaa" {
		t.Errorf("Get(a) = %q, want aaaa", got)
	}
	mustSet("c", "cccc", 3*time.Minute) // 12 bytes > 10: a (soonest expiry) goes
	if got := get("a"); got != "<miss>" {
		t.Errorf("Get(a) after eviction = %q, want miss", got)
	}
	if got := get("c"); got != "cccc" {
		t.Errorf("Get(c) = %q, want cccc", got)
	}
	mustSet("huge", "01234567890", time.Minute) // larger than the cache: not stored
	if got := get("huge"); got != "<miss>" {
		t.Errorf("Get(huge) = %q, want miss", got)
	}
	now = now.Add(2 * time.Minute)
	if got := get("b"); got != "<miss>" {
		t.Errorf("Get(b) after expiry = %q, want miss", got)
	}
	if err := c.Delete(ctx, "c", "nothing"); err != nil {
		t.Fatal(err)
	}
	if got := get("c"); got != "<miss>" {
		t.Errorf("Get(c) after Delete = %q, want miss", got)
	}
	mustSet("d", "dd", time.Minute)
	sum := 0
	for _, it := range c.items {
		sum += len(it.val)
	}
	if c.size != sum || sum > c.max {
		t.Errorf("size = %d, items hold %d bytes, max %d", c.size, sum, c.max)
	}
}

// FuzzParseToken: arbitrary input never panics and never verifies, and a
// minted token for arbitrary claims round-trips.
func FuzzParseToken(f *testing.F) {
	secret := []byte("0123456789abcdef0123")
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	f.Add("", "2026000101", "I1")
	f.Add("eyJvIjoiMSJ9.AAAA", "O2600117", "FV/2026/1")
	f.Add(newToken(secret, "default", claims{Order: "1", Invoice: "2", Expiry: now.Add(time.Hour).Unix()}), "x", "y")
	f.Fuzz(func(t *testing.T, token, order, invoice string) {
		if c, err := parseToken(secret, "default", token, now); err == nil {
			// Only a token we minted verifies; recheck it is one.
			if newToken(secret, "default", c) != token {
				t.Fatalf("parseToken accepted %q, which is not a minted token", token)
			}
		}
		// Order and invoice numbers come from the shop's JSON, so they are
		// valid UTF-8; JSON would replace invalid bytes.
		if order == "" || invoice == "" || !utf8.ValidString(order) || !utf8.ValidString(invoice) ||
			len(order)+len(invoice) > maxTokenNumbers {
			return
		}
		want := claims{Order: order, Invoice: invoice, Expiry: now.Add(time.Minute).Unix()}
		got, err := parseToken(secret, "default", newToken(secret, "default", want), now)
		if err != nil || got != want {
			t.Fatalf("round trip of %+v = %+v, %v", want, got, err)
		}
	})
}
