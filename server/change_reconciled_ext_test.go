package server_test

import (
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/attio-facade/attio-facade/changes"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
)

// A reconciled change carries the record as the reconciliation pass read it: the watcher gets that
// record, not a fetch of the record as it is now, so the next pass knows what watchers hold.
func TestWatchRecordsSendsTheRecordAReconciledChangeCarries(t *testing.T) {
	t.Parallel()
	w := newWatchHarness(t, watchConfig{})
	person := w.records(t, "people", 1)[0]
	s, _ := watching(t, w.changes(protocols[0]), &attiov1.WatchRecordsRequest{Object: "people"})
	read := &attiov1.Record{Id: &attiov1.RecordId{WorkspaceId: person.ID.WorkspaceID, ObjectId: person.ID.ObjectID, RecordId: person.ID.RecordID},
		Values: map[string]*attiov1.ValueList{"job_title": {Values: []*attiov1.Value{{AttributeType: "text", Value: &attiov1.Value_Text{Text: "as the pass read it"}}}}}}
	b, err := proto.Marshal(read)
	if err != nil {
		t.Fatal(err)
	}
	fetches := w.svc.Stats().Fetches
	if _, err := w.log.Record(t.Context(), changes.DefaultConnection, "reconcile:1", []changes.Event{{
		ID: "reconciled-1", Type: "record.updated", Reconciled: true, Record: b, Actor: changes.Actor{Type: "system"}, Received: time.Now(),
		IDs: map[string]string{"workspace_id": person.ID.WorkspaceID, "object_id": person.ID.ObjectID, "record_id": person.ID.RecordID},
	}}); err != nil {
		t.Fatal(err)
	}
	c := nextChange(t, s)
	if !c.GetReconciled() || !proto.Equal(c.GetRecord(), read) {
		t.Fatalf("change %v, want the reconciled record %v", c, read)
	}
	if got := w.svc.Stats().Fetches; got != fetches {
		t.Errorf("%d fetches for a change that carries its record", got-fetches)
	}
}

// The same for entries: a reconciled list entry change is sent with the entry it carries.
func TestWatchEntriesSendsTheEntryAReconciledChangeCarries(t *testing.T) {
	t.Parallel()
	w := newWatchHarness(t, watchConfig{})
	list, err := w.client.GetList(t.Context(), "sales_pipeline")
	if err != nil {
		t.Fatal(err)
	}
	s := watchingEntries(t, w.changes(protocols[0]), "sales_pipeline")
	// An entry id the sandbox does not hold: a fetch would find nothing.
	read := &attiov1.Entry{Id: &attiov1.EntryId{WorkspaceId: list.ID.WorkspaceID, ListId: list.ID.ListID, EntryId: "00000000-0000-4000-8000-00000000e001"},
		ParentRecordId: "parent", EntryValues: map[string]*attiov1.ValueList{"next_step": {Values: []*attiov1.Value{{AttributeType: "text", Value: &attiov1.Value_Text{Text: "as the pass read it"}}}}}}
	b, err := proto.Marshal(read)
	if err != nil {
		t.Fatal(err)
	}
	fetches := w.svc.Stats().Fetches
	if _, err := w.log.Record(t.Context(), changes.DefaultConnection, "reconcile:1", []changes.Event{{
		ID: "reconciled-entry-1", Type: "list-entry.updated", Reconciled: true, Record: b, Actor: changes.Actor{Type: "system"}, Received: time.Now(),
		IDs:   map[string]string{"workspace_id": list.ID.WorkspaceID, "list_id": list.ID.ListID, "entry_id": read.GetId().GetEntryId()},
		Extra: map[string]string{"parent_record_id": "parent", "parent_object_id": "obj"},
	}}); err != nil {
		t.Fatal(err)
	}
	for {
		m, err := s.Receive()
		if err != nil {
			t.Fatal(err)
		}
		if c := m.GetChange(); c != nil {
			if !c.GetReconciled() || !proto.Equal(c.GetEntry(), read) || c.GetParentObjectId() != "obj" {
				t.Fatalf("change %v, want the reconciled entry %v", c, read)
			}
			break
		}
	}
	if got := w.svc.Stats().Fetches; got != fetches {
		t.Errorf("%d fetches for a change that carries its entry", got-fetches)
	}
}
