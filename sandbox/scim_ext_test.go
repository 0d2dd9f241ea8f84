package sandbox_test

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/attio-facade/attio-facade/sandbox"
)

// scim2026 walks the SCIM operations: the schemas (March 2026 document) and the users (reference
// pages).
func scim2026(t *testing.T, a *api) {
	t.Helper()
	a.must("GET", scimBase(a)+"/scim/v2/Schemas", nil, 200)
	a.must("GET", scimBase(a)+"/scim/v2/Users?count=1", nil, 200)
	a.must("GET", scimBase(a)+"/scim/v2/Users/"+sandbox.SeedMember2ID, nil, 200)
	u := a.must("POST", scimBase(a)+"/scim/v2/Users", map[string]any{"schemas": []any{scimUser}, "userName": "walk@sandbox.example.com",
		"name": map[string]any{"givenName": "Wal", "familyName": "K"}}, 201)
	id := u.body["id"].(string)
	a.must("PATCH", scimBase(a)+"/scim/v2/Users/"+id, scimPatch(map[string]any{"op": "replace", "path": "appRole", "value": "admin"}), 200)
	a.must("DELETE", scimBase(a)+"/scim/v2/Users/"+id, nil, 204)
}

const scimUser = "urn:ietf:params:scim:schemas:core:2.0:User"

func scimPatch(ops ...any) map[string]any {
	return map[string]any{"schemas": []any{"urn:ietf:params:scim:api:messages:2.0:PatchOp"}, "Operations": ops}
}

// scimErr asserts SCIM's error shape (RFC 7644 §3.12), which SCIM answers instead of Attio's.
func scimErr(t *testing.T, r resp, status int, scimType string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.raw)
	}
	schemas, _ := r.body["schemas"].([]any)
	if len(schemas) != 1 || schemas[0] != "urn:ietf:params:scim:api:messages:2.0:Error" || r.body["detail"] == "" ||
		r.body["status"] != itoa(status) || r.body["status_code"] != nil {
		t.Fatalf("not a SCIM error: %s", r.raw)
	}
	if got, _ := r.body["scimType"].(string); got != scimType {
		t.Fatalf("scimType %q, want %q", got, scimType)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/scim+json" {
		t.Fatalf("Content-Type %q", ct)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestScimUsers(t *testing.T) {
	t.Parallel()
	a := seeded(t)
	list := a.must("GET", scimBase(a)+"/scim/v2/Users", nil, 200)
	if ct := list.header.Get("Content-Type"); ct != "application/scim+json" {
		t.Errorf("Content-Type %q", ct)
	}
	total := int(list.body["totalResults"].(float64))
	if total < 2 || len(list.body["Resources"].([]any)) != total {
		t.Fatalf("users %s", list.raw)
	}
	page := a.must("GET", scimBase(a)+"/scim/v2/Users?startIndex=2&count=1", nil, 200).body
	if page["startIndex"] != 2.0 || page["itemsPerPage"] != 1.0 || int(page["totalResults"].(float64)) != total {
		t.Fatalf("page %v", page)
	}
	bob := a.must("GET", scimBase(a)+"/scim/v2/Users?filter="+url.QueryEscape(`userName eq "Bob@sandbox.example.com"`), nil, 200).body["Resources"].([]any)
	if len(bob) != 1 || bob[0].(map[string]any)["id"] != sandbox.SeedMember2ID || bob[0].(map[string]any)["appRole"] != "member" {
		t.Fatalf("filtered %v", bob)
	}

	// A verified domain (a member's) makes a member at once; another one an invite.
	member := a.must("POST", scimBase(a)+"/scim/v2/Users", map[string]any{"schemas": []any{scimUser}, "userName": "carol@sandbox.example.com", "appRole": "admin"}, 201).body
	invite := a.must("POST", scimBase(a)+"/scim/v2/Users", map[string]any{"schemas": []any{scimUser}, "userName": "dan@elsewhere.io"}, 201).body
	if member["appRole"] != "admin" || member["active"] != true || invite["appRole"] != "member" || invite["active"] != true {
		t.Fatalf("created %v, %v", member, invite)
	}
	mid, iid := member["id"].(string), invite["id"].(string)
	members := a.must("GET", "/workspace_members", nil, 200).list()
	found := false
	for _, m := range members {
		found = found || m.(map[string]any)["email_address"] == "carol@sandbox.example.com"
	}
	if !found {
		t.Error("a SCIM member is not a workspace member")
	}
	scimErr(t, a.do("POST", scimBase(a)+"/scim/v2/Users", map[string]any{"schemas": []any{scimUser}, "userName": "CAROL@sandbox.example.com"}), 409, "uniqueness")

	// Suspending takes the role away; reactivating gives it back.
	off := a.must("PATCH", scimBase(a)+"/scim/v2/Users/"+mid, scimPatch(map[string]any{"op": "replace", "path": "active", "value": false}), 200).body
	if off["active"] != false || off["appRole"] != nil {
		t.Fatalf("suspended %v", off)
	}
	on := a.must("PATCH", scimBase(a)+"/scim/v2/Users/"+mid, scimPatch(map[string]any{"op": "replace", "value": map[string]any{"active": true, "name": map[string]any{"givenName": "Carol"}}}), 200).body
	if on["active"] != true || on["appRole"] != "admin" || on["name"].(map[string]any)["givenName"] != "Carol" {
		t.Fatalf("reactivated %v", on)
	}
	// Deactivating a pending invite revokes it: 204, and it is gone.
	if r := a.do("PATCH", scimBase(a)+"/scim/v2/Users/"+iid, scimPatch(map[string]any{"op": "replace", "path": "active", "value": false})); r.status != 204 || len(r.raw) != 0 {
		t.Fatalf("revoke: %d %s", r.status, r.raw)
	}
	scimErr(t, a.do("GET", scimBase(a)+"/scim/v2/Users/"+iid, nil), 404, "")

	for name, body := range map[string]map[string]any{
		"not a PatchOp":   {"schemas": []any{scimUser}, "Operations": []any{}},
		"unknown path":    scimPatch(map[string]any{"op": "replace", "path": "userName", "value": "x@y.z"}),
		"bad role":        scimPatch(map[string]any{"op": "replace", "path": "appRole", "value": "owner"}),
		"remove active":   scimPatch(map[string]any{"op": "remove", "path": "active"}),
		"active not bool": scimPatch(map[string]any{"op": "replace", "path": "active", "value": "no"}),
	} {
		t.Run(name, func(t *testing.T) {
			r := a.do("PATCH", scimBase(a)+"/scim/v2/Users/"+mid, body)
			if r.status != 400 {
				t.Fatalf("status %d: %s", r.status, r.raw)
			}
		})
	}
	scimErr(t, a.do("GET", scimBase(a)+"/scim/v2/Users?filter="+url.QueryEscape(`title eq "x"`), nil), 400, "invalidFilter")
	scimErr(t, a.do("POST", scimBase(a)+"/scim/v2/Users", map[string]any{"userName": "x@y.io"}), 400, "invalidValue")

	a.must("DELETE", scimBase(a)+"/scim/v2/Users/"+mid, nil, 204)
	scimErr(t, a.do("DELETE", scimBase(a)+"/scim/v2/Users/"+mid, nil), 404, "")
}

func TestScimSchemas(t *testing.T) {
	t.Parallel()
	a := seeded(t)
	r := a.must("GET", scimBase(a)+"/scim/v2/Schemas", nil, 200).body
	res := r["Resources"].([]any)
	if len(res) != 2 || res[0].(map[string]any)["name"] != "User" || res[1].(map[string]any)["name"] != "Group" || r["totalResults"] != 2.0 {
		t.Fatalf("schemas %v", r)
	}
}

// scimBase is the API's root through Maton: SCIM sits at /scim/v2 beside /v2.
func scimBase(a *api) string { return strings.TrimSuffix(a.base, "/v2") }

// scimGroups2026 walks the SCIM group operations of the reference pages.
func scimGroups2026(t *testing.T, a *api) {
	t.Helper()
	base := scimBase(a) + "/scim/v2/Groups"
	g := a.must("POST", base, map[string]any{"schemas": []any{scimGroup}, "displayName": "Walk",
		"members": []any{map[string]any{"value": sandbox.SeedMember2ID}}}, 201).body
	id := g["id"].(string)
	a.must("GET", base+"?count=1&excludedAttributes=members", nil, 200)
	a.must("GET", base+"/"+id, nil, 200)
	a.must("PUT", base+"/"+id, map[string]any{"schemas": []any{scimGroup}, "displayName": "Walked", "members": []any{}}, 200)
	a.must("PATCH", base+"/"+id, scimPatch(map[string]any{"op": "add", "path": "members", "value": []any{map[string]any{"value": sandbox.SeedMember2ID}}}), 200)
	a.must("DELETE", base+"/"+id, nil, 204)
}

const scimGroup = "urn:ietf:params:scim:schemas:core:2.0:Group"

func TestScimGroups(t *testing.T) {
	t.Parallel()
	a := seeded(t)
	base := scimBase(a) + "/scim/v2/Groups"
	bob := map[string]any{"value": sandbox.SeedMember2ID}
	invite := a.must("POST", scimBase(a)+"/scim/v2/Users", map[string]any{"schemas": []any{scimUser}, "userName": "gus@elsewhere.io"}, 201).body["id"].(string)
	eng := a.must("POST", base, map[string]any{"schemas": []any{scimGroup}, "displayName": "Engineering", "members": []any{bob, map[string]any{"value": invite}}}, 201)
	if ct := eng.header.Get("Content-Type"); ct != "application/scim+json" {
		t.Errorf("Content-Type %q", ct)
	}
	id := eng.body["id"].(string)
	if ms := eng.body["members"].([]any); len(ms) != 2 || ms[0].(map[string]any)["$ref"] != "/scim/v2/Users/"+sandbox.SeedMember2ID {
		t.Fatalf("members %v", ms)
	}
	a.must("POST", base, map[string]any{"schemas": []any{scimGroup}, "displayName": "Sales"}, 201)
	scimErr(t, a.do("POST", base, map[string]any{"schemas": []any{scimGroup}, "displayName": "engineering"}), 409, "uniqueness")
	scimErr(t, a.do("POST", base, map[string]any{"schemas": []any{scimGroup}, "displayName": "  "}), 400, "invalidValue")
	scimErr(t, a.do("POST", base, map[string]any{"schemas": []any{scimGroup}, "displayName": "X", "members": []any{map[string]any{"value": "00000000-0000-0000-0000-000000000000"}}}), 400, "invalidValue")

	list := a.must("GET", base+"?filter="+url.QueryEscape(`displayName eq "ENGINEERING"`), nil, 200).body
	if res := list["Resources"].([]any); list["totalResults"] != 1.0 || len(res) != 1 || res[0].(map[string]any)["id"] != id {
		t.Fatalf("filtered %v", list)
	}
	page := a.must("GET", base+"?startIndex=2&count=1&excludedAttributes=members", nil, 200).body
	if res := page["Resources"].([]any); page["totalResults"] != 2.0 || len(res) != 1 || res[0].(map[string]any)["members"] != nil {
		t.Fatalf("page %v", page)
	}
	scimErr(t, a.do("GET", base+"?filter="+url.QueryEscape(`userName eq "x"`), nil), 400, "invalidFilter")

	// Operations apply in order; a removal by value filter takes one member out.
	patched := a.must("PATCH", base+"/"+id, scimPatch(
		map[string]any{"op": "replace", "path": "displayName", "value": "Platform"},
		map[string]any{"op": "remove", "path": `members[value eq "` + invite + `"]`}), 200).body
	if ms := patched["members"].([]any); patched["displayName"] != "Platform" || len(ms) != 1 || ms[0].(map[string]any)["value"] != sandbox.SeedMember2ID {
		t.Fatalf("patched %v", patched)
	}
	// A refused operation changes nothing, even after accepted ones.
	scimErr(t, a.do("PATCH", base+"/"+id, scimPatch(
		map[string]any{"op": "replace", "path": "displayName", "value": "Other"},
		map[string]any{"op": "replace", "path": "externalId", "value": "x"})), 400, "invalidPath")
	scimErr(t, a.do("PATCH", base+"/"+id, scimPatch(map[string]any{"op": "replace", "path": "displayName", "value": "Sales"})), 409, "uniqueness")
	if got := a.must("GET", base+"/"+id, nil, 200).body; got["displayName"] != "Platform" {
		t.Fatalf("a refused patch changed the group: %v", got)
	}
	// PUT replaces the whole member list; a member leaving the workspace leaves the group.
	put := a.must("PUT", base+"/"+id, map[string]any{"schemas": []any{scimGroup}, "displayName": "Platform", "members": []any{map[string]any{"value": invite}}}, 200).body
	if ms := put["members"].([]any); len(ms) != 1 || ms[0].(map[string]any)["value"] != invite {
		t.Fatalf("replaced %v", put)
	}
	scimErr(t, a.do("PUT", base+"/"+id, map[string]any{"schemas": []any{scimGroup}, "displayName": "Platform"}), 400, "invalidValue")
	a.must("DELETE", scimBase(a)+"/scim/v2/Users/"+invite, nil, 204)
	if ms := a.must("GET", base+"/"+id, nil, 200).body["members"].([]any); len(ms) != 0 {
		t.Fatalf("a deleted user is still a member: %v", ms)
	}
	a.must("DELETE", base+"/"+id, nil, 204)
	scimErr(t, a.do("GET", base+"/"+id, nil), 404, "")
	scimErr(t, a.do("DELETE", base+"/"+id, nil), 404, "")
}
