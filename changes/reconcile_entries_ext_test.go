package changes_test

import (
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/attio-facade/attio-facade/attio"
	"github.com/attio-facade/attio-facade/changes"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/internal/testkit"
)

const (
	pipeline     = "sales_pipeline"
	seedEntry    = "94cafb4a-3799-4968-b831-08f00c8e450c" // of the seed's sales_pipeline
	seedCompany  = "5a4cbf71-eb61-4ffa-bccd-a9fb10f6e5ea"
	entryNextKey = "next_step"
)

func entryWatcher(f *facade) *watcher[*attiov1.Entry] {
	return &watcher[*attiov1.Entry]{kind: "list-entry", records: map[string]*attiov1.Entry{}, fetch: func(t *testing.T, id string) *attiov1.Entry {
		en, err := f.client.GetEntryMessage(t.Context(), pipeline, id)
		if err != nil {
			t.Fatal(err)
		}
		return en
	}}
}

// entryReconciler walks the pipeline's entries only.
func (f *facade) entryReconciler(t *testing.T) *changes.Reconciler {
	t.Helper()
	r, err := changes.NewReconciler(changes.ReconcileOptions{Client: f.client, Log: f.log, Connections: defaultConn,
		Objects: []string{"people"}, Lists: []string{pipeline}})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// An entry whose created change a watcher read, then updated with the delivery dropped: the next
// pass tells the watcher the entry as it is now (a reconciled list-entry.updated carrying it,
// with its parent); the pass after it has nothing left to tell.
func TestReconcileRepairsADroppedEntryUpdate(t *testing.T) {
	t.Parallel()
	f := newFacade(t)
	if err := f.subscriber(t, "").Sync(t.Context()); err != nil {
		t.Fatal(err)
	}
	r := f.entryReconciler(t)
	if st := f.pass(t, r); st.Entries == 0 {
		t.Fatalf("the first pass walked no entry: %+v", st)
	}
	created, err := f.client.CreateEntry(t.Context(), pipeline, attio.EntryInput{ParentRecordID: seedCompany, ParentObject: "companies",
		EntryValues: attio.Values{entryNextKey: {attio.TextInput{Value: "v1"}}}})
	if err != nil {
		t.Fatal(err)
	}
	id := created.ID.EntryID
	w := entryWatcher(f)
	testkit.Until(t, "the created entry reaches the watcher", func() bool { w.catchUp(t, f); return w.records[id] != nil })

	dropped(t, f, func() {
		if _, err := f.client.UpdateEntry(t.Context(), pipeline, id, attio.Values{entryNextKey: {attio.TextInput{Value: "v2"}}}); err != nil {
			t.Fatal(err)
		}
	})
	f.pass(t, r)
	w.catchUp(t, f)
	cur, err := f.client.GetEntryMessage(t.Context(), pipeline, id)
	if err != nil {
		t.Fatal(err)
	}
	if got := w.records[id]; !proto.Equal(got.GetEntryValues()[entryNextKey], cur.GetEntryValues()[entryNextKey]) {
		t.Fatalf("after the pass the watcher holds %s %v, the sandbox %v", entryNextKey, got.GetEntryValues()[entryNextKey], cur.GetEntryValues()[entryNextKey])
	}
	last := w.last
	if !last.Reconciled || last.Type != "list-entry.updated" || len(last.Record) == 0 ||
		last.Extra["parent_record_id"] != seedCompany || last.Extra["parent_object_id"] == "" {
		t.Fatalf("the repair %+v: want a reconciled list-entry.updated carrying the entry and its parent", last)
	}
	if st := f.pass(t, r); st.Created+st.Updated+st.Deleted != 0 {
		t.Errorf("a pass with nothing changed since the last emitted: %+v", st)
	}
}

// An entry deleted without an event (its delivery dropped) is reported by the next pass.
func TestReconcileReportsADeletedEntryWithoutAnEvent(t *testing.T) {
	t.Parallel()
	f := newFacade(t)
	if err := f.subscriber(t, "").Sync(t.Context()); err != nil {
		t.Fatal(err)
	}
	r := f.entryReconciler(t)
	f.pass(t, r)
	dropped(t, f, func() {
		if err := f.client.DeleteEntry(t.Context(), pipeline, seedEntry); err != nil {
			t.Fatal(err)
		}
	})
	if st := f.pass(t, r); st.Deleted != 1 || st.Created+st.Updated != 0 {
		t.Errorf("stats %+v: want one delete", st)
	}
	var deletes []changes.Event
	for _, e := range f.logged(t) {
		if e.Type == "list-entry.deleted" {
			deletes = append(deletes, e)
		}
	}
	if len(deletes) != 1 || !deletes[0].Reconciled || deletes[0].IDs["entry_id"] != seedEntry || deletes[0].IDs["list_id"] == "" {
		t.Fatalf("logged deletes %+v: want one reconciled delete of %s", deletes, seedEntry)
	}
}
