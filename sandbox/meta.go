package sandbox

import (
	"net/http"
	"regexp"
	"strings"
)

func init() {
	addRoute("GET", "/v2/objects", false, hListObjects)
	addRoute("POST", "/v2/objects", true, hCreateObject)
	addRoute("GET", "/v2/objects/{object}", false, hGetObject)
	addRoute("PATCH", "/v2/objects/{object}", true, hPatchObject)
	addRoute("GET", "/v2/{target}/{identifier}/attributes", false, hListAttributes)
	addRoute("POST", "/v2/{target}/{identifier}/attributes", true, hCreateAttribute)
	addRoute("GET", "/v2/{target}/{identifier}/attributes/{attribute}", false, hGetAttribute)
	addRoute("PATCH", "/v2/{target}/{identifier}/attributes/{attribute}", true, hPatchAttribute)
	addRoute("GET", "/v2/{target}/{identifier}/attributes/{attribute}/options", false, hListOptions)
	addRoute("POST", "/v2/{target}/{identifier}/attributes/{attribute}/options", true, hCreateOption)
	addRoute("PATCH", "/v2/{target}/{identifier}/attributes/{attribute}/options/{option}", true, hPatchOption)
	addRoute("GET", "/v2/{target}/{identifier}/attributes/{attribute}/statuses", false, hListStatuses)
	addRoute("POST", "/v2/{target}/{identifier}/attributes/{attribute}/statuses", true, hCreateStatus)
	addRoute("PATCH", "/v2/{target}/{identifier}/attributes/{attribute}/statuses/{status}", true, hPatchStatus)
	addRoute("GET", "/v2/lists", false, hListLists)
	addRoute("POST", "/v2/lists", true, hCreateList)
	addRoute("GET", "/v2/lists/{list}", false, hGetList)
	addRoute("PATCH", "/v2/lists/{list}", true, hPatchList)
}

var slugRe = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

func (ws *workspace) writeObject(w *jw, c *collection) {
	w.objOpen()
	w.key("id")
	w.objOpen()
	w.kid("workspace_id", ws.id)
	w.kid("object_id", c.id)
	w.objClose()
	w.kv("api_slug", c.slug)
	w.kv("singular_noun", c.singular)
	w.kv("plural_noun", c.plural)
	w.key("created_at")
	w.ts(c.createdAt)
	w.objClose()
}

func dataOne(f func(w *jw)) []byte {
	w := &jw{b: make([]byte, 0, 1024)}
	w.objOpen()
	w.key("data")
	f(w)
	w.objClose()
	return w.b
}

func hListObjects(rc *reqCtx) ([]byte, *apiError) {
	return dataOne(func(w *jw) {
		w.arrOpen()
		for _, c := range rc.ws.objects {
			rc.ws.writeObject(w, c)
		}
		w.arrClose()
	}), nil
}

func (rc *reqCtx) object() (*collection, *apiError) {
	slug := rc.p["object"]
	c := rc.ws.object(slug)
	if c == nil {
		return nil, notFound("Object with slug/ID \"%s\" not found.", slug)
	}
	return c, nil
}

func hGetObject(rc *reqCtx) ([]byte, *apiError) {
	c, err := rc.object()
	if err != nil {
		return nil, err
	}
	return dataOne(func(w *jw) { rc.ws.writeObject(w, c) }), nil
}

func hCreateObject(rc *reqCtx) ([]byte, *apiError) {
	d, err := rc.data()
	if err != nil {
		return nil, err
	}
	slug, err := reqString(d, "api_slug", "data")
	if err != nil {
		return nil, err
	}
	sing, err := reqString(d, "singular_noun", "data")
	if err != nil {
		return nil, err
	}
	plur, err := reqString(d, "plural_noun", "data")
	if err != nil {
		return nil, err
	}
	if !slugRe.MatchString(slug) || sing == "" || plur == "" {
		return nil, bodyError([]any{"data", "api_slug"}, "api_slug must be snake_case and nouns non-empty")
	}
	for _, o := range rc.ws.objects {
		if o.slug == slug || strings.EqualFold(o.singular, sing) || strings.EqualFold(o.plural, plur) {
			return nil, errorf(http.StatusConflict, "slug_conflict", "Failed to create object. Please ensure your api_slug and names are unique.")
		}
	}
	c := newCollection(rc.ws, false, newUUID(), slug, rc.now)
	c.singular, c.plural = sing, plur
	for _, a := range customObjectAttrs {
		c.addAttr(a, rc.now)
	}
	return dataOne(func(w *jw) { rc.ws.writeObject(w, c) }), nil
}

func hPatchObject(rc *reqCtx) ([]byte, *apiError) {
	c, err := rc.object()
	if err != nil {
		return nil, err
	}
	d, err := rc.data()
	if err != nil {
		return nil, err
	}
	if len(d) == 0 {
		return nil, validation("You passed an empty payload. Please ensure you are updating at least one property in your request.")
	}
	slug, hasSlug, err := optString(d, "api_slug", "data")
	if err != nil {
		return nil, err
	}
	sing, hasSing, err := optString(d, "singular_noun", "data")
	if err != nil {
		return nil, err
	}
	plur, hasPlur, err := optString(d, "plural_noun", "data")
	if err != nil {
		return nil, err
	}
	if hasSlug {
		if !slugRe.MatchString(slug) {
			return nil, bodyError([]any{"data", "api_slug"}, "api_slug must be snake_case")
		}
		for _, o := range rc.ws.objects {
			if o != c && o.slug == slug {
				return nil, errorf(http.StatusConflict, "slug_conflict", "Failed to update object. Please ensure api_slug is unique.")
			}
		}
		c.slug = slug
	}
	if hasSing {
		c.singular = sing
	}
	if hasPlur {
		c.plural = plur
	}
	return dataOne(func(w *jw) { rc.ws.writeObject(w, c) }), nil
}

// attribute endpoints ------------------------------------------------------

func (rc *reqCtx) target() (*collection, *apiError) {
	id := rc.p["identifier"]
	switch rc.p["target"] {
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
	}
	return nil, notFound("Could not find endpoint \"%s %s\".", rc.r.Method, rc.r.URL.Path)
}

func (rc *reqCtx) attribute() (*collection, *attribute, *apiError) {
	c, err := rc.target()
	if err != nil {
		return nil, nil, err
	}
	a := c.attr(rc.p["attribute"])
	if a == nil {
		return nil, nil, notFound("Attribute with slug/ID \"%s\" not found.", rc.p["attribute"])
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

var creatableTypes = map[string]bool{
	"text": true, "number": true, "checkbox": true, "currency": true, "date": true, "timestamp": true,
	"rating": true, "status": true, "select": true, "record-reference": true, "actor-reference": true,
	"location": true, "domain": true, "email-address": true, "phone-number": true,
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
	if !creatableTypes[typ] {
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
		}
		return nil, errorf(http.StatusConflict, "slug_conflict", "An attribute with the same API slug already exists on this %s. Please choose a different API slug.", what)
	}
	if mu && (typ == "status" || typ == "checkbox" || typ == "currency" || typ == "date" || typ == "timestamp" || typ == "rating" || typ == "number" || typ == "text") {
		return nil, validation("Attributes of type %s cannot be multiselect.", typ)
	}
	cfg, _ := d["config"].(map[string]any)
	def := attrDef{Slug: slug, Title: title, Type: typ, Description: desc, Multi: mu, Unique: uq, Required: reqd}
	var targets []string
	if typ == "record-reference" {
		rr, _ := cfg["record_reference"].(map[string]any)
		objs, _ := rr["allowed_objects"].([]any)
		if len(objs) == 0 {
			return nil, bodyError([]any{"data", "config", "record_reference", "allowed_objects"}, "Required for record-reference attributes")
		}
		for _, o := range objs {
			s, _ := o.(string)
			if rc.ws.object(s) == nil {
				return nil, validation("Could not find an object with slug \"%s\".", s)
			}
			targets = append(targets, s)
		}
	}
	if typ == "currency" {
		cur, _ := cfg["currency"].(map[string]any)
		def.Currency, _ = cur["default_currency_code"].(string)
		if def.Currency == "" {
			def.Currency = "USD"
		}
		if !validCurrency(def.Currency) {
			return nil, bodyError([]any{"data", "config", "currency", "default_currency_code"}, "Invalid enum value")
		}
	}
	a := c.addAttr(def, rc.now)
	a.id = newUUID()
	delete(c.attrByID, nameUUID(c.id, "attribute:"+slug))
	c.attrByID[a.id] = a
	if typ == "currency" {
		cur, _ := cfg["currency"].(map[string]any)
		if dt, _ := cur["display_type"].(string); dt != "" {
			a.currencyFmt = dt
		}
	}
	if typ == "record-reference" {
		rc.ws.resolveRefs([]pendingRef{{a: a, targets: targets}})
	}
	if dv, ok := d["default_value"]; ok && dv != nil {
		a.defaultJSON = mustJSON(dv)
	}
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
	return dataOne(func(w *jw) { rc.ws.writeAttribute(w, a) }), nil
}

func hListOptions(rc *reqCtx) ([]byte, *apiError) {
	_, a, err := rc.attribute()
	if err != nil {
		return nil, err
	}
	if a.typ != tSelect {
		return nil, validation("This attribute is not a select attribute.")
	}
	archived, err := rc.boolParam("show_archived")
	if err != nil {
		return nil, err
	}
	return dataOne(func(w *jw) {
		w.arrOpen()
		for _, o := range a.options {
			if archived || !o.archived {
				rc.ws.writeOption(w, a, o)
			}
		}
		w.arrClose()
	}), nil
}

// choiceAttribute loads the select or status attribute of the path (typ says which; kind names it
// in the error) and the request's data.
func (rc *reqCtx) choiceAttribute(typ attrType, kind string) (*attribute, map[string]any, *apiError) {
	_, a, err := rc.attribute()
	if err != nil {
		return nil, nil, err
	}
	if a.typ != typ {
		return nil, nil, validation("This attribute is not a %s attribute.", kind)
	}
	d, err := rc.data()
	return a, d, err
}

// newChoiceTitle reads the required, non-empty title of a new option or status.
func newChoiceTitle(d map[string]any) (string, *apiError) {
	title, err := reqString(d, "title", "data")
	if err != nil {
		return "", err
	}
	if title == "" {
		return "", bodyError([]any{"data", "title"}, "String must contain at least 1 character(s)")
	}
	return title, nil
}

// titleTaken reports whether another option or status than self already has title: Attio answers
// that with 409 slug_conflict, for creates and renames alike.
func titleTaken[T any](items []*T, self *T, titleOf func(*T) string, title string) bool {
	for _, x := range items {
		if x != self && titleOf(x) == title {
			return true
		}
	}
	return false
}

func optionTitle(o *option) string { return o.title }
func statusTitle(s *status) string { return s.title }

func hCreateOption(rc *reqCtx) ([]byte, *apiError) {
	a, d, err := rc.choiceAttribute(tSelect, "select")
	if err != nil {
		return nil, err
	}
	title, err := newChoiceTitle(d)
	if err != nil {
		return nil, err
	}
	if titleTaken(a.options, nil, optionTitle, title) {
		return nil, errorf(http.StatusConflict, "slug_conflict", "There is already another select option with the title \"%s\".", title)
	}
	o := &option{id: newUUID(), title: title}
	a.options = append(a.options, o)
	return dataOne(func(w *jw) { rc.ws.writeOption(w, a, o) }), nil
}

func hPatchOption(rc *reqCtx) ([]byte, *apiError) {
	_, a, err := rc.attribute()
	if err != nil {
		return nil, err
	}
	if a.typ != tSelect {
		return nil, validation("This attribute is not a select attribute.")
	}
	o := a.findOption(rc.p["option"])
	if o == nil {
		return nil, valueNotFound("Cannot find select attribute with select option title \"%s\".", rc.p["option"])
	}
	d, err := rc.data()
	if err != nil {
		return nil, err
	}
	if t, ok, err := optString(d, "title", "data"); err != nil {
		return nil, err
	} else if ok {
		if titleTaken(a.options, o, optionTitle, t) {
			return nil, errorf(http.StatusConflict, "slug_conflict", "There is already another select option with the title \"%s\".", t)
		}
		o.title = t
	}
	if b, ok, err := optBool(d, "is_archived", "data"); err != nil {
		return nil, err
	} else if ok {
		o.archived = b
	}
	return dataOne(func(w *jw) { rc.ws.writeOption(w, a, o) }), nil
}

func hListStatuses(rc *reqCtx) ([]byte, *apiError) {
	_, a, err := rc.attribute()
	if err != nil {
		return nil, err
	}
	if a.typ != tStatus {
		return nil, validation("This attribute is not a status attribute.")
	}
	archived, err := rc.boolParam("show_archived")
	if err != nil {
		return nil, err
	}
	return dataOne(func(w *jw) {
		w.arrOpen()
		for _, s := range a.statuses {
			if archived || !s.archived {
				rc.ws.writeStatus(w, a, s)
			}
		}
		w.arrClose()
	}), nil
}

func applyStatusFields(d map[string]any, st *status) *apiError {
	if b, ok, err := optBool(d, "celebration_enabled", "data"); err != nil {
		return err
	} else if ok {
		st.celebration = b
	}
	if v, ok := d["target_time_in_status"]; ok {
		s, _ := v.(string)
		st.targetTime = s
	}
	if b, ok, err := optBool(d, "is_archived", "data"); err != nil {
		return err
	} else if ok {
		st.archived = b
	}
	return nil
}

func hCreateStatus(rc *reqCtx) ([]byte, *apiError) {
	a, d, err := rc.choiceAttribute(tStatus, "status")
	if err != nil {
		return nil, err
	}
	title, err := newChoiceTitle(d)
	if err != nil {
		return nil, err
	}
	if titleTaken(a.statuses, nil, statusTitle, title) {
		return nil, errorf(http.StatusConflict, "slug_conflict", "There is already another status with the title \"%s\".", title)
	}
	st := &status{id: newUUID(), title: title}
	if err := applyStatusFields(d, st); err != nil {
		return nil, err
	}
	a.statuses = append(a.statuses, st)
	return dataOne(func(w *jw) { rc.ws.writeStatus(w, a, st) }), nil
}

func hPatchStatus(rc *reqCtx) ([]byte, *apiError) {
	_, a, err := rc.attribute()
	if err != nil {
		return nil, err
	}
	if a.typ != tStatus {
		return nil, validation("This attribute is not a status attribute.")
	}
	st := a.findStatus(rc.p["status"])
	if st == nil {
		return nil, valueNotFound("Cannot find status attribute with status option title \"%s\".", rc.p["status"])
	}
	d, err := rc.data()
	if err != nil {
		return nil, err
	}
	if t, ok, err := optString(d, "title", "data"); err != nil {
		return nil, err
	} else if ok {
		if titleTaken(a.statuses, st, statusTitle, t) {
			return nil, errorf(http.StatusConflict, "slug_conflict", "There is already another status with the title \"%s\".", t)
		}
		st.title = t
	}
	if err := applyStatusFields(d, st); err != nil {
		return nil, err
	}
	return dataOne(func(w *jw) { rc.ws.writeStatus(w, a, st) }), nil
}

// lists ------------------------------------------------------------------------

func (ws *workspace) writeList(w *jw, c *collection) {
	w.objOpen()
	w.key("id")
	w.objOpen()
	w.kid("workspace_id", ws.id)
	w.kid("list_id", c.id)
	w.objClose()
	w.kv("api_slug", c.slug)
	w.kv("name", c.name)
	w.key("parent_object")
	w.arrOpen()
	for _, p := range c.parents {
		for _, o := range ws.objects {
			if o.id == p {
				w.str(o.slug)
			}
		}
	}
	w.arrClose()
	w.key("workspace_access")
	w.strOrNull(c.access)
	w.key("workspace_member_access")
	w.arrOpen()
	for _, m := range c.members {
		w.objOpen()
		w.kid("workspace_member_id", m.member)
		w.kv("level", m.level)
		w.objClose()
	}
	w.arrClose()
	w.key("created_by_actor")
	ws.writeActor(w, c.createdBy)
	w.key("created_at")
	w.ts(c.createdAt)
	w.objClose()
}

func hListLists(rc *reqCtx) ([]byte, *apiError) {
	return dataOne(func(w *jw) {
		w.arrOpen()
		for _, c := range rc.ws.lists {
			rc.ws.writeList(w, c)
		}
		w.arrClose()
	}), nil
}

func (rc *reqCtx) listParam() (*collection, *apiError) {
	slug := rc.p["list"]
	c := rc.ws.list(slug)
	if c == nil {
		return nil, notFound("List with slug/ID \"%s\" not found.", slug)
	}
	return c, nil
}

func hGetList(rc *reqCtx) ([]byte, *apiError) {
	c, err := rc.listParam()
	if err != nil {
		return nil, err
	}
	return dataOne(func(w *jw) { rc.ws.writeList(w, c) }), nil
}

var accessLevels = map[string]bool{"full-access": true, "read-and-write": true, "read-only": true}

func (rc *reqCtx) parseAccess(d map[string]any, c *collection) *apiError {
	if v, ok := d["workspace_access"]; ok {
		if v == nil {
			c.access = ""
		} else if s, ok := v.(string); ok && accessLevels[s] {
			c.access = s
		} else {
			return bodyError([]any{"data", "workspace_access"}, "Invalid enum value")
		}
	}
	if v, ok := d["workspace_member_access"]; ok {
		arr, ok := v.([]any)
		if !ok {
			return bodyError([]any{"data", "workspace_member_access"}, "Expected array")
		}
		var out []memberAccess
		for i, x := range arr {
			m, _ := x.(map[string]any)
			id, _ := m["workspace_member_id"].(string)
			lvl, _ := m["level"].(string)
			if !accessLevels[lvl] {
				return bodyError([]any{"data", "workspace_member_access", i, "level"}, "Invalid enum value")
			}
			mem := rc.ws.member(id)
			if mem == nil {
				return valueNotFound("Workspace member with ID \"%s\" not found.", id)
			}
			out = append(out, memberAccess{member: mem.id, level: lvl})
		}
		c.members = out
	}
	return nil
}

func hCreateList(rc *reqCtx) ([]byte, *apiError) {
	d, err := rc.data()
	if err != nil {
		return nil, err
	}
	for _, k := range []string{"name", "api_slug", "parent_object", "workspace_access", "workspace_member_access"} {
		if _, ok := d[k]; !ok {
			return nil, bodyError([]any{"data", k}, "Required")
		}
	}
	name, err := reqString(d, "name", "data")
	if err != nil {
		return nil, err
	}
	slug, err := reqString(d, "api_slug", "data")
	if err != nil {
		return nil, err
	}
	parent, err := reqString(d, "parent_object", "data")
	if err != nil {
		return nil, err
	}
	if !slugRe.MatchString(slug) {
		return nil, bodyError([]any{"data", "api_slug"}, "api_slug must be snake_case")
	}
	po := rc.ws.object(parent)
	if po == nil {
		return nil, notFound("Parent object with slug/ID \"%s\" not found.", parent)
	}
	if rc.ws.list(slug) != nil {
		return nil, errorf(http.StatusConflict, "slug_conflict", "A list with api_slug \"%s\" already exists.", slug)
	}
	tmp := &collection{}
	if err := rc.parseAccess(d, tmp); err != nil {
		return nil, err
	}
	c := newCollection(rc.ws, true, newUUID(), slug, rc.now)
	c.name, c.parents, c.access, c.members, c.createdBy = name, []uuid{po.id}, tmp.access, tmp.members, rc.actor
	for _, a := range listSystemAttrs {
		c.addAttr(a, rc.now)
	}
	return dataOne(func(w *jw) { rc.ws.writeList(w, c) }), nil
}

func hPatchList(rc *reqCtx) ([]byte, *apiError) {
	c, err := rc.listParam()
	if err != nil {
		return nil, err
	}
	d, err := rc.data()
	if err != nil {
		return nil, err
	}
	if v, ok, err := optString(d, "name", "data"); err != nil {
		return nil, err
	} else if ok {
		c.name = v
	}
	if v, ok, err := optString(d, "api_slug", "data"); err != nil {
		return nil, err
	} else if ok && v != c.slug {
		if !slugRe.MatchString(v) {
			return nil, bodyError([]any{"data", "api_slug"}, "api_slug must be snake_case")
		}
		if rc.ws.list(v) != nil {
			return nil, errorf(http.StatusConflict, "slug_conflict", "A list with api_slug \"%s\" already exists.", v)
		}
		c.slug = v
	}
	if err := rc.parseAccess(d, c); err != nil {
		return nil, err
	}
	return dataOne(func(w *jw) { rc.ws.writeList(w, c) }), nil
}
