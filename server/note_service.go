package server

import (
	"context"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
)

// NoteService serves attio.v1.NoteService.
type NoteService struct {
	client *attio.Client
}

var _ attiov1connect.NoteServiceHandler = (*NoteService)(nil)

const (
	defaultNotePage       = 10
	defaultNoteStreamPage = 50
)

var contentFormats = wireNames[attiov1.ContentFormat](snakeCase)

// notes is the notes the filter selects, in upstream pages.
func (s *NoteService) notes(f *attiov1.NoteFilter) filtered[attio.NoteQuery, attio.Note] {
	return filtered[attio.NoteQuery, attio.Note]{
		query: func(size int, pos pageToken) (attio.NoteQuery, error) { return noteQuery(f, size, pos.Offset) },
		fetch: s.client.ListNotesPage,
	}
}

// noteQuery refuses parent_object without parent_record_id, as the contract documents.
func noteQuery(f *attiov1.NoteFilter, limit int, offset int64) (attio.NoteQuery, error) {
	if f.GetParentObject() != "" && f.GetParentRecordId() == "" {
		return attio.NoteQuery{}, invalidArgument("filter: parent_object needs parent_record_id")
	}
	return attio.NoteQuery{Limit: limit, Offset: int(offset), ParentObject: f.GetParentObject(), ParentRecordID: f.GetParentRecordId()}, nil
}

// ListNotes returns one page of notes.
func (s *NoteService) ListNotes(ctx context.Context, req *attiov1.ListNotesRequest) (*attiov1.ListNotesResponse, error) {
	notes, next, err := s.notes(req.GetFilter()).page(ctx, attiov1connect.NoteServiceListNotesProcedure, req, defaultNotePage)
	return reply(err, func() *attiov1.ListNotesResponse {
		return &attiov1.ListNotesResponse{Notes: toNotes(notes), NextPageToken: next}
	})
}

// StreamNotes walks every matching note, one message per upstream page.
func (s *NoteService) StreamNotes(ctx context.Context, req *attiov1.StreamNotesRequest, stream attiov1connect.NoteServiceStreamNotesServerStream) error {
	return streamFiltered(ctx, s.notes(req.GetFilter()), attiov1connect.NoteServiceStreamNotesProcedure, req, defaultNoteStreamPage, stream.Send,
		func(items []attio.Note, resume string) *attiov1.StreamNotesResponse {
			return &attiov1.StreamNotesResponse{Notes: toNotes(items), ResumeToken: resume}
		})
}

// GetNote returns one note.
func (s *NoteService) GetNote(ctx context.Context, req *attiov1.GetNoteRequest) (*attiov1.GetNoteResponse, error) {
	n, err := s.client.GetNote(ctx, req.GetNoteId())
	return reply(err, func() *attiov1.GetNoteResponse { return &attiov1.GetNoteResponse{Note: toNote(&n)} })
}

// CreateNote attaches a note to a record; UNSPECIFIED format is plain text.
func (s *NoteService) CreateNote(ctx context.Context, req *attiov1.CreateNoteRequest) (*attiov1.CreateNoteResponse, error) {
	format := enumName(contentFormats, req.GetFormat())
	if format == "" {
		format = "plaintext"
	}
	in := attio.NoteInput{
		ParentObject:   req.GetParentObject(),
		ParentRecordID: req.GetParentRecordId(),
		Title:          req.GetTitle(),
		Format:         format,
		Content:        req.GetContent(),
		CreatedAt:      fromTimestamp(req.GetCreatedAt()),
	}
	if m := req.GetMeetingId(); m != "" {
		in.MeetingID = &m
	}
	n, err := s.client.CreateNote(ctx, in)
	return reply(err, func() *attiov1.CreateNoteResponse { return &attiov1.CreateNoteResponse{Note: toNote(&n)} })
}

// DeleteNote deletes a note.
func (s *NoteService) DeleteNote(ctx context.Context, req *attiov1.DeleteNoteRequest) (*attiov1.DeleteNoteResponse, error) {
	if err := s.client.DeleteNote(ctx, req.GetNoteId()); err != nil {
		return nil, upstreamError(err)
	}
	return &attiov1.DeleteNoteResponse{}, nil
}

// toNoteTag maps a mention; a tag type this contract does not know stays in the list with no tag
// set, so positions and counts still match Attio's.
func toNoteTag(t attio.NoteTag) *attiov1.NoteTag {
	switch t.Type {
	case "workspace-member":
		return &attiov1.NoteTag{Tag: &attiov1.NoteTag_WorkspaceMemberId{WorkspaceMemberId: t.WorkspaceMemberID}}
	case "record":
		return &attiov1.NoteTag{Tag: &attiov1.NoteTag_Record{Record: &attiov1.NoteRecordTag{Object: t.Object, RecordId: t.RecordID}}}
	}
	return &attiov1.NoteTag{}
}

func toNote(n *attio.Note) *attiov1.Note {
	x := extrasOf(n.Extra)
	out := &attiov1.Note{
		Id:               &attiov1.NoteId{WorkspaceId: n.ID.WorkspaceID, NoteId: n.ID.NoteID},
		ParentObject:     n.ParentObject,
		ParentRecordId:   n.ParentRecordID,
		Title:            n.Title,
		MeetingId:        n.MeetingID,
		ContentPlaintext: n.ContentPlaintext,
		ContentMarkdown:  n.ContentMarkdown,
		Tags:             make([]*attiov1.NoteTag, 0, len(n.Tags)),
		CreatedByActor:   toActor(&n.CreatedByActor),
		CreatedAt:        x.time("created_at", n.CreatedAt),
	}
	for _, t := range n.Tags {
		out.Tags = append(out.Tags, toNoteTag(t))
	}
	out.ExtraJson = x.json()
	return out
}

func toNotes(ns []attio.Note) []*attiov1.Note {
	out := make([]*attiov1.Note, 0, len(ns))
	for i := range ns {
		out = append(out, toNote(&ns[i]))
	}
	return out
}
