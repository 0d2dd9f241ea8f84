package sandbox

import (
	"encoding/json"
	"math"
	"net/http"
	"sort"
	"strings"
)

func init() {
	addRoute("POST", "/v2/objects/{object}/records/query", false, hQueryRecords)
	addRoute("POST", "/v2/objects/{object}/records", true, hCreateRecord)
	addRoute("PUT", "/v2/objects/{object}/records", true, hAssertRecord)
	addRoute("GET", "/v2/objects/{object}/records/{record_id}", false, hGetRecord)
	addRoute("PATCH", "/v2/objects/{object}/records/{record_id}", true, hPatchRecord)
	addRoute("PUT", "/v2/objects/{object}/records/{record_id}", true, hPutRecord)
	addRoute("DELETE", "/v2/objects/{object}/records/{record_id}", true, hDeleteRecord)
	addRoute("GET", "/v2/objects/{object}/records/{record_id}/attributes/{attribute}/values", false, hRecordValues)
	addRoute("GET", "/v2/objects/{object}/records/{record_id}/entries", false, hRecordEntries)
	addRoute("POST", "/v2/objects/records/search", false, hSearch)
	addRoute("POST", "/v2/lists/{list}/entries/query", false, hQueryEntries)
	addRoute("POST", "/v2/lists/{list}/entries", true, hCreateEntry)
	addRoute("PUT", "/v2/lists/{list}/entries", true, hAssertEntry)
	addRoute("GET", "/v2/lists/{list}/entries/{entry_id}", false, hGetEntry)
	addRoute("PATCH", "/v2/lists/{list}/entries/{entry_id}", true, hPatchEntry)
	addRoute("PUT", "/v2/lists/{list}/entries/{entry_id}", true, hPutEntry)
	addRoute("DELETE", "/v2/lists/{list}/entries/{entry_id}", true, hDeleteEntry)
	addRoute("GET", "/v2/lists/{list}/entries/{entry_id}/attributes/{attribute}/values", false, hEntryValues)
}

// defaultQueryLimit is Attio's page size for record and entry queries.
const defaultQueryLimit = 500

func (c *collection) webURL(it *item) string {
	kind := strings.ToLower(strings.ReplaceAll(c.singular, " ", "-"))
	if kind == "" {
		kind = c.slug
	}
	return "https://app.attio.com/" + c.ws.slug + "/" + kind + "/" + it.id.String()
}

// writeItemValues writes the {attribute: [values]} map with every attribute
// key present ([] when empty), values grouped in one pass.
func (c *collection) writeItemValues(w *jw, it *item) {
	ws := c.ws
	w.objOpen()
	j := 0
	for _, a := range c.attrs {
		for j < len(it.vals) && it.vals[j].attr < a.idx {
			j++
		}
		if a.archived {
			continue
		}
		w.key(a.slug)
		if a.derived != dNone {
			ws.writeAttrValues(w, a, it, false, 1, 0)
			continue
		}
		w.arrOpen()
		for k := j; k < len(it.vals) && it.vals[k].attr == a.idx; k++ {
			if it.vals[k].until == 0 {
				ws.writeValue(w, a, &it.vals[k])
			}
		}
		w.arrClose()
	}
	w.objClose()
}

func (c *collection) writeRecord(w *jw, it *item) {
	w.objOpen()
	w.key("id")
	w.objOpen()
	w.kid("workspace_id", c.ws.id)
	w.kid("object_id", c.id)
	w.kid("record_id", it.id)
	w.objClose()
	w.key("created_at")
	w.ts(it.createdAt)
	w.kv("web_url", c.webURL(it))
	w.key("values")
	c.writeItemValues(w, it)
	w.objClose()
}

func (c *collection) writeEntry(w *jw, it *item) {
	ws := c.ws
	w.objOpen()
	w.key("id")
	w.objOpen()
	w.kid("workspace_id", ws.id)
	w.kid("list_id", c.id)
	w.kid("entry_id", it.id)
	w.objClose()
	w.kid("parent_record_id", it.parentRec)
	w.kv("parent_object", ws.objects[it.parentObj].slug)
	w.key("created_at")
	w.ts(it.createdAt)
	w.key("entry_values")
	c.writeItemValues(w, it)
	w.objClose()
}

func (c *collection) writeItem(w *jw, it *item) {
	if c.isList {
		c.writeEntry(w, it)
	} else {
		c.writeRecord(w, it)
	}
}

// query runs a filter/sort/limit/offset query. Without sorts the items are
// already in (created_at, id) order, so the scan starts at the created_at
// lower bound found by binary search and stops once the page is full.
func (c *collection) query(body map[string]any) ([]*item, *apiError) {
	fc := &filterCompiler{ws: c.ws}
	limit, offset := defaultQueryLimit, 0
	if body != nil {
		if v, ok := body["limit"]; ok && v != nil {
			f, ok := asNumber(v)
			if _, isStr := v.(string); !ok || isStr || f < 0 || f != math.Trunc(f) {
				return nil, bodyError([]any{"limit"}, "Expected a non-negative integer")
			}
			limit = int(f)
		}
		if v, ok := body["offset"]; ok && v != nil {
			f, ok := asNumber(v)
			if _, isStr := v.(string); !ok || isStr || f < 0 || f != math.Trunc(f) {
				return nil, bodyError([]any{"offset"}, "Expected a non-negative integer")
			}
			offset = int(f)
		}
	}
	var p pred
	rng := fullRange
	if f, ok := body["filter"]; ok && f != nil {
		var err *apiError
		p, rng, err = fc.compile(c, f)
		if err != nil {
			return nil, err
		}
	}
	sorts, err := fc.compileSorts(c, body["sorts"])
	if err != nil {
		return nil, err
	}
	items := c.items
	start := sort.Search(len(items), func(i int) bool { return items[i].createdAt >= rng.lo })
	switch indexOrder(c, body["sorts"]) { // see indexorder.go
	case 1:
		sorts = nil
	case -1:
		return c.scanDesc(start, rng, p, limit, offset), nil
	}
	if len(sorts) == 0 {
		out := make([]*item, 0, min(limit, 1024))
		skipped := 0
		if p == nil && rng.hi == fullRange.hi {
			// No filter: the page is a slice of the sorted index.
			lo, hi := window(len(items)-start, limit, offset)
			return append(out, items[start+lo:start+hi]...), nil
		}
		for i := start; i < len(items) && len(out) < limit; i++ {
			it := items[i]
			if it.createdAt > rng.hi {
				break
			}
			if p != nil && !p(it) {
				continue
			}
			if skipped < offset {
				skipped++
				continue
			}
			out = append(out, it)
		}
		return out, nil
	}
	var matched []*item
	for i := start; i < len(items); i++ {
		it := items[i]
		if it.createdAt > rng.hi {
			break
		}
		if p == nil || p(it) {
			matched = append(matched, it)
		}
	}
	sortItems(matched, sorts)
	lo, hi := window(len(matched), limit, offset)
	return matched[lo:hi], nil
}

func (c *collection) writePage(items []*item) []byte {
	w := &jw{b: make([]byte, 0, 4096+len(items)*len(c.attrs)*160)}
	w.objOpen()
	w.key("data")
	w.arrOpen()
	for _, it := range items {
		c.writeItem(w, it)
	}
	w.arrClose()
	w.objClose()
	return w.b
}

func hQueryRecords(rc *reqCtx) ([]byte, *apiError) {
	c, err := rc.object()
	if err != nil {
		return nil, err
	}
	items, err := c.query(rc.body)
	if err != nil {
		return nil, err
	}
	return c.writePage(items), nil
}

func (rc *reqCtx) values(key string) (map[string]any, *apiError) {
	d, err := rc.data()
	if err != nil {
		return nil, err
	}
	v, ok := d[key]
	if !ok {
		return nil, bodyError([]any{"data", key}, "Required")
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, bodyError([]any{"data", key}, "Expected object, received "+jsonKind(v))
	}
	return m, nil
}

// createItem validates and inserts a new record or entry.
func (c *collection) createItem(payload map[string]any, key string, actor int32, now int64, parentObj int16, parentRec uuid) (*item, *apiError) {
	plan, err := c.planWrite(nil, payload, modeCreate, nil, key)
	if err != nil {
		return nil, err
	}
	it := &item{id: newUUID(), createdAt: now, createdBy: actor, parentObj: parentObj, parentRec: parentRec}
	c.insert(it)
	c.applyPlan(it, plan, actor, now)
	return it, nil
}

func hCreateRecord(rc *reqCtx) ([]byte, *apiError) {
	c, err := rc.object()
	if err != nil {
		return nil, err
	}
	vals, err := rc.values("values")
	if err != nil {
		return nil, err
	}
	it, err := c.createItem(vals, "values", rc.actor, rc.now, -1, zeroUUID)
	if err != nil {
		return nil, err
	}
	return dataOne(func(w *jw) { c.writeRecord(w, it) }), nil
}

func hAssertRecord(rc *reqCtx) ([]byte, *apiError) {
	c, err := rc.object()
	if err != nil {
		return nil, err
	}
	ma := rc.q.Get("matching_attribute")
	if ma == "" {
		return nil, validation("Invalid query parameter matching_attribute.").with([]any{"matching_attribute"}, "invalid_type", "Required")
	}
	a := c.attr(ma)
	if a == nil {
		return nil, valueNotFound("No attribute was found for matching_attribute slug/ID \"%s\".", ma)
	}
	if !a.unique {
		return nil, validation("The matching_attribute \"%s\" must be a unique attribute.", a.slug)
	}
	vals, err := rc.values("values")
	if err != nil {
		return nil, err
	}
	raw, ok := vals[a.slug]
	if !ok {
		raw, ok = vals[a.id.String()]
	}
	if !ok {
		return nil, validation("The matching attribute \"%s\" must be present in values.", a.slug)
	}
	mvals, err := coerceCtx{ws: rc.ws, a: a, path: []any{"data", "values", a.slug}}.coerceAll(raw)
	if err != nil {
		return nil, err
	}
	var found *item
	for i := range mvals {
		if it := c.lookupUnique(a, &mvals[i]); it != nil {
			if found != nil && found != it {
				return nil, errorf(http.StatusBadRequest, "multiple_match_results",
					"Multiple records were found for the matching attribute \"%s\". Please provide a value that matches a single record.", a.slug)
			}
			found = it
		}
	}
	if found == nil {
		it, err := c.createItem(vals, "values", rc.actor, rc.now, -1, zeroUUID)
		if err != nil {
			return nil, err
		}
		return dataOne(func(w *jw) { c.writeRecord(w, it) }), nil
	}
	plan, err := c.planWrite(found, vals, modeOverwrite, a, "values")
	if err != nil {
		return nil, err
	}
	c.applyPlan(found, plan, rc.actor, rc.now)
	return dataOne(func(w *jw) { c.writeRecord(w, found) }), nil
}

func (rc *reqCtx) record() (*collection, *item, *apiError) {
	c, err := rc.object()
	if err != nil {
		return nil, nil, err
	}
	id := rc.p["record_id"]
	u, ok := parseUUID(id)
	if !ok {
		// record_id is declared format uuid; Attio validates path params before looking anything up.
		return nil, nil, validation("Path param validation error.").with([]any{"record_id"}, "invalid_string", "Invalid uuid")
	}
	it := c.byID[u]
	if it == nil {
		return nil, nil, notFound("Record with ID \"%s\" not found.", id)
	}
	return c, it, nil
}

func hGetRecord(rc *reqCtx) ([]byte, *apiError) {
	c, it, err := rc.record()
	if err != nil {
		return nil, err
	}
	return dataOne(func(w *jw) { c.writeRecord(w, it) }), nil
}

func updateRecord(rc *reqCtx, mode writeMode) ([]byte, *apiError) {
	c, it, err := rc.record()
	if err != nil {
		return nil, err
	}
	vals, err := rc.values("values")
	if err != nil {
		return nil, err
	}
	plan, err := c.planWrite(it, vals, mode, nil, "values")
	if err != nil {
		return nil, err
	}
	c.applyPlan(it, plan, rc.actor, rc.now)
	return dataOne(func(w *jw) { c.writeRecord(w, it) }), nil
}

func hPatchRecord(rc *reqCtx) ([]byte, *apiError) { return updateRecord(rc, modeAppend) }
func hPutRecord(rc *reqCtx) ([]byte, *apiError)   { return updateRecord(rc, modeOverwrite) }

func hDeleteRecord(rc *reqCtx) ([]byte, *apiError) {
	c, it, err := rc.record()
	if err != nil {
		return nil, err
	}
	rc.ws.deleteRecord(c, it, rc.now)
	return okEmpty()
}

// deleteRecord removes a record with its list entries and the inverse side of
// its relationships.
func (ws *workspace) deleteRecord(c *collection, it *item, now int64) {
	ws.unlinkAll(c, it, now)
	c.remove(it)
	for _, l := range ws.lists {
		var gone []*item
		for _, e := range l.items {
			if int(e.parentObj) == c.idx && e.parentRec == it.id {
				gone = append(gone, e)
			}
		}
		for _, e := range gone {
			l.remove(e)
		}
	}
}

func writeValuesPage(rc *reqCtx, c *collection, it *item) ([]byte, *apiError) {
	a := c.attr(rc.p["attribute"])
	if a == nil || a.archived {
		return nil, notFound("Attribute with slug/ID \"%s\" not found.", rc.p["attribute"])
	}
	historic, err := rc.boolParam("show_historic")
	if err != nil {
		return nil, err
	}
	if historic && a.typ == tInteraction {
		return nil, validation("Cannot set show_historic param to true when querying a COMINT attribute.")
	}
	limit, offset, err := rc.pageParams(-1, 0)
	if err != nil {
		return nil, err
	}
	return dataOne(func(w *jw) { rc.ws.writeAttrValues(w, a, it, historic, limit, offset) }), nil
}

func hRecordValues(rc *reqCtx) ([]byte, *apiError) {
	c, it, err := rc.record()
	if err != nil {
		return nil, err
	}
	return writeValuesPage(rc, c, it)
}

func hRecordEntries(rc *reqCtx) ([]byte, *apiError) {
	c, it, err := rc.record()
	if err != nil {
		return nil, err
	}
	limit, offset, err := rc.pageParams(100, 1000)
	if err != nil {
		return nil, err
	}
	type ref struct {
		l *collection
		e *item
	}
	var all []ref
	for _, l := range rc.ws.lists {
		for _, e := range l.items {
			if int(e.parentObj) == c.idx && e.parentRec == it.id {
				all = append(all, ref{l, e})
			}
		}
	}
	lo, hi := window(len(all), limit, offset)
	return dataOne(func(w *jw) {
		w.arrOpen()
		for _, r := range all[lo:hi] {
			w.objOpen()
			w.kid("list_id", r.l.id)
			w.kv("list_api_slug", r.l.slug)
			w.kid("entry_id", r.e.id)
			w.key("created_at")
			w.ts(r.e.createdAt)
			w.objClose()
		}
		w.arrClose()
	}), nil
}

// search ---------------------------------------------------------------------

func hSearch(rc *reqCtx) ([]byte, *apiError) {
	b := rc.body
	if b == nil {
		return nil, bodyError([]any{"query"}, "Required")
	}
	q, err := reqString(b, "query")
	if err != nil {
		return nil, err
	}
	objsRaw, ok := b["objects"].([]any)
	if !ok || len(objsRaw) == 0 {
		return nil, bodyError([]any{"objects"}, "Array must contain at least 1 element(s)")
	}
	if _, ok := b["request_as"].(map[string]any); !ok {
		return nil, bodyError([]any{"request_as"}, "Required")
	}
	limit := 25
	if v, ok := b["limit"]; ok {
		f, ok := asNumber(v)
		if !ok || f < 1 || f > 25 {
			return nil, bodyError([]any{"limit"}, "Number must be between 1 and 25")
		}
		limit = int(f)
	}
	var objs []*collection
	for _, o := range objsRaw {
		s, _ := o.(string)
		c := rc.ws.object(s)
		if c == nil {
			return nil, valueNotFound("Object with slug/ID \"%s\" not found.", s)
		}
		objs = append(objs, c)
	}
	needle := strings.ToLower(strings.TrimSpace(q))
	w := &jw{}
	w.objOpen()
	w.key("data")
	w.arrOpen()
	n := 0
	for _, c := range objs {
		for i := len(c.items) - 1; i >= 0 && n < limit; i-- {
			it := c.items[i]
			text, hay := c.searchText(it)
			if needle != "" && !strings.Contains(hay, needle) {
				continue
			}
			n++
			c.writeSearchHit(w, it, text)
		}
	}
	w.arrClose()
	w.objClose()
	return w.b, nil
}

// searchText returns the record's label and the lower-cased text searched:
// names, domains, emails, phone numbers, as the in-product search matches.
func (c *collection) searchText(it *item) (string, string) {
	var label string
	var hay strings.Builder
	for i := range it.vals {
		v := &it.vals[i]
		if v.until != 0 {
			continue
		}
		a := c.attrs[v.attr]
		switch a.typ {
		case tPersonalName:
			_, _, full := splitName(v.s)
			if a.slug == "name" {
				label = full
			}
			hay.WriteString(strings.ToLower(full) + "\n")
		case tText:
			if a.slug == "name" || a.slug == "title" {
				label = v.s
				hay.WriteString(strings.ToLower(v.s) + "\n")
			}
		case tEmail, tDomain:
			hay.WriteString(strings.ToLower(v.s) + "\n")
		case tPhone:
			p, _ := splitPhone(v.s)
			hay.WriteString(p + "\n")
		}
	}
	return label, hay.String()
}

func (c *collection) writeSearchHit(w *jw, it *item, text string) {
	w.objOpen()
	w.key("id")
	w.objOpen()
	w.kid("workspace_id", c.ws.id)
	w.kid("object_id", c.id)
	w.kid("record_id", it.id)
	w.objClose()
	w.kv("record_text", text)
	image := ""
	for i := range it.vals {
		v := &it.vals[i]
		if v.until == 0 && (c.attrs[v.attr].slug == "avatar_url" || c.attrs[v.attr].slug == "logo_url") {
			image = v.s
		}
	}
	w.key("record_image")
	w.strOrNull(image)
	w.kv("object_slug", c.slug)
	collect := func(slug string, f func(v *value) string) {
		w.key(slug)
		w.arrOpen()
		if a := c.attrBySlug[slug]; a != nil {
			for i := range it.vals {
				if v := &it.vals[i]; v.attr == a.idx && v.until == 0 {
					w.str(f(v))
				}
			}
		}
		w.arrClose()
	}
	switch c.slug {
	case "people":
		collect("email_addresses", func(v *value) string { return strings.ToLower(v.s) })
		collect("phone_numbers", func(v *value) string { p, _ := splitPhone(v.s); return p })
	case "companies":
		collect("domains", func(v *value) string { return v.s })
	}
	w.objClose()
}

// entries ----------------------------------------------------------------------

func hQueryEntries(rc *reqCtx) ([]byte, *apiError) {
	l, err := rc.listParam()
	if err != nil {
		return nil, err
	}
	items, err := l.query(rc.body)
	if err != nil {
		return nil, err
	}
	return l.writePage(items), nil
}

func (rc *reqCtx) entryParent(l *collection, d map[string]any) (*collection, *item, *apiError) {
	pid, err := reqString(d, "parent_record_id", "data")
	if err != nil {
		return nil, nil, err
	}
	pobj, err := reqString(d, "parent_object", "data")
	if err != nil {
		return nil, nil, err
	}
	po := rc.ws.object(pobj)
	if po == nil {
		return nil, nil, notFound("Object with slug/ID \"%s\" not found.", pobj)
	}
	allowed := false
	for _, p := range l.parents {
		allowed = allowed || p == po.id
	}
	if !allowed {
		return nil, nil, validation("Object \"%s\" is not a parent object of list \"%s\".", po.slug, l.slug)
	}
	u, _ := parseUUID(pid)
	rec := po.byID[u]
	if rec == nil {
		return nil, nil, valueNotFound("Parent record with slug/ID \"%s\" not found.", pid)
	}
	return po, rec, nil
}

func hCreateEntry(rc *reqCtx) ([]byte, *apiError) {
	l, err := rc.listParam()
	if err != nil {
		return nil, err
	}
	d, err := rc.data()
	if err != nil {
		return nil, err
	}
	po, rec, err := rc.entryParent(l, d)
	if err != nil {
		return nil, err
	}
	vals, err := rc.values("entry_values")
	if err != nil {
		return nil, err
	}
	it, err := l.createItem(vals, "entry_values", rc.actor, rc.now, int16(po.idx), rec.id)
	if err != nil {
		return nil, err
	}
	return dataOne(func(w *jw) { l.writeEntry(w, it) }), nil
}

func hAssertEntry(rc *reqCtx) ([]byte, *apiError) {
	l, err := rc.listParam()
	if err != nil {
		return nil, err
	}
	d, err := rc.data()
	if err != nil {
		return nil, err
	}
	po, rec, err := rc.entryParent(l, d)
	if err != nil {
		return nil, err
	}
	vals, err := rc.values("entry_values")
	if err != nil {
		return nil, err
	}
	var found []*item
	for _, e := range l.items {
		if int(e.parentObj) == po.idx && e.parentRec == rec.id {
			found = append(found, e)
		}
	}
	switch len(found) {
	case 0:
		it, err := l.createItem(vals, "entry_values", rc.actor, rc.now, int16(po.idx), rec.id)
		if err != nil {
			return nil, err
		}
		return dataOne(func(w *jw) { l.writeEntry(w, it) }), nil
	case 1:
		plan, err := l.planWrite(found[0], vals, modeOverwrite, nil, "entry_values")
		if err != nil {
			return nil, err
		}
		l.applyPlan(found[0], plan, rc.actor, rc.now)
		return dataOne(func(w *jw) { l.writeEntry(w, found[0]) }), nil
	}
	return nil, errorf(http.StatusBadRequest, "multiple_match_results",
		"Multiple entries were founds for the given parent record. Please remove duplicates or use the update or create entry endpoints instead.")
}

func (rc *reqCtx) entry() (*collection, *item, *apiError) {
	l, err := rc.listParam()
	if err != nil {
		return nil, nil, err
	}
	id := rc.p["entry_id"]
	u, _ := parseUUID(id)
	it := l.byID[u]
	if it == nil {
		return nil, nil, notFound("Entry with ID \"%s\" not found.", id)
	}
	return l, it, nil
}

func hGetEntry(rc *reqCtx) ([]byte, *apiError) {
	l, it, err := rc.entry()
	if err != nil {
		return nil, err
	}
	return dataOne(func(w *jw) { l.writeEntry(w, it) }), nil
}

func updateEntry(rc *reqCtx, mode writeMode) ([]byte, *apiError) {
	l, it, err := rc.entry()
	if err != nil {
		return nil, err
	}
	d, err := rc.data()
	if err != nil {
		return nil, err
	}
	if _, ok := d["parent_record_id"]; ok {
		return nil, errorf(http.StatusBadRequest, "immutable_value", "The parent record for a list entry cannot be updated once created.")
	}
	if _, ok := d["parent_object"]; ok {
		return nil, errorf(http.StatusBadRequest, "immutable_value", "The parent record for a list entry cannot be updated once created.")
	}
	vals, err := rc.values("entry_values")
	if err != nil {
		return nil, err
	}
	plan, err := l.planWrite(it, vals, mode, nil, "entry_values")
	if err != nil {
		return nil, err
	}
	l.applyPlan(it, plan, rc.actor, rc.now)
	return dataOne(func(w *jw) { l.writeEntry(w, it) }), nil
}

func hPatchEntry(rc *reqCtx) ([]byte, *apiError) { return updateEntry(rc, modeAppend) }
func hPutEntry(rc *reqCtx) ([]byte, *apiError)   { return updateEntry(rc, modeOverwrite) }

func hDeleteEntry(rc *reqCtx) ([]byte, *apiError) {
	l, it, err := rc.entry()
	if err != nil {
		return nil, err
	}
	l.remove(it)
	return okEmpty()
}

func hEntryValues(rc *reqCtx) ([]byte, *apiError) {
	l, it, err := rc.entry()
	if err != nil {
		return nil, err
	}
	return writeValuesPage(rc, l, it)
}

var _ = json.Number("")
