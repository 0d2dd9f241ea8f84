package sandbox_test

import (
	"testing"

	"github.com/attio-facade/attio-facade/sandbox"
)

func viewIDs(r []any) []string {
	var out []string
	for _, v := range r {
		out = append(out, v.(map[string]any)["id"].(map[string]any)["view_id"].(string))
	}
	return out
}

// views2026 walks the object and list view operations (validated against the reference pages'
// shapes by TestStrictClient2026) and checks what the pages say of them: ordered by view id,
// archived views only with show_archived, cursor paged, 404 for unknown views and parents.
func views2026(t *testing.T, a *api) {
	t.Helper()
	all := a.must("GET", "/objects/people/views", nil, 200).list()
	if got := viewIDs(all); len(got) != 2 || got[0] != sandbox.SeedViewEveryoneID || got[1] != sandbox.SeedViewLovelacesID {
		t.Errorf("people views = %v, want Everyone then Lovelaces (by view id, archived left out)", got)
	}
	withArchived := a.must("GET", "/objects/people/views?show_archived=true", nil, 200).list()
	if got := viewIDs(withArchived); len(got) != 3 || got[2] != sandbox.SeedViewArchivedID {
		t.Errorf("people views with archived = %v", got)
	}
	first := a.must("GET", "/objects/people/views?limit=1&show_archived=true", nil, 200)
	next, _ := first.body["pagination"].(map[string]any)["next_cursor"].(string)
	if len(first.list()) != 1 || next == "" {
		t.Fatalf("first page of one: %s", first.raw)
	}
	second := a.must("GET", "/objects/people/views?limit=1&show_archived=true&cursor="+next, nil, 200)
	if got := viewIDs(second.list()); len(got) != 1 || got[0] != sandbox.SeedViewLovelacesID {
		t.Errorf("second page = %v", got)
	}
	a.must("GET", "/objects/people/views?cursor="+next, nil, 400) // the cursor belongs to show_archived=true
	a.must("GET", "/objects/people/views?limit=1001", nil, 400)
	a.must("GET", "/objects/people/views?show_archived=maybe", nil, 400)
	a.must("GET", "/objects/nope/views", nil, 404)

	v := a.must("GET", "/objects/people/views/"+sandbox.SeedViewLovelacesID, nil, 200).data()
	if f, _ := v["filter"].(map[string]any); v["title"] != "Lovelaces" || f["op"] != "eq" || f["value"] != "Lovelace" {
		t.Errorf("Lovelaces view = %v", v)
	}
	if v := a.must("GET", "/objects/people/views/"+sandbox.SeedViewEveryoneID, nil, 200).data(); v["filter"] != nil {
		t.Errorf("Everyone view has filter %v", v["filter"])
	}
	a.must("GET", "/objects/people/views/"+sandbox.SeedViewArchivedID, nil, 200)
	a.must("GET", "/objects/companies/views/"+sandbox.SeedViewLovelacesID, nil, 404) // another object's view
	a.must("GET", "/objects/people/views/not-a-uuid", nil, 404)

	lv := a.must("GET", "/lists/sales_pipeline/views", nil, 200).list()
	if got := viewIDs(lv); len(got) != 1 || got[0] != sandbox.SeedListViewID {
		t.Errorf("list views = %v", got)
	}
	l := a.must("GET", "/lists/"+sandbox.SeedListID+"/views/"+sandbox.SeedListViewID, nil, 200).data()
	if id := l["id"].(map[string]any); id["list_id"] != sandbox.SeedListID || id["object_id"] != nil || l["type"] != "board" {
		t.Errorf("list view = %v", l)
	}
	a.must("GET", "/lists/recruiting/views", nil, 200)
	a.must("GET", "/lists/nope/views/"+sandbox.SeedListViewID, nil, 404)
}

func TestViews(t *testing.T) {
	t.Parallel()
	views2026(t, seeded(t))
}
