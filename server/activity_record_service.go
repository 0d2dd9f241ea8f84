package server

import (
	"context"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
)

// ActivityRecordService serves attio.v1.ActivityRecordService: activity records (beta) as Attio's
// reference pages under https://docs.attio.com/rest-api/endpoint-reference/activity-records/
// describe them. They are queried, paged and written as an object's records are, with the same
// filters, sorts and values.
type ActivityRecordService struct {
	client *attio.Client
}

var _ attiov1connect.ActivityRecordServiceHandler = (*ActivityRecordService)(nil)

// QueryActivityRecords returns one page of an activity's records.
func (s *ActivityRecordService) QueryActivityRecords(ctx context.Context, req *attiov1.QueryActivityRecordsRequest) (*attiov1.QueryActivityRecordsResponse, error) {
	p := newPager(ctx, attiov1connect.ActivityRecordServiceQueryActivityRecordsProcedure, req)
	page, next, err := queryPage(ctx, p, req.GetPageToken(), req.GetFilter(), req.GetSorts(), pageSize(req.GetPageSize(), defaultRecordPage),
		s.query(req.GetActivity()))
	return reply(err, func() *attiov1.QueryActivityRecordsResponse {
		return &attiov1.QueryActivityRecordsResponse{Records: page.Items, NextPageToken: next}
	})
}

// StreamActivityRecords walks every matching activity record, one message per upstream page.
func (s *ActivityRecordService) StreamActivityRecords(ctx context.Context, req *attiov1.StreamActivityRecordsRequest, stream attiov1connect.ActivityRecordServiceStreamActivityRecordsServerStream) error {
	p := newPager(ctx, attiov1connect.ActivityRecordServiceStreamActivityRecordsProcedure, req)
	return streamQuery(ctx, p, req.GetResumeToken(), req.GetFilter(), req.GetSorts(), pageSize(req.GetPageSize(), defaultRecordPage),
		s.query(req.GetActivity()),
		func(items []*attiov1.ActivityRecord, resume string) *attiov1.StreamActivityRecordsResponse {
			return &attiov1.StreamActivityRecordsResponse{Records: items, ResumeToken: resume}
		}, stream.Send)
}

func (s *ActivityRecordService) query(activity string) func(context.Context, attio.Query) (attio.Page[*attiov1.ActivityRecord], error) {
	return func(ctx context.Context, q attio.Query) (attio.Page[*attiov1.ActivityRecord], error) {
		return s.client.QueryActivityRecordMessages(ctx, activity, q)
	}
}

// GetActivityRecord returns one activity record.
func (s *ActivityRecordService) GetActivityRecord(ctx context.Context, req *attiov1.GetActivityRecordRequest) (*attiov1.GetActivityRecordResponse, error) {
	r, err := s.client.GetActivityRecordMessage(ctx, req.GetActivity(), req.GetRecordId())
	return reply(err, func() *attiov1.GetActivityRecordResponse { return &attiov1.GetActivityRecordResponse{Record: r} })
}

// write maps the values and performs one of the four writes that answer with the activity record.
func (s *ActivityRecordService) write(ctx context.Context, w attio.RecordWrite, activity, recordID, matching string, in map[string]*attiov1.ValueInputList) (*attiov1.ActivityRecord, error) {
	vals, err := valueInputs(in)
	if err != nil {
		return nil, err
	}
	return s.client.WriteActivityRecordMessage(ctx, w, activity, recordID, matching, vals)
}

// CreateActivityRecord logs an activity record.
func (s *ActivityRecordService) CreateActivityRecord(ctx context.Context, req *attiov1.CreateActivityRecordRequest) (*attiov1.CreateActivityRecordResponse, error) {
	r, err := s.write(ctx, attio.RecordCreate, req.GetActivity(), "", "", req.GetValues())
	return reply(err, func() *attiov1.CreateActivityRecordResponse { return &attiov1.CreateActivityRecordResponse{Record: r} })
}

// AssertActivityRecord creates or updates the activity record matching a unique attribute.
func (s *ActivityRecordService) AssertActivityRecord(ctx context.Context, req *attiov1.AssertActivityRecordRequest) (*attiov1.AssertActivityRecordResponse, error) {
	r, err := s.write(ctx, attio.RecordAssert, req.GetActivity(), "", req.GetMatchingAttribute(), req.GetValues())
	return reply(err, func() *attiov1.AssertActivityRecordResponse { return &attiov1.AssertActivityRecordResponse{Record: r} })
}

// UpdateActivityRecord appends (PATCH) or overwrites (PUT) an activity record's values.
func (s *ActivityRecordService) UpdateActivityRecord(ctx context.Context, req *attiov1.UpdateActivityRecordRequest) (*attiov1.UpdateActivityRecordResponse, error) {
	w := attio.RecordUpdate
	if req.GetMode() == attiov1.UpdateMode_UPDATE_MODE_OVERWRITE {
		w = attio.RecordOverwrite
	}
	r, err := s.write(ctx, w, req.GetActivity(), req.GetRecordId(), "", req.GetValues())
	return reply(err, func() *attiov1.UpdateActivityRecordResponse { return &attiov1.UpdateActivityRecordResponse{Record: r} })
}

// DeleteActivityRecord deletes an activity record.
func (s *ActivityRecordService) DeleteActivityRecord(ctx context.Context, req *attiov1.DeleteActivityRecordRequest) (*attiov1.DeleteActivityRecordResponse, error) {
	if err := s.client.DeleteActivityRecord(ctx, req.GetActivity(), req.GetRecordId()); err != nil {
		return nil, upstreamError(err)
	}
	return &attiov1.DeleteActivityRecordResponse{}, nil
}
