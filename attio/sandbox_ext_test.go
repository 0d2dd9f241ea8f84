package attio_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/sandbox"
)

// sandboxClient serves a fresh sandbox and returns a client on its Maton
// data plane plus an endpoint recorder.
func sandboxClient(t *testing.T, sbOpts []sandbox.Option, mod ...func(*attio.Config)) (*attio.Client, *sandbox.Sandbox, *recorder) {
	t.Helper()
	sb := sandbox.New(sbOpts...)
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	rec := &recorder{}
	cfg := attio.Config{APIKey: sandbox.DefaultAPIKey, BaseURL: srv.URL + "/attio/v2", ControlURL: srv.URL,
		Observer: rec, BaseBackoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond}
	for _, m := range mod {
		m(&cfg)
	}
	c, err := attio.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c, sb, rec
}

func must[T any](t *testing.T, what string) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return v
	}
}

func collect[T any](t *testing.T, what string, seq func(func(T, error) bool)) []T {
	t.Helper()
	var out []T
	for v, err := range seq {
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		out = append(out, v)
	}
	return out
}

func textValue(s string) []attio.ValueInput { return []attio.ValueInput{attio.TextInput{Value: s}} }

// TestSandboxRoundTrip drives every endpoint through the client against the
// sandbox with both sides' limits off (budget behaviour is tested below).
func TestSandboxRoundTrip(t *testing.T) {
	t.Parallel()
	c, _, rec := sandboxClient(t, []sandbox.Option{sandbox.WithRateLimits(sandbox.Limits{})},
		func(cfg *attio.Config) { cfg.Limits = &attio.Limits{} })
	ctx := attio.WithConnection(ctxTimeout(t, 30*time.Second), sandbox.DefaultConnectionID)
	yes, no := true, false
	str := func(s string) *string { return &s }

	// control plane and self
	conns := must[[]attio.Connection](t, "ListConnections")(c.ListConnections(ctx, attio.ConnectionQuery{Status: "ACTIVE"}))
	if !slices.ContainsFunc(conns, func(x attio.Connection) bool { return x.ConnectionID == sandbox.DefaultConnectionID }) {
		t.Errorf("default connection missing from %+v", conns)
	}
	must[attio.Connection](t, "GetConnection")(c.GetConnection(ctx, sandbox.DefaultConnectionID))
	pending := must[attio.Connection](t, "CreateConnection")(c.CreateConnection(ctx))
	if pending.Status != "PENDING" || pending.URL == "" {
		t.Errorf("new connection %+v", pending)
	}
	if err := c.DeleteConnection(ctx, pending.ConnectionID); err != nil {
		t.Fatal(err)
	}
	self := must[attio.Self](t, "Self")(c.Self(ctx))
	if !self.Active || self.WorkspaceID != sandbox.DefaultWorkspaceID {
		t.Errorf("self %+v", self)
	}
	second := must[attio.Self](t, "Self second")(c.Self(attio.WithConnection(ctx, sandbox.SecondConnectionID)))
	if second.WorkspaceID != sandbox.SecondWorkspaceID {
		t.Errorf("Maton-Connection ignored: second workspace %s", second.WorkspaceID)
	}

	// members
	members := must[[]attio.WorkspaceMember](t, "ListWorkspaceMembers")(c.ListWorkspaceMembers(ctx))
	if !slices.ContainsFunc(members, func(m attio.WorkspaceMember) bool { return m.ID.WorkspaceMemberID == sandbox.DefaultMemberID }) {
		t.Errorf("default member missing")
	}
	must[attio.WorkspaceMember](t, "GetWorkspaceMember")(c.GetWorkspaceMember(ctx, sandbox.DefaultMemberID))

	// objects and attributes
	objs := must[[]attio.Object](t, "ListObjects")(c.ListObjects(ctx))
	if !slices.ContainsFunc(objs, func(o attio.Object) bool { return o.APISlug != nil && *o.APISlug == "people" }) {
		t.Errorf("people object missing")
	}
	must[attio.Object](t, "GetObject")(c.GetObject(ctx, "companies"))
	must[attio.Object](t, "CreateObject")(c.CreateObject(ctx, attio.ObjectInput{APISlug: "widgets", SingularNoun: "Widget", PluralNoun: "Widgets"}))
	if o := must[attio.Object](t, "UpdateObject")(c.UpdateObject(ctx, "widgets", attio.ObjectUpdate{PluralNoun: str("Gadgets")})); o.PluralNoun == nil || *o.PluralNoun != "Gadgets" {
		t.Errorf("update object %+v", o)
	}
	attrs := collect(t, "ListAttributes", c.ListAttributes(ctx, attio.TargetObjects, "people", attio.AttributeQuery{Limit: 3}))
	if !slices.ContainsFunc(attrs, func(a attio.Attribute) bool { return a.APISlug == "created_at" }) {
		t.Errorf("people lacks created_at among %d attributes", len(attrs))
	}
	must[attio.Attribute](t, "GetAttribute")(c.GetAttribute(ctx, attio.TargetObjects, "people", "name"))
	must[attio.Attribute](t, "CreateAttribute")(c.CreateAttribute(ctx, attio.TargetObjects, "widgets",
		attio.AttributeInput{Title: "Size", APISlug: "size", Type: "select"}))
	if a := must[attio.Attribute](t, "UpdateAttribute")(c.UpdateAttribute(ctx, attio.TargetObjects, "widgets", "size",
		attio.AttributeUpdate{Description: attio.SetTo("T-shirt size")})); a.Description == nil || *a.Description != "T-shirt size" {
		t.Errorf("update attribute %+v", a)
	}
	must[attio.SelectOption](t, "CreateSelectOption")(c.CreateSelectOption(ctx, attio.TargetObjects, "widgets", "size", "Large"))
	if o := must[attio.SelectOption](t, "UpdateSelectOption")(c.UpdateSelectOption(ctx, attio.TargetObjects, "widgets", "size", "Large",
		attio.SelectOptionUpdate{Title: str("XL")})); o.Title != "XL" {
		t.Errorf("update option %+v", o)
	}
	if opts := must[[]attio.SelectOption](t, "ListSelectOptions")(c.ListSelectOptions(ctx, attio.TargetObjects, "widgets", "size", true)); len(opts) != 1 {
		t.Errorf("options %+v", opts)
	}

	// lists, list attributes, statuses
	must[attio.List](t, "CreateList")(c.CreateList(ctx, attio.ListInput{Name: "Sales", APISlug: "sales", ParentObject: "companies", WorkspaceAccess: str("full-access")}))
	must[attio.List](t, "GetList")(c.GetList(ctx, "sales"))
	if l := must[attio.List](t, "UpdateList")(c.UpdateList(ctx, "sales", attio.ListUpdate{Name: str("Pipeline")})); l.Name != "Pipeline" {
		t.Errorf("update list %+v", l)
	}
	if ls := must[[]attio.List](t, "ListLists")(c.ListLists(ctx)); !slices.ContainsFunc(ls, func(l attio.List) bool { return l.APISlug == "sales" }) {
		t.Errorf("lists %+v", ls)
	}
	must[attio.Attribute](t, "CreateAttribute list")(c.CreateAttribute(ctx, attio.TargetLists, "sales",
		attio.AttributeInput{Title: "Stage", APISlug: "stage", Type: "status"}))
	must[attio.Status](t, "CreateStatus")(c.CreateStatus(ctx, attio.TargetLists, "sales", "stage", attio.StatusInput{Title: "Lead"}))
	must[attio.Status](t, "CreateStatus 2")(c.CreateStatus(ctx, attio.TargetLists, "sales", "stage", attio.StatusInput{Title: "Won", CelebrationEnabled: &yes}))
	if s := must[attio.Status](t, "UpdateStatus")(c.UpdateStatus(ctx, attio.TargetLists, "sales", "stage", "Won",
		attio.StatusUpdate{TargetTimeInStatus: attio.SetTo("P7D")})); s.TargetTimeInStatus == nil {
		t.Errorf("update status %+v", s)
	}
	if ss := must[[]attio.Status](t, "ListStatuses")(c.ListStatuses(ctx, attio.TargetLists, "sales", "stage", false)); len(ss) < 2 {
		t.Errorf("statuses %+v", ss)
	}

	// records
	acme := must[attio.Record](t, "CreateRecord")(c.CreateRecord(ctx, "companies", attio.Values{
		"name": textValue("Acme"), "domains": {attio.DomainInput{Domain: "acme.com"}}}))
	got := must[attio.Record](t, "GetRecord")(c.GetRecord(ctx, "companies", acme.ID.RecordID))
	if v := got.Values["name"]; len(v) != 1 || v[0].Text != "Acme" {
		t.Errorf("name %+v", v)
	}
	must[attio.Record](t, "UpdateRecord")(c.UpdateRecord(ctx, "companies", acme.ID.RecordID, attio.Values{"name": textValue("Acme Inc")}))
	must[attio.Record](t, "OverwriteRecord")(c.OverwriteRecord(ctx, "companies", acme.ID.RecordID, attio.Values{"name": textValue("Acme Corp")}))
	asserted := must[attio.Record](t, "AssertRecord")(c.AssertRecord(ctx, "companies", "domains", attio.Values{
		"domains": {attio.DomainInput{Domain: "acme.com"}}, "name": textValue("Acme Ltd")}))
	if asserted.ID.RecordID != acme.ID.RecordID {
		t.Errorf("assert created a new record %s instead of matching %s", asserted.ID.RecordID, acme.ID.RecordID)
	}
	hist := collect(t, "RecordValues", c.RecordValues(ctx, "companies", acme.ID.RecordID, "name", attio.ValuesQuery{ShowHistoric: true, Limit: 2}))
	if len(hist) < 2 {
		t.Errorf("name history has %d values", len(hist))
	}
	var people []string
	for i := range 5 {
		r := must[attio.Record](t, "CreateRecord person")(c.CreateRecord(ctx, "people", attio.Values{
			"name": {attio.PersonalNameInput{FirstName: "P", LastName: fmt.Sprint(i), FullName: fmt.Sprintf("P %d", i)}}}))
		people = append(people, r.ID.RecordID)
	}
	q := attio.Query{Sorts: []attio.Sort{{Direction: "asc", Attribute: "created_at"}, {Direction: "asc", Attribute: "record_id"}}, Limit: 2}
	var walked []string
	for r, err := range c.QueryRecords(ctx, "people", q) {
		if err != nil {
			t.Fatal(err)
		}
		walked = append(walked, r.ID.RecordID)
	}
	for _, id := range people {
		if !slices.Contains(walked, id) {
			t.Errorf("query pages missed %s", id)
		}
	}
	page := must[attio.Page[attio.Record]](t, "QueryRecordsPage")(c.QueryRecordsPage(ctx, "people", attio.Query{
		Filter: mustFilter(attio.FilterOf(&attiov1.Filter{Node: &attiov1.Filter_Condition{Condition: &attiov1.Condition{
			Attribute: "record_id", Op: attiov1.FilterOperator_FILTER_OPERATOR_EQ, Operand: &attiov1.Condition_StringValue{StringValue: people[0]}}}})),
		Limit: 10}))
	if len(page.Items) != 1 || page.More {
		t.Errorf("filtered page %d items, more %v", len(page.Items), page.More)
	}
	hits := must[[]attio.SearchResult](t, "SearchRecords")(c.SearchRecords(ctx, attio.SearchRequest{Query: "acme", Objects: []string{"companies"}}))
	if !slices.ContainsFunc(hits, func(h attio.SearchResult) bool { return h.ID.RecordID == acme.ID.RecordID }) {
		t.Logf("search for acme found %+v", hits) // search ranking is the sandbox's business
	}

	// entries
	entry := must[attio.Entry](t, "CreateEntry")(c.CreateEntry(ctx, "sales", attio.EntryInput{ParentRecordID: acme.ID.RecordID, ParentObject: "companies",
		EntryValues: attio.Values{"stage": {attio.StatusValueInput{Title: "Lead"}}}}))
	must[attio.Entry](t, "GetEntry")(c.GetEntry(ctx, "sales", entry.ID.EntryID))
	must[attio.Entry](t, "UpdateEntry")(c.UpdateEntry(ctx, "sales", entry.ID.EntryID, attio.Values{"stage": {attio.StatusValueInput{Title: "Won"}}}))
	if e := must[attio.Entry](t, "OverwriteEntry")(c.OverwriteEntry(ctx, "sales", entry.ID.EntryID, attio.Values{"stage": {attio.StatusValueInput{Title: "Lead"}}})); len(e.EntryValues["stage"]) != 1 ||
		e.EntryValues["stage"][0].Status == nil || e.EntryValues["stage"][0].Status.Title != "Lead" {
		t.Errorf("stage after overwrite %+v", e.EntryValues["stage"])
	}
	if e := must[attio.Entry](t, "AssertEntry")(c.AssertEntry(ctx, "sales", attio.EntryInput{ParentRecordID: acme.ID.RecordID, ParentObject: "companies",
		EntryValues: attio.Values{"stage": {attio.StatusValueInput{Title: "Won"}}}})); e.ID.EntryID != entry.ID.EntryID {
		t.Errorf("assert entry made %s, want %s", e.ID.EntryID, entry.ID.EntryID)
	}
	if es := collect(t, "QueryEntries", c.QueryEntries(ctx, "sales", attio.Query{Limit: 1})); len(es) != 1 {
		t.Errorf("entries %d", len(es))
	}
	if vs := collect(t, "EntryValues", c.EntryValues(ctx, "sales", entry.ID.EntryID, "stage", attio.ValuesQuery{ShowHistoric: true})); len(vs) < 2 {
		t.Errorf("stage history %d", len(vs))
	}
	if re := collect(t, "RecordEntries", c.RecordEntries(ctx, "companies", acme.ID.RecordID, attio.PageQuery{})); len(re) != 1 || re[0].EntryID != entry.ID.EntryID {
		t.Errorf("record entries %+v", re)
	}

	// notes, tasks, comments, threads
	note := must[attio.Note](t, "CreateNote")(c.CreateNote(ctx, attio.NoteInput{ParentObject: "companies", ParentRecordID: acme.ID.RecordID, Title: "Call", Content: "hello"}))
	must[attio.Note](t, "GetNote")(c.GetNote(ctx, note.ID.NoteID))
	if ns := collect(t, "ListNotes", c.ListNotes(ctx, attio.NoteQuery{ParentObject: "companies", ParentRecordID: acme.ID.RecordID})); len(ns) != 1 {
		t.Errorf("notes %d", len(ns))
	}
	task := must[attio.Task](t, "CreateTask")(c.CreateTask(ctx, attio.TaskInput{Content: "Follow up",
		LinkedRecords: []attio.RecordReferenceInput{{TargetObject: "companies", TargetRecordID: acme.ID.RecordID}},
		Assignees:     []attio.TaskAssigneeInput{{ReferencedActorType: "workspace-member", ReferencedActorID: sandbox.DefaultMemberID}}}))
	must[attio.Task](t, "GetTask")(c.GetTask(ctx, task.ID.TaskID))
	if tk := must[attio.Task](t, "UpdateTask")(c.UpdateTask(ctx, task.ID.TaskID, attio.TaskUpdate{IsCompleted: &yes})); !tk.IsCompleted {
		t.Errorf("task not completed")
	}
	if ts := collect(t, "ListTasks", c.ListTasks(ctx, attio.TaskQuery{IsCompleted: &yes})); len(ts) != 1 {
		t.Errorf("completed tasks %d", len(ts))
	}
	if ts := collect(t, "ListTasks", c.ListTasks(ctx, attio.TaskQuery{IsCompleted: &no})); len(ts) != 0 {
		t.Errorf("open tasks %d", len(ts))
	}
	unassigned := must[attio.Task](t, "CreateTask")(c.CreateTask(ctx, attio.TaskInput{Content: "Nobody's"}))
	if ts := collect(t, "ListTasks", c.ListTasks(ctx, attio.TaskQuery{Unassigned: true})); len(ts) != 1 || ts[0].ID.TaskID != unassigned.ID.TaskID {
		t.Errorf("unassigned tasks %+v, want only %s", ts, unassigned.ID.TaskID)
	}
	cm := must[attio.Comment](t, "CreateComment")(c.CreateComment(ctx, attio.CommentInput{Content: "nice", Author: attio.CommentAuthor{ID: sandbox.DefaultMemberID},
		Record: &attio.CommentRecordInput{Object: "companies", RecordID: acme.ID.RecordID}}))
	must[attio.Comment](t, "GetComment")(c.GetComment(ctx, cm.ID.CommentID))
	threads := collect(t, "ListThreads", c.ListThreads(ctx, attio.ThreadQuery{Object: "companies", RecordID: acme.ID.RecordID}))
	if len(threads) != 1 {
		t.Fatalf("threads %d", len(threads))
	}
	must[attio.Thread](t, "GetThread")(c.GetThread(ctx, threads[0].ID.ThreadID))

	// meetings and recordings (read-only upstream: walk what the seed has)
	meetings := collect(t, "ListMeetings", c.ListMeetings(ctx, attio.MeetingQuery{Limit: 1}))
	if len(meetings) == 0 {
		if _, err := c.GetMeeting(ctx, uuidA); !attio.IsNotFound(err) {
			t.Errorf("GetMeeting unknown: %v", err)
		}
		if _, err := c.ListCallRecordingsPage(ctx, uuidA, attio.CursorQuery{}); err != nil && !attio.IsNotFound(err) {
			t.Errorf("ListCallRecordings unknown: %v", err)
		}
		if _, err := c.GetCallRecording(ctx, uuidA, uuidC); !attio.IsNotFound(err) {
			t.Errorf("GetCallRecording unknown: %v", err)
		}
		if _, err := c.GetTranscriptPage(ctx, uuidA, uuidC, ""); !attio.IsNotFound(err) {
			t.Errorf("GetTranscript unknown: %v", err)
		}
	}
	for _, m := range meetings {
		must[attio.Meeting](t, "GetMeeting")(c.GetMeeting(ctx, m.ID.MeetingID))
		for _, cr := range collect(t, "ListCallRecordings", c.ListCallRecordings(ctx, m.ID.MeetingID, attio.CursorQuery{Limit: 1})) {
			must[attio.CallRecording](t, "GetCallRecording")(c.GetCallRecording(ctx, m.ID.MeetingID, cr.ID.CallRecordingID))
			collect(t, "TranscriptSegments", c.TranscriptSegments(ctx, m.ID.MeetingID, cr.ID.CallRecordingID, ""))
		}
	}

	// webhooks
	wh := must[attio.Webhook](t, "CreateWebhook")(c.CreateWebhook(ctx, attio.WebhookInput{TargetURL: "https://example.com/hook",
		Subscriptions: []attio.WebhookSubscriptionInput{{EventType: "record.created"}}}))
	if wh.Secret == "" {
		t.Errorf("created webhook has no secret")
	}
	must[attio.Webhook](t, "GetWebhook")(c.GetWebhook(ctx, wh.ID.WebhookID))
	must[attio.Webhook](t, "UpdateWebhook")(c.UpdateWebhook(ctx, wh.ID.WebhookID, attio.WebhookUpdate{TargetURL: str("https://example.com/other")}))
	if whs := collect(t, "ListWebhooks", c.ListWebhooks(ctx, attio.PageQuery{})); len(whs) != 1 {
		t.Errorf("webhooks %d", len(whs))
	}

	// deletes
	for name, err := range map[string]error{
		"DeleteWebhook": c.DeleteWebhook(ctx, wh.ID.WebhookID),
		"DeleteComment": c.DeleteComment(ctx, cm.ID.CommentID),
		"DeleteTask":    c.DeleteTask(ctx, task.ID.TaskID),
		"DeleteNote":    c.DeleteNote(ctx, note.ID.NoteID),
		"DeleteEntry":   c.DeleteEntry(ctx, "sales", entry.ID.EntryID),
	} {
		if err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if err := c.DeleteRecord(ctx, "companies", acme.ID.RecordID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetRecord(ctx, "companies", acme.ID.RecordID); !attio.IsNotFound(err) {
		t.Errorf("deleted record: %v", err)
	}

	// every data-plane operation and the four control-plane ones were used
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if n := len(rec.seen); n != 63+4 {
		var names []string
		for k := range rec.seen {
			names = append(names, k)
		}
		slices.Sort(names)
		t.Errorf("used %d distinct endpoints, want 67: %v", n, names)
	}
}

// TestSandboxErrors checks the gateway's own errors and retried failures.
func TestSandboxErrors(t *testing.T) {
	t.Parallel()
	c, sb, _ := sandboxClient(t, []sandbox.Option{sandbox.WithRateLimits(sandbox.Limits{})},
		func(cfg *attio.Config) { cfg.Limits = &attio.Limits{} })
	ctx := ctxTimeout(t, 20*time.Second)

	sb.FailNext(sandbox.Failure{Method: "GET", Route: "/v2/objects", Status: 429, Maton: true})
	sb.FailNext(sandbox.Failure{Method: "GET", Route: "/v2/objects", Status: 503})
	if _, err := c.ListObjects(ctx); err != nil {
		t.Errorf("429 then 503 should be retried: %v", err)
	}
	sb.FailNext(sandbox.Failure{Method: "POST", Route: "/v2/objects/{object}/records", Status: 500})
	if _, err := c.CreateRecord(ctx, "people", nil); err == nil {
		t.Errorf("a create answered 500 must not be retried")
	}

	if _, err := c.Self(attio.WithConnection(ctx, "00000000-0000-4000-8000-000000000000")); !attio.IsNoConnection(err) {
		t.Errorf("unknown connection: %v", err)
	}
	if err := sb.ExpireConnection(sandbox.SecondConnectionID); err != nil {
		t.Fatal(err)
	}
	_, err := c.Self(attio.WithConnection(ctx, sandbox.SecondConnectionID))
	var e *attio.Error
	if !errors.As(err, &e) || e.Source != attio.SourceMaton || e.StatusCode != 500 || !attio.IsUnauthorized(err) {
		t.Errorf("expired connection: %#v", err)
	}
	if _, err := c.GetRecord(ctx, "people", uuidA); !attio.IsNotFound(err) || !errors.As(err, &e) || e.Source != attio.SourceAttio || e.ExecutionID == "" {
		t.Errorf("missing record: %#v", err)
	}

	bad, _, _ := sandboxClient(t, nil, func(cfg *attio.Config) { cfg.APIKey = "wrong-key" })
	if _, err := bad.ListObjects(ctx); !attio.IsUnauthorized(err) || !errors.As(err, &e) || e.Source != attio.SourceMaton {
		t.Errorf("bad key: %#v", err)
	}
}

// TestSandboxBudgetNoRateLimits: with the real default limits on both sides,
// a burst of concurrent reads and writes never earns a 429.
func TestSandboxBudgetNoRateLimits(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	statuses := map[int]int{}
	obs := attio.ObserverFunc(func(_ context.Context, a attio.Attempt) {
		mu.Lock()
		statuses[a.StatusCode]++
		mu.Unlock()
	})
	c, _, _ := sandboxClient(t, nil, func(cfg *attio.Config) { cfg.Observer = obs })
	ctx := ctxTimeout(t, 30*time.Second)
	var wg sync.WaitGroup
	var failed atomic.Int32
	for i := range 25 {
		wg.Go(func() {
			var err error
			if i%3 == 0 {
				_, err = c.CreateRecord(ctx, "people", attio.Values{"name": {attio.PersonalNameInput{FirstName: "B", LastName: fmt.Sprint(i), FullName: "B"}}})
			} else {
				_, err = c.ListObjects(attio.WithPriority(ctx, attio.PriorityBulk))
			}
			if err != nil {
				failed.Add(1)
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if statuses[http.StatusTooManyRequests] > 0 {
		t.Errorf("the sandbox answered %d × 429 although the client kept to the budget", statuses[429])
	}
	if statuses[200] != 25 {
		t.Errorf("statuses %v", statuses)
	}
}
