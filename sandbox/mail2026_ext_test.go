package sandbox_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/attio-facade/attio-facade/sandbox"
)

// mail2026 walks the emails and sequences operations the reference pages added after March 2026.
func mail2026(t *testing.T, a *api) {
	t.Helper()
	a.must("GET", "/emails?domain=acme-analytics.com", nil, 200)
	a.must("GET", "/emails?participants=alan@globex.com&limit=1", nil, 200)
	a.must("GET", "/emails", nil, 400)
	a.must("POST", "/sequences/unsubscribed_emails", map[string]any{"data": map[string]any{"email_addresses": []any{"person@example.com"}}}, 200)
	a.must("POST", "/sequences/unsubscribed_emails", map[string]any{"data": map[string]any{}}, 400)
}

func emailIDs(t *testing.T, r resp) []string {
	t.Helper()
	var out []string
	for _, e := range r.list() {
		out = append(out, e.(map[string]any)["id"].(map[string]any)["email_id"].(string))
	}
	return out
}

func TestEmails(t *testing.T) {
	t.Parallel()
	a := seeded(t)
	acme := a.must("GET", "/emails?domain=acme-analytics.com", nil, 200).list()
	if len(acme) != 1 {
		t.Fatalf("emails at acme-analytics.com: %v", acme)
	}
	e := acme[0].(map[string]any)
	if e["direction"] != "inbound" || e["subject_line"] != "Renewal terms" || e["sent_at"] != "2025-05-02T09:30:00.000000000Z" {
		t.Errorf("email = %v", e)
	}
	parts := e["participants"].([]any)
	from := parts[0].(map[string]any)
	if len(parts) != 2 || from["role"] != "from" || from["name"] != "Ada Lovelace" || from["email_domain"] != "acme-analytics.com" ||
		parts[1].(map[string]any)["name"] != nil {
		t.Errorf("participants = %v", parts)
	}
	linked := map[string]bool{}
	for _, l := range e["linked_records"].([]any) {
		lr := l.(map[string]any)
		linked[lr["object_slug"].(string)+"/"+lr["record_id"].(string)] = true
	}
	if !linked["people/"+sandbox.SeedPersonID] || !linked["companies/"+sandbox.SeedCompany2ID] {
		t.Errorf("linked_records = %v, want Ada and Acme Analytics", e["linked_records"])
	}
	if _, ok := e["content"]; ok {
		t.Error("an email carries content")
	}
	adaEmail := emailIDs(t, a.must("GET", "/emails?domain=acme-analytics.com", nil, 200))[0]

	// Newest first, paged by cursor; several filters are combined with OR.
	q := "/emails?limit=1&participants=" + url.QueryEscape("alan@globex.com,ada@acme-analytics.com")
	first := a.must("GET", q, nil, 200)
	next, _ := first.body["pagination"].(map[string]any)["next_cursor"].(string)
	if ids := emailIDs(t, first); len(ids) != 1 || ids[0] == adaEmail || next == "" {
		t.Fatalf("first page %v, cursor %q", ids, next)
	}
	second := a.must("GET", q+"&cursor="+url.QueryEscape(next), nil, 200)
	if ids := emailIDs(t, second); len(ids) != 1 || ids[0] != adaEmail || second.body["pagination"].(map[string]any)["next_cursor"] != nil {
		t.Fatalf("second page %s", second.raw)
	}
	errCode(t, a.do("GET", "/emails?domain=globex.com&cursor="+url.QueryEscape(next), nil), 400, "validation_type")

	for name, c := range map[string]struct {
		query string
		want  int
	}{
		"by record":                 {"linked_object=people&linked_record_ids=" + sandbox.SeedPersonID, 1},
		"by company":                {"linked_object=companies&linked_record_ids=" + sandbox.SeedCompanyGlobexID, 1},
		"record or domain":          {"linked_object=people&linked_record_ids=" + sandbox.SeedPersonID + "&domain=globex.com", 2},
		"own domain is ignored":     {"domain=sandbox.example.com", 0},
		"own member is ignored":     {"participants=alice@sandbox.example.com", 0},
		"sent after":                {"domain=globex.com&sent_after=2025-05-10T00:00:00Z", 1},
		"sent before":               {"domain=globex.com&sent_before=2025-05-10T00:00:00Z", 0},
		"other record of an object": {"linked_object=people&linked_record_ids=" + sandbox.SeedPersonKenID, 0},
	} {
		t.Run(name, func(t *testing.T) {
			if got := a.must("GET", "/emails?"+c.query, nil, 200).list(); len(got) != c.want {
				t.Errorf("%d emails, want %d", len(got), c.want)
			}
		})
	}
	for name, query := range map[string]string{
		"no filter":                  "",
		"object without records":     "linked_object=people",
		"records without object":     "linked_record_ids=" + sandbox.SeedPersonID,
		"not an address":             "participants=nobody",
		"limit too big":              "domain=globex.com&limit=101",
		"not a time":                 "domain=globex.com&sent_after=yesterday",
		"not a record id":            "linked_object=people&linked_record_ids=abc",
		"limit zero":                 "domain=globex.com&limit=0",
		"participants list is empty": "participants=,",
	} {
		t.Run(name, func(t *testing.T) { errCode(t, a.do("GET", "/emails?"+query, nil), 400, "validation_type") })
	}
	errCode(t, a.do("GET", "/emails?linked_object=nope&linked_record_ids="+sandbox.SeedPersonID, nil), 404, "not_found")
}

func TestUnsubscribeList(t *testing.T) {
	t.Parallel()
	a := seeded(t)
	body := func(addrs ...any) map[string]any {
		return map[string]any{"data": map[string]any{"email_addresses": addrs}}
	}
	got := a.must("POST", "/sequences/unsubscribed_emails", body(" Person@Example.com", "person@example.com", "x@y.io"), 200).list()
	if len(got) != 2 || got[0].(map[string]any)["email_address"] != "person@example.com" || got[1].(map[string]any)["email_address"] != "x@y.io" {
		t.Fatalf("unsubscribed %v", got)
	}
	first := got[0].(map[string]any)["created_at"]
	// A retry changes nothing: the address keeps when it was first added.
	again := a.must("POST", "/sequences/unsubscribed_emails", body("PERSON@example.com"), 200).list()
	if len(again) != 1 || again[0].(map[string]any)["created_at"] != first {
		t.Fatalf("retry %v, first added %v", again, first)
	}
	many := make([]any, 1001)
	for i := range many {
		many[i] = "p" + strings.Repeat("x", i%7) + "@example.com"
	}
	for name, b := range map[string]any{
		"no data":         map[string]any{},
		"no addresses":    map[string]any{"data": map[string]any{}},
		"not an array":    map[string]any{"data": map[string]any{"email_addresses": "a@b.co"}},
		"not an address":  body("nobody"),
		"not a string":    body(7),
		"over 1000 items": body(many...),
	} {
		t.Run(name, func(t *testing.T) {
			errCode(t, a.do("POST", "/sequences/unsubscribed_emails", b), 400, "validation_type")
		})
	}
}
