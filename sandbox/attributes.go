package sandbox

import "net/http"

func attributeRoutes(rs *routes) {
	rs.read("GET", "/v2/{target}/{identifier}/attributes", hListAttributes)
	rs.write("POST", "/v2/{target}/{identifier}/attributes", hCreateAttribute)
	rs.read("GET", "/v2/{target}/{identifier}/attributes/{attribute}", hGetAttribute)
	rs.write("PATCH", "/v2/{target}/{identifier}/attributes/{attribute}", hPatchAttribute)
}

func (rc *reqCtx) target() (*collection, *apiError) {
	id := rc.param("identifier")
	switch rc.param("target") {
	case "objects":
		if c := rc.ws.object(id); c != nil {
			return c, nil
		}
		return nil, notFound("Object with slug/ID \"%s\" not found.", id)
	case "lists":
		if c := rc.ws.list(id); c != nil {
			return c, nil
		}
		return nil, notFound("List with slug/ID \"%s\" not found.", id)
	case "activities":
		// An activity's attributes (beta; activity_records.go).
		a, err := rc.ws.findActivity(id)
		if err != nil {
			return nil, err
		}
		return a.coll, nil
	}
	return nil, notFound("Could not find endpoint \"%s %s\".", rc.r.Method, rc.path)
}

func (rc *reqCtx) attribute() (*collection, *attribute, *apiError) {
	c, err := rc.target()
	if err != nil {
		return nil, nil, err
	}
	a := c.attr(rc.param("attribute"))
	if a == nil {
		return nil, nil, notFound("Attribute with slug/ID \"%s\" not found.", rc.param("attribute"))
	}
	return c, a, nil
}

func (ws *workspace) writeAttribute(w *jw, a *attribute) {
	w.objOpen()
	w.key("id")
	w.objOpen()
	w.kid("workspace_id", ws.id)
	w.kid("object_id", a.owner.id)
	w.kid("attribute_id", a.id)
	w.objClose()
	w.kv("title", a.title)
	w.key("description")
	w.strOrNull(a.description)
	w.kv("api_slug", a.slug)
	w.kv("type", a.typ.String())
	w.key("is_system_attribute")
	w.boolean(a.system)
	w.key("is_writable")
	w.boolean(a.writable && a.derived == dNone)
	w.key("is_required")
	w.boolean(a.required)
	w.key("is_unique")
	w.boolean(a.unique)
	w.key("is_multiselect")
	w.boolean(a.multi)
	w.key("is_default_value_enabled")
	w.boolean(a.defaultJSON != nil)
	w.key("is_archived")
	w.boolean(a.archived)
	w.key("default_value")
	if a.defaultJSON != nil {
		w.raw(a.defaultJSON)
	} else {
		w.null()
	}
	w.key("relationship")
	if a.relation != nil {
		w.objOpen()
		w.key("id")
		w.objOpen()
		w.kid("workspace_id", ws.id)
		w.kid("object_id", a.relation.owner.id)
		w.kid("attribute_id", a.relation.id)
		w.objClose()
		// Attio's 2026 relationship names the related attribute and its multiplicity.
		w.kv("object_slug", a.relation.owner.slug)
		w.kv("title", a.relation.title)
		w.kv("api_slug", a.relation.slug)
		w.key("is_multiselect")
		w.boolean(a.relation.multi)
		w.objClose()
	} else {
		w.null()
	}
	w.key("created_at")
	w.ts(a.createdAt)
	w.key("config")
	w.objOpen()
	w.key("currency")
	w.objOpen()
	w.key("default_currency_code")
	w.strOrNull(a.currency)
	w.key("display_type")
	w.strOrNull(a.currencyFmt)
	w.objClose()
	w.key("record_reference")
	w.objOpen()
	w.key("allowed_object_ids")
	if a.allowed == nil {
		w.null()
	} else {
		w.arrOpen()
		for _, id := range a.allowed {
			w.id(id)
		}
		w.arrClose()
	}
	w.objClose()
	w.objClose()
	w.objClose()
}

func hListAttributes(rc *reqCtx) ([]byte, *apiError) {
	c, err := rc.target()
	if err != nil {
		return nil, err
	}
	limit, offset, err := rc.pageParams(-1, 0)
	if err != nil {
		return nil, err
	}
	archived, err := rc.boolParam("show_archived")
	if err != nil {
		return nil, err
	}
	var list []*attribute
	for _, a := range c.attrs {
		if archived || !a.archived {
			list = append(list, a)
		}
	}
	lo, hi := window(len(list), limit, offset)
	return dataOne(func(w *jw) {
		w.arrOpen()
		for _, a := range list[lo:hi] {
			rc.ws.writeAttribute(w, a)
		}
		w.arrClose()
	}), nil
}

func hGetAttribute(rc *reqCtx) ([]byte, *apiError) {
	_, a, err := rc.attribute()
	if err != nil {
		return nil, err
	}
	return dataOne(func(w *jw) { rc.ws.writeAttribute(w, a) }), nil
}

func hCreateAttribute(rc *reqCtx) ([]byte, *apiError) {
	c, err := rc.target()
	if err != nil {
		return nil, err
	}
	d, err := rc.data()
	if err != nil {
		return nil, err
	}
	for _, k := range []string{"title", "description", "api_slug", "type", "is_required", "is_unique", "is_multiselect", "config"} {
		if _, ok := d[k]; !ok {
			return nil, bodyError([]any{"data", k}, "Required")
		}
	}
	title, err := reqString(d, "title", "data")
	if err != nil {
		return nil, err
	}
	slug, err := reqString(d, "api_slug", "data")
	if err != nil {
		return nil, err
	}
	typ, err := reqString(d, "type", "data")
	if err != nil {
		return nil, err
	}
	t, ok := parseAttrType(typ)
	if !ok || !valueTypes[t].creatable {
		return nil, bodyError([]any{"data", "type"}, "Invalid enum value")
	}
	if !slugRe.MatchString(slug) {
		return nil, bodyError([]any{"data", "api_slug"}, "api_slug must be snake_case")
	}
	desc, _, err := optString(d, "description", "data")
	if err != nil {
		return nil, err
	}
	reqd, _, err := optBool(d, "is_required", "data")
	if err != nil {
		return nil, err
	}
	uq, _, err := optBool(d, "is_unique", "data")
	if err != nil {
		return nil, err
	}
	mu, _, err := optBool(d, "is_multiselect", "data")
	if err != nil {
		return nil, err
	}
	if c.attrBySlug[slug] != nil {
		what := "object"
		if c.isList {
			what = "list"
		} else if c.activity {
			what = "activity"
		}
		return nil, errorf(http.StatusConflict, "slug_conflict", "An attribute with the same API slug already exists on this %s. Please choose a different API slug.", what)
	}
	if mu && valueTypes[t].single {
		return nil, validation("Attributes of type %s cannot be multiselect.", typ)
	}
	cfg, _ := d["config"].(map[string]any)
	def := attrDef{Slug: slug, Title: title, Type: typ, Description: desc, Multi: mu, Unique: uq, Required: reqd}
	var finish func(a *attribute)
	if ct, ok := t.impl().(configured); ok {
		if finish, err = ct.readConfig(rc.ws, cfg, &def); err != nil {
			return nil, err
		}
	}
	a := c.addAttr(def, rc.now)
	a.id = newUUID()
	delete(c.attrByID, nameUUID(c.id, "attribute:"+slug))
	c.attrByID[a.id] = a
	if finish != nil {
		finish(a)
	}
	if dv, ok := d["default_value"]; ok && dv != nil {
		a.defaultJSON = mustJSON(dv)
	}
	rc.emitAttribute(c, a, "created")
	return dataOne(func(w *jw) { rc.ws.writeAttribute(w, a) }), nil
}

func hPatchAttribute(rc *reqCtx) ([]byte, *apiError) {
	c, a, err := rc.attribute()
	if err != nil {
		return nil, err
	}
	d, err := rc.data()
	if err != nil {
		return nil, err
	}
	if a.system {
		for _, k := range []string{"api_slug", "is_required", "is_unique", "is_archived", "config"} {
			if _, ok := d[k]; ok {
				return nil, errorf(http.StatusBadRequest, "system_edit_unauthorized", "Cannot update a System attribute.")
			}
		}
	}
	if v, ok, err := optString(d, "title", "data"); err != nil {
		return nil, err
	} else if ok {
		a.title = v
	}
	if v, ok := d["description"]; ok {
		s, _ := v.(string)
		a.description = s
	}
	if v, ok, err := optString(d, "api_slug", "data"); err != nil {
		return nil, err
	} else if ok && v != a.slug {
		if !slugRe.MatchString(v) {
			return nil, bodyError([]any{"data", "api_slug"}, "api_slug must be snake_case")
		}
		if c.attrBySlug[v] != nil {
			return nil, errorf(http.StatusConflict, "slug_conflict", "An attribute with the same API slug already exists. Please choose a different API slug.")
		}
		delete(c.attrBySlug, a.slug)
		a.slug = v
		c.attrBySlug[v] = a
	}
	for k, dst := range map[string]*bool{"is_required": &a.required, "is_unique": &a.unique, "is_archived": &a.archived} {
		if v, ok, err := optBool(d, k, "data"); err != nil {
			return nil, err
		} else if ok {
			*dst = v
		}
	}
	if a.unique && c.uniq[a.idx] == nil && a.derived == dNone {
		idx := map[string]*item{}
		for _, it := range c.items {
			for i := range it.vals {
				if v := &it.vals[i]; v.attr == a.idx && v.until == 0 {
					idx[uniqKey(a, v)] = it
				}
			}
		}
		c.uniq[a.idx] = idx
	} else if !a.unique {
		delete(c.uniq, a.idx)
	}
	if dv, ok := d["default_value"]; ok {
		if dv == nil {
			a.defaultJSON = nil
		} else {
			a.defaultJSON = mustJSON(dv)
		}
	}
	if cfg, ok := d["config"].(map[string]any); ok {
		if cur, ok := cfg["currency"].(map[string]any); ok {
			if s, _ := cur["default_currency_code"].(string); s != "" {
				a.currency = s
			}
			if s, _ := cur["display_type"].(string); s != "" {
				a.currencyFmt = s
			}
		}
	}
	rc.emitAttribute(c, a, "updated")
	return dataOne(func(w *jw) { rc.ws.writeAttribute(w, a) }), nil
}
