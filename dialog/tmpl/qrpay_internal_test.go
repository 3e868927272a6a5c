package tmpl

import (
	"errors"
	"testing"
)

func TestCzechIBAN(t *testing.T) {
	for _, tc := range []struct {
		name, account, bank, want string
	}{
		// Expected values computed independently (ISO 13616 mod 97 over
		// the BBAN followed by "CZ00" as 123500).
		{"prefix and number", "19-2000145399", "0800", "CZ6508000000192000145399"},
		{"number only", "1234567899", "0800", "CZ5508000000001234567899"},
		{"fio", "2501277007", "2010", "CZ5420100000002501277007"},
		{"short number and padded prefix", "000019-123457", "0710", "CZ3507100000190000123457"},
		{"spaces", " 2501277007 ", " 2010 ", "CZ5420100000002501277007"},
		{"bank code without leading zero", "19-2000145399", "800", "CZ6508000000192000145399"},
		{"account with slash and no bank", "19-2000145399/0800", "", "CZ6508000000192000145399"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := CzechIBAN(tc.account, tc.bank)
			if err != nil || got != tc.want {
				t.Fatalf("CzechIBAN(%q, %q) = %q, %v; want %q", tc.account, tc.bank, got, err, tc.want)
			}
			if _, err := normalizeIBAN(got); err != nil {
				t.Errorf("normalizeIBAN(%q) = %v, want a valid IBAN", got, err)
			}
		})
	}
	for _, tc := range []struct{ name, account, bank string }{
		{"check digit", "2000145398", "0800"},
		{"prefix check digit", "18-2000145399", "0800"},
		{"letters", "20001453AA", "0800"},
		{"too long", "12345678901", "0800"},
		{"too short", "1", "0800"},
		{"long prefix", "1234567-2000145399", "0800"},
		{"bank letters", "2000145399", "08O0"},
		{"bank too long", "2000145399", "08000"},
		{"zero", "0000000000", "0800"},
		{"empty", "", "0800"},
	} {
		t.Run("bad "+tc.name, func(t *testing.T) {
			got, err := CzechIBAN(tc.account, tc.bank)
			if !errors.Is(err, ErrBadAccount) {
				t.Errorf("CzechIBAN(%q, %q) = %q, %v; want ErrBadAccount", tc.account, tc.bank, got, err)
			}
		})
	}
}

func TestNormalizeIBAN(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"CZ65 0800 0000 1920 0014 5399", "CZ6508000000192000145399"},
		{"de89370400440532013000", "DE89370400440532013000"},
		{"SK3112000000198742637541", "SK3112000000198742637541"},
	} {
		if got, err := normalizeIBAN(tc.in); err != nil || got != tc.want {
			t.Errorf("normalizeIBAN(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "CZ6508000000192000145398", "CZ650800000019200014539", "C16508000000192000145399", "CZ6X08000000192000145399", "CZ65-0800-0000-1920-0014-5399"} {
		if got, err := normalizeIBAN(bad); err == nil {
			t.Errorf("normalizeIBAN(%q) = %q, want an error", bad, got)
		}
	}
}

func TestPaymentSPD(t *testing.T) {
	for _, tc := range []struct {
		name     string
		acc      string
		amount   float64
		cur, vs  string
		want     string
		wantFail bool
	}{
		{"full", "CZ6508000000192000145399", 1230.5, "CZK", "2026000123", "SPD*1.0*ACC:CZ6508000000192000145399*AM:1230.50*CC:CZK*X-VS:2026000123", false},
		{"euro with bic", "SK3112000000198742637541+TATRSKBX", 99.99, "eur", "7", "SPD*1.0*ACC:SK3112000000198742637541+TATRSKBX*AM:99.99*CC:EUR*X-VS:7", false},
		{"kc symbol", "CZ6508000000192000145399", 1, "Kč", "", "SPD*1.0*ACC:CZ6508000000192000145399*AM:1.00*CC:CZK", false},
		{"rounded amount", "CZ6508000000192000145399", 0.005001, "CZK", "", "SPD*1.0*ACC:CZ6508000000192000145399*AM:0.01*CC:CZK", false},
		{"maximum", "CZ6508000000192000145399", 9999999.99, "CZK", "1", "SPD*1.0*ACC:CZ6508000000192000145399*AM:9999999.99*CC:CZK*X-VS:1", false},
		{"zero amount", "CZ6508000000192000145399", 0, "CZK", "1", "", true},
		{"rounds to zero", "CZ6508000000192000145399", 0.004, "CZK", "1", "", true},
		{"negative", "CZ6508000000192000145399", -5, "CZK", "1", "", true},
		{"too large", "CZ6508000000192000145399", 10000000, "CZK", "1", "", true},
		{"bad currency", "CZ6508000000192000145399", 5, "KORUNA", "1", "", true},
		{"long vs", "CZ6508000000192000145399", 5, "CZK", "12345678901", "", true},
		{"vs with letters", "CZ6508000000192000145399", 5, "CZK", "12A", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := paymentSPD(tc.acc, tc.amount, tc.cur, tc.vs)
			if tc.wantFail {
				if err == nil {
					t.Errorf("paymentSPD(%v, %q, %q) = %q, want an error", tc.amount, tc.cur, tc.vs, got)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("paymentSPD(%v, %q, %q) = %q, %v; want %q", tc.amount, tc.cur, tc.vs, got, err, tc.want)
			}
		})
	}
}
