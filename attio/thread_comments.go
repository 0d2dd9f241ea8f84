package attio

import (
	"context"
	"net/url"
	"strconv"
)

// ThreadCommentsQuery pages through one thread's comments, oldest first
// (https://docs.attio.com/rest-api/endpoint-reference/threads/get-a-thread-and-its-comments:
// at most 250 comments a request, "keep paginating for as long as a next_cursor is returned",
// created_after keeps only later comments). Limit 0 leaves Attio's default (250).
type ThreadCommentsQuery struct {
	Limit        int
	Cursor       string
	CreatedAfter string // RFC 3339; "" for all comments
}

// ThreadPage is a thread with one page of its comments (in Thread.Comments and
// Comments.Items alike).
type ThreadPage struct {
	Thread   Thread
	Comments Page[Comment]
}

// threadEnvelope reads the cursor where the thread has it and, should Attio
// move it, from the usual pagination member too.
type threadEnvelope struct {
	Data       Thread `json:"data"`
	Pagination struct {
		NextCursor *string `json:"next_cursor"`
	} `json:"pagination"`
}

// GetThreadPage returns a thread and the page of its comments q selects. A
// response without paging fields (Attio before 2026) is one complete page.
func (c *Client) GetThreadPage(ctx context.Context, threadID string, q ThreadCommentsQuery) (ThreadPage, error) {
	v := url.Values{}
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	setIf(v, "cursor", q.Cursor)
	setIf(v, "created_after", q.CreatedAfter)
	var env threadEnvelope
	if err := c.do(ctx, call{ep: epGetThread, params: []string{threadID}, query: v, decode: decodeInto(&env)}); err != nil {
		return ThreadPage{}, err
	}
	next := env.Data.NextCursor
	if next == nil {
		next = env.Pagination.NextCursor
	}
	return ThreadPage{Thread: env.Data, Comments: cursorPage(env.Data.Comments, next)}, nil
}
