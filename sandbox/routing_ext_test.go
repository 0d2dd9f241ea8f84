package sandbox_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/attio-facade/attio-facade/sandbox"
)

// TestRoutingAsAttio: paths and methods that name no endpoint get Attio's
// 404 body (never ServeMux's plain-text 404 or 405, nor a redirect), on
// both Attio planes, after Maton's checks; trailing slashes are ignored.
func TestRoutingAsAttio(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, method, path string
		status             int
		msg                string // expected "Could not find endpoint" target, "" for a served request
	}{
		{"unknown path", "GET", "/nope", 404, `GET /v2/nope`},
		{"unknown nested path", "GET", "/objects/people/things", 404, `GET /v2/objects/people/things`},
		{"known path, other method", "DELETE", "/objects", 404, `DELETE /v2/objects`},
		{"known path, unsupported method", "PUT", "/objects/people", 404, `PUT /v2/objects/people`},
		{"HEAD on a GET endpoint", "HEAD", "/objects", 404, ""},
		{"empty segment (no redirect)", "GET", "//objects", 404, `GET /v2//objects`},
		{"dot segment (no redirect)", "GET", "/lists/../objects", 404, `GET /v2/lists/../objects`},
		{"trailing slash", "GET", "/objects/", 200, ""},
		{"known endpoint", "GET", "/objects/people", 200, ""},
	}
	for _, plane := range []string{"maton", "direct"} {
		a := seeded(t).unvalidated()
		a.hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		if plane == "direct" {
			a.base = a.srv.AttioBaseURL()
		}
		for _, c := range cases {
			r := a.do(c.method, c.path, nil)
			if r.status != c.status {
				t.Errorf("%s %s: %d, want %d: %s", plane, c.name, r.status, c.status, r.raw)
				continue
			}
			if c.status == 200 || c.method == "HEAD" {
				continue
			}
			errCode(t, r, 404, "not_found")
			if want := `Could not find endpoint "` + c.msg + `".`; r.body["message"] != want {
				t.Errorf("%s %s: message %v, want %s", plane, c.name, r.body["message"], want)
			}
			if r.header.Get("X-Attio-Execution-Id") == "" || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
				t.Errorf("%s %s: headers %v", plane, c.name, r.header)
			}
		}
		// An unknown endpoint is still behind Maton's key check.
		a.key = "wrong"
		if r := a.do("DELETE", "/objects", nil); r.status != 401 {
			t.Errorf("%s: unknown endpoint with a wrong key: %d %s", plane, r.status, r.raw)
		}
	}
	a := seeded(t)
	st := a.srv.Sandbox.Stats()
	if st.Total != 0 {
		t.Fatalf("fresh stats %+v", st)
	}
	a.must("DELETE", "/objects", nil, 404)
	if st := a.srv.Sandbox.Stats(); st.ByRoute["DELETE UNKNOWN"] != 1 {
		t.Fatalf("a wrong method counts as UNKNOWN: %+v", st.ByRoute)
	}
}

// TestPathWildcardsDecodeOnce: a path value is unescaped exactly once, so an
// option title with a slash (escaped %2F by the client) names one segment,
// and an escaped percent stays literal.
func TestPathWildcardsDecodeOnce(t *testing.T) {
	t.Parallel()
	a := seeded(t)
	opts := "/objects/companies/attributes/categories/options"
	for _, title := range []string{"B2B / SaaS", "%41"} {
		a.must("POST", opts, map[string]any{"data": map[string]any{"title": title}}, 200)
	}
	r := a.must("PATCH", opts+"/B2B%20%2F%20SaaS", map[string]any{"data": map[string]any{"title": "B2B or SaaS"}}, 200)
	if r.data()["title"] != "B2B or SaaS" {
		t.Fatalf("renamed option: %s", r.raw)
	}
	r = a.must("PATCH", opts+"/%2541", map[string]any{"data": map[string]any{"is_archived": true}}, 200)
	if r.data()["title"] != "%41" {
		t.Fatalf("patched %s, want the option titled %%41", r.raw)
	}
}

// TestNotFoundMessages: each resource's 404 keeps Attio's wording, which
// differs by resource and, for webhooks and comments, by method.
func TestNotFoundMessages(t *testing.T) {
	t.Parallel()
	a := seeded(t)
	const id = "c0ffee00-0000-4000-8000-000000000000"
	cases := []struct{ method, path, msg string }{
		{"GET", "/notes/" + id, `Note with ID "` + id + `" was not found.`},
		{"DELETE", "/notes/" + id, `Note with ID "` + id + `" was not found.`},
		{"GET", "/tasks/" + id, `Could not find Task with ID "` + id + `".`},
		{"DELETE", "/tasks/" + id, `Could not find Task with ID "` + id + `".`},
		{"GET", "/webhooks/" + id, `Webhook with ID "` + id + `" was not found.`},
		{"DELETE", "/webhooks/" + id, `Webhook not found`},
		{"GET", "/comments/" + id, `Comment with ID "` + id + `" was not found.`},
		{"DELETE", "/comments/" + id, `Could not find Comment with ID "` + id + `".`},
		{"GET", "/workspace_members/" + id, `Workspace member with ID "` + id + `" not found.`},
		{"GET", "/objects/nope", `Object with slug/ID "nope" not found.`},
		{"GET", "/lists/nope", `List with slug/ID "nope" not found.`},
		{"GET", "/objects/people/records/" + id, `Record with ID "` + id + `" not found.`},
		{"GET", "/lists/" + sandbox.SeedListID + "/entries/" + id, `Entry with ID "` + id + `" not found.`},
		{"GET", "/nope/x/attributes", `Could not find endpoint "GET /attio/v2/nope/x/attributes".`},
	}
	for _, c := range cases {
		r := a.do(c.method, c.path, nil)
		if r.status != 404 || r.body["code"] != "not_found" || r.body["message"] != c.msg {
			t.Errorf("%s %s: %d %s, want 404 %q", c.method, c.path, r.status, r.raw, c.msg)
		}
	}
}
