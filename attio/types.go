package attio

import "encoding/json"

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
