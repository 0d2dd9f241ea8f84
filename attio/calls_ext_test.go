package attio_test

import (
	"context"
	"time"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
)

// apiCall is one public method invoked with plausible arguments.
type apiCall struct {
	name string
	fn   func(ctx context.Context, c *attio.Client) error
}

const (
	uuidA = "891dcbfc-9141-415d-9b2a-2238a6cc012d"
	uuidB = "2e6e29ea-c4e0-4f44-842d-78a891f8c156"
	uuidC = "e8f2a3b7-9b4d-4c5e-8a1f-3d7b2c5e8f9a"
)

func firstErr[T any](seq func(func(T, error) bool)) error {
	for _, err := range seq {
		if err != nil {
			return err
		}
		break
	}
	return nil
}

// allDataPlaneCalls exercises every Attio endpoint once (IDs are fixed
// UUIDs; the stub answering them does not care).
func allDataPlaneCalls() []apiCall {
	str := func(s string) *string { return &s }
	yes := true
	return []apiCall{
		{"ListObjects", func(ctx context.Context, c *attio.Client) error { _, err := c.ListObjects(ctx); return err }},
		{"CreateObject", func(ctx context.Context, c *attio.Client) error {
			_, err := c.CreateObject(ctx, attio.ObjectInput{APISlug: "widgets", SingularNoun: "Widget", PluralNoun: "Widgets"})
			return err
		}},
		{"GetObject", func(ctx context.Context, c *attio.Client) error { _, err := c.GetObject(ctx, "people"); return err }},
		{"UpdateObject", func(ctx context.Context, c *attio.Client) error {
			_, err := c.UpdateObject(ctx, "widgets", attio.ObjectUpdate{PluralNoun: str("Gadgets")})
			return err
		}},
		{"ListAttributesPage", func(ctx context.Context, c *attio.Client) error {
			_, err := c.ListAttributesPage(ctx, attio.TargetObjects, "people", attio.AttributeQuery{ShowArchived: true, Offset: 5})
			return err
		}},
		{"CreateAttribute", func(ctx context.Context, c *attio.Client) error {
			_, err := c.CreateAttribute(ctx, attio.TargetLists, "sales", attio.AttributeInput{Title: "Stage", APISlug: "stage", Type: "status"})
			return err
		}},
		{"GetAttribute", func(ctx context.Context, c *attio.Client) error {
			_, err := c.GetAttribute(ctx, attio.TargetObjects, "people", "name")
			return err
		}},
		{"UpdateAttribute", func(ctx context.Context, c *attio.Client) error {
			_, err := c.UpdateAttribute(ctx, attio.TargetObjects, "people", "nickname", attio.AttributeUpdate{Description: attio.SetNull[string](), IsArchived: &yes})
			return err
		}},
		{"ListSelectOptions", func(ctx context.Context, c *attio.Client) error {
			_, err := c.ListSelectOptions(ctx, attio.TargetObjects, "companies", "categories", true)
			return err
		}},
		{"CreateSelectOption", func(ctx context.Context, c *attio.Client) error {
			_, err := c.CreateSelectOption(ctx, attio.TargetObjects, "companies", "categories", "SaaS")
			return err
		}},
		{"UpdateSelectOption", func(ctx context.Context, c *attio.Client) error {
			_, err := c.UpdateSelectOption(ctx, attio.TargetObjects, "companies", "categories", "SaaS", attio.SelectOptionUpdate{IsArchived: &yes})
			return err
		}},
		{"ListStatuses", func(ctx context.Context, c *attio.Client) error {
			_, err := c.ListStatuses(ctx, attio.TargetLists, "sales", "stage", false)
			return err
		}},
		{"CreateStatus", func(ctx context.Context, c *attio.Client) error {
			_, err := c.CreateStatus(ctx, attio.TargetLists, "sales", "stage", attio.StatusInput{Title: "Won", CelebrationEnabled: &yes})
			return err
		}},
		{"UpdateStatus", func(ctx context.Context, c *attio.Client) error {
			_, err := c.UpdateStatus(ctx, attio.TargetLists, "sales", "stage", "Won", attio.StatusUpdate{TargetTimeInStatus: attio.SetTo("P1D")})
			return err
		}},
		{"QueryRecordsPage", func(ctx context.Context, c *attio.Client) error {
			_, err := c.QueryRecordsPage(ctx, "people", attio.Query{
				Filter: mustFilter(attio.CompareTime("created_at", attiov1.FilterOperator_FILTER_OPERATOR_GTE, time.Date(2023, 1, 1, 15, 0, 0, 123456789, time.UTC))),
				Sorts:  []attio.Sort{{Direction: "asc", Attribute: "created_at"}, {Direction: "asc", Attribute: "record_id"}},
				Limit:  10, Offset: 20,
			})
			return err
		}},
		{"CreateRecord", func(ctx context.Context, c *attio.Client) error {
			_, err := c.CreateRecord(ctx, "people", attio.Values{"name": {attio.PersonalNameInput{FirstName: "Ada", LastName: "Lovelace", FullName: "Ada Lovelace"}}})
			return err
		}},
		{"AssertRecord", func(ctx context.Context, c *attio.Client) error {
			_, err := c.AssertRecord(ctx, "people", "email_addresses", attio.Values{"email_addresses": {attio.EmailAddressInput{EmailAddress: "ada@example.com"}}})
			return err
		}},
		{"GetRecord", func(ctx context.Context, c *attio.Client) error {
			_, err := c.GetRecord(ctx, "people", uuidA)
			return err
		}},
		{"UpdateRecord", func(ctx context.Context, c *attio.Client) error {
			_, err := c.UpdateRecord(ctx, "people", uuidA, attio.Values{"job_title": {attio.TextInput{Value: "Engineer"}}})
			return err
		}},
		{"OverwriteRecord", func(ctx context.Context, c *attio.Client) error {
			_, err := c.OverwriteRecord(ctx, "people", uuidA, attio.Values{"job_title": {attio.TextInput{Value: "Engineer"}}})
			return err
		}},
		{"DeleteRecord", func(ctx context.Context, c *attio.Client) error { return c.DeleteRecord(ctx, "people", uuidA) }},
		{"RecordValuesPage", func(ctx context.Context, c *attio.Client) error {
			_, err := c.RecordValuesPage(ctx, "people", uuidA, "name", attio.ValuesQuery{ShowHistoric: true, Limit: 5})
			return err
		}},
		{"RecordEntriesPage", func(ctx context.Context, c *attio.Client) error {
			_, err := c.RecordEntriesPage(ctx, "people", uuidA, attio.PageQuery{})
			return err
		}},
		{"SearchRecords", func(ctx context.Context, c *attio.Client) error {
			_, err := c.SearchRecords(ctx, attio.SearchRequest{Query: "ada", Objects: []string{"people"}, Limit: 5})
			return err
		}},
		{"ListLists", func(ctx context.Context, c *attio.Client) error { _, err := c.ListLists(ctx); return err }},
		{"CreateList", func(ctx context.Context, c *attio.Client) error {
			_, err := c.CreateList(ctx, attio.ListInput{Name: "Sales", APISlug: "sales", ParentObject: "companies", WorkspaceAccess: str("read-only")})
			return err
		}},
		{"GetList", func(ctx context.Context, c *attio.Client) error { _, err := c.GetList(ctx, "sales"); return err }},
		{"UpdateList", func(ctx context.Context, c *attio.Client) error {
			_, err := c.UpdateList(ctx, "sales", attio.ListUpdate{Name: str("Deals"), WorkspaceAccess: attio.SetNull[string]()})
			return err
		}},
		{"QueryEntriesPage", func(ctx context.Context, c *attio.Client) error {
			_, err := c.QueryEntriesPage(ctx, "sales", attio.Query{Limit: 3})
			return err
		}},
		{"CreateEntry", func(ctx context.Context, c *attio.Client) error {
			_, err := c.CreateEntry(ctx, "sales", attio.EntryInput{ParentRecordID: uuidA, ParentObject: "companies"})
			return err
		}},
		{"AssertEntry", func(ctx context.Context, c *attio.Client) error {
			_, err := c.AssertEntry(ctx, "sales", attio.EntryInput{ParentRecordID: uuidA, ParentObject: "companies", EntryValues: attio.Values{"stage": {attio.StatusValueInput{Title: "Won"}}}})
			return err
		}},
		{"GetEntry", func(ctx context.Context, c *attio.Client) error {
			_, err := c.GetEntry(ctx, "sales", uuidB)
			return err
		}},
		{"UpdateEntry", func(ctx context.Context, c *attio.Client) error {
			_, err := c.UpdateEntry(ctx, "sales", uuidB, attio.Values{"stage": {attio.StatusValueInput{Title: "Won"}}})
			return err
		}},
		{"OverwriteEntry", func(ctx context.Context, c *attio.Client) error {
			_, err := c.OverwriteEntry(ctx, "sales", uuidB, attio.Values{"stage": {attio.StatusValueInput{Title: "Lost"}}})
			return err
		}},
		{"DeleteEntry", func(ctx context.Context, c *attio.Client) error { return c.DeleteEntry(ctx, "sales", uuidB) }},
		{"EntryValuesPage", func(ctx context.Context, c *attio.Client) error {
			_, err := c.EntryValuesPage(ctx, "sales", uuidB, "stage", attio.ValuesQuery{ShowHistoric: true})
			return err
		}},
		{"ListWorkspaceMembers", func(ctx context.Context, c *attio.Client) error { _, err := c.ListWorkspaceMembers(ctx); return err }},
		{"GetWorkspaceMember", func(ctx context.Context, c *attio.Client) error {
			_, err := c.GetWorkspaceMember(ctx, uuidC)
			return err
		}},
		{"ListNotesPage", func(ctx context.Context, c *attio.Client) error {
			_, err := c.ListNotesPage(ctx, attio.NoteQuery{ParentObject: "people", ParentRecordID: uuidA})
			return err
		}},
		{"CreateNote", func(ctx context.Context, c *attio.Client) error {
			_, err := c.CreateNote(ctx, attio.NoteInput{ParentObject: "people", ParentRecordID: uuidA, Title: "Call", Format: "markdown", Content: "# Hi"})
			return err
		}},
		{"GetNote", func(ctx context.Context, c *attio.Client) error { _, err := c.GetNote(ctx, uuidA); return err }},
		{"DeleteNote", func(ctx context.Context, c *attio.Client) error { return c.DeleteNote(ctx, uuidA) }},
		{"ListTasksPage", func(ctx context.Context, c *attio.Client) error {
			_, err := c.ListTasksPage(ctx, attio.TaskQuery{Sort: "created_at:desc", LinkedObject: "people", LinkedRecordID: uuidA, IsCompleted: &yes})
			return err
		}},
		{"CreateTask", func(ctx context.Context, c *attio.Client) error {
			_, err := c.CreateTask(ctx, attio.TaskInput{Content: "Follow up", DeadlineAt: str("2023-01-01T15:00:00.000000000Z"),
				LinkedRecords: []attio.RecordReferenceInput{{TargetObject: "people", TargetRecordID: uuidA}},
				Assignees:     []attio.TaskAssigneeInput{{ReferencedActorType: "workspace-member", ReferencedActorID: uuidC}}})
			return err
		}},
		{"GetTask", func(ctx context.Context, c *attio.Client) error { _, err := c.GetTask(ctx, uuidA); return err }},
		{"UpdateTask", func(ctx context.Context, c *attio.Client) error {
			_, err := c.UpdateTask(ctx, uuidA, attio.TaskUpdate{IsCompleted: &yes, DeadlineAt: attio.SetNull[string]()})
			return err
		}},
		{"DeleteTask", func(ctx context.Context, c *attio.Client) error { return c.DeleteTask(ctx, uuidA) }},
		{"ListThreadsPage", func(ctx context.Context, c *attio.Client) error {
			_, err := c.ListThreadsPage(ctx, attio.ThreadQuery{Object: "people", RecordID: uuidA})
			return err
		}},
		{"GetThread", func(ctx context.Context, c *attio.Client) error { _, err := c.GetThread(ctx, uuidA); return err }},
		{"CreateComment", func(ctx context.Context, c *attio.Client) error {
			_, err := c.CreateComment(ctx, attio.CommentInput{Content: "hi", Author: attio.CommentAuthor{ID: uuidC},
				Record: &attio.CommentRecordInput{Object: "people", RecordID: uuidA}})
			return err
		}},
		{"GetComment", func(ctx context.Context, c *attio.Client) error { _, err := c.GetComment(ctx, uuidA); return err }},
		{"DeleteComment", func(ctx context.Context, c *attio.Client) error { return c.DeleteComment(ctx, uuidA) }},
		{"ListMeetingsPage", func(ctx context.Context, c *attio.Client) error {
			_, err := c.ListMeetingsPage(ctx, attio.MeetingQuery{Cursor: "abc", LinkedObject: "people", LinkedRecordID: uuidA, Sort: "start_desc"})
			return err
		}},
		{"GetMeeting", func(ctx context.Context, c *attio.Client) error { _, err := c.GetMeeting(ctx, uuidA); return err }},
		{"ListCallRecordingsPage", func(ctx context.Context, c *attio.Client) error {
			_, err := c.ListCallRecordingsPage(ctx, uuidA, attio.CursorQuery{Cursor: "abc"})
			return err
		}},
		{"GetCallRecording", func(ctx context.Context, c *attio.Client) error {
			_, err := c.GetCallRecording(ctx, uuidA, uuidC)
			return err
		}},
		{"GetTranscriptPage", func(ctx context.Context, c *attio.Client) error {
			_, err := c.GetTranscriptPage(ctx, uuidA, uuidC, "abc")
			return err
		}},
		{"ListWebhooksPage", func(ctx context.Context, c *attio.Client) error {
			_, err := c.ListWebhooksPage(ctx, attio.PageQuery{Offset: 10})
			return err
		}},
		{"CreateWebhook", func(ctx context.Context, c *attio.Client) error {
			_, err := c.CreateWebhook(ctx, attio.WebhookInput{TargetURL: "https://example.com/hook",
				Subscriptions: []attio.WebhookSubscriptionInput{{EventType: "record.created", Filter: &attiov1.WebhookFilter{Filter: &attiov1.WebhookFilter_All{All: &attiov1.WebhookConditions{
					Conditions: []*attiov1.WebhookCondition{{Field: "id.object_id", Op: attiov1.WebhookOperator_WEBHOOK_OPERATOR_EQUALS, Value: "x"}}}}}}}})
			return err
		}},
		{"GetWebhook", func(ctx context.Context, c *attio.Client) error { _, err := c.GetWebhook(ctx, uuidA); return err }},
		{"UpdateWebhook", func(ctx context.Context, c *attio.Client) error {
			_, err := c.UpdateWebhook(ctx, uuidA, attio.WebhookUpdate{TargetURL: str("https://example.com/other")})
			return err
		}},
		{"DeleteWebhook", func(ctx context.Context, c *attio.Client) error { return c.DeleteWebhook(ctx, uuidA) }},
		{"Self", func(ctx context.Context, c *attio.Client) error { _, err := c.Self(ctx); return err }},
	}
}
