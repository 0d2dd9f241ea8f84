package sandbox

import (
	"strconv"
	"strings"
	"time"
)

// The contact types of valueTypes: values with several parts (domains, addresses, names, places,
// interactions).

// domainType: s, normalised.
type domainType struct{ valueBase }

func (domainType) coerce(c coerceCtx, i int, it any) (value, *apiError) {
	s, ok := stringAt(it, "domain")
	d := normDomain(s)
	if !ok || d == "" || !strings.Contains(d, ".") {
		return value{}, c.fail(i, "Expected a domain")
	}
	return value{s: d}, nil
}

func (domainType) write(_ *workspace, w *jw, _ *attribute, v *value) {
	w.kv("domain", v.s)
	w.kv("root_domain", rootDomain(v.s))
}

func (domainType) property(_ *workspace, name string) (prop, bool) {
	switch name {
	case "", "domain":
		return valueProp(kString, true, func(v *value) string { return v.s }), true
	case "root_domain":
		return valueProp(kString, true, func(v *value) string { return rootDomain(v.s) }), true
	}
	return prop{}, false
}

func (domainType) generate(g *generator, _ *attribute, r *genRecord, v *value) bool {
	v.s = strings.ToLower(strings.ReplaceAll(r.company, " ", "")) + "-" + g.tag + strconv.Itoa(r.i) + ".com"
	return true
}

func (domainType) uniqKey(v *value) string { return strings.ToLower(v.s) }

func (domainType) search(_ *attribute, v *value, d *searchDoc) { d.add(strings.ToLower(v.s)) }

// emailType: s = the address as written.
type emailType struct{ valueBase }

func (emailType) coerce(c coerceCtx, i int, it any) (value, *apiError) {
	s, ok := stringAt(it, "email_address")
	s = strings.TrimSpace(s)
	if !ok || !validEmail(s) {
		return value{}, c.fail(i, "Invalid email address")
	}
	return value{s: s}, nil
}

func (emailType) write(_ *workspace, w *jw, _ *attribute, v *value) {
	lower := strings.ToLower(v.s)
	local, dom, _ := strings.Cut(lower, "@")
	w.kv("original_email_address", v.s)
	w.kv("email_address", lower)
	w.kv("email_domain", dom)
	w.kv("email_root_domain", rootDomain(dom))
	w.kv("email_local_specifier", local)
}

func (emailType) property(_ *workspace, name string) (prop, bool) {
	part := func(f func(lower string) string) prop {
		return valueProp(kString, true, func(v *value) string { return f(strings.ToLower(v.s)) })
	}
	switch name {
	case "", "email_address":
		return part(func(l string) string { return l }), true
	case "original_email_address":
		return strProp(func(v *value) string { return v.s }), true
	case "email_domain":
		return part(func(l string) string { _, d, _ := strings.Cut(l, "@"); return d }), true
	case "email_root_domain":
		return part(func(l string) string { _, d, _ := strings.Cut(l, "@"); return rootDomain(d) }), true
	case "email_local_specifier":
		return part(func(l string) string { p, _, _ := strings.Cut(l, "@"); return p }), true
	}
	return prop{}, false
}

func (emailType) generate(g *generator, _ *attribute, r *genRecord, v *value) bool {
	v.s = strings.ToLower(r.first) + "." + strings.ToLower(r.last) + "." + g.tag + strconv.Itoa(r.i) +
		"@example-" + strconv.Itoa(r.i%997) + ".com"
	return true
}

func (emailType) uniqKey(v *value) string { return strings.ToLower(v.s) }

func (emailType) search(_ *attribute, v *value, d *searchDoc) { d.add(strings.ToLower(v.s)) }

// phoneType: s = E.164 [+ "\x00" + the original when different], aux = the country.
type phoneType struct{ valueBase }

func (phoneType) coerce(c coerceCtx, i int, it any) (value, *apiError) {
	var v value
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
	return v, nil
}

func (phoneType) write(_ *workspace, w *jw, _ *attribute, v *value) {
	p, orig := splitPhone(v.s)
	w.kv("phone_number", p)
	w.kv("original_phone_number", orig)
	w.kv("country_code", unpackCC(v.aux))
}

func (phoneType) property(_ *workspace, name string) (prop, bool) {
	switch name {
	case "", "phone_number":
		return strProp(func(v *value) string { p, _ := splitPhone(v.s); return p }), true
	case "original_phone_number":
		return strProp(func(v *value) string { _, o := splitPhone(v.s); return o }), true
	case "country_code":
		return strProp(func(v *value) string { return unpackCC(v.aux) }), true
	}
	return prop{}, false
}

func (phoneType) generate(g *generator, _ *attribute, _ *genRecord, v *value) bool {
	v.s = "+1415" + strconv.Itoa(1000000+g.rnd.IntN(8999999))
	v.aux = packCC("US")
	return true
}

func (phoneType) uniqKey(v *value) string { p, _ := splitPhone(v.s); return p }

func (phoneType) search(_ *attribute, v *value, d *searchDoc) { d.add(phoneType{}.uniqKey(v)) }

// personalNameType: s = first "\x00" last "\x00" full.
type personalNameType struct{ valueBase }

func (personalNameType) coerce(c coerceCtx, i int, it any) (value, *apiError) {
	switch x := it.(type) {
	case string:
		f, l := splitFull(x)
		return value{s: packName(f, l, strings.TrimSpace(x))}, nil
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
		return value{s: packName(f, l, full)}, nil
	}
	return value{}, c.fail(i, "Expected a name")
}

func (personalNameType) write(_ *workspace, w *jw, _ *attribute, v *value) {
	f, l, full := splitName(v.s)
	w.kv("first_name", f)
	w.kv("last_name", l)
	w.kv("full_name", full)
}

func (personalNameType) property(_ *workspace, name string) (prop, bool) {
	switch name {
	case "", "full_name":
		return strProp(fullName), true
	case "first_name":
		return strProp(func(v *value) string { f, _, _ := splitName(v.s); return f }), true
	case "last_name":
		return strProp(func(v *value) string { _, l, _ := splitName(v.s); return l }), true
	}
	return prop{}, false
}

func fullName(v *value) string { _, _, full := splitName(v.s); return full }

func (personalNameType) generate(_ *generator, _ *attribute, r *genRecord, v *value) bool {
	v.s = packName(r.first, r.last, r.first+" "+r.last)
	return true
}

func (personalNameType) uniqKey(v *value) string { return fullName(v) }

func (personalNameType) sql(w *jw, _ *attribute, v *value) { w.str(fullName(v)) }

// search matches the full name; the name attribute labels the hit.
func (personalNameType) search(a *attribute, v *value, d *searchDoc) {
	full := fullName(v)
	if a.slug == "name" {
		d.label = full
	}
	d.add(strings.ToLower(full))
}

// locationType: ext.
type locationType struct{ valueBase }

func (locationType) coerce(c coerceCtx, i int, it any) (value, *apiError) {
	if text, ok := it.(string); ok {
		e, ok := parseLocation(text)
		if !ok {
			return value{}, c.fail(i, "Could not parse a location from the text")
		}
		return value{ext: e}, nil
	}
	m, ok := it.(map[string]any)
	if !ok {
		return value{}, c.fail(i, "Expected a location object or text")
	}
	// The spec's input schema lists the ten properties without requiring them; the docs say
	// "updates must be atomic—every property must be specified, even if it is null", and Attio
	// rejects a partial object. The docs are followed: they describe what Attio enforces.
	for _, k := range locationKeys {
		if _, ok := m[k]; !ok {
			return value{}, validation("Body payload validation error.").with(append(append([]any{}, c.path...), i, k),
				"invalid_type", "Required")
		}
	}
	e := &valueExt{}
	for j, k := range locationLines {
		e.lines[j], _ = m[k].(string)
	}
	e.locality, _ = m["locality"].(string)
	e.region, _ = m["region"].(string)
	e.postcode, _ = m["postcode"].(string)
	e.country, _ = m["country_code"].(string)
	e.lat = numString(m["latitude"])
	e.lng = numString(m["longitude"])
	if e.country != "" && !validCountry(e.country) {
		return value{}, c.fail(i, "Invalid country code")
	}
	return value{ext: e}, nil
}

var locationLines = []string{"line_1", "line_2", "line_3", "line_4"}

func (locationType) write(_ *workspace, w *jw, _ *attribute, v *value) {
	e := v.ext
	if e == nil {
		e = &valueExt{}
	}
	for i, k := range locationLines {
		w.key(k)
		w.strOrNull(e.lines[i])
	}
	for _, kv := range [...]struct{ k, v string }{{"locality", e.locality}, {"region", e.region}, {"postcode", e.postcode},
		{"country_code", e.country}, {"latitude", e.lat}, {"longitude", e.lng}} {
		w.key(kv.k)
		w.strOrNull(kv.v)
	}
}

// locationParts reads each property of a location; locality is the default one.
var locationParts = map[string]func(e *valueExt) string{
	"line_1": func(e *valueExt) string { return e.lines[0] }, "line_2": func(e *valueExt) string { return e.lines[1] },
	"line_3": func(e *valueExt) string { return e.lines[2] }, "line_4": func(e *valueExt) string { return e.lines[3] },
	"locality": func(e *valueExt) string { return e.locality }, "region": func(e *valueExt) string { return e.region },
	"postcode": func(e *valueExt) string { return e.postcode }, "country_code": func(e *valueExt) string { return e.country },
	"latitude": func(e *valueExt) string { return e.lat }, "longitude": func(e *valueExt) string { return e.lng },
}

func (locationType) property(_ *workspace, name string) (prop, bool) {
	if name == "" {
		name = "locality"
	}
	g := locationParts[name]
	return strProp(func(v *value) string {
		if v.ext == nil {
			return ""
		}
		return g(v.ext)
	}), g != nil
}

func (locationType) generate(g *generator, _ *attribute, _ *genRecord, v *value) bool {
	v.ext = &genCities[g.rnd.IntN(len(genCities))]
	return true
}

// interactionType: aux = the interaction type (interactionTypes), ext = when and whose.
type interactionType struct{ valueBase }

func (interactionType) coerce(c coerceCtx, i int, it any) (value, *apiError) {
	m, ok := it.(map[string]any)
	if !ok {
		return value{}, c.fail(i, "Expected an interaction object")
	}
	t, _ := m["interaction_type"].(string)
	idx := indexOf(interactionTypes, t)
	s, _ := m["interacted_at"].(string)
	n, ok2 := coerceTimestamp(s)
	if idx < 0 || !ok2 {
		return value{}, c.fail(i, "Invalid interaction")
	}
	return value{aux: uint16(idx), ext: &valueExt{interactedAt: n}}, nil
}

func (interactionType) write(ws *workspace, w *jw, _ *attribute, v *value) {
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

func (interactionType) property(ws *workspace, name string) (prop, bool) {
	switch name {
	case "", "interacted_at":
		return prop{kind: kTime, tim: func(_ *item, v *value) int64 {
			if v.ext == nil {
				return 0
			}
			return v.ext.interactedAt
		}}, true
	case "interaction_type":
		return strProp(func(v *value) string { return interactionTypes[v.aux] }), true
	case "owner_member_id":
		// Documented on the interaction attribute type: the workspace member who owns the
		// interaction (owner_actor.id when owner_actor.type is workspace-member).
		return strProp(func(v *value) string {
			if v.ext == nil {
				return ""
			}
			act := ws.actors[v.ext.owner]
			if act.typ != "workspace-member" {
				return ""
			}
			return act.id.String()
		}), true
	}
	return prop{}, false
}

func (interactionType) generate(g *generator, _ *attribute, r *genRecord, v *value) bool {
	v.aux = uint16(g.rnd.IntN(len(interactionTypes)))
	v.ext = &valueExt{interactedAt: r.it.createdAt + g.rnd.Int64N(int64(30*24*time.Hour)), owner: g.actors[g.rnd.IntN(len(g.actors))]}
	return true
}
