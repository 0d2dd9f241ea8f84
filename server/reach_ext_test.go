package server_test

import (
	"net/url"
	"reflect"
	"slices"
	"testing"

	"connectrpc.com/connect/v2"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
	"github.com/attio-facade/attio-facade/sandbox"
)

// Parts of Attio's API that the RPCs could not reach before (issue 11, section 4).

func TestSearchRecordsRequestAs(t *testing.T) {
	t.Parallel()
	h, sent := newCapturingHarness(t)
	c := records(h, protocols[0])
	tests := []struct {
		name string
		req  *attiov1.SearchRecordsRequest
		want map[string]any
	}{
		{"workspace by default", &attiov1.SearchRecordsRequest{},
			map[string]any{"type": "workspace"}},
		{"member by id", &attiov1.SearchRecordsRequest{RequestAs: &attiov1.SearchRecordsRequest_AsWorkspaceMemberId{AsWorkspaceMemberId: sandbox.DefaultMemberID}},
			map[string]any{"type": "workspace-member", "workspace_member_id": sandbox.DefaultMemberID}},
		{"member by email", &attiov1.SearchRecordsRequest{RequestAs: &attiov1.SearchRecordsRequest_AsWorkspaceMemberEmail{AsWorkspaceMemberEmail: "bob@sandbox.example.com"}},
			map[string]any{"type": "workspace-member", "email_address": "bob@sandbox.example.com"}},
	}
	for _, tt := range tests {
		// Sequential: each case reads the last search request sent.
		tt.req.Query, tt.req.Objects = "Acme", []string{"companies"}
		res, err := c.SearchRecords(t.Context(), tt.req)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if !slices.ContainsFunc(res.GetResults(), func(r *attiov1.RecordSearchResult) bool { return r.GetId().GetRecordId() == seedAcme }) {
			t.Errorf("%s: Acme not found: %v", tt.name, res.GetResults())
		}
		if got := sent.last(t, "/objects/records/search").body["request_as"]; !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: request_as = %v, want %v", tt.name, got, tt.want)
		}
	}
	_, err := c.SearchRecords(t.Context(), &attiov1.SearchRecordsRequest{Objects: []string{"companies"},
		RequestAs: &attiov1.SearchRecordsRequest_AsWorkspaceMemberId{AsWorkspaceMemberId: "alice"}})
	wantCode(t, err, connect.CodeInvalidArgument)
}

func TestTasksFilteredToUnassigned(t *testing.T) {
	t.Parallel()
	h, sent := newCapturingHarness(t)
	c := attiov1connect.NewTaskServiceClient(h.rpc(protocols[0]))
	res, err := c.ListTasks(t.Context(), &attiov1.ListTasksRequest{Filter: &attiov1.TaskFilter{Unassigned: true}})
	if err != nil {
		t.Fatal(err)
	}
	// The seed has one task without assignees.
	if got := idsOf(res.GetTasks(), taskID); !slices.Equal(got, []string{seedTaskCleanup}) {
		t.Fatalf("unassigned tasks = %v, want [%s]", got, seedTaskCleanup)
	}
	u, err := url.Parse(sent.last(t, "/tasks").url)
	if err != nil || u.Query()["assignee"] == nil || u.Query().Get("assignee") != "null" {
		t.Errorf("upstream request %v, want assignee=null", u)
	}
	_, err = c.ListTasks(t.Context(), &attiov1.ListTasksRequest{Filter: &attiov1.TaskFilter{Unassigned: true, Assignee: "bob@sandbox.example.com"}})
	wantCode(t, err, connect.CodeInvalidArgument)
}

func TestWebhookSubscriptionsCleared(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessConfig{})
	c := attiov1connect.NewWebhookServiceClient(h.rpc(protocols[0]))
	up, err := c.UpdateWebhook(t.Context(), &attiov1.UpdateWebhookRequest{WebhookId: seedWebhookTasks, UpdateMask: mask("subscriptions")})
	if err != nil {
		t.Fatal(err)
	}
	back, err := c.GetWebhook(t.Context(), &attiov1.GetWebhookRequest{WebhookId: seedWebhookTasks})
	if err != nil {
		t.Fatal(err)
	}
	if len(up.GetWebhook().GetSubscriptions()) != 0 || len(back.GetWebhook().GetSubscriptions()) != 0 {
		t.Fatalf("subscriptions after clearing: update %v, read back %v", up.GetWebhook().GetSubscriptions(), back.GetWebhook().GetSubscriptions())
	}
}

func TestCreateAttributeRefusesPersonalName(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessConfig{})
	c := attiov1connect.NewAttributeServiceClient(h.rpc(protocols[0]))
	before := h.sb.Sandbox.Stats().Total
	for _, typ := range []string{"personal-name", "interaction"} {
		_, err := c.CreateAttribute(t.Context(), &attiov1.CreateAttributeRequest{
			Target: attiov1.AttributeTarget_ATTRIBUTE_TARGET_OBJECT, Identifier: "people",
			Title: "Alias", ApiSlug: "alias", Type: typ,
		})
		wantCode(t, err, connect.CodeInvalidArgument)
	}
	if after := h.sb.Sandbox.Stats().Total; after != before {
		t.Errorf("%d requests went upstream", after-before)
	}
}

func TestPathSortNeedsNoAttribute(t *testing.T) {
	t.Parallel()
	h, sent := newCapturingHarness(t)
	c := records(h, protocols[0])
	path := []*attiov1.PathStep{{Object: "people", Attribute: "company"}, {Object: "companies", Attribute: "name"}}
	if _, err := c.QueryRecords(t.Context(), &attiov1.QueryRecordsRequest{Object: "people",
		Sorts: []*attiov1.Sort{{Path: path, Direction: attiov1.SortDirection_SORT_DIRECTION_DESC}}}); err != nil {
		t.Fatal(err)
	}
	want := []any{map[string]any{"direction": "desc", "path": []any{[]any{"people", "company"}, []any{"companies", "name"}}}}
	if got := sent.last(t, "/objects/people/records/query").body["sorts"]; !reflect.DeepEqual(got, want) {
		t.Errorf("sorts sent = %v, want %v", got, want)
	}
	_, err := c.QueryRecords(t.Context(), &attiov1.QueryRecordsRequest{Object: "people", Sorts: []*attiov1.Sort{{}}})
	wantCode(t, err, connect.CodeInvalidArgument)
}
