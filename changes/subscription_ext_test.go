package changes_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/attio-facade/attio-facade/attio"
	"github.com/attio-facade/attio-facade/changes"
	"github.com/attio-facade/attio-facade/internal/testkit"
	"github.com/attio-facade/attio-facade/sandbox"
)

// facade is the facade's side of the webhooks, on loopback: the inbound endpoint with the
// subscriber's secrets, its change log, and a client of the sandbox.
type facade struct {
	sb     *sandbox.Server
	client *attio.Client
	log    *changes.MemoryLog
	url    string
	logs   *bytes.Buffer
	cur    atomic.Pointer[changes.Subscriber] // whose secrets the endpoint checks
}

func newFacade(t *testing.T, opts ...sandbox.Option) *facade {
	t.Helper()
	sb := sandbox.NewServer(append([]sandbox.Option{sandbox.WithSeed(os.DirFS("../testdata/seed")), sandbox.WithRateLimits(sandbox.Limits{})}, opts...)...)
	t.Cleanup(sb.Close)
	client, err := attio.New(attio.Config{APIKey: sb.APIKey(), BaseURL: sb.MatonBaseURL(), ControlURL: sb.ControlURL()})
	if err != nil {
		t.Fatal(err)
	}
	return &facade{sb: sb, client: client, log: changes.NewMemoryLog(changes.MemoryLogOptions{}), logs: &bytes.Buffer{}}
}

// subscriber serves the endpoint with a subscriber's secrets for the default connection.
func (f *facade) subscriber(t *testing.T, secretFile string) *changes.Subscriber {
	t.Helper()
	if f.url == "" {
		mux := http.NewServeMux()
		mux.Handle(changes.WebhookPattern, changes.NewWebhookHandler(changes.WebhookOptions{
			Secret: func(c string) ([]byte, bool) { return f.cur.Load().Secret(c) }, Log: f.log,
		}))
		srv := httptest.NewServer(mux)
		t.Cleanup(srv.Close)
		f.url = srv.URL
	}
	sub, err := changes.NewSubscriber(changes.SubscriptionOptions{
		Client: f.client, PublicURL: f.url, SecretFile: secretFile,
		Connections: func(context.Context) ([]string, error) { return []string{""}, nil },
		Logger:      slog.New(slog.NewTextHandler(f.logs, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	f.cur.Store(sub)
	return sub
}

// ours lists the webhooks pointing at the facade.
func (f *facade) ours(t *testing.T) []attio.Webhook {
	t.Helper()
	var out []attio.Webhook
	for h, err := range f.client.ListWebhooks(t.Context(), attio.PageQuery{}) {
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(h.TargetURL, f.url) {
			out = append(out, h)
		}
	}
	return out
}

// createdReaches writes a person in the sandbox and waits until its record.created is in the log.
func (f *facade) createdReaches(t *testing.T) {
	t.Helper()
	rec, err := f.client.CreateRecord(t.Context(), "people", attio.Values{"name": {attio.PersonalNameInput{FirstName: "Grace", LastName: "Hopper"}}})
	if err != nil {
		t.Fatal(err)
	}
	testkit.Until(t, "record.created of "+rec.ID.RecordID+" in the change log", func() bool {
		es, _, err := f.log.Read(t.Context(), changes.DefaultConnection, 0, 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range es {
			if e.Event.Type == "record.created" && e.Event.IDs["record_id"] == rec.ID.RecordID {
				return true
			}
		}
		return false
	})
}

// The facade subscribes itself: one webhook to {public-url}/webhooks/attio/default with the
// watched event types, whose secret it keeps; a write in the sandbox then reaches its change log.
// A second sync changes nothing.
func TestSubscriberEndToEnd(t *testing.T) {
	t.Parallel()
	f := newFacade(t)
	sub := f.subscriber(t, "")
	if err := sub.Sync(t.Context()); err != nil {
		t.Fatal(err)
	}
	hs := f.ours(t)
	if len(hs) != 1 || hs[0].TargetURL != f.url+"/webhooks/attio/default" || len(hs[0].Subscriptions) != len(changes.WatchedEventTypes) || hs[0].Status != "active" {
		t.Fatalf("webhooks: %+v", hs)
	}
	f.createdReaches(t)
	if err := sub.Sync(t.Context()); err != nil {
		t.Fatal(err)
	}
	if again := f.ours(t); len(again) != 1 || again[0].ID.WebhookID != hs[0].ID.WebhookID {
		t.Fatalf("a second sync replaced the webhook: %+v", again)
	}
	secret, _ := sub.Secret(changes.DefaultConnection)
	if strings.Contains(f.logs.String(), string(secret)) || len(secret) == 0 {
		t.Fatal("the secret is in the logs, or unknown")
	}
}

// Repair: a degraded webhook is replaced (its deliveries keep failing; Attio's PATCH cannot reset
// the status), subscriptions changed by someone else are put back, a duplicate is removed; writes
// keep reaching the log.
func TestSubscriberRepairs(t *testing.T) {
	t.Parallel()
	f := newFacade(t)
	sub := f.subscriber(t, "")
	if err := sub.Sync(t.Context()); err != nil {
		t.Fatal(err)
	}
	first := f.ours(t)[0].ID.WebhookID
	// Someone narrows the subscriptions: the next sync restores them on the same webhook.
	one := []attio.WebhookSubscriptionInput{{EventType: "record.deleted"}}
	if _, err := f.client.UpdateWebhook(t.Context(), first, attio.WebhookUpdate{Subscriptions: &one}); err != nil {
		t.Fatal(err)
	}
	if err := sub.Sync(t.Context()); err != nil {
		t.Fatal(err)
	}
	if hs := f.ours(t); len(hs) != 1 || hs[0].ID.WebhookID != first || len(hs[0].Subscriptions) != len(changes.WatchedEventTypes) {
		t.Fatalf("after narrowing: %+v", hs)
	}
	// Degraded: replaced by a new webhook with a new secret, the old one deleted.
	oldSecret, _ := sub.Secret(changes.DefaultConnection)
	if err := f.sb.Sandbox.SetWebhookStatus(sandbox.DefaultConnectionID, first, "degraded"); err != nil {
		t.Fatal(err)
	}
	// And a stray duplicate pointing at the facade.
	if _, err := f.client.CreateWebhook(t.Context(), attio.WebhookInput{TargetURL: sub.Target(""), Subscriptions: one}); err != nil {
		t.Fatal(err)
	}
	if err := sub.Sync(t.Context()); err != nil {
		t.Fatal(err)
	}
	hs := f.ours(t)
	newSecret, _ := sub.Secret(changes.DefaultConnection)
	if len(hs) != 1 || hs[0].ID.WebhookID == first || hs[0].Status != "active" || bytes.Equal(oldSecret, newSecret) {
		t.Fatalf("after degraded + duplicate: %+v (secret changed: %v)", hs, !bytes.Equal(oldSecret, newSecret))
	}
	f.createdReaches(t)
}

// The secret file keeps the webhook across a restart (mode 0600); without it a restart cannot know
// the secret and replaces the webhook.
func TestSubscriberSecretFile(t *testing.T) {
	t.Parallel()
	f := newFacade(t)
	file := filepath.Join(t.TempDir(), "managed-webhooks.json")
	if err := f.subscriber(t, file).Sync(t.Context()); err != nil {
		t.Fatal(err)
	}
	first := f.ours(t)[0].ID.WebhookID
	st, err := os.Stat(file)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("secret file: %v, %v", st, err)
	}
	restarted := f.subscriber(t, file)
	if err := restarted.Sync(t.Context()); err != nil {
		t.Fatal(err)
	}
	if hs := f.ours(t); len(hs) != 1 || hs[0].ID.WebhookID != first {
		t.Fatalf("restart with the file replaced the webhook: %+v", hs)
	}
	f.createdReaches(t)
	forgetful := f.subscriber(t, "")
	if err := forgetful.Sync(t.Context()); err != nil {
		t.Fatal(err)
	}
	if hs := f.ours(t); len(hs) != 1 || hs[0].ID.WebhookID == first {
		t.Fatalf("restart without the secret kept a webhook it cannot verify: %+v", hs)
	}
	if err := os.WriteFile(file, []byte(`{"default": "whsec-broken`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := changes.NewSubscriber(changes.SubscriptionOptions{Client: f.client, PublicURL: f.url, SecretFile: file,
		Connections: func(context.Context) ([]string, error) { return nil, nil }}); err == nil || strings.Contains(err.Error(), "whsec") {
		t.Fatalf("a broken file: %v", err)
	}
}
