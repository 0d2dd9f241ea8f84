package server

import (
	"encoding/json"
	"testing"

	"google.golang.org/protobuf/encoding/protojson"

	"github.com/attio-facade/attio-facade/attio"
)

// toActivity reads extends as one name or a list (the direct schema first), keeps a schema it
// does not know by name, and keeps what no typed field can hold in extra_json.
func TestToActivity(t *testing.T) {
	t.Parallel()
	const head = `"id":{"workspace_id":"w","activity_id":"a"},"api_slug":"s","singular_noun":"S","plural_noun":"Ss","created_at":"2026-01-02T03:04:05Z"`
	for _, tc := range []struct{ name, in, want string }{
		{"one name", `{` + head + `,"extends":"calls"}`,
			`{"extends":"ACTIVITY_SCHEMA_CALLS","extendsNames":["calls"]}`},
		{"a list", `{` + head + `,"extends":["interactions","activities"]}`,
			`{"extends":"ACTIVITY_SCHEMA_INTERACTIONS","extendsNames":["interactions","activities"]}`},
		{"unknown schema", `{` + head + `,"extends":"meetings"}`,
			`{"extendsNames":["meetings"]}`},
		{"neither", `{` + head + `,"extends":{"slug":"calls"}}`,
			`{"extraJson":"{\"extends\":{\"slug\":\"calls\"}}"}`},
		{"absent, and an unknown key", `{` + head + `,"is_archived":true}`,
			`{"extraJson":"{\"is_archived\":true}"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var a attio.Activity
			if err := json.Unmarshal([]byte(tc.in), &a); err != nil {
				t.Fatal(err)
			}
			got, err := protojson.Marshal(toActivity(&a))
			if err != nil {
				t.Fatal(err)
			}
			var m map[string]any
			json.Unmarshal(got, &m)
			for _, k := range []string{"id", "apiSlug", "singularNoun", "pluralNoun", "createdAt"} {
				if m[k] == nil {
					t.Errorf("%s missing in %s", k, got)
				}
				delete(m, k)
			}
			var want map[string]any
			json.Unmarshal([]byte(tc.want), &want)
			g, _ := json.Marshal(m)
			w, _ := json.Marshal(want)
			if string(g) != string(w) {
				t.Errorf("got  %s\nwant %s", g, w)
			}
		})
	}
}
