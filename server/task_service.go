package server

import (
	"context"
	"fmt"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
)

// TaskService serves attio.v1.TaskService.
type TaskService struct {
	client *attio.Client
}

var _ attiov1connect.TaskServiceHandler = (*TaskService)(nil)

const defaultTaskPage = 500

var taskSorts = map[string]attiov1.TaskSort{
	"created_at:asc":  attiov1.TaskSort_TASK_SORT_CREATED_AT_ASC,
	"created_at:desc": attiov1.TaskSort_TASK_SORT_CREATED_AT_DESC,
}

// tasks is the tasks the filter selects, in upstream pages.
func (s *TaskService) tasks(f *attiov1.TaskFilter, sort attiov1.TaskSort) filtered[attio.TaskQuery, attio.Task] {
	return filtered[attio.TaskQuery, attio.Task]{
		query: func(size int, pos pageToken) (attio.TaskQuery, error) { return taskQuery(f, sort, size, pos.Offset) },
		fetch: s.client.ListTasksPage,
	}
}

func taskQuery(f *attiov1.TaskFilter, sort attiov1.TaskSort, limit int, offset int64) (attio.TaskQuery, error) {
	if err := requirePair("linked_object", f.GetLinkedObject(), "linked_record_id", f.GetLinkedRecordId()); err != nil {
		return attio.TaskQuery{}, err
	}
	if f.GetUnassigned() && f.GetAssignee() != "" {
		return attio.TaskQuery{}, invalidArgument("filter: assignee and unassigned cannot be combined")
	}
	var completed *bool
	if f != nil {
		completed = f.IsCompleted
	}
	return attio.TaskQuery{
		Limit:          limit,
		Offset:         int(offset),
		Sort:           enumName(taskSorts, sort),
		LinkedObject:   f.GetLinkedObject(),
		LinkedRecordID: f.GetLinkedRecordId(),
		Assignee:       f.GetAssignee(),
		Unassigned:     f.GetUnassigned(),
		IsCompleted:    completed,
	}, nil
}

// ListTasks returns one page of tasks.
func (s *TaskService) ListTasks(ctx context.Context, req *attiov1.ListTasksRequest) (*attiov1.ListTasksResponse, error) {
	tasks, next, err := s.tasks(req.GetFilter(), req.GetSort()).page(ctx, attiov1connect.TaskServiceListTasksProcedure, req, defaultTaskPage)
	return reply(err, func() *attiov1.ListTasksResponse {
		return &attiov1.ListTasksResponse{Tasks: toTasks(tasks), NextPageToken: next}
	})
}

// StreamTasks walks every matching task, one message per upstream page.
func (s *TaskService) StreamTasks(ctx context.Context, req *attiov1.StreamTasksRequest, stream attiov1connect.TaskServiceStreamTasksServerStream) error {
	return streamFiltered(ctx, s.tasks(req.GetFilter(), req.GetSort()), attiov1connect.TaskServiceStreamTasksProcedure, req, defaultTaskPage, stream.Send,
		func(items []attio.Task, resume string) *attiov1.StreamTasksResponse {
			return &attiov1.StreamTasksResponse{Tasks: toTasks(items), ResumeToken: resume}
		})
}

// GetTask returns one task.
func (s *TaskService) GetTask(ctx context.Context, req *attiov1.GetTaskRequest) (*attiov1.GetTaskResponse, error) {
	t, err := s.client.GetTask(ctx, req.GetTaskId())
	return reply(err, func() *attiov1.GetTaskResponse { return &attiov1.GetTaskResponse{Task: toTask(&t)} })
}

// CreateTask creates a plain-text task.
func (s *TaskService) CreateTask(ctx context.Context, req *attiov1.CreateTaskRequest) (*attiov1.CreateTaskResponse, error) {
	links, err := fromLinkedRecords(req.GetLinkedRecords())
	if err != nil {
		return nil, err
	}
	t, err := s.client.CreateTask(ctx, attio.TaskInput{
		Content:       req.GetContent(),
		DeadlineAt:    optionalTimestamp(req.GetDeadlineAt()),
		IsCompleted:   req.GetIsCompleted(),
		LinkedRecords: links,
		Assignees:     fromAssignees(req.GetAssignees()),
	})
	if err != nil {
		return nil, upstreamError(err)
	}
	return &attiov1.CreateTaskResponse{Task: toTask(&t)}, nil
}

// UpdateTask changes the fields update_mask names (AIP-134): a named field is written even when
// it is empty (an unset deadline removes it, an empty list removes every link or assignee).
func (s *TaskService) UpdateTask(ctx context.Context, req *attiov1.UpdateTaskRequest) (*attiov1.UpdateTaskResponse, error) {
	set, err := maskedFields(req.GetUpdateMask(), "deadline_at", "is_completed", "linked_records", "assignees")
	if err != nil {
		return nil, err
	}
	var up attio.TaskUpdate
	if set["is_completed"] {
		up.IsCompleted = &req.IsCompleted
	}
	switch {
	case !set["deadline_at"]:
	case req.GetDeadlineAt() == nil:
		up.DeadlineAt = attio.SetNull[string]()
	default:
		up.DeadlineAt = attio.SetTo(fromTimestamp(req.GetDeadlineAt()))
	}
	if set["linked_records"] {
		links, err := fromLinkedRecords(req.GetLinkedRecords())
		if err != nil {
			return nil, err
		}
		up.LinkedRecords = &links
	}
	if set["assignees"] {
		as := fromAssignees(req.GetAssignees())
		up.Assignees = &as
	}
	t, err := s.client.UpdateTask(ctx, req.GetTaskId(), up)
	return reply(err, func() *attiov1.UpdateTaskResponse { return &attiov1.UpdateTaskResponse{Task: toTask(&t)} })
}

// DeleteTask deletes a task.
func (s *TaskService) DeleteTask(ctx context.Context, req *attiov1.DeleteTaskRequest) (*attiov1.DeleteTaskResponse, error) {
	if err := s.client.DeleteTask(ctx, req.GetTaskId()); err != nil {
		return nil, upstreamError(err)
	}
	return &attiov1.DeleteTaskResponse{}, nil
}

// fromLinkedRecords never returns nil (an empty list clears the links). A record is named by id or
// by a unique attribute's value, as in record-reference values.
func fromLinkedRecords(in []*attiov1.LinkedRecordInput) ([]attio.RecordReferenceInput, error) {
	out := make([]attio.RecordReferenceInput, 0, len(in))
	for i, l := range in {
		r, err := fromRecordReference(l.GetRecord())
		if err != nil {
			return nil, invalidArgument(fmt.Sprintf("linked_records[%d]: %v", i, err))
		}
		out = append(out, r)
	}
	return out, nil
}

// fromAssignees never returns nil (an empty list removes every assignee).
func fromAssignees(in []*attiov1.AssigneeInput) []attio.TaskAssigneeInput {
	out := make([]attio.TaskAssigneeInput, 0, len(in))
	for _, a := range in {
		if email := a.GetEmailAddress(); email != "" {
			out = append(out, attio.TaskAssigneeInput{WorkspaceMemberEmailAddress: email})
			continue
		}
		out = append(out, attio.TaskAssigneeInput{ReferencedActorType: "workspace-member", ReferencedActorID: a.GetWorkspaceMemberId()})
	}
	return out
}

func toTask(t *attio.Task) *attiov1.Task {
	x := extrasOf(t.Extra)
	out := &attiov1.Task{
		Id:               &attiov1.TaskId{WorkspaceId: t.ID.WorkspaceID, TaskId: t.ID.TaskID},
		ContentPlaintext: t.ContentPlaintext,
		DeadlineAt:       x.timePtr("deadline_at", t.DeadlineAt),
		IsCompleted:      t.IsCompleted,
		LinkedRecords:    make([]*attiov1.LinkedRecord, 0, len(t.LinkedRecords)),
		Assignees:        make([]*attiov1.ActorReference, 0, len(t.Assignees)),
		CreatedByActor:   toActor(&t.CreatedByActor),
		CreatedAt:        x.time("created_at", t.CreatedAt),
		CompletedAt:      x.timePtr("completed_at", t.CompletedAt),
	}
	for _, l := range t.LinkedRecords {
		out.LinkedRecords = append(out.LinkedRecords, &attiov1.LinkedRecord{TargetObjectId: l.TargetObjectID, TargetRecordId: l.TargetRecordID})
	}
	for _, a := range t.Assignees {
		out.Assignees = append(out.Assignees, toActorValue(a.ReferencedActorType, a.ReferencedActorID))
	}
	out.ExtraJson = x.json()
	return out
}

func toTasks(ts []attio.Task) []*attiov1.Task {
	out := make([]*attiov1.Task, 0, len(ts))
	for i := range ts {
		out = append(out, toTask(&ts[i]))
	}
	return out
}
