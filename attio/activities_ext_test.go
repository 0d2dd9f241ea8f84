package attio_test

import (
	"context"
	"net/http"
	"slices"
	"testing"

	"github.com/attio-facade/attio-facade/attio"
)

const activityJSON = `{"id":{"workspace_id":"w1","activity_id":"a1"},"api_slug":"site_visits","singular_noun":"Site visit",
	"plural_noun":"Site visits","extends":"interactions","created_at":"2026-05-01T10:00:00.000000000Z","is_archived":false}`

// Activities are at /v2/activities with {data} bodies as the reference pages show; {activity}
// takes a slug or an id; extends reads as one name or a list of them.
func TestActivityRequests(t *testing.T) {
	t.Parallel()
	s := newStub(t, func(n int, w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodGet && r.URL.Path == "/attio/v2/activities":
			writeJSON(w, 200, `{"data":[`+activityJSON+`,{"id":{"workspace_id":"w1","activity_id":"a2"},"api_slug":"phone_calls",
				"singular_noun":"Phone call","plural_noun":"Phone calls","extends":["calls","interactions"],"created_at":"2024-01-01T00:00:00Z"}]}`)
		case r.Method == http.MethodDelete:
			writeJSON(w, 200, `{}`)
		default:
			writeJSON(w, 200, `{"data":`+activityJSON+`}`)
		}
	})
	c := s.client(t)
	ctx := t.Context()
	all, err := c.ListActivities(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || !slices.Equal(all[0].ExtendsNames(), []string{"interactions"}) || !slices.Equal(all[1].ExtendsNames(), []string{"calls", "interactions"}) {
		t.Fatalf("activities %+v", all)
	}
	if raw, ok := all[0].Extra.Get("is_archived"); !ok || string(raw) != "false" {
		t.Errorf("unknown key lost: %v", all[0].Extra.Keys())
	}
	if _, err := c.GetActivity(ctx, "site_visits"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateActivity(ctx, attio.ActivityInput{APISlug: "site_visits", SingularNoun: "Site visit", PluralNoun: "Site visits", Extends: "interactions"}); err != nil {
		t.Fatal(err)
	}
	noun := "Visit"
	if _, err := c.UpdateActivity(ctx, "a1", attio.ActivityUpdate{SingularNoun: &noun}); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteActivity(ctx, "a1"); err != nil {
		t.Fatal(err)
	}
	want := []struct{ method, path, body string }{
		{"GET", "/attio/v2/activities", ""},
		{"GET", "/attio/v2/activities/site_visits", ""},
		{"POST", "/attio/v2/activities", `{"data":{"api_slug":"site_visits","singular_noun":"Site visit","plural_noun":"Site visits","extends":"interactions"}}`},
		{"PATCH", "/attio/v2/activities/a1", `{"data":{"singular_noun":"Visit"}}`},
		{"DELETE", "/attio/v2/activities/a1", ""},
	}
	reqs := s.requests()
	if len(reqs) != len(want) {
		t.Fatalf("%d requests, want %d", len(reqs), len(want))
	}
	for i, w := range want {
		if r := reqs[i]; r.method != w.method || r.path != w.path || r.body != w.body {
			t.Errorf("request %d = %s %s %s, want %s %s %s", i, r.method, r.path, r.body, w.method, w.path, w.body)
		}
	}
}

// Listing and reading activities spend the read budget; creating, updating and deleting them the
// write budget.
func TestActivityBudgets(t *testing.T) {
	t.Parallel()
	serve := func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.URL.Path == "/v2/activities" {
			writeJSON(w, 200, `{"data":[`+activityJSON+`]}`)
			return
		}
		writeJSON(w, 200, `{"data":`+activityJSON+`}`)
	}
	read := func(ctx context.Context, c *attio.Client) error { _, err := c.ListActivities(ctx); return err }
	for name, write := range map[string]func(ctx context.Context, c *attio.Client) error{
		"create": func(ctx context.Context, c *attio.Client) error {
			_, err := c.CreateActivity(ctx, attio.ActivityInput{APISlug: "x", SingularNoun: "X", PluralNoun: "Xs", Extends: "calls"})
			return err
		},
		"update": func(ctx context.Context, c *attio.Client) error {
			_, err := c.UpdateActivity(ctx, "x", attio.ActivityUpdate{})
			return err
		},
		"delete": func(ctx context.Context, c *attio.Client) error { return c.DeleteActivity(ctx, "x") },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			budgetSplit(t, serve, read, write)
		})
	}
}
