package sandbox

// The reference types of valueTypes: values that point at something else (an option or status of
// the attribute, a record, an actor).

// choiceType is select and status: ref = the option or status id. k says which of the two.
type choiceType[T interface{ base() *choice }] struct{ k *choices[T] }

func (t choiceType[T]) coerce(c coerceCtx, i int, it any) (value, *apiError) {
	s, ok := stringAt(it, t.k.param)
	if !ok || s == "" {
		return value{}, c.fail(i, "Expected a "+t.k.noun+" title or ID")
	}
	x, ok := findChoice(*t.k.items(c.a), s)
	if !ok || x.base().archived {
		return value{}, valueNotFound("Cannot find "+t.k.noun+" with title or ID \"%s\" for attribute \"%s\".", s, c.a.slug)
	}
	return value{ref: x.base().id}, nil
}

// byID is the attribute's option or status of that id, if any.
func (t choiceType[T]) byID(a *attribute, u uuid) (T, bool) {
	for _, x := range *t.k.items(a) {
		if x.base().id == u {
			return x, true
		}
	}
	var zero T
	return zero, false
}

func (t choiceType[T]) title(a *attribute, _ *item, v *value) string {
	if x, ok := t.byID(a, v.ref); ok {
		return x.base().title
	}
	return ""
}

func (t choiceType[T]) write(ws *workspace, w *jw, a *attribute, v *value) {
	w.key(t.k.param)
	x, ok := t.byID(a, v.ref)
	if !ok {
		x = t.k.make(choice{id: v.ref})
	}
	t.k.write(ws, w, a, x)
}

// property: the option or status itself matches its title or id; title and id match one each.
func (t choiceType[T]) property(_ *workspace, name string) (prop, bool) {
	switch name {
	case "", t.k.param:
		return prop{kind: kChoice, str: t.title}, true
	case "title":
		return prop{kind: kString, str: t.title}, true
	case "id", t.k.param + "_id":
		return refProp(), true
	}
	return prop{}, false
}

func (t choiceType[T]) generate(g *generator, a *attribute, _ *genRecord, v *value) bool {
	var live []uuid
	for _, x := range *t.k.items(a) {
		if !x.base().archived {
			live = append(live, x.base().id)
		}
	}
	if len(live) == 0 {
		return false
	}
	v.ref = live[g.rnd.IntN(len(live))]
	return true
}

func (choiceType[T]) uniqKey(v *value) string { return v.ref.String() }

func (t choiceType[T]) sql(w *jw, a *attribute, v *value) {
	if x, ok := t.byID(a, v.ref); ok {
		w.str(x.base().title)
	} else {
		w.null()
	}
}

func (choiceType[T]) search(*attribute, *value, *searchDoc) {}

// coerceRef reads a record reference: a bare record id (when the attribute allows one object),
// the target object and record id, or the target object and a unique attribute of the record.
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

// recordRefType: ref = the target record, aux = the target object's index.
type recordRefType struct{ refBase }

func (recordRefType) coerce(c coerceCtx, i int, it any) (value, *apiError) { return c.coerceRef(i, it) }

// readConfig: config.record_reference.allowed_objects, required, names existing objects.
func (recordRefType) readConfig(ws *workspace, cfg map[string]any, _ *attrDef) (func(a *attribute), *apiError) {
	rr, _ := cfg["record_reference"].(map[string]any)
	objs, _ := rr["allowed_objects"].([]any)
	if len(objs) == 0 {
		return nil, bodyError([]any{"data", "config", "record_reference", "allowed_objects"}, "Required for record-reference attributes")
	}
	var targets []string
	for _, o := range objs {
		s, _ := o.(string)
		if ws.object(s) == nil {
			return nil, validation("Could not find an object with slug \"%s\".", s)
		}
		targets = append(targets, s)
	}
	return func(a *attribute) { ws.resolveRefs([]pendingRef{{a: a, targets: targets}}) }, nil
}

func (recordRefType) write(ws *workspace, w *jw, _ *attribute, v *value) {
	w.kv("target_object", targetSlug(ws, v))
	w.kid("target_record_id", v.ref)
}

func targetSlug(ws *workspace, v *value) string {
	if int(v.aux) < len(ws.objects) {
		return ws.objects[v.aux].slug
	}
	return ""
}

func (recordRefType) property(ws *workspace, name string) (prop, bool) {
	switch name {
	case "", "target_record_id":
		return refProp(), true
	case "target_object":
		return strProp(func(v *value) string { return targetSlug(ws, v) }), true
	}
	return prop{}, false
}

func (recordRefType) generate(g *generator, a *attribute, _ *genRecord, v *value) bool {
	ids := g.targets[a.idx]
	if len(ids) == 0 {
		return false
	}
	v.ref = ids[g.rnd.IntN(len(ids))]
	for _, o := range g.ws.objects {
		if o.id == a.allowed[0] {
			v.aux = uint16(o.idx)
		}
	}
	return true
}

// refBase is what record and actor references share: matched and selected by the id.
type refBase struct{ valueBase }

func (refBase) uniqKey(v *value) string { return v.ref.String() }

func (refBase) sql(w *jw, _ *attribute, v *value) { w.str(v.ref.String()) }

// actorRefType: ref = the actor id, aux = the actor type (actorTypes).
type actorRefType struct{ refBase }

func (actorRefType) coerce(c coerceCtx, i int, it any) (value, *apiError) {
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
				return value{}, c.fail(i, "Only workspace members can be referenced")
			}
			id, _ = x["referenced_actor_id"].(string)
		}
	}
	if id == "" {
		return value{}, c.fail(i, "Expected a workspace member ID or email address")
	}
	m := c.ws.member(id)
	if m == nil {
		return value{}, valueNotFound("Cannot find workspace member \"%s\".", id)
	}
	return value{ref: m.id, aux: 1}, nil
}

func (actorRefType) write(_ *workspace, w *jw, _ *attribute, v *value) {
	w.kv("referenced_actor_type", actorTypes[v.aux])
	w.key("referenced_actor_id")
	if v.aux == 0 {
		w.null()
	} else {
		w.id(v.ref)
	}
}

func (actorRefType) property(_ *workspace, name string) (prop, bool) {
	switch name {
	case "", "referenced_actor_id":
		return refProp(), true
	case "referenced_actor_type":
		return strProp(func(v *value) string { return actorTypes[v.aux] }), true
	}
	return prop{}, false
}

func (actorRefType) generate(g *generator, _ *attribute, _ *genRecord, v *value) bool {
	if len(g.ws.members) == 0 {
		return false
	}
	v.ref, v.aux = g.ws.members[g.rnd.IntN(len(g.ws.members))].id, 1
	return true
}
