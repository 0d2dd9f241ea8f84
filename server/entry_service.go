package server

import (
	"context"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
)

// EntryService serves attio.v1.EntryService.
type EntryService struct {
	client *attio.Client
}

var _ attiov1connect.EntryServiceHandler = (*EntryService)(nil)

// QueryEntries returns one page of entries.
func (s *EntryService) QueryEntries(ctx context.Context, req *attiov1.QueryEntriesRequest) (*attiov1.QueryEntriesResponse, error) {
	entries, next, err := s.entries().page(ctx, attiov1connect.EntryServiceQueryEntriesProcedure, req.GetList(), req)
	return reply(err, func() *attiov1.QueryEntriesResponse {
		return &attiov1.QueryEntriesResponse{Entries: entries, NextPageToken: next}
	})
}

// StreamEntries walks every matching entry, one message per upstream page.
func (s *EntryService) StreamEntries(ctx context.Context, req *attiov1.StreamEntriesRequest, stream attiov1connect.EntryServiceStreamEntriesServerStream) error {
	return streamCollection(ctx, s.entries(), attiov1connect.EntryServiceStreamEntriesProcedure, req.GetList(), req, stream.Send,
		func(entries []*attiov1.Entry, raw [][]byte, resume string) *attiov1.StreamEntriesResponse {
			return &attiov1.StreamEntriesResponse{Entries: entries, AttioJson: raw, ResumeToken: resume}
		})
}

// GetEntry returns one entry.
func (s *EntryService) GetEntry(ctx context.Context, req *attiov1.GetEntryRequest) (*attiov1.GetEntryResponse, error) {
	e, err := s.client.GetEntryMessage(ctx, req.GetList(), req.GetEntryId())
	return reply(err, func() *attiov1.GetEntryResponse { return &attiov1.GetEntryResponse{Entry: e} })
}

// CreateEntry adds a record to a list.
func (s *EntryService) CreateEntry(ctx context.Context, req *attiov1.CreateEntryRequest) (*attiov1.CreateEntryResponse, error) {
	e, err := s.writeParentEntry(ctx, attio.EntryCreate, req)
	if err != nil {
		return nil, err
	}
	return &attiov1.CreateEntryResponse{Entry: e}, nil
}

// UpdateEntry appends (PATCH) or overwrites (PUT) an entry's values.
func (s *EntryService) UpdateEntry(ctx context.Context, req *attiov1.UpdateEntryRequest) (*attiov1.UpdateEntryResponse, error) {
	vals, err := valueInputs(req.GetEntryValues())
	if err != nil {
		return nil, err
	}
	w := attio.EntryUpdate
	if req.GetMode() == attiov1.UpdateMode_UPDATE_MODE_OVERWRITE {
		w = attio.EntryOverwrite
	}
	e, err := s.client.WriteEntryMessage(ctx, w, req.GetList(), req.GetEntryId(), attio.EntryInput{}, vals)
	return reply(err, func() *attiov1.UpdateEntryResponse { return &attiov1.UpdateEntryResponse{Entry: e} })
}

// AssertEntry creates or updates the parent record's entry.
func (s *EntryService) AssertEntry(ctx context.Context, req *attiov1.AssertEntryRequest) (*attiov1.AssertEntryResponse, error) {
	e, err := s.writeParentEntry(ctx, attio.EntryAssert, req)
	if err != nil {
		return nil, err
	}
	return &attiov1.AssertEntryResponse{Entry: e}, nil
}

// DeleteEntry removes an entry.
func (s *EntryService) DeleteEntry(ctx context.Context, req *attiov1.DeleteEntryRequest) (*attiov1.DeleteEntryResponse, error) {
	if err := s.client.DeleteEntry(ctx, req.GetList(), req.GetEntryId()); err != nil {
		return nil, upstreamError(err)
	}
	return &attiov1.DeleteEntryResponse{}, nil
}

// ListEntryAttributeValues returns one page of an entry attribute's values.
func (s *EntryService) ListEntryAttributeValues(ctx context.Context, req *attiov1.ListEntryAttributeValuesRequest) (*attiov1.ListEntryAttributeValuesResponse, error) {
	p := newPager(ctx, attiov1connect.EntryServiceListEntryAttributeValuesProcedure, req)
	pos, err := p.start(req.GetPageToken())
	if err != nil {
		return nil, err
	}
	page, err := s.client.EntryValueMessages(ctx, req.GetList(), req.GetEntryId(), req.GetAttribute(), attio.ValuesQuery{
		ShowHistoric: req.GetShowHistoric(), Limit: pageSize(req.GetPageSize(), defaultPageSize), Offset: int(pos.Offset),
	})
	if err != nil {
		return nil, upstreamError(err)
	}
	return &attiov1.ListEntryAttributeValuesResponse{Values: page.Items, NextPageToken: nextPageToken(p, page)}, nil
}

// parentEntryRequest creates or asserts the entry of a parent record.
type parentEntryRequest interface {
	GetList() string
	GetParentRecordId() string
	GetParentObject() string
	GetEntryValues() map[string]*attiov1.ValueInputList
}

// writeParentEntry creates or asserts (w) the parent record's entry in the request's list.
func (s *EntryService) writeParentEntry(ctx context.Context, w attio.EntryWrite, req parentEntryRequest) (*attiov1.Entry, error) {
	vals, err := valueInputs(req.GetEntryValues())
	if err != nil {
		return nil, err
	}
	e, err := s.client.WriteEntryMessage(ctx, w, req.GetList(), "", attio.EntryInput{
		ParentRecordID: req.GetParentRecordId(), ParentObject: req.GetParentObject(), EntryValues: vals,
	}, nil)
	return e, upstreamError(err)
}

// entries are the entries of a list.
func (s *EntryService) entries() collection[*attiov1.Entry] {
	return collection[*attiov1.Entry]{typed: s.client.QueryEntryMessages, raw: s.client.QueryEntriesJSON, view: s.client.GetListView}
}
