package server

import (
	"context"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
)

// EmailService serves attio.v1.EmailService: email metadata (never content), a cursor listing
// upstream whose page tokens carry Attio's cursor.
type EmailService struct {
	client *attio.Client
}

var _ attiov1connect.EmailServiceHandler = (*EmailService)(nil)

const defaultEmailStreamPage = 100

var emailDirections = wireNames[attiov1.EmailDirection](snakeCase)

var emailRoles = wireNames[attiov1.EmailParticipantRole](kebabCase)

// emails is the emails the filter selects, in upstream pages.
func (s *EmailService) emails(f *attiov1.EmailFilter) filtered[attio.EmailQuery, attio.Email] {
	return filtered[attio.EmailQuery, attio.Email]{
		query: func(size int, pos pageToken) (attio.EmailQuery, error) { return emailQuery(f, size, pos.Cursor) },
		fetch: s.client.ListEmailsPage,
	}
}

// emailQuery checks what Attio would refuse (no filter at all, half a record filter) before a call
// is spent on it.
func emailQuery(f *attiov1.EmailFilter, limit int, cursor string) (attio.EmailQuery, error) {
	if (f.GetLinkedObject() == "") != (len(f.GetLinkedRecordIds()) == 0) {
		return attio.EmailQuery{}, invalidArgument("filter: linked_object and linked_record_ids must be given together")
	}
	if f.GetLinkedObject() == "" && len(f.GetParticipants()) == 0 && f.GetDomain() == "" {
		return attio.EmailQuery{}, invalidArgument("filter: give linked_object with linked_record_ids, participants or domain (Attio cannot list every email)")
	}
	return attio.EmailQuery{
		Limit:           limit,
		Cursor:          cursor,
		LinkedObject:    f.GetLinkedObject(),
		LinkedRecordIDs: f.GetLinkedRecordIds(),
		Participants:    f.GetParticipants(),
		Domain:          f.GetDomain(),
		SentAfter:       fromTimestamp(f.GetSentAfter()),
		SentBefore:      fromTimestamp(f.GetSentBefore()),
	}, nil
}

// ListEmails returns one page of emails.
func (s *EmailService) ListEmails(ctx context.Context, req *attiov1.ListEmailsRequest) (*attiov1.ListEmailsResponse, error) {
	emails, next, err := s.emails(req.GetFilter()).page(ctx, attiov1connect.EmailServiceListEmailsProcedure, req, 0)
	return reply(err, func() *attiov1.ListEmailsResponse {
		return &attiov1.ListEmailsResponse{Emails: toEmails(emails), NextPageToken: next}
	})
}

// StreamEmails walks every matching email, one message per upstream page. Attio's pages may be
// short or empty before the end; the walk follows the cursor until Attio gives none.
func (s *EmailService) StreamEmails(ctx context.Context, req *attiov1.StreamEmailsRequest, stream attiov1connect.EmailServiceStreamEmailsServerStream) error {
	return streamFiltered(ctx, s.emails(req.GetFilter()), attiov1connect.EmailServiceStreamEmailsProcedure, req, defaultEmailStreamPage, stream.Send,
		func(items []attio.Email, resume string) *attiov1.StreamEmailsResponse {
			return &attiov1.StreamEmailsResponse{Emails: toEmails(items), ResumeToken: resume}
		})
}

func toEmail(e *attio.Email) *attiov1.Email {
	x := extrasOf(e.Extra)
	out := &attiov1.Email{
		Id:            &attiov1.EmailId{WorkspaceId: e.ID.WorkspaceID, MailboxId: e.ID.MailboxID, EmailId: e.ID.EmailID},
		SentAt:        x.time("sent_at", e.SentAt),
		Direction:     enumOf(emailDirections, e.Direction),
		SubjectLine:   e.SubjectLine,
		Participants:  make([]*attiov1.EmailParticipant, 0, len(e.Participants)),
		LinkedRecords: make([]*attiov1.EmailLinkedRecord, 0, len(e.LinkedRecords)),
	}
	for _, p := range e.Participants {
		out.Participants = append(out.Participants, &attiov1.EmailParticipant{
			Name: p.Name, Role: enumOf(emailRoles, p.Role), EmailAddress: p.EmailAddress, EmailDomain: p.EmailDomain,
		})
	}
	for _, l := range e.LinkedRecords {
		out.LinkedRecords = append(out.LinkedRecords, &attiov1.EmailLinkedRecord{ObjectSlug: l.ObjectSlug, ObjectId: l.ObjectID, RecordId: l.RecordID})
	}
	out.ExtraJson = x.json()
	return out
}

func toEmails(es []attio.Email) []*attiov1.Email {
	out := make([]*attiov1.Email, 0, len(es))
	for i := range es {
		out = append(out, toEmail(&es[i]))
	}
	return out
}
