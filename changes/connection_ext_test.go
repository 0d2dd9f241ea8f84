package changes_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/attio-facade/attio-facade/changes"
)

// Under Maton a delivery to /webhooks/attio/default is recorded in the log of the resolved default
// connection id (the one a watch without the header reads); while the connections cannot be
// listed it is answered 503 and nothing is recorded, and the next delivery resolves again.
func TestWebhookRecordsTheDefaultPathInTheResolvedConnectionsLog(t *testing.T) {
	t.Parallel()
	var fail atomic.Bool
	fail.Store(true)
	logs := changes.NewLogs(func(context.Context) (string, error) {
		if fail.Load() {
			return "", errors.New("control plane down")
		}
		return "conn-1", nil
	})
	log := changes.NewMemoryLog(changes.MemoryLogOptions{})
	mux := http.NewServeMux()
	mux.Handle(changes.WebhookPattern, changes.NewWebhookHandler(changes.WebhookOptions{
		Secret: func(conn string) ([]byte, bool) { return []byte(secret), conn == changes.DefaultConnection },
		Log:    log, Logs: logs,
	}))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	sig := changes.Sign([]byte(secret), []byte(delivery))
	if code := deliver(t, srv, changes.DefaultConnection, []byte(delivery), sig, "k1"); code != http.StatusServiceUnavailable {
		t.Fatalf("unresolved: %d, want 503", code)
	}
	if n := len(recorded(t, log, "conn-1")) + len(recorded(t, log, changes.DefaultConnection)); n != 0 {
		t.Fatalf("%d events recorded while unresolved", n)
	}
	fail.Store(false)
	if code := deliver(t, srv, changes.DefaultConnection, []byte(delivery), sig, "k1"); code != http.StatusOK {
		t.Fatalf("resolved: %d", code)
	}
	if got, other := recorded(t, log, "conn-1"), recorded(t, log, changes.DefaultConnection); len(got) != 3 || len(other) != 0 {
		t.Fatalf("conn-1 holds %d events, default %d: want the delivery's 3 in conn-1's log", len(got), len(other))
	}
	if name, err := logs.Name(t.Context(), ""); err != nil || name != "conn-1" {
		t.Fatalf("a call without the header: log %q, %v", name, err)
	}
}
