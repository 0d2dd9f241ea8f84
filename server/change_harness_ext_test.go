package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/attio-facade/attio-facade/attio"
	"github.com/attio-facade/attio-facade/changes"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
	"github.com/attio-facade/attio-facade/interceptors"
	"github.com/attio-facade/attio-facade/sandbox"
	"github.com/attio-facade/attio-facade/server"
)

const watchSecret = "whsec-watch-test"

// watchHarness is the facade with the sandbox's built-in callers, the inbound webhook endpoint
// (connection "default", secret watchSecret) and ChangeService over one change log.
type watchHarness struct {
	*harness
	log    *changes.MemoryLog
	svc    *server.ChangeService
	limits *server.StreamLimits
	keys   atomic.Int64
	secret atomic.Pointer[string] // the endpoint's secret: watchSecret, or the sandbox webhook's
}

type watchConfig struct {
	heartbeat  time.Duration // default an hour: no heartbeat but the first
	fetchCache int
	logSize    int
	streams    server.StreamLimitsConfig
	sandbox    []sandbox.Option
	approvals  bool // writes need an approval (sandbox-approver approves), as they do in serve
}

func newWatchHarness(t testing.TB, cfg watchConfig) *watchHarness {
	t.Helper()
	if cfg.heartbeat == 0 {
		cfg.heartbeat = time.Hour
	}
	w := &watchHarness{
		log:    changes.NewMemoryLog(changes.MemoryLogOptions{Size: cfg.logSize}),
		limits: server.NewStreamLimits(cfg.streams),
	}
	secret := watchSecret
	w.secret.Store(&secret)
	w.harness = newHarness(t, harnessConfig{sandbox: cfg.sandbox, opts: func(o *server.Options) {
		auth, err := interceptors.NewAuthenticator(nil, interceptors.AuthenticatorOptions{Sandbox: true})
		if err != nil {
			t.Fatal(err)
		}
		chain := interceptors.ChainConfig{Auth: auth.Interceptor()}
		if cfg.approvals {
			approvals, err := interceptors.NewApprovals(interceptors.ApprovalOptions{Secret: []byte(testApprovalSecret), Describer: server.NewDescriber(o.Client)})
			if err != nil {
				t.Fatal(err)
			}
			chain.Approvals, o.Approvals = approvals.Interceptor(), server.NewApprovalService(approvals)
			o.Secrets = append(o.Secrets, testApprovalSecret)
		}
		o.Interceptors = interceptors.Chain(chain)
		o.Streams = w.limits
		w.svc = server.NewChangeService(o.Client, server.ChangeOptions{Log: w.log, Heartbeat: cfg.heartbeat, FetchCache: cfg.fetchCache})
		o.Changes = w.svc
		o.Routes = map[string]http.Handler{changes.WebhookPattern: changes.NewWebhookHandler(changes.WebhookOptions{
			Secret: func(conn string) ([]byte, bool) { return []byte(*w.secret.Load()), conn == changes.DefaultConnection },
			Log:    w.log,
		})}
	}})
	return w
}

// deliver POSTs one signed delivery of events to the webhook endpoint, as Attio does.
func (w *watchHarness) deliver(t *testing.T, events ...map[string]any) {
	t.Helper()
	body, err := json.Marshal(map[string]any{"webhook_id": "wh-1", "events": events})
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, w.srv.URL+"/webhooks/attio/"+changes.DefaultConnection, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set(changes.HeaderSignature, changes.Sign([]byte(watchSecret), body))
	req.Header.Set(changes.HeaderIdempotency, fmt.Sprintf("delivery-%d", w.keys.Add(1)))
	res, err := w.httpClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("delivery answered %d", res.StatusCode)
	}
}

// recordEvent is Attio's event of type typ about record r.
func recordEvent(typ string, r attio.Record, extra ...string) map[string]any {
	ev := map[string]any{
		"event_type": typ,
		"id":         map[string]any{"workspace_id": r.ID.WorkspaceID, "object_id": r.ID.ObjectID, "record_id": r.ID.RecordID},
		"actor":      map[string]any{"type": "workspace-member", "id": "613a17f3-7004-4254-b4cd-489c9e8e8b89"},
	}
	for i := 0; i+1 < len(extra); i += 2 {
		if extra[i] == "attribute_id" {
			ev["id"].(map[string]any)["attribute_id"] = extra[i+1]
		} else {
			ev[extra[i]] = extra[i+1]
		}
	}
	return ev
}

// records returns n records of object (generating them in the sandbox when gen is set).
func (w *watchHarness) records(t *testing.T, object string, n int) []attio.Record {
	t.Helper()
	var out []attio.Record
	for r, err := range w.client.QueryRecords(t.Context(), object, attio.Query{Limit: min(n, 500)}) {
		if err != nil {
			t.Fatal(err)
		}
		if out = append(out, r); len(out) == n {
			break
		}
	}
	if len(out) != n {
		t.Fatalf("%s: %d records, want %d", object, len(out), n)
	}
	return out
}

func (w *watchHarness) generate(t *testing.T, object string, n int) {
	t.Helper()
	if err := w.sb.Sandbox.Generate(sandbox.DefaultConnectionID, object, n, sandbox.GenerateOptions{Seed: 7}); err != nil {
		t.Fatal(err)
	}
}

func (w *watchHarness) changes(p protocol) attiov1connect.ChangeServiceClient {
	return attiov1connect.NewChangeServiceClient(w.rpc(p))
}

// watching opens WatchRecords as sandbox-reader and returns the stream with its first message's
// token (the first message is always a heartbeat).
func watching(t *testing.T, c attiov1connect.ChangeServiceClient, req *attiov1.WatchRecordsRequest) (attiov1connect.ChangeServiceWatchRecordsClientStream, string) {
	t.Helper()
	ctx, cancel := context.WithCancel(caller("sandbox-reader"))
	t.Cleanup(cancel)
	s, err := c.WatchRecords(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	first, err := s.Receive()
	if err != nil {
		t.Fatalf("first message: %v", err)
	}
	if first.GetHeartbeat().GetChangeToken() == "" {
		t.Fatalf("first message %v, want a heartbeat with a token", first)
	}
	return s, first.GetHeartbeat().GetChangeToken()
}

// watchingEntries opens WatchEntries of list as sandbox-reader, past its first heartbeat.
func watchingEntries(t *testing.T, c attiov1connect.ChangeServiceClient, list string) attiov1connect.ChangeServiceWatchEntriesClientStream {
	t.Helper()
	ctx, cancel := context.WithCancel(caller("sandbox-reader"))
	t.Cleanup(cancel)
	s, err := c.WatchEntries(ctx, &attiov1.WatchEntriesRequest{List: list})
	if err != nil {
		t.Fatal(err)
	}
	if m, err := s.Receive(); err != nil || m.GetHeartbeat() == nil {
		t.Fatalf("first message %v, %v", m, err)
	}
	return s
}

// nextChange receives until a change, skipping heartbeats.
func nextChange(t *testing.T, s attiov1connect.ChangeServiceWatchRecordsClientStream) *attiov1.RecordChange {
	t.Helper()
	for {
		m, err := s.Receive()
		if err != nil {
			t.Fatalf("receive: %v", err)
		}
		if c := m.GetChange(); c != nil {
			return c
		}
	}
}

// watchErr opens a watch and returns how it ends before its first message.
func watchErr(t *testing.T, ctx context.Context, c attiov1connect.ChangeServiceClient, req *attiov1.WatchRecordsRequest) error {
	t.Helper()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s, err := c.WatchRecords(ctx, req)
	if err != nil {
		return err
	}
	_, err = s.Receive()
	if err == nil {
		t.Fatal("the watch started")
	}
	return err
}
