package attio

import (
	"context"
	"encoding/json"
	"iter"
	"net/url"
	"strconv"
)

// Saved views (object views and list views). No published OpenAPI document has them yet; the
// shapes follow Attio's endpoint reference pages:
//   - https://docs.attio.com/rest-api/endpoint-reference/views/list-views-for-object
//   - https://docs.attio.com/rest-api/endpoint-reference/views/list-views-for-list
//   - https://docs.attio.com/rest-api/endpoint-reference/views/get-a-list-view (and its object twin)
//   - https://docs.attio.com/rest-api/endpoint-reference/views/create-an-object-view (the body's
//     fields: title, type "table" | "board", filter {attribute, op, value}, sorts, attributes)
// Lists are cursor paged (limit 1-1000, default 500), ordered by id.view_id, with show_archived.

// SavedViewID identifies a view; ObjectID or ListID is set.
type SavedViewID struct {
	WorkspaceID string `json:"workspace_id"`
	ObjectID    string `json:"object_id,omitempty"`
	ListID      string `json:"list_id,omitempty"`
	ViewID      string `json:"view_id"`
}

// ViewCondition is a view's filter as Attio's views hold it: one comparison of an attribute
// (optionally one Field of its value) with Value under Op ("eq", "contains", ...).
type ViewCondition struct {
	Attribute string          `json:"attribute"`
	Field     string          `json:"field,omitempty"`
	Op        string          `json:"op"`
	Value     json.RawMessage `json:"value,omitempty"`

	Extra Extra `json:"-"`
}

func (v *ViewCondition) UnmarshalJSON(b []byte) error {
	type a ViewCondition
	return unmarshalExtra(b, (*a)(v), &v.Extra)
}
func (v ViewCondition) MarshalJSON() ([]byte, error) {
	type a ViewCondition
	return marshalExtra(a(v), v.Extra)
}

// ViewColumn is an attribute a view shows.
type ViewColumn struct {
	Attribute string `json:"attribute"`
	Field     string `json:"field,omitempty"`

	Extra Extra `json:"-"`
}

func (v *ViewColumn) UnmarshalJSON(b []byte) error {
	type a ViewColumn
	return unmarshalExtra(b, (*a)(v), &v.Extra)
}
func (v ViewColumn) MarshalJSON() ([]byte, error) {
	type a ViewColumn
	return marshalExtra(a(v), v.Extra)
}

// SavedView is a saved table or board layout of an object's records or a list's entries. Filter
// is Attio's JSON as sent (null or absent when the view shows everything); Condition types it.
type SavedView struct {
	ID         SavedViewID     `json:"id"`
	Title      string          `json:"title"`
	Type       string          `json:"type"`
	Filter     json.RawMessage `json:"filter"`
	Sorts      []Sort          `json:"sorts"`
	Attributes []ViewColumn    `json:"attributes"`
	CreatedAt  string          `json:"created_at"`

	Extra Extra `json:"-"`
}

func (v *SavedView) UnmarshalJSON(b []byte) error {
	type a SavedView
	return unmarshalExtra(b, (*a)(v), &v.Extra)
}
func (v SavedView) MarshalJSON() ([]byte, error) {
	type a SavedView
	return marshalExtra(a(v), v.Extra)
}

// HasFilter reports whether the view narrows what it shows.
func (v *SavedView) HasFilter() bool {
	return len(v.Filter) > 0 && string(v.Filter) != "null"
}

// Condition decodes the view's filter. ok is false when the view has none, or when Attio sent a
// shape other than one condition with an attribute and an operator.
func (v *SavedView) Condition() (c ViewCondition, ok bool) {
	if !v.HasFilter() || json.Unmarshal(v.Filter, &c) != nil || c.Attribute == "" || c.Op == "" {
		return ViewCondition{}, false
	}
	return c, true
}

// ViewQuery pages a view listing. Limit 0 = 500.
type ViewQuery struct {
	Limit        int
	Cursor       string
	ShowArchived bool
}

func (q ViewQuery) values() url.Values {
	v := url.Values{"limit": {strconv.Itoa(withLimit(q.Limit, 500))}}
	setIf(v, "cursor", q.Cursor)
	if q.ShowArchived {
		v.Set("show_archived", "true")
	}
	return v
}

// ListObjectViewsPage fetches one page of an object's views.
func (c *Client) ListObjectViewsPage(ctx context.Context, object string, q ViewQuery) (Page[SavedView], error) {
	return cursorGET[SavedView](c, ctx, epListObjectViews, []string{object}, q.values())
}

// ListObjectViews iterates over an object's views from q.Cursor on.
func (c *Client) ListObjectViews(ctx context.Context, object string, q ViewQuery) iter.Seq2[SavedView, error] {
	return walk(ctx, pageCursor{cursor: q.Cursor}, func(at pageCursor) (Page[SavedView], error) {
		q.Cursor = at.cursor
		return c.ListObjectViewsPage(ctx, object, q)
	})
}

// GetObjectView returns one view of an object.
func (c *Client) GetObjectView(ctx context.Context, object, viewID string) (SavedView, error) {
	return getData[SavedView](c, ctx, call{ep: epGetObjectView, params: []string{object, viewID}})
}

// ListListViewsPage fetches one page of a list's views.
func (c *Client) ListListViewsPage(ctx context.Context, list string, q ViewQuery) (Page[SavedView], error) {
	return cursorGET[SavedView](c, ctx, epListListViews, []string{list}, q.values())
}

// ListListViews iterates over a list's views from q.Cursor on.
func (c *Client) ListListViews(ctx context.Context, list string, q ViewQuery) iter.Seq2[SavedView, error] {
	return walk(ctx, pageCursor{cursor: q.Cursor}, func(at pageCursor) (Page[SavedView], error) {
		q.Cursor = at.cursor
		return c.ListListViewsPage(ctx, list, q)
	})
}

// GetListView returns one view of a list.
func (c *Client) GetListView(ctx context.Context, list, viewID string) (SavedView, error) {
	return getData[SavedView](c, ctx, call{ep: epGetListView, params: []string{list, viewID}})
}
