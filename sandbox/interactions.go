package sandbox

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

type seedEmail struct {
	At      string            `json:"sent_at"`
	From    string            `json:"from"`
	To      []string          `json:"to"`
	Cc      []string          `json:"cc"`
	Subject string            `json:"subject"` // "" is no subject line (null)
	Names   map[string]string `json:"names"`   // display name per address
}

// interactionEvent is one meeting or email as Attio's communication
// intelligence sees it.
type interactionEvent struct {
	at    int64
	typ   uint16 // index in interactionTypes
	owner int32  // actor index: the workspace member whose calendar or mailbox holds it
	addrs []string
}

// seedInteractions computes the interaction attributes of people and
// companies the way Attio derives them: from the meetings (calendar events)
// and emails a workspace member took part in. A person is touched when one of
// its email addresses takes part; a company when a participant's email domain
// is one of its domains. first_* and last_* are the earliest and latest events
// up to now, next_* the earliest one after now (calendar events only; an
// email is never in the future). The values are written by the system actor,
// active from the event's time.
func seedInteractions(ws *workspace, emails []seedEmail, now int64) error {
	calendar, email := uint16(indexOf(interactionTypes, "calendar-event")), uint16(indexOf(interactionTypes, "email"))
	var events []interactionEvent
	for _, m := range ws.meetings {
		at := m.start.at
		if m.start.date != "" {
			d, err := time.Parse("2006-01-02", m.start.date)
			if err != nil {
				return fmt.Errorf("meeting %s: %w", m.id, err)
			}
			at = d.UnixNano()
		}
		ev := interactionEvent{at: at, typ: calendar}
		for _, p := range m.parts {
			ev.addrs = append(ev.addrs, p.email)
		}
		ev.owner = ownerOf(ws, ev.addrs)
		events = append(events, ev)
	}
	for _, e := range emails {
		at, ok := coerceTimestamp(e.At)
		if !ok {
			return fmt.Errorf("email: bad sent_at %q", e.At)
		}
		ev := interactionEvent{at: at, typ: email, addrs: slices.Concat([]string{e.From}, e.To, e.Cc)}
		ev.owner = ownerOf(ws, ev.addrs)
		events = append(events, ev)
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
			var mine []interactionEvent
			for _, ev := range events {
				if match(ws, c, it, ev.addrs) {
					mine = append(mine, ev)
				}
			}
			setInteractions(c, it, mine, now, calendar, email)
		}
	}
	return nil
}

// ownerOf picks the first workspace member among the addresses (system when none is).
func ownerOf(ws *workspace, addrs []string) int32 {
	for _, a := range addrs {
		if m := ws.member(a); m != nil {
			return ws.memberActor(m.id)
		}
	}
	return 0
}

func activeStrings(c *collection, it *item, slug string) []string {
	a := c.attr(slug)
	if a == nil {
		return nil
	}
	var out []string
	for _, v := range it.vals {
		if v.attr == a.idx && v.until == 0 {
			out = append(out, v.s)
		}
	}
	return out
}

func personMatch(ws *workspace, c *collection, it *item, addrs []string) bool {
	for _, e := range activeStrings(c, it, "email_addresses") {
		for _, a := range addrs {
			if ws.member(a) == nil && strings.EqualFold(e, a) {
				return true
			}
		}
	}
	return false
}

func companyMatch(ws *workspace, c *collection, it *item, addrs []string) bool {
	for _, d := range activeStrings(c, it, "domains") {
		for _, a := range addrs {
			if _, dom, ok := strings.Cut(strings.ToLower(a), "@"); ok && ws.member(a) == nil && dom == d {
				return true
			}
		}
	}
	return false
}

func setInteractions(c *collection, it *item, evs []interactionEvent, now int64, calendar, email uint16) {
	pick := func(typ int, future, latest bool) *interactionEvent {
		var best *interactionEvent
		for i := range evs {
			ev := &evs[i]
			if (typ >= 0 && ev.typ != uint16(typ)) || (ev.at > now) != future {
				continue
			}
			if best == nil || (latest && ev.at > best.at) || (!latest && ev.at < best.at) {
				best = ev
			}
		}
		return best
	}
	for _, s := range []struct {
		slug           string
		typ            int
		future, latest bool
	}{
		{"first_calendar_interaction", int(calendar), false, false},
		{"last_calendar_interaction", int(calendar), false, true},
		{"next_calendar_interaction", int(calendar), true, false},
		{"first_email_interaction", int(email), false, false},
		{"last_email_interaction", int(email), false, true},
		{"first_interaction", -1, false, false},
		{"last_interaction", -1, false, true},
		{"next_interaction", -1, true, false},
	} {
		a := c.attr(s.slug)
		ev := pick(s.typ, s.future, s.latest)
		if a == nil || ev == nil {
			continue
		}
		from := min(ev.at, now) // an upcoming event's value exists from when it was computed
		it.insertValue(value{attr: a.idx, aux: ev.typ, from: from, actor: 0,
			ext: &valueExt{interactedAt: ev.at, owner: ev.owner}})
	}
}
