package sandbox

import "strings"

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
			o = &option{choice{id: v.ref}}
		}
		ws.writeOption(w, a, o)
	case tStatus:
		w.key("status")
		st := a.statusByID(v.ref)
		if st == nil {
			st = &status{choice: choice{id: v.ref}}
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
	ws.writeChoice(w, a, "option_id", &o.choice)
	w.objClose()
}

func (ws *workspace) writeStatus(w *jw, a *attribute, st *status) {
	ws.writeChoice(w, a, "status_id", &st.choice)
	w.key("target_time_in_status")
	w.strOrNull(st.targetTime)
	w.key("celebration_enabled")
	w.boolean(st.celebration)
	w.objClose()
}

// writeChoice opens an option or status object and writes what they share.
func (ws *workspace) writeChoice(w *jw, a *attribute, idKey string, c *choice) {
	w.objOpen()
	w.key("id")
	w.objOpen()
	w.kid("workspace_id", ws.id)
	w.kid("object_id", a.owner.id)
	w.kid("attribute_id", a.id)
	w.kid(idKey, c.id)
	w.objClose()
	w.kv("title", c.title)
	w.key("is_archived")
	w.boolean(c.archived)
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
