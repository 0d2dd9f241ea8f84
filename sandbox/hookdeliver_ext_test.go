package sandbox_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/attio-facade/attio-facade/attio"
	"github.com/attio-facade/attio-facade/changes"
	"github.com/attio-facade/attio-facade/internal/testkit"
	"github.com/attio-facade/attio-facade/sandbox"
)

// got is one delivery a receiver took.
type got struct {
	key, sig string
	body     []byte
	env      attio.WebhookDelivery
}

// event is the delivery's one event.
func (g got) event(t testing.TB) (typ string, ids map[string]string) {
	t.Helper()
	if len(g.env.Events) != 1 {
		t.Fatalf("a delivery holds %d events, want 1", len(g.env.Events))
	}
	e := g.env.Events[0]
	if err := json.Unmarshal(e.ID, &ids); err != nil {
		t.Fatal(err)
	}
	return e.EventType, ids
}

// receiver records deliveries; answer decides each one's status (nil: 200).
type receiver struct {
	mu     sync.Mutex
	got    []got
	answer func(n int, g got) int
	more   chan struct{}
}

func newReceiver() *receiver { return &receiver{more: make(chan struct{}, 1)} }

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	b, _ := io.ReadAll(req.Body)
	g := got{key: req.Header.Get("Idempotency-Key"), sig: req.Header.Get("Attio-Signature"), body: b}
	_ = json.Unmarshal(b, &g.env)
	r.mu.Lock()
	n := len(r.got)
	r.got = append(r.got, g)
	status := http.StatusOK
	if r.answer != nil {
		status = r.answer(n, g)
	}
	r.mu.Unlock()
	select {
	case r.more <- struct{}{}:
	default:
	}
	w.WriteHeader(status)
}

func (r *receiver) deliveries() []got {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]got(nil), r.got...)
}

// waitFor waits until the receiver has taken n deliveries; the timeout only
// catches a hang.
func (r *receiver) waitFor(t testing.TB, n int) []got {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		if g := r.deliveries(); len(g) >= n {
			return g
		}
		select {
		case <-r.more:
		case <-deadline:
			t.Fatalf("receiver took %d deliveries, want %d", len(r.deliveries()), n)
		}
	}
}

func hook(target string, subs ...any) map[string]any {
	return map[string]any{"data": map[string]any{"target_url": target, "subscriptions": subs}}
}

func sub(eventType string, filter any) map[string]any {
	return map[string]any{"event_type": eventType, "filter": filter}
}

func person(name string) map[string]any {
	return map[string]any{"data": map[string]any{"values": map[string]any{"name": []any{name}}}}
}

// A write reaches a loopback receiver as Attio's envelope, signed with the
// webhook's secret, with an Idempotency-Key; a subscription's filter holds
// back events it does not pass.
func TestWebhookDeliveryToALoopbackReceiver(t *testing.T) {
	t.Parallel()
	rcv := newReceiver()
	target := httptest.NewServer(rcv)
	defer target.Close()
	// Unvalidated: an http target is outside Attio's spec (^https://), which the sandbox widens.
	a := seeded(t).unvalidated()
	created := a.must("POST", "/webhooks", hook(target.URL+"/hook",
		sub("record.created", nil), sub("record.updated", nil), sub("record.deleted", nil),
		sub("note.created", map[string]any{"$and": []any{map[string]any{"field": "parent_object_id", "operator": "equals", "value": "not-people"}}}),
	), 200).data()
	secret, _ := created["secret"].(string)
	hookID, _ := created["id"].(map[string]any)["webhook_id"].(string)
	if secret == "" || hookID == "" {
		t.Fatalf("created webhook: %v", created)
	}
	rec := a.must("POST", "/objects/people/records", person("Ada Lovelace"), 200).data()
	ids, _ := rec["id"].(map[string]any)
	recordID, objectID := ids["record_id"].(string), ids["object_id"].(string)
	a.must("PATCH", "/objects/people/records/"+recordID, map[string]any{"data": map[string]any{"values": map[string]any{"job_title": []any{"Countess"}}}}, 200)
	a.must("POST", "/notes", map[string]any{"data": map[string]any{"parent_object": "people", "parent_record_id": recordID, "title": "t", "format": "plaintext", "content": "c"}}, 200)
	a.must("DELETE", "/objects/people/records/"+recordID, nil, 200)

	gs := rcv.waitFor(t, 3)
	want := []string{"record.created", "record.updated", "record.deleted"}
	keys := map[string]bool{}
	for i, g := range gs {
		if changes.Sign([]byte(secret), g.body) != g.sig {
			t.Errorf("delivery %d: Attio-Signature is not the HMAC of the body with the secret", i)
		}
		if g.key == "" || keys[g.key] {
			t.Errorf("delivery %d: Idempotency-Key %q empty or reused", i, g.key)
		}
		keys[g.key] = true
		typ, eids := g.event(t)
		if typ != want[i] || eids["record_id"] != recordID || eids["object_id"] != objectID || eids["workspace_id"] != sandbox.DefaultWorkspaceID || g.env.WebhookID != hookID {
			t.Errorf("delivery %d: %s %v to webhook %s", i, typ, eids, g.env.WebhookID)
		}
		if at := g.env.Events[0].Actor.Type; at == nil || *at != "api-token" {
			t.Errorf("delivery %d: actor %+v", i, g.env.Events[0].Actor)
		}
		if typ == "record.updated" && eids["attribute_id"] == "" {
			t.Errorf("record.updated without its attribute_id: %v", eids)
		}
	}
	waitIdle(t, a.srv.Sandbox)
	if st := a.srv.Sandbox.WebhookStats(); st.Events != 3 || st.Delivered != 3 || st.Remote == 0 {
		// Remote: the seeded webhook (hooks.example.com) takes record.created but is off this machine.
		t.Errorf("stats %+v: want 3 events made and delivered (the note held back by its filter), the seeded remote webhook skipped", st)
	}
}

// waitIdle waits until no delivery is pending.
func waitIdle(t testing.TB, sb *sandbox.Sandbox) {
	t.Helper()
	testkit.Until(t, "no delivery pending", sb.WebhookIdle)
}

// Targets: https anywhere, http only to a loopback host (sandbox only).
func TestWebhookTargetsLoopbackHTTPOnly(t *testing.T) {
	t.Parallel()
	a := seeded(t).unvalidated()
	for _, tc := range []struct {
		url  string
		want int
	}{
		{"https://example.com/hook", 200},
		{"http://127.0.0.1:9/hook", 200},
		{"http://localhost:9/hook", 200},
		{"http://[::1]:9/hook", 200},
		{"http://example.com/hook", 400},
		{"ftp://127.0.0.1/hook", 400},
	} {
		if r := a.do("POST", "/webhooks", hook(tc.url, sub("record.created", nil))); r.status != tc.want {
			t.Errorf("%s: status %d, want %d", tc.url, r.status, tc.want)
		}
	}
}
