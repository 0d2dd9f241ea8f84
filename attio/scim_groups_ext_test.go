package attio_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/attio-facade/attio-facade/attio"
)

const scimGroupJSON = `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"b5d3f8a1-c920-47e6-8b4d-3f17a9c82e50",
	"displayName":"Engineering","members":[{"value":"3a8f5b2c-9e14-4d7a-b832-1c6f85d90e47","$ref":"/scim/v2/Users/3a8f5b2c-9e14-4d7a-b832-1c6f85d90e47"}],
	"meta":{"resourceType":"Group","created":"2024-01-01T00:00:00.000Z","lastModified":"2024-01-02T00:00:00.000Z"},"externalId":"okta-1"}`

func scimJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/scim+json")
	w.WriteHeader(status)
	w.Write([]byte(body))
}

// Groups are at /scim/v2/Groups, each request in SCIM's content type with the body the reference
// pages show; a patch is one operation per change, a removal by a value filter on members.
func TestScimGroupRequests(t *testing.T) {
	t.Parallel()
	s := newStub(t, func(n int, w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet:
			if r.URL.Path == "/attio/scim/v2/Groups" {
				scimJSON(w, 200, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":3,"startIndex":2,"itemsPerPage":1,"Resources":[`+scimGroupJSON+`]}`)
				return
			}
			scimJSON(w, 404, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"404","detail":"Group not found."}`)
		case http.MethodDelete:
			w.WriteHeader(204)
		default:
			scimJSON(w, 200, scimGroupJSON)
		}
	})
	c := s.client(t, func(c *attio.Config) { c.MaxAttempts = 1 })
	ctx := t.Context()
	page, total, err := c.ListScimGroupsPage(ctx, attio.ScimGroupQuery{Filter: `displayName eq "Engineering"`, Offset: 1, Limit: 1, ExcludeMembers: true})
	if err != nil {
		t.Fatal(err)
	}
	if total != 3 || !page.More || page.NextOffset != 2 || len(page.Items) != 1 {
		t.Fatalf("page %+v total %d", page, total)
	}
	g := page.Items[0]
	if g.DisplayName != "Engineering" || len(g.Members) != 1 || g.Members[0].Ref != "/scim/v2/Users/3a8f5b2c-9e14-4d7a-b832-1c6f85d90e47" || g.Meta.Created != "2024-01-01T00:00:00.000Z" {
		t.Fatalf("group %+v", g)
	}
	if raw, ok := g.Extra.Get("externalId"); !ok || string(raw) != `"okta-1"` {
		t.Errorf("unknown key lost: %v", g.Extra.Keys())
	}
	_, err = c.GetScimGroup(ctx, "b5d3f8a1-c920-47e6-8b4d-3f17a9c82e50")
	var ae *attio.Error
	if !errors.As(err, &ae) || ae.StatusCode != 404 || ae.Code != "not_found" || ae.Message != "Group not found." {
		t.Fatalf("get error %#v", err)
	}
	if _, err := c.CreateScimGroup(ctx, "Engineering", []string{"u1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ReplaceScimGroup(ctx, "g1", "Eng", nil); err != nil {
		t.Fatal(err)
	}
	name := "Platform"
	if _, err := c.PatchScimGroup(ctx, "g1", attio.ScimGroupPatch{DisplayName: &name, Add: []string{"u2"}, Remove: []string{"u1", "u3"}}); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteScimGroup(ctx, "g1"); err != nil {
		t.Fatal(err)
	}
	want := []struct{ method, path, query, body string }{
		{"GET", "/attio/scim/v2/Groups", "count=1&excludedAttributes=members&filter=displayName+eq+%22Engineering%22&startIndex=2", ""},
		{"GET", "/attio/scim/v2/Groups/b5d3f8a1-c920-47e6-8b4d-3f17a9c82e50", "", ""},
		{"POST", "/attio/scim/v2/Groups", "", `{"displayName":"Engineering","members":[{"value":"u1"}],"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"]}`},
		{"PUT", "/attio/scim/v2/Groups/g1", "", `{"displayName":"Eng","members":[],"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"]}`},
		{"PATCH", "/attio/scim/v2/Groups/g1", "", `{"Operations":[{"op":"replace","path":"displayName","value":"Platform"},` +
			`{"op":"add","path":"members","value":[{"value":"u2"}]},{"op":"remove","path":"members[value eq \"u1\"]"},` +
			`{"op":"remove","path":"members[value eq \"u3\"]"}],"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"]}`},
		{"DELETE", "/attio/scim/v2/Groups/g1", "", ""},
	}
	reqs := s.requests()
	if len(reqs) != len(want) {
		t.Fatalf("%d requests, want %d", len(reqs), len(want))
	}
	for i, w := range want {
		r := reqs[i]
		if r.method != w.method || r.path != w.path || r.query != w.query || r.body != w.body {
			t.Errorf("request %d = %s %s?%s %s\nwant %s %s?%s %s", i, r.method, r.path, r.query, r.body, w.method, w.path, w.query, w.body)
		}
		if w.body != "" && r.header.Get("Content-Type") != "application/scim+json" {
			t.Errorf("request %d sent as %q", i, r.header.Get("Content-Type"))
		}
	}
}

// Listing and reading groups spend the read budget; creating, replacing, patching and deleting
// them the write budget.
func TestScimGroupBudgets(t *testing.T) {
	t.Parallel()
	serve := func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/scim/v2/Groups" && r.Method == http.MethodGet {
			scimJSON(w, 200, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":1,"startIndex":1,"itemsPerPage":1,"Resources":[`+scimGroupJSON+`]}`)
			return
		}
		scimJSON(w, 200, scimGroupJSON)
	}
	read := func(ctx context.Context, c *attio.Client) error {
		_, _, err := c.ListScimGroupsPage(ctx, attio.ScimGroupQuery{})
		return err
	}
	for name, write := range map[string]func(ctx context.Context, c *attio.Client) error{
		"create": func(ctx context.Context, c *attio.Client) error {
			_, err := c.CreateScimGroup(ctx, "x", nil)
			return err
		},
		"replace": func(ctx context.Context, c *attio.Client) error {
			_, err := c.ReplaceScimGroup(ctx, "g", "x", nil)
			return err
		},
		"patch": func(ctx context.Context, c *attio.Client) error {
			_, err := c.PatchScimGroup(ctx, "g", attio.ScimGroupPatch{Add: []string{"u"}})
			return err
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			budgetSplit(t, serve, read, write)
		})
	}
}
