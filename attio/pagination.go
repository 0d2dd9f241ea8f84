package attio

import (
	"context"
	"encoding/json"
	"iter"
	"net/url"
	"strconv"
)

// Page is one upstream page of a list endpoint.
//
// Offset-paged endpoints: a page shorter than the limit asked for is the
// last one; otherwise More is true and NextOffset is the offset to ask for
// next (that page may turn out empty). Cursor-paged endpoints: More is true
// while Attio returned a next_cursor, which is in NextCursor.
type Page[T any] struct {
	Items      []T
	More       bool
	NextOffset int
	NextCursor string
}

func offsetPage[T any](items []T, offset, limit int) Page[T] {
	more := len(items) > 0 && len(items) >= limit
	return Page[T]{Items: items, More: more, NextOffset: offset + len(items)}
}

func cursorPage[T any](items []T, next *string) Page[T] {
	p := Page[T]{Items: items}
	if next != nil && *next != "" {
		p.More, p.NextCursor = true, *next
	}
	return p
}

// pageCursor is where a walk resumes.
type pageCursor struct {
	offset int
	cursor string
}

// walk yields the items of successive pages. It fetches lazily: nothing is
// requested after the consumer stops, and a done ctx ends it with ctx's error.
func walk[T any](ctx context.Context, start pageCursor, fetch func(pageCursor) (Page[T], error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		at := start
		for {
			if err := ctx.Err(); err != nil {
				yield(zero, err)
				return
			}
			p, err := fetch(at)
			if err != nil {
				yield(zero, err)
				return
			}
			for _, it := range p.Items {
				if !yield(it, nil) {
					return
				}
			}
			if !p.More {
				return
			}
			at = pageCursor{offset: p.NextOffset, cursor: p.NextCursor}
		}
	}
}

// dataEnvelope is Attio's {"data": ...} wrapper.
type dataEnvelope[T any] struct {
	Data T `json:"data"`
}

// cursorEnvelope adds cursor pagination.
type cursorEnvelope[T any] struct {
	Data       T `json:"data"`
	Pagination struct {
		NextCursor *string `json:"next_cursor"`
	} `json:"pagination"`
}

func decodeInto[T any](dst *T) func(*json.Decoder) error {
	return func(d *json.Decoder) error {
		var zero T
		*dst = zero
		return d.Decode(dst)
	}
}

// getData performs cl and returns the "data" member of the answer.
func getData[T any](c *Client, ctx context.Context, cl call) (T, error) {
	var env dataEnvelope[T]
	cl.decode = decodeInto(&env)
	err := c.do(ctx, cl)
	return env.Data, err
}

func withLimit(limit, def int) int {
	if limit <= 0 {
		return def
	}
	return limit
}

// pageQuery adds limit/offset to query-string paged GETs.
func pageQuery(q url.Values, limit, offset int) url.Values {
	if q == nil {
		q = url.Values{}
	}
	q.Set("limit", strconv.Itoa(limit))
	if offset > 0 {
		q.Set("offset", strconv.Itoa(offset))
	}
	return q
}

// offsetGET fetches one page of a limit/offset GET list.
func offsetGET[T any](c *Client, ctx context.Context, ep *endpoint, params []string, q url.Values, limit, offset int) (Page[T], error) {
	items, err := getData[[]T](c, ctx, call{ep: ep, params: params, query: pageQuery(q, limit, offset)})
	if err != nil {
		return Page[T]{}, err
	}
	return offsetPage(items, offset, limit), nil
}

// cursorGET fetches one page of a cursor GET list.
func cursorGET[T any](c *Client, ctx context.Context, ep *endpoint, params []string, q url.Values) (Page[T], error) {
	var env cursorEnvelope[[]T]
	err := c.do(ctx, call{ep: ep, params: params, query: q, decode: decodeInto(&env)})
	if err != nil {
		return Page[T]{}, err
	}
	return cursorPage(env.Data, env.Pagination.NextCursor), nil
}

func setIf(q url.Values, key, val string) {
	if val != "" {
		q.Set(key, val)
	}
}

func setBool(q url.Values, key string, val *bool) {
	if val != nil {
		q.Set(key, strconv.FormatBool(*val))
	}
}
