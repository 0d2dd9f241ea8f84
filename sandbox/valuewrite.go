package sandbox

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
	a.typ.impl().write(ws, w, a, v)
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
