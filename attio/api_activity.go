package attio

import (
	"context"
	"iter"
	"net/url"
	"strconv"
)

// ---- tasks

// TaskQuery filters and pages tasks. Limit 0 = 500.
type TaskQuery struct {
	Limit          int
	Offset         int
	Sort           string // "created_at:asc" | "created_at:desc"
	LinkedObject   string // with LinkedRecordID
	LinkedRecordID string
	Assignee       string // workspace member email or id
	Unassigned     bool   // only tasks with no assignee (Assignee must be empty)
	IsCompleted    *bool
}

// TaskAssigneeInput assigns a workspace member, by actor id or by email.
type TaskAssigneeInput struct {
	ReferencedActorType         string `json:"referenced_actor_type,omitempty"` // "workspace-member"
	ReferencedActorID           string `json:"referenced_actor_id,omitempty"`
	WorkspaceMemberEmailAddress string `json:"workspace_member_email_address,omitempty"`
}

// TaskInput creates a task. Format "" means "plaintext".
type TaskInput struct {
	Content       string                 `json:"content"`
	Format        string                 `json:"format"`
	DeadlineAt    *string                `json:"deadline_at"`
	IsCompleted   bool                   `json:"is_completed"`
	LinkedRecords []RecordReferenceInput `json:"linked_records"`
	Assignees     []TaskAssigneeInput    `json:"assignees"`
}

// TaskUpdate changes a task; nil fields are left alone.
type TaskUpdate struct {
	DeadlineAt    *Nullable[string]       `json:"deadline_at,omitempty"`
	IsCompleted   *bool                   `json:"is_completed,omitempty"`
	LinkedRecords *[]RecordReferenceInput `json:"linked_records,omitempty"`
	Assignees     *[]TaskAssigneeInput    `json:"assignees,omitempty"`
}

// ListTasksPage fetches one page of tasks.
func (c *Client) ListTasksPage(ctx context.Context, q TaskQuery) (Page[Task], error) {
	v := url.Values{}
	setIf(v, "sort", q.Sort)
	setIf(v, "linked_object", q.LinkedObject)
	setIf(v, "linked_record_id", q.LinkedRecordID)
	setIf(v, "assignee", q.Assignee)
	if q.Unassigned {
		// The spec: "Pass an empty value or the string `null` to find tasks with no assignee."
		v.Set("assignee", "null")
	}
	setBool(v, "is_completed", q.IsCompleted)
	return offsetGET[Task](c, ctx, epListTasks, nil, v, withLimit(q.Limit, 500), q.Offset)
}

// ListTasks iterates over all matching tasks.
func (c *Client) ListTasks(ctx context.Context, q TaskQuery) iter.Seq2[Task, error] {
	return walk(ctx, pageCursor{offset: q.Offset}, func(at pageCursor) (Page[Task], error) {
		q.Offset = at.offset
		return c.ListTasksPage(ctx, q)
	})
}

// GetTask returns one task.
func (c *Client) GetTask(ctx context.Context, taskID string) (Task, error) {
	return getData[Task](c, ctx, call{ep: epGetTask, params: []string{taskID}})
}

// CreateTask creates a task.
func (c *Client) CreateTask(ctx context.Context, in TaskInput) (Task, error) {
	if in.Format == "" {
		in.Format = "plaintext"
	}
	if in.LinkedRecords == nil {
		in.LinkedRecords = []RecordReferenceInput{}
	}
	if in.Assignees == nil {
		in.Assignees = []TaskAssigneeInput{}
	}
	return getData[Task](c, ctx, call{ep: epCreateTask, body: dataBody{in}})
}

// UpdateTask changes a task.
func (c *Client) UpdateTask(ctx context.Context, taskID string, up TaskUpdate) (Task, error) {
	return getData[Task](c, ctx, call{ep: epUpdateTask, params: []string{taskID}, body: dataBody{up}})
}

// DeleteTask deletes a task.
func (c *Client) DeleteTask(ctx context.Context, taskID string) error {
	return c.do(ctx, call{ep: epDeleteTask, params: []string{taskID}})
}

// ---- notes

// NoteQuery filters and pages notes. Limit 0 = 50 (Attio's maximum).
type NoteQuery struct {
	Limit          int
	Offset         int
	ParentObject   string
	ParentRecordID string
}

// NoteInput creates a note. Format is "plaintext" (default) or "markdown".
type NoteInput struct {
	ParentObject   string  `json:"parent_object"`
	ParentRecordID string  `json:"parent_record_id"`
	Title          string  `json:"title"`
	Format         string  `json:"format"`
	Content        string  `json:"content"`
	CreatedAt      string  `json:"created_at,omitempty"`
	MeetingID      *string `json:"meeting_id,omitempty"`
}

// ListNotesPage fetches one page of notes.
func (c *Client) ListNotesPage(ctx context.Context, q NoteQuery) (Page[Note], error) {
	v := url.Values{}
	setIf(v, "parent_object", q.ParentObject)
	setIf(v, "parent_record_id", q.ParentRecordID)
	return offsetGET[Note](c, ctx, epListNotes, nil, v, withLimit(q.Limit, 50), q.Offset)
}

// ListNotes iterates over all matching notes.
func (c *Client) ListNotes(ctx context.Context, q NoteQuery) iter.Seq2[Note, error] {
	return walk(ctx, pageCursor{offset: q.Offset}, func(at pageCursor) (Page[Note], error) {
		q.Offset = at.offset
		return c.ListNotesPage(ctx, q)
	})
}

// GetNote returns one note.
func (c *Client) GetNote(ctx context.Context, noteID string) (Note, error) {
	return getData[Note](c, ctx, call{ep: epGetNote, params: []string{noteID}})
}

// CreateNote creates a note on a record.
func (c *Client) CreateNote(ctx context.Context, in NoteInput) (Note, error) {
	if in.Format == "" {
		in.Format = "plaintext"
	}
	return getData[Note](c, ctx, call{ep: epCreateNote, body: dataBody{in}})
}

// DeleteNote deletes a note.
func (c *Client) DeleteNote(ctx context.Context, noteID string) error {
	return c.do(ctx, call{ep: epDeleteNote, params: []string{noteID}})
}

// ---- comments and threads

// CommentAuthor is the workspace member a comment is written as.
type CommentAuthor struct {
	Type string `json:"type"` // "workspace-member"
	ID   string `json:"id"`
}

// CommentRecordInput places a comment on a record.
type CommentRecordInput struct {
	Object   string `json:"object"`
	RecordID string `json:"record_id"`
}

// CommentEntryInput places a comment on a list entry.
type CommentEntryInput struct {
	List    string `json:"list"`
	EntryID string `json:"entry_id"`
}

// CommentInput creates a comment: set exactly one of ThreadID (reply),
// Record or Entry (new thread). Format "" means "plaintext"; Author.Type ""
// means "workspace-member".
type CommentInput struct {
	Format    string              `json:"format"`
	Content   string              `json:"content"`
	Author    CommentAuthor       `json:"author"`
	CreatedAt string              `json:"created_at,omitempty"`
	ThreadID  string              `json:"thread_id,omitempty"`
	Record    *CommentRecordInput `json:"record,omitempty"`
	Entry     *CommentEntryInput  `json:"entry,omitempty"`
}

// CreateComment creates a comment.
func (c *Client) CreateComment(ctx context.Context, in CommentInput) (Comment, error) {
	if in.Format == "" {
		in.Format = "plaintext"
	}
	if in.Author.Type == "" {
		in.Author.Type = "workspace-member"
	}
	return getData[Comment](c, ctx, call{ep: epCreateComment, body: dataBody{in}})
}

// GetComment returns one comment.
func (c *Client) GetComment(ctx context.Context, commentID string) (Comment, error) {
	return getData[Comment](c, ctx, call{ep: epGetComment, params: []string{commentID}})
}

// DeleteComment deletes a comment (and its thread if it was the first one).
func (c *Client) DeleteComment(ctx context.Context, commentID string) error {
	return c.do(ctx, call{ep: epDeleteComment, params: []string{commentID}})
}

// ThreadQuery selects the threads of a record (Object+RecordID) or of an
// entry (List+EntryID). Limit 0 = 50 (Attio's maximum).
type ThreadQuery struct {
	Object   string
	RecordID string
	List     string
	EntryID  string
	Limit    int
	Offset   int
}

// ListThreadsPage fetches one page of threads.
func (c *Client) ListThreadsPage(ctx context.Context, q ThreadQuery) (Page[Thread], error) {
	v := url.Values{}
	setIf(v, "object", q.Object)
	setIf(v, "record_id", q.RecordID)
	setIf(v, "list", q.List)
	setIf(v, "entry_id", q.EntryID)
	return offsetGET[Thread](c, ctx, epListThreads, nil, v, withLimit(q.Limit, 50), q.Offset)
}

// ListThreads iterates over all matching threads.
func (c *Client) ListThreads(ctx context.Context, q ThreadQuery) iter.Seq2[Thread, error] {
	return walk(ctx, pageCursor{offset: q.Offset}, func(at pageCursor) (Page[Thread], error) {
		q.Offset = at.offset
		return c.ListThreadsPage(ctx, q)
	})
}

// GetThread returns one thread with its comments.
func (c *Client) GetThread(ctx context.Context, threadID string) (Thread, error) {
	return getData[Thread](c, ctx, call{ep: epGetThread, params: []string{threadID}})
}

// ---- meetings, call recordings, transcripts

// MeetingQuery filters and pages meetings (cursor paging). Limit 0 = 50.
type MeetingQuery struct {
	Limit          int
	Cursor         string
	LinkedObject   string // with LinkedRecordID
	LinkedRecordID string
	Participants   string // comma-separated emails
	Sort           string // "start_asc" | "start_desc"
	EndsFrom       string // timestamp
	StartsBefore   string // timestamp
	Timezone       string // for EndsFrom/StartsBefore, default UTC
}

// ListMeetingsPage fetches one page of meetings.
func (c *Client) ListMeetingsPage(ctx context.Context, q MeetingQuery) (Page[Meeting], error) {
	v := url.Values{"limit": {strconv.Itoa(withLimit(q.Limit, 50))}}
	setIf(v, "cursor", q.Cursor)
	setIf(v, "linked_object", q.LinkedObject)
	setIf(v, "linked_record_id", q.LinkedRecordID)
	setIf(v, "participants", q.Participants)
	setIf(v, "sort", q.Sort)
	setIf(v, "ends_from", q.EndsFrom)
	setIf(v, "starts_before", q.StartsBefore)
	setIf(v, "timezone", q.Timezone)
	return cursorGET[Meeting](c, ctx, epListMeetings, nil, v)
}

// ListMeetings iterates over all matching meetings from q.Cursor on.
func (c *Client) ListMeetings(ctx context.Context, q MeetingQuery) iter.Seq2[Meeting, error] {
	return walk(ctx, pageCursor{cursor: q.Cursor}, func(at pageCursor) (Page[Meeting], error) {
		q.Cursor = at.cursor
		return c.ListMeetingsPage(ctx, q)
	})
}

// GetMeeting returns one meeting.
func (c *Client) GetMeeting(ctx context.Context, meetingID string) (Meeting, error) {
	return getData[Meeting](c, ctx, call{ep: epGetMeeting, params: []string{meetingID}})
}

// CursorQuery pages a cursor list. Limit 0 = 50.
type CursorQuery struct {
	Limit  int
	Cursor string
}

// ListCallRecordingsPage fetches one page of a meeting's call recordings.
func (c *Client) ListCallRecordingsPage(ctx context.Context, meetingID string, q CursorQuery) (Page[CallRecording], error) {
	v := url.Values{"limit": {strconv.Itoa(withLimit(q.Limit, 50))}}
	setIf(v, "cursor", q.Cursor)
	return cursorGET[CallRecording](c, ctx, epListCallRecordings, []string{meetingID}, v)
}

// ListCallRecordings iterates over a meeting's call recordings.
func (c *Client) ListCallRecordings(ctx context.Context, meetingID string, q CursorQuery) iter.Seq2[CallRecording, error] {
	return walk(ctx, pageCursor{cursor: q.Cursor}, func(at pageCursor) (Page[CallRecording], error) {
		q.Cursor = at.cursor
		return c.ListCallRecordingsPage(ctx, meetingID, q)
	})
}

// GetCallRecording returns one call recording.
func (c *Client) GetCallRecording(ctx context.Context, meetingID, callRecordingID string) (CallRecording, error) {
	return getData[CallRecording](c, ctx, call{ep: epGetCallRecording, params: []string{meetingID, callRecordingID}})
}

// GetTranscriptPage fetches one page of a recording's transcript; cursor ""
// is the first page.
func (c *Client) GetTranscriptPage(ctx context.Context, meetingID, callRecordingID, cursor string) (TranscriptPage, error) {
	var v url.Values
	if cursor != "" {
		v = url.Values{"cursor": {cursor}}
	}
	var env cursorEnvelope[Transcript]
	err := c.do(ctx, call{ep: epGetTranscript, params: []string{meetingID, callRecordingID}, query: v, decode: decodeInto(&env)})
	if err != nil {
		return TranscriptPage{}, err
	}
	p := TranscriptPage{Transcript: env.Data}
	if n := env.Pagination.NextCursor; n != nil {
		p.NextCursor = *n
	}
	return p, nil
}

// TranscriptSegments iterates over all segments of a transcript from cursor on.
func (c *Client) TranscriptSegments(ctx context.Context, meetingID, callRecordingID, cursor string) iter.Seq2[TranscriptSegment, error] {
	return walk(ctx, pageCursor{cursor: cursor}, func(at pageCursor) (Page[TranscriptSegment], error) {
		p, err := c.GetTranscriptPage(ctx, meetingID, callRecordingID, at.cursor)
		if err != nil {
			return Page[TranscriptSegment]{}, err
		}
		return Page[TranscriptSegment]{Items: p.Transcript.Transcript, More: p.NextCursor != "", NextCursor: p.NextCursor}, nil
	})
}
