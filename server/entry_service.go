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
	p := newPager(ctx, attiov1connect.EntryServiceQueryEntriesProcedure, req)
	filter, sorts, err := s.asViewShows(ctx, req.GetList(), req.GetViewId(), req.GetFilter(), req.GetSorts())
	if err != nil {
		return nil, err
	}
	page, next, err := queryPage(ctx, p, req.GetPageToken(), filter, sorts, pageSize(req.GetPageSize(), defaultRecordPage),
		func(ctx context.Context, q attio.Query) (attio.Page[*attiov1.Entry], error) {
			return s.client.QueryEntryMessages(ctx, req.GetList(), q)
		})
	if err != nil {
		return nil, err
	}
	return &attiov1.QueryEntriesResponse{Entries: page.Items, NextPageToken: next}, nil
}

// StreamEntries walks every matching entry, one message per upstream page.
func (s *EntryService) StreamEntries(ctx context.Context, req *attiov1.StreamEntriesRequest, stream attiov1connect.EntryServiceStreamEntriesServerStream) error {
	p := newPager(ctx, attiov1connect.EntryServiceStreamEntriesProcedure, req)
	size := pageSize(req.GetPageSize(), defaultRecordPage)
	filter, sorts, err := s.asViewShows(ctx, req.GetList(), req.GetViewId(), req.GetFilter(), req.GetSorts())
	if err != nil {
		return err
	}
	if req.GetView() == attiov1.View_VIEW_ATTIO_JSON {
		return streamQuery(ctx, p, req.GetResumeToken(), filter, sorts, size,
			func(ctx context.Context, q attio.Query) (attio.Page[attio.RawItem], error) {
				return s.client.QueryEntriesJSON(ctx, req.GetList(), q)
			},
			func(items []attio.RawItem, resume string) *attiov1.StreamEntriesResponse {
				return &attiov1.StreamEntriesResponse{AttioJson: rawJSON(items), ResumeToken: resume}
			}, stream.Send)
	}
	return streamQuery(ctx, p, req.GetResumeToken(), filter, sorts, size,
		func(ctx context.Context, q attio.Query) (attio.Page[*attiov1.Entry], error) {
			return s.client.QueryEntryMessages(ctx, req.GetList(), q)
		},
		func(items []*attiov1.Entry, resume string) *attiov1.StreamEntriesResponse {
			return &attiov1.StreamEntriesResponse{Entries: items, ResumeToken: resume}
		}, stream.Send)
}

// GetEntry returns one entry.
func (s *EntryService) GetEntry(ctx context.Context, req *attiov1.GetEntryRequest) (*attiov1.GetEntryResponse, error) {
	e, err := s.client.GetEntryMessage(ctx, req.GetList(), req.GetEntryId())
	if err != nil {
		return nil, upstreamError(err)
	}
	return &attiov1.GetEntryResponse{Entry: e}, nil
}

// CreateEntry adds a record to a list.
func (s *EntryService) CreateEntry(ctx context.Context, req *attiov1.CreateEntryRequest) (*attiov1.CreateEntryResponse, error) {
	vals, err := valueInputs(req.GetEntryValues())
	if err != nil {
		return nil, err
	}
	e, err := s.client.WriteEntryMessage(ctx, attio.EntryCreate, req.GetList(), "", attio.EntryInput{
		ParentRecordID: req.GetParentRecordId(), ParentObject: req.GetParentObject(), EntryValues: vals,
	}, nil)
	if err != nil {
		return nil, upstreamError(err)
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
	if err != nil {
		return nil, upstreamError(err)
	}
	return &attiov1.UpdateEntryResponse{Entry: e}, nil
}

// AssertEntry creates or updates the parent record's entry.
func (s *EntryService) AssertEntry(ctx context.Context, req *attiov1.AssertEntryRequest) (*attiov1.AssertEntryResponse, error) {
	vals, err := valueInputs(req.GetEntryValues())
	if err != nil {
		return nil, err
	}
	e, err := s.client.WriteEntryMessage(ctx, attio.EntryAssert, req.GetList(), "", attio.EntryInput{
		ParentRecordID: req.GetParentRecordId(), ParentObject: req.GetParentObject(), EntryValues: vals,
	}, nil)
	if err != nil {
		return nil, upstreamError(err)
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

// asViewShows applies a view of the list to a query (see the package function).
func (s *EntryService) asViewShows(ctx context.Context, list, viewID string, f *attiov1.Filter, sorts []*attiov1.Sort) (*attiov1.Filter, []*attiov1.Sort, error) {
	return asViewShows(ctx, viewID, f, sorts, func(ctx context.Context, id string) (attio.SavedView, error) {
		return s.client.GetListView(ctx, list, id)
	})
}
