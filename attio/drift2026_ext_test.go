package attio_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/attio-facade/attio-facade/attio"
)

func readExample[T any](t *testing.T, name string) T {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(examplesDir, name))
	if err != nil {
		t.Fatal(err)
	}
	var v dataOf[T]
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return v.Data
}

// Responses from before Attio's 2026 fields decode with those fields unset; 2026 responses fill them.
func TestFieldDrift2026Decodes(t *testing.T) {
	t.Parallel()
	t.Run("task completed_at", func(t *testing.T) {
		t.Parallel()
		if old := readExample[attio.Task](t, "task-get.spec-example.json"); old.CompletedAt != nil {
			t.Errorf("2025 task: completed_at %q", *old.CompletedAt)
		}
		tasks := readExample[[]attio.Task](t, "tasks-completed-at-2026.synthetic.json")
		if tasks[0].CompletedAt == nil || *tasks[0].CompletedAt != "2023-01-02T09:30:00.123456789Z" || tasks[1].CompletedAt != nil {
			t.Errorf("2026 tasks: completed_at %v, %v", tasks[0].CompletedAt, tasks[1].CompletedAt)
		}
	})
	t.Run("attribute relationship", func(t *testing.T) {
		t.Parallel()
		for _, a := range readExample[[]attio.Attribute](t, "attributes-list.real.json") {
			if a.Relationship != nil {
				t.Errorf("%s: relationship %v", a.APISlug, a.Relationship)
			}
		}
		old := attio.Attribute{}
		if err := json.Unmarshal([]byte(`{"relationship":{"id":{"workspace_id":"w","object_id":"o","attribute_id":"a"}}}`), &old); err != nil {
			t.Fatal(err)
		}
		if r := old.Relationship; r == nil || r.ID.AttributeID != "a" || r.ObjectSlug != nil || r.Title != nil || r.APISlug != nil || r.IsMultiselect != nil {
			t.Errorf("2025 relationship = %+v", r)
		}
		r := readExample[attio.Attribute](t, "attribute-relationship-2026-03.spec-example.json").Relationship
		if r == nil || r.ObjectSlug == nil || *r.ObjectSlug != "companies" || *r.Title != "Team members" || *r.APISlug != "team_members" || !*r.IsMultiselect ||
			r.Extra.Len() != 0 {
			t.Errorf("2026 relationship = %+v", r)
		}
	})
	t.Run("thread comment paging", func(t *testing.T) {
		t.Parallel()
		for _, c := range []struct {
			file string
			more bool
			next string
		}{
			{"thread-get.spec-example.json", false, ""},
			{"thread-paged-2026.synthetic.json", true, "eyJvIjoxfQ"},
		} {
			raw, err := os.ReadFile(filepath.Join(examplesDir, c.file))
			if err != nil {
				t.Fatal(err)
			}
			s := newStub(t, func(_ int, w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(raw) })
			tp, err := s.client(t).GetThreadPage(t.Context(), "a649e4d9-435c-43fb-83ba-847b4876f27a", attio.ThreadCommentsQuery{Limit: 1, Cursor: "c1", CreatedAfter: "2023-01-01T00:00:00Z"})
			if err != nil {
				t.Fatal(err)
			}
			if tp.Comments.More != c.more || tp.Comments.NextCursor != c.next || len(tp.Comments.Items) != len(tp.Thread.Comments) || len(tp.Thread.Comments) == 0 {
				t.Errorf("%s: page %+v", c.file, tp.Comments)
			}
			if q := s.reqs[0].query; q != "created_after=2023-01-01T00%3A00%3A00Z&cursor=c1&limit=1" {
				t.Errorf("%s: query %q", c.file, q)
			}
		}
	})
}
