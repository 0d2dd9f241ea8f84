package attio_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/attio-facade/attio-facade/attio"
)

func recordsJSON(from, n int) string {
	var parts []string
	for i := from; i < from+n; i++ {
		parts = append(parts, fmt.Sprintf(`{"id":{"workspace_id":"w","object_id":"o","record_id":"r%d"},"created_at":"t","web_url":"u","values":{}}`, i))
	}
	return `{"data":[` + strings.Join(parts, ",") + `]}`
}

// recordStore serves `total` records through records/query honouring the
// body's limit and offset.
func recordStore(total int) func(int, http.ResponseWriter, *http.Request) {
	return func(_ int, w http.ResponseWriter, r *http.Request) {
		var q struct{ Limit, Offset int }
		_ = json.NewDecoder(r.Body).Decode(&q)
		n := min(q.Limit, max(total-q.Offset, 0))
		writeJSON(w, 200, recordsJSON(q.Offset, n))
	}
}

func TestOffsetPagination(t *testing.T) {
	t.Parallel()
	cases := []struct {
		total, limit, offset int
		wantItems, wantCalls int
	}{
		{total: 7, limit: 3, wantItems: 7, wantCalls: 3},             // short last page ends it
		{total: 6, limit: 3, wantItems: 6, wantCalls: 3},             // full last page: one empty page more
		{total: 0, limit: 3, wantItems: 0, wantCalls: 1},             // empty
		{total: 10, limit: 4, offset: 5, wantItems: 5, wantCalls: 2}, // resumes from an offset
	}
	for _, tc := range cases {
		t.Run(fmt.Sprint(tc), func(t *testing.T) {
			t.Parallel()
			s := newStub(t, nil)
			s.serve = func(n int, w http.ResponseWriter, r *http.Request) {
				// records/query reads the body the stub already consumed.
				reqs := s.requests()
				r.Body = ioNop(reqs[n-1].body)
				recordStore(tc.total)(n, w, r)
			}
			c := s.client(t)
			var ids []string
			for rec, err := range c.QueryRecords(t.Context(), "people", attio.Query{Limit: tc.limit, Offset: tc.offset}) {
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, rec.ID.RecordID)
			}
			if len(ids) != tc.wantItems || s.count() != tc.wantCalls {
				t.Fatalf("items %d calls %d, want %d and %d", len(ids), s.count(), tc.wantItems, tc.wantCalls)
			}
			if len(ids) > 0 && ids[0] != fmt.Sprintf("r%d", tc.offset) {
				t.Errorf("first item %s", ids[0])
			}
		})
	}
}

func TestPageLevelOffset(t *testing.T) {
	t.Parallel()
	s := newStub(t, func(n int, w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"data":[{"id":{"workspace_id":"w","note_id":"n"}},{"id":{"workspace_id":"w","note_id":"m"}}]}`)
	})
	p, err := s.client(t).ListNotesPage(t.Context(), attio.NoteQuery{Limit: 2, Offset: 4, ParentObject: "people"})
	if err != nil {
		t.Fatal(err)
	}
	if !p.More || p.NextOffset != 6 || len(p.Items) != 2 {
		t.Errorf("page %+v", p)
	}
	if q := s.requests()[0].query; q != "limit=2&offset=4&parent_object=people" {
		t.Errorf("query %q", q)
	}
}

func TestCursorPagination(t *testing.T) {
	t.Parallel()
	pages := map[string]string{
		"":   `{"data":[{"id":{"workspace_id":"w","meeting_id":"m1"}},{"id":{"workspace_id":"w","meeting_id":"m2"}}],"pagination":{"next_cursor":"c2"}}`,
		"c2": `{"data":[{"id":{"workspace_id":"w","meeting_id":"m3"}}],"pagination":{"next_cursor":"c3"}}`,
		"c3": `{"data":[],"pagination":{"next_cursor":null}}`,
	}
	s := newStub(t, func(n int, w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, pages[r.URL.Query().Get("cursor")])
	})
	c := s.client(t)
	var ids []string
	for m, err := range c.ListMeetings(t.Context(), attio.MeetingQuery{}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.ID.MeetingID)
	}
	if strings.Join(ids, ",") != "m1,m2,m3" || s.count() != 3 {
		t.Fatalf("ids %v calls %d", ids, s.count())
	}
	p, err := c.ListMeetingsPage(t.Context(), attio.MeetingQuery{Cursor: "c2"})
	if err != nil || !p.More || p.NextCursor != "c3" {
		t.Fatalf("page %+v err %v", p, err)
	}
}

func TestIterationStopsFetching(t *testing.T) {
	t.Parallel()
	s := newStub(t, func(n int, w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, recordsJSON(0, 5)) })
	c := s.client(t)
	for _, err := range c.QueryRecords(t.Context(), "people", attio.Query{Limit: 5}) {
		if err != nil {
			t.Fatal(err)
		}
		break
	}
	if s.count() != 1 {
		t.Errorf("break: upstream saw %d requests, want 1", s.count())
	}

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	seen := 0
	var last error
	for _, err := range c.QueryRecords(ctx, "people", attio.Query{Limit: 5}) {
		if err != nil {
			last = err
			break
		}
		if seen++; seen == 5 {
			cancel()
		}
	}
	if last == nil || s.count() != 2 {
		t.Errorf("cancel: err %v, upstream %d requests (want an error and no new fetch)", last, s.count())
	}
}
