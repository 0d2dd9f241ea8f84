package server

import (
	"context"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
)

// SequenceService serves attio.v1.SequenceService: the sequences unsubscribe list.
type SequenceService struct {
	client *attio.Client
}

var _ attiov1connect.SequenceServiceHandler = (*SequenceService)(nil)

// AddUnsubscribedEmails puts addresses on the unsubscribe list.
func (s *SequenceService) AddUnsubscribedEmails(ctx context.Context, req *attiov1.AddUnsubscribedEmailsRequest) (*attiov1.AddUnsubscribedEmailsResponse, error) {
	got, err := s.client.AddUnsubscribedEmails(ctx, req.GetEmailAddresses())
	if err != nil {
		return nil, upstreamError(err)
	}
	out := &attiov1.AddUnsubscribedEmailsResponse{UnsubscribedEmails: make([]*attiov1.UnsubscribedEmail, 0, len(got))}
	for _, u := range got {
		out.UnsubscribedEmails = append(out.UnsubscribedEmails, &attiov1.UnsubscribedEmail{EmailAddress: u.EmailAddress, CreatedAt: toTimestamp(u.CreatedAt)})
	}
	return out, nil
}
