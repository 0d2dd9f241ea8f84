package sandbox_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/attio-facade/attio-facade/sandbox"
)

// verrPath returns the path of the first validation_errors entry, rendered with fmt.
func verrPath(r resp) string {
	v, _ := r.body["validation_errors"].([]any)
	if len(v) == 0 {
		return ""
	}
	return fmt.Sprint(v[0].(map[string]any)["path"])
}

// TestStrictAsAttio: each request below is one Attio refuses; the sandbox
// refuses it the same way (status, code and, where Attio gives one, the path).
func TestStrictAsAttio(t *testing.T) {
	t.Parallel()
	a := seeded(t)
	hook := func(filter any) map[string]any {
		return map[string]any{"data": map[string]any{"target_url": "https://example.com/hook",
			"subscriptions": []any{map[string]any{"event_type": "record.created", "filter": nil},
				map[string]any{"event_type": "record.updated", "filter": filter}}}}
	}
	loc := func(drop string) map[string]any {
		m := map[string]any{"line_1": "1 Poultry", "line_2": nil, "line_3": nil, "line_4": nil, "locality": "London",
			"region": "England", "postcode": "EC2R 8EJ", "country_code": "GB", "latitude": nil, "longitude": nil}
		delete(m, drop)
		return m
	}
	person := "/objects/people/records/" + sandbox.SeedPersonID
	cases := []struct {
		name, method, path string
		body               any
		status             int
		code, path0        string
	}{
		{"webhook filter with an unknown operator", "POST", "/webhooks", hook(map[string]any{"$and": []any{map[string]any{"field": "id.object_id", "operator": "contains", "value": "x"}}}),
			400, "validation_type", "[data subscriptions 1 filter]"},
		{"webhook filter not $and/$or", "POST", "/webhooks", hook(map[string]any{"field": "id.object_id"}), 400, "validation_type", "[data subscriptions 1 filter]"},
		{"webhook filter update", "PATCH", "/webhooks/" + sandbox.SeedWebhookID, map[string]any{"data": map[string]any{"subscriptions": []any{map[string]any{"event_type": "note.created", "filter": map[string]any{"$or": "x"}}}}},
			400, "validation_type", "[data subscriptions 0 filter]"},
		{"$contains on actor-reference", "POST", "/objects/deals/records/query", map[string]any{"filter": map[string]any{"owner": map[string]any{"referenced_actor_id": map[string]any{"$contains": "613a"}}}}, 400, "filter_error", ""},
		{"$in on created_by", "POST", "/objects/people/records/query", map[string]any{"filter": map[string]any{"created_by": map[string]any{"$in": []any{sandbox.DefaultMemberID}}}}, 400, "filter_error", ""},
		{"bare string for a multiselect on PATCH", "PATCH", person, map[string]any{"data": map[string]any{"values": map[string]any{"interests": "AI"}}}, 400, "validation_type", "[data values interests]"},
		{"bare string for a multiselect on create", "POST", "/objects/people/records", map[string]any{"data": map[string]any{"values": map[string]any{"interests": "AI"}}}, 400, "validation_type", "[data values interests]"},
		{"linked_object without linked_record_id", "GET", "/tasks?linked_object=people", nil, 400, "validation_type", "[linked_record_id]"},
		{"linked_record_id without linked_object", "GET", "/tasks?linked_record_id=" + sandbox.SeedPersonID, nil, 400, "validation_type", "[linked_object]"},
		{"webhooks limit below 10", "GET", "/webhooks?limit=9", nil, 400, "validation_type", "[limit]"},
		{"webhooks limit above 100", "GET", "/webhooks?limit=101", nil, 400, "validation_type", "[limit]"},
		{"per-value currency_code", "PATCH", "/objects/deals/records/" + sandbox.SeedDealID, map[string]any{"data": map[string]any{"values": map[string]any{"value": []any{map[string]any{"currency_value": 5, "currency_code": "EUR"}}}}},
			400, "validation_type", "[data values value 0 currency_code]"},
		{"partial location object", "PATCH", person, map[string]any{"data": map[string]any{"values": map[string]any{"primary_location": []any{loc("longitude")}}}}, 400, "validation_type", "[data values primary_location 0 longitude]"},
		{"non-UUID record id", "GET", "/objects/people/records/not-a-uuid", nil, 400, "validation_type", "[record_id]"},
		{"non-UUID record id on PATCH", "PATCH", "/objects/people/records/123", map[string]any{"data": map[string]any{"values": map[string]any{}}}, 400, "validation_type", "[record_id]"},
	}
	for _, c := range cases {
		r := a.do(c.method, c.path, c.body)
		if r.status != c.status || r.body["code"] != c.code {
			t.Errorf("%s: %d %v, want %d %s: %s", c.name, r.status, r.body["code"], c.status, c.code, r.raw)
			continue
		}
		if got := verrPath(r); got != c.path0 {
			t.Errorf("%s: path %s, want %s", c.name, got, c.path0)
		}
	}
	// Meetings: limit 0 is too_small, 201 too_big (zod codes).
	for q, want := range map[string]string{"0": "too_small", "201": "too_big"} {
		r := a.do("GET", "/meetings?limit="+q, nil)
		v, _ := r.body["validation_errors"].([]any)
		if r.status != 400 || len(v) != 1 || v[0].(map[string]any)["code"] != want {
			t.Errorf("meetings limit=%s: %s", q, r.raw)
		}
	}
	// What stays accepted next to each refusal.
	a.must("GET", "/webhooks?limit=10", nil, 200)
	a.must("POST", "/webhooks", hook(map[string]any{"$or": []any{map[string]any{"field": "id.object_id", "operator": "not_equals", "value": "x"}}}), 200)
	a.must("POST", "/objects/deals/records/query", map[string]any{"filter": map[string]any{"owner": map[string]any{"referenced_actor_id": map[string]any{"$eq": sandbox.DefaultMemberID}}}}, 200)
	a.must("GET", "/tasks?linked_object=people&linked_record_id="+sandbox.SeedPersonID, nil, 200)
	a.must("PATCH", person, map[string]any{"data": map[string]any{"values": map[string]any{"interests": []any{"AI"}}}}, 200)
	r := a.must("PATCH", "/objects/deals/records/"+sandbox.SeedDealID, map[string]any{"data": map[string]any{"values": map[string]any{"value": []any{map[string]any{"currency_value": 5}}}}}, 200)
	if got := vals(r.data(), "value"); len(got) == 0 || got[len(got)-1].(map[string]any)["currency_code"] != "USD" {
		t.Errorf("currency comes from the attribute: %s", r.raw)
	}
	r = a.must("PATCH", person, map[string]any{"data": map[string]any{"values": map[string]any{"primary_location": []any{loc("")}}}}, 200)
	if got := vals(r.data(), "primary_location"); len(got) != 1 || got[0].(map[string]any)["locality"] != "London" {
		t.Errorf("full location: %s", r.raw)
	}
}

// A location written as free text is parsed, as Attio does.
func TestLocationFreeText(t *testing.T) {
	t.Parallel()
	a := seeded(t)
	a.hc = a.srv.Client() // the spec's input schema has no string form for a location
	r := a.must("PATCH", "/objects/people/records/"+sandbox.SeedPersonID, map[string]any{"data": map[string]any{"values": map[string]any{
		"primary_location": "1 Infinite Loop, Cupertino, CA 95014, US"}}}, 200)
	got := vals(r.data(), "primary_location")
	if len(got) != 1 {
		t.Fatalf("%s", r.raw)
	}
	loc := got[0].(map[string]any)
	for k, want := range map[string]any{"line_1": "1 Infinite Loop", "locality": "Cupertino", "region": "CA", "postcode": "95014", "country_code": "US", "latitude": nil} {
		if loc[k] != want {
			t.Errorf("%s = %v, want %v", k, loc[k], want)
		}
	}
}

// Interaction values are seeded as Attio computes them from meetings and
// emails, and filter by owner_member_id, interaction_type and interacted_at.
func TestSeededInteractions(t *testing.T) {
	t.Parallel()
	// On 2025-06-05 the 2025-06-10 meeting is upcoming; on the real clock it is past.
	at := time.Date(2025, 6, 5, 0, 0, 0, 0, time.UTC)
	a := seeded(t, sandbox.WithClock(func() time.Time { return at }))
	ada := a.must("GET", "/objects/people/records/"+sandbox.SeedPersonID, nil, 200).data()
	interaction := func(rec map[string]any, attr string) (typ, when, owner string) {
		v := vals(rec, attr)
		if len(v) != 1 {
			return "", "", ""
		}
		m := v[0].(map[string]any)
		o := m["owner_actor"].(map[string]any)
		return m["interaction_type"].(string), m["interacted_at"].(string), fmt.Sprint(o["id"])
	}
	want := map[string][3]string{
		// Ada: emailed Alice on 2025-05-02; the discovery call with Alice is on 2025-06-10.
		"first_email_interaction":    {"email", "2025-05-02T09:30:00.000000000Z", sandbox.DefaultMemberID},
		"last_email_interaction":     {"email", "2025-05-02T09:30:00.000000000Z", sandbox.DefaultMemberID},
		"first_interaction":          {"email", "2025-05-02T09:30:00.000000000Z", sandbox.DefaultMemberID},
		"last_interaction":           {"email", "2025-05-02T09:30:00.000000000Z", sandbox.DefaultMemberID},
		"next_calendar_interaction":  {"calendar-event", "2025-06-10T14:00:00.000000000Z", sandbox.DefaultMemberID},
		"next_interaction":           {"calendar-event", "2025-06-10T14:00:00.000000000Z", sandbox.DefaultMemberID},
		"first_calendar_interaction": {"", "", ""},
		"last_calendar_interaction":  {"", "", ""},
	}
	for attr, w := range want {
		typ, when, owner := interaction(ada, attr)
		if [3]string{typ, when, owner} != w {
			t.Errorf("Ada %s = %v %v %v, want %v", attr, typ, when, owner, w)
		}
	}
	// Globex (globex.com): Alan's call with Alice on 2025-05-20, Bob's email on 2025-05-16.
	globex := a.must("GET", "/objects/companies/records/"+sandbox.SeedCompanyGlobexID, nil, 200).data()
	if typ, when, owner := interaction(globex, "last_interaction"); typ != "calendar-event" || when != "2025-05-20T16:00:00.000000000Z" || owner != sandbox.DefaultMemberID {
		t.Errorf("Globex last_interaction = %v %v %v", typ, when, owner)
	}
	if typ, _, owner := interaction(globex, "first_interaction"); typ != "email" || owner != sandbox.SeedMember2ID {
		t.Errorf("Globex first_interaction = %v %v", typ, owner)
	}
	query := func(object string, filter map[string]any) []string {
		return ids(a.must("POST", "/objects/"+object+"/records/query", map[string]any{"filter": filter}, 200).list())
	}
	// owner_member_id is documented for interaction filters.
	if got := query("companies", map[string]any{"first_interaction": map[string]any{"owner_member_id": sandbox.SeedMember2ID}}); !slices.Equal(got, []string{sandbox.SeedCompanyGlobexID}) {
		t.Errorf("companies by first_interaction owner Bob: %v", got)
	}
	if got := query("people", map[string]any{"last_email_interaction": map[string]any{"owner_member_id": map[string]any{"$eq": sandbox.DefaultMemberID}}}); !slices.Equal(got, []string{sandbox.SeedPersonID}) {
		t.Errorf("people by last_email_interaction owner Alice: %v", got)
	}
	if got := query("people", map[string]any{"next_interaction": map[string]any{"interacted_at": map[string]any{"$gte": "2025-06-01T00:00:00Z"}}}); !slices.Equal(got, []string{sandbox.SeedPersonID}) {
		t.Errorf("people by next_interaction date: %v", got)
	}
}
