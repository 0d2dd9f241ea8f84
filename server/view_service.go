package server

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"

	"connectrpc.com/connect/v2"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
)

// ViewService serves attio.v1.ViewService: saved views of objects and lists, cursor paged
// upstream (their page tokens carry Attio's cursor).
type ViewService struct {
	client *attio.Client
}

var _ attiov1connect.ViewServiceHandler = (*ViewService)(nil)

const (
	defaultViewPage       = 500
	defaultViewStreamPage = 1000
)

var savedViewTypes = wireNames[attiov1.SavedViewType](snakeCase)

// viewOps are the operators of a view's condition, as Attio's views name them (the records query
// language spells them with a "$").
var viewOps = wireNames[attiov1.FilterOperator](snakeCase)

// viewLister fetches one page of an object's or a list's views.
type viewLister func(ctx context.Context, parent string, q attio.ViewQuery) (attio.Page[attio.SavedView], error)

// viewsOf is the views of parent (an object or a list), archived ones too when asked for.
func viewsOf(list viewLister, parent string, archived bool) filtered[attio.ViewQuery, attio.SavedView] {
	return filtered[attio.ViewQuery, attio.SavedView]{
		query: func(size int, pos pageToken) (attio.ViewQuery, error) {
			return attio.ViewQuery{Limit: size, Cursor: pos.Cursor, ShowArchived: archived}, nil
		},
		fetch: func(ctx context.Context, q attio.ViewQuery) (attio.Page[attio.SavedView], error) {
			return list(ctx, parent, q)
		},
	}
}

// ListObjectViews returns one page of an object's views.
func (s *ViewService) ListObjectViews(ctx context.Context, req *attiov1.ListObjectViewsRequest) (*attiov1.ListObjectViewsResponse, error) {
	views, next, err := viewsOf(s.client.ListObjectViewsPage, req.GetObject(), req.GetShowArchived()).page(ctx, attiov1connect.ViewServiceListObjectViewsProcedure, req, defaultViewPage)
	return reply(err, func() *attiov1.ListObjectViewsResponse {
		return &attiov1.ListObjectViewsResponse{Views: toSavedViews(views), NextPageToken: next}
	})
}

// StreamObjectViews walks all of an object's views, one message per upstream page.
func (s *ViewService) StreamObjectViews(ctx context.Context, req *attiov1.StreamObjectViewsRequest, stream attiov1connect.ViewServiceStreamObjectViewsServerStream) error {
	return streamFiltered(ctx, viewsOf(s.client.ListObjectViewsPage, req.GetObject(), req.GetShowArchived()), attiov1connect.ViewServiceStreamObjectViewsProcedure, req, defaultViewStreamPage, stream.Send,
		func(items []attio.SavedView, resume string) *attiov1.StreamObjectViewsResponse {
			return &attiov1.StreamObjectViewsResponse{Views: toSavedViews(items), ResumeToken: resume}
		})
}

// GetObjectView returns one view of an object.
func (s *ViewService) GetObjectView(ctx context.Context, req *attiov1.GetObjectViewRequest) (*attiov1.GetObjectViewResponse, error) {
	v, err := s.client.GetObjectView(ctx, req.GetObject(), req.GetViewId())
	return reply(err, func() *attiov1.GetObjectViewResponse { return &attiov1.GetObjectViewResponse{View: toSavedView(&v)} })
}

// ListListViews returns one page of a list's views.
func (s *ViewService) ListListViews(ctx context.Context, req *attiov1.ListListViewsRequest) (*attiov1.ListListViewsResponse, error) {
	views, next, err := viewsOf(s.client.ListListViewsPage, req.GetList(), req.GetShowArchived()).page(ctx, attiov1connect.ViewServiceListListViewsProcedure, req, defaultViewPage)
	return reply(err, func() *attiov1.ListListViewsResponse {
		return &attiov1.ListListViewsResponse{Views: toSavedViews(views), NextPageToken: next}
	})
}

// StreamListViews walks all of a list's views, one message per upstream page.
func (s *ViewService) StreamListViews(ctx context.Context, req *attiov1.StreamListViewsRequest, stream attiov1connect.ViewServiceStreamListViewsServerStream) error {
	return streamFiltered(ctx, viewsOf(s.client.ListListViewsPage, req.GetList(), req.GetShowArchived()), attiov1connect.ViewServiceStreamListViewsProcedure, req, defaultViewStreamPage, stream.Send,
		func(items []attio.SavedView, resume string) *attiov1.StreamListViewsResponse {
			return &attiov1.StreamListViewsResponse{Views: toSavedViews(items), ResumeToken: resume}
		})
}

// GetListView returns one view of a list.
func (s *ViewService) GetListView(ctx context.Context, req *attiov1.GetListViewRequest) (*attiov1.GetListViewResponse, error) {
	v, err := s.client.GetListView(ctx, req.GetList(), req.GetViewId())
	return reply(err, func() *attiov1.GetListViewResponse { return &attiov1.GetListViewResponse{View: toSavedView(&v)} })
}

// asViewShows returns the filter and sorts of a records or entries query made "as the view shows
// them": the view's condition joined with the caller's filter, and the view's sorts. get reads the
// view (GetObjectView or GetListView, a read like the query). No view_id leaves the query as is.
func asViewShows(ctx context.Context, viewID string, f *attiov1.Filter, sorts []*attiov1.Sort,
	get func(ctx context.Context, viewID string) (attio.SavedView, error),
) (*attiov1.Filter, []*attiov1.Sort, error) {
	if viewID == "" {
		return f, sorts, nil
	}
	if len(sorts) > 0 {
		return nil, nil, connect.NewError(connect.CodeInvalidArgument, "sorts: a view brings its own sorts; give view_id or sorts, not both")
	}
	v, err := get(ctx, viewID)
	if err != nil {
		return nil, nil, upstreamError(err)
	}
	vf, ok := viewFilter(&v)
	if !ok {
		return nil, nil, connect.NewError(connect.CodeFailedPrecondition,
			"view "+viewID+" has a filter this facade cannot apply (it is in the view's extra_json); query without view_id")
	}
	switch {
	case vf == nil:
	case f == nil:
		f = vf
	default:
		f = &attiov1.Filter{Node: &attiov1.Filter_All{All: &attiov1.FilterList{Filters: []*attiov1.Filter{vf, f}}}}
	}
	return f, toSorts(v.Sorts), nil
}

// viewFilter types a view's filter: nil with ok when it has none, ok false for a shape this
// contract does not know.
func viewFilter(v *attio.SavedView) (*attiov1.Filter, bool) {
	if !v.HasFilter() {
		return nil, true
	}
	c, ok := v.Condition()
	if !ok {
		return nil, false
	}
	op, ok := viewOps[strings.TrimPrefix(c.Op, "$")]
	if !ok {
		return nil, false
	}
	cond := &attiov1.Condition{Attribute: c.Attribute, Field: c.Field, Op: op}
	val := bytes.TrimSpace(c.Value)
	if op != attiov1.FilterOperator_FILTER_OPERATOR_NOT_EMPTY || (len(val) > 0 && string(val) != "null") {
		if !setOperand(cond, val) {
			return nil, false
		}
	}
	return &attiov1.Filter{Node: &attiov1.Filter_Condition{Condition: cond}}, true
}

// setOperand types a condition's JSON operand: a string, number, boolean or list of strings.
func setOperand(c *attiov1.Condition, raw []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return false
	}
	switch x := v.(type) {
	case string:
		c.Operand = &attiov1.Condition_StringValue{StringValue: x}
	case json.Number:
		c.Operand = &attiov1.Condition_NumberValue{NumberValue: toDecimal(x)}
	case bool:
		c.Operand = &attiov1.Condition_BoolValue{BoolValue: x}
	case []any:
		l := &attiov1.StringList{}
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				return false
			}
			l.Values = append(l.Values, s)
		}
		c.Operand = &attiov1.Condition_StringList{StringList: l}
	default:
		return false
	}
	return true
}

// toSorts is fromSorts reversed: Attio's sorts as the contract's.
func toSorts(sorts []attio.Sort) []*attiov1.Sort {
	out := make([]*attiov1.Sort, 0, len(sorts))
	for _, s := range sorts {
		dir := attiov1.SortDirection_SORT_DIRECTION_ASC
		if s.Direction == "desc" {
			dir = attiov1.SortDirection_SORT_DIRECTION_DESC
		}
		o := &attiov1.Sort{Attribute: s.Attribute, Field: s.Field, Direction: dir}
		for _, step := range s.Path {
			if len(step) == 2 {
				o.Path = append(o.Path, &attiov1.PathStep{Object: step[0], Attribute: step[1]})
			}
		}
		out = append(out, o)
	}
	return out
}

func toSavedView(v *attio.SavedView) *attiov1.SavedView {
	x := extrasOf(v.Extra)
	out := &attiov1.SavedView{
		Id:        &attiov1.SavedViewId{WorkspaceId: v.ID.WorkspaceID, ObjectId: v.ID.ObjectID, ListId: v.ID.ListID, ViewId: v.ID.ViewID},
		Title:     v.Title,
		Type:      enumOf(savedViewTypes, v.Type),
		Sorts:     toSorts(v.Sorts),
		CreatedAt: x.time("created_at", v.CreatedAt),
	}
	if f, ok := viewFilter(v); ok {
		out.Filter = f
	} else {
		x.set("filter", v.Filter)
	}
	for _, a := range v.Attributes {
		out.Attributes = append(out.Attributes, &attiov1.SavedViewColumn{Attribute: a.Attribute, Field: a.Field})
	}
	out.ExtraJson = x.json()
	return out
}

func toSavedViews(vs []attio.SavedView) []*attiov1.SavedView {
	out := make([]*attiov1.SavedView, 0, len(vs))
	for i := range vs {
		out = append(out, toSavedView(&vs[i]))
	}
	return out
}
