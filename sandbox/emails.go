package sandbox

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Emails, as Attio's reference page describes GET /v2/emails (alpha):
// https://docs.attio.com/rest-api/endpoint-reference/emails/list-emails. Metadata only: Attio never
// returns an email's content, and the sandbox keeps none. At least one of linked_object with
// linked_record_ids, participants or domain is required; several are combined with OR. Filters
// naming the workspace itself (a member's address, its domain) are ignored, and an empty page
// answers when every filter was. linked_records is derived at request time from the people whose
// addresses and the companies whose domains match a participant outside the workspace. Emails come
// newest first by sent_at. The page gives the default limit (25) but no maximum: the sandbox takes
// at most 100, as the contract does.

func emailRoutes(rs *routes) {
	rs.read("GET", "/v2/emails", hListEmails)
}

type emailPart struct {
	name string // "" when the email gave none (null)
	role string
	addr string
}

type email struct {
	id        uuid
	mailbox   uuid
	at        int64
	outbound  bool
	subject   string // "" is null: no subject line
	parts     []emailPart
	addresses []string // every participant's address, for interactions and filters
}

// seedEmails builds the workspace's emails from the seed's message metadata. Ids are derived from
// the workspace id and the email's position, so they are stable across runs.
func seedEmails(ws *workspace, seeds []seedEmail) error {
	for i, se := range seeds {
		at, ok := coerceTimestamp(se.At)
		if !ok {
			return fmt.Errorf("email %d: bad sent_at %q", i, se.At)
		}
		e := &email{id: nameUUID(ws.id, "email/"+strconv.Itoa(i)), at: at, subject: se.Subject}
		add := func(role string, addrs ...string) {
			for _, a := range addrs {
				a = strings.ToLower(strings.TrimSpace(a))
				e.parts = append(e.parts, emailPart{name: se.Names[a], role: role, addr: a})
				e.addresses = append(e.addresses, a)
			}
		}
		add("from", se.From)
		add("to", se.To...)
		add("cc", se.Cc...)
		e.outbound = ws.member(se.From) != nil
		owner := "workspace"
		for _, a := range e.addresses {
			if ws.member(a) != nil {
				owner = a
				break
			}
		}
		e.mailbox = nameUUID(ws.id, "mailbox/"+owner)
		ws.emails = append(ws.emails, e)
	}
	return nil
}

func domainOf(addr string) string {
	_, d, _ := strings.Cut(addr, "@")
	return d
}

// ownDomain reports a domain of one of the workspace's members.
func (ws *workspace) ownDomain(d string) bool {
	for _, m := range ws.members {
		if strings.EqualFold(domainOf(m.email), d) {
			return true
		}
	}
	return false
}

// recordRef is one record of one object.
type recordRef struct {
	c  *collection
	it *item
}

// emailLinks are the people and companies an email's outside participants match, as of now.
func (ws *workspace) emailLinks(e *email) (links []recordRef) {
	var outside []string
	for _, a := range e.addresses {
		if ws.member(a) == nil {
			outside = append(outside, a)
		}
	}
	for _, slug := range []string{"people", "companies"} {
		c := ws.object(slug)
		if c == nil {
			continue
		}
		match := personMatch
		if slug == "companies" {
			match = companyMatch
		}
		for _, it := range c.items {
			if match(ws, c, it, outside) {
				links = append(links, recordRef{c, it})
			}
		}
	}
	return links
}

func (ws *workspace) writeEmail(w *jw, e *email) {
	w.objOpen()
	w.key("id")
	w.objOpen()
	w.kid("workspace_id", ws.id)
	w.kid("mailbox_id", e.mailbox)
	w.kid("email_id", e.id)
	w.objClose()
	w.key("sent_at")
	w.ts(e.at)
	if e.outbound {
		w.kv("direction", "outbound")
	} else {
		w.kv("direction", "inbound")
	}
	w.key("subject_line")
	w.strOrNull(e.subject)
	w.key("participants")
	w.arrOpen()
	for _, p := range e.parts {
		w.objOpen()
		w.key("name")
		w.strOrNull(p.name)
		w.kv("role", p.role)
		w.kv("email_address", p.addr)
		w.kv("email_domain", domainOf(p.addr))
		w.objClose()
	}
	w.arrClose()
	w.key("linked_records")
	w.arrOpen()
	for _, l := range ws.emailLinks(e) {
		w.objOpen()
		w.kv("object_slug", l.c.slug)
		w.kid("object_id", l.c.id)
		w.kid("record_id", l.it.id)
		w.objClose()
	}
	w.arrClose()
	w.objClose()
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.ToLower(strings.TrimSpace(p)); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// emailFilter is what one GET /v2/emails asks for, with the filters naming the workspace dropped.
type emailFilter struct {
	records      map[uuid]bool
	recordObj    *collection
	participants []string
	domain       string
	given        bool // some filter was supplied (ignored or not)
}

func (rc *reqCtx) emailFilter() (emailFilter, *apiError) {
	ws := rc.ws
	var f emailFilter
	obj, ids := rc.q.Get("linked_object"), splitList(rc.q.Get("linked_record_ids"))
	if (obj == "") != (len(ids) == 0) {
		return f, validation("linked_object and linked_record_ids must be supplied together.").
			with([]any{"linked_record_ids"}, "custom", "linked_object and linked_record_ids must be supplied together")
	}
	if obj != "" {
		f.given = true
		if f.recordObj = ws.object(obj); f.recordObj == nil {
			return f, notFound("Object with slug/ID \"%s\" not found.", obj)
		}
		f.records = map[uuid]bool{}
		for _, s := range ids {
			u, ok := parseUUID(s)
			if !ok {
				return f, validation("Invalid query parameter linked_record_ids.").with([]any{"linked_record_ids"}, "invalid_string", "Invalid uuid")
			}
			f.records[u] = true
		}
	}
	if list := splitList(rc.q.Get("participants")); len(list) > 0 {
		f.given = true
		for _, a := range list {
			if !strings.Contains(a, "@") {
				return f, validation("Invalid query parameter participants.").with([]any{"participants"}, "invalid_string", "Invalid email")
			}
			if ws.member(a) == nil && !ws.ownDomain(domainOf(a)) {
				f.participants = append(f.participants, a)
			}
		}
	}
	if d := strings.ToLower(strings.TrimSpace(rc.q.Get("domain"))); d != "" {
		f.given = true
		if !ws.ownDomain(d) {
			f.domain = d
		}
	}
	if !f.given {
		return f, validation("At least one of linked_object with linked_record_ids, participants or domain must be supplied.").
			with([]any{}, "custom", "At least one of linked_object with linked_record_ids, participants or domain must be supplied")
	}
	return f, nil
}

func (f emailFilter) matches(ws *workspace, e *email) bool {
	for _, a := range e.addresses {
		if slices.Contains(f.participants, a) || (f.domain != "" && domainOf(a) == f.domain && ws.member(a) == nil) {
			return true
		}
	}
	if f.records != nil {
		for _, l := range ws.emailLinks(e) {
			if l.c == f.recordObj && f.records[l.it.id] {
				return true
			}
		}
	}
	return false
}

func hListEmails(rc *reqCtx) ([]byte, *apiError) {
	ws := rc.ws
	limit, err := rc.cursorLimit(25, 100)
	if err != nil {
		return nil, err
	}
	f, err := rc.emailFilter()
	if err != nil {
		return nil, err
	}
	var after, before int64
	hasAfter, hasBefore := false, false
	for _, b := range []struct {
		key string
		at  *int64
		has *bool
	}{{"sent_after", &after, &hasAfter}, {"sent_before", &before, &hasBefore}} {
		if s := rc.q.Get(b.key); s != "" {
			n, ok := coerceTimestamp(s)
			if !ok {
				return nil, validation("Invalid query parameter %s.", b.key).with([]any{b.key}, "invalid_string", "Invalid datetime")
			}
			*b.at, *b.has = n, true
		}
	}
	var list []*email
	for _, e := range ws.emails {
		if (hasAfter && e.at < after) || (hasBefore && e.at >= before) || !f.matches(ws, e) {
			continue
		}
		list = append(list, e)
	}
	sort.SliceStable(list, func(i, j int) bool {
		if list[i].at != list[j].at {
			return list[i].at > list[j].at
		}
		return string(list[i].id[:]) < string(list[j].id[:])
	})
	return cursorPage(rc, rc.queryScope("emails"), list, limit, ws.writeEmail)
}
