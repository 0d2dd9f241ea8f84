package server

import (
	"context"

	"google.golang.org/protobuf/proto"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
)

// collection is what records of an object and entries of a list share: a typed and a raw JSON
// query, and the saved views that can narrow a query, all under a parent (object or list).
type collection[T any] struct {
	typed func(ctx context.Context, parent string, q attio.Query) (attio.Page[T], error)
	raw   func(ctx context.Context, parent string, q attio.Query) (attio.Page[attio.RawItem], error)
	view  func(ctx context.Context, parent, viewID string) (attio.SavedView, error)
}

// collectionQuery is a query or stream request over a collection.
type collectionQuery interface {
	proto.Message
	GetViewId() string
	GetFilter() *attiov1.Filter
	GetSorts() []*attiov1.Sort
	GetPageSize() int32
}

// shows is the filter and sorts of req as its view (if any) shows them (see asViewShows).
func (c collection[T]) shows(ctx context.Context, parent string, req collectionQuery) (*attiov1.Filter, []*attiov1.Sort, error) {
	return asViewShows(ctx, req.GetViewId(), req.GetFilter(), req.GetSorts(), func(ctx context.Context, id string) (attio.SavedView, error) {
		return c.view(ctx, parent, id)
	})
}

// page answers a unary query: the page the token points at and the next page's token.
func (c collection[T]) page(ctx context.Context, procedure, parent string, req interface {
	collectionQuery
	GetPageToken() string
}) ([]T, string, error) {
	p := newPager(ctx, procedure, req)
	filter, sorts, err := c.shows(ctx, parent, req)
	if err != nil {
		return nil, "", err
	}
	page, next, err := queryPage(ctx, p, req.GetPageToken(), filter, sorts, pageSize(req.GetPageSize(), defaultRecordPage),
		func(ctx context.Context, q attio.Query) (attio.Page[T], error) { return c.typed(ctx, parent, q) })
	return page.Items, next, err
}

// streamCollection streams a query, one message per upstream page, typed or as Attio's JSON (the
// ATTIO_JSON view); build fills the one of items and raw that the view asked for.
func streamCollection[T any, M proto.Message](ctx context.Context, c collection[T], procedure, parent string, req interface {
	collectionQuery
	GetResumeToken() string
	GetView() attiov1.View
}, send func(M) error, build func(items []T, raw [][]byte, resume string) M,
) error {
	p := newPager(ctx, procedure, req)
	size := pageSize(req.GetPageSize(), defaultRecordPage)
	filter, sorts, err := c.shows(ctx, parent, req)
	if err != nil {
		return err
	}
	if req.GetView() == attiov1.View_VIEW_ATTIO_JSON {
		return streamQuery(ctx, p, req.GetResumeToken(), filter, sorts, size,
			func(ctx context.Context, q attio.Query) (attio.Page[attio.RawItem], error) {
				return c.raw(ctx, parent, q)
			},
			func(items []attio.RawItem, resume string) M { return build(nil, rawJSON(items), resume) }, send)
	}
	return streamQuery(ctx, p, req.GetResumeToken(), filter, sorts, size,
		func(ctx context.Context, q attio.Query) (attio.Page[T], error) { return c.typed(ctx, parent, q) },
		func(items []T, resume string) M { return build(items, nil, resume) }, send)
}

// rawJSON is the items' JSON, for the attio_json fields of the ATTIO_JSON view.
func rawJSON(items []attio.RawItem) [][]byte {
	out := make([][]byte, len(items))
	for i := range items {
		out[i] = items[i].JSON
	}
	return out
}
