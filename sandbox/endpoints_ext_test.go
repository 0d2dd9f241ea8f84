package sandbox_test

import (
	"net/http"
	"testing"

	"github.com/attio-facade/attio-facade/sandbox"
)

// TestEveryEndpoint calls all 63 operations of openapi.json (success and the
// documented errors); the validating transport checks every request and
// response against the spec.
func TestEveryEndpoint(t *testing.T) {
	t.Parallel()
	a := seeded(t)
	for _, c := range everyEndpointCalls() {
		r := a.do(c.method, c.path, c.body)
		if r.status != c.want {
			t.Errorf("%s %s: status %d, want %d: %.400s", c.method, c.path, r.status, c.want, r.raw)
		}
		if r.header.Get("X-Attio-Execution-Id") == "" || r.header.Get("Content-Type") != "application/json; charset=utf-8" {
			t.Errorf("%s %s: headers %v", c.method, c.path, r.header)
		}
	}
	// Every operation of the spec was exercised.
	st := a.srv.Sandbox.Stats()
	n := 0
	for route := range st.ByRoute {
		if route != "" && route[len(route)-7:] != "UNKNOWN" {
			n++
		}
	}
	if n != 63 {
		t.Errorf("exercised %d operations, want 63: %v", n, st.ByRoute)
	}
	_ = http.MethodGet
}

// endpointCall is one request of a walk over every operation, with the status it must get.
type endpointCall struct {
	method, path string
	body         any
	want         int
}

// everyEndpointCalls walks the 63 operations of openapi.json on a freshly seeded sandbox, in an
// order where each call finds what earlier ones created.
func everyEndpointCalls() []endpointCall {
	bogus := "00000000-0000-4000-8000-000000000000"
	company := "/objects/companies/records/" + sandbox.SeedCompany2ID
	type call = endpointCall
	return []call{
		{"GET", "/objects", nil, 200},
		{"GET", "/objects/people", nil, 200},
		{"GET", "/objects/nope", nil, 404},
		{"POST", "/objects", map[string]any{"data": map[string]any{"api_slug": "vehicles", "singular_noun": "Vehicle", "plural_noun": "Vehicles"}}, 200},
		{"POST", "/objects", map[string]any{"data": map[string]any{"api_slug": "vehicles", "singular_noun": "Car", "plural_noun": "Cars"}}, 409},
		{"PATCH", "/objects/vehicles", map[string]any{"data": map[string]any{"plural_noun": "Autos"}}, 200},
		{"PATCH", "/objects/vehicles", map[string]any{"data": map[string]any{}}, 400},
		{"PATCH", "/objects/nope", map[string]any{"data": map[string]any{"plural_noun": "X"}}, 404},
		{"PATCH", "/objects/vehicles", map[string]any{"data": map[string]any{"api_slug": "people"}}, 409},
		{"GET", "/objects/companies/attributes", nil, 200},
		{"GET", "/lists/sales_pipeline/attributes?limit=2&offset=1&show_archived=true", nil, 200},
		{"POST", "/objects/vehicles/attributes", map[string]any{"data": map[string]any{"title": "Make", "description": nil, "api_slug": "make", "type": "select", "is_required": false, "is_unique": false, "is_multiselect": false, "config": map[string]any{}}}, 200},
		{"POST", "/objects/vehicles/attributes", map[string]any{"data": map[string]any{"title": "Make", "description": nil, "api_slug": "make", "type": "text", "is_required": false, "is_unique": false, "is_multiselect": false, "config": map[string]any{}}}, 409},
		{"POST", "/objects/vehicles/attributes", map[string]any{"data": map[string]any{"title": "Stage", "description": "x", "api_slug": "stage", "type": "status", "is_required": false, "is_unique": false, "is_multiselect": false, "config": map[string]any{}}}, 200},
		{"POST", "/objects/vehicles/attributes", map[string]any{"data": map[string]any{"title": "Bad"}}, 400},
		{"POST", "/lists/nope/attributes", map[string]any{"data": map[string]any{"title": "X", "description": nil, "api_slug": "x", "type": "text", "is_required": false, "is_unique": false, "is_multiselect": false, "config": map[string]any{}}}, 404},
		{"GET", "/objects/vehicles/attributes/make", nil, 200},
		{"GET", "/objects/vehicles/attributes/nope", nil, 404},
		{"PATCH", "/objects/vehicles/attributes/make", map[string]any{"data": map[string]any{"title": "Maker"}}, 200},
		{"PATCH", "/objects/people/attributes/email_addresses", map[string]any{"data": map[string]any{"api_slug": "emails"}}, 400},
		{"PATCH", "/objects/vehicles/attributes/nope", map[string]any{"data": map[string]any{"title": "X"}}, 404},
		{"POST", "/objects/vehicles/attributes/make/options", map[string]any{"data": map[string]any{"title": "Volvo"}}, 200},
		{"POST", "/objects/vehicles/attributes/make/options", map[string]any{"data": map[string]any{"title": "Volvo"}}, 409},
		{"POST", "/objects/vehicles/attributes/stage/options", map[string]any{"data": map[string]any{"title": "X"}}, 400},
		{"POST", "/objects/vehicles/attributes/nope/options", map[string]any{"data": map[string]any{"title": "X"}}, 404},
		{"GET", "/objects/vehicles/attributes/make/options", nil, 200},
		{"GET", "/objects/vehicles/attributes/nope/options", nil, 404},
		{"PATCH", "/objects/vehicles/attributes/make/options/Volvo", map[string]any{"data": map[string]any{"title": "Saab"}}, 200},
		{"PATCH", "/objects/vehicles/attributes/make/options/Volvo", map[string]any{"data": map[string]any{"title": "Saab"}}, 400},
		{"POST", "/objects/vehicles/attributes/make/options", map[string]any{"data": map[string]any{"title": "Volvo"}}, 200},
		{"PATCH", "/objects/vehicles/attributes/make/options/Volvo", map[string]any{"data": map[string]any{"title": "Saab"}}, 409},
		{"PATCH", "/objects/vehicles/attributes/nope/options/Volvo", map[string]any{"data": map[string]any{"title": "Saab"}}, 404},
		{"POST", "/objects/vehicles/attributes/stage/statuses", map[string]any{"data": map[string]any{"title": "New", "celebration_enabled": true, "target_time_in_status": "P0Y0M1DT0H0M0S"}}, 200},
		{"POST", "/objects/vehicles/attributes/stage/statuses", map[string]any{"data": map[string]any{"title": "New"}}, 409},
		{"POST", "/objects/vehicles/attributes/make/statuses", map[string]any{"data": map[string]any{"title": "New"}}, 400},
		{"POST", "/objects/vehicles/attributes/nope/statuses", map[string]any{"data": map[string]any{"title": "New"}}, 404},
		{"GET", "/objects/deals/attributes/stage/statuses?show_archived=true", nil, 200},
		{"GET", "/objects/deals/attributes/nope/statuses", nil, 404},
		{"PATCH", "/objects/vehicles/attributes/stage/statuses/New", map[string]any{"data": map[string]any{"is_archived": true}}, 200},
		{"PATCH", "/objects/vehicles/attributes/stage/statuses/Gone", map[string]any{"data": map[string]any{"title": "X"}}, 400},
		{"POST", "/objects/vehicles/attributes/stage/statuses", map[string]any{"data": map[string]any{"title": "Old"}}, 200},
		{"PATCH", "/objects/vehicles/attributes/stage/statuses/Old", map[string]any{"data": map[string]any{"title": "New"}}, 409},
		{"PATCH", "/objects/vehicles/attributes/nope/statuses/Old", map[string]any{"data": map[string]any{"title": "X"}}, 404},
		{"POST", "/objects/people/records/query", map[string]any{"filter": map[string]any{"name": map[string]any{"first_name": "Ada"}}, "limit": 5}, 200},
		{"POST", "/objects/people/records/query", map[string]any{"filter": map[string]any{"nope": "x"}}, 400},
		{"POST", "/objects/nope/records/query", map[string]any{}, 404},
		{"POST", "/objects/people/records", map[string]any{"data": map[string]any{"values": map[string]any{"name": []any{"Test Person"}, "email_addresses": []any{"test.person@example.com"}}}}, 200},
		{"POST", "/objects/deals/records", map[string]any{"data": map[string]any{"values": map[string]any{"name": "D", "stage": "Nope", "owner": sandbox.DefaultMemberID}}}, 400},
		{"POST", "/objects/nope/records", map[string]any{"data": map[string]any{"values": map[string]any{}}}, 404},
		{"PUT", "/objects/companies/records?matching_attribute=domains", map[string]any{"data": map[string]any{"values": map[string]any{"domains": []any{"acme.io"}, "description": []any{"Asserted"}}}}, 200},
		{"PUT", "/objects/companies/records?matching_attribute=nope", map[string]any{"data": map[string]any{"values": map[string]any{"domains": []any{"acme.io"}}}}, 400},
		{"PUT", "/objects/nope/records?matching_attribute=domains", map[string]any{"data": map[string]any{"values": map[string]any{}}}, 404},
		{"GET", company, nil, 200},
		{"GET", "/objects/companies/records/" + bogus, nil, 404},
		{"PATCH", company, map[string]any{"data": map[string]any{"values": map[string]any{"categories": []any{"Internet"}}}}, 200},
		{"PATCH", "/objects/deals/records/" + sandbox.SeedDealID, map[string]any{"data": map[string]any{"values": map[string]any{"stage": []any{}}}}, 400},
		{"PATCH", "/objects/companies/records/" + bogus, map[string]any{"data": map[string]any{"values": map[string]any{}}}, 404},
		{"PUT", company, map[string]any{"data": map[string]any{"values": map[string]any{"categories": []any{"SaaS"}}}}, 200},
		{"PUT", "/objects/deals/records/" + sandbox.SeedDealID, map[string]any{"data": map[string]any{"values": map[string]any{"name": nil}}}, 400},
		{"PUT", "/objects/companies/records/" + bogus, map[string]any{"data": map[string]any{"values": map[string]any{}}}, 404},
		{"GET", company + "/attributes/categories/values?show_historic=true", nil, 200},
		{"GET", "/objects/people/records/" + sandbox.SeedPersonID + "/attributes/last_interaction/values?show_historic=true", nil, 400},
		{"GET", company + "/attributes/nope/values", nil, 404},
		{"GET", company + "/entries?limit=10", nil, 200},
		{"POST", "/objects/records/search", map[string]any{"query": "acme", "objects": []any{"companies", "people"}, "request_as": map[string]any{"type": "workspace"}, "limit": 10}, 200},
		{"POST", "/objects/records/search", map[string]any{"query": "acme", "objects": []any{"foobar"}, "request_as": map[string]any{"type": "workspace"}}, 400},
		{"GET", "/lists", nil, 200},
		{"POST", "/lists", map[string]any{"data": map[string]any{"name": "Fleet", "api_slug": "fleet", "parent_object": "vehicles", "workspace_access": "read-and-write", "workspace_member_access": []any{}}}, 200},
		{"POST", "/lists", map[string]any{"data": map[string]any{"name": "Fleet", "api_slug": "fleet", "parent_object": "vehicles", "workspace_access": nil, "workspace_member_access": []any{}}}, 409},
		{"POST", "/lists", map[string]any{"data": map[string]any{"name": "X", "api_slug": "x_list", "parent_object": "nope", "workspace_access": nil, "workspace_member_access": []any{}}}, 404},
		{"POST", "/lists", map[string]any{"data": map[string]any{"name": "X", "api_slug": "x_list", "parent_object": "people", "workspace_access": nil, "workspace_member_access": []any{map[string]any{"workspace_member_id": bogus, "level": "read-only"}}}}, 400},
		{"GET", "/lists/sales_pipeline", nil, 200},
		{"GET", "/lists/nope", nil, 404},
		{"PATCH", "/lists/fleet", map[string]any{"data": map[string]any{"name": "Fleet 2"}}, 200},
		{"PATCH", "/lists/fleet", map[string]any{"data": map[string]any{"workspace_member_access": []any{map[string]any{"workspace_member_id": bogus, "level": "read-only"}}}}, 400},
		{"PATCH", "/lists/nope", map[string]any{"data": map[string]any{"name": "X"}}, 404},
		{"POST", "/lists/sales_pipeline/entries/query", map[string]any{"filter": map[string]any{"stage": "In Progress"}}, 200},
		{"POST", "/lists/nope/entries/query", map[string]any{}, 404},
		{"POST", "/lists/sales_pipeline/entries", map[string]any{"data": map[string]any{"parent_record_id": sandbox.SeedCompanyID, "parent_object": "companies", "entry_values": map[string]any{"stage": []any{"Lead"}}}}, 200},
		{"POST", "/lists/sales_pipeline/entries", map[string]any{"data": map[string]any{"parent_record_id": bogus, "parent_object": "companies", "entry_values": map[string]any{}}}, 400},
		{"POST", "/lists/nope/entries", map[string]any{"data": map[string]any{"parent_record_id": bogus, "parent_object": "companies", "entry_values": map[string]any{}}}, 404},
		{"PUT", "/lists/sales_pipeline/entries", map[string]any{"data": map[string]any{"parent_record_id": sandbox.SeedCompanyGlobexID, "parent_object": "companies", "entry_values": map[string]any{"stage": []any{"Lost"}}}}, 200},
		{"PUT", "/lists/recruiting/entries", map[string]any{"data": map[string]any{"parent_record_id": sandbox.SeedPersonKenID, "parent_object": "people", "entry_values": map[string]any{"stage": "Offer"}}}, 400},
		{"PUT", "/lists/nope/entries", map[string]any{"data": map[string]any{"parent_record_id": bogus, "parent_object": "people", "entry_values": map[string]any{}}}, 404},
		{"GET", "/lists/sales_pipeline/entries/" + sandbox.SeedEntryID, nil, 200},
		{"GET", "/lists/nope/entries/" + sandbox.SeedEntryID, nil, 404},
		{"PATCH", "/lists/sales_pipeline/entries/" + sandbox.SeedEntryID, map[string]any{"data": map[string]any{"entry_values": map[string]any{"tags": []any{"cold"}}}}, 200},
		{"PATCH", "/lists/sales_pipeline/entries/" + sandbox.SeedEntryID, map[string]any{"data": map[string]any{"parent_record_id": bogus, "entry_values": map[string]any{}}}, 400},
		{"PATCH", "/lists/nope/entries/" + sandbox.SeedEntryID, map[string]any{"data": map[string]any{"entry_values": map[string]any{}}}, 404},
		{"PUT", "/lists/sales_pipeline/entries/" + sandbox.SeedEntryID, map[string]any{"data": map[string]any{"entry_values": map[string]any{"tags": []any{"hot"}}}}, 200},
		{"PUT", "/lists/sales_pipeline/entries/" + sandbox.SeedEntryID, map[string]any{"data": map[string]any{"parent_record_id": bogus, "entry_values": map[string]any{}}}, 400},
		{"PUT", "/lists/nope/entries/" + sandbox.SeedEntryID, map[string]any{"data": map[string]any{"entry_values": map[string]any{}}}, 404},
		{"GET", "/lists/sales_pipeline/entries/" + sandbox.SeedEntryID + "/attributes/stage/values?show_historic=true", nil, 200},
		{"GET", "/lists/nope/entries/" + sandbox.SeedEntryID + "/attributes/stage/values", nil, 404},
		{"GET", "/workspace_members", nil, 200},
		{"GET", "/workspace_members/" + sandbox.DefaultMemberID, nil, 200},
		{"GET", "/workspace_members/" + bogus, nil, 404},
		{"GET", "/notes?limit=2", nil, 200},
		{"GET", "/notes?parent_object=nope", nil, 404},
		{"POST", "/notes", map[string]any{"data": map[string]any{"parent_object": "people", "parent_record_id": sandbox.SeedPersonID, "title": "T", "format": "markdown", "content": "# Hi\n- a"}}, 200},
		{"POST", "/notes", map[string]any{"data": map[string]any{"parent_object": "nope", "parent_record_id": sandbox.SeedPersonID, "title": "T", "format": "plaintext", "content": "x"}}, 404},
		{"GET", "/notes/" + sandbox.SeedNoteID, nil, 200},
		{"GET", "/notes/" + bogus, nil, 404},
		{"GET", "/tasks?sort=created_at:desc&is_completed=false", nil, 200},
		{"POST", "/tasks", map[string]any{"data": map[string]any{"content": "Call", "format": "plaintext", "deadline_at": "2025-07-01", "is_completed": false, "linked_records": []any{map[string]any{"target_object": "people", "target_record_id": sandbox.SeedPersonID}}, "assignees": []any{map[string]any{"workspace_member_email_address": "alice@sandbox.example.com"}}}}, 200},
		{"POST", "/tasks", map[string]any{"data": map[string]any{"content": "Call", "format": "html"}}, 400},
		{"POST", "/tasks", map[string]any{"data": map[string]any{"content": "Call", "format": "plaintext", "deadline_at": nil, "is_completed": false, "linked_records": []any{map[string]any{"target_object": "nope", "target_record_id": bogus}}, "assignees": []any{}}}, 404},
		{"GET", "/tasks/" + sandbox.SeedTaskID, nil, 200},
		{"GET", "/tasks/" + bogus, nil, 404},
		{"PATCH", "/tasks/" + sandbox.SeedTaskID, map[string]any{"data": map[string]any{"is_completed": true}}, 200},
		{"PATCH", "/tasks/" + sandbox.SeedTaskID, map[string]any{"data": map[string]any{"deadline_at": "not a date"}}, 400},
		{"PATCH", "/tasks/" + bogus, map[string]any{"data": map[string]any{"is_completed": true}}, 404},
		{"GET", "/threads?object=companies&record_id=" + sandbox.SeedCompany2ID, nil, 200},
		{"GET", "/threads/" + sandbox.SeedThreadID, nil, 200},
		{"GET", "/threads/" + bogus, nil, 404},
		{"POST", "/comments", map[string]any{"data": map[string]any{"format": "plaintext", "content": "Reply", "author": map[string]any{"type": "workspace-member", "id": sandbox.DefaultMemberID}, "thread_id": sandbox.SeedThreadID}}, 200},
		{"POST", "/comments", map[string]any{"data": map[string]any{"format": "plaintext", "content": "Reply", "author": map[string]any{"type": "workspace-member", "id": sandbox.DefaultMemberID}, "thread_id": bogus}}, 400},
		{"GET", "/comments/" + sandbox.SeedCommentID, nil, 200},
		{"GET", "/comments/" + bogus, nil, 404},
		{"GET", "/meetings?limit=2&sort=start_desc", nil, 200},
		{"GET", "/meetings/" + sandbox.SeedMeetingID, nil, 200},
		{"GET", "/meetings/" + bogus, nil, 404},
		{"GET", "/meetings/" + sandbox.SeedMeetingID + "/call_recordings?limit=1", nil, 200},
		{"GET", "/meetings/" + sandbox.SeedMeetingID + "/call_recordings/" + sandbox.SeedCallRecordingID, nil, 200},
		{"GET", "/meetings/" + sandbox.SeedMeetingID + "/call_recordings/" + bogus, nil, 404},
		{"GET", "/meetings/" + sandbox.SeedMeetingID + "/call_recordings/" + sandbox.SeedCallRecordingID + "/transcript", nil, 200},
		{"GET", "/webhooks?limit=10", nil, 200},
		{"POST", "/webhooks", map[string]any{"data": map[string]any{"target_url": "https://example.com/hook", "subscriptions": []any{map[string]any{"event_type": "record.updated", "filter": nil}}}}, 200},
		{"POST", "/webhooks", map[string]any{"data": map[string]any{"target_url": "https://example.com/hook", "subscriptions": []any{map[string]any{"event_type": "nope", "filter": nil}}}}, 400},
		{"GET", "/webhooks/" + sandbox.SeedWebhookID, nil, 200},
		{"GET", "/webhooks/" + bogus, nil, 404},
		{"PATCH", "/webhooks/" + sandbox.SeedWebhookID, map[string]any{"data": map[string]any{"target_url": "https://example.com/other"}}, 200},
		{"PATCH", "/webhooks/" + bogus, map[string]any{"data": map[string]any{"target_url": "https://example.com/other"}}, 404},
		{"GET", "/self", nil, 200},
		// deletes last
		{"DELETE", "/webhooks/" + sandbox.SeedWebhookID, nil, 200},
		{"DELETE", "/webhooks/" + sandbox.SeedWebhookID, nil, 404},
		{"DELETE", "/comments/" + sandbox.SeedCommentID, nil, 200},
		{"DELETE", "/comments/" + sandbox.SeedCommentID, nil, 404},
		{"DELETE", "/tasks/" + sandbox.SeedTaskID, nil, 200},
		{"DELETE", "/tasks/" + sandbox.SeedTaskID, nil, 404},
		{"DELETE", "/notes/" + sandbox.SeedNoteID, nil, 200},
		{"DELETE", "/notes/" + sandbox.SeedNoteID, nil, 404},
		{"DELETE", "/lists/sales_pipeline/entries/" + sandbox.SeedEntryID, nil, 200},
		{"DELETE", "/lists/sales_pipeline/entries/" + sandbox.SeedEntryID, nil, 404},
		{"DELETE", "/objects/people/records/" + sandbox.SeedPerson2ID, nil, 200},
		{"DELETE", "/objects/people/records/" + sandbox.SeedPerson2ID, nil, 404},
	}
}
