package sandbox

import "net/http"

func entryRoutes(rs *routes) {
	rs.read("POST", "/v2/lists/{list}/entries/query", hQueryEntries)
	rs.write("POST", "/v2/lists/{list}/entries", hCreateEntry)
	rs.write("PUT", "/v2/lists/{list}/entries", hAssertEntry)
	rs.read("GET", "/v2/lists/{list}/entries/{entry_id}", hGetEntry)
	rs.write("PATCH", "/v2/lists/{list}/entries/{entry_id}", hPatchEntry)
	rs.write("PUT", "/v2/lists/{list}/entries/{entry_id}", hPutEntry)
	rs.write("DELETE", "/v2/lists/{list}/entries/{entry_id}", hDeleteEntry)
	rs.read("GET", "/v2/lists/{list}/entries/{entry_id}/attributes/{attribute}/values", hEntryValues)
}

// defaultQueryLimit is Attio's page size for record and entry queries.
const defaultQueryLimit = 500

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

// entryWrite reads what creating or asserting an entry needs: the list, the
// parent object and record, and the entry values.
func (rc *reqCtx) entryWrite() (l, po *collection, rec *item, vals map[string]any, err *apiError) {
	if l, err = rc.listParam(); err != nil {
		return
	}
	d, err := rc.data()
	if err != nil {
		return
	}
	if po, rec, err = rc.entryParent(l, d); err != nil {
		return
	}
	vals, err = rc.values("entry_values")
	return
}

func hCreateEntry(rc *reqCtx) ([]byte, *apiError) {
	l, po, rec, vals, err := rc.entryWrite()
	if err != nil {
		return nil, err
	}
	it, err := l.createItem(vals, "entry_values", rc.actor, rc.now, int16(po.idx), rec.id)
	if err != nil {
		return nil, err
	}
	rc.emitItem(l, it, "created")
	return dataOne(func(w *jw) { l.writeEntry(w, it) }), nil
}

func hAssertEntry(rc *reqCtx) ([]byte, *apiError) {
	l, po, rec, vals, err := rc.entryWrite()
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
		rc.emitItem(l, it, "created")
		return dataOne(func(w *jw) { l.writeEntry(w, it) }), nil
	case 1:
		plan, err := l.planWrite(found[0], vals, modeOverwrite, nil, "entry_values")
		if err != nil {
			return nil, err
		}
		l.applyPlan(found[0], plan, rc.actor, rc.now)
		rc.emitPlan(l, found[0], plan)
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
	id := rc.param("entry_id")
	u, _ := parseUUID(id)
	it := l.byID[u]
	if it == nil {
		return nil, nil, notFound("Entry with ID \"%s\" not found.", id)
	}
	return l, it, nil
}

func hGetEntry(rc *reqCtx) ([]byte, *apiError) { return getItem(rc.entry, (*collection).writeEntry) }

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
	return rc.updateItem(l, it, "entry_values", mode, (*collection).writeEntry)
}

func hPatchEntry(rc *reqCtx) ([]byte, *apiError) { return updateEntry(rc, modeAppend) }
func hPutEntry(rc *reqCtx) ([]byte, *apiError)   { return updateEntry(rc, modeOverwrite) }

func hDeleteEntry(rc *reqCtx) ([]byte, *apiError) {
	l, it, err := rc.entry()
	if err != nil {
		return nil, err
	}
	l.remove(it)
	rc.emitItem(l, it, "deleted")
	return okEmpty()
}

func hEntryValues(rc *reqCtx) ([]byte, *apiError) {
	l, it, err := rc.entry()
	if err != nil {
		return nil, err
	}
	return writeValuesPage(rc, l, it)
}
