package sandbox

// propKind says how a property compares.
type propKind uint8

const (
	kString propKind = iota
	kNumber
	kTime // nanoseconds
	kDate // YYYY-MM-DD string
	kBool
	kChoice // select/status: str is the title; $eq and $in match the title or the id
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
	switch a.derived {
	case dRecordID:
		if isValueKey(name) {
			return prop{kind: kString, order: true, str: func(_ *attribute, it *item, _ *value) string { return it.id.String() }}, nil
		}
	case dCreatedAt:
		if isValueKey(name) {
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
	if p, ok := a.typ.impl().property(ws, name); ok {
		return p, nil
	}
	return prop{}, filterError("Unknown property \"%s\" for attribute \"%s\" of type %s.", name, a.slug, a.typ)
}
