package changes_test

import (
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/attio-facade/attio-facade/attio"
	"github.com/attio-facade/attio-facade/changes"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/internal/testkit"
	"github.com/attio-facade/attio-facade/sandbox"
)

// watcher applies the change log's changes of one kind ("record" or "list-entry") in order, as a
// WatchRecords (WatchEntries) caller does: a webhook's created or updated change brings the record
// (entry) as fetched when the watcher reads it, a reconciled one what it carries, a delete removes
// it.
type watcher[M proto.Message] struct {
	kind    string
	fetch   func(t *testing.T, id string) M
	pos     uint64
	records map[string]M
	last    changes.Event
}

func recordWatcher(f *facade) *watcher[*attiov1.Record] {
	return &watcher[*attiov1.Record]{kind: "record", records: map[string]*attiov1.Record{}, fetch: func(t *testing.T, id string) *attiov1.Record {
		r, err := f.client.GetRecordMessage(t.Context(), "people", id)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}}
}

func (w *watcher[M]) catchUp(t *testing.T, f *facade) {
	t.Helper()
	es, _, err := f.log.Read(t.Context(), changes.DefaultConnection, w.pos, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	idKey := map[string]string{"record": "record_id", "list-entry": "entry_id"}[w.kind]
	for _, e := range es {
		w.pos = e.Pos
		id := e.Event.IDs[idKey]
		if !strings.HasPrefix(e.Event.Type, w.kind+".") || id == "" {
			continue
		}
		w.last = e.Event
		switch {
		case e.Event.Type == w.kind+".deleted":
			delete(w.records, id)
		case len(e.Event.Record) > 0:
			var zero M
			m := zero.ProtoReflect().New().Interface().(M)
			if err := proto.Unmarshal(e.Event.Record, m); err != nil {
				t.Fatal(err)
			}
			w.records[id] = m
		default:
			w.records[id] = w.fetch(t, id)
		}
	}
}

// holdsCurrent fails unless the watcher holds the sandbox's current record id.
func (w *watcher[M]) holdsCurrent(t *testing.T, f *facade, id, when string) {
	t.Helper()
	cur, err := f.client.GetRecordMessage(t.Context(), "people", id)
	if err != nil {
		t.Fatal(err)
	}
	if got := any(w.records[id]).(*attiov1.Record); !proto.Equal(got.GetValues()["job_title"], cur.GetValues()["job_title"]) {
		t.Fatalf("%s: the watcher holds job_title %v, the sandbox %v", when, got.GetValues()["job_title"], cur.GetValues()["job_title"])
	}
}

// dropped makes one write with every delivery dropped and waits until the sandbox dropped it.
func dropped(t *testing.T, f *facade, write func()) {
	t.Helper()
	before := f.sb.Sandbox.WebhookStats().Dropped
	f.sb.Sandbox.SetWebhookDelivery(sandbox.WebhookDelivery{Drop: 1})
	write()
	testkit.Until(t, "the write's delivery dropped", func() bool { return f.sb.Sandbox.WebhookStats().Dropped > before })
	f.sb.Sandbox.SetWebhookDelivery(sandbox.WebhookDelivery{})
}

// watchedPerson subscribes the facade, takes the reconciler's snapshot, then creates a person
// (job_title v1) whose created change a watcher reads.
func watchedPerson(t *testing.T) (*facade, *changes.Reconciler, *watcher[*attiov1.Record], string) {
	t.Helper()
	f := newFacade(t)
	if err := f.subscriber(t, "").Sync(t.Context()); err != nil {
		t.Fatal(err)
	}
	r := f.reconciler(t, 0)
	f.pass(t, r)
	rec, err := f.client.CreateRecord(t.Context(), "people", attio.Values{"job_title": {attio.TextInput{Value: "v1"}}})
	if err != nil {
		t.Fatal(err)
	}
	w := recordWatcher(f)
	testkit.Until(t, "the created record reaches the watcher", func() bool { w.catchUp(t, f); return w.records[rec.ID.RecordID] != nil })
	return f, r, w, rec.ID.RecordID
}

// The known gap, closed: a record's webhook event is read (and the record fetched) before a later
// write whose delivery is dropped. The next pass must tell the watcher the current state, although
// a webhook named the record since the last pass; the pass after it has nothing left to tell.
func TestReconcileRepairsAStateFetchedBeforeADroppedWrite(t *testing.T) {
	t.Parallel()
	f, r, w, id := watchedPerson(t)
	update := func(v string) func() {
		return func() {
			if _, err := f.client.UpdateRecord(t.Context(), "people", id, attio.Values{"job_title": {attio.TextInput{Value: v}}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	dropped(t, f, update("v2"))
	f.pass(t, r)
	w.catchUp(t, f)
	w.holdsCurrent(t, f, id, "after the pass that follows a dropped update")

	last := w.last
	if !last.Reconciled || last.Type != "record.updated" || len(last.Record) == 0 {
		t.Fatalf("the repair %+v: want a reconciled record.updated carrying the record", last)
	}
	if st := f.pass(t, r); st.Created+st.Updated+st.Deleted != 0 {
		t.Errorf("a pass with nothing changed since the last emitted: %+v", st)
	}
}

// A record created (its webhook read by the watcher) and deleted (its delivery dropped) between two
// passes is in neither walk: the pass still tells the delete, since the log told watchers of it.
func TestReconcileRepairsADroppedDeleteOfARecordNewSinceThePass(t *testing.T) {
	t.Parallel()
	f, r, w, id := watchedPerson(t)
	dropped(t, f, func() {
		if err := f.client.DeleteRecord(t.Context(), "people", id); err != nil {
			t.Fatal(err)
		}
	})
	if st := f.pass(t, r); st.Deleted != 1 {
		t.Errorf("stats %+v: want one delete", st)
	}
	w.catchUp(t, f)
	if w.records[id] != nil {
		t.Fatalf("the watcher still holds %s", id)
	}
}
