package sandbox

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
)

var tsRe = regexp.MustCompile(`^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?)?)?(Z|z|[+-]\d{2}:?\d{2})?$`)

// coerceTimestamp implements Attio's timestamp coercion: partial dates and
// times are completed, UTC is assumed without a zone, any zone converts to UTC.
func coerceTimestamp(s string) (int64, bool) {
	m := tsRe.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, false
	}
	num := func(x string, def int) int {
		if x == "" {
			return def
		}
		n, _ := strconv.Atoi(x)
		return n
	}
	frac := m[7]
	ns := 0
	if frac != "" {
		ns, _ = strconv.Atoi(frac + strings.Repeat("0", 9-len(frac)))
	}
	loc := time.UTC
	if z := m[8]; z != "" && z != "Z" && z != "z" {
		z = strings.ReplaceAll(z, ":", "")
		h, _ := strconv.Atoi(z[1:3])
		mi, _ := strconv.Atoi(z[3:5])
		off := h*3600 + mi*60
		if z[0] == '-' {
			off = -off
		}
		loc = time.FixedZone("", off)
	}
	mo, d := num(m[2], 1), num(m[3], 1)
	if mo < 1 || mo > 12 || d < 1 || d > 31 {
		return 0, false
	}
	t := time.Date(num(m[1], 0), time.Month(mo), d, num(m[4], 0), num(m[5], 0), num(m[6], 0), ns, loc)
	if t.Day() != d {
		return 0, false
	}
	return t.UnixNano(), true
}

// coerceDate trims times and zones and completes partial dates, as Attio
// documents for date attributes.
func coerceDate(s string) (string, bool) {
	m := tsRe.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return "", false
	}
	mo, d := m[2], m[3]
	if mo == "" {
		mo = "01"
	}
	if d == "" {
		d = "01"
	}
	out := m[1] + "-" + mo + "-" + d
	if _, err := time.Parse("2006-01-02", out); err != nil {
		return "", false
	}
	return out, true
}

func validEmail(s string) bool {
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 || strings.ContainsAny(s, " \t\n,;<>") {
		return false
	}
	dom := s[at+1:]
	return strings.Contains(dom, ".") && !strings.HasPrefix(dom, ".") && !strings.HasSuffix(dom, ".")
}

func normDomain(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	}
	if i := strings.IndexAny(s, "/?#"); i >= 0 {
		s = s[:i]
	}
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		s = s[i+1:]
	}
	if h, _, ok := strings.Cut(s, ":"); ok {
		s = h
	}
	s = strings.TrimPrefix(s, "www.")
	return strings.Trim(s, ".")
}

var secondLevel = map[string]bool{"co": true, "com": true, "org": true, "net": true, "ac": true, "gov": true, "edu": true}

func rootDomain(d string) string {
	parts := strings.Split(d, ".")
	n := len(parts)
	if n <= 2 {
		return d
	}
	if len(parts[n-1]) == 2 && secondLevel[parts[n-2]] {
		return strings.Join(parts[n-3:], ".")
	}
	return strings.Join(parts[n-2:], ".")
}

var dialCodes = []struct{ code, cc string }{
	{"1", "US"}, {"44", "GB"}, {"49", "DE"}, {"33", "FR"}, {"34", "ES"}, {"39", "IT"}, {"31", "NL"},
	{"32", "BE"}, {"41", "CH"}, {"43", "AT"}, {"45", "DK"}, {"46", "SE"}, {"47", "NO"}, {"48", "PL"},
	{"351", "PT"}, {"353", "IE"}, {"358", "FI"}, {"61", "AU"}, {"64", "NZ"}, {"65", "SG"}, {"81", "JP"},
	{"82", "KR"}, {"86", "CN"}, {"91", "IN"}, {"55", "BR"}, {"52", "MX"}, {"54", "AR"}, {"27", "ZA"},
	{"971", "AE"}, {"972", "IL"}, {"852", "HK"}, {"234", "NG"},
}

func dialFor(cc string) string {
	if cc == "CA" {
		return "1"
	}
	for _, d := range dialCodes {
		if d.cc == cc {
			return d.code
		}
	}
	return ""
}

// normPhone reduces a phone number to E.164 and finds its country, as Attio
// does (a local number needs country_code).
func normPhone(s, cc string) (string, string, bool) {
	var digits []byte
	plus := false
	for i, r := range strings.TrimSpace(s) {
		switch {
		case r == '+' && i == 0:
			plus = true
		case r >= '0' && r <= '9':
			digits = append(digits, byte(r))
		case r == ' ' || r == '-' || r == '(' || r == ')' || r == '.':
		default:
			return "", "", false
		}
	}
	d := string(digits)
	if !plus && strings.HasPrefix(d, "00") {
		plus, d = true, d[2:]
	}
	if !plus {
		code := dialFor(cc)
		if code == "" {
			return "", "", false
		}
		d = code + strings.TrimPrefix(d, "0")
	}
	if len(d) < 8 || len(d) > 15 {
		return "", "", false
	}
	country := ""
	for _, dc := range dialCodes {
		if strings.HasPrefix(d, dc.code) && len(dc.code) > len(dialFor(country)) {
			country = dc.cc
		}
	}
	if cc != "" && dialFor(cc) != "" && strings.HasPrefix(d, dialFor(cc)) {
		country = cc
	}
	if country == "" {
		return "", "", false
	}
	return "+" + d, country, true
}

// currencies Attio accepts: the 2025-10 document's list (with its BEL), BGN, HUF, KES and THB of the
// 2026-03 document, and EGP, GHS, IDR, OMR, QAR and TRY, which Attio added later in 2026.
var currencies = "ARS AUD BRL BEL BGN CAD CLP CNY COP CZK DKK EGP EUR GHS HKD HUF IDR ISK INR ILS JPY KES KRW MYR MXN NTD NZD NGN NOK OMR XPF PEN PHP PLN GBP QAR RWF SAR SGD ZAR SEK CHF THB TRY AED UYU USD"

func validCurrency(c string) bool {
	return len(c) == 3 && strings.Contains(currencies, c) && !strings.Contains(c, " ")
}

func validCountry(c string) bool {
	return len(c) == 2 && unicode.IsUpper(rune(c[0])) && unicode.IsUpper(rune(c[1]))
}
