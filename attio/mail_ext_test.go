package attio_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/attio-facade/attio-facade/attio"
)

const emailPage = `{"data":[{"id":{"workspace_id":"ws","mailbox_id":"mb","email_id":"e1"},"sent_at":"2025-05-02T09:30:00.000000000Z",
"direction":"inbound","subject_line":null,"participants":[{"name":null,"role":"from","email_address":"ada@acme.com","email_domain":"acme.com"}],
"linked_records":[{"object_slug":"people","object_id":"o","record_id":"r"}],"thread_id":"t9"}],"pagination":{"next_cursor":"c2"}}`

// The email query travels as Attio's query parameters (lists comma-joined), the page decodes with
// its cursor, and keys this client does not know yet are kept.
func TestListEmailsPage(t *testing.T) {
	t.Parallel()
	s := newStub(t, func(n int, w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, emailPage) })
	c := s.client(t)
	page, err := c.ListEmailsPage(t.Context(), attio.EmailQuery{
		LinkedObject: "people", LinkedRecordIDs: []string{"r1", "r2"}, Participants: []string{"a@x.com", "b@y.com"},
		Domain: "acme.com", SentAfter: "2025-01-01T00:00:00Z", Cursor: "c1",
	})
	if err != nil {
		t.Fatal(err)
	}
	q := s.requests()[0].query
	for _, want := range []string{"limit=25", "cursor=c1", "linked_object=people", "linked_record_ids=r1%2Cr2",
		"participants=a%40x.com%2Cb%40y.com", "domain=acme.com", "sent_after=2025-01-01T00%3A00%3A00Z"} {
		if !strings.Contains(q, want) {
			t.Errorf("query %q lacks %q", q, want)
		}
	}
	if strings.Contains(q, "sent_before") {
		t.Errorf("query %q sends an unset filter", q)
	}
	if !page.More || page.NextCursor != "c2" || len(page.Items) != 1 {
		t.Fatalf("page = %+v", page)
	}
	e := page.Items[0]
	if e.ID.MailboxID != "mb" || e.SubjectLine != nil || e.Participants[0].Name != nil || e.LinkedRecords[0].RecordID != "r" {
		t.Errorf("email = %+v", e)
	}
	if raw, ok := e.Extra.Get("thread_id"); !ok || string(raw) != `"t9"` {
		t.Errorf("unknown key lost: %v", e.Extra.Keys())
	}
}

// Adding to the unsubscribe list is safe to resend (Attio ignores addresses already there), so a
// 5xx is retried even though it is a POST.
func TestAddUnsubscribedEmailsRetries(t *testing.T) {
	t.Parallel()
	s := newStub(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 1 {
			writeJSON(w, 503, `{"status_code":503,"type":"api_error","code":"service_unavailable","message":"busy"}`)
			return
		}
		writeJSON(w, 200, `{"data":[{"email_address":"a@x.com","created_at":"2026-08-21T10:00:00.000000000Z"}]}`)
	})
	got, err := s.client(t).AddUnsubscribedEmails(t.Context(), []string{"A@x.com"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].EmailAddress != "a@x.com" || got[0].CreatedAt == "" {
		t.Fatalf("got %+v", got)
	}
	reqs := s.requests()
	if len(reqs) != 2 || reqs[1].body != `{"data":{"email_addresses":["A@x.com"]}}` || reqs[1].path != "/attio/v2/sequences/unsubscribed_emails" {
		t.Fatalf("requests %+v", reqs)
	}
}

// Listing emails spends the read budget and adding to the unsubscribe list the write budget.
func TestMailBudgets(t *testing.T) {
	t.Parallel()
	budgetSplit(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			writeJSON(w, 200, emailPage)
			return
		}
		writeJSON(w, 200, `{"data":[]}`)
	}, func(ctx context.Context, c *attio.Client) error {
		_, err := c.ListEmailsPage(ctx, attio.EmailQuery{Domain: "acme.com"})
		return err
	}, func(ctx context.Context, c *attio.Client) error {
		_, err := c.AddUnsubscribedEmails(ctx, []string{"a@x.com"})
		return err
	})
}
