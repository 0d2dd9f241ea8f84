package server

import (
	"context"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
)

// Attio returns at most 250 comments a request (its default too).
const maxThreadCommentsPage = 250

// GetThread returns one thread with one page of its comments. Attio pages a thread's comments by
// cursor since 2026; an older Attio answers with every comment and no cursor, which is one page.
func (s *CommentService) GetThread(ctx context.Context, req *attiov1.GetThreadRequest) (*attiov1.GetThreadResponse, error) {
	p := newPager(ctx, attiov1connect.CommentServiceGetThreadProcedure, req)
	pos, err := p.start(req.GetPageToken())
	if err != nil {
		return nil, err
	}
	tp, err := s.client.GetThreadPage(ctx, req.GetThreadId(), attio.ThreadCommentsQuery{
		Limit: int(req.GetPageSize()), Cursor: pos.Cursor, CreatedAfter: fromTimestamp(req.GetCreatedAfter()),
	})
	if err != nil {
		return nil, upstreamError(err)
	}
	return &attiov1.GetThreadResponse{Thread: toThread(&tp.Thread), NextPageToken: nextPageToken(p, tp.Comments)}, nil
}

// StreamThreadComments walks all of a thread's comments, one message per upstream page.
func (s *CommentService) StreamThreadComments(ctx context.Context, req *attiov1.StreamThreadCommentsRequest, stream attiov1connect.CommentServiceStreamThreadCommentsServerStream) error {
	p := newPager(ctx, attiov1connect.CommentServiceStreamThreadCommentsProcedure, req)
	start, err := p.start(req.GetResumeToken())
	if err != nil {
		return err
	}
	size := pageSize(req.GetPageSize(), maxThreadCommentsPage)
	after := fromTimestamp(req.GetCreatedAfter())
	return streamPages(bulk(ctx), p, start, size,
		func(ctx context.Context, pos pageToken) (attio.Page[attio.Comment], error) {
			tp, err := s.client.GetThreadPage(ctx, req.GetThreadId(), attio.ThreadCommentsQuery{Limit: size, Cursor: pos.Cursor, CreatedAfter: after})
			return tp.Comments, err
		},
		func(items []attio.Comment, resume string) *attiov1.StreamThreadCommentsResponse {
			out := &attiov1.StreamThreadCommentsResponse{Comments: make([]*attiov1.Comment, 0, len(items)), ResumeToken: resume}
			for i := range items {
				out.Comments = append(out.Comments, toComment(&items[i]))
			}
			return out
		}, stream.Send)
}
