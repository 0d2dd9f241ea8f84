package attio

import (
	"encoding/json"
	"reflect"
)

// Timestamps are kept as the strings Attio sends ("2023-01-01T15:00:00.000000000Z"):
// time.Time would re-format them and lose the exact text the export feature
// compares on. Numbers that may be money stay json.Number for the same reason.

// Actor identifies who did something (created_by_actor, author, ...).
// Both fields are nullable in Attio's answers (system actors have no id).
type Actor struct {
	Type *string `json:"type"`
	ID   *string `json:"id"`

	Extra Extra `json:"-"`
}

func (v *Actor) UnmarshalJSON(b []byte) error {
	type a Actor
	return unmarshalExtra(b, (*a)(v), &v.Extra)
}
func (v Actor) MarshalJSON() ([]byte, error) { type a Actor; return marshalExtra(a(v), v.Extra) }

// ObjectID identifies an object.
type ObjectID struct {
	WorkspaceID string `json:"workspace_id"`
	ObjectID    string `json:"object_id"`
}

// Object is a record type (people, companies, deals, custom objects).
type Object struct {
	ID           ObjectID `json:"id"`
	APISlug      *string  `json:"api_slug"`
	SingularNoun *string  `json:"singular_noun"`
	PluralNoun   *string  `json:"plural_noun"`
	CreatedAt    string   `json:"created_at"`

	Extra Extra `json:"-"`
}

func (v *Object) UnmarshalJSON(b []byte) error {
	type a Object
	return unmarshalExtra(b, (*a)(v), &v.Extra)
}
func (v Object) MarshalJSON() ([]byte, error) { type a Object; return marshalExtra(a(v), v.Extra) }

// AttributeID identifies an attribute; ObjectID holds the list id for list attributes.
type AttributeID struct {
	WorkspaceID string `json:"workspace_id"`
	ObjectID    string `json:"object_id"`
	AttributeID string `json:"attribute_id"`
}

// Attribute describes one attribute of an object or a list.
type Attribute struct {
	ID                    AttributeID `json:"id"`
	Title                 string      `json:"title"`
	Description           *string     `json:"description"`
	APISlug               string      `json:"api_slug"`
	Type                  string      `json:"type"`
	IsSystemAttribute     bool        `json:"is_system_attribute"`
	IsWritable            bool        `json:"is_writable"`
	IsRequired            bool        `json:"is_required"`
	IsUnique              bool        `json:"is_unique"`
	IsMultiselect         bool        `json:"is_multiselect"`
	IsDefaultValueEnabled bool        `json:"is_default_value_enabled"`
	IsArchived            bool        `json:"is_archived"`
	// DefaultValue is null, {"type":"dynamic","template":...} or
	// {"type":"static","template":[values]}, kept verbatim.
	DefaultValue json.RawMessage        `json:"default_value"`
	Relationship *AttributeRelationship `json:"relationship"`
	CreatedAt    string                 `json:"created_at"`
	Config       AttributeConfig        `json:"config"`

	Extra Extra `json:"-"`
}

func (v *Attribute) UnmarshalJSON(b []byte) error {
	type a Attribute
	return unmarshalExtra(b, (*a)(v), &v.Extra)
}
func (v Attribute) MarshalJSON() ([]byte, error) {
	type a Attribute
	return marshalExtra(a(v), v.Extra)
}

// AttributeRelationship points at the inverse attribute of a relationship.
// Attio added everything but ID in 2026; those stay nil when a response from
// an older Attio omits them.
type AttributeRelationship struct {
	ID            AttributeID `json:"id"`
	ObjectSlug    *string     `json:"object_slug"`
	Title         *string     `json:"title"`
	APISlug       *string     `json:"api_slug"`
	IsMultiselect *bool       `json:"is_multiselect"`

	Extra Extra `json:"-"`
}

func (v *AttributeRelationship) UnmarshalJSON(b []byte) error {
	type a AttributeRelationship
	return unmarshalExtra(b, (*a)(v), &v.Extra)
}
func (v AttributeRelationship) MarshalJSON() ([]byte, error) {
	type a AttributeRelationship
	return marshalExtra(a(v), v.Extra)
}

// AttributeConfig is the type-specific configuration of an attribute.
type AttributeConfig struct {
	Currency        CurrencyConfig        `json:"currency"`
	RecordReference RecordReferenceConfig `json:"record_reference"`

	Extra Extra `json:"-"`
}

func (v *AttributeConfig) UnmarshalJSON(b []byte) error {
	type a AttributeConfig
	return unmarshalExtra(b, (*a)(v), &v.Extra)
}
func (v AttributeConfig) MarshalJSON() ([]byte, error) {
	type a AttributeConfig
	return marshalExtra(a(v), v.Extra)
}

// CurrencyConfig configures a currency attribute; both fields are null on
// other attribute types (live data, although the spec's enums omit null).
type CurrencyConfig struct {
	DefaultCurrencyCode *string `json:"default_currency_code"`
	DisplayType         *string `json:"display_type"`

	Extra Extra `json:"-"`
}

func (v *CurrencyConfig) UnmarshalJSON(b []byte) error {
	type a CurrencyConfig
	return unmarshalExtra(b, (*a)(v), &v.Extra)
}
func (v CurrencyConfig) MarshalJSON() ([]byte, error) {
	type a CurrencyConfig
	return marshalExtra(a(v), v.Extra)
}

// RecordReferenceConfig configures a record-reference attribute.
type RecordReferenceConfig struct {
	AllowedObjectIDs []string `json:"allowed_object_ids"`

	Extra Extra `json:"-"`
}

func (v *RecordReferenceConfig) UnmarshalJSON(b []byte) error {
	type a RecordReferenceConfig
	return unmarshalExtra(b, (*a)(v), &v.Extra)
}
func (v RecordReferenceConfig) MarshalJSON() ([]byte, error) {
	type a RecordReferenceConfig
	return marshalExtra(a(v), v.Extra)
}

// SelectOptionID identifies a select option.
type SelectOptionID struct {
	WorkspaceID string `json:"workspace_id"`
	ObjectID    string `json:"object_id"`
	AttributeID string `json:"attribute_id"`
	OptionID    string `json:"option_id"`
}

// SelectOption is one option of a select attribute.
type SelectOption struct {
	ID         SelectOptionID `json:"id"`
	Title      string         `json:"title"`
	IsArchived bool           `json:"is_archived"`

	Extra Extra `json:"-"`
}

func (v *SelectOption) UnmarshalJSON(b []byte) error {
	type a SelectOption
	return unmarshalExtra(b, (*a)(v), &v.Extra)
}
func (v SelectOption) MarshalJSON() ([]byte, error) {
	type a SelectOption
	return marshalExtra(a(v), v.Extra)
}

// StatusID identifies a status of a status attribute.
type StatusID struct {
	WorkspaceID string `json:"workspace_id"`
	ObjectID    string `json:"object_id"`
	AttributeID string `json:"attribute_id"`
	StatusID    string `json:"status_id"`
}

// Status is one status of a status attribute.
type Status struct {
	ID                 StatusID `json:"id"`
	Title              string   `json:"title"`
	IsArchived         bool     `json:"is_archived"`
	CelebrationEnabled bool     `json:"celebration_enabled"`
	// TargetTimeInStatus is an ISO 8601 duration or null.
	TargetTimeInStatus *string `json:"target_time_in_status"`

	Extra Extra `json:"-"`
}

func (v *Status) UnmarshalJSON(b []byte) error {
	type a Status
	return unmarshalExtra(b, (*a)(v), &v.Extra)
}
func (v Status) MarshalJSON() ([]byte, error) { type a Status; return marshalExtra(a(v), v.Extra) }

// RecordID identifies a record.
type RecordID struct {
	WorkspaceID string `json:"workspace_id"`
	ObjectID    string `json:"object_id"`
	RecordID    string `json:"record_id"`
}

// Record is one record with its attribute values, keyed by attribute slug.
// Every attribute appears, with an empty slice when it has no value.
type Record struct {
	ID        RecordID           `json:"id"`
	CreatedAt string             `json:"created_at"`
	WebURL    string             `json:"web_url"`
	Values    map[string][]Value `json:"values"`

	Extra Extra `json:"-"`
}

func (v *Record) UnmarshalJSON(b []byte) error {
	type a Record
	*v = Record{}
	return decodeObject(b, reflect.TypeFor[a](), &v.Extra, func(key string, dec *json.Decoder) (bool, error) {
		switch key {
		case "id":
			return true, dec.Decode(&v.ID)
		case "created_at":
			return true, dec.Decode(&v.CreatedAt)
		case "web_url":
			return true, dec.Decode(&v.WebURL)
		case "values":
			return true, dec.Decode(&v.Values)
		}
		return false, nil
	})
}
func (v Record) MarshalJSON() ([]byte, error) { type a Record; return marshalExtra(a(v), v.Extra) }

// EntryID identifies a list entry.
type EntryID struct {
	WorkspaceID string `json:"workspace_id"`
	ListID      string `json:"list_id"`
	EntryID     string `json:"entry_id"`
}

// Entry is a list entry: a parent record in a list plus the list's own values.
type Entry struct {
	ID             EntryID            `json:"id"`
	ParentRecordID string             `json:"parent_record_id"`
	ParentObject   string             `json:"parent_object"`
	CreatedAt      string             `json:"created_at"`
	EntryValues    map[string][]Value `json:"entry_values"`

	Extra Extra `json:"-"`
}

func (v *Entry) UnmarshalJSON(b []byte) error {
	type a Entry
	*v = Entry{}
	return decodeObject(b, reflect.TypeFor[a](), &v.Extra, func(key string, dec *json.Decoder) (bool, error) {
		switch key {
		case "id":
			return true, dec.Decode(&v.ID)
		case "parent_record_id":
			return true, dec.Decode(&v.ParentRecordID)
		case "parent_object":
			return true, dec.Decode(&v.ParentObject)
		case "created_at":
			return true, dec.Decode(&v.CreatedAt)
		case "entry_values":
			return true, dec.Decode(&v.EntryValues)
		}
		return false, nil
	})
}
func (v Entry) MarshalJSON() ([]byte, error) { type a Entry; return marshalExtra(a(v), v.Extra) }

// RecordEntry is one list entry of a record (GET .../records/{id}/entries).
type RecordEntry struct {
	ListID      string `json:"list_id"`
	ListAPISlug string `json:"list_api_slug"`
	EntryID     string `json:"entry_id"`
	CreatedAt   string `json:"created_at"`

	Extra Extra `json:"-"`
}

func (v *RecordEntry) UnmarshalJSON(b []byte) error {
	type a RecordEntry
	return unmarshalExtra(b, (*a)(v), &v.Extra)
}
func (v RecordEntry) MarshalJSON() ([]byte, error) {
	type a RecordEntry
	return marshalExtra(a(v), v.Extra)
}

// SearchResult is one hit of POST /v2/objects/records/search. People carry
// EmailAddresses and PhoneNumbers, companies Domains; the keys an object
// does not have are left out again when re-encoding a decoded result.
type SearchResult struct {
	ID             RecordID `json:"id"`
	RecordText     string   `json:"record_text"`
	RecordImage    *string  `json:"record_image"`
	ObjectSlug     string   `json:"object_slug"`
	EmailAddresses []string `json:"email_addresses"`
	PhoneNumbers   []string `json:"phone_numbers"`
	Domains        []string `json:"domains"`

	Extra Extra `json:"-"`
}

func (v *SearchResult) UnmarshalJSON(b []byte) error {
	type a SearchResult
	return unmarshalExtra(b, (*a)(v), &v.Extra)
}
func (v SearchResult) MarshalJSON() ([]byte, error) {
	type a SearchResult
	return marshalExtra(a(v), v.Extra)
}

// ListID identifies a list.
type ListID struct {
	WorkspaceID string `json:"workspace_id"`
	ListID      string `json:"list_id"`
}

// MemberAccess grants one workspace member a level on a list.
type MemberAccess struct {
	WorkspaceMemberID string `json:"workspace_member_id"`
	Level             string `json:"level"`
}

// List is an Attio list.
type List struct {
	ID                    ListID         `json:"id"`
	APISlug               string         `json:"api_slug"`
	Name                  string         `json:"name"`
	ParentObject          []string       `json:"parent_object"`
	WorkspaceAccess       *string        `json:"workspace_access"`
	WorkspaceMemberAccess []MemberAccess `json:"workspace_member_access"`
	CreatedByActor        Actor          `json:"created_by_actor"`
	CreatedAt             string         `json:"created_at"`

	Extra Extra `json:"-"`
}

func (v *List) UnmarshalJSON(b []byte) error {
	type a List
	return unmarshalExtra(b, (*a)(v), &v.Extra)
}
func (v List) MarshalJSON() ([]byte, error) { type a List; return marshalExtra(a(v), v.Extra) }

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

// WorkspaceMemberID identifies a workspace member.
type WorkspaceMemberID struct {
	WorkspaceID       string `json:"workspace_id"`
	WorkspaceMemberID string `json:"workspace_member_id"`
}

// WorkspaceMember is a user of the workspace.
type WorkspaceMember struct {
	ID           WorkspaceMemberID `json:"id"`
	FirstName    string            `json:"first_name"`
	LastName     string            `json:"last_name"`
	AvatarURL    *string           `json:"avatar_url"`
	EmailAddress string            `json:"email_address"`
	CreatedAt    string            `json:"created_at"`
	AccessLevel  string            `json:"access_level"`

	Extra Extra `json:"-"`
}

func (v *WorkspaceMember) UnmarshalJSON(b []byte) error {
	type a WorkspaceMember
	return unmarshalExtra(b, (*a)(v), &v.Extra)
}
func (v WorkspaceMember) MarshalJSON() ([]byte, error) {
	type a WorkspaceMember
	return marshalExtra(a(v), v.Extra)
}

// Self describes the token in use (GET /v2/self, not wrapped in "data").
// An inactive token yields only Active=false.
type Self struct {
	Active                        bool         `json:"active"`
	Scope                         string       `json:"scope"`
	ClientID                      string       `json:"client_id"`
	TokenType                     string       `json:"token_type"`
	Exp                           *json.Number `json:"exp"`
	Iat                           json.Number  `json:"iat"`
	Sub                           string       `json:"sub"`
	Aud                           string       `json:"aud"`
	Iss                           string       `json:"iss"`
	AuthorizedByWorkspaceMemberID string       `json:"authorized_by_workspace_member_id"`
	WorkspaceID                   string       `json:"workspace_id"`
	WorkspaceName                 string       `json:"workspace_name"`
	WorkspaceSlug                 string       `json:"workspace_slug"`
	WorkspaceLogoURL              *string      `json:"workspace_logo_url"`

	Extra Extra `json:"-"`
}

func (v *Self) UnmarshalJSON(b []byte) error {
	type a Self
	return unmarshalExtra(b, (*a)(v), &v.Extra)
}
func (v Self) MarshalJSON() ([]byte, error) { type a Self; return marshalExtra(a(v), v.Extra) }

// WebhookID identifies a webhook.
type WebhookID struct {
	WorkspaceID string `json:"workspace_id"`
	WebhookID   string `json:"webhook_id"`
}

// WebhookSubscription subscribes to one event type; Filter is null or a
// {"$and"|"$or": [{field, operator, value}]} object, kept verbatim.
type WebhookSubscription struct {
	EventType string          `json:"event_type"`
	Filter    json.RawMessage `json:"filter"`

	Extra Extra `json:"-"`
}

func (v *WebhookSubscription) UnmarshalJSON(b []byte) error {
	type a WebhookSubscription
	return unmarshalExtra(b, (*a)(v), &v.Extra)
}
func (v WebhookSubscription) MarshalJSON() ([]byte, error) {
	type a WebhookSubscription
	if v.Filter == nil {
		v.Filter = json.RawMessage("null")
	}
	return marshalExtra(a(v), v.Extra)
}

// Webhook is a webhook registration. Secret is only returned on creation.
type Webhook struct {
	TargetURL     string                `json:"target_url"`
	Subscriptions []WebhookSubscription `json:"subscriptions"`
	ID            WebhookID             `json:"id"`
	Status        string                `json:"status"`
	CreatedAt     string                `json:"created_at"`
	Secret        string                `json:"secret,omitempty"`

	Extra Extra `json:"-"`
}

func (v *Webhook) UnmarshalJSON(b []byte) error {
	type a Webhook
	return unmarshalExtra(b, (*a)(v), &v.Extra)
}
func (v Webhook) MarshalJSON() ([]byte, error) { type a Webhook; return marshalExtra(a(v), v.Extra) }

// Connection is a Maton OAuth connection (one Attio workspace).
type Connection struct {
	ConnectionID    string          `json:"connection_id"`
	Status          string          `json:"status"`
	CreationTime    string          `json:"creation_time"`
	LastUpdatedTime string          `json:"last_updated_time"`
	URL             string          `json:"url"`
	App             string          `json:"app"`
	Metadata        json.RawMessage `json:"metadata"`

	Extra Extra `json:"-"`
}

func (v *Connection) UnmarshalJSON(b []byte) error {
	type a Connection
	return unmarshalExtra(b, (*a)(v), &v.Extra)
}
func (v Connection) MarshalJSON() ([]byte, error) {
	type a Connection
	return marshalExtra(a(v), v.Extra)
}

// WebhookEvent is one event of a webhook delivery (an envelope Attio POSTs
// to the target URL). Provided so receivers can decode deliveries losslessly.
type WebhookEvent struct {
	EventType string          `json:"event_type"`
	ID        json.RawMessage `json:"id"`
	Actor     Actor           `json:"actor"`

	Extra Extra `json:"-"`
}

func (v *WebhookEvent) UnmarshalJSON(b []byte) error {
	type a WebhookEvent
	return unmarshalExtra(b, (*a)(v), &v.Extra)
}
func (v WebhookEvent) MarshalJSON() ([]byte, error) {
	type a WebhookEvent
	return marshalExtra(a(v), v.Extra)
}

// WebhookDelivery is the body Attio POSTs to a webhook's target URL.
type WebhookDelivery struct {
	WebhookID string         `json:"webhook_id"`
	Events    []WebhookEvent `json:"events"`

	Extra Extra `json:"-"`
}

func (v *WebhookDelivery) UnmarshalJSON(b []byte) error {
	type a WebhookDelivery
	return unmarshalExtra(b, (*a)(v), &v.Extra)
}
func (v WebhookDelivery) MarshalJSON() ([]byte, error) {
	type a WebhookDelivery
	return marshalExtra(a(v), v.Extra)
}
