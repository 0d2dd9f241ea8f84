package server

import (
	"context"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
)

// CommentService serves attio.v1.CommentService.
type CommentService struct {
	client *attio.Client
}

var _ attiov1connect.CommentServiceHandler = (*CommentService)(nil)

const defaultThreadPage = 10

// CreateComment replies to a thread or starts one on a record or an entry.
func (s *CommentService) CreateComment(ctx context.Context, req *attiov1.CreateCommentRequest) (*attiov1.CreateCommentResponse, error) {
	in := attio.CommentInput{
		Content:   req.GetContent(),
		Author:    attio.CommentAuthor{Type: "workspace-member", ID: req.GetAuthorWorkspaceMemberId()},
		CreatedAt: fromTimestamp(req.GetCreatedAt()),
	}
	switch t := req.GetTarget().(type) {
	case *attiov1.CreateCommentRequest_ThreadId:
		in.ThreadID = t.ThreadId
	case *attiov1.CreateCommentRequest_Record:
		in.Record = &attio.CommentRecordInput{Object: t.Record.GetObject(), RecordID: t.Record.GetRecordId()}
	case *attiov1.CreateCommentRequest_Entry:
		in.Entry = &attio.CommentEntryInput{List: t.Entry.GetList(), EntryID: t.Entry.GetEntryId()}
	default:
		return nil, invalidArgument("target: one of thread_id, record or entry is required")
	}
	c, err := s.client.CreateComment(ctx, in)
	return reply(err, func() *attiov1.CreateCommentResponse { return &attiov1.CreateCommentResponse{Comment: toComment(&c)} })
}

// GetComment returns one comment.
func (s *CommentService) GetComment(ctx context.Context, req *attiov1.GetCommentRequest) (*attiov1.GetCommentResponse, error) {
	c, err := s.client.GetComment(ctx, req.GetCommentId())
	return reply(err, func() *attiov1.GetCommentResponse { return &attiov1.GetCommentResponse{Comment: toComment(&c)} })
}

// DeleteComment deletes a comment (its whole thread when it is the first one).
func (s *CommentService) DeleteComment(ctx context.Context, req *attiov1.DeleteCommentRequest) (*attiov1.DeleteCommentResponse, error) {
	if err := s.client.DeleteComment(ctx, req.GetCommentId()); err != nil {
		return nil, upstreamError(err)
	}
	return &attiov1.DeleteCommentResponse{}, nil
}

// ListThreads returns one page of the threads on a record or an entry.
func (s *CommentService) ListThreads(ctx context.Context, req *attiov1.ListThreadsRequest) (*attiov1.ListThreadsResponse, error) {
	p := newPager(ctx, attiov1connect.CommentServiceListThreadsProcedure, req)
	pos, err := p.start(req.GetPageToken())
	if err != nil {
		return nil, err
	}
	q := attio.ThreadQuery{Limit: pageSize(req.GetPageSize(), defaultThreadPage), Offset: int(pos.Offset)}
	switch t := req.GetTarget().(type) {
	case *attiov1.ListThreadsRequest_Record:
		q.Object, q.RecordID = t.Record.GetObject(), t.Record.GetRecordId()
	case *attiov1.ListThreadsRequest_Entry:
		q.List, q.EntryID = t.Entry.GetList(), t.Entry.GetEntryId()
	default:
		return nil, invalidArgument("target: one of record or entry is required")
	}
	page, err := s.client.ListThreadsPage(ctx, q)
	if err != nil {
		return nil, upstreamError(err)
	}
	out := &attiov1.ListThreadsResponse{Threads: make([]*attiov1.Thread, 0, len(page.Items)), NextPageToken: nextPageToken(p, page)}
	for i := range page.Items {
		out.Threads = append(out.Threads, toThread(&page.Items[i]))
	}
	return out, nil
}

func toComment(c *attio.Comment) *attiov1.Comment {
	x := extrasOf(c.Extra)
	out := &attiov1.Comment{
		Id:               &attiov1.CommentId{WorkspaceId: c.ID.WorkspaceID, CommentId: c.ID.CommentID},
		ThreadId:         c.ThreadID,
		ContentPlaintext: c.ContentPlaintext,
		Record:           &attiov1.CommentRecord{ObjectId: c.Record.ObjectID, RecordId: c.Record.RecordID},
		ResolvedAt:       x.timePtr("resolved_at", c.ResolvedAt),
		ResolvedBy:       actorOrNil(c.ResolvedBy),
		CreatedAt:        x.time("created_at", c.CreatedAt),
		Author:           toActor(&c.Author),
	}
	if c.Entry != nil {
		out.Entry = &attiov1.CommentEntry{ListId: c.Entry.ListID, EntryId: c.Entry.EntryID}
	}
	out.ExtraJson = x.json()
	return out
}

func toThread(t *attio.Thread) *attiov1.Thread {
	x := extrasOf(t.Extra)
	out := &attiov1.Thread{
		Id:              &attiov1.ThreadId{WorkspaceId: t.ID.WorkspaceID, ThreadId: t.ID.ThreadID},
		Comments:        make([]*attiov1.Comment, 0, len(t.Comments)),
		CreatedAt:       x.time("created_at", t.CreatedAt),
		HasMoreComments: t.HasMoreComments,
	}
	for i := range t.Comments {
		out.Comments = append(out.Comments, toComment(&t.Comments[i]))
	}
	out.ExtraJson = x.json()
	return out
}
