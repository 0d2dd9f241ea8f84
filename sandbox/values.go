package sandbox

import (
	"encoding/json"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Storage of a value per attribute type:
//   text, date, timestamp(canonical string), domain: s
//   number: f (for filters and sorts), s = the exact decimal text as written
//   rating, checkbox(0/1): f
//   currency: f = amount, s = code ("" = null) + "\x00" + the exact decimal text
//   select/status: ref = option/status id
//   record-reference: ref = target record, aux = target object index
//   actor-reference: ref = actor id, aux = actor type (actorTypes)
//   email-address: s = original address
//   phone-number: s = E.164 [+ "\x00" + original when different], aux = country
//   personal-name: s = first "\x00" last "\x00" full
//   location, interaction: ext

var actorTypes = []string{"system", "workspace-member", "api-token", "app"}

func actorTypeCode(t string) (uint16, bool) {
	for i, a := range actorTypes {
		if a == t {
			return uint16(i), true
		}
	}
	return 0, false
}

func packCC(cc string) uint16 {
	if len(cc) != 2 {
		return 0
	}
	return uint16(cc[0])<<8 | uint16(cc[1])
}

func unpackCC(v uint16) string {
	if v == 0 {
		return ""
	}
	return string([]byte{byte(v >> 8), byte(v)})
}

func splitName(s string) (first, last, full string) {
	first, rest, _ := strings.Cut(s, "\x00")
	last, full, _ = strings.Cut(rest, "\x00")
	return
}

func packName(first, last, full string) string { return first + "\x00" + last + "\x00" + full }

func splitPhone(s string) (phone, original string) {
	phone, original, ok := strings.Cut(s, "\x00")
	if !ok {
		original = phone
	}
	return
}

var interactionTypes = []string{"calendar-event", "call", "chat-thread", "email", "in-person-meeting", "meeting"}

// ---------------------------------------------------------------- coercion

type coerceCtx struct {
	ws   *workspace
	a    *attribute
	path []any
}

func (c coerceCtx) fail(i int, format string, args ...any) *apiError {
	p := append(append([]any{}, c.path...), i)
	msg := sprintf(format, args...)
	return validation("Invalid value was passed to attribute with slug \"%s\".", c.a.slug).with(p, "invalid_type", msg)
}

// coerceAll turns a request's value (single item or array, items raw or
// object form) into stored values, applying Attio's documented coercions.
func (c coerceCtx) coerceAll(raw any) ([]value, *apiError) {
	var items []any
	switch r := raw.(type) {
	case nil:
		return nil, nil
	case []any:
		items = r
	default:
		if c.a.multi {
			// Spec and docs agree: "a single value (for single-select attributes), or an array
			// of values (for single or multi-select attributes)"; Attio answers a bare value for a
			// multiselect attribute with a 400.
			return nil, validation("Multiselect attribute with slug \"%s\" expects an array of values.", c.a.slug).
				with(c.path, "invalid_type", "Expected array, received "+jsonKind(r))
		}
		items = []any{r}
	}
	if !c.a.multi && len(items) > 1 {
		return nil, validation("Multiple values were passed to single-value attribute with slug \"%s\".", c.a.slug).
			with(c.path, "invalid_type", "Expected a single value")
	}
	out := make([]value, 0, len(items))
	for i, it := range items {
		if it == nil {
			continue
		}
		v, err := c.coerce(i, it)
		if err != nil {
			return nil, err
		}
		v.attr = c.a.idx
		dup := false
		for j := range out {
			if sameValue(&out[j], &v) {
				dup = true
			}
		}
		if !dup {
			out = append(out, v)
		}
	}
	return out, nil
}

func field(m map[string]any, k string) (any, bool) {
	v, ok := m[k]
	return v, ok
}

func asString(v any) (string, bool) {
	s, ok := v.(string)
	return s, ok
}

var plainDecimal = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

// decimalText keeps a number as the caller wrote it, so the sandbox, like Attio, returns amounts
// such as 12345678901234.5678 unchanged instead of through float64; trailing fraction zeros are
// dropped so equal amounts compare equal. Exponent forms fall back to f.
func decimalText(x any, f float64) string {
	var t string
	switch n := x.(type) {
	case json.Number:
		t = n.String()
	case string:
		t = strings.TrimSpace(n)
	}
	if !plainDecimal.MatchString(t) {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	if strings.Contains(t, ".") {
		t = strings.TrimRight(strings.TrimRight(t, "0"), ".")
	}
	if t == "-0" {
		t = "0"
	}
	return t
}

func packCurrency(code, amount string) string { return code + "\x00" + amount }

func splitCurrency(s string) (code, amount string) {
	code, amount, _ = strings.Cut(s, "\x00")
	return code, amount
}

func asNumber(v any) (float64, bool) {
	switch n := v.(type) {
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	case float64:
		return n, true
	case int:
		return float64(n), true
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(n), 64)
		return f, err == nil && n != ""
	}
	return 0, false
}

// unwrap returns the item's payload: raw scalars as-is, objects by key.
func unwrap(it any, key string) (any, map[string]any) {
	if m, ok := it.(map[string]any); ok {
		return m[key], m
	}
	return it, nil
}

func (c coerceCtx) coerce(i int, it any) (value, *apiError) {
	a := c.a
	var v value
	switch a.typ {
	case tText:
		x, _ := unwrap(it, "value")
		s, ok := asString(x)
		if !ok {
			return v, c.fail(i, "Expected a string")
		}
		v.s = s
	case tNumber:
		x, _ := unwrap(it, "value")
		f, ok := asNumber(x)
		if !ok {
			return v, c.fail(i, "Expected a number")
		}
		v.f, v.s = f, decimalText(x, f)
	case tRating:
		x, _ := unwrap(it, "value")
		f, ok := asNumber(x)
		if !ok || f < 0 || f > 5 || f != math.Trunc(f) {
			return v, c.fail(i, "Expected an integer between 0 and 5")
		}
		v.f = f
	case tCheckbox:
		x, _ := unwrap(it, "value")
		switch b := x.(type) {
		case bool:
			if b {
				v.f = 1
			}
		case string:
			switch b {
			case "true":
				v.f = 1
			case "false":
			default:
				return v, c.fail(i, "Expected a boolean")
			}
		default:
			return v, c.fail(i, "Expected a boolean")
		}
	case tCurrency:
		x, m := unwrap(it, "currency_value")
		f, ok := asNumber(x)
		if !ok {
			return v, c.fail(i, "Expected a number for currency_value")
		}
		v.f = math.Round(f*10000) / 10000
		amount := decimalText(x, f)
		if _, frac, ok := strings.Cut(amount, "."); ok && len(frac) > 4 {
			amount = decimalText(nil, v.f) // Attio keeps at most 4 decimal places
		}
		if m != nil {
			if _, ok := m["currency_code"]; ok {
				// The input schema is {currency_value} with additionalProperties false: the
				// currency belongs to the attribute, so a USD attribute cannot hold a EUR value.
				return v, validation("Body payload validation error.").with(append(append([]any{}, c.path...), i, "currency_code"),
					"unrecognized_keys", "Unrecognized key(s) in object: 'currency_code'")
			}
		}
		v.s = packCurrency(a.currency, amount)
	case tDate:
		x, _ := unwrap(it, "value")
		s, ok := asString(x)
		d, ok2 := coerceDate(s)
		if !ok || !ok2 {
			return v, c.fail(i, "Expected an ISO 8601 date")
		}
		v.s = d
	case tTimestamp:
		x, _ := unwrap(it, "value")
		s, ok := asString(x)
		n, ok2 := coerceTimestamp(s)
		if !ok || !ok2 {
			return v, c.fail(i, "Expected an ISO 8601 timestamp")
		}
		v.s = fmtTS(n)
	case tSelect:
		x, _ := unwrap(it, "option")
		s, ok := asString(x)
		if !ok || s == "" {
			return v, c.fail(i, "Expected a select option title or ID")
		}
		o := a.findOption(s)
		if o == nil || o.archived {
			return v, valueNotFound("Cannot find select option with title or ID \"%s\" for attribute \"%s\".", s, a.slug)
		}
		v.ref = o.id
	case tStatus:
		x, _ := unwrap(it, "status")
		s, ok := asString(x)
		if !ok || s == "" {
			return v, c.fail(i, "Expected a status title or ID")
		}
		st := a.findStatus(s)
		if st == nil || st.archived {
			return v, valueNotFound("Cannot find status with title or ID \"%s\" for attribute \"%s\".", s, a.slug)
		}
		v.ref = st.id
	case tRecordRef:
		return c.coerceRef(i, it)
	case tActorRef:
		var id string
		switch x := it.(type) {
		case string:
			id = x
		case map[string]any:
			if e, ok := x["workspace_member_email_address"].(string); ok {
				id = e
			} else {
				t, _ := x["referenced_actor_type"].(string)
				if t != "" && t != "workspace-member" {
					return v, c.fail(i, "Only workspace members can be referenced")
				}
				id, _ = x["referenced_actor_id"].(string)
			}
		}
		if id == "" {
			return v, c.fail(i, "Expected a workspace member ID or email address")
		}
		m := c.ws.member(id)
		if m == nil {
			return v, valueNotFound("Cannot find workspace member \"%s\".", id)
		}
		v.ref = m.id
		v.aux = 1
	case tLocation:
		if text, ok := it.(string); ok {
			e, ok := parseLocation(text)
			if !ok {
				return v, c.fail(i, "Could not parse a location from the text")
			}
			v.ext = e
			break
		}
		m, ok := it.(map[string]any)
		if !ok {
			return v, c.fail(i, "Expected a location object or text")
		}
		// The spec's input schema lists the ten properties without requiring them; the docs say
		// "updates must be atomic—every property must be specified, even if it is null", and Attio
		// rejects a partial object. The docs are followed: they describe what Attio enforces.
		for _, k := range locationKeys {
			if _, ok := m[k]; !ok {
				return v, validation("Body payload validation error.").with(append(append([]any{}, c.path...), i, k),
					"invalid_type", "Required")
			}
		}
		e := &valueExt{}
		for j, k := range []string{"line_1", "line_2", "line_3", "line_4"} {
			e.lines[j], _ = m[k].(string)
		}
		e.locality, _ = m["locality"].(string)
		e.region, _ = m["region"].(string)
		e.postcode, _ = m["postcode"].(string)
		e.country, _ = m["country_code"].(string)
		e.lat = numString(m["latitude"])
		e.lng = numString(m["longitude"])
		if e.country != "" && !validCountry(e.country) {
			return v, c.fail(i, "Invalid country code")
		}
		v.ext = e
	case tDomain:
		x, _ := unwrap(it, "domain")
		s, ok := asString(x)
		d := normDomain(s)
		if !ok || d == "" || !strings.Contains(d, ".") {
			return v, c.fail(i, "Expected a domain")
		}
		v.s = d
	case tEmail:
		x, _ := unwrap(it, "email_address")
		s, ok := asString(x)
		s = strings.TrimSpace(s)
		if !ok || !validEmail(s) {
			return v, c.fail(i, "Invalid email address")
		}
		v.s = s
	case tPhone:
		x, m := unwrap(it, "original_phone_number")
		s, ok := asString(x)
		cc := ""
		if m != nil {
			cc, _ = m["country_code"].(string)
		}
		p, country, ok2 := normPhone(s, cc)
		if !ok || !ok2 {
			return v, c.fail(i, "Invalid phone number")
		}
		v.s = p
		if s != p {
			v.s = p + "\x00" + s
		}
		v.aux = packCC(country)
	case tPersonalName:
		switch x := it.(type) {
		case string:
			f, l := splitFull(x)
			v.s = packName(f, l, strings.TrimSpace(x))
		case map[string]any:
			f, _ := x["first_name"].(string)
			l, _ := x["last_name"].(string)
			full, _ := x["full_name"].(string)
			if full == "" {
				full = strings.TrimSpace(f + " " + l)
			}
			if f == "" && l == "" && full != "" {
				f, l = splitFull(full)
			}
			v.s = packName(f, l, full)
		default:
			return v, c.fail(i, "Expected a name")
		}
	case tInteraction:
		m, ok := it.(map[string]any)
		if !ok {
			return v, c.fail(i, "Expected an interaction object")
		}
		t, _ := m["interaction_type"].(string)
		idx := indexOf(interactionTypes, t)
		s, _ := m["interacted_at"].(string)
		n, ok2 := coerceTimestamp(s)
		if idx < 0 || !ok2 {
			return v, c.fail(i, "Invalid interaction")
		}
		v.aux = uint16(idx)
		v.ext = &valueExt{interactedAt: n}
	}
	return v, nil
}

func (c coerceCtx) coerceRef(i int, it any) (value, *apiError) {
	var v value
	var target *collection
	switch x := it.(type) {
	case string:
		u, ok := parseUUID(x)
		if !ok || len(c.a.allowed) != 1 {
			return v, c.fail(i, "Expected an object with target_object and target_record_id")
		}
		target = c.objectByID(c.a.allowed[0])
		if target == nil || target.byID[u] == nil {
			return v, valueNotFound("Record with ID \"%s\" not found.", x)
		}
		v.ref, v.aux = u, uint16(target.idx)
		return v, nil
	case map[string]any:
		t, _ := x["target_object"].(string)
		if t == "" && len(c.a.allowed) == 1 {
			target = c.objectByID(c.a.allowed[0])
		} else {
			target = c.ws.object(t)
		}
		if target == nil {
			return v, valueNotFound("Cannot find object with slug/ID \"%s\".", t)
		}
		if !c.allows(target) {
			return v, c.fail(i, "Object \""+target.slug+"\" is not allowed for this attribute")
		}
		if rid, ok := x["target_record_id"].(string); ok {
			u, ok := parseUUID(rid)
			if !ok || target.byID[u] == nil {
				return v, valueNotFound("Record with ID \"%s\" not found.", rid)
			}
			v.ref, v.aux = u, uint16(target.idx)
			return v, nil
		}
		for k, raw := range x {
			if k == "target_object" {
				continue
			}
			ma := target.attr(k)
			if ma == nil {
				return v, valueNotFound("Cannot find attribute with slug/ID \"%s\".", k)
			}
			if !ma.unique {
				return v, validation("Matching attribute \"%s\" must be unique.", ma.slug)
			}
			vals, err := coerceCtx{ws: c.ws, a: ma, path: append(c.path, i, k)}.coerceAll(raw)
			if err != nil {
				return v, err
			}
			if len(vals) != 1 {
				return v, c.fail(i, "Expected exactly one matching value")
			}
			rec := target.lookupUnique(ma, &vals[0])
			if rec == nil {
				return v, valueNotFound("Cannot find %s record with %s \"%s\".", target.slug, ma.slug, displayKey(ma, &vals[0]))
			}
			v.ref, v.aux = rec.id, uint16(target.idx)
			return v, nil
		}
		return v, c.fail(i, "Expected target_record_id or a matching attribute")
	}
	return v, c.fail(i, "Expected a record reference")
}

func (c coerceCtx) objectByID(id uuid) *collection {
	for _, o := range c.ws.objects {
		if o.id == id {
			return o
		}
	}
	return nil
}

func (c coerceCtx) allows(o *collection) bool {
	if c.a.allowed == nil {
		return true
	}
	for _, id := range c.a.allowed {
		if id == o.id {
			return true
		}
	}
	return false
}

func numString(v any) string {
	switch n := v.(type) {
	case string:
		return n
	case json.Number:
		return n.String()
	case float64:
		return strconv.FormatFloat(n, 'f', -1, 64)
	}
	return ""
}

func splitFull(s string) (string, string) {
	s = strings.TrimSpace(s)
	if last, first, ok := strings.Cut(s, ","); ok {
		return strings.TrimSpace(first), strings.TrimSpace(last)
	}
	i := strings.LastIndexByte(s, ' ')
	if i < 0 {
		return s, ""
	}
	return strings.TrimSpace(s[:i]), s[i+1:]
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

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

// sameValue tells whether two values carry the same content (ignoring when
// and by whom they were written); used to skip no-op writes and dedupe.
func sameValue(a, b *value) bool {
	if a.attr != b.attr || a.s != b.s || a.f != b.f || a.ref != b.ref || a.aux != b.aux {
		return false
	}
	if (a.ext == nil) != (b.ext == nil) {
		return false
	}
	return a.ext == nil || *a.ext == *b.ext
}

// uniqKey is the normalised form used by unique indexes and matching.
func uniqKey(a *attribute, v *value) string {
	switch a.typ {
	case tEmail, tDomain:
		return strings.ToLower(v.s)
	case tPhone:
		p, _ := splitPhone(v.s)
		return p
	case tNumber, tRating, tCurrency:
		return strconv.FormatFloat(v.f, 'g', -1, 64)
	case tSelect, tStatus, tRecordRef, tActorRef:
		return v.ref.String()
	case tPersonalName:
		_, _, full := splitName(v.s)
		return full
	}
	return v.s
}

func displayKey(a *attribute, v *value) string { return uniqKey(a, v) }

func (c *collection) lookupUnique(a *attribute, v *value) *item {
	if a.derived == dRecordID {
		if u, ok := parseUUID(v.s); ok {
			return c.byID[u]
		}
		return nil
	}
	if idx := c.uniq[a.idx]; idx != nil {
		return idx[uniqKey(a, v)]
	}
	return nil
}

// ---------------------------------------------------------------- rendering

func (ws *workspace) writeActor(w *jw, i int32) {
	a := ws.actors[i]
	w.objOpen()
	w.kv("type", a.typ)
	w.key("id")
	if a.typ == "system" {
		w.null()
	} else {
		w.id(a.id)
	}
	w.objClose()
}

// writeValue renders one value in Attio's output shape: history fields, the
// type's own fields, then attribute_type (the order the live API uses).
func (ws *workspace) writeValue(w *jw, a *attribute, v *value) {
	w.objOpen()
	w.key("active_from")
	w.ts(v.from)
	w.key("active_until")
	if v.until == 0 {
		w.null()
	} else {
		w.ts(v.until)
	}
	w.key("created_by_actor")
	ws.writeActor(w, v.actor)
	switch a.typ {
	case tText, tDate, tTimestamp:
		w.kv("value", v.s)
	case tNumber:
		w.key("value")
		if v.s != "" {
			w.raw([]byte(v.s))
		} else {
			w.num(v.f)
		}
	case tRating:
		w.key("value")
		w.num(v.f)
	case tCheckbox:
		w.key("value")
		w.boolean(v.f != 0)
	case tCurrency:
		code, amount := splitCurrency(v.s)
		w.key("currency_value")
		if amount != "" {
			w.raw([]byte(amount))
		} else {
			w.num(v.f)
		}
		w.key("currency_code")
		w.strOrNull(code)
	case tSelect:
		w.key("option")
		o := a.optionByID(v.ref)
		if o == nil {
			o = &option{id: v.ref}
		}
		ws.writeOption(w, a, o)
	case tStatus:
		w.key("status")
		st := a.statusByID(v.ref)
		if st == nil {
			st = &status{id: v.ref}
		}
		ws.writeStatus(w, a, st)
	case tRecordRef:
		slug := ""
		if int(v.aux) < len(ws.objects) {
			slug = ws.objects[v.aux].slug
		}
		w.kv("target_object", slug)
		w.kid("target_record_id", v.ref)
	case tActorRef:
		w.kv("referenced_actor_type", actorTypes[v.aux])
		w.key("referenced_actor_id")
		if v.aux == 0 {
			w.null()
		} else {
			w.id(v.ref)
		}
	case tLocation:
		e := v.ext
		if e == nil {
			e = &valueExt{}
		}
		for i, k := range []string{"line_1", "line_2", "line_3", "line_4"} {
			w.key(k)
			w.strOrNull(e.lines[i])
		}
		w.key("locality")
		w.strOrNull(e.locality)
		w.key("region")
		w.strOrNull(e.region)
		w.key("postcode")
		w.strOrNull(e.postcode)
		w.key("country_code")
		w.strOrNull(e.country)
		w.key("latitude")
		w.strOrNull(e.lat)
		w.key("longitude")
		w.strOrNull(e.lng)
	case tDomain:
		w.kv("domain", v.s)
		w.kv("root_domain", rootDomain(v.s))
	case tEmail:
		lower := strings.ToLower(v.s)
		local, dom, _ := strings.Cut(lower, "@")
		w.kv("original_email_address", v.s)
		w.kv("email_address", lower)
		w.kv("email_domain", dom)
		w.kv("email_root_domain", rootDomain(dom))
		w.kv("email_local_specifier", local)
	case tPhone:
		p, orig := splitPhone(v.s)
		w.kv("phone_number", p)
		w.kv("original_phone_number", orig)
		w.kv("country_code", unpackCC(v.aux))
	case tPersonalName:
		f, l, full := splitName(v.s)
		w.kv("first_name", f)
		w.kv("last_name", l)
		w.kv("full_name", full)
	case tInteraction:
		w.kv("interaction_type", interactionTypes[v.aux])
		e := v.ext
		if e == nil {
			e = &valueExt{}
		}
		w.key("interacted_at")
		w.ts(e.interactedAt)
		w.key("owner_actor")
		ws.writeActor(w, e.owner)
	}
	w.kv("attribute_type", a.typ.String())
	w.objClose()
}

func (ws *workspace) writeOption(w *jw, a *attribute, o *option) {
	w.objOpen()
	w.key("id")
	w.objOpen()
	w.kid("workspace_id", ws.id)
	w.kid("object_id", a.owner.id)
	w.kid("attribute_id", a.id)
	w.kid("option_id", o.id)
	w.objClose()
	w.kv("title", o.title)
	w.key("is_archived")
	w.boolean(o.archived)
	w.objClose()
}

func (ws *workspace) writeStatus(w *jw, a *attribute, st *status) {
	w.objOpen()
	w.key("id")
	w.objOpen()
	w.kid("workspace_id", ws.id)
	w.kid("object_id", a.owner.id)
	w.kid("attribute_id", a.id)
	w.kid("status_id", st.id)
	w.objClose()
	w.kv("title", st.title)
	w.key("is_archived")
	w.boolean(st.archived)
	w.key("target_time_in_status")
	w.strOrNull(st.targetTime)
	w.key("celebration_enabled")
	w.boolean(st.celebration)
	w.objClose()
}

// derivedValue synthesises the value of record_id / created_at / created_by.
func derivedValue(a *attribute, it *item) value {
	v := value{attr: a.idx, from: it.createdAt, actor: it.createdBy}
	switch a.derived {
	case dRecordID:
		v.s = it.id.String()
	case dCreatedAt:
		v.s = fmtTS(it.createdAt)
	case dCreatedBy:
		v.aux = 0
		return v
	}
	return v
}

// writeAttrValues writes the active (or all, when historic) values of one
// attribute as a JSON array.
func (ws *workspace) writeAttrValues(w *jw, a *attribute, it *item, historic bool, limit, offset int) {
	w.arrOpen()
	if a.derived != dNone {
		if offset == 0 && limit != 0 {
			v := derivedValue(a, it)
			if a.derived == dCreatedBy {
				act := ws.actors[it.createdBy]
				v.aux, _ = actorTypeCode(act.typ)
				v.ref = act.id
			}
			ws.writeValue(w, a, &v)
		}
		w.arrClose()
		return
	}
	n := 0
	for i := range it.vals {
		v := &it.vals[i]
		if v.attr != a.idx || (!historic && v.until != 0) {
			continue
		}
		if n >= offset && (limit < 0 || n < offset+limit) {
			ws.writeValue(w, a, v)
		}
		n++
	}
	w.arrClose()
}

func sprintf(format string, args ...any) string {
	if len(args) == 0 {
		return format
	}
	return fmtSprintf(format, args...)
}
