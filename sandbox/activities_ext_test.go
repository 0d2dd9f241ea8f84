package sandbox_test

import (
	"testing"

	"github.com/attio-facade/attio-facade/sandbox"
)

func activityBody(slug, sing, plur, ext string) map[string]any {
	return map[string]any{"data": map[string]any{"api_slug": slug, "singular_noun": sing, "plural_noun": plur, "extends": ext}}
}

// activities2026 walks the activity operations of the reference pages.
func activities2026(t *testing.T, a *api) {
	t.Helper()
	a.must("GET", "/activities", nil, 200)
	a.must("GET", "/activities/phone_calls", nil, 200)
	id := a.must("POST", "/activities", activityBody("walk_visits", "Walk visit", "Walk visits", "interactions"), 200).data()["id"].(map[string]any)["activity_id"].(string)
	a.must("PATCH", "/activities/"+id, map[string]any{"data": map[string]any{"singular_noun": "Walk"}}, 200)
	a.must("DELETE", "/activities/walk_visits", nil, 200)
}

func TestActivities(t *testing.T) {
	t.Parallel()
	a := seeded(t)
	list := a.must("GET", "/activities", nil, 200).list()
	if len(list) != 1 || list[0].(map[string]any)["api_slug"] != "phone_calls" ||
		list[0].(map[string]any)["id"].(map[string]any)["activity_id"] != sandbox.SeedPhoneCallsActivityID || list[0].(map[string]any)["extends"] != "calls" {
		t.Fatalf("a workspace starts with the system activity, phone calls: %v", list)
	}
	created := a.must("POST", "/activities", activityBody("site_visits", "Site visit", "Site visits", "interactions"), 200).data()
	id := created["id"].(map[string]any)["activity_id"].(string)
	if created["extends"] != "interactions" || created["created_at"] == nil {
		t.Fatalf("created %v", created)
	}
	// By id or by slug.
	if a.must("GET", "/activities/"+id, nil, 200).data()["api_slug"] != "site_visits" || a.must("GET", "/activities/site_visits", nil, 200).data()["id"].(map[string]any)["activity_id"] != id {
		t.Fatal("an activity is not found by both id and slug")
	}
	for name, c := range map[string]struct {
		body   map[string]any
		status int
	}{
		"slug taken":    {activityBody("site_visits", "Other", "Others", "activities"), 409},
		"noun taken":    {activityBody("visits2", "Site visit", "Visits 2", "activities"), 409},
		"bad schema":    {activityBody("demos", "Demo", "Demos", "meetings"), 400},
		"bad slug":      {activityBody("Demos!", "Demo", "Demos", "calls"), 400},
		"missing nouns": {map[string]any{"data": map[string]any{"api_slug": "x", "extends": "calls"}}, 400},
	} {
		t.Run(name, func(t *testing.T) {
			if r := a.do("POST", "/activities", c.body); r.status != c.status {
				t.Fatalf("status %d, want %d: %s", r.status, c.status, r.raw)
			}
		})
	}
	up := a.must("PATCH", "/activities/site_visits", map[string]any{"data": map[string]any{"api_slug": "office_visits", "plural_noun": "Office visits"}}, 200).data()
	if up["api_slug"] != "office_visits" || up["plural_noun"] != "Office visits" || up["singular_noun"] != "Site visit" {
		t.Fatalf("updated %v", up)
	}
	// The schema it extends is permanent; an empty payload or noun is refused; a refused PATCH changes nothing.
	a.must("PATCH", "/activities/"+id, map[string]any{"data": map[string]any{"extends": "calls"}}, 400)
	a.must("PATCH", "/activities/"+id, map[string]any{"data": map[string]any{}}, 400)
	a.must("PATCH", "/activities/"+id, map[string]any{"data": map[string]any{"api_slug": "renamed", "singular_noun": ""}}, 400)
	a.must("PATCH", "/activities/"+id, map[string]any{"data": map[string]any{"api_slug": "phone_calls"}}, 409)
	if got := a.must("GET", "/activities/"+id, nil, 200).data(); got["api_slug"] != "office_visits" {
		t.Fatalf("a refused PATCH changed the activity: %v", got)
	}
	a.must("DELETE", "/activities/phone_calls", nil, 400) // the system activity stays
	a.must("DELETE", "/activities/"+id, nil, 200)
	a.must("GET", "/activities/"+id, nil, 404)
	a.must("DELETE", "/activities/office_visits", nil, 404)
	if n := len(a.must("GET", "/activities", nil, 200).list()); n != 1 {
		t.Fatalf("%d activities after the delete, want 1", n)
	}
}
