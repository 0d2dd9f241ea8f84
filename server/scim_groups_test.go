package server

import (
	"encoding/json"
	"testing"

	"google.golang.org/protobuf/encoding/protojson"

	"github.com/attio-facade/attio-facade/attio"
)

// toScimGroup maps every field the reference pages show, keeps what it does not know in
// extra_json, and keeps an unreadable timestamp there rather than inventing one.
func TestToScimGroup(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, in, want string
	}{
		{"members", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"g1","displayName":"Eng",
			"members":[{"value":"u1","$ref":"/scim/v2/Users/u1"}],"meta":{"resourceType":"Group","created":"2024-01-01T00:00:00.000Z","lastModified":"2024-01-02T00:00:00.000Z"}}`,
			`{"id":"g1","displayName":"Eng","members":[{"userId":"u1","ref":"/scim/v2/Users/u1"}],"created":"2024-01-01T00:00:00Z","lastModified":"2024-01-02T00:00:00Z"}`},
		{"members excluded", `{"schemas":[],"id":"g2","displayName":"Ops","meta":{"resourceType":"Group","created":"2024-01-01T00:00:00Z","lastModified":"2024-01-01T00:00:00Z"}}`,
			`{"id":"g2","displayName":"Ops","created":"2024-01-01T00:00:00Z","lastModified":"2024-01-01T00:00:00Z"}`},
		{"unknown keys", `{"id":"g3","displayName":"X","members":[],"meta":{"created":"2024-01-01T00:00:00Z","lastModified":"2024-01-01T00:00:00Z"},"externalId":"okta-7"}`,
			`{"id":"g3","displayName":"X","created":"2024-01-01T00:00:00Z","lastModified":"2024-01-01T00:00:00Z","extraJson":"{\"externalId\":\"okta-7\"}"}`},
		{"bad time", `{"id":"g4","displayName":"X","meta":{"created":"yesterday","lastModified":"2024-01-01T00:00:00Z"}}`,
			`{"id":"g4","displayName":"X","lastModified":"2024-01-01T00:00:00Z","extraJson":"{\"meta.created\":\"yesterday\"}"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var g attio.ScimGroup
			if err := json.Unmarshal([]byte(tc.in), &g); err != nil {
				t.Fatal(err)
			}
			got, err := protojson.Marshal(toScimGroup(&g))
			if err != nil {
				t.Fatal(err)
			}
			var a, b any
			json.Unmarshal(got, &a)
			json.Unmarshal([]byte(tc.want), &b)
			ga, _ := json.Marshal(a)
			gb, _ := json.Marshal(b)
			if string(ga) != string(gb) {
				t.Errorf("got  %s\nwant %s", ga, gb)
			}
		})
	}
}
