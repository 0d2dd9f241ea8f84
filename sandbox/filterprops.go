package sandbox

import "strings"

// propKind says how a property compares.
type propKind uint8

const (
	kString propKind = iota
	kNumber
	kTime // nanoseconds
	kDate // YYYY-MM-DD string
	kBool
	kChoice // select/status: matches title or id
)

// prop extracts one comparable field from a value.
type prop struct {
	kind  propKind
	fold  bool // compare case-insensitively on $eq (emails, domains)
	order bool // $lt.. allowed on strings (record_id)
	str   func(a *attribute, it *item, v *value) string
	num   func(v *value) float64
	tim   func(it *item, v *value) int64
}

func (fc *filterCompiler) property(a *attribute, name string) (prop, *apiError) {
	ws := fc.ws
	s := func(f func(v *value) string) func(*attribute, *item, *value) string {
		return func(_ *attribute, _ *item, v *value) string { return f(v) }
	}
	plain := prop{kind: kString, str: s(func(v *value) string { return v.s })}
	switch a.derived {
	case dRecordID:
		if name == "" || name == "value" {
			return prop{kind: kString, order: true, str: func(_ *attribute, it *item, _ *value) string { return it.id.String() }}, nil
		}
	case dCreatedAt:
		if name == "" || name == "value" {
			return prop{kind: kTime, tim: func(it *item, _ *value) int64 { return it.createdAt }}, nil
		}
	case dCreatedBy:
		switch name {
		case "", "referenced_actor_id":
			return prop{kind: kString, str: func(_ *attribute, it *item, _ *value) string {
				act := ws.actors[it.createdBy]
				if act.typ == "system" {
					return ""
				}
				return act.id.String()
			}}, nil
		case "referenced_actor_type":
			return prop{kind: kString, str: func(_ *attribute, it *item, _ *value) string { return ws.actors[it.createdBy].typ }}, nil
		}
	}
	bad := func() (prop, *apiError) {
		return prop{}, filterError("Unknown property \"%s\" for attribute \"%s\" of type %s.", name, a.slug, a.typ)
	}
	switch a.typ {
	case tText:
		if name == "" || name == "value" {
			return plain, nil
		}
	case tNumber, tRating:
		if name == "" || name == "value" {
			return prop{kind: kNumber, num: func(v *value) float64 { return v.f }}, nil
		}
	case tCheckbox:
		if name == "" || name == "value" {
			return prop{kind: kBool, num: func(v *value) float64 { return v.f }}, nil
		}
	case tCurrency:
		switch name {
		case "", "currency_value":
			return prop{kind: kNumber, num: func(v *value) float64 { return v.f }}, nil
		case "currency_code":
			return prop{kind: kString, str: s(func(v *value) string { code, _ := splitCurrency(v.s); return code })}, nil
		}
	case tDate:
		if name == "" || name == "value" {
			return prop{kind: kDate, str: s(func(v *value) string { return v.s })}, nil
		}
	case tTimestamp:
		if name == "" || name == "value" {
			return prop{kind: kTime, tim: func(_ *item, v *value) int64 { n, _ := coerceTimestamp(v.s); return n }}, nil
		}
	case tSelect:
		switch name {
		case "", "option":
			return prop{kind: kChoice}, nil
		case "title":
			return prop{kind: kString, str: func(a *attribute, _ *item, v *value) string {
				if o := a.optionByID(v.ref); o != nil {
					return o.title
				}
				return ""
			}}, nil
		case "id", "option_id":
			return prop{kind: kString, str: s(func(v *value) string { return v.ref.String() })}, nil
		}
	case tStatus:
		switch name {
		case "", "status":
			return prop{kind: kChoice}, nil
		case "title":
			return prop{kind: kString, str: func(a *attribute, _ *item, v *value) string {
				if o := a.statusByID(v.ref); o != nil {
					return o.title
				}
				return ""
			}}, nil
		case "id", "status_id":
			return prop{kind: kString, str: s(func(v *value) string { return v.ref.String() })}, nil
		}
	case tRecordRef:
		switch name {
		case "", "target_record_id":
			return prop{kind: kString, str: s(func(v *value) string { return v.ref.String() })}, nil
		case "target_object":
			return prop{kind: kString, str: s(func(v *value) string {
				if int(v.aux) < len(ws.objects) {
					return ws.objects[v.aux].slug
				}
				return ""
			})}, nil
		}
	case tActorRef:
		switch name {
		case "", "referenced_actor_id":
			return prop{kind: kString, str: s(func(v *value) string { return v.ref.String() })}, nil
		case "referenced_actor_type":
			return prop{kind: kString, str: s(func(v *value) string { return actorTypes[v.aux] })}, nil
		}
	case tDomain:
		switch name {
		case "", "domain":
			return prop{kind: kString, fold: true, str: s(func(v *value) string { return v.s })}, nil
		case "root_domain":
			return prop{kind: kString, fold: true, str: s(func(v *value) string { return rootDomain(v.s) })}, nil
		}
	case tEmail:
		part := func(f func(lower string) string) prop {
			return prop{kind: kString, fold: true, str: s(func(v *value) string { return f(strings.ToLower(v.s)) })}
		}
		switch name {
		case "", "email_address":
			return part(func(l string) string { return l }), nil
		case "original_email_address":
			return prop{kind: kString, str: s(func(v *value) string { return v.s })}, nil
		case "email_domain":
			return part(func(l string) string { _, d, _ := strings.Cut(l, "@"); return d }), nil
		case "email_root_domain":
			return part(func(l string) string { _, d, _ := strings.Cut(l, "@"); return rootDomain(d) }), nil
		case "email_local_specifier":
			return part(func(l string) string { p, _, _ := strings.Cut(l, "@"); return p }), nil
		}
	case tPhone:
		switch name {
		case "", "phone_number":
			return prop{kind: kString, str: s(func(v *value) string { p, _ := splitPhone(v.s); return p })}, nil
		case "original_phone_number":
			return prop{kind: kString, str: s(func(v *value) string { _, o := splitPhone(v.s); return o })}, nil
		case "country_code":
			return prop{kind: kString, str: s(func(v *value) string { return unpackCC(v.aux) })}, nil
		}
	case tPersonalName:
		switch name {
		case "", "full_name":
			return prop{kind: kString, str: s(func(v *value) string { _, _, f := splitName(v.s); return f })}, nil
		case "first_name":
			return prop{kind: kString, str: s(func(v *value) string { f, _, _ := splitName(v.s); return f })}, nil
		case "last_name":
			return prop{kind: kString, str: s(func(v *value) string { _, l, _ := splitName(v.s); return l })}, nil
		}
	case tLocation:
		get := map[string]func(e *valueExt) string{
			"line_1": func(e *valueExt) string { return e.lines[0] }, "line_2": func(e *valueExt) string { return e.lines[1] },
			"line_3": func(e *valueExt) string { return e.lines[2] }, "line_4": func(e *valueExt) string { return e.lines[3] },
			"locality": func(e *valueExt) string { return e.locality }, "region": func(e *valueExt) string { return e.region },
			"postcode": func(e *valueExt) string { return e.postcode }, "country_code": func(e *valueExt) string { return e.country },
			"latitude": func(e *valueExt) string { return e.lat }, "longitude": func(e *valueExt) string { return e.lng },
		}
		if name == "" {
			name = "locality"
		}
		if g := get[name]; g != nil {
			return prop{kind: kString, str: s(func(v *value) string {
				if v.ext == nil {
					return ""
				}
				return g(v.ext)
			})}, nil
		}
	case tInteraction:
		switch name {
		case "", "interacted_at":
			return prop{kind: kTime, tim: func(_ *item, v *value) int64 {
				if v.ext == nil {
					return 0
				}
				return v.ext.interactedAt
			}}, nil
		case "interaction_type":
			return prop{kind: kString, str: s(func(v *value) string { return interactionTypes[v.aux] })}, nil
		case "owner_member_id":
			// Documented on the interaction attribute type: the workspace member who owns the
			// interaction (owner_actor.id when owner_actor.type is workspace-member).
			return prop{kind: kString, str: s(func(v *value) string {
				if v.ext == nil {
					return ""
				}
				act := ws.actors[v.ext.owner]
				if act.typ != "workspace-member" {
					return ""
				}
				return act.id.String()
			})}, nil
		}
	}
	return bad()
}
