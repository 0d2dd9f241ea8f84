package server

import (
	"context"

	"connectrpc.com/connect/v2"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
)

// RecordService serves attio.v1.RecordService.
type RecordService struct {
	client *attio.Client
}

var _ attiov1connect.RecordServiceHandler = (*RecordService)(nil)

const defaultRecordPage = 500

// QueryRecords returns one page of records.
func (s *RecordService) QueryRecords(ctx context.Context, req *attiov1.QueryRecordsRequest) (*attiov1.QueryRecordsResponse, error) {
	records, next, err := s.records().page(ctx, attiov1connect.RecordServiceQueryRecordsProcedure, req.GetObject(), req)
	return reply(err, func() *attiov1.QueryRecordsResponse {
		return &attiov1.QueryRecordsResponse{Records: records, NextPageToken: next}
	})
}

// StreamRecords walks every matching record, one message per upstream page, in the view asked for.
func (s *RecordService) StreamRecords(ctx context.Context, req *attiov1.StreamRecordsRequest, stream attiov1connect.RecordServiceStreamRecordsServerStream) error {
	return streamCollection(ctx, s.records(), attiov1connect.RecordServiceStreamRecordsProcedure, req.GetObject(), req, stream.Send,
		func(records []*attiov1.Record, raw [][]byte, resume string) *attiov1.StreamRecordsResponse {
			return &attiov1.StreamRecordsResponse{Records: records, AttioJson: raw, ResumeToken: resume}
		})
}

// GetRecord returns one record.
func (s *RecordService) GetRecord(ctx context.Context, req *attiov1.GetRecordRequest) (*attiov1.GetRecordResponse, error) {
	r, err := s.client.GetRecordMessage(ctx, req.GetObject(), req.GetRecordId())
	return reply(err, func() *attiov1.GetRecordResponse { return &attiov1.GetRecordResponse{Record: r} })
}

// CreateRecord creates a record.
func (s *RecordService) CreateRecord(ctx context.Context, req *attiov1.CreateRecordRequest) (*attiov1.CreateRecordResponse, error) {
	vals, err := valueInputs(req.GetValues())
	if err != nil {
		return nil, err
	}
	r, err := s.client.WriteRecordMessage(ctx, attio.RecordCreate, req.GetObject(), "", "", vals)
	return reply(err, func() *attiov1.CreateRecordResponse { return &attiov1.CreateRecordResponse{Record: r} })
}

// UpdateRecord appends (PATCH) or overwrites (PUT) a record's values.
func (s *RecordService) UpdateRecord(ctx context.Context, req *attiov1.UpdateRecordRequest) (*attiov1.UpdateRecordResponse, error) {
	vals, err := valueInputs(req.GetValues())
	if err != nil {
		return nil, err
	}
	w := attio.RecordUpdate
	if req.GetMode() == attiov1.UpdateMode_UPDATE_MODE_OVERWRITE {
		w = attio.RecordOverwrite
	}
	r, err := s.client.WriteRecordMessage(ctx, w, req.GetObject(), req.GetRecordId(), "", vals)
	return reply(err, func() *attiov1.UpdateRecordResponse { return &attiov1.UpdateRecordResponse{Record: r} })
}

// AssertRecord creates or updates the record matching a unique attribute.
func (s *RecordService) AssertRecord(ctx context.Context, req *attiov1.AssertRecordRequest) (*attiov1.AssertRecordResponse, error) {
	vals, err := valueInputs(req.GetValues())
	if err != nil {
		return nil, err
	}
	r, err := s.client.WriteRecordMessage(ctx, attio.RecordAssert, req.GetObject(), "", req.GetMatchingAttribute(), vals)
	return reply(err, func() *attiov1.AssertRecordResponse { return &attiov1.AssertRecordResponse{Record: r} })
}

// DeleteRecord deletes a record.
func (s *RecordService) DeleteRecord(ctx context.Context, req *attiov1.DeleteRecordRequest) (*attiov1.DeleteRecordResponse, error) {
	if err := s.client.DeleteRecord(ctx, req.GetObject(), req.GetRecordId()); err != nil {
		return nil, upstreamError(err)
	}
	return &attiov1.DeleteRecordResponse{}, nil
}

// SearchRecords searches records across objects.
func (s *RecordService) SearchRecords(ctx context.Context, req *attiov1.SearchRecordsRequest) (*attiov1.SearchRecordsResponse, error) {
	res, err := s.client.SearchRecords(ctx, attio.SearchRequest{
		Query:     req.GetQuery(),
		Objects:   req.GetObjects(),
		Limit:     int(req.GetLimit()),
		RequestAs: searchRequestAs(req),
	})
	if err != nil {
		return nil, upstreamError(err)
	}
	out := &attiov1.SearchRecordsResponse{Results: make([]*attiov1.RecordSearchResult, 0, len(res))}
	for _, r := range res {
		out.Results = append(out.Results, &attiov1.RecordSearchResult{
			Id:             toRecordID(r.ID),
			RecordText:     r.RecordText,
			RecordImage:    r.RecordImage,
			ObjectSlug:     r.ObjectSlug,
			EmailAddresses: r.EmailAddresses,
			PhoneNumbers:   r.PhoneNumbers,
			Domains:        r.Domains,
		})
	}
	return out, nil
}

// searchRequestAs is whose view the search sees: the workspace unless the caller names a member.
func searchRequestAs(req *attiov1.SearchRecordsRequest) *attio.SearchAs {
	return &attio.SearchAs{WorkspaceMemberID: req.GetAsWorkspaceMemberId(), EmailAddress: req.GetAsWorkspaceMemberEmail()}
}

// ListRecordAttributeValues returns one page of an attribute's values.
func (s *RecordService) ListRecordAttributeValues(ctx context.Context, req *attiov1.ListRecordAttributeValuesRequest) (*attiov1.ListRecordAttributeValuesResponse, error) {
	p := newPager(ctx, attiov1connect.RecordServiceListRecordAttributeValuesProcedure, req)
	pos, err := p.start(req.GetPageToken())
	if err != nil {
		return nil, err
	}
	page, err := s.client.RecordValueMessages(ctx, req.GetObject(), req.GetRecordId(), req.GetAttribute(), attio.ValuesQuery{
		ShowHistoric: req.GetShowHistoric(), Limit: pageSize(req.GetPageSize(), defaultPageSize), Offset: int(pos.Offset),
	})
	if err != nil {
		return nil, upstreamError(err)
	}
	return &attiov1.ListRecordAttributeValuesResponse{Values: page.Items, NextPageToken: nextPageToken(p, page)}, nil
}

// ListRecordEntries returns one page of the list entries of a record.
func (s *RecordService) ListRecordEntries(ctx context.Context, req *attiov1.ListRecordEntriesRequest) (*attiov1.ListRecordEntriesResponse, error) {
	p := newPager(ctx, attiov1connect.RecordServiceListRecordEntriesProcedure, req)
	pos, err := p.start(req.GetPageToken())
	if err != nil {
		return nil, err
	}
	page, err := s.client.RecordEntriesPage(ctx, req.GetObject(), req.GetRecordId(), attio.PageQuery{Limit: pageSize(req.GetPageSize(), defaultPageSize), Offset: int(pos.Offset)})
	if err != nil {
		return nil, upstreamError(err)
	}
	out := &attiov1.ListRecordEntriesResponse{NextPageToken: nextPageToken(p, page)}
	for _, e := range page.Items {
		out.Entries = append(out.Entries, &attiov1.RecordEntry{ListId: e.ListID, ListApiSlug: e.ListAPISlug, EntryId: e.EntryID, CreatedAt: toTimestamp(e.CreatedAt)})
	}
	return out, nil
}

// valueInputs maps write values; a value the mapper cannot express is the caller's error.
func valueInputs(m map[string]*attiov1.ValueInputList) (attio.Values, error) {
	vals, err := fromValueInputs(m)
	if err != nil {
		return nil, connect.NewError(connect.CodeInvalidArgument, err.Error())
	}
	return vals, nil
}

func toRecordID(id attio.RecordID) *attiov1.RecordId {
	return &attiov1.RecordId{WorkspaceId: id.WorkspaceID, ObjectId: id.ObjectID, RecordId: id.RecordID}
}

// records are the records of an object.
func (s *RecordService) records() collection[*attiov1.Record] {
	return collection[*attiov1.Record]{typed: s.client.QueryRecordMessages, raw: s.client.QueryRecordsJSON, view: s.client.GetObjectView}
}
