package server

import (
	"context"

	"google.golang.org/protobuf/proto"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
)

// EntryService serves attio.v1.EntryService.
type EntryService struct {
	client *attio.Client
}

var _ attiov1connect.EntryServiceHandler = (*EntryService)(nil)

func clearQueryEntriesPaging(m proto.Message) {
	r := m.(*attiov1.QueryEntriesRequest)
	r.PageToken, r.PageSize = "", 0
}

func clearStreamEntriesPaging(m proto.Message) {
	r := m.(*attiov1.StreamEntriesRequest)
	r.ResumeToken, r.PageSize = "", 0
}

// QueryEntries returns one page of entries.
func (s *EntryService) QueryEntries(ctx context.Context, req *attiov1.QueryEntriesRequest) (*attiov1.QueryEntriesResponse, error) {
	p := newPager(ctx, attiov1connect.EntryServiceQueryEntriesProcedure, req, clearQueryEntriesPaging)
	page, next, err := queryPage(ctx, p, req.GetPageToken(), req.GetFilter(), req.GetSorts(), pageSize(req.GetPageSize(), defaultRecordPage),
		func(ctx context.Context, q attio.Query) (attio.Page[attio.Entry], error) {
			return s.client.QueryEntriesPage(ctx, req.GetList(), q)
		})
	if err != nil {
		return nil, err
	}
	return &attiov1.QueryEntriesResponse{Entries: toEntries(page.Items), NextPageToken: next}, nil
}

// StreamEntries walks every matching entry, one message per upstream page.
func (s *EntryService) StreamEntries(ctx context.Context, req *attiov1.StreamEntriesRequest, stream attiov1connect.EntryServiceStreamEntriesServerStream) error {
	p := newPager(ctx, attiov1connect.EntryServiceStreamEntriesProcedure, req, clearStreamEntriesPaging)
	return streamQuery(ctx, p, req.GetResumeToken(), req.GetFilter(), req.GetSorts(), pageSize(req.GetPageSize(), defaultRecordPage),
		func(ctx context.Context, q attio.Query) (attio.Page[attio.Entry], error) {
			return s.client.QueryEntriesPage(ctx, req.GetList(), q)
		},
		func(items []attio.Entry, resume string) *attiov1.StreamEntriesResponse {
			return &attiov1.StreamEntriesResponse{Entries: toEntries(items), ResumeToken: resume}
		}, stream.Send)
}

// GetEntry returns one entry.
func (s *EntryService) GetEntry(ctx context.Context, req *attiov1.GetEntryRequest) (*attiov1.GetEntryResponse, error) {
	e, err := s.client.GetEntry(upstream(ctx), req.GetList(), req.GetEntryId())
	if err != nil {
		return nil, upstreamError(err)
	}
	return &attiov1.GetEntryResponse{Entry: toEntry(&e)}, nil
}

// CreateEntry adds a record to a list.
func (s *EntryService) CreateEntry(ctx context.Context, req *attiov1.CreateEntryRequest) (*attiov1.CreateEntryResponse, error) {
	vals, err := valueInputs(req.GetEntryValues())
	if err != nil {
		return nil, err
	}
	e, err := s.client.CreateEntry(upstream(ctx), req.GetList(), attio.EntryInput{
		ParentRecordID: req.GetParentRecordId(), ParentObject: req.GetParentObject(), EntryValues: vals,
	})
	if err != nil {
		return nil, upstreamError(err)
	}
	return &attiov1.CreateEntryResponse{Entry: toEntry(&e)}, nil
}

// UpdateEntry appends (PATCH) or overwrites (PUT) an entry's values.
func (s *EntryService) UpdateEntry(ctx context.Context, req *attiov1.UpdateEntryRequest) (*attiov1.UpdateEntryResponse, error) {
	vals, err := valueInputs(req.GetEntryValues())
	if err != nil {
		return nil, err
	}
	update := s.client.UpdateEntry
	if req.GetMode() == attiov1.UpdateMode_UPDATE_MODE_OVERWRITE {
		update = s.client.OverwriteEntry
	}
	e, err := update(upstream(ctx), req.GetList(), req.GetEntryId(), vals)
	if err != nil {
		return nil, upstreamError(err)
	}
	return &attiov1.UpdateEntryResponse{Entry: toEntry(&e)}, nil
}

// AssertEntry creates or updates the parent record's entry.
func (s *EntryService) AssertEntry(ctx context.Context, req *attiov1.AssertEntryRequest) (*attiov1.AssertEntryResponse, error) {
	vals, err := valueInputs(req.GetEntryValues())
	if err != nil {
		return nil, err
	}
	e, err := s.client.AssertEntry(upstream(ctx), req.GetList(), attio.EntryInput{
		ParentRecordID: req.GetParentRecordId(), ParentObject: req.GetParentObject(), EntryValues: vals,
	})
	if err != nil {
		return nil, upstreamError(err)
	}
	return &attiov1.AssertEntryResponse{Entry: toEntry(&e)}, nil
}

// DeleteEntry removes an entry.
func (s *EntryService) DeleteEntry(ctx context.Context, req *attiov1.DeleteEntryRequest) (*attiov1.DeleteEntryResponse, error) {
	if err := s.client.DeleteEntry(upstream(ctx), req.GetList(), req.GetEntryId()); err != nil {
		return nil, upstreamError(err)
	}
	return &attiov1.DeleteEntryResponse{}, nil
}

func clearEntryValuesPaging(m proto.Message) {
	r := m.(*attiov1.ListEntryAttributeValuesRequest)
	r.PageToken, r.PageSize = "", 0
}

// ListEntryAttributeValues returns one page of an entry attribute's values.
func (s *EntryService) ListEntryAttributeValues(ctx context.Context, req *attiov1.ListEntryAttributeValuesRequest) (*attiov1.ListEntryAttributeValuesResponse, error) {
	p := newPager(ctx, attiov1connect.EntryServiceListEntryAttributeValuesProcedure, req, clearEntryValuesPaging)
	pos, err := p.start(req.GetPageToken())
	if err != nil {
		return nil, err
	}
	page, err := s.client.EntryValuesPage(upstream(ctx), req.GetList(), req.GetEntryId(), req.GetAttribute(), attio.ValuesQuery{
		ShowHistoric: req.GetShowHistoric(), Limit: pageSize(req.GetPageSize(), defaultPageSize), Offset: int(pos.Offset),
	})
	if err != nil {
		return nil, upstreamError(err)
	}
	return &attiov1.ListEntryAttributeValuesResponse{Values: toValueList(page.Items).Values, NextPageToken: nextPageToken(p, page)}, nil
}

func toEntry(e *attio.Entry) *attiov1.Entry {
	x := extrasOf(e.Extra)
	return &attiov1.Entry{
		Id:             &attiov1.EntryId{WorkspaceId: e.ID.WorkspaceID, ListId: e.ID.ListID, EntryId: e.ID.EntryID},
		ParentRecordId: e.ParentRecordID,
		ParentObject:   e.ParentObject,
		CreatedAt:      x.time("created_at", e.CreatedAt),
		EntryValues:    toValueMap(e.EntryValues),
		ExtraJson:      x.json(),
	}
}

func toEntries(es []attio.Entry) []*attiov1.Entry {
	out := make([]*attiov1.Entry, 0, len(es))
	for i := range es {
		out = append(out, toEntry(&es[i]))
	}
	return out
}
