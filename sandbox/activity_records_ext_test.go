package sandbox_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/attio-facade/attio-facade/sandbox"
	"github.com/attio-facade/attio-facade/sandbox/openapitest"
)

func activityAttrBody(slug, typ string, unique, multi bool) map[string]any {
	return map[string]any{"data": map[string]any{"title": slug, "description": nil, "api_slug": slug, "type": typ,
		"is_required": false, "is_unique": unique, "is_multiselect": multi, "config": map[string]any{}}}
}

// recValues is {data: {values}} with each single value in an array, as the document requires.
func recValues(v map[string]any) map[string]any {
	for k, x := range v {
		if _, ok := x.([]any); !ok {
			v[k] = []any{x}
		}
	}
	return map[string]any{"data": map[string]any{"values": v}}
}

// activityRecords2026 walks the activity record and activity attribute operations of the reference
// pages, each answering a success the strict client validates.
func activityRecords2026(t *testing.T, a *api) {
	t.Helper()
	const base = "/activities/phone_calls"
	a.must("GET", "/activities/phone_calls/attributes", nil, 200)
	a.must("POST", base+"/attributes", activityAttrBody("walk_ref", "text", true, false), 200)
	a.must("POST", base+"/attributes", activityAttrBody("walk_tags", "select", false, true), 200)
	a.must("POST", base+"/attributes", activityAttrBody("walk_stage", "status", false, false), 200)
	a.must("GET", base+"/attributes/walk_ref", nil, 200)
	a.must("PATCH", base+"/attributes/walk_ref", map[string]any{"data": map[string]any{"title": "Walk reference"}}, 200)
	opt := a.must("POST", base+"/attributes/walk_tags/options", map[string]any{"data": map[string]any{"title": "Hot"}}, 200).data()
	a.must("GET", base+"/attributes/walk_tags/options", nil, 200)
	a.must("PATCH", base+"/attributes/walk_tags/options/"+opt["id"].(map[string]any)["option_id"].(string), map[string]any{"data": map[string]any{"title": "Warm"}}, 200)
	st := a.must("POST", base+"/attributes/walk_stage/statuses", map[string]any{"data": map[string]any{"title": "Logged"}}, 200).data()
	a.must("GET", base+"/attributes/walk_stage/statuses", nil, 200)
	a.must("PATCH", base+"/attributes/walk_stage/statuses/"+st["id"].(map[string]any)["status_id"].(string), map[string]any{"data": map[string]any{"title": "Filed"}}, 200)

	rec := a.must("POST", base+"/records", recValues(map[string]any{"direction": "Outbound", "walk_tags": []any{"Warm"},
		"timestamp": "2026-08-14T10:00:00Z", "walk_stage": "Filed"}), 200).data()
	id := rec["id"].(map[string]any)["record_id"].(string)
	a.must("GET", base+"/records/"+id, nil, 200)
	a.must("PATCH", base+"/records/"+id, recValues(map[string]any{"walk_ref": "call-1"}), 200)
	a.must("PUT", base+"/records/"+id, recValues(map[string]any{"direction": "Inbound"}), 200)
	a.must("PUT", base+"/records?matching_attribute=walk_ref", recValues(map[string]any{"walk_ref": "call-1", "direction": "Outbound"}), 200)
	a.must("POST", base+"/records/query", map[string]any{"filter": map[string]any{"direction": "Outbound"},
		"sorts": []any{map[string]any{"direction": "desc", "attribute": "timestamp"}}, "limit": 500, "offset": 0}, 200)
	a.must("DELETE", base+"/records/"+id, nil, 200)
}

func TestActivityRecords(t *testing.T) {
	t.Parallel()
	a := seeded(t)
	// Only the 2026 document knows the activities target of the attribute operations.
	a.hc = &http.Client{Transport: &openapitest.Transport{T: t, V: openapitest.Load2026(t)}}
	const base = "/activities/phone_calls"
	// An activity starts with the attributes of its schema, answered in the attribute schema with
	// the activity's id as object_id.
	attrs := a.must("GET", base+"/attributes", nil, 200).list()
	var slugs []string
	for _, x := range attrs {
		m := x.(map[string]any)
		slugs = append(slugs, m["api_slug"].(string))
		if m["id"].(map[string]any)["object_id"] != sandbox.SeedPhoneCallsActivityID {
			t.Fatalf("attribute id %v", m["id"])
		}
	}
	if !slices.Equal(slugs, []string{"timestamp", "direction"}) {
		t.Fatalf("phone calls start with %v", slugs)
	}
	a.must("POST", base+"/attributes", activityAttrBody("call_ref", "text", true, false), 200)
	a.must("POST", base+"/attributes", activityAttrBody("call_ref", "text", true, false), 409)
	a.must("POST", base+"/attributes", activityAttrBody("topics", "select", false, true), 200)
	for _, o := range []string{"Pricing", "Renewal", "Support"} {
		a.must("POST", base+"/attributes/topics/options", map[string]any{"data": map[string]any{"title": o}}, 200)
	}

	first := a.must("POST", base+"/records", recValues(map[string]any{"direction": "Outbound", "timestamp": "2026-08-14T10:00:00Z",
		"topics": []any{"Pricing"}, "call_ref": "c-1"}), 200).data()
	id := first["id"].(map[string]any)
	if id["activity_id"] != sandbox.SeedPhoneCallsActivityID || first["web_url"] != nil || first["created_at"] == nil {
		t.Fatalf("created %v", first)
	}
	rid := id["record_id"].(string)
	a.must("POST", base+"/records", recValues(map[string]any{"direction": "Inbound", "timestamp": "2026-08-15T10:00:00Z", "call_ref": "c-2"}), 200)
	a.must("POST", base+"/records", recValues(map[string]any{"direction": "Outbound", "timestamp": "2026-08-16T10:00:00Z", "call_ref": "c-3"}), 200)

	// By id or slug of the activity; PATCH appends multiselect values, PUT overwrites them.
	got := a.must("GET", "/activities/"+sandbox.SeedPhoneCallsActivityID+"/records/"+rid, nil, 200).data()
	if v := vals(got, "direction"); len(v) != 1 || v[0].(map[string]any)["option"].(map[string]any)["title"] != "Outbound" {
		t.Fatalf("direction %v", v)
	}
	if v := vals(a.must("PATCH", base+"/records/"+rid, recValues(map[string]any{"topics": []any{"Renewal"}}), 200).data(), "topics"); len(v) != 2 {
		t.Fatalf("PATCH appends: %v", v)
	}
	if v := vals(a.must("PUT", base+"/records/"+rid, recValues(map[string]any{"topics": []any{"Support"}}), 200).data(), "topics"); len(v) != 1 {
		t.Fatalf("PUT overwrites: %v", v)
	}

	// The pages' query: filter direction Outbound, newest first.
	q := a.must("POST", base+"/records/query", map[string]any{"filter": map[string]any{"direction": "Outbound"},
		"sorts": []any{map[string]any{"direction": "desc", "attribute": "timestamp"}}}, 200).list()
	if got := refs(q); !slices.Equal(got, []string{"c-3", "c-1"}) {
		t.Fatalf("query answered %v", got)
	}
	if page := a.must("POST", base+"/records/query", map[string]any{"limit": 1, "offset": 2}, 200).list(); len(page) != 1 {
		t.Fatalf("limit/offset page %v", page)
	}

	// The upsert updates the record its unique attribute matches, else creates one.
	up := a.must("PUT", base+"/records?matching_attribute=call_ref", recValues(map[string]any{"call_ref": "c-2", "direction": "Outbound"}), 200).data()
	if up["id"].(map[string]any)["record_id"] == rid || len(refs(a.must("POST", base+"/records/query", map[string]any{}, 200).list())) != 3 {
		t.Fatalf("upsert of c-2 did not update it: %v", up)
	}
	a.must("PUT", base+"/records?matching_attribute=call_ref", recValues(map[string]any{"call_ref": "c-4"}), 200)
	if n := len(a.must("POST", base+"/records/query", map[string]any{}, 200).list()); n != 4 {
		t.Fatalf("upsert of a new value made %d records, want 4", n)
	}

	// Attio's errors, as the pages show them.
	errCode(t, a.do("POST", "/activities/nope/records", recValues(map[string]any{})), 404, "not_found")
	if r := a.do("POST", "/activities/nope/records/query", map[string]any{}); r.body["message"] != `Activity with slug/ID "nope" not found.` {
		t.Fatalf("unknown activity: %s", r.raw)
	}
	errCode(t, a.do("POST", base+"/records", recValues(map[string]any{"direction": "Sideways"})), 400, "value_not_found")
	errCode(t, a.do("PUT", base+"/records?matching_attribute=my_attribute", recValues(map[string]any{"x": "y"})), 400, "value_not_found")
	errCode(t, a.do("GET", base+"/records/00000000-0000-4000-8000-000000000000", nil), 404, "not_found")
	errCode(t, a.do("GET", "/activities/nope/attributes", nil), 404, "not_found")

	a.must("DELETE", base+"/records/"+rid, nil, 200)
	a.must("GET", base+"/records/"+rid, nil, 404)
	a.must("DELETE", base+"/records/"+rid, nil, 404)

	// A custom activity starts empty, with its schema's attributes; deleting it takes its records.
	a.must("POST", "/activities", activityBody("site_visits", "Site visit", "Site visits", "activities"), 200)
	if attrs := a.must("GET", "/activities/site_visits/attributes", nil, 200).list(); len(attrs) != 1 {
		t.Fatalf("a custom activity on the base schema starts with %v", attrs)
	}
	a.must("POST", "/activities/site_visits/records", recValues(map[string]any{"timestamp": "2026-01-01T00:00:00Z"}), 200)
	a.must("DELETE", "/activities/site_visits", nil, 200)
	a.must("POST", "/activities", activityBody("site_visits", "Site visit", "Site visits", "activities"), 200)
	if n := len(a.must("POST", "/activities/site_visits/records/query", map[string]any{}, 200).list()); n != 0 {
		t.Fatalf("a new activity of the same slug has %d records", n)
	}
}

// refs are the call_ref texts of activity records, in order.
func refs(list []any) []string {
	var out []string
	for _, x := range list {
		if v := vals(x.(map[string]any), "call_ref"); len(v) > 0 {
			out = append(out, v[0].(map[string]any)["value"].(string))
		}
	}
	return out
}
