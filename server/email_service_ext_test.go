package server_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect/v2"
	"google.golang.org/protobuf/types/known/timestamppb"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
)

func emailSubjects(es []*attiov1.Email) []string {
	return idsOf(es, func(e *attiov1.Email) string {
		return e.GetSubjectLine() + "|" + e.GetSentAt().AsTime().Format(time.DateOnly)
	})
}

func TestEmailService(t *testing.T) {
	eachClient(t, attiov1connect.NewEmailServiceClient, func(t *testing.T, ctx context.Context, c attiov1connect.EmailServiceClient, h *harness, p protocol) {
		res, err := c.ListEmails(ctx, &attiov1.ListEmailsRequest{Filter: &attiov1.EmailFilter{Domain: "acme-analytics.com"}})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.GetEmails()) != 1 || res.GetNextPageToken() != "" {
			t.Fatalf("ListEmails = %v", res)
		}
		e := res.GetEmails()[0]
		from := e.GetParticipants()[0]
		if e.GetDirection() != attiov1.EmailDirection_EMAIL_DIRECTION_INBOUND || e.GetSubjectLine() != "Renewal terms" ||
			from.GetRole() != attiov1.EmailParticipantRole_EMAIL_PARTICIPANT_ROLE_FROM || from.GetName() != "Ada Lovelace" ||
			from.GetEmailDomain() != "acme-analytics.com" || e.GetParticipants()[1].Name != nil || e.GetExtraJson() != "" {
			t.Fatalf("email = %v", e)
		}
		wantTime(t, "sent_at", e.GetSentAt(), "2025-05-02T09:30:00Z")
		var linked []string
		for _, l := range e.GetLinkedRecords() {
			linked = append(linked, l.GetObjectSlug()+"/"+l.GetRecordId())
		}
		if !slices.Contains(linked, "people/"+seedAda) || !slices.Contains(linked, "companies/"+seedAcme) {
			t.Fatalf("linked records %v", linked)
		}

		// Paged newest first; a page token works only with the query it came from.
		both := &attiov1.EmailFilter{Participants: []string{"ada@acme-analytics.com", "alan@globex.com"}}
		first, err := c.ListEmails(ctx, &attiov1.ListEmailsRequest{Filter: both, PageSize: 1})
		if err != nil || len(first.GetEmails()) != 1 || first.GetNextPageToken() == "" {
			t.Fatalf("first page %v, %v", first, err)
		}
		second, err := c.ListEmails(ctx, &attiov1.ListEmailsRequest{Filter: both, PageSize: 1, PageToken: first.GetNextPageToken()})
		if err != nil || second.GetNextPageToken() != "" {
			t.Fatalf("second page %v, %v", second, err)
		}
		if got := emailSubjects(append(first.GetEmails(), second.GetEmails()...)); !slices.Equal(got, []string{"|2025-05-16", "Renewal terms|2025-05-02"}) {
			t.Fatalf("paged = %v", got)
		}
		wantLocalInvalid(t, h, func() error {
			_, err := c.ListEmails(ctx, &attiov1.ListEmailsRequest{Filter: &attiov1.EmailFilter{Domain: "globex.com"}, PageToken: first.GetNextPageToken()})
			return err
		})

		st, err := c.StreamEmails(ctx, &attiov1.StreamEmailsRequest{Filter: both, PageSize: 1})
		if err != nil {
			t.Fatal(err)
		}
		msgs := drain(t, st.Receive)
		var streamed []*attiov1.Email
		for _, m := range msgs {
			streamed = append(streamed, m.GetEmails()...)
		}
		if got := emailSubjects(streamed); len(msgs) != 2 || !slices.Equal(got, []string{"|2025-05-16", "Renewal terms|2025-05-02"}) {
			t.Fatalf("streamed %v in %d messages", got, len(msgs))
		}
		st, err = c.StreamEmails(ctx, &attiov1.StreamEmailsRequest{Filter: both, PageSize: 1, ResumeToken: msgs[0].GetResumeToken()})
		if err != nil {
			t.Fatal(err)
		}
		if rest := drain(t, st.Receive); len(rest) != 1 || rest[0].GetEmails()[0].GetSubjectLine() != "Renewal terms" {
			t.Fatalf("resumed %v", rest)
		}

		// Filters on the workspace itself are ignored upstream: an empty page, not an error.
		own, err := c.ListEmails(ctx, &attiov1.ListEmailsRequest{Filter: &attiov1.EmailFilter{Domain: "sandbox.example.com"}})
		if err != nil || len(own.GetEmails()) != 0 {
			t.Fatalf("own domain: %v, %v", own, err)
		}
		after, err := c.ListEmails(ctx, &attiov1.ListEmailsRequest{Filter: &attiov1.EmailFilter{
			LinkedObject: "people", LinkedRecordIds: []string{seedAda, seedPersonTwo},
			SentAfter: timestamppb.New(time.Date(2025, 5, 10, 0, 0, 0, 0, time.UTC))}})
		if err != nil || len(after.GetEmails()) != 1 || after.GetEmails()[0].GetSubjectLine() != "" {
			t.Fatalf("by records, sent after: %v, %v", after, err)
		}
		for name, f := range map[string]*attiov1.EmailFilter{
			"no filter":              {},
			"nil filter":             nil,
			"object without records": {LinkedObject: "people"},
			"records without object": {LinkedRecordIds: []string{seedAda}},
			"not an address":         {Participants: []string{"nobody"}},
		} {
			t.Run(name, func(t *testing.T) {
				wantLocalInvalid(t, h, func() error { _, err := c.ListEmails(ctx, &attiov1.ListEmailsRequest{Filter: f}); return err })
				wantLocalInvalid(t, h, func() error {
					st, err := c.StreamEmails(ctx, &attiov1.StreamEmailsRequest{Filter: f})
					if err != nil {
						return err
					}
					return streamErr(st.Receive)
				})
			})
		}
		_, err = c.ListEmails(ctx, &attiov1.ListEmailsRequest{Filter: &attiov1.EmailFilter{LinkedObject: "nope", LinkedRecordIds: []string{seedAda}}})
		wantCode(t, err, connect.CodeNotFound)
	})
}

func TestSequenceService(t *testing.T) {
	eachClient(t, attiov1connect.NewSequenceServiceClient, func(t *testing.T, ctx context.Context, c attiov1connect.SequenceServiceClient, h *harness, p protocol) {
		res, err := c.AddUnsubscribedEmails(ctx, &attiov1.AddUnsubscribedEmailsRequest{EmailAddresses: []string{"Lead@Example.com", "other@example.org"}})
		if err != nil {
			t.Fatal(err)
		}
		got := res.GetUnsubscribedEmails()
		if len(got) != 2 || got[0].GetEmailAddress() != "lead@example.com" || got[0].GetCreatedAt() == nil {
			t.Fatalf("AddUnsubscribedEmails = %v", got)
		}
		again, err := c.AddUnsubscribedEmails(ctx, &attiov1.AddUnsubscribedEmailsRequest{EmailAddresses: []string{"lead@example.com"}})
		if err != nil || !again.GetUnsubscribedEmails()[0].GetCreatedAt().AsTime().Equal(got[0].GetCreatedAt().AsTime()) {
			t.Fatalf("retry = %v, %v; want the first time kept", again, err)
		}
		wantLocalInvalid(t, h, func() error {
			_, err := c.AddUnsubscribedEmails(ctx, &attiov1.AddUnsubscribedEmailsRequest{})
			return err
		})
		wantLocalInvalid(t, h, func() error {
			_, err := c.AddUnsubscribedEmails(ctx, &attiov1.AddUnsubscribedEmailsRequest{EmailAddresses: make([]string, 1001)})
			return err
		})
		// What only Attio knows to refuse comes back as InvalidArgument.
		_, err = c.AddUnsubscribedEmails(ctx, &attiov1.AddUnsubscribedEmailsRequest{EmailAddresses: []string{"not-an-address"}})
		wantCode(t, err, connect.CodeInvalidArgument)
	})
}

// Unsubscribing is a write: it needs an approval, and a reader may not ask for it.
func TestSequenceWritesNeedApproval(t *testing.T) {
	t.Parallel()
	g := newGuarded(t, 0)
	c := attiov1connect.NewSequenceServiceClient(g.rpc(protocols[0]))
	req := &attiov1.AddUnsubscribedEmailsRequest{EmailAddresses: []string{"lead@example.com"}}
	_, err := c.AddUnsubscribedEmails(caller(writerKey), req)
	if need := approvalRequired(t, err); !strings.Contains(need.GetSummary(), "AddUnsubscribedEmails") {
		t.Fatalf("summary %q", need.GetSummary())
	}
	_, err = c.AddUnsubscribedEmails(caller(readerKey), req)
	wantCode(t, err, connect.CodePermissionDenied)
	if _, err := c.AddUnsubscribedEmails(caller(batchKey), req); err != nil {
		t.Fatalf("auto-approved: %v", err)
	}
	// Reading emails needs only the read scope.
	_, err = attiov1connect.NewEmailServiceClient(g.rpc(protocols[0])).ListEmails(caller(readerKey),
		&attiov1.ListEmailsRequest{Filter: &attiov1.EmailFilter{Domain: "globex.com"}})
	if err != nil {
		t.Fatalf("reader ListEmails: %v", err)
	}
}
