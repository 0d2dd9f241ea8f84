package server_test

import (
	"context"
	"sync"
	"testing"

	"connectrpc.com/connect/v2"
	"google.golang.org/genproto/googleapis/rpc/errdetails"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/server"
)

// Signed deliveries reach a watcher of the object as typed changes, over every protocol: the kind,
// the ids, the actor, the stable change id, the current record for updates (deleted ones have
// none), the merged-away record for merges; another object's changes are not sent.
func TestWatchRecordsTypedChanges(t *testing.T) {
	t.Parallel()
	for _, p := range protocols {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			w := newWatchHarness(t, watchConfig{})
			people, companies := w.records(t, "people", 3), w.records(t, "companies", 1)
			s, _ := watching(t, w.changes(p), &attiov1.WatchRecordsRequest{Object: "people"})
			w.deliver(t,
				recordEvent("record.updated", people[0], "attribute_id", "attr-1"),
				recordEvent("record.created", companies[0]),
				recordEvent("record.deleted", people[1]),
			)
			w.deliver(t, recordEvent("record.merged", people[2], "duplicate_object_id", people[1].ID.ObjectID, "duplicate_record_id", "dup-1"))

			up := nextChange(t, s)
			if up.GetKind() != attiov1.ChangeKind_CHANGE_KIND_UPDATED || up.GetId().GetRecordId() != people[0].ID.RecordID ||
				up.GetId().GetObjectId() != people[0].ID.ObjectID || up.GetAttributeId() != "attr-1" ||
				up.GetActor().GetType() != attiov1.ActorType_ACTOR_TYPE_WORKSPACE_MEMBER || up.GetActor().GetId() != "613a17f3-7004-4254-b4cd-489c9e8e8b89" ||
				len(up.GetChangeId()) != 32 || up.GetTime() == nil || up.GetChangeToken() == "" {
				t.Fatalf("update: %v", up)
			}
			if up.GetRecord().GetId().GetRecordId() != people[0].ID.RecordID || len(up.GetRecord().GetValues()) == 0 {
				t.Fatalf("update carries record %v, want the typed record", up.GetRecord())
			}
			del := nextChange(t, s)
			if del.GetKind() != attiov1.ChangeKind_CHANGE_KIND_DELETED || del.GetId().GetRecordId() != people[1].ID.RecordID || del.GetRecord() != nil {
				t.Fatalf("delete (the company's create skipped): %v", del)
			}
			merged := nextChange(t, s)
			if merged.GetKind() != attiov1.ChangeKind_CHANGE_KIND_MERGED || merged.GetMergedId().GetRecordId() != "dup-1" ||
				merged.GetRecord().GetId().GetRecordId() != people[2].ID.RecordID {
				t.Fatalf("merge: %v", merged)
			}
			if up.GetChangeId() == del.GetChangeId() || del.GetChangeToken() == up.GetChangeToken() {
				t.Fatal("two changes share an id or a token")
			}
		})
	}
}

// Resuming from a change's token delivers every later change, in order, and none from before;
// from the first heartbeat's token, all of them.
func TestWatchRecordsResumes(t *testing.T) {
	t.Parallel()
	w := newWatchHarness(t, watchConfig{})
	people := w.records(t, "people", 4)
	c := w.changes(protocols[0])
	s, start := watching(t, c, &attiov1.WatchRecordsRequest{Object: "people"})
	for _, r := range people {
		w.deliver(t, recordEvent("record.updated", r))
	}
	var got []*attiov1.RecordChange
	for range people {
		got = append(got, nextChange(t, s))
	}
	for i, from := range []string{start, got[0].GetChangeToken(), got[2].GetChangeToken()} {
		want := got[[]int{0, 1, 3}[i]:]
		r, _ := watching(t, c, &attiov1.WatchRecordsRequest{Object: "people", ResumeToken: from})
		for _, wc := range want {
			if rc := nextChange(t, r); rc.GetChangeId() != wc.GetChangeId() || rc.GetChangeToken() != wc.GetChangeToken() {
				t.Fatalf("resume %d: got change %s, want %s", i, rc.GetChangeId(), wc.GetChangeId())
			}
		}
	}
}

// An idle watch gets heartbeats carrying the current token: past changes it was not sent (another
// object's), so resuming from it skips them.
func TestWatchRecordsHeartbeatCarriesCurrentToken(t *testing.T) {
	t.Parallel()
	w := newWatchHarness(t, watchConfig{heartbeat: 20e6})
	companies := w.records(t, "companies", 1)
	c := w.changes(protocols[0])
	s, start := watching(t, c, &attiov1.WatchRecordsRequest{Object: "people"})
	w.deliver(t, recordEvent("record.updated", companies[0]))
	var token string
	for token == "" || token == start {
		m, err := s.Receive()
		if err != nil {
			t.Fatal(err)
		}
		if m.GetChange() != nil {
			t.Fatalf("another object's change was sent: %v", m)
		}
		token = m.GetHeartbeat().GetChangeToken()
	}
	cs, _ := watching(t, c, &attiov1.WatchRecordsRequest{Object: "companies", ResumeToken: start})
	if ch := nextChange(t, cs); ch.GetChangeToken() != token {
		t.Fatalf("the heartbeat's token %s is not the skipped change's %s", token, ch.GetChangeToken())
	}
}

// Concurrent watchers share one fetch per change; later watchers find it among the last
// FetchCache fetched, and the bound holds: a watcher that starts over refetches what was evicted.
func TestWatchRecordsFetchOncePerChange(t *testing.T) {
	t.Parallel()
	const watchers, events, cache = 5, 10, 4
	w := newWatchHarness(t, watchConfig{fetchCache: cache})
	w.generate(t, "deals", events)
	deals := w.records(t, "deals", events)
	c := w.changes(protocols[0])
	var streams []func() *attiov1.RecordChange
	var start string
	for range watchers {
		s, tok := watching(t, c, &attiov1.WatchRecordsRequest{Object: "deals"})
		streams, start = append(streams, func() *attiov1.RecordChange { return nextChange(t, s) }), tok
	}
	for _, d := range deals {
		w.deliver(t, recordEvent("record.updated", d))
	}
	tokens := make([]string, events)
	var wg sync.WaitGroup
	for k, next := range streams {
		wg.Go(func() {
			for i := range events {
				ch := next()
				if ch.GetRecord().GetId().GetRecordId() != deals[i].ID.RecordID {
					t.Errorf("change %d: record %v", i, ch.GetRecord().GetId())
				}
				if k == 0 {
					tokens[i] = ch.GetChangeToken()
				}
			}
		})
	}
	wg.Wait()
	if st := w.svc.Stats(); st.Fetches != events || st.Cached != cache {
		t.Fatalf("%d watchers of %d changes: %+v, want %d fetches and %d kept", watchers, events, st, events, cache)
	}
	// The last cache changes are kept: a watcher of them fetches nothing.
	s, _ := watching(t, c, &attiov1.WatchRecordsRequest{Object: "deals", ResumeToken: tokens[events-cache-1]})
	for range cache {
		nextChange(t, s)
	}
	if st := w.svc.Stats(); st.Fetches != events {
		t.Fatalf("a watcher of the %d kept changes: %+v, want no new fetch", cache, st)
	}
	// The older ones were evicted: a watcher from the start fetches them again, within the bound.
	s, _ = watching(t, c, &attiov1.WatchRecordsRequest{Object: "deals", ResumeToken: start})
	for range events {
		nextChange(t, s)
	}
	if st := w.svc.Stats(); st.Fetches <= events || st.Cached != cache {
		t.Fatalf("a watcher from the start again: %+v, want the evicted ones fetched again and %d kept", st, cache)
	}
}

// A watcher whose token the log no longer holds gets FailedPrecondition with the reason and the
// current token; watching from that token works.
func TestWatchRecordsFallenBehind(t *testing.T) {
	t.Parallel()
	w := newWatchHarness(t, watchConfig{logSize: 5})
	people := w.records(t, "people", 3)
	c := w.changes(protocols[0])
	_, start := watching(t, c, &attiov1.WatchRecordsRequest{Object: "people"})
	for range 2 {
		w.deliver(t, recordEvent("record.updated", people[0]), recordEvent("record.updated", people[1]), recordEvent("record.updated", people[2]))
	}
	err := watchErr(t, caller("sandbox-reader"), c, &attiov1.WatchRecordsRequest{Object: "people", ResumeToken: start})
	if connect.CodeOf(err) != connect.CodeFailedPrecondition {
		t.Fatalf("6 changes after the token with 5 kept: %v, want FailedPrecondition", err)
	}
	infos := errorDetails[*errdetails.ErrorInfo](t, err)
	if len(infos) != 1 || infos[0].GetReason() != server.ReasonChangeTokenExpired || infos[0].GetMetadata()[server.ChangeTokenKey] == "" {
		t.Fatalf("ErrorInfo %v", infos)
	}
	now := infos[0].GetMetadata()[server.ChangeTokenKey]
	if _, tok := watching(t, c, &attiov1.WatchRecordsRequest{Object: "people", ResumeToken: now}); tok != now {
		t.Fatalf("watch from the error's token starts at %s, want %s", tok, now)
	}
}

// Bad requests: a token that is not one, one of another connection, an unknown object, a filter
// the facade cannot evaluate on a record.
func TestWatchRecordsRefusals(t *testing.T) {
	t.Parallel()
	w := newWatchHarness(t, watchConfig{})
	c := w.changes(protocols[0])
	_, token := watching(t, c, &attiov1.WatchRecordsRequest{Object: "people"})
	other := caller("sandbox-reader")
	if info, ok := connect.CallInfoForClientContext(other); ok {
		info.RequestHeader().Set(server.ConnectionHeader, "b3e00889-6e51-426a-95b9-21871b700053")
	}
	cases := []struct {
		name string
		ctx  context.Context
		req  *attiov1.WatchRecordsRequest
		want connect.Code
	}{
		{"garbage token", caller("sandbox-reader"), &attiov1.WatchRecordsRequest{Object: "people", ResumeToken: "not-a-token"}, connect.CodeInvalidArgument},
		{"another connection's token", other, &attiov1.WatchRecordsRequest{Object: "people", ResumeToken: token}, connect.CodeInvalidArgument},
		{"unknown object", caller("sandbox-reader"), &attiov1.WatchRecordsRequest{Object: "nosuchobject"}, connect.CodeNotFound},
		{"raw filter", caller("sandbox-reader"), &attiov1.WatchRecordsRequest{Object: "people", Filter: &attiov1.Filter{Node: &attiov1.Filter_RawJson{RawJson: `{"name":"x"}`}}}, connect.CodeInvalidArgument},
		{"no caller", context.Background(), &attiov1.WatchRecordsRequest{Object: "people"}, connect.CodeUnauthenticated},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if err := watchErr(t, tc.ctx, c, tc.req); connect.CodeOf(err) != tc.want {
				t.Fatalf("%v, want %v", err, tc.want)
			}
		})
	}
}

// A filter is applied to the record after the change: changes of records that do not match are
// not sent; deletes always are.
func TestWatchRecordsFilter(t *testing.T) {
	t.Parallel()
	w := newWatchHarness(t, watchConfig{})
	people := w.records(t, "people", 2)
	full := people[0].Values["name"][0].FullName
	if full == "" || full == people[1].Values["name"][0].FullName {
		t.Fatalf("seeded people without distinct full names: %q", full)
	}
	f := &attiov1.Filter{Node: &attiov1.Filter_Condition{Condition: &attiov1.Condition{
		Attribute: "name", Field: "full_name", Op: attiov1.FilterOperator_FILTER_OPERATOR_EQ,
		Operand: &attiov1.Condition_StringValue{StringValue: full},
	}}}
	s, _ := watching(t, w.changes(protocols[0]), &attiov1.WatchRecordsRequest{Object: "people", Filter: f})
	w.deliver(t, recordEvent("record.updated", people[1]), recordEvent("record.updated", people[0]), recordEvent("record.deleted", people[1]))
	if ch := nextChange(t, s); ch.GetId().GetRecordId() != people[0].ID.RecordID || ch.GetKind() != attiov1.ChangeKind_CHANGE_KIND_UPDATED {
		t.Fatalf("first change %v, want the matching record's update", ch)
	}
	if ch := nextChange(t, s); ch.GetId().GetRecordId() != people[1].ID.RecordID || ch.GetKind() != attiov1.ChangeKind_CHANGE_KIND_DELETED {
		t.Fatalf("second change %v, want the other record's delete", ch)
	}
}

// WatchEntries streams a list's entry changes with the typed entry.
func TestWatchEntries(t *testing.T) {
	t.Parallel()
	w := newWatchHarness(t, watchConfig{})
	var entry *attiov1.Entry
	list, err := w.client.GetList(t.Context(), "sales_pipeline")
	if err != nil {
		t.Fatal(err)
	}
	for e, err := range w.client.QueryEntries(t.Context(), "sales_pipeline", attio.Query{Limit: 1}) {
		if err != nil {
			t.Fatal(err)
		}
		entry = &attiov1.Entry{Id: &attiov1.EntryId{WorkspaceId: e.ID.WorkspaceID, ListId: e.ID.ListID, EntryId: e.ID.EntryID}, ParentRecordId: e.ParentRecordID}
		break
	}
	s := watchingEntries(t, w.changes(protocols[0]), "sales_pipeline")
	ids := map[string]any{"workspace_id": entry.GetId().GetWorkspaceId(), "list_id": list.ID.ListID, "entry_id": entry.GetId().GetEntryId()}
	w.deliver(t,
		map[string]any{"event_type": "list-entry.updated", "id": ids, "parent_record_id": entry.GetParentRecordId(), "parent_object_id": "obj", "actor": map[string]any{"type": "system", "id": nil}},
		map[string]any{"event_type": "list-entry.deleted", "id": ids, "parent_record_id": entry.GetParentRecordId()},
	)
	var got []*attiov1.EntryChange
	for len(got) < 2 {
		m, err := s.Receive()
		if err != nil {
			t.Fatal(err)
		}
		if c := m.GetChange(); c != nil {
			got = append(got, c)
		}
	}
	if got[0].GetKind() != attiov1.ChangeKind_CHANGE_KIND_UPDATED || got[0].GetEntry().GetId().GetEntryId() != entry.GetId().GetEntryId() ||
		got[0].GetParentRecordId() != entry.GetParentRecordId() || got[0].GetParentObjectId() != "obj" || got[0].GetActor().GetType() != attiov1.ActorType_ACTOR_TYPE_SYSTEM {
		t.Fatalf("update: %v", got[0])
	}
	if got[1].GetKind() != attiov1.ChangeKind_CHANGE_KIND_DELETED || got[1].GetEntry() != nil {
		t.Fatalf("delete: %v", got[1])
	}
}
