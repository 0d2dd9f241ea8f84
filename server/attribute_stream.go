package server

import (
	"context"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
)

// StreamAttributes walks the attributes of an object, a list or an activity, one message per
// upstream page (Attio pages attributes by limit and offset), resumable at the offset a token
// carries.
func (s *AttributeService) StreamAttributes(ctx context.Context, req *attiov1.StreamAttributesRequest, stream attiov1connect.AttributeServiceStreamAttributesServerStream) error {
	target, err := fromTarget(req.GetTarget())
	if err != nil {
		return err
	}
	p := newPager(ctx, attiov1connect.AttributeServiceStreamAttributesProcedure, req)
	start, err := p.start(req.GetResumeToken())
	if err != nil {
		return err
	}
	size := pageSize(req.GetPageSize(), defaultPageSize)
	return streamPages(bulk(ctx), p, start, size,
		func(ctx context.Context, pos pageToken) (attio.Page[attio.Attribute], error) {
			return s.client.ListAttributesPage(ctx, target, req.GetIdentifier(),
				attio.AttributeQuery{Limit: size, Offset: int(pos.Offset), ShowArchived: req.GetShowArchived()})
		},
		func(items []attio.Attribute, resume string) *attiov1.StreamAttributesResponse {
			out := &attiov1.StreamAttributesResponse{Attributes: make([]*attiov1.Attribute, 0, len(items)), ResumeToken: resume}
			for i := range items {
				out.Attributes = append(out.Attributes, toAttribute(&items[i]))
			}
			return out
		}, stream.Send)
}
