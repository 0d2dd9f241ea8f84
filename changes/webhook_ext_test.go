package changes_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/attio-facade/attio-facade/changes"
)

const secret = "whsec-test-secret"

// endpoint serves the handler for connection "main" (secret above) on a loopback server.
func endpoint(t *testing.T, maxBody int64) (*httptest.Server, *changes.MemoryLog) {
	t.Helper()
	log := changes.NewMemoryLog(changes.MemoryLogOptions{})
	mux := http.NewServeMux()
	mux.Handle(changes.WebhookPattern, changes.NewWebhookHandler(changes.WebhookOptions{
		Secret: func(conn string) ([]byte, bool) { return []byte(secret), conn == "main" },
		Log:    log, MaxBody: maxBody,
		Now: func() time.Time { return time.Unix(1_800_000_000, 0) },
	}))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, log
}

// deliver POSTs body to conn's endpoint with the signature and key given ("" leaves a header out).
func deliver(t *testing.T, srv *httptest.Server, conn string, body []byte, sig, key string) int {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+"/webhooks/attio/"+conn, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if sig != "" {
		req.Header.Set(changes.HeaderSignature, sig)
	}
	if key != "" {
		req.Header.Set(changes.HeaderIdempotency, key)
	}
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// recorded is everything the log holds for conn.
func recorded(t *testing.T, log *changes.MemoryLog, conn string) []changes.Entry {
	t.Helper()
	es, _, err := log.Read(context.Background(), conn, 0, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	return es
}

const delivery = `{"webhook_id":"23e42eaf-323a-41da-b5bb-fd67eebda553","events":[
 {"event_type":"record.updated","id":{"workspace_id":"w1","object_id":"o1","record_id":"r1","attribute_id":"a1"},"actor":{"type":"workspace-member","id":"m1"}},
 {"event_type":"record.deleted","id":{"workspace_id":"w1","object_id":"o1","record_id":"r2"},"actor":{"type":"system","id":null}},
 {"event_type":"list-entry.created","id":{"workspace_id":"w1","list_id":"l1","entry_id":"e1"},"parent_object_id":"o1","parent_record_id":"r1","actor":{"type":"api-token","id":"t1"}}]}`

func TestWebhookRecordsASignedDeliveryAsItsEvents(t *testing.T) {
	t.Parallel()
	srv, log := endpoint(t, 0)
	body := []byte(delivery)
	if st := deliver(t, srv, "main", body, changes.Sign([]byte(secret), body), "key-1"); st != http.StatusOK {
		t.Fatalf("status %d, want 200", st)
	}
	es := recorded(t, log, "main")
	if len(es) != 3 {
		t.Fatalf("recorded %d events, want 3", len(es))
	}
	e0, e1, e2 := es[0].Event, es[1].Event, es[2].Event
	if e0.Type != "record.updated" || e0.IDs["record_id"] != "r1" || e0.IDs["attribute_id"] != "a1" || e0.Actor != (changes.Actor{Type: "workspace-member", ID: "m1"}) {
		t.Errorf("event 0: %+v", e0)
	}
	if e1.Type != "record.deleted" || e1.IDs["record_id"] != "r2" || e1.Actor != (changes.Actor{Type: "system"}) {
		t.Errorf("event 1: %+v", e1)
	}
	if e2.Type != "list-entry.created" || e2.IDs["entry_id"] != "e1" || e2.Extra["parent_record_id"] != "r1" {
		t.Errorf("event 2: %+v", e2)
	}
	if !e0.Received.Equal(time.Unix(1_800_000_000, 0)) {
		t.Errorf("received %s", e0.Received)
	}
	if es[2].Pos != es[0].Pos+2 || e0.ID == e1.ID || len(e0.ID) != 32 {
		t.Errorf("positions %d..%d, ids %q %q", es[0].Pos, es[2].Pos, e0.ID, e1.ID)
	}
}

// A bad, missing or foreign signature, an unknown connection, an oversized or malformed body are
// refused, and nothing is recorded.
func TestWebhookRefusesAndRecordsNothing(t *testing.T) {
	t.Parallel()
	body := []byte(delivery)
	good := changes.Sign([]byte(secret), body)
	cases := []struct {
		name, conn, sig string
		body            []byte
		want            int
	}{
		{"no signature", "main", "", body, http.StatusUnauthorized},
		{"signature not hex", "main", "zz" + good[2:], body, http.StatusUnauthorized},
		{"signature with another secret", "main", changes.Sign([]byte("other-secret"), body), body, http.StatusUnauthorized},
		{"signature of another body", "main", good, []byte(strings.Replace(delivery, "r1", "r9", 1)), http.StatusUnauthorized},
		{"truncated signature", "main", good[:32], body, http.StatusUnauthorized},
		{"unknown connection", "other", good, body, http.StatusUnauthorized},
		{"signed but not a delivery", "main", changes.Sign([]byte(secret), []byte(`{"events":"x"}`)), []byte(`{"events":"x"}`), http.StatusBadRequest},
		{"signed but an event without a type", "main", changes.Sign([]byte(secret), []byte(`{"events":[{"id":{}}]}`)), []byte(`{"events":[{"id":{}}]}`), http.StatusBadRequest},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, log := endpoint(t, 0)
			if st := deliver(t, srv, tc.conn, tc.body, tc.sig, "k"); st != tc.want {
				t.Fatalf("status %d, want %d", st, tc.want)
			}
			if n := len(recorded(t, log, "main")) + len(recorded(t, log, "other")); n != 0 {
				t.Fatalf("%d events recorded", n)
			}
		})
	}
}

// The body bound: a delivery of exactly MaxBody bytes is taken, one byte more is 413 and nothing
// is recorded.
func TestWebhookBodyBound(t *testing.T) {
	t.Parallel()
	body := []byte(delivery)
	srv, log := endpoint(t, int64(len(body)))
	big := append(bytes.Clone(body), ' ')
	if st := deliver(t, srv, "main", big, changes.Sign([]byte(secret), big), "k-big"); st != http.StatusRequestEntityTooLarge {
		t.Fatalf("body of MaxBody+1 bytes: status %d, want 413", st)
	}
	if n := len(recorded(t, log, "main")); n != 0 {
		t.Fatalf("oversized body: %d events recorded", n)
	}
	if st := deliver(t, srv, "main", body, changes.Sign([]byte(secret), body), "k"); st != http.StatusOK {
		t.Fatalf("body of exactly MaxBody bytes: status %d, want 200", st)
	}
}

// A replayed delivery (same Idempotency-Key, as Attio's retries send) is acknowledged and not
// recorded again; without a key, the body names the delivery.
func TestWebhookReplayIsRecordedOnce(t *testing.T) {
	t.Parallel()
	srv, log := endpoint(t, 0)
	body := []byte(delivery)
	sig := changes.Sign([]byte(secret), body)
	for i := range 3 {
		if st := deliver(t, srv, "main", body, sig, "key-1"); st != http.StatusOK {
			t.Fatalf("delivery %d: status %d", i, st)
		}
	}
	if n := len(recorded(t, log, "main")); n != 3 {
		t.Fatalf("3 deliveries with one key recorded %d events, want 3", n)
	}
	for i := range 2 {
		if st := deliver(t, srv, "main", body, sig, ""); st != http.StatusOK {
			t.Fatalf("keyless delivery %d: status %d", i, st)
		}
	}
	if n := len(recorded(t, log, "main")); n != 6 {
		t.Fatalf("a keyless delivery twice recorded %d more events, want 3", n-3)
	}
	// The same events under another key are another delivery, with other change ids.
	if st := deliver(t, srv, "main", body, sig, "key-2"); st != http.StatusOK {
		t.Fatal(st)
	}
	es := recorded(t, log, "main")
	if len(es) != 9 || es[0].Event.ID == es[6].Event.ID || es[0].Event.ID != changeIDOf(t) {
		t.Fatalf("got %d events; ids %q %q", len(es), es[0].Event.ID, es[6].Event.ID)
	}
}

// changeIDOf checks the change id is stable: a fresh endpoint given the same delivery under the
// same key names its first event alike.
func changeIDOf(t *testing.T) string {
	t.Helper()
	srv, log := endpoint(t, 0)
	body := []byte(delivery)
	if st := deliver(t, srv, "main", body, changes.Sign([]byte(secret), body), "key-1"); st != http.StatusOK {
		t.Fatal(st)
	}
	return recorded(t, log, "main")[0].Event.ID
}

func TestWebhookOnlyPost(t *testing.T) {
	t.Parallel()
	srv, _ := endpoint(t, 0)
	res, err := srv.Client().Get(srv.URL + "/webhooks/attio/main")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("GET: %d, want 405", res.StatusCode)
	}
}
