package attio_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/attio-facade/attio-facade/attio"
)

// SCIM lives at /scim/v2 beside /v2 (through Maton as through Attio), speaks application/scim+json,
// and its error shape becomes the same *attio.Error as Attio's own.
func TestScimPathsContentTypeAndErrors(t *testing.T) {
	t.Parallel()
	s := newStub(t, func(n int, w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodGet && r.URL.Path == "/attio/scim/v2/Users":
			w.Header().Set("Content-Type", "application/scim+json")
			w.Header().Set("X-Attio-Execution-Id", "exec-1")
			w.WriteHeader(200)
			w.Write([]byte(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":3,"startIndex":2,"itemsPerPage":1,
				"Resources":[{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"u2","userName":"bob@x.com","active":false,
				"emails":[{"value":"bob@x.com","primary":true}],"meta":{"resourceType":"User","created":"2024-01-01T00:00:00.000Z","lastModified":"2024-01-02T00:00:00.000Z"},"title":"Dr"}]}`))
		case r.Method == http.MethodPost:
			w.Header().Set("Content-Type", "application/scim+json")
			w.Header().Set("X-Attio-Execution-Id", "exec-2")
			w.WriteHeader(409)
			w.Write([]byte(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"409","scimType":"uniqueness","detail":"A user with userName \"bob@x.com\" already exists."}`))
		case r.Method == http.MethodGet:
			w.Header().Set("Content-Type", "application/scim+json")
			w.Header().Set("X-Attio-Execution-Id", "exec-3")
			w.WriteHeader(404)
			w.Write([]byte(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"404","detail":"User not found."}`))
		case r.Method == http.MethodPatch:
			w.WriteHeader(204)
		}
	})
	c := s.client(t, func(c *attio.Config) { c.MaxAttempts = 1 })
	page, total, err := c.ListScimUsersPage(t.Context(), attio.ScimUserQuery{Filter: `userName eq "bob@x.com"`, Offset: 1, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	req := s.requests()[0]
	if req.query != "count=1&filter=userName+eq+%22bob%40x.com%22&startIndex=2" || req.header.Get("Accept") != "application/scim+json, application/json" {
		t.Fatalf("request %+v", req)
	}
	if total != 3 || !page.More || page.NextOffset != 2 || len(page.Items) != 1 || page.Items[0].Active || page.Items[0].AppRole != "" {
		t.Fatalf("page %+v total %d", page, total)
	}
	if raw, ok := page.Items[0].Extra.Get("title"); !ok || string(raw) != `"Dr"` {
		t.Errorf("unknown key lost: %v", page.Items[0].Extra.Keys())
	}

	_, err = c.CreateScimUser(t.Context(), attio.ScimUserInput{UserName: "bob@x.com"})
	var ae *attio.Error
	if !errors.As(err, &ae) || ae.StatusCode != 409 || ae.Source != attio.SourceAttio || ae.Code != "uniqueness" ||
		ae.Type != "invalid_request_error" || ae.Message != `A user with userName "bob@x.com" already exists.` {
		t.Fatalf("create error %#v", err)
	}
	if ct := s.requests()[1].header.Get("Content-Type"); ct != "application/scim+json" {
		t.Errorf("SCIM body sent as %q", ct)
	}
	if b := s.requests()[1].body; b != `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bob@x.com"}` {
		t.Errorf("create body %s", b)
	}
	_, err = c.GetScimUser(t.Context(), "u9")
	if !errors.As(err, &ae) || ae.StatusCode != 404 || ae.Code != "not_found" || ae.Message != "User not found." {
		t.Fatalf("get error %#v", err)
	}
	no := false
	u, err := c.UpdateScimUser(t.Context(), "u9", attio.ScimUserUpdate{Active: &no})
	if err != nil || u != nil {
		t.Fatalf("204 update = %v, %v", u, err)
	}
	if b := s.requests()[3].body; b != `{"Operations":[{"op":"replace","path":"active","value":false}],"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"]}` {
		t.Errorf("patch body %s", b)
	}
}
