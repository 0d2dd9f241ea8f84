package sandbox

import (
	"strconv"
	"strings"
)

// The sequences unsubscribe list, as Attio's reference page describes POST
// /v2/sequences/unsubscribed_emails (beta):
// https://docs.attio.com/rest-api/endpoint-reference/sequences/add-emails-to-the-unsubscribe-list.
// Up to 1000 addresses per request, normalized before they are stored; addresses already on the
// list are ignored (they keep when they were added), so a retry is harmless. The answer lists the
// request's addresses as the list holds them. There is no endpoint to read or shrink the list.

const maxUnsubscribeBatch = 1000

func sequenceRoutes(rs *routes) {
	rs.write("POST", "/v2/sequences/unsubscribed_emails", hAddUnsubscribed)
}

func hAddUnsubscribed(rc *reqCtx) ([]byte, *apiError) {
	d, err := rc.data()
	if err != nil {
		return nil, err
	}
	raw, ok := d["email_addresses"].([]any)
	if !ok {
		if _, present := d["email_addresses"]; !present {
			return nil, bodyError([]any{"data", "email_addresses"}, "Required")
		}
		return nil, bodyError([]any{"data", "email_addresses"}, "Expected array, received "+jsonKind(d["email_addresses"]))
	}
	if len(raw) > maxUnsubscribeBatch {
		return nil, validation("Body payload validation error.").with([]any{"data", "email_addresses"}, "too_big",
			"Array must contain at most "+strconv.Itoa(maxUnsubscribeBatch)+" element(s)")
	}
	addrs := make([]string, 0, len(raw))
	for i, v := range raw {
		s, ok := v.(string)
		if !ok {
			return nil, bodyError([]any{"data", "email_addresses", i}, "Expected string, received "+jsonKind(v))
		}
		s = strings.ToLower(strings.TrimSpace(s))
		if local, dom, ok := strings.Cut(s, "@"); !ok || local == "" || !strings.Contains(dom, ".") {
			return nil, validation("Body payload validation error.").with([]any{"data", "email_addresses", i}, "invalid_string", "Invalid email")
		}
		addrs = append(addrs, s)
	}
	ws := rc.ws
	if ws.unsubscribed == nil {
		ws.unsubscribed = map[string]int64{}
	}
	w := &jw{}
	w.objOpen()
	w.key("data")
	w.arrOpen()
	seen := map[string]bool{}
	for _, a := range addrs {
		if seen[a] {
			continue
		}
		seen[a] = true
		at, ok := ws.unsubscribed[a]
		if !ok {
			at = rc.now
			ws.unsubscribed[a] = at
		}
		w.objOpen()
		w.kv("email_address", a)
		w.key("created_at")
		w.ts(at)
		w.objClose()
	}
	w.arrClose()
	w.objClose()
	return w.b, nil
}
