package server_test

import (
	"slices"
	"testing"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
)

// idsOf is what id says of each item, in order: the ids or names a test compares.
func idsOf[M any](items []M, id func(M) string) []string {
	out := make([]string, 0, len(items))
	for _, it := range items {
		out = append(out, id(it))
	}
	return out
}

// wantListed fails the test unless a listing call succeeded (err) with ids, exactly want in
// order, on one page (no next page token).
func wantListed(t testing.TB, res interface{ GetNextPageToken() string }, err error, ids, want []string) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ids, want) || res.GetNextPageToken() != "" {
		t.Fatalf("listed %v (next page %q), want %v", ids, res.GetNextPageToken(), want)
	}
}

// What a test compares of one item of each kind (with idsOf).

func attrSlug(a *attiov1.Attribute) string        { return a.GetApiSlug() }
func connectionID(c *attiov1.Connection) string   { return c.GetConnectionId() }
func entryID(e *attiov1.Entry) string             { return e.GetId().GetEntryId() }
func fileID(f *attiov1.File) string               { return f.GetId().GetFileId() }
func meetingID(m *attiov1.Meeting) string         { return m.GetId().GetMeetingId() }
func noteID(n *attiov1.Note) string               { return n.GetId().GetNoteId() }
func optionTitle(o *attiov1.SelectOption) string  { return o.GetTitle() }
func recordID(r *attiov1.Record) string           { return r.GetId().GetRecordId() }
func recordingID(r *attiov1.CallRecording) string { return r.GetId().GetCallRecordingId() }
func taskID(t *attiov1.Task) string               { return t.GetId().GetTaskId() }
func threadID(t *attiov1.Thread) string           { return t.GetId().GetThreadId() }
func viewID(v *attiov1.SavedView) string          { return v.GetId().GetViewId() }
func webhookID(w *attiov1.Webhook) string         { return w.GetId().GetWebhookId() }
