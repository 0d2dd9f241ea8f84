package server

import (
	"context"

	"google.golang.org/protobuf/proto"

	"github.com/attio-facade/attio-facade/attio"
)

// filtered is a listing whose upstream query is built from the caller's filter at a position of
// the walk (an offset or Attio's cursor): its unary pages and its stream share the query, the
// refusal of a filter Attio cannot take before any call, and the binding of tokens to the query.
type filtered[Q, T any] struct {
	query func(size int, pos pageToken) (Q, error)
	fetch func(context.Context, Q) (attio.Page[T], error)
}

// page answers a unary list request: the page its token points at, of up to def items when it
// leaves page_size at 0, and the next page's token.
func (f filtered[Q, T]) page(ctx context.Context, procedure string, req pagedRequest, def int) ([]T, string, error) {
	p := newPager(ctx, procedure, req)
	pos, err := p.start(req.GetPageToken())
	if err != nil {
		return nil, "", err
	}
	q, err := f.query(pageSize(req.GetPageSize(), def), pos)
	if err != nil {
		return nil, "", err
	}
	page, err := f.fetch(ctx, q)
	if err != nil {
		return nil, "", upstreamError(err)
	}
	return page.Items, nextPageToken(p, page), nil
}

// streamRequest is a server-streaming list request.
type streamRequest interface {
	proto.Message
	GetPageSize() int32
	GetResumeToken() string
}

// streamFiltered streams the listing from the request's resume token on, one message per upstream
// page of up to def items when the request leaves page_size at 0 (see streamPages).
func streamFiltered[Q, T any, M proto.Message](ctx context.Context, f filtered[Q, T], procedure string, req streamRequest, def int,
	send func(M) error, build func(items []T, resume string) M,
) error {
	p := newPager(ctx, procedure, req)
	start, err := p.start(req.GetResumeToken())
	if err != nil {
		return err
	}
	size := pageSize(req.GetPageSize(), def)
	if _, err := f.query(size, pageToken{}); err != nil {
		return err
	}
	return streamPages(bulk(ctx), p, start, size,
		func(ctx context.Context, pos pageToken) (attio.Page[T], error) {
			q, _ := f.query(size, pos)
			return f.fetch(ctx, q)
		}, build, send)
}
