package tmpl_test

import (
	"bytes"
	"encoding/base64"
	"image/png"
	"strings"
	"testing"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/samoobsluha/samoobsluha/dialog/tmpl"
)

// wantQR is the data URL the qrpay helper must produce for an SPD payload.
func wantQR(t *testing.T, spd string, size int) string {
	t.Helper()
	b, err := qrcode.Encode(spd, qrcode.Medium, size)
	if err != nil {
		t.Fatalf("qrcode.Encode(%q): %v", spd, err)
	}
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(b)
}

func TestQRPay(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		spd       string
		size      int
	}{
		{"cz account from the order", `{{qrpay "cz" "19-2000145399" "0800" app.topay app.vs}}`,
			"SPD*1.0*ACC:CZ6508000000192000145399*AM:1230.50*CC:CZK*X-VS:2026000123", 256},
		{"docs example with string amount", `{{qrpay "cz" "2501277007" "2010" "499" "123"}}`,
			"SPD*1.0*ACC:CZ5420100000002501277007*AM:499.00*CC:CZK*X-VS:123", 256},
		{"iban with bic, euro and size", `{{qrpay "iban" "SK31 1200 0000 1987 4263 7541" "TATRSKBX" 99.99 "77" eur 128}}`,
			"SPD*1.0*ACC:SK3112000000198742637541+TATRSKBX*AM:99.99*CC:EUR*X-VS:77", 128},
		{"iban without bic", `{{qrpay "IBAN" "CZ6508000000192000145399" "" 10 "1" "CZK"}}`,
			"SPD*1.0*ACC:CZ6508000000192000145399*AM:10.00*CC:CZK*X-VS:1", 256},
		{"empty vs left out", `{{qrpay "cz" "19-2000145399" "0800" 10 ""}}`,
			"SPD*1.0*ACC:CZ6508000000192000145399*AM:10.00*CC:CZK", 256},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := mustRender(t, "Zaplaťte prosím:\n"+tc.src+"\n")
			if got.Text != "Zaplaťte prosím:\n" {
				t.Errorf("Text = %q, want only the surrounding text", got.Text)
			}
			if len(got.Images) != 1 {
				t.Fatalf("Images has %d entries, want 1", len(got.Images))
			}
			if want := wantQR(t, tc.spd, tc.size); got.Images[0] != want {
				t.Errorf("Images[0] is not the QR code of %q", tc.spd)
			}
			raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(got.Images[0], "data:image/png;base64,"))
			if err != nil {
				t.Fatalf("image is not base64: %v", err)
			}
			img, err := png.Decode(bytes.NewReader(raw))
			if err != nil {
				t.Fatalf("image is not a PNG: %v", err)
			}
			if b := img.Bounds(); b.Dx() != tc.size || b.Dy() != tc.size {
				t.Errorf("image is %dx%d, want %dx%d", b.Dx(), b.Dy(), tc.size, tc.size)
			}
		})
	}
	t.Run("missing amount renders nothing", func(t *testing.T) {
		got := mustRender(t, `[{{qrpay "cz" "19-2000145399" "0800" order.topay order.vs}}]`)
		if got.Text != "[]" || len(got.Images) != 0 {
			t.Errorf("Render = %+v, want empty text and no image", got)
		}
	})
	t.Run("empty account renders nothing", func(t *testing.T) {
		got, err := tmpl.MustParse(`[{{qrpay "cz" acc bank 10 "1"}}]`).Render(tmpl.MapLookup(map[string]any{"acc": "", "bank": ""}), tmpl.Env{})
		if err != nil || got.Text != "[]" || len(got.Images) != 0 {
			t.Errorf("Render = %+v, %v; want empty text, no image, no error", got, err)
		}
	})
	t.Run("size out of range", func(t *testing.T) {
		_, err := tmpl.MustParse(`{{qrpay "cz" "19-2000145399" "0800" 10 "1" "CZK" 5000}}`).Render(nil, tmpl.Env{})
		if err == nil || !strings.Contains(err.Error(), "size 5000 px") {
			t.Errorf("Render error = %v, want a size error", err)
		}
	})
	t.Run("bad bic", func(t *testing.T) {
		_, err := tmpl.MustParse(`{{qrpay "iban" "CZ6508000000192000145399" "GIBA" 10 "1"}}`).Render(nil, tmpl.Env{})
		if err == nil || !strings.Contains(err.Error(), "BIC") {
			t.Errorf("Render error = %v, want a BIC error", err)
		}
	})
	t.Run("bad iban", func(t *testing.T) {
		_, err := tmpl.MustParse(`{{qrpay "iban" "CZ6508000000192000145398" "" 10 "1"}}`).Render(nil, tmpl.Env{})
		if err == nil || !strings.Contains(err.Error(), "check digits") {
			t.Errorf("Render error = %v, want a check digit error", err)
		}
	})
}
