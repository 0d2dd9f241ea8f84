package sandbox_test

import (
	"net/http"
	"slices"
	"sync"
	"testing"

	"github.com/attio-facade/attio-facade/sandbox"
	"github.com/attio-facade/attio-facade/sandbox/openapitest"
)

// notEmulated2026 are the operations of the 2026 document the sandbox does not serve yet. The
// strict-client check below fails when one of them starts to work (remove it here) or when any
// other operation is left without a validated success.
var notEmulated2026 []string

// TestStrictClient2026 is a strict client of Attio's current schemas pointed at the sandbox: the
// March 2026 document with the later 2026 changes (openapitest.Later2026) validates every request
// and response of a walk over every operation the document lists, and each operation must have
// answered at least one success that validated.
func TestStrictClient2026(t *testing.T) {
	t.Parallel()
	a := seeded(t)
	v := openapitest.Load2026(t)
	var mu sync.Mutex
	succeeded := map[string]bool{}
	a.hc = &http.Client{Transport: &openapitest.Transport{T: t, V: v, Seen: func(_ *openapitest.Validator, op string, status int) {
		if status < 300 || (status == http.StatusFound && op == "GET /v2/files/{file_id}/download") {
			mu.Lock()
			succeeded[op] = true
			mu.Unlock()
		}
	}}}
	for _, c := range everyEndpointCalls() {
		if r := a.do(c.method, c.path, c.body); r.status != c.want {
			t.Errorf("%s %s: status %d, want %d: %.400s", c.method, c.path, r.status, c.want, r.raw)
		}
	}
	meetingWrites2026(t, a)
	mail2026(t, a)
	sql2026(t, a)
	scim2026(t, a)
	scimGroups2026(t, a)
	activities2026(t, a)
	activityRecords2026(t, a)
	views2026(t, a)
	files2026(t, a)
	var missing []string
	for _, op := range v.Operations() {
		if !succeeded[op] {
			missing = append(missing, op)
		}
	}
	slices.Sort(missing)
	if !slices.Equal(missing, notEmulated2026) {
		t.Errorf("operations without a validated success: %v\nwant exactly the ones not emulated yet: %v", missing, notEmulated2026)
	}
	// 67 in the March 2026 document, the later ones of later2026/*.yaml, and 4 view, 4 file and 7
	// activity record operations from the reference pages (openapitest/views2026.go, files2026.go,
	// activityrecords2026.go).
	if n, want := len(v.Operations()), 67+openapitest.LaterOperations2026()+8+7; n != want {
		t.Errorf("the 2026 document has %d operations, want %d", n, want)
	}
}

// meetingWrites2026 walks the meeting and call recording writes the March 2026 document added.
func meetingWrites2026(t *testing.T, a *api) {
	t.Helper()
	meeting := map[string]any{"data": map[string]any{
		"title": "Sync", "description": "Weekly", "is_all_day": false,
		"start":          map[string]any{"datetime": "2026-03-02T15:00:00Z", "timezone": "Europe/London"},
		"end":            map[string]any{"datetime": "2026-03-02T16:00:00Z", "timezone": nil},
		"participants":   []any{map[string]any{"email_address": "ada@example.com", "is_organizer": true, "status": "accepted"}},
		"linked_records": []any{map[string]any{"object": "people", "record_id": sandbox.SeedPersonID}},
		"external_ref":   "sync-2026-03-02",
	}}
	created := a.must("POST", "/meetings", meeting, 200).data()
	again := a.must("POST", "/meetings", meeting, 200).data()
	if created["id"].(map[string]any)["meeting_id"] != again["id"].(map[string]any)["meeting_id"] {
		t.Errorf("the same external_ref made two meetings: %v, %v", created["id"], again["id"])
	}
	allDay := map[string]any{"data": map[string]any{
		"title": "Offsite", "description": "", "is_all_day": true,
		"start": map[string]any{"date": "2026-04-01"}, "end": map[string]any{"date": "2026-04-03"},
		"participants": []any{},
		"external_ref": map[string]any{"ical_uid": "abc@google.com", "provider": "google", "is_recurring": false},
	}}
	if a.must("POST", "/meetings", allDay, 200).data()["is_all_day"] != true {
		t.Error("all-day meeting is not all day")
	}
	bad := map[string]any{"data": map[string]any{"title": "x", "description": "", "is_all_day": true,
		"start": map[string]any{"datetime": "2026-04-01T00:00:00Z"}, "end": map[string]any{"date": "2026-04-02"},
		"participants": []any{}, "external_ref": "bad"}}
	a.must("POST", "/meetings", bad, 400)

	rec := "/meetings/" + sandbox.SeedMeetingID + "/call_recordings"
	r := a.must("POST", rec, map[string]any{"data": map[string]any{"video_url": "https://cdn.example.com/call.mp4"}}, 200).data()
	if r["status"] != "processing" {
		t.Errorf("new recording status %v", r["status"])
	}
	a.must("POST", rec, map[string]any{"data": map[string]any{"video_url": "http://cdn.example.com/call.mp4"}}, 400)
	id := r["id"].(map[string]any)["call_recording_id"].(string)
	a.must("GET", rec+"/"+id, nil, 200)
	a.must("DELETE", rec+"/"+id, nil, 204)
	a.must("DELETE", rec+"/"+id, nil, 404)
	a.must("GET", rec+"/"+id, nil, 404)
}
