package sandbox

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// The scalar types of valueTypes: one value each, in {"value": ...} (currency in
// {"currency_value": ...}).

// textType: s.
type textType struct{ valueBase }

func (textType) coerce(c coerceCtx, i int, it any) (value, *apiError) {
	return c.parsed(i, it, func(s string) (string, bool) { return s, true }, "Expected a string")
}

// parsed coerces a string in {"value": ...} (or bare) through parse, to value.s.
func (c coerceCtx) parsed(i int, it any, parse func(string) (string, bool), msg string) (value, *apiError) {
	s, ok := stringAt(it, "value")
	p, ok2 := parse(s)
	if !ok || !ok2 {
		return value{}, c.fail(i, msg)
	}
	return value{s: p}, nil
}

func (textType) write(_ *workspace, w *jw, _ *attribute, v *value) { w.kv("value", v.s) }

func (textType) property(_ *workspace, name string) (prop, bool) {
	return strProp(func(v *value) string { return v.s }), isValueKey(name)
}

func (textType) generate(g *generator, a *attribute, r *genRecord, v *value) bool {
	switch a.slug {
	case "name":
		if g.c.slug == "deals" {
			v.s = r.company + " " + g.pick(genWords)
		} else {
			v.s = r.company
		}
	case "job_title":
		v.s = g.pick(genTitles)
	case "avatar_url", "logo_url":
		v.s = "https://assets.example.com/" + g.pick(genWords) + ".png"
	case "linkedin":
		v.s = "https://www.linkedin.com/in/" + strings.ToLower(r.first)
	case "twitter", "instagram", "facebook", "angellist":
		v.s = strings.ToLower(r.first) + strings.ToLower(r.last)
	default:
		if a.unique {
			v.s = g.tag + "-" + strconv.Itoa(r.i)
		} else {
			v.s = g.pick(genWords) + " " + g.pick(genWords) + " " + g.pick(genWords)
		}
	}
	return true
}

// search matches the text of name and title attributes, which also label the hit.
func (textType) search(a *attribute, v *value, d *searchDoc) {
	if a.slug == "name" || a.slug == "title" {
		d.label = v.s
		d.add(strings.ToLower(v.s))
	}
}

// numberType: f (for filters and sorts), s = the exact decimal text as written.
type numberType struct{ numeric }

func (numberType) coerce(c coerceCtx, i int, it any) (value, *apiError) {
	x, _ := unwrap(it, "value")
	f, ok := asNumber(x)
	if !ok {
		return value{}, c.fail(i, "Expected a number")
	}
	return value{f: f, s: decimalText(x, f)}, nil
}

func (numberType) write(_ *workspace, w *jw, _ *attribute, v *value) {
	w.key("value")
	writeDecimal(w, v.s, v.f)
}

func (numberType) generate(g *generator, _ *attribute, _ *genRecord, v *value) bool {
	v.f = float64(g.rnd.IntN(100000))
	return true
}

// ratingType: f, an integer 0..5.
type ratingType struct{ numeric }

func (ratingType) coerce(c coerceCtx, i int, it any) (value, *apiError) {
	x, _ := unwrap(it, "value")
	f, ok := asNumber(x)
	if !ok || f < 0 || f > 5 || f != math.Trunc(f) {
		return value{}, c.fail(i, "Expected an integer between 0 and 5")
	}
	return value{f: f}, nil
}

func (ratingType) write(_ *workspace, w *jw, _ *attribute, v *value) {
	w.key("value")
	w.num(v.f)
}

func (ratingType) generate(g *generator, _ *attribute, _ *genRecord, v *value) bool {
	v.f = float64(g.rnd.IntN(6))
	return true
}

// numeric is what numbers and ratings share: compared, matched and selected by f.
type numeric struct{ valueBase }

func (numeric) property(_ *workspace, name string) (prop, bool) {
	return numProp(kNumber), isValueKey(name)
}

func (numeric) uniqKey(v *value) string { return floatKey(v) }

func (numeric) sql(w *jw, _ *attribute, v *value) { w.num(v.f) }

func floatKey(v *value) string { return strconv.FormatFloat(v.f, 'g', -1, 64) }

// writeDecimal writes a number as the caller wrote it when that text is kept, else from f.
func writeDecimal(w *jw, text string, f float64) {
	if text != "" {
		w.raw([]byte(text))
	} else {
		w.num(f)
	}
}

// checkboxType: f, 0 or 1.
type checkboxType struct{ valueBase }

func (checkboxType) coerce(c coerceCtx, i int, it any) (value, *apiError) {
	var v value
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
	return v, nil
}

func (checkboxType) write(_ *workspace, w *jw, _ *attribute, v *value) {
	w.key("value")
	w.boolean(v.f != 0)
}

func (checkboxType) property(_ *workspace, name string) (prop, bool) {
	return numProp(kBool), isValueKey(name)
}

func (checkboxType) generate(g *generator, _ *attribute, _ *genRecord, v *value) bool {
	v.f = float64(g.rnd.IntN(2))
	return true
}

func (checkboxType) sql(w *jw, _ *attribute, v *value) { w.boolean(v.f != 0) }

// currencyType: f = amount, s = code ("" = null) + "\x00" + the exact decimal text.
type currencyType struct{ valueBase }

func (currencyType) coerce(c coerceCtx, i int, it any) (value, *apiError) {
	var v value
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
	v.s = packCurrency(c.a.currency, amount)
	return v, nil
}

// readConfig: config.currency names the default currency (USD when absent) and a display type.
func (currencyType) readConfig(_ *workspace, cfg map[string]any, def *attrDef) (func(a *attribute), *apiError) {
	cur, _ := cfg["currency"].(map[string]any)
	def.Currency, _ = cur["default_currency_code"].(string)
	if def.Currency == "" {
		def.Currency = "USD"
	}
	if !validCurrency(def.Currency) {
		return nil, bodyError([]any{"data", "config", "currency", "default_currency_code"}, "Invalid enum value")
	}
	return func(a *attribute) {
		if dt, _ := cur["display_type"].(string); dt != "" {
			a.currencyFmt = dt
		}
	}, nil
}

func (currencyType) write(_ *workspace, w *jw, _ *attribute, v *value) {
	code, amount := splitCurrency(v.s)
	w.key("currency_value")
	writeDecimal(w, amount, v.f)
	w.key("currency_code")
	w.strOrNull(code)
}

func (currencyType) property(_ *workspace, name string) (prop, bool) {
	switch name {
	case "", "currency_value":
		return numProp(kNumber), true
	case "currency_code":
		return strProp(func(v *value) string { code, _ := splitCurrency(v.s); return code }), true
	}
	return prop{}, false
}

func (currencyType) generate(g *generator, a *attribute, _ *genRecord, v *value) bool {
	v.f = float64(g.rnd.IntN(10_000_000)) / 100
	code := a.currency
	if code == "" {
		code = "USD"
	}
	v.s = packCurrency(code, decimalText(nil, v.f))
	return true
}

func (currencyType) uniqKey(v *value) string { return floatKey(v) }

func (currencyType) sql(w *jw, _ *attribute, v *value) {
	if _, amount := splitCurrency(v.s); amount != "" {
		w.raw([]byte(amount))
	} else {
		w.null()
	}
}

// dateType: s, YYYY-MM-DD.
type dateType struct{ valueBase }

func (dateType) coerce(c coerceCtx, i int, it any) (value, *apiError) {
	return c.parsed(i, it, coerceDate, "Expected an ISO 8601 date")
}

func (dateType) write(_ *workspace, w *jw, _ *attribute, v *value) { w.kv("value", v.s) }

func (dateType) property(_ *workspace, name string) (prop, bool) {
	return valueProp(kDate, false, func(v *value) string { return v.s }), isValueKey(name)
}

func (dateType) generate(g *generator, _ *attribute, _ *genRecord, v *value) bool {
	r := g.rnd
	v.s = time.Date(1990+r.IntN(35), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC).Format("2006-01-02")
	return true
}

// timestampType: s, the canonical nanosecond form.
type timestampType struct{ valueBase }

func (timestampType) coerce(c coerceCtx, i int, it any) (value, *apiError) {
	return c.parsed(i, it, func(s string) (string, bool) { n, ok := coerceTimestamp(s); return fmtTS(n), ok }, "Expected an ISO 8601 timestamp")
}

func (timestampType) write(_ *workspace, w *jw, _ *attribute, v *value) { w.kv("value", v.s) }

func (timestampType) property(_ *workspace, name string) (prop, bool) {
	return prop{kind: kTime, tim: func(_ *item, v *value) int64 { n, _ := coerceTimestamp(v.s); return n }}, isValueKey(name)
}

func (timestampType) generate(g *generator, _ *attribute, r *genRecord, v *value) bool {
	v.s = fmtTS(r.it.createdAt - g.rnd.Int64N(int64(365*24*time.Hour)))
	return true
}
