package sandbox

import (
	"encoding/json"
	"strconv"
	"strings"
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
