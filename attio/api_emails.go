package attio

import (
	"context"
	"iter"
	"net/url"
	"strconv"
	"strings"
)

// Emails (GET /v2/emails, alpha) and the sequences unsubscribe list (POST
// /v2/sequences/unsubscribed_emails, beta), from Attio's endpoint reference pages:
// https://docs.attio.com/rest-api/endpoint-reference/emails/list-emails and
// https://docs.attio.com/rest-api/endpoint-reference/sequences/add-emails-to-the-unsubscribe-list.

// EmailID identifies an email: the copy read from one mailbox.
type EmailID struct {
	WorkspaceID string `json:"workspace_id"`
	MailboxID   string `json:"mailbox_id"`
	EmailID     string `json:"email_id"`
}

// EmailParticipant is one address on an email.
type EmailParticipant struct {
	Name         *string `json:"name"`
	Role         string  `json:"role"` // from, reply-to, to, cc, bcc
	EmailAddress string  `json:"email_address"`
	EmailDomain  string  `json:"email_domain"`

	Extra Extra `json:"-"`
}

func (v *EmailParticipant) UnmarshalJSON(b []byte) error {
	type a EmailParticipant
	return unmarshalExtra(b, (*a)(v), &v.Extra)
}
func (v EmailParticipant) MarshalJSON() ([]byte, error) {
	type a EmailParticipant
	return marshalExtra(a(v), v.Extra)
}

// Email is the metadata of one email; Attio never returns the content.
type Email struct {
	ID            EmailID               `json:"id"`
	SentAt        string                `json:"sent_at"`
	Direction     string                `json:"direction"` // inbound, outbound
	SubjectLine   *string               `json:"subject_line"`
	Participants  []EmailParticipant    `json:"participants"`
	LinkedRecords []MeetingLinkedRecord `json:"linked_records"` // same shape as a meeting's

	Extra Extra `json:"-"`
}

func (v *Email) UnmarshalJSON(b []byte) error {
	type a Email
	return unmarshalExtra(b, (*a)(v), &v.Extra)
}
func (v Email) MarshalJSON() ([]byte, error) { type a Email; return marshalExtra(a(v), v.Extra) }

// EmailQuery selects emails: at least one of LinkedObject with LinkedRecordIDs, Participants or
// Domain (Attio combines them with OR). Limit 0 = 25, Attio's default.
type EmailQuery struct {
	Limit           int
	Cursor          string
	LinkedObject    string
	LinkedRecordIDs []string
	Participants    []string
	Domain          string
	SentAfter       string
	SentBefore      string
}

// ListEmailsPage fetches one page of emails, newest first. A short or empty page does not mean
// the end: only a null next cursor does.
func (c *Client) ListEmailsPage(ctx context.Context, q EmailQuery) (Page[Email], error) {
	v := url.Values{"limit": {strconv.Itoa(withLimit(q.Limit, 25))}}
	setIf(v, "cursor", q.Cursor)
	setIf(v, "linked_object", q.LinkedObject)
	setIf(v, "linked_record_ids", strings.Join(q.LinkedRecordIDs, ","))
	setIf(v, "participants", strings.Join(q.Participants, ","))
	setIf(v, "domain", q.Domain)
	setIf(v, "sent_after", q.SentAfter)
	setIf(v, "sent_before", q.SentBefore)
	return cursorGET[Email](c, ctx, epListEmails, nil, v)
}

// ListEmails iterates over all matching emails from q.Cursor on.
func (c *Client) ListEmails(ctx context.Context, q EmailQuery) iter.Seq2[Email, error] {
	return walk(ctx, pageCursor{cursor: q.Cursor}, func(at pageCursor) (Page[Email], error) {
		q.Cursor = at.cursor
		return c.ListEmailsPage(ctx, q)
	})
}

// UnsubscribedEmail is an address on the sequences unsubscribe list.
type UnsubscribedEmail struct {
	EmailAddress string `json:"email_address"`
	CreatedAt    string `json:"created_at"`

	Extra Extra `json:"-"`
}

func (v *UnsubscribedEmail) UnmarshalJSON(b []byte) error {
	type a UnsubscribedEmail
	return unmarshalExtra(b, (*a)(v), &v.Extra)
}
func (v UnsubscribedEmail) MarshalJSON() ([]byte, error) {
	type a UnsubscribedEmail
	return marshalExtra(a(v), v.Extra)
}

// AddUnsubscribedEmails puts addresses (at most 1000) on the sequences unsubscribe list and returns
// them as the list holds them. Addresses already there are left as they are.
func (c *Client) AddUnsubscribedEmails(ctx context.Context, addresses []string) ([]UnsubscribedEmail, error) {
	body := dataEnvelope[struct {
		EmailAddresses []string `json:"email_addresses"`
	}]{}
	body.Data.EmailAddresses = addresses
	return getData[[]UnsubscribedEmail](c, ctx, call{ep: epAddUnsubscribedEmails, body: body})
}
