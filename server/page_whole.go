package server

import (
	"context"

	"google.golang.org/protobuf/proto"
)

// defaultPageSize is the page size of a unary list RPC whose request leaves page_size at 0, where
// the proto does not name another; the protos document it per RPC ("0 means 100"). Their
// validation rules hold the maximum, maxWholePage for the listings below and for attributes.
const (
	defaultPageSize = 100
	maxWholePage    = 1000
)

// pageSize is the caller's page size, or def for 0 (AIP-158: the server picks the default, and
// 0 never means "everything").
func pageSize(requested int32, def int) int {
	if requested <= 0 {
		return def
	}
	return int(requested)
}

// pagedRequest is a unary list request (AIP-158).
type pagedRequest interface {
	proto.Message
	GetPageSize() int32
	GetPageToken() string
}

// pageWhole pages a listing that upstream (or the approval store) returns whole: fetch gets all
// of it, and the page at the token's offset is converted with conv. The token is bound to the
// query like every other page token; the listing is fetched again for each page, so an item
// added or removed between pages shifts the rest by one (as offset paging upstream does).
func pageWhole[T, M any](ctx context.Context, procedure string, req pagedRequest, fetch func() ([]T, error), conv func(*T) M) ([]M, string, error) {
	p := newPager(ctx, procedure, req)
	pos, err := p.start(req.GetPageToken())
	if err != nil {
		return nil, "", err
	}
	all, err := fetch()
	if err != nil {
		return nil, "", err
	}
	from := min(int(pos.Offset), len(all))
	to := min(from+pageSize(req.GetPageSize(), defaultPageSize), len(all))
	out := make([]M, 0, to-from)
	for i := from; i < to; i++ {
		out = append(out, conv(&all[i]))
	}
	next := ""
	if to < len(all) {
		next = encodePageToken(pageToken{Query: p.digest, Offset: int64(to)})
	}
	return out, next, nil
}

// pageUpstream is pageWhole for a listing Attio returns whole: its errors are upstream errors.
func pageUpstream[T, M any](ctx context.Context, procedure string, req pagedRequest, fetch func(context.Context) ([]T, error), conv func(*T) M) ([]M, string, error) {
	return pageWhole(ctx, procedure, req, func() ([]T, error) {
		all, err := fetch(ctx)
		return all, upstreamError(err)
	}, conv)
}
