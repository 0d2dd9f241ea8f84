package server_test

import (
	"context"
	"slices"
	"testing"

	"connectrpc.com/connect/v2"
	"google.golang.org/protobuf/proto"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
	"github.com/attio-facade/attio-facade/sandbox"
)

func TestTaskServiceRead(t *testing.T) {
	eachClient(t, attiov1connect.NewTaskServiceClient, func(t *testing.T, ctx context.Context, c attiov1connect.TaskServiceClient, h *harness, p protocol) {
		objs := objectIDs(t, h, p)

		all, err := c.ListTasks(ctx, &attiov1.ListTasksRequest{})
		wantListed(t, all, err, idsOf(all.GetTasks(), taskID), seedTasks)
		proposal := all.GetTasks()[2]
		if proposal.GetContentPlaintext() != "Send proposal to Ada" || proposal.GetIsCompleted() ||
			proposal.GetId().GetWorkspaceId() != sandbox.DefaultWorkspaceID ||
			len(proposal.GetLinkedRecords()) != 2 ||
			proposal.GetLinkedRecords()[0].GetTargetObjectId() != objs["people"] || proposal.GetLinkedRecords()[0].GetTargetRecordId() != seedAda ||
			proposal.GetLinkedRecords()[1].GetTargetObjectId() != objs["companies"] || proposal.GetLinkedRecords()[1].GetTargetRecordId() != seedAcme ||
			len(proposal.GetAssignees()) != 1 || proposal.GetAssignees()[0].GetId() != sandbox.DefaultMemberID ||
			proposal.GetAssignees()[0].GetType() != attiov1.ActorType_ACTOR_TYPE_WORKSPACE_MEMBER ||
			proposal.GetCreatedByActor().GetId() != sandbox.DefaultMemberID {
			t.Fatalf("proposal task = %v", proposal)
		}
		wantTime(t, "deadline_at", proposal.GetDeadlineAt(), "2025-06-15T17:00:00Z")
		wantTime(t, "created_at", proposal.GetCreatedAt(), "2025-06-10T16:00:00Z")
		if qbr := all.GetTasks()[0]; !qbr.GetIsCompleted() || qbr.GetDeadlineAt() != nil {
			t.Fatalf("QBR task = %v", qbr)
		}
		if cleanup := all.GetTasks()[1]; cleanup.GetCreatedByActor().GetType() != attiov1.ActorType_ACTOR_TYPE_API_TOKEN || len(cleanup.GetAssignees()) != 0 {
			t.Fatalf("cleanup task = %v", cleanup)
		}

		got, err := c.GetTask(ctx, &attiov1.GetTaskRequest{TaskId: seedTaskProposal})
		if err != nil {
			t.Fatal(err)
		}
		wantProto(t, "GetTask", got.GetTask(), proposal)
		_, err = c.GetTask(ctx, &attiov1.GetTaskRequest{TaskId: unknownID})
		wantCode(t, err, connect.CodeNotFound)

		for _, tc := range []struct {
			name string
			req  *attiov1.ListTasksRequest
			want []string
		}{
			{"completed", &attiov1.ListTasksRequest{Filter: &attiov1.TaskFilter{IsCompleted: proto.Bool(true)}}, []string{seedTaskQBR}},
			{"open", &attiov1.ListTasksRequest{Filter: &attiov1.TaskFilter{IsCompleted: proto.Bool(false)}}, []string{seedTaskCleanup, seedTaskProposal}},
			{"linked", &attiov1.ListTasksRequest{Filter: &attiov1.TaskFilter{LinkedObject: "people", LinkedRecordId: seedAda}}, []string{seedTaskProposal}},
			{"assignee email", &attiov1.ListTasksRequest{Filter: &attiov1.TaskFilter{Assignee: "bob@sandbox.example.com"}}, []string{seedTaskQBR}},
			{"newest first", &attiov1.ListTasksRequest{Sort: attiov1.TaskSort_TASK_SORT_CREATED_AT_DESC}, []string{seedTaskProposal, seedTaskCleanup, seedTaskQBR}},
		} {
			res, err := c.ListTasks(ctx, tc.req)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if got := idsOf(res.GetTasks(), taskID); !slices.Equal(got, tc.want) {
				t.Fatalf("%s: %v, want %v", tc.name, got, tc.want)
			}
		}

		// Pages of one walk every task once; the token is bound to the query.
		wantWalk(t, h, func(ctx context.Context, size int32, token string) ([]string, string, error) {
			res, err := c.ListTasks(ctx, &attiov1.ListTasksRequest{PageSize: size, PageToken: token})
			return idsOf(res.GetTasks(), taskID), res.GetNextPageToken(), err
		}, seedTasks, func(token string) error {
			_, err := c.ListTasks(ctx, &attiov1.ListTasksRequest{PageSize: 1, PageToken: token, Sort: attiov1.TaskSort_TASK_SORT_CREATED_AT_DESC})
			return err
		})
		wantLocalInvalid(t, h, func() error {
			_, err := c.ListTasks(ctx, &attiov1.ListTasksRequest{Filter: &attiov1.TaskFilter{LinkedObject: "people"}})
			return err
		})
		wantLocalInvalid(t, h, func() error {
			_, err := c.GetTask(ctx, &attiov1.GetTaskRequest{TaskId: "task-1"})
			return err
		})
	})
}

func TestTaskServiceStream(t *testing.T) {
	eachClient(t, attiov1connect.NewTaskServiceClient, func(t *testing.T, ctx context.Context, c attiov1connect.TaskServiceClient, h *harness, p protocol) {
		st, err := c.StreamTasks(ctx, &attiov1.StreamTasksRequest{PageSize: 2})
		if err != nil {
			t.Fatal(err)
		}
		msgs := drain(t, st.Receive)
		var got []string
		for _, m := range msgs {
			if len(m.GetTasks()) > 2 || m.GetResumeToken() == "" {
				t.Fatalf("message %v", m)
			}
			got = append(got, idsOf(m.GetTasks(), taskID)...)
		}
		if !slices.Equal(got, seedTasks) || len(msgs) < 2 {
			t.Fatalf("streamed %v in %d messages, want %v", got, len(msgs), seedTasks)
		}

		// Resuming after the first page delivers the rest, once.
		st, err = c.StreamTasks(ctx, &attiov1.StreamTasksRequest{PageSize: 2, ResumeToken: msgs[0].GetResumeToken()})
		_, rest := streamedIDs(t, st, err, func(m *attiov1.StreamTasksResponse) []string { return idsOf(m.GetTasks(), taskID) })
		if !slices.Equal(rest, seedTasks[2:]) {
			t.Fatalf("resumed stream = %v, want %v", rest, seedTasks[2:])
		}

		// Filters apply to streams too; a token from another query is refused before any upstream call.
		st, err = c.StreamTasks(ctx, &attiov1.StreamTasksRequest{Filter: &attiov1.TaskFilter{IsCompleted: proto.Bool(false)}})
		if err != nil {
			t.Fatal(err)
		}
		got = nil
		for _, m := range drain(t, st.Receive) {
			got = append(got, idsOf(m.GetTasks(), taskID)...)
		}
		if !slices.Equal(got, []string{seedTaskCleanup, seedTaskProposal}) {
			t.Fatalf("open tasks stream = %v", got)
		}
		wantLocalInvalid(t, h, func() error {
			st, err := c.StreamTasks(ctx, &attiov1.StreamTasksRequest{Sort: attiov1.TaskSort_TASK_SORT_CREATED_AT_DESC, ResumeToken: msgs[0].GetResumeToken()})
			if err != nil {
				return err
			}
			return streamErr(st.Receive)
		})
	})
}

func TestTaskServiceWrites(t *testing.T) {
	eachClient(t, attiov1connect.NewTaskServiceClient, func(t *testing.T, ctx context.Context, c attiov1connect.TaskServiceClient, h *harness, p protocol) {
		objs := objectIDs(t, h, p)

		created, err := c.CreateTask(ctx, &attiov1.CreateTaskRequest{
			Content:    "Renew Globex contract",
			DeadlineAt: mustTime(t, "2030-01-02T03:04:05.123456789Z"),
			LinkedRecords: []*attiov1.LinkedRecordInput{{Record: &attiov1.RecordReferenceValue{
				TargetObject: "companies", Target: &attiov1.RecordReferenceValue_TargetRecordId{TargetRecordId: seedGlobex}}}},
			Assignees: []*attiov1.AssigneeInput{
				{Member: &attiov1.AssigneeInput_EmailAddress{EmailAddress: "bob@sandbox.example.com"}},
				{Member: &attiov1.AssigneeInput_WorkspaceMemberId{WorkspaceMemberId: sandbox.DefaultMemberID}},
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		task := created.GetTask()
		if task.GetContentPlaintext() != "Renew Globex contract" || task.GetIsCompleted() ||
			len(task.GetLinkedRecords()) != 1 || task.GetLinkedRecords()[0].GetTargetObjectId() != objs["companies"] || task.GetLinkedRecords()[0].GetTargetRecordId() != seedGlobex ||
			len(task.GetAssignees()) != 2 || task.GetAssignees()[0].GetId() != seedBob || task.GetAssignees()[1].GetId() != sandbox.DefaultMemberID {
			t.Fatalf("CreateTask = %v", task)
		}
		wantTime(t, "deadline_at", task.GetDeadlineAt(), "2030-01-02T03:04:05.123456789Z")
		got, err := c.GetTask(ctx, &attiov1.GetTaskRequest{TaskId: task.GetId().GetTaskId()})
		if err != nil {
			t.Fatal(err)
		}
		wantProto(t, "read back", got.GetTask(), task)

		up, err := c.UpdateTask(ctx, &attiov1.UpdateTaskRequest{
			TaskId: task.GetId().GetTaskId(), IsCompleted: true, UpdateMask: mask("deadline_at", "is_completed", "assignees"),
			// Not in the mask: left alone although set.
			LinkedRecords: []*attiov1.LinkedRecordInput{{Record: matchByDomain("acme-analytics.com")}},
		})
		if err != nil {
			t.Fatal(err)
		}
		u := up.GetTask()
		if u.GetDeadlineAt() != nil || !u.GetIsCompleted() || len(u.GetAssignees()) != 0 || len(u.GetLinkedRecords()) != 1 || u.GetContentPlaintext() != task.GetContentPlaintext() {
			t.Fatalf("UpdateTask = %v", u)
		}
		up, err = c.UpdateTask(ctx, &attiov1.UpdateTaskRequest{
			TaskId: task.GetId().GetTaskId(), DeadlineAt: mustTime(t, "2031-05-06T07:08:09.5Z"), UpdateMask: mask("deadline_at", "linked_records"),
			LinkedRecords: []*attiov1.LinkedRecordInput{{Record: &attiov1.RecordReferenceValue{
				TargetObject: "people", Target: &attiov1.RecordReferenceValue_TargetRecordId{TargetRecordId: seedAda}}}},
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err = c.GetTask(ctx, &attiov1.GetTaskRequest{TaskId: task.GetId().GetTaskId()})
		if err != nil {
			t.Fatal(err)
		}
		if !proto.Equal(got.GetTask(), up.GetTask()) || !got.GetTask().GetIsCompleted() || got.GetTask().GetLinkedRecords()[0].GetTargetRecordId() != seedAda {
			t.Fatalf("read back %v, want %v", got.GetTask(), up.GetTask())
		}
		wantTime(t, "deadline_at", got.GetTask().GetDeadlineAt(), "2031-05-06T07:08:09.5Z")
		_, err = c.UpdateTask(ctx, &attiov1.UpdateTaskRequest{TaskId: unknownID, IsCompleted: true, UpdateMask: mask("is_completed")})
		wantCode(t, err, connect.CodeNotFound)

		if _, err := c.DeleteTask(ctx, &attiov1.DeleteTaskRequest{TaskId: task.GetId().GetTaskId()}); err != nil {
			t.Fatal(err)
		}
		_, err = c.GetTask(ctx, &attiov1.GetTaskRequest{TaskId: task.GetId().GetTaskId()})
		wantCode(t, err, connect.CodeNotFound)
		_, err = c.DeleteTask(ctx, &attiov1.DeleteTaskRequest{TaskId: task.GetId().GetTaskId()})
		wantCode(t, err, connect.CodeNotFound)

		for name, req := range map[string]*attiov1.UpdateTaskRequest{
			"no update_mask":    {TaskId: seedTaskCleanup, DeadlineAt: mustTime(t, "2030-01-01T00:00:00Z")},
			"empty update_mask": {TaskId: seedTaskCleanup, IsCompleted: true, UpdateMask: mask()},
			"unknown path":      {TaskId: seedTaskCleanup, IsCompleted: true, UpdateMask: mask("is_completed", "content")},
			"repeated path":     {TaskId: seedTaskCleanup, IsCompleted: true, UpdateMask: mask("is_completed", "is_completed")},
			"star and a path":   {TaskId: seedTaskCleanup, IsCompleted: true, UpdateMask: mask("*", "is_completed")},
			"output-only path":  {TaskId: seedTaskCleanup, UpdateMask: mask("created_at")},
			"non-uuid task id":  {TaskId: "nope", IsCompleted: true, UpdateMask: mask("is_completed")},
		} {
			t.Run(name, func(t *testing.T) {
				wantLocalInvalid(t, h, func() error {
					_, err := c.UpdateTask(ctx, req)
					return err
				})
			})
		}
		wantLocalInvalid(t, h, func() error {
			_, err := c.CreateTask(ctx, &attiov1.CreateTaskRequest{Content: ""})
			return err
		})

		// A linked record can also be named by a unique attribute, as Attio allows.
		matched, err := c.UpdateTask(ctx, &attiov1.UpdateTaskRequest{TaskId: seedTaskCleanup, UpdateMask: mask("linked_records"),
			LinkedRecords: []*attiov1.LinkedRecordInput{{Record: matchByDomain("acme-analytics.com")}}})
		if err != nil {
			t.Fatal(err)
		}
		if links := matched.GetTask().GetLinkedRecords(); len(links) != 1 || links[0].GetTargetRecordId() != seedAcme {
			t.Fatalf("linked by domain: %v, want Acme %s", links, seedAcme)
		}
	})
}

func matchByDomain(domain string) *attiov1.RecordReferenceValue {
	return &attiov1.RecordReferenceValue{TargetObject: "companies", Target: &attiov1.RecordReferenceValue_Match{Match: &attiov1.MatchingAttribute{
		Attribute: "domains", Value: &attiov1.ValueInput{Value: &attiov1.ValueInput_Domain{Domain: &attiov1.DomainValue{Domain: domain}}}}}}
}

// objectIDs maps object slugs to ids, as the facade reports them.
func objectIDs(t testing.TB, h *harness, p protocol) map[string]string {
	t.Helper()
	res, err := attiov1connect.NewObjectServiceClient(h.rpc(p)).ListObjects(t.Context(), &attiov1.ListObjectsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, o := range res.GetObjects() {
		out[o.GetApiSlug()] = o.GetId().GetObjectId()
	}
	return out
}
