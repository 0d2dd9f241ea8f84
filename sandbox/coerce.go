package sandbox

import (
	"encoding/json"
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

// coerce turns one item into the stored value of the attribute's type (valueTypes).
func (c coerceCtx) coerce(i int, it any) (value, *apiError) { return c.a.typ.impl().coerce(c, i, it) }
