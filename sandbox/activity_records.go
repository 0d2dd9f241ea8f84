package sandbox

// Activity records (beta), as Attio's reference pages describe them:
// https://docs.attio.com/rest-api/endpoint-reference/activity-records/list-activity-records
// (POST .../records/query with filter, sorts, limit and offset, as records take them),
// create-an-activity-record ({data: {values}}), upsert-an-activity-record (PUT with
// matching_attribute), get-an-activity-record, update-an-activity-record-append-multiselect-values
// (PATCH), update-an-activity-record-overwrite-multiselect-values (PUT) and
// delete-an-activity-record. An activity record is {id: {workspace_id, activity_id, record_id},
// created_at, values}: a record without web_url. An unknown activity is the pages' 404 "Activity
// with slug/ID "phone_calls" not found."; a bad value is the records' 400 (value_not_found...).
//
// Each activity keeps its attributes and records in a collection of its own (activity set), so
// values, filters, sorts and writes are the records' own code. The guide
// https://docs.attio.com/rest-api/guides/activities adds attributes to activities; the sandbox
// serves them at /v2/activities/{activity}/attributes (attributes.go), and starts each activity
// with the attributes the pages' own examples use: timestamp, and for the calls schema direction
// (Inbound or Outbound). Attio's full list per schema is not on the pages.

func activityRecordRoutes(rs *routes) {
	rs.read("POST", "/v2/activities/{activity}/records/query", hQueryActivityRecords)
	rs.write("POST", "/v2/activities/{activity}/records", hCreateActivityRecord)
	rs.write("PUT", "/v2/activities/{activity}/records", hAssertActivityRecord)
	rs.read("GET", "/v2/activities/{activity}/records/{record_id}", hGetActivityRecord)
	rs.write("PATCH", "/v2/activities/{activity}/records/{record_id}", hPatchActivityRecord)
	rs.write("PUT", "/v2/activities/{activity}/records/{record_id}", hPutActivityRecord)
	rs.write("DELETE", "/v2/activities/{activity}/records/{record_id}", hDeleteActivityRecord)
}

// activityAttrs are the attributes an activity starts with, by the schema it extends.
func activityAttrs(schema string) []attrDef {
	out := []attrDef{sys("timestamp", "Timestamp", "timestamp")}
	if schema == "calls" {
		out = append(out, opts(sys("direction", "Direction", "select"), "Inbound", "Outbound"))
	}
	return out
}

// newActivityCollection is the collection holding a's attributes and records. It is in no slot of
// ws.objects: records cannot reference activity records, and webhooks do not see them.
func (ws *workspace) newActivityCollection(a *activityDef) *collection {
	c := &collection{
		ws: ws, idx: -1, activity: true, id: a.id, slug: a.slug, singular: a.singular, plural: a.plural, createdAt: a.createdAt,
		attrBySlug: map[string]*attribute{},
		attrByID:   map[uuid]*attribute{},
		byID:       map[uuid]*item{},
		uniq:       map[uint16]map[string]*item{},
	}
	for _, d := range activityAttrs(a.extends) {
		c.addAttr(d, a.createdAt)
	}
	return c
}

// activityColl is the collection of the path's {activity}.
func (rc *reqCtx) activityColl() (*collection, *apiError) {
	a, err := rc.activity()
	if err != nil {
		return nil, err
	}
	return a.coll, nil
}

func (c *collection) writeActivityRecord(w *jw, it *item) {
	w.objOpen()
	w.key("id")
	w.objOpen()
	w.kid("workspace_id", c.ws.id)
	w.kid("activity_id", c.id)
	w.kid("record_id", it.id)
	w.objClose()
	w.key("created_at")
	w.ts(it.createdAt)
	w.key("values")
	c.writeItemValues(w, it)
	w.objClose()
}

func hQueryActivityRecords(rc *reqCtx) ([]byte, *apiError) {
	c, err := rc.activityColl()
	if err != nil {
		return nil, err
	}
	items, err := c.query(rc.body)
	if err != nil {
		return nil, err
	}
	return dataList(items, c.writeActivityRecord), nil
}

func hCreateActivityRecord(rc *reqCtx) ([]byte, *apiError) {
	return answerItem(rc.activityColl, rc.createRecordItem, (*collection).writeActivityRecord)
}

func hAssertActivityRecord(rc *reqCtx) ([]byte, *apiError) {
	return answerItem(rc.activityColl, rc.assertItem, (*collection).writeActivityRecord)
}

func (rc *reqCtx) activityRecord() (*collection, *item, *apiError) {
	c, err := rc.activityColl()
	if err != nil {
		return nil, nil, err
	}
	return rc.itemIn(c, "Activity record")
}

func hGetActivityRecord(rc *reqCtx) ([]byte, *apiError) {
	return getItem(rc.activityRecord, (*collection).writeActivityRecord)
}

func updateActivityRecord(rc *reqCtx, mode writeMode) ([]byte, *apiError) {
	c, it, err := rc.activityRecord()
	if err != nil {
		return nil, err
	}
	return rc.updateItem(c, it, "values", mode, (*collection).writeActivityRecord)
}

func hPatchActivityRecord(rc *reqCtx) ([]byte, *apiError) {
	return updateActivityRecord(rc, modeAppend)
}
func hPutActivityRecord(rc *reqCtx) ([]byte, *apiError) {
	return updateActivityRecord(rc, modeOverwrite)
}

func hDeleteActivityRecord(rc *reqCtx) ([]byte, *apiError) {
	c, it, err := rc.activityRecord()
	if err != nil {
		return nil, err
	}
	c.remove(it)
	return okEmpty()
}
