package attio

import "encoding/json"

// TaskID identifies a task.
type TaskID struct {
	WorkspaceID string `json:"workspace_id"`
	TaskID      string `json:"task_id"`
}

// TaskLinkedRecord is a record a task is linked to (TargetObjectID holds a slug or id).
type TaskLinkedRecord struct {
	TargetObjectID string `json:"target_object_id"`
	TargetRecordID string `json:"target_record_id"`

	Extra Extra `json:"-"`
}

func (v *TaskLinkedRecord) UnmarshalJSON(b []byte) error {
	type a TaskLinkedRecord
	return unmarshalExtra(b, (*a)(v), &v.Extra)
}
func (v TaskLinkedRecord) MarshalJSON() ([]byte, error) {
	type a TaskLinkedRecord
	return marshalExtra(a(v), v.Extra)
}

// ActorRef references an actor (task assignees).
type ActorRef struct {
	ReferencedActorType string `json:"referenced_actor_type"`
	ReferencedActorID   string `json:"referenced_actor_id"`

	Extra Extra `json:"-"`
}

func (v *ActorRef) UnmarshalJSON(b []byte) error {
	type a ActorRef
	return unmarshalExtra(b, (*a)(v), &v.Extra)
}
func (v ActorRef) MarshalJSON() ([]byte, error) { type a ActorRef; return marshalExtra(a(v), v.Extra) }

// Task is an Attio task.
type Task struct {
	ID               TaskID             `json:"id"`
	ContentPlaintext string             `json:"content_plaintext"`
	DeadlineAt       *string            `json:"deadline_at"`
	IsCompleted      bool               `json:"is_completed"`
	LinkedRecords    []TaskLinkedRecord `json:"linked_records"`
	Assignees        []ActorRef         `json:"assignees"`
	CreatedByActor   Actor              `json:"created_by_actor"`
	CreatedAt        string             `json:"created_at"`
	// CompletedAt is null while the task is open; nil too when a response
	// from before 2026 has no completed_at.
	CompletedAt *string `json:"completed_at"`

	Extra Extra `json:"-"`
}

func (v *Task) UnmarshalJSON(b []byte) error {
	type a Task
	return unmarshalExtra(b, (*a)(v), &v.Extra)
}
func (v Task) MarshalJSON() ([]byte, error) { type a Task; return marshalExtra(a(v), v.Extra) }

// NoteID identifies a note.
type NoteID struct {
	WorkspaceID string `json:"workspace_id"`
	NoteID      string `json:"note_id"`
}

// NoteTag tags a note with a workspace member (Type "workspace-member",
// WorkspaceMemberID) or a record (Type "record", Object, RecordID).
type NoteTag struct {
	Type              string `json:"type"`
	WorkspaceMemberID string `json:"workspace_member_id,omitempty"`
	Object            string `json:"object,omitempty"`
	RecordID          string `json:"record_id,omitempty"`

	Extra Extra `json:"-"`
}

func (v *NoteTag) UnmarshalJSON(b []byte) error {
	type a NoteTag
	return unmarshalExtra(b, (*a)(v), &v.Extra)
}
func (v NoteTag) MarshalJSON() ([]byte, error) { type a NoteTag; return marshalExtra(a(v), v.Extra) }

// Note is an Attio note.
type Note struct {
	ID               NoteID    `json:"id"`
	ParentObject     string    `json:"parent_object"`
	ParentRecordID   string    `json:"parent_record_id"`
	Title            string    `json:"title"`
	MeetingID        *string   `json:"meeting_id"`
	ContentPlaintext string    `json:"content_plaintext"`
	ContentMarkdown  string    `json:"content_markdown"`
	Tags             []NoteTag `json:"tags"`
	CreatedByActor   Actor     `json:"created_by_actor"`
	CreatedAt        string    `json:"created_at"`

	Extra Extra `json:"-"`
}

func (v *Note) UnmarshalJSON(b []byte) error {
	type a Note
	return unmarshalExtra(b, (*a)(v), &v.Extra)
}
func (v Note) MarshalJSON() ([]byte, error) { type a Note; return marshalExtra(a(v), v.Extra) }

// CommentID identifies a comment.
type CommentID struct {
	WorkspaceID string `json:"workspace_id"`
	CommentID   string `json:"comment_id"`
}

// CommentEntry is the list entry a comment is on.
type CommentEntry struct {
	EntryID string `json:"entry_id"`
	ListID  string `json:"list_id"`
}

// CommentRecord is the record a comment is on.
type CommentRecord struct {
	RecordID string `json:"record_id"`
	ObjectID string `json:"object_id"`
}

// Comment is a comment in a thread.
type Comment struct {
	ID               CommentID     `json:"id"`
	ThreadID         string        `json:"thread_id"`
	ContentPlaintext string        `json:"content_plaintext"`
	Entry            *CommentEntry `json:"entry"`
	Record           CommentRecord `json:"record"`
	ResolvedAt       *string       `json:"resolved_at"`
	ResolvedBy       Actor         `json:"resolved_by"`
	CreatedAt        string        `json:"created_at"`
	Author           Actor         `json:"author"`

	Extra Extra `json:"-"`
}

func (v *Comment) UnmarshalJSON(b []byte) error {
	type a Comment
	return unmarshalExtra(b, (*a)(v), &v.Extra)
}
func (v Comment) MarshalJSON() ([]byte, error) { type a Comment; return marshalExtra(a(v), v.Extra) }

// ThreadID identifies a thread.
type ThreadID struct {
	WorkspaceID string `json:"workspace_id"`
	ThreadID    string `json:"thread_id"`
}

// Thread is a comment thread.
type Thread struct {
	ID        ThreadID  `json:"id"`
	Comments  []Comment `json:"comments"`
	CreatedAt string    `json:"created_at"`
	// Comment paging (Attio 2026 and later): both nil in older responses,
	// which carry every comment.
	NextCursor      *string `json:"next_cursor"`
	HasMoreComments *bool   `json:"has_more_comments"`

	Extra Extra `json:"-"`
}

func (v *Thread) UnmarshalJSON(b []byte) error {
	type a Thread
	return unmarshalExtra(b, (*a)(v), &v.Extra)
}
func (v Thread) MarshalJSON() ([]byte, error) { type a Thread; return marshalExtra(a(v), v.Extra) }

// MeetingID identifies a meeting.
type MeetingID struct {
	WorkspaceID string `json:"workspace_id"`
	MeetingID   string `json:"meeting_id"`
}

// MeetingTime is a meeting boundary: Datetime+Timezone, or Date for all-day meetings.
type MeetingTime struct {
	Datetime string  `json:"datetime,omitempty"`
	Timezone *string `json:"timezone"`
	Date     string  `json:"date,omitempty"`

	Extra Extra `json:"-"`
}

func (v *MeetingTime) UnmarshalJSON(b []byte) error {
	type a MeetingTime
	return unmarshalExtra(b, (*a)(v), &v.Extra)
}
func (v MeetingTime) MarshalJSON() ([]byte, error) {
	type a MeetingTime
	return marshalExtra(a(v), v.Extra)
}

// MeetingParticipant is one invitee of a meeting.
type MeetingParticipant struct {
	Status       string  `json:"status"`
	IsOrganizer  bool    `json:"is_organizer"`
	EmailAddress *string `json:"email_address"`

	Extra Extra `json:"-"`
}

func (v *MeetingParticipant) UnmarshalJSON(b []byte) error {
	type a MeetingParticipant
	return unmarshalExtra(b, (*a)(v), &v.Extra)
}
func (v MeetingParticipant) MarshalJSON() ([]byte, error) {
	type a MeetingParticipant
	return marshalExtra(a(v), v.Extra)
}

// MeetingLinkedRecord is a record a meeting is linked to.
type MeetingLinkedRecord struct {
	ObjectSlug string `json:"object_slug"`
	ObjectID   string `json:"object_id"`
	RecordID   string `json:"record_id"`

	Extra Extra `json:"-"`
}

func (v *MeetingLinkedRecord) UnmarshalJSON(b []byte) error {
	type a MeetingLinkedRecord
	return unmarshalExtra(b, (*a)(v), &v.Extra)
}
func (v MeetingLinkedRecord) MarshalJSON() ([]byte, error) {
	type a MeetingLinkedRecord
	return marshalExtra(a(v), v.Extra)
}

// Meeting is a calendar meeting.
type Meeting struct {
	ID             MeetingID             `json:"id"`
	Title          string                `json:"title"`
	Description    string                `json:"description"`
	IsAllDay       bool                  `json:"is_all_day"`
	Start          MeetingTime           `json:"start"`
	End            MeetingTime           `json:"end"`
	Participants   []MeetingParticipant  `json:"participants"`
	LinkedRecords  []MeetingLinkedRecord `json:"linked_records"`
	CreatedAt      string                `json:"created_at"`
	CreatedByActor Actor                 `json:"created_by_actor"`

	Extra Extra `json:"-"`
}

func (v *Meeting) UnmarshalJSON(b []byte) error {
	type a Meeting
	return unmarshalExtra(b, (*a)(v), &v.Extra)
}
func (v Meeting) MarshalJSON() ([]byte, error) { type a Meeting; return marshalExtra(a(v), v.Extra) }

// CallRecordingID identifies a call recording.
type CallRecordingID struct {
	WorkspaceID     string `json:"workspace_id"`
	MeetingID       string `json:"meeting_id"`
	CallRecordingID string `json:"call_recording_id"`
}

// CallRecording is the recording of a meeting.
type CallRecording struct {
	ID             CallRecordingID `json:"id"`
	Status         string          `json:"status"`
	WebURL         string          `json:"web_url"`
	CreatedByActor Actor           `json:"created_by_actor"`
	CreatedAt      string          `json:"created_at"`

	Extra Extra `json:"-"`
}

func (v *CallRecording) UnmarshalJSON(b []byte) error {
	type a CallRecording
	return unmarshalExtra(b, (*a)(v), &v.Extra)
}
func (v CallRecording) MarshalJSON() ([]byte, error) {
	type a CallRecording
	return marshalExtra(a(v), v.Extra)
}

// TranscriptSegment is one utterance; times are seconds from the start.
type TranscriptSegment struct {
	Speech    string      `json:"speech"`
	StartTime json.Number `json:"start_time"`
	EndTime   json.Number `json:"end_time"`
	Speaker   Speaker     `json:"speaker"`

	Extra Extra `json:"-"`
}

func (v *TranscriptSegment) UnmarshalJSON(b []byte) error {
	type a TranscriptSegment
	return unmarshalExtra(b, (*a)(v), &v.Extra)
}
func (v TranscriptSegment) MarshalJSON() ([]byte, error) {
	type a TranscriptSegment
	return marshalExtra(a(v), v.Extra)
}

// Speaker names who spoke a transcript segment.
type Speaker struct {
	Name string `json:"name"`
}

// Transcript is one page of a call recording's transcript.
type Transcript struct {
	ID            CallRecordingID     `json:"id"`
	Transcript    []TranscriptSegment `json:"transcript"`
	RawTranscript string              `json:"raw_transcript"`
	WebURL        string              `json:"web_url"`

	Extra Extra `json:"-"`
}

func (v *Transcript) UnmarshalJSON(b []byte) error {
	type a Transcript
	return unmarshalExtra(b, (*a)(v), &v.Extra)
}
func (v Transcript) MarshalJSON() ([]byte, error) {
	type a Transcript
	return marshalExtra(a(v), v.Extra)
}

// TranscriptPage is one upstream page of a transcript. NextCursor is empty on the last page.
type TranscriptPage struct {
	Transcript Transcript
	NextCursor string
}
