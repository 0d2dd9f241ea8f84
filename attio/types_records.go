package attio

import (
	"encoding/json"
	"reflect"
)

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
