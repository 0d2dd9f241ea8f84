package sandbox

import (
	"math"
	"net/http"
	"sort"
	"strings"
)

func recordRoutes(rs *routes) {
	rs.read("POST", "/v2/objects/{object}/records/query", hQueryRecords)
	rs.write("POST", "/v2/objects/{object}/records", hCreateRecord)
	rs.write("PUT", "/v2/objects/{object}/records", hAssertRecord)
	rs.read("GET", "/v2/objects/{object}/records/{record_id}", hGetRecord)
	rs.write("PATCH", "/v2/objects/{object}/records/{record_id}", hPatchRecord)
	rs.write("PUT", "/v2/objects/{object}/records/{record_id}", hPutRecord)
	rs.write("DELETE", "/v2/objects/{object}/records/{record_id}", hDeleteRecord)
	rs.read("GET", "/v2/objects/{object}/records/{record_id}/attributes/{attribute}/values", hRecordValues)
	rs.read("GET", "/v2/objects/{object}/records/{record_id}/entries", hRecordEntries)
	rs.read("POST", "/v2/objects/records/search", hSearch)
}

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
	return answerItem(rc.object, rc.createRecordItem, (*collection).writeRecord)
}

func hAssertRecord(rc *reqCtx) ([]byte, *apiError) {
	return answerItem(rc.object, rc.assertItem, (*collection).writeRecord)
}

// answerItem answers {"data": item} for the item write makes in the collection find resolves:
// records and activity records are written alike and answered each in its own form.
func answerItem(find func() (*collection, *apiError), write func(*collection) (*item, *apiError), form func(c *collection, w *jw, it *item)) ([]byte, *apiError) {
	c, err := find()
	if err != nil {
		return nil, err
	}
	it, err := write(c)
	if err != nil {
		return nil, err
	}
	return dataOne(func(w *jw) { form(c, w, it) }), nil
}

// createRecordItem creates a record or an activity record from the request's values.
func (rc *reqCtx) createRecordItem(c *collection) (*item, *apiError) {
	vals, err := rc.values("values")
	if err != nil {
		return nil, err
	}
	it, err := c.createItem(vals, "values", rc.actor, rc.now, -1, zeroUUID)
	if err != nil {
		return nil, err
	}
	rc.emitItem(c, it, "created")
	return it, nil
}

// assertItem is the upsert of records and activity records: it updates the one item whose unique
// matching_attribute has a value given, or creates one when none has.
func (rc *reqCtx) assertItem(c *collection) (*item, *apiError) {
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
		rc.emitItem(c, it, "created")
		return it, nil
	}
	plan, err := c.planWrite(found, vals, modeOverwrite, a, "values")
	if err != nil {
		return nil, err
	}
	c.applyPlan(found, plan, rc.actor, rc.now)
	rc.emitPlan(c, found, plan)
	return found, nil
}

func (rc *reqCtx) record() (*collection, *item, *apiError) {
	c, err := rc.object()
	if err != nil {
		return nil, nil, err
	}
	return rc.itemIn(c, "Record")
}

// itemIn is the item of c the path's record_id names; what names its kind in the 404.
func (rc *reqCtx) itemIn(c *collection, what string) (*collection, *item, *apiError) {
	id := rc.param("record_id")
	u, ok := parseUUID(id)
	if !ok {
		// record_id is declared format uuid; Attio validates path params before looking anything up.
		return nil, nil, validation("Path param validation error.").with([]any{"record_id"}, "invalid_string", "Invalid uuid")
	}
	it := c.byID[u]
	if it == nil {
		return nil, nil, notFound("%s with ID \"%s\" not found.", what, id)
	}
	return c, it, nil
}

func hGetRecord(rc *reqCtx) ([]byte, *apiError) { return getItem(rc.record, (*collection).writeRecord) }

func updateRecord(rc *reqCtx, mode writeMode) ([]byte, *apiError) {
	c, it, err := rc.record()
	if err != nil {
		return nil, err
	}
	return rc.updateItem(c, it, "values", mode, (*collection).writeRecord)
}

// updateItem writes the request's values (under key) onto a record or an
// entry and answers it as read back.
func (rc *reqCtx) updateItem(c *collection, it *item, key string, mode writeMode, write func(c *collection, w *jw, it *item)) ([]byte, *apiError) {
	vals, err := rc.values(key)
	if err != nil {
		return nil, err
	}
	plan, err := c.planWrite(it, vals, mode, nil, key)
	if err != nil {
		return nil, err
	}
	c.applyPlan(it, plan, rc.actor, rc.now)
	rc.emitPlan(c, it, plan)
	return dataOne(func(w *jw) { write(c, w, it) }), nil
}

func hPatchRecord(rc *reqCtx) ([]byte, *apiError) { return updateRecord(rc, modeAppend) }
func hPutRecord(rc *reqCtx) ([]byte, *apiError)   { return updateRecord(rc, modeOverwrite) }

func hDeleteRecord(rc *reqCtx) ([]byte, *apiError) {
	c, it, err := rc.record()
	if err != nil {
		return nil, err
	}
	rc.ws.deleteRecord(c, it, rc.now)
	rc.emitItem(c, it, "deleted")
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
	a := c.attr(rc.param("attribute"))
	if a == nil || a.archived {
		return nil, notFound("Attribute with slug/ID \"%s\" not found.", rc.param("attribute"))
	}
	historic, err := rc.boolParam("show_historic")
	if err != nil {
		return nil, err
	}
	if historic && valueTypes[a.typ].computed {
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
