package sandbox

import (
	"encoding/json"
	"math"
	"regexp"
	"strconv"
	"strings"
)

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
