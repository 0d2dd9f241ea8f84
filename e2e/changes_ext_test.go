package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"connectrpc.com/connect/v2"

	"github.com/attio-facade/attio-facade/changes"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
)

// TestChangeLogAcrossReplicas: with --redis-url the change log is a Redis stream, so a webhook
// delivery that reaches replica A reaches a WatchRecords caller on replica B, typed and with the
// record fetched; a watcher resuming on replica C from B's last token gets the next change, and
// nothing before it.
func TestChangeLogAcrossReplicas(t *testing.T) {
	t.Parallel()
	const secret = "e2e-webhook-secret"
	secrets := filepath.Join(t.TempDir(), "webhook-secrets.json")
	if err := os.WriteFile(secrets, []byte(`{"`+changes.DefaultConnection+`":"`+secret+`"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	c := newCluster(t, clusterOptions{replicas: 3, extra: []string{"ATTIO_FACADE_WEBHOOK_SECRETS_FILE=" + secrets}})
	a, b, third := c.replicas[0], c.replicas[1], c.replicas[2]
	// A change that never arrives fails here rather than at the suite's timeout.
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	person, err := records(a).GetRecord(as(ctx, tokenReader, ""), &attiov1.GetRecordRequest{Object: "people", RecordId: seedPerson})
	if err != nil {
		t.Fatal(err)
	}
	id := person.GetRecord().GetId()
	deliver := func(p *proc, key, kind string) {
		t.Helper()
		body, _ := json.Marshal(map[string]any{"webhook_id": "wh-e2e", "events": []any{map[string]any{
			"event_type": kind,
			"id":         map[string]any{"workspace_id": id.GetWorkspaceId(), "object_id": id.GetObjectId(), "record_id": id.GetRecordId()},
			"actor":      map[string]any{"type": "api-token", "id": "e2e"},
		}}})
		req, _ := http.NewRequest(http.MethodPost, p.url()+"/webhooks/attio/"+changes.DefaultConnection, bytes.NewReader(body))
		req.Header.Set(changes.HeaderSignature, changes.Sign([]byte(secret), body))
		req.Header.Set(changes.HeaderIdempotency, key)
		res, err := httpClient().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("delivery to %s answered %d", p.name, res.StatusCode)
		}
	}
	watch := func(p *proc, since string) attiov1connect.ChangeServiceWatchRecordsClientStream {
		t.Helper()
		client := attiov1connect.NewChangeServiceClient(connect.NewClient(transport(p)))
		s, err := client.WatchRecords(as(ctx, tokenReader, ""), &attiov1.WatchRecordsRequest{Object: "people", ResumeToken: since})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		return s
	}
	// next reads past heartbeats to the next change.
	next := func(s attiov1connect.ChangeServiceWatchRecordsClientStream) *attiov1.RecordChange {
		t.Helper()
		for {
			msg, err := s.Receive()
			if err != nil {
				t.Fatalf("watch ended without a change: %v", err)
			}
			if ch := msg.GetChange(); ch != nil {
				return ch
			}
		}
	}

	onB := watch(b, "")
	if first, err := onB.Receive(); err != nil || first.GetHeartbeat() == nil {
		t.Fatalf("the watch did not start with a heartbeat: %v, %v", first, err)
	}
	deliver(a, "e2e-delivery-1", "record.updated")
	got := next(onB)
	if got.GetKind() != attiov1.ChangeKind_CHANGE_KIND_UPDATED || got.GetId().GetRecordId() != seedPerson ||
		got.GetRecord().GetId().GetRecordId() != seedPerson {
		t.Fatalf("change on B = %v, want the update of %s with its record", got, seedPerson)
	}
	// Resume on a third replica from B's token: the next change, not the one before.
	onC := watch(third, got.GetChangeToken())
	deliver(b, "e2e-delivery-2", "record.deleted")
	if again := next(onC); again.GetKind() != attiov1.ChangeKind_CHANGE_KIND_DELETED || again.GetChangeId() == got.GetChangeId() {
		t.Fatalf("change on C after B's token = %v, want the deletion", again)
	}
}
