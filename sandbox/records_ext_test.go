package sandbox_test

import (
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/attio-facade/attio-facade/sandbox"
	"github.com/attio-facade/attio-facade/sandbox/openapitest"
)

func q(filter any, extra ...any) map[string]any {
	m := map[string]any{}
	if filter != nil {
		m["filter"] = filter
	}
	for i := 0; i+1 < len(extra); i += 2 {
		m[extra[i].(string)] = extra[i+1]
	}
	return m
}

func names(t *testing.T, list []any) []string {
	t.Helper()
	var out []string
	for _, r := range list {
		rec := r.(map[string]any)
		n := vals(rec, "name")
		if len(n) == 0 {
			out = append(out, "")
			continue
		}
		v := n[0].(map[string]any)
		if fn, ok := v["full_name"].(string); ok {
			out = append(out, fn)
		} else {
			out = append(out, v["value"].(string))
		}
	}
	return out
}

func TestFilters(t *testing.T) {
	t.Parallel()
	a := seeded(t)
	cases := []struct {
		name   string
		object string
		filter any
		want   []string
	}{
		{"shorthand personal-name", "people", map[string]any{"name": "Ada Lovelace"}, []string{"Ada Lovelace"}},
		{"verbose $eq", "people", map[string]any{"name": map[string]any{"$eq": "Alan Turing"}}, []string{"Alan Turing"}},
		{"sub-property", "people", map[string]any{"name": map[string]any{"first_name": map[string]any{"$eq": "Grace"}}}, []string{"Grace Hopper"}},
		{"email domain", "people", map[string]any{"email_addresses": map[string]any{"email_domain": map[string]any{"$eq": "acme-analytics.com"}}}, []string{"Ada Lovelace", "Grace Hopper"}},
		{"email shorthand", "people", map[string]any{"email_addresses": "alan@globex.com"}, []string{"Alan Turing"}},
		{"$contains", "people", map[string]any{"name": map[string]any{"$contains": "CE"}}, []string{"Ada Lovelace", "Grace Hopper"}},
		{"$starts_with", "people", map[string]any{"job_title": map[string]any{"$starts_with": "soft"}}, []string{"Alan Turing", "Linus Torvalds"}},
		{"$ends_with", "companies", map[string]any{"domains": map[string]any{"domain": map[string]any{"$ends_with": ".co.uk"}}}, []string{"Initech"}},
		{"$in select", "companies", map[string]any{"typpe": map[string]any{"$in": []any{"Customer", "Competitor"}}}, []string{"Globex Corporation", "Initech"}},
		{"$not_empty true", "people", map[string]any{"lead_score": map[string]any{"$not_empty": true}}, []string{"Ada Lovelace", "Alan Turing", "Grace Hopper", "Margaret Hamilton"}},
		{"$not_empty false", "people", map[string]any{"company": map[string]any{"$not_empty": false}}, []string{"Ken Thompson"}},
		{"$gt rating", "people", map[string]any{"lead_score": map[string]any{"$gt": 4}}, []string{"Ada Lovelace", "Margaret Hamilton"}},
		{"$gte/$lte", "people", map[string]any{"lead_score": map[string]any{"$gte": 3, "$lte": 4}}, []string{"Alan Turing", "Grace Hopper"}},
		{"$lt currency", "deals", map[string]any{"value": map[string]any{"$lt": 50000}}, []string{"Acme Analytics expansion", "Initech renewal"}},
		{"status shorthand", "deals", map[string]any{"stage": "In Progress"}, []string{"Acme Analytics expansion"}},
		{"multiselect any", "companies", map[string]any{"categories": "B2B"}, []string{"Acme Analytics"}},
		{"record ref", "people", map[string]any{"company": map[string]any{"target_record_id": sandbox.SeedCompany2ID}}, []string{"Ada Lovelace", "Grace Hopper"}},
		{"$and", "people", map[string]any{"$and": []any{map[string]any{"job_title": "Software Engineer"}, map[string]any{"interests": "Cloud"}}}, []string{"Linus Torvalds"}},
		{"$or", "people", map[string]any{"$or": []any{map[string]any{"name": "Ken Thompson"}, map[string]any{"job_title": "CEO"}}}, []string{"Margaret Hamilton", "Ken Thompson"}},
		{"$not", "deals", map[string]any{"$not": map[string]any{"stage": "Lost"}}, []string{"Acme Analytics expansion", "Globex pilot"}},
		{"path drill-down", "people", map[string]any{"path": []any{[]any{"people", "company"}, []any{"companies", "name"}}, "constraints": map[string]any{"$eq": "Initech"}}, []string{"Linus Torvalds"}},
		{"path with sub-property", "people", map[string]any{"path": []any{[]any{"people", "company"}, []any{"companies", "domains"}}, "constraints": map[string]any{"domain": "globex.com"}}, []string{"Alan Turing"}},
		{"created_at range", "people", map[string]any{"created_at": map[string]any{"$gte": "2025-05-02", "$lt": "2025-05-04T08:00:00Z"}}, []string{"Grace Hopper", "Linus Torvalds"}},
		{"created_at nanoseconds", "people", map[string]any{"created_at": map[string]any{"$gt": "2025-05-01T08:00:00.000000001Z", "$lt": "2025-05-02"}}, []string{"Alan Turing"}},
		{"record_id", "people", map[string]any{"record_id": sandbox.SeedPersonID}, []string{"Ada Lovelace"}},
		{"created_by", "people", map[string]any{"created_by": map[string]any{"referenced_actor_type": "api-token"}}, []string{"Ken Thompson"}},
		{"timestamp attribute", "people", map[string]any{"last_contacted_at": map[string]any{"$lte": "2025-05-03T12:15:00Z"}}, []string{"Ada Lovelace"}},
		{"checkbox", "companies", map[string]any{"has_weight_loss_program": false}, []string{"Energyguided Technology"}},
		{"location", "people", map[string]any{"primary_location": map[string]any{"locality": "London"}}, []string{"Ada Lovelace"}},
		{"phone", "people", map[string]any{"phone_numbers": "+14155550100"}, []string{"Alan Turing"}},
		{"date", "companies", map[string]any{"foundation_date": map[string]any{"$lt": "2014"}}, []string{"Acme Analytics"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := a.must("POST", "/objects/"+c.object+"/records/query", q(c.filter), 200)
			got := names(t, r.list())
			if !slices.Equal(got, c.want) {
				t.Fatalf("got %q, want %q", got, c.want)
			}
		})
	}
	t.Run("record_id keyset", func(t *testing.T) {
		all, _ := a.srv.Sandbox.Records("", "people")
		created, _ := a.srv.Sandbox.RecordCreatedAt("", "people", all[0])
		r := a.must("POST", "/objects/people/records/query", q(map[string]any{"$or": []any{
			map[string]any{"created_at": map[string]any{"$gt": created}},
			map[string]any{"$and": []any{map[string]any{"created_at": created}, map[string]any{"record_id": map[string]any{"$gt": all[0]}}}},
		}}), 200)
		if got := ids(r.list()); !slices.Equal(got, all[1:]) {
			t.Fatalf("keyset after first: %v, want %v", got, all[1:])
		}
	})
	t.Run("entries filter and path via parent_record", func(t *testing.T) {
		r := a.must("POST", "/lists/sales_pipeline/entries/query", q(map[string]any{"path": []any{
			[]any{"sales_pipeline", "parent_record"}, []any{"companies", "name"}}, "constraints": map[string]any{"$starts_with": "Glo"}}), 200)
		if len(r.list()) != 1 || r.list()[0].(map[string]any)["parent_record_id"] != sandbox.SeedCompanyGlobexID {
			t.Fatalf("got %s", r.raw)
		}
	})
	for _, bad := range []any{
		map[string]any{"nope": "x"},
		map[string]any{"name": map[string]any{"$regex": "x"}},
		map[string]any{"job_title": map[string]any{"$gt": "a"}},
		map[string]any{"lead_score": map[string]any{"$contains": 1}},
		map[string]any{"$and": "x"},
		map[string]any{"path": []any{[]any{"people", "job_title"}, []any{"companies", "name"}}, "constraints": map[string]any{"$eq": "x"}},
		[]any{1},
	} {
		errCode(t, a.do("POST", "/objects/people/records/query", map[string]any{"filter": bad}), 400, "filter_error")
	}
}

func TestSortsAndOffsetPagination(t *testing.T) {
	t.Parallel()
	a := seeded(t)
	r := a.must("POST", "/objects/people/records/query", q(nil, "sorts", []any{map[string]any{"attribute": "name", "field": "last_name", "direction": "asc"}}), 200)
	want := []string{"Alan Turing", "Ada Lovelace", "Margaret Hamilton", "Grace Hopper", "Ken Thompson", "Linus Torvalds"}
	slices.SortFunc(want, func(x, y string) int { return cmpLast(x, y) })
	if got := names(t, r.list()); !slices.Equal(got, want) {
		t.Fatalf("sorted by last name %q, want %q", got, want)
	}
	r = a.must("POST", "/objects/people/records/query", q(nil, "sorts", []any{map[string]any{"attribute": "lead_score", "direction": "desc"}, map[string]any{"attribute": "name", "direction": "asc"}}), 200)
	if got := names(t, r.list()); got[0] != "Ada Lovelace" || got[1] != "Margaret Hamilton" || got[len(got)-1] == "Ada Lovelace" {
		t.Fatalf("desc sort %q", got)
	}
	r = a.must("POST", "/objects/people/records/query", q(nil, "sorts", []any{map[string]any{"path": []any{[]any{"people", "company"}, []any{"companies", "name"}}, "direction": "asc"}}), 200)
	if got := names(t, r.list()); got[0] != "Ada Lovelace" || got[len(got)-1] != "Ken Thompson" {
		t.Fatalf("path sort %q", got)
	}

	// Sorting on created_at keeps nanosecond precision (Ada and Alan are 1ns apart).
	r = a.must("POST", "/objects/people/records/query", q(nil, "sorts", []any{map[string]any{"attribute": "created_at", "direction": "desc"}}), 200)
	if got := names(t, r.list()); !slices.Equal(got[len(got)-2:], []string{"Alan Turing", "Ada Lovelace"}) || got[0] != "Ken Thompson" {
		t.Fatalf("created_at desc %q", got)
	}

	// Default order is (created_at, record_id); pages tile it exactly.
	all, _ := a.srv.Sandbox.Records("", "people")
	var paged []string
	for off := 0; ; off += 4 {
		r := a.must("POST", "/objects/people/records/query", q(nil, "limit", 4, "offset", off), 200)
		paged = append(paged, ids(r.list())...)
		if len(r.list()) < 4 {
			break
		}
	}
	if !slices.Equal(paged, all) {
		t.Fatalf("paged %v, ground truth %v", paged, all)
	}
	errCode(t, a.do("POST", "/objects/people/records/query", q(nil, "limit", -1)), 400, "validation_type")

	// GET list endpoints: defaults and maxima.
	for _, c := range []struct {
		path string
		want int
	}{
		{"/notes?limit=51", 400}, {"/notes?limit=50", 200}, {"/threads?limit=51", 400},
		{"/webhooks?limit=101", 400}, {"/meetings?limit=201", 400}, {"/meetings?limit=0", 400},
		{"/objects/people/records/" + sandbox.SeedPersonID + "/entries?limit=1001", 400},
		{"/meetings/" + sandbox.SeedMeetingID + "/call_recordings?limit=201", 400},
	} {
		if r := a.do("GET", c.path, nil); r.status != c.want {
			t.Errorf("%s: %d, want %d", c.path, r.status, c.want)
		}
	}
	if n := len(a.must("GET", "/notes", nil, 200).list()); n != 3 {
		t.Errorf("notes default page: %d", n)
	}
	if n := len(a.must("GET", "/notes?limit=1&offset=1", nil, 200).list()); n != 1 {
		t.Errorf("notes offset page: %d", n)
	}
}

func cmpLast(x, y string) int {
	lx, ly := x[len(x)-len(lastWord(x)):], y[len(y)-len(lastWord(y)):]
	switch {
	case lx < ly:
		return -1
	case lx > ly:
		return 1
	}
	return 0
}

func lastWord(s string) string {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == ' ' {
			return s[i+1:]
		}
	}
	return s
}

func TestCursorPagination(t *testing.T) {
	t.Parallel()
	a := seeded(t)
	var meetings []string
	cursor := ""
	for pages := 0; pages < 10; pages++ {
		path := "/meetings?limit=1"
		if cursor != "" {
			path += "&cursor=" + cursor
		}
		r := a.must("GET", path, nil, 200)
		for _, m := range r.list() {
			meetings = append(meetings, m.(map[string]any)["id"].(map[string]any)["meeting_id"].(string))
		}
		next, _ := r.body["pagination"].(map[string]any)["next_cursor"].(string)
		if next == "" {
			break
		}
		cursor = next
	}
	if len(meetings) != 3 {
		t.Fatalf("meetings through cursors: %v", meetings)
	}
	// The all-day offsite (2025-07-01) starts last; the Globex QBR first.
	if meetings[2] == sandbox.SeedMeetingID || meetings[1] != sandbox.SeedMeetingID {
		t.Fatalf("start_asc order %v", meetings)
	}
	r := a.must("GET", "/meetings?participants=ada@acme-analytics.com", nil, 200)
	if len(r.list()) != 1 {
		t.Fatalf("participants filter: %s", r.raw)
	}
	r = a.must("GET", "/meetings?ends_from=2025-06-01T00:00:00Z&starts_before=2025-06-30T00:00:00Z", nil, 200)
	if len(r.list()) != 1 {
		t.Fatalf("time window: %s", r.raw)
	}
	errCode(t, a.do("GET", "/meetings?cursor=garbage", nil), 400, "validation_type")

	// Transcript: 120 segments in pages of 50.
	segs := 0
	cursor = ""
	pages := 0
	for {
		path := "/meetings/" + sandbox.SeedMeetingID + "/call_recordings/" + sandbox.SeedCallRecordingID + "/transcript"
		if cursor != "" {
			path += "?cursor=" + cursor
		}
		r := a.must("GET", path, nil, 200)
		pages++
		segs += len(r.data()["transcript"].([]any))
		next, _ := r.body["pagination"].(map[string]any)["next_cursor"].(string)
		if next == "" {
			break
		}
		cursor = next
	}
	if segs != 120 || pages != 3 {
		t.Fatalf("transcript %d segments in %d pages", segs, pages)
	}
	// Call recordings by cursor.
	r = a.must("GET", "/meetings/"+sandbox.SeedMeetingID+"/call_recordings?limit=1", nil, 200)
	next := r.body["pagination"].(map[string]any)["next_cursor"].(string)
	r = a.must("GET", "/meetings/"+sandbox.SeedMeetingID+"/call_recordings?limit=1&cursor="+next, nil, 200)
	if len(r.list()) != 1 || r.body["pagination"].(map[string]any)["next_cursor"] != nil {
		t.Fatalf("second recordings page %s", r.raw)
	}
}

func TestWritesHistoryAndAssert(t *testing.T) {
	t.Parallel()
	a := seeded(t)
	// Shorthand inputs are outside the spec's request schema: skip request checks.
	a.hc.Transport.(*openapitest.Transport).SkipRequests = true
	rec := a.must("POST", "/objects/people/records", map[string]any{"data": map[string]any{"values": map[string]any{
		"name":              "Barbara Liskov",
		"email_addresses":   []any{"Barbara@MIT.example.edu"},
		"phone_numbers":     []any{map[string]any{"original_phone_number": "020 7946 0000", "country_code": "GB"}},
		"interests":         []any{"AI"},
		"job_title":         "Professor",
		"lead_score":        "4",
		"last_contacted_at": "2024-02-03T04:05",
		"company":           map[string]any{"target_object": "companies", "matching_id": []any{map[string]any{"value": "ACME-001"}}},
	}}}, 200)
	id := rec.data()["id"].(map[string]any)["record_id"].(string)
	path := "/objects/people/records/" + id
	check := func(r resp, attr, field string, want any) {
		t.Helper()
		v := vals(r.data(), attr)
		if len(v) == 0 || v[0].(map[string]any)[field] != want {
			t.Fatalf("%s.%s = %v, want %v", attr, field, v, want)
		}
	}
	check(rec, "name", "last_name", "Liskov")
	check(rec, "email_addresses", "email_address", "barbara@mit.example.edu")
	check(rec, "email_addresses", "original_email_address", "Barbara@MIT.example.edu")
	check(rec, "email_addresses", "email_root_domain", "example.edu")
	check(rec, "phone_numbers", "phone_number", "+442079460000")
	check(rec, "phone_numbers", "country_code", "GB")
	check(rec, "lead_score", "value", 4.0)
	check(rec, "last_contacted_at", "value", "2024-02-03T04:05:00.000000000Z")
	check(rec, "company", "target_record_id", sandbox.SeedCompany2ID)

	// PATCH appends to multiselect, PUT overwrites.
	r := a.must("PATCH", path, map[string]any{"data": map[string]any{"values": map[string]any{"interests": []any{"Data"}}}}, 200)
	if n := len(vals(r.data(), "interests")); n != 2 {
		t.Fatalf("PATCH multiselect: %d values", n)
	}
	r = a.must("PUT", path, map[string]any{"data": map[string]any{"values": map[string]any{"interests": []any{"Cloud"}}}}, 200)
	if v := vals(r.data(), "interests"); len(v) != 1 || v[0].(map[string]any)["option"].(map[string]any)["title"] != "Cloud" {
		t.Fatalf("PUT multiselect: %v", v)
	}
	// Single value change ends the old value; history shows both.
	a.must("PATCH", path, map[string]any{"data": map[string]any{"values": map[string]any{"job_title": "Institute Professor"}}}, 200)
	h := a.must("GET", path+"/attributes/job_title/values?show_historic=true", nil, 200).list()
	if len(h) != 2 || h[0].(map[string]any)["active_until"] == nil || h[1].(map[string]any)["active_until"] != nil {
		t.Fatalf("history %v", h)
	}
	cur := a.must("GET", path+"/attributes/job_title/values", nil, 200).list()
	if len(cur) != 1 || cur[0].(map[string]any)["value"] != "Institute Professor" {
		t.Fatalf("current %v", cur)
	}
	hi := a.must("GET", path+"/attributes/interests/values?show_historic=true", nil, 200).list()
	if len(hi) != 3 {
		t.Fatalf("interests history %d values", len(hi))
	}
	// Relationship mirrored: the company's team now lists the person.
	team := vals(a.must("GET", "/objects/companies/records/"+sandbox.SeedCompany2ID, nil, 200).data(), "team")
	found := false
	for _, m := range team {
		found = found || m.(map[string]any)["target_record_id"] == id
	}
	if !found {
		t.Fatalf("team does not mirror company: %v", team)
	}

	// Assert: update by unique email, create when absent, multiple matches.
	r = a.must("PUT", "/objects/people/records?matching_attribute=email_addresses", map[string]any{"data": map[string]any{"values": map[string]any{
		"email_addresses": []any{"barbara@mit.example.edu"}, "job_title": "Emerita"}}}, 200)
	if r.data()["id"].(map[string]any)["record_id"] != id {
		t.Fatalf("assert did not match the existing record")
	}
	r = a.must("PUT", "/objects/people/records?matching_attribute=email_addresses", map[string]any{"data": map[string]any{"values": map[string]any{
		"email_addresses": []any{"new.person@example.com"}}}}, 200)
	if r.data()["id"].(map[string]any)["record_id"] == id {
		t.Fatalf("assert should have created")
	}
	errCode(t, a.do("PUT", "/objects/people/records?matching_attribute=email_addresses", map[string]any{"data": map[string]any{"values": map[string]any{
		"email_addresses": []any{"barbara@mit.example.edu", "new.person@example.com"}}}}), 400, "multiple_match_results")
	errCode(t, a.do("PUT", "/objects/people/records?matching_attribute=job_title", map[string]any{"data": map[string]any{"values": map[string]any{
		"job_title": "x"}}}), 400, "validation_type")
	// List entry assert by parent record.
	r = a.must("PUT", "/lists/recruiting/entries", map[string]any{"data": map[string]any{"parent_record_id": id, "parent_object": "people", "entry_values": map[string]any{"stage": "Applied"}}}, 200)
	entry := r.data()["id"].(map[string]any)["entry_id"]
	r = a.must("PUT", "/lists/recruiting/entries", map[string]any{"data": map[string]any{"parent_record_id": id, "parent_object": "people", "entry_values": map[string]any{"stage": "Hired"}}}, 200)
	if r.data()["id"].(map[string]any)["entry_id"] != entry || vals(r.data(), "stage")[0].(map[string]any)["status"].(map[string]any)["title"] != "Hired" {
		t.Fatalf("entry assert did not update: %s", r.raw)
	}

	// Error codes of writes.
	errCode(t, a.do("POST", "/objects/people/records", map[string]any{"data": map[string]any{"values": map[string]any{"email_addresses": []any{"not-an-email"}}}}), 400, "validation_type")
	if r := a.do("POST", "/objects/people/records", map[string]any{"data": map[string]any{"values": map[string]any{"email_addresses": []any{"bad"}}}}); len(r.body["validation_errors"].([]any)) == 0 {
		t.Fatalf("validation_errors missing: %s", r.raw)
	}
	errCode(t, a.do("POST", "/objects/people/records", map[string]any{"data": map[string]any{"values": map[string]any{"email_addresses": []any{"ada@acme-analytics.com"}}}}), 400, "uniqueness_conflict")
	errCode(t, a.do("POST", "/objects/people/records", map[string]any{"data": map[string]any{"values": map[string]any{"nope": "x"}}}), 400, "value_not_found")
	errCode(t, a.do("POST", "/objects/people/records", map[string]any{"data": map[string]any{"values": map[string]any{"record_id": "x"}}}), 400, "immutable_value")
	errCode(t, a.do("POST", "/objects/deals/records", map[string]any{"data": map[string]any{"values": map[string]any{"name": "No stage"}}}), 400, "missing_value")
	errCode(t, a.do("POST", "/objects/people/records", map[string]any{"data": map[string]any{"values": map[string]any{"interests": []any{"Cooking"}}}}), 400, "value_not_found")
	errCode(t, a.do("POST", "/objects/people/records", map[string]any{"data": map[string]any{"values": map[string]any{"job_title": []any{"a", "b"}}}}), 400, "validation_type")
	errCode(t, a.do("POST", "/objects/people/records", map[string]any{}), 400, "validation_type")
	errCode(t, a.do("POST", "/objects/people/records", "{not json"), 400, "validation_type")
	errCode(t, a.do("PATCH", "/lists/sales_pipeline/entries/"+sandbox.SeedEntryID, map[string]any{"data": map[string]any{"parent_record_id": id, "entry_values": map[string]any{}}}), 400, "immutable_value")
	errCode(t, a.do("POST", "/objects", map[string]any{"data": map[string]any{"api_slug": "people", "singular_noun": "P", "plural_noun": "Ps"}}), 409, "slug_conflict")

	// Coercions of every input type on the custom object.
	r = a.must("POST", "/objects/projects/records", map[string]any{"data": map[string]any{"values": map[string]any{
		"name": "Coerce", "code": "PRJ-9", "budget": 10.12345, "start_date": "2024", "kickoff_at": "2024-01-02T13:00:00.5+02:00",
		"priority": "Medium", "phase": "Done", "owner": "bob@sandbox.example.com", "members": []any{sandbox.SeedPersonID},
		"score": 5, "is_public": "true", "headcount": 3, "website": "https://www.Example.co.uk/path", "hotline": "+1 (212) 555-0199",
		"contact_email": "x@y.io",
	}}}, 200)
	for _, c := range []struct {
		attr, field string
		want        any
	}{
		{"budget", "currency_value", 10.1235}, {"budget", "currency_code", "EUR"}, {"start_date", "value", "2024-01-01"},
		{"kickoff_at", "value", "2024-01-02T11:00:00.500000000Z"}, {"priority", "attribute_type", "select"},
		{"phase", "attribute_type", "status"}, {"owner", "referenced_actor_id", sandbox.SeedMember2ID},
		{"members", "target_object", "people"}, {"is_public", "value", true}, {"website", "domain", "example.co.uk"},
		{"website", "root_domain", "example.co.uk"}, {"hotline", "phone_number", "+12125550199"},
	} {
		check(r, c.attr, c.field, c.want)
	}
}

func TestDeleteCascades(t *testing.T) {
	t.Parallel()
	a := seeded(t)
	before, _ := a.srv.Sandbox.Entries("", "sales_pipeline")
	a.must("DELETE", "/objects/companies/records/"+sandbox.SeedCompany2ID, nil, 200)
	after, _ := a.srv.Sandbox.Entries("", "sales_pipeline")
	if len(after) != len(before)-1 {
		t.Fatalf("entries %d -> %d", len(before), len(after))
	}
	ada := a.must("GET", "/objects/people/records/"+sandbox.SeedPersonID, nil, 200)
	if len(vals(ada.data(), "company")) != 0 {
		t.Fatalf("deleted company still referenced: %v", vals(ada.data(), "company"))
	}
	if r := a.must("DELETE", "/objects/companies/records/"+sandbox.SeedCompany2ID, nil, 404); r.body["code"] != "not_found" {
		t.Fatal(string(r.raw))
	}
	if string(a.must("DELETE", "/notes/"+sandbox.SeedNoteID, nil, http.StatusOK).raw) != "{}" {
		t.Fatal("DELETE must answer {}")
	}
	_ = fmt.Sprint()
}
