package server

import (
	"context"

	"connectrpc.com/connect/v2"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/interceptors"
	"github.com/attio-facade/attio-facade/internal/wire"
)

// bulk marks ctx as a bulk (streaming) caller, which the client's limiter serves after interactive
// calls so a long stream cannot starve unary callers.
func bulk(ctx context.Context) context.Context {
	return attio.WithPriority(ctx, attio.PriorityBulk)
}

// pager binds page tokens for one list RPC: digest of the query without its paging fields.
type pager struct {
	digest string
}

// pagingFields are the request fields AIP-158 lets change between pages of one query, by their
// names in every list and stream request of the contract.
var pagingFields = []protoreflect.Name{"page_token", "page_size", "resume_token"}

func newPager(ctx context.Context, procedure string, req proto.Message) pager {
	return pager{digest: queryDigest(procedure, connectionOf(ctx), req, pagingFields...)}
}

// start decodes the caller's token (InvalidArgument when it belongs elsewhere).
func (p pager) start(token string) (pageToken, error) { return decodePageToken(token, p.digest) }

// next is the token for the position after page, or "" when the listing is done (unary AIP-158).
func nextPageToken[T any](p pager, page attio.Page[T]) string {
	if !page.More {
		return ""
	}
	return encodePageToken(pageToken{Query: p.digest, Offset: int64(page.NextOffset), Cursor: page.NextCursor})
}

// resumeToken is the token that restarts a stream right after page: it is set even on the last
// page, so a caller that resumes from it later sees only items added since.
func resumeToken[T any](p pager, pos pageToken, page attio.Page[T]) string {
	t := pageToken{Query: p.digest, Offset: int64(page.NextOffset), Cursor: page.NextCursor}
	switch {
	case page.More:
	case len(page.Items) == 0:
		t = pos // nothing new yet: resume where this page started
	case page.NextOffset == 0:
		// The last page of a cursor listing: there is no cursor to resume from, and restarting
		// would repeat everything, so the token says the listing is complete.
		t = pageToken{Query: p.digest, End: true}
	}
	return encodePageToken(t)
}

// streamPages walks an upstream listing from start and sends one message per page of up to size
// items. Backpressure: the fetcher hands a built message over an unbuffered channel, so it is at
// most one page ahead of the caller; when the caller stops reading, fetching stops too. Every page
// holds its bytes of the shared memory budget from before its fetch until it has been sent, the
// fetch and the page's conversion take one of the fetch gate's slots, and a
// caller that takes no message for the send timeout ends the stream (see sendWatch). When the
// caller goes away, ctx is cancelled, which aborts the in-flight upstream request at once.
func streamPages[T any, M proto.Message](ctx context.Context, p pager, start pageToken, size int,
	fetch func(ctx context.Context, pos pageToken) (attio.Page[T], error),
	build func(items []T, resume string) M,
	send func(M) error,
) error {
	if start.End {
		return nil
	}
	limits, caller := streamLimitsFrom(ctx), streamCaller(ctx)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		msg    M
		g      *grant
		resume string
		more   bool
		err    error
	}
	pages := make(chan result)
	go func() {
		defer close(pages)
		weigher := newPageWeigher[T]()
		pos := start
		for {
			r := result{}
			if r.g, r.err = limits.mem.acquire(ctx, caller, weigher.estimate(size)); r.err == nil {
				var page attio.Page[T]
				done, err := limits.fetches.acquire(ctx, caller)
				if err == nil {
					page, err = fetch(ctx, pos)
					if err == nil {
						r.resume, r.more = resumeToken(p, pos, page), page.More
						r.msg = build(page.Items, r.resume)
					}
					done()
				}
				if err == nil {
					err = r.g.resize(ctx, weigher.weigh(wire.Size(r.msg), len(page.Items)))
					pos = pageToken{Query: p.digest, Offset: int64(page.NextOffset), Cursor: page.NextCursor}
				}
				if r.err = err; err != nil {
					r.g.release()
				}
			}
			select {
			case pages <- r:
			case <-ctx.Done():
				r.g.release()
				return
			}
			if r.err != nil || !r.more {
				return
			}
		}
	}()
	watch := limits.watchSends(ctx, encodePageToken(start), cancel)
	for r := range pages {
		if r.err != nil {
			return upstreamError(r.err)
		}
		err := watch.send(func() error { return send(r.msg) }, r.resume)
		r.g.release()
		if err != nil {
			return err
		}
		if !r.more {
			return nil
		}
	}
	return upstreamError(ctx.Err())
}

// recordQuery builds the body of a records or entries query; a filter Attio cannot express is the
// caller's error.
func recordQuery(f *attiov1.Filter, sorts []*attiov1.Sort, limit int, offset int64) (attio.Query, error) {
	filter, err := queryFilter(f)
	if err != nil {
		return attio.Query{}, err
	}
	return attio.Query{Filter: filter, Sorts: fromSorts(sorts), Limit: limit, Offset: int(offset)}, nil
}

// queryFilter has attio encode a caller's filter (the zero Filter for none). A tree beyond
// interceptors.MaxFilterNodes or MaxFilterDepth is refused before any of it is encoded, so the
// cost stays bounded whoever calls it; a filter Attio cannot express is InvalidArgument.
func queryFilter(f *attiov1.Filter) (attio.Filter, error) {
	if f != nil {
		if err := interceptors.CheckFilter(f); err != nil {
			return attio.Filter{}, err
		}
	}
	filter, err := attio.FilterOf(f)
	if err != nil {
		return attio.Filter{}, connect.NewError(connect.CodeInvalidArgument, "filter: "+err.Error())
	}
	return filter, nil
}

// queryPage fetches the page of a records or entries query that token points at, for a unary
// AIP-158 call, and returns it with the next page's token.
func queryPage[T any](ctx context.Context, p pager, token string, f *attiov1.Filter, sorts []*attiov1.Sort, size int,
	fetch func(context.Context, attio.Query) (attio.Page[T], error),
) (attio.Page[T], string, error) {
	pos, err := p.start(token)
	if err != nil {
		return attio.Page[T]{}, "", err
	}
	q, err := recordQuery(f, sorts, size, pos.Offset)
	if err != nil {
		return attio.Page[T]{}, "", err
	}
	page, err := fetch(ctx, q)
	if err != nil {
		return attio.Page[T]{}, "", upstreamError(err)
	}
	return page, nextPageToken(p, page), nil
}

// streamQuery streams a records or entries query from the resume token on (see streamPages).
func streamQuery[T any, M proto.Message](ctx context.Context, p pager, token string, f *attiov1.Filter, sorts []*attiov1.Sort, size int,
	fetch func(context.Context, attio.Query) (attio.Page[T], error),
	build func(items []T, resume string) M,
	send func(M) error,
) error {
	start, err := p.start(token)
	if err != nil {
		return err
	}
	if _, err := recordQuery(f, sorts, size, 0); err != nil {
		return err // refuse a bad filter before streaming anything
	}
	return streamPages(bulk(ctx), p, start, size,
		func(ctx context.Context, pos pageToken) (attio.Page[T], error) {
			q, _ := recordQuery(f, sorts, size, pos.Offset)
			return fetch(ctx, q)
		}, build, send)
}
