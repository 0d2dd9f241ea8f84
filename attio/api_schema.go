package attio

import (
	"context"
	"encoding/json"
	"iter"
	"net/url"
)

// Nullable is a PATCH field that can also be cleared. Use it through a
// pointer with omitempty: nil leaves the field unchanged, SetNull sends
// null, SetTo sends a value.
type Nullable[T any] struct {
	Value T
	Null  bool
}

// SetTo returns a Nullable that sends v.
func SetTo[T any](v T) *Nullable[T] { return &Nullable[T]{Value: v} }

// SetNull returns a Nullable that sends null.
func SetNull[T any]() *Nullable[T] { return &Nullable[T]{Null: true} }

// MarshalJSON encodes null or the value.
func (n Nullable[T]) MarshalJSON() ([]byte, error) {
	if n.Null {
		return []byte("null"), nil
	}
	return json.Marshal(n.Value)
}

type dataBody struct {
	Data any `json:"data"`
}

// ---- objects

// ObjectInput creates an object.
type ObjectInput struct {
	APISlug      string `json:"api_slug"`
	SingularNoun string `json:"singular_noun"`
	PluralNoun   string `json:"plural_noun"`
}

// ObjectUpdate changes an object; nil fields are left alone.
type ObjectUpdate struct {
	APISlug      *string `json:"api_slug,omitempty"`
	SingularNoun *string `json:"singular_noun,omitempty"`
	PluralNoun   *string `json:"plural_noun,omitempty"`
}

// ListObjects returns all objects of the workspace (not paginated upstream).
func (c *Client) ListObjects(ctx context.Context) ([]Object, error) {
	return getData[[]Object](c, ctx, call{ep: epListObjects})
}

// GetObject returns an object by slug or id.
func (c *Client) GetObject(ctx context.Context, object string) (Object, error) {
	return getData[Object](c, ctx, call{ep: epGetObject, params: []string{object}})
}

// CreateObject creates a custom object.
func (c *Client) CreateObject(ctx context.Context, in ObjectInput) (Object, error) {
	return getData[Object](c, ctx, call{ep: epCreateObject, body: dataBody{in}})
}

// UpdateObject changes an object's slug or nouns.
func (c *Client) UpdateObject(ctx context.Context, object string, up ObjectUpdate) (Object, error) {
	return getData[Object](c, ctx, call{ep: epUpdateObject, params: []string{object}, body: dataBody{up}})
}

// ---- attributes

// Target says whether an attribute belongs to an object, a list or an activity.
type Target string

const (
	TargetObjects Target = "objects"
	TargetLists   Target = "lists"
	// TargetActivities is an activity's attributes (beta): the guide
	// https://docs.attio.com/rest-api/guides/activities adds attributes to activities, on the
	// activity_configuration scope.
	TargetActivities Target = "activities"
)

// AttributeQuery pages through attributes.
type AttributeQuery struct {
	Limit        int // 0 = 100
	Offset       int
	ShowArchived bool
}

// AttributeInput creates an attribute. Config is the type-specific config; nil sends {}.
// DefaultValue is sent verbatim when set.
type AttributeInput struct {
	Title         string                `json:"title"`
	Description   *string               `json:"description"`
	APISlug       string                `json:"api_slug"`
	Type          string                `json:"type"`
	IsRequired    bool                  `json:"is_required"`
	IsUnique      bool                  `json:"is_unique"`
	IsMultiselect bool                  `json:"is_multiselect"`
	DefaultValue  json.RawMessage       `json:"default_value,omitempty"`
	Config        *AttributeConfigInput `json:"config"`
}

// AttributeConfigInput is an attribute's type-specific config to write; nil parts are left out.
type AttributeConfigInput struct {
	Currency        *CurrencyConfigInput        `json:"currency,omitempty"`
	RecordReference *RecordReferenceConfigInput `json:"record_reference,omitempty"`
}

// CurrencyConfigInput configures a currency attribute; empty fields are left out.
type CurrencyConfigInput struct {
	DefaultCurrencyCode string `json:"default_currency_code,omitempty"`
	DisplayType         string `json:"display_type,omitempty"`
}

// RecordReferenceConfigInput limits the objects a record-reference attribute may point to; an
// empty list allows none.
type RecordReferenceConfigInput struct {
	AllowedObjects []string `json:"allowed_objects"`
}

// MarshalJSON writes nil AllowedObjects as [] (Attio reads null as "not given").
func (r RecordReferenceConfigInput) MarshalJSON() ([]byte, error) {
	objs := r.AllowedObjects
	if objs == nil {
		objs = []string{}
	}
	return json.Marshal(map[string][]string{"allowed_objects": objs})
}

// JSONNull is a DefaultValue that removes the attribute's default.
var JSONNull = json.RawMessage("null")

// AttributeUpdate changes an attribute; nil fields are left alone.
type AttributeUpdate struct {
	Title        *string               `json:"title,omitempty"`
	Description  *Nullable[string]     `json:"description,omitempty"`
	APISlug      *string               `json:"api_slug,omitempty"`
	IsRequired   *bool                 `json:"is_required,omitempty"`
	IsUnique     *bool                 `json:"is_unique,omitempty"`
	DefaultValue json.RawMessage       `json:"default_value,omitempty"`
	Config       *AttributeConfigInput `json:"config,omitempty"`
	IsArchived   *bool                 `json:"is_archived,omitempty"`
}

// ListAttributesPage fetches one page of an object's or list's attributes.
func (c *Client) ListAttributesPage(ctx context.Context, target Target, identifier string, q AttributeQuery) (Page[Attribute], error) {
	limit := withLimit(q.Limit, 100)
	var v url.Values
	if q.ShowArchived {
		v = url.Values{"show_archived": {"true"}}
	}
	return offsetGET[Attribute](c, ctx, epListAttributes, []string{string(target), identifier}, v, limit, q.Offset)
}

// ListAttributes iterates over all attributes from q.Offset on.
func (c *Client) ListAttributes(ctx context.Context, target Target, identifier string, q AttributeQuery) iter.Seq2[Attribute, error] {
	return walk(ctx, pageCursor{offset: q.Offset}, func(at pageCursor) (Page[Attribute], error) {
		q.Offset = at.offset
		return c.ListAttributesPage(ctx, target, identifier, q)
	})
}

// GetAttribute returns one attribute by slug or id.
func (c *Client) GetAttribute(ctx context.Context, target Target, identifier, attribute string) (Attribute, error) {
	return getData[Attribute](c, ctx, call{ep: epGetAttribute, params: []string{string(target), identifier, attribute}})
}

// CreateAttribute adds an attribute to an object or list.
func (c *Client) CreateAttribute(ctx context.Context, target Target, identifier string, in AttributeInput) (Attribute, error) {
	if in.Config == nil {
		in.Config = &AttributeConfigInput{}
	}
	return getData[Attribute](c, ctx, call{ep: epCreateAttribute, params: []string{string(target), identifier}, body: dataBody{in}})
}

// UpdateAttribute changes an attribute (including archiving it).
func (c *Client) UpdateAttribute(ctx context.Context, target Target, identifier, attribute string, up AttributeUpdate) (Attribute, error) {
	return getData[Attribute](c, ctx, call{ep: epUpdateAttribute, params: []string{string(target), identifier, attribute}, body: dataBody{up}})
}

// SelectOptionUpdate changes a select option; nil fields are left alone.
type SelectOptionUpdate struct {
	Title      *string `json:"title,omitempty"`
	IsArchived *bool   `json:"is_archived,omitempty"`
}

// ListSelectOptions returns the options of a select attribute.
func (c *Client) ListSelectOptions(ctx context.Context, target Target, identifier, attribute string, showArchived bool) ([]SelectOption, error) {
	var v url.Values
	if showArchived {
		v = url.Values{"show_archived": {"true"}}
	}
	return getData[[]SelectOption](c, ctx, call{ep: epListSelectOptions, params: []string{string(target), identifier, attribute}, query: v})
}

// CreateSelectOption adds an option to a select attribute.
func (c *Client) CreateSelectOption(ctx context.Context, target Target, identifier, attribute, title string) (SelectOption, error) {
	body := dataBody{struct {
		Title string `json:"title"`
	}{title}}
	return getData[SelectOption](c, ctx, call{ep: epCreateSelectOption, params: []string{string(target), identifier, attribute}, body: body})
}

// UpdateSelectOption changes an option (by id or title).
func (c *Client) UpdateSelectOption(ctx context.Context, target Target, identifier, attribute, option string, up SelectOptionUpdate) (SelectOption, error) {
	return getData[SelectOption](c, ctx, call{ep: epUpdateSelectOption, params: []string{string(target), identifier, attribute, option}, body: dataBody{up}})
}

// StatusInput creates a status.
type StatusInput struct {
	Title              string  `json:"title"`
	CelebrationEnabled *bool   `json:"celebration_enabled,omitempty"`
	TargetTimeInStatus *string `json:"target_time_in_status,omitempty"` // ISO 8601 duration
}

// StatusUpdate changes a status; nil fields are left alone.
type StatusUpdate struct {
	Title              *string           `json:"title,omitempty"`
	CelebrationEnabled *bool             `json:"celebration_enabled,omitempty"`
	TargetTimeInStatus *Nullable[string] `json:"target_time_in_status,omitempty"`
	IsArchived         *bool             `json:"is_archived,omitempty"`
}

// ListStatuses returns the statuses of a status attribute.
func (c *Client) ListStatuses(ctx context.Context, target Target, identifier, attribute string, showArchived bool) ([]Status, error) {
	var v url.Values
	if showArchived {
		v = url.Values{"show_archived": {"true"}}
	}
	return getData[[]Status](c, ctx, call{ep: epListStatuses, params: []string{string(target), identifier, attribute}, query: v})
}

// CreateStatus adds a status to a status attribute.
func (c *Client) CreateStatus(ctx context.Context, target Target, identifier, attribute string, in StatusInput) (Status, error) {
	return getData[Status](c, ctx, call{ep: epCreateStatus, params: []string{string(target), identifier, attribute}, body: dataBody{in}})
}

// UpdateStatus changes a status (by id or title).
func (c *Client) UpdateStatus(ctx context.Context, target Target, identifier, attribute, status string, up StatusUpdate) (Status, error) {
	return getData[Status](c, ctx, call{ep: epUpdateStatus, params: []string{string(target), identifier, attribute, status}, body: dataBody{up}})
}

// ---- lists

// ListInput creates a list. WorkspaceAccess nil sends null (no workspace-wide access).
type ListInput struct {
	Name                  string         `json:"name"`
	APISlug               string         `json:"api_slug"`
	ParentObject          string         `json:"parent_object"`
	WorkspaceAccess       *string        `json:"workspace_access"`
	WorkspaceMemberAccess []MemberAccess `json:"workspace_member_access"`
}

// ListUpdate changes a list; nil fields are left alone.
type ListUpdate struct {
	Name                  *string           `json:"name,omitempty"`
	APISlug               *string           `json:"api_slug,omitempty"`
	WorkspaceAccess       *Nullable[string] `json:"workspace_access,omitempty"`
	WorkspaceMemberAccess *[]MemberAccess   `json:"workspace_member_access,omitempty"`
}

// ListLists returns all lists (not paginated upstream).
func (c *Client) ListLists(ctx context.Context) ([]List, error) {
	return getData[[]List](c, ctx, call{ep: epListLists})
}

// GetList returns a list by slug or id.
func (c *Client) GetList(ctx context.Context, list string) (List, error) {
	return getData[List](c, ctx, call{ep: epGetList, params: []string{list}})
}

// CreateList creates a list.
func (c *Client) CreateList(ctx context.Context, in ListInput) (List, error) {
	if in.WorkspaceMemberAccess == nil {
		in.WorkspaceMemberAccess = []MemberAccess{}
	}
	return getData[List](c, ctx, call{ep: epCreateList, body: dataBody{in}})
}

// UpdateList changes a list.
func (c *Client) UpdateList(ctx context.Context, list string, up ListUpdate) (List, error) {
	return getData[List](c, ctx, call{ep: epUpdateList, params: []string{list}, body: dataBody{up}})
}

// PageQuery pages a plain limit/offset list. Limit 0 means the endpoint's
// default page size in this package.
type PageQuery struct {
	Limit  int
	Offset int
}
