package server

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"

	"connectrpc.com/connect/v2"
	"google.golang.org/protobuf/proto"

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

var savedViewTypes = map[string]attiov1.SavedViewType{
	"table": attiov1.SavedViewType_SAVED_VIEW_TYPE_TABLE,
	"board": attiov1.SavedViewType_SAVED_VIEW_TYPE_BOARD,
}

// viewOps are the operators of a view's condition, as Attio's views name them (the records query
// language spells them with a "$").
var viewOps = map[string]attiov1.FilterOperator{
	"eq":          attiov1.FilterOperator_FILTER_OPERATOR_EQ,
	"not_empty":   attiov1.FilterOperator_FILTER_OPERATOR_NOT_EMPTY,
	"in":          attiov1.FilterOperator_FILTER_OPERATOR_IN,
	"contains":    attiov1.FilterOperator_FILTER_OPERATOR_CONTAINS,
	"starts_with": attiov1.FilterOperator_FILTER_OPERATOR_STARTS_WITH,
	"ends_with":   attiov1.FilterOperator_FILTER_OPERATOR_ENDS_WITH,
	"lt":          attiov1.FilterOperator_FILTER_OPERATOR_LT,
	"lte":         attiov1.FilterOperator_FILTER_OPERATOR_LTE,
	"gt":          attiov1.FilterOperator_FILTER_OPERATOR_GT,
	"gte":         attiov1.FilterOperator_FILTER_OPERATOR_GTE,
}

// viewLister fetches one page of an object's or a list's views.
type viewLister func(ctx context.Context, parent string, q attio.ViewQuery) (attio.Page[attio.SavedView], error)

func (s *ViewService) listViews(ctx context.Context, procedure string, req proto.Message, parent string, archived bool, size int32, token string, list viewLister) ([]*attiov1.SavedView, string, error) {
	p := newPager(ctx, procedure, req)
	pos, err := p.start(token)
	if err != nil {
		return nil, "", err
	}
	page, err := list(ctx, parent, attio.ViewQuery{Limit: pageSize(size, defaultViewPage), Cursor: pos.Cursor, ShowArchived: archived})
	if err != nil {
		return nil, "", upstreamError(err)
	}
	return toSavedViews(page.Items), nextPageToken(p, page), nil
}

func streamViews[M proto.Message](ctx context.Context, procedure string, req proto.Message, parent string, archived bool, size int32, token string,
	list viewLister, build func([]*attiov1.SavedView, string) M, send func(M) error,
) error {
	p := newPager(ctx, procedure, req)
	start, err := p.start(token)
	if err != nil {
		return err
	}
	n := pageSize(size, defaultViewStreamPage)
	return streamPages(bulk(ctx), p, start, n,
		func(ctx context.Context, pos pageToken) (attio.Page[attio.SavedView], error) {
			return list(ctx, parent, attio.ViewQuery{Limit: n, Cursor: pos.Cursor, ShowArchived: archived})
		},
		func(items []attio.SavedView, resume string) M { return build(toSavedViews(items), resume) }, send)
}

// ListObjectViews returns one page of an object's views.
func (s *ViewService) ListObjectViews(ctx context.Context, req *attiov1.ListObjectViewsRequest) (*attiov1.ListObjectViewsResponse, error) {
	views, next, err := s.listViews(ctx, attiov1connect.ViewServiceListObjectViewsProcedure, req, req.GetObject(), req.GetShowArchived(),
		req.GetPageSize(), req.GetPageToken(), s.client.ListObjectViewsPage)
	if err != nil {
		return nil, err
	}
	return &attiov1.ListObjectViewsResponse{Views: views, NextPageToken: next}, nil
}

// StreamObjectViews walks all of an object's views, one message per upstream page.
func (s *ViewService) StreamObjectViews(ctx context.Context, req *attiov1.StreamObjectViewsRequest, stream attiov1connect.ViewServiceStreamObjectViewsServerStream) error {
	return streamViews(ctx, attiov1connect.ViewServiceStreamObjectViewsProcedure, req, req.GetObject(), req.GetShowArchived(),
		req.GetPageSize(), req.GetResumeToken(), s.client.ListObjectViewsPage,
		func(v []*attiov1.SavedView, resume string) *attiov1.StreamObjectViewsResponse {
			return &attiov1.StreamObjectViewsResponse{Views: v, ResumeToken: resume}
		}, stream.Send)
}

// GetObjectView returns one view of an object.
func (s *ViewService) GetObjectView(ctx context.Context, req *attiov1.GetObjectViewRequest) (*attiov1.GetObjectViewResponse, error) {
	v, err := s.client.GetObjectView(ctx, req.GetObject(), req.GetViewId())
	if err != nil {
		return nil, upstreamError(err)
	}
	return &attiov1.GetObjectViewResponse{View: toSavedView(&v)}, nil
}

// ListListViews returns one page of a list's views.
func (s *ViewService) ListListViews(ctx context.Context, req *attiov1.ListListViewsRequest) (*attiov1.ListListViewsResponse, error) {
	views, next, err := s.listViews(ctx, attiov1connect.ViewServiceListListViewsProcedure, req, req.GetList(), req.GetShowArchived(),
		req.GetPageSize(), req.GetPageToken(), s.client.ListListViewsPage)
	if err != nil {
		return nil, err
	}
	return &attiov1.ListListViewsResponse{Views: views, NextPageToken: next}, nil
}

// StreamListViews walks all of a list's views, one message per upstream page.
func (s *ViewService) StreamListViews(ctx context.Context, req *attiov1.StreamListViewsRequest, stream attiov1connect.ViewServiceStreamListViewsServerStream) error {
	return streamViews(ctx, attiov1connect.ViewServiceStreamListViewsProcedure, req, req.GetList(), req.GetShowArchived(),
		req.GetPageSize(), req.GetResumeToken(), s.client.ListListViewsPage,
		func(v []*attiov1.SavedView, resume string) *attiov1.StreamListViewsResponse {
			return &attiov1.StreamListViewsResponse{Views: v, ResumeToken: resume}
		}, stream.Send)
}

// GetListView returns one view of a list.
func (s *ViewService) GetListView(ctx context.Context, req *attiov1.GetListViewRequest) (*attiov1.GetListViewResponse, error) {
	v, err := s.client.GetListView(ctx, req.GetList(), req.GetViewId())
	if err != nil {
		return nil, upstreamError(err)
	}
	return &attiov1.GetListViewResponse{View: toSavedView(&v)}, nil
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
