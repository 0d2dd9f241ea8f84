package changes_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/attio-facade/attio-facade/attio"
	"github.com/attio-facade/attio-facade/changes"
	"github.com/attio-facade/attio-facade/sandbox"
)

func defaultConn(context.Context) ([]string, error) { return []string{""}, nil }

func (f *facade) reconciler(t *testing.T, maxRecords int) *changes.Reconciler {
	t.Helper()
	r, err := changes.NewReconciler(changes.ReconcileOptions{Client: f.client, Log: f.log, Connections: defaultConn,
		Objects: []string{"people"}, MaxRecords: maxRecords})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func (f *facade) pass(t *testing.T, r *changes.Reconciler) changes.ReconcileStats {
	t.Helper()
	st, err := r.Pass(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// logged is every event of the default connection's log.
func (f *facade) logged(t *testing.T) []changes.Event {
	t.Helper()
	es, _, err := f.log.Read(t.Context(), changes.DefaultConnection, 0, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]changes.Event, len(es))
	for i, e := range es {
		out[i] = e.Event
	}
	return out
}

// With the sandbox dropping every delivery, a record created, then updated, then deleted still
// reaches the change log: each change as a reconciled one, found by the pass after it.
func TestReconcileFindsWhatWebhooksLost(t *testing.T) {
	t.Parallel()
	f := newFacade(t, sandbox.WithWebhookDelivery(sandbox.WebhookDelivery{Drop: 1}))
	if err := f.subscriber(t, "").Sync(t.Context()); err != nil {
		t.Fatal(err)
	}
	r := f.reconciler(t, 0)
	if st := f.pass(t, r); st.Records == 0 || len(f.logged(t)) != 0 {
		t.Fatalf("the first pass takes the snapshot only: %+v, %d logged", st, len(f.logged(t)))
	}
	rec, err := f.client.CreateRecord(t.Context(), "people", attio.Values{"name": {attio.PersonalNameInput{FirstName: "Lost", LastName: "Event"}}})
	if err != nil {
		t.Fatal(err)
	}
	id := rec.ID.RecordID
	f.pass(t, r)
	if _, err := f.client.UpdateRecord(t.Context(), "people", id, attio.Values{"job_title": {attio.TextInput{Value: "Ghost"}}}); err != nil {
		t.Fatal(err)
	}
	f.pass(t, r)
	if err := f.client.DeleteRecord(t.Context(), "people", id); err != nil {
		t.Fatal(err)
	}
	f.pass(t, r)
	if st := f.sb.Sandbox.WebhookStats(); st.Dropped < 3 || st.Delivered != 0 {
		t.Fatalf("the sandbox delivered: %+v", st)
	}
	got := f.logged(t)
	want := []string{"record.created", "record.updated", "record.deleted"}
	if len(got) != len(want) {
		t.Fatalf("logged %+v, want %v", got, want)
	}
	ids := map[string]bool{}
	for i, e := range got {
		if e.Type != want[i] || !e.Reconciled || e.IDs["record_id"] != id || e.IDs["object_id"] != rec.ID.ObjectID || e.IDs["workspace_id"] != sandbox.DefaultWorkspaceID || ids[e.ID] || e.ID == "" {
			t.Errorf("change %d: %+v, want a reconciled %s of %s with its own id", i, e, want[i], id)
		}
		ids[e.ID] = true
	}
	if st := f.pass(t, r); st.Created+st.Updated+st.Deleted != 0 {
		t.Errorf("a pass with nothing changed emitted: %+v", st)
	}
}

// A record a webhook reported since the last pass is told once more by the next pass, carrying
// the record it read (what a watcher fetched for the webhook's change depends on when it read it),
// and not again by the pass after.
func TestReconcileTellsWhatWebhooksReportedOnce(t *testing.T) {
	t.Parallel()
	f, r, _, _ := watchedPerson(t)
	if st := f.pass(t, r); st.Reported != 1 || st.Updated != 1 || st.Created+st.Deleted != 0 {
		t.Fatalf("stats %+v: want the created record told again as updated", st)
	}
	got := f.logged(t)
	if last := got[len(got)-1]; !last.Reconciled || last.Type != "record.updated" || len(last.Record) == 0 || last.IDs["record_id"] != got[0].IDs["record_id"] {
		t.Fatalf("logged %+v", got)
	}
	if st := f.pass(t, r); st.Created+st.Updated+st.Deleted+st.Reported != 0 {
		t.Errorf("the pass after told again: %+v", st)
	}
}

// The snapshot bound: a connection holding more records and list entries than MaxRecords is not
// reconciled, and the pass says so; at exactly the bound it is.
func TestReconcileMaxRecords(t *testing.T) {
	t.Parallel()
	f := newFacade(t)
	st := f.pass(t, f.reconciler(t, 0))
	if st.Entries == 0 {
		t.Fatalf("no list entry walked: %+v", st)
	}
	if _, err := f.reconciler(t, st.Records+st.Entries).Pass(t.Context()); err != nil {
		t.Fatalf("at the bound: %v", err)
	}
	if _, err := f.reconciler(t, st.Records+st.Entries-1).Pass(t.Context()); err == nil || !strings.Contains(err.Error(), "reconcile-max-records") {
		t.Fatalf("over the bound: %v", err)
	}
}

// The walk takes every record exactly once over more records than fit a page (a keyset over
// created_at), at the bulk priority of the shared budget (the lists' entry walks too).
func TestReconcileWalksAtBulkPriority(t *testing.T) {
	t.Parallel()
	f := newFacade(t)
	seeded := f.pass(t, f.reconciler(t, 0)).Records
	if err := f.sb.Sandbox.Generate(sandbox.DefaultConnectionID, "people", 1200, sandbox.GenerateOptions{}); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var prios []attio.Priority
	client, err := attio.New(attio.Config{APIKey: f.sb.APIKey(), BaseURL: f.sb.MatonBaseURL(), ControlURL: f.sb.ControlURL(),
		Observer: attio.ObserverFunc(func(_ context.Context, a attio.Attempt) {
			mu.Lock()
			prios = append(prios, a.Priority)
			mu.Unlock()
		})})
	if err != nil {
		t.Fatal(err)
	}
	r, err := changes.NewReconciler(changes.ReconcileOptions{Client: client, Log: f.log, Connections: defaultConn, Objects: []string{"people"}})
	if err != nil {
		t.Fatal(err)
	}
	st, err := r.Pass(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if st.Records != seeded+1200 || len(prios) < 3 {
		t.Fatalf("walked %d records in %d requests", st.Records, len(prios))
	}
	for _, p := range prios {
		if p != attio.PriorityBulk {
			t.Fatalf("a request at priority %s", p)
		}
	}
}
