package tmpl

import (
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	qrcode "github.com/skip2/go-qrcode"
)

// QR payment limits.
const (
	qrDefaultSize = 256
	qrMinSize     = 64
	qrMaxSize     = 1024
	// spdMaxAmount is the largest amount whose AM field fits in the SPD
	// limit of 10 characters.
	spdMaxAmount = 9999999.99
)

// qrpay renders {{qrpay "cz"|"iban" ACCOUNT BANK AMOUNT VS ["CUR"] [SIZE]}}
// into a PNG data URL in Images; it prints nothing.
func (r *renderer) qrpay(h helperNode) {
	vals, ok := r.argValues(h.args[:5])
	if !ok {
		return
	}
	currency := "CZK"
	if len(h.args) > 5 {
		if v, ok := r.value(h.args[5]); ok && v != nil && formatValue(v) != "" {
			currency = formatValue(v)
		}
	}
	size := qrDefaultSize
	if len(h.args) > 6 {
		if v, ok := r.value(h.args[6]); ok && v != nil {
			n, msg := wholeNumber(v)
			if msg != "" {
				r.fail(h.pos, h.name, "size %s", msg)
				return
			}
			if n < qrMinSize || n > qrMaxSize {
				r.fail(h.pos, h.name, "size %d px is not between %d and %d", n, qrMinSize, qrMaxSize)
				return
			}
			size = n
		}
	}
	if strings.TrimSpace(formatValue(vals[1])) == "" {
		return // no account configured: no QR code, like a missing variable
	}
	var acc string
	switch kind := strings.ToLower(formatValue(vals[0])); kind {
	case "cz":
		iban, err := CzechIBAN(formatValue(vals[1]), formatValue(vals[2]))
		if err != nil {
			r.fail(h.pos, h.name, "%v", err)
			return
		}
		acc = iban
	case "iban":
		iban, err := normalizeIBAN(formatValue(vals[1]))
		if err != nil {
			r.fail(h.pos, h.name, "%v", err)
			return
		}
		acc = iban
		if bic := strings.ToUpper(strings.TrimSpace(formatValue(vals[2]))); bic != "" {
			if !validBIC(bic) {
				r.fail(h.pos, h.name, "BIC %q is not 8 or 11 letters and digits", bic)
				return
			}
			acc += "+" + bic
		}
	default:
		r.fail(h.pos, h.name, "account type must be \"cz\" or \"iban\", got %q", kind)
		return
	}
	amount, isNum := asNumber(vals[3])
	if !isNum {
		r.fail(h.pos, h.name, "amount %q is not a number", formatValue(vals[3]))
		return
	}
	spd, err := paymentSPD(acc, amount, currency, formatValue(vals[4]))
	if err != nil {
		r.fail(h.pos, h.name, "%v", err)
		return
	}
	png, err := qrcode.Encode(spd, qrcode.Medium, size)
	if err != nil {
		r.fail(h.pos, h.name, "encode QR code: %v", err)
		return
	}
	r.out.Images = append(r.out.Images, "data:image/png;base64,"+base64.StdEncoding.EncodeToString(png))
}

// paymentSPD builds a Czech QR payment ("QR Platba", Short Payment
// Descriptor 1.0): SPD*1.0*ACC:<IBAN[+BIC]>*AM:<amount>*CC:<currency>
// [*X-VS:<vs>]. The amount must be positive and at most 9 999 999.99; it is
// written with two decimals and a dot. The currency is a three-letter ISO
// code (Kč and € are accepted for CZK and EUR). The variable symbol has at
// most 10 digits and is left out when empty.
func paymentSPD(acc string, amount float64, currency, vs string) (string, error) {
	if math.IsNaN(amount) || amount <= 0 || amount > spdMaxAmount {
		return "", fmt.Errorf("amount %s is not between 0.01 and %.2f", formatFloat(amount), spdMaxAmount)
	}
	am := strconv.FormatFloat(amount, 'f', 2, 64)
	if am == "0.00" {
		return "", fmt.Errorf("amount %s rounds to zero", formatFloat(amount))
	}
	cc := strings.ToUpper(strings.TrimSpace(currency))
	switch cc {
	case "KČ", "KC":
		cc = "CZK"
	case "€":
		cc = "EUR"
	}
	if len(cc) != 3 || !isUpperASCII(cc) {
		return "", fmt.Errorf("currency %q is not a three-letter code", currency)
	}
	var sb strings.Builder
	sb.WriteString("SPD*1.0*ACC:")
	sb.WriteString(acc)
	sb.WriteString("*AM:")
	sb.WriteString(am)
	sb.WriteString("*CC:")
	sb.WriteString(cc)
	vs = strings.TrimSpace(vs)
	if vs != "" {
		if len(vs) > 10 || !allDigits(vs) {
			return "", fmt.Errorf("variable symbol %q is not 1 to 10 digits", vs)
		}
		sb.WriteString("*X-VS:")
		sb.WriteString(vs)
	}
	return sb.String(), nil
}

func isUpperASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// Weights of the Czech account number check (ČNB decree 169/2011): the
// weighted digit sum of the zero-padded prefix and of the number must each
// be divisible by 11.
var (
	czPrefixWeights = [6]int{10, 5, 8, 4, 2, 1}
	czNumberWeights = [10]int{6, 3, 7, 9, 10, 5, 8, 4, 2, 1}
)

// ErrBadAccount is wrapped by CzechIBAN for account numbers and bank codes
// that are malformed or fail the check-digit test.
var ErrBadAccount = errors.New("bad Czech bank account")

// CzechIBAN converts a Czech account number ("2000145399" or with a prefix
// "19-2000145399") and a four-digit bank code ("0800"; shorter codes are
// zero-padded) to an IBAN such as "CZ6508000000192000145399". The
// prefix and number must pass the Czech modulo-11 check. Errors wrap
// ErrBadAccount.
func CzechIBAN(account, bank string) (string, error) {
	acc := strings.ReplaceAll(strings.TrimSpace(account), " ", "")
	if a, b, ok := strings.Cut(acc, "/"); ok && strings.TrimSpace(bank) == "" {
		acc, bank = a, b // "19-2000145399/0800" in one argument
	}
	prefix, number, hasPrefix := strings.Cut(acc, "-")
	if !hasPrefix {
		prefix, number = "", acc
	}
	bank = strings.TrimSpace(bank)
	switch {
	case !allDigits(number) || len(number) < 2 || len(number) > 10:
		return "", fmt.Errorf("%w: account number %q must be 2 to 10 digits", ErrBadAccount, number)
	case hasPrefix && (!allDigits(prefix) || len(prefix) > 6):
		return "", fmt.Errorf("%w: account prefix %q must be 1 to 6 digits", ErrBadAccount, prefix)
	case !allDigits(bank) || len(bank) > 4:
		return "", fmt.Errorf("%w: bank code %q must be 4 digits", ErrBadAccount, bank)
	}
	prefix = zeroPad(prefix, 6)
	number = zeroPad(number, 10)
	bank = zeroPad(bank, 4)
	if strings.Trim(number, "0") == "" {
		return "", fmt.Errorf("%w: account number is zero", ErrBadAccount)
	}
	if weightedSum(prefix, czPrefixWeights[:])%11 != 0 {
		return "", fmt.Errorf("%w: account prefix %s fails the check digit test", ErrBadAccount, strings.TrimLeft(prefix, "0"))
	}
	if weightedSum(number, czNumberWeights[:])%11 != 0 {
		return "", fmt.Errorf("%w: account number %s fails the check digit test", ErrBadAccount, strings.TrimLeft(number, "0"))
	}
	bban := bank + prefix + number
	check := 98 - ibanMod97(bban+"CZ00")
	return fmt.Sprintf("CZ%02d%s", check, bban), nil
}

func zeroPad(s string, n int) string {
	return strings.Repeat("0", max(n-len(s), 0)) + s
}

func weightedSum(digits string, weights []int) int {
	sum := 0
	for i := 0; i < len(digits); i++ {
		sum += int(digits[i]-'0') * weights[i]
	}
	return sum
}

// ibanMod97 computes the ISO 13616 remainder of s (letters count as
// 10..35) modulo 97.
func ibanMod97(s string) int {
	rem := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			rem = (rem*10 + int(c-'0')) % 97
		case c >= 'A' && c <= 'Z':
			rem = (rem*100 + int(c-'A') + 10) % 97
		}
	}
	return rem
}

// normalizeIBAN removes spaces, upper-cases and validates an IBAN's shape
// and check digits.
func normalizeIBAN(s string) (string, error) {
	iban := strings.ToUpper(strings.Join(strings.Fields(s), ""))
	if len(iban) < 15 || len(iban) > 34 {
		return "", fmt.Errorf("IBAN %q must have 15 to 34 characters", iban)
	}
	for i := 0; i < len(iban); i++ {
		c := iban[i]
		letter := c >= 'A' && c <= 'Z'
		digit := c >= '0' && c <= '9'
		if (i < 2 && !letter) || (i >= 2 && i < 4 && !digit) || (!letter && !digit) {
			return "", fmt.Errorf("IBAN %q is malformed", iban)
		}
	}
	if iban[:2] == "CZ" && len(iban) != 24 {
		return "", fmt.Errorf("IBAN %q is Czech and must have 24 characters", iban)
	}
	if ibanMod97(iban[4:]+iban[:4]) != 1 {
		return "", fmt.Errorf("IBAN %s has wrong check digits", iban)
	}
	return iban, nil
}

func validBIC(s string) bool {
	if len(s) != 8 && len(s) != 11 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
