package attio_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/attio-facade/attio-facade/attio"
)

const activityRecordJSON = `{"id":{"workspace_id":"w1","activity_id":"a1","record_id":"r1"},"created_at":"2026-08-14T10:00:00.000000000Z",
	"values":{"direction":[{"active_from":"2026-08-14T10:00:00.000000000Z","active_until":null,
	"created_by_actor":{"type":"api-token","id":"t1"},"attribute_type":"select",
	"option":{"id":{"workspace_id":"w1","object_id":"a1","attribute_id":"at1","option_id":"o1"},"title":"Outbound","is_archived":false}}],
	"notes":[]},"is_pinned":true}`

// Activity records are at /v2/activities/{activity}/records with the records' bodies, as the
// reference pages show; the answer decodes with its activity id, values typed, unknown keys kept.
func TestActivityRecordRequests(t *testing.T) {
	t.Parallel()
	s := newStub(t, func(n int, w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/attio/v2/activities/phone_calls/records/query":
			writeJSON(w, 200, `{"data":[`+activityRecordJSON+`,`+activityRecordJSON+`]}`)
		case r.Method == http.MethodDelete:
			writeJSON(w, 200, `{}`)
		default:
			writeJSON(w, 200, `{"data":`+activityRecordJSON+`}`)
		}
	})
	c := s.client(t)
	ctx := t.Context()
	filter, err := attio.RawFilter([]byte(`{"direction":"Outbound"}`))
	if err != nil {
		t.Fatal(err)
	}
	page, err := c.QueryActivityRecordMessages(ctx, "phone_calls", attio.Query{
		Filter: filter, Sorts: []attio.Sort{{Direction: "desc", Attribute: "timestamp"}}, Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 2 || !page.More || page.NextOffset != 2 {
		t.Fatalf("page %+v", page)
	}
	r := page.Items[0]
	if id := r.GetId(); id.GetWorkspaceId() != "w1" || id.GetActivityId() != "a1" || id.GetRecordId() != "r1" || r.GetCreatedAt() == nil {
		t.Fatalf("activity record %v", r)
	}
	if got := r.GetValues()["direction"].GetValues()[0].GetSelect().GetTitle(); got != "Outbound" {
		t.Fatalf("direction %q in %v", got, r.GetValues())
	}
	if _, ok := r.GetValues()["notes"]; !ok || r.GetExtraJson() != `{"is_pinned":true}` {
		t.Fatalf("empty attribute or unknown key lost: %v, %q", r.GetValues(), r.GetExtraJson())
	}
	vals := attio.Values{"direction": {attio.SelectInput{Title: "Inbound"}}}
	if _, err := c.GetActivityRecordMessage(ctx, "phone_calls", "r1"); err != nil {
		t.Fatal(err)
	}
	for _, w := range []attio.RecordWrite{attio.RecordCreate, attio.RecordAssert, attio.RecordUpdate, attio.RecordOverwrite} {
		got, err := c.WriteActivityRecordMessage(ctx, w, "phone_calls", "r1", "call_ref", vals)
		if err != nil || got.GetId().GetActivityId() != "a1" {
			t.Fatalf("write %d: %v, %v", w, got, err)
		}
	}
	if err := c.DeleteActivityRecord(ctx, "phone_calls", "r1"); err != nil {
		t.Fatal(err)
	}
	body := `{"data":{"values":{"direction":[{"option":"Inbound"}]}}}`
	want := []struct{ method, path, query, body string }{
		{"POST", "/attio/v2/activities/phone_calls/records/query", "", `{"filter":{"direction":"Outbound"},"sorts":[{"direction":"desc","attribute":"timestamp"}],"limit":2}`},
		{"GET", "/attio/v2/activities/phone_calls/records/r1", "", ""},
		{"POST", "/attio/v2/activities/phone_calls/records", "", body},
		{"PUT", "/attio/v2/activities/phone_calls/records", "matching_attribute=call_ref", body},
		{"PATCH", "/attio/v2/activities/phone_calls/records/r1", "", body},
		{"PUT", "/attio/v2/activities/phone_calls/records/r1", "", body},
		{"DELETE", "/attio/v2/activities/phone_calls/records/r1", "", ""},
	}
	reqs := s.requests()
	if len(reqs) != len(want) {
		t.Fatalf("%d requests, want %d", len(reqs), len(want))
	}
	for i, w := range want {
		if r := reqs[i]; r.method != w.method || r.path != w.path || r.query != w.query || r.body != w.body {
			t.Errorf("request %d = %s %s?%s %s, want %s %s?%s %s", i, r.method, r.path, r.query, r.body, w.method, w.path, w.query, w.body)
		}
	}
}

// An unknown activity is Attio's 404, a bad value its 400: typed errors with Attio's code.
func TestActivityRecordErrors(t *testing.T) {
	t.Parallel()
	s := newStub(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			writeJSON(w, 404, `{"status_code":404,"type":"invalid_request_error","code":"not_found","message":"Activity with slug/ID \"nope\" not found."}`)
			return
		}
		writeJSON(w, 400, `{"status_code":400,"type":"invalid_request_error","code":"value_not_found","message":"Cannot find select attribute with select option title \"In Progress\"."}`)
	})
	c := s.client(t)
	_, err := c.GetActivityRecordMessage(t.Context(), "nope", "r1")
	if !attio.IsNotFound(err) {
		t.Fatalf("unknown activity: %v", err)
	}
	_, err = c.WriteActivityRecordMessage(t.Context(), attio.RecordCreate, "phone_calls", "", "", attio.Values{})
	var ae *attio.Error
	if !errors.As(err, &ae) || ae.Code != "value_not_found" || !attio.IsValidation(err) {
		t.Fatalf("bad value: %v", err)
	}
}

// Reading and querying activity records spend the read budget; writing them the write budget.
func TestActivityRecordBudgets(t *testing.T) {
	t.Parallel()
	serve := func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/v2/activities/x/records/query" {
			writeJSON(w, 200, `{"data":[`+activityRecordJSON+`]}`)
			return
		}
		writeJSON(w, 200, `{"data":`+activityRecordJSON+`}`)
	}
	read := func(ctx context.Context, c *attio.Client) error {
		_, err := c.QueryActivityRecordMessages(ctx, "x", attio.Query{})
		return err
	}
	for name, write := range map[string]func(ctx context.Context, c *attio.Client) error{
		"create": func(ctx context.Context, c *attio.Client) error {
			_, err := c.WriteActivityRecordMessage(ctx, attio.RecordCreate, "x", "", "", attio.Values{})
			return err
		},
		"upsert": func(ctx context.Context, c *attio.Client) error {
			_, err := c.WriteActivityRecordMessage(ctx, attio.RecordAssert, "x", "", "ref", attio.Values{})
			return err
		},
		"update": func(ctx context.Context, c *attio.Client) error {
			_, err := c.WriteActivityRecordMessage(ctx, attio.RecordUpdate, "x", "r1", "", attio.Values{})
			return err
		},
		"delete": func(ctx context.Context, c *attio.Client) error { return c.DeleteActivityRecord(ctx, "x", "r1") },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			budgetSplit(t, serve, read, write)
		})
	}
}
