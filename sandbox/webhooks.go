package sandbox

import (
	"encoding/base64"
	"strings"
)

func webhookRoutes(rs *routes) {
	rs.read("GET", "/v2/webhooks", hListWebhooks)
	rs.write("POST", "/v2/webhooks", hCreateWebhook)
	rs.read("GET", "/v2/webhooks/{webhook_id}", webhooks.get)
	rs.write("PATCH", "/v2/webhooks/{webhook_id}", hPatchWebhook)
	rs.write("DELETE", "/v2/webhooks/{webhook_id}", webhooks.delete)
}

// webhookEvents are the event types a subscription may name.
var webhookEvents = func() map[string]bool {
	m := map[string]bool{}
	for _, e := range strings.Fields(`call-recording.created comment.created comment.resolved comment.unresolved
		comment.deleted list.created list.updated list.deleted list-attribute.created list-attribute.updated
		list-entry.created list-entry.updated list-entry.deleted object-attribute.created object-attribute.updated
		note.created note-content.updated note.updated note.deleted record.created record.merged record.updated
		record.deleted task.created task.updated task.deleted workspace-member.created`) {
		m[e] = true
	}
	return m
}()

func (ws *workspace) writeWebhook(w *jw, h *webhook, secret bool) {
	w.objOpen()
	w.kv("target_url", h.target)
	w.key("subscriptions")
	w.raw(h.subs)
	w.key("id")
	w.objOpen()
	w.kid("workspace_id", ws.id)
	w.kid("webhook_id", h.id)
	w.objClose()
	w.kv("status", h.status)
	w.key("created_at")
	w.ts(h.createdAt)
	if secret {
		w.kv("secret", h.secret)
	}
	w.objClose()
}

func hListWebhooks(rc *reqCtx) ([]byte, *apiError) {
	limit, offset, err := rc.pageParams(10, 100)
	if err != nil {
		return nil, err
	}
	if limit < 10 {
		// The spec: "between 10 and 100, defaults to 10".
		return nil, validation("Invalid query parameter limit.").with([]any{"limit"}, "too_small", "Number must be greater than or equal to 10")
	}
	lo, hi := window(len(rc.ws.webhooks), limit, offset)
	return dataOne(func(w *jw) {
		w.arrOpen()
		for _, h := range rc.ws.webhooks[lo:hi] {
			rc.ws.writeWebhook(w, h, false)
		}
		w.arrClose()
	}), nil
}

func parseSubscriptions(v any) ([]byte, *apiError) {
	arr, ok := v.([]any)
	if !ok {
		return nil, bodyError([]any{"data", "subscriptions"}, "Expected array")
	}
	out := make([]any, 0, len(arr))
	for i, x := range arr {
		m, ok := x.(map[string]any)
		if !ok {
			return nil, bodyError([]any{"data", "subscriptions", i}, "Expected object")
		}
		et, _ := m["event_type"].(string)
		if !webhookEvents[et] {
			return nil, bodyError([]any{"data", "subscriptions", i, "event_type"}, "Invalid enum value")
		}
		f, ok := m["filter"]
		if !ok {
			return nil, bodyError([]any{"data", "subscriptions", i, "filter"}, "Required")
		}
		if msg := webhookFilterProblem(f); msg != "" {
			return nil, validation("Body payload validation error.").with([]any{"data", "subscriptions", i, "filter"}, "invalid_union", msg)
		}
		out = append(out, map[string]any{"event_type": et, "filter": f})
	}
	return mustJSON(out), nil
}

func hCreateWebhook(rc *reqCtx) ([]byte, *apiError) {
	d, err := rc.data()
	if err != nil {
		return nil, err
	}
	target, err := reqString(d, "target_url", "data")
	if err != nil {
		return nil, err
	}
	if !validTarget(target) {
		return nil, bodyError([]any{"data", "target_url"}, "target_url must be an https URL (or, in the sandbox only, http to a loopback host)")
	}
	sv, ok := d["subscriptions"]
	if !ok {
		return nil, bodyError([]any{"data", "subscriptions"}, "Required")
	}
	subs, err := parseSubscriptions(sv)
	if err != nil {
		return nil, err
	}
	sec := newUUID()
	h := &webhook{id: newUUID(), target: target, subs: subs, status: "active", createdAt: rc.now,
		secret: base64.RawURLEncoding.EncodeToString(sec[:])}
	rc.ws.webhooks = append(rc.ws.webhooks, h)
	return dataOne(func(w *jw) { rc.ws.writeWebhook(w, h, true) }), nil
}

var webhooks = &byID[*webhook]{
	param: "webhook_id",
	items: func(ws *workspace) *[]*webhook { return &ws.webhooks },
	id:    func(h *webhook) uuid { return h.id },
	missing: func(method, id string) *apiError {
		if method == "DELETE" {
			return notFound("Webhook not found")
		}
		return notFound("Webhook with ID \"%s\" was not found.", id)
	},
	write: func(ws *workspace, w *jw, h *webhook) { ws.writeWebhook(w, h, false) },
}

func hPatchWebhook(rc *reqCtx) ([]byte, *apiError) {
	i, err := webhooks.find(rc)
	if err != nil {
		return nil, err
	}
	d, err := rc.data()
	if err != nil {
		return nil, err
	}
	h := rc.ws.webhooks[i]
	if t, ok, err := optString(d, "target_url", "data"); err != nil {
		return nil, err
	} else if ok {
		if !validTarget(t) {
			return nil, bodyError([]any{"data", "target_url"}, "target_url must be an https URL (or, in the sandbox only, http to a loopback host)")
		}
		h.target = t
	}
	if sv, ok := d["subscriptions"]; ok {
		subs, err := parseSubscriptions(sv)
		if err != nil {
			return nil, err
		}
		h.subs = subs
	}
	return dataOne(func(w *jw) { rc.ws.writeWebhook(w, h, false) }), nil
}
