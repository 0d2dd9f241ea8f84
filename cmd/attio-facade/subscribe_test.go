package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	attiofacade "github.com/attio-facade/attio-facade"
	"github.com/attio-facade/attio-facade/attio"
	"github.com/attio-facade/attio-facade/internal/testkit"
	"github.com/attio-facade/attio-facade/sandbox"
)

const subscribeReader = "subscribe-test-reader"

// serve with --public-url on a sandbox subscribes itself (one webhook per ACTIVE connection,
// pointing at its own endpoint), and a write made directly in the sandbox is delivered to it and
// taken (a 200 from the endpoint means the events are in the change log).
func TestServeManagesItsWebhook(t *testing.T) {
	t.Parallel()
	sb, r, addr, managed := startManaged(t)
	client, ctx := webhookTo(t, sb, "http://"+addr+"/webhooks/attio/"+sandbox.DefaultConnectionID)
	if _, err := client.CreateRecord(ctx, "people", attio.Values{"name": {attio.PersonalNameInput{FirstName: "Grace", LastName: "Hopper"}}}); err != nil {
		t.Fatal(err)
	}
	testkit.Until(t, "the write to reach the facade", func() bool { return sb.Sandbox.WebhookStats().Delivered > 0 })
	if st := sb.Sandbox.WebhookStats(); st.Failed != 0 || st.Retries != 0 {
		t.Errorf("deliveries refused by the facade: %+v", st)
	}
	b, err := os.ReadFile(managed)
	if err != nil || !strings.Contains(string(b), sandbox.DefaultConnectionID) {
		t.Fatalf("managed webhooks file: %s, %v", b, err)
	}
	if strings.Contains(r.logs.String(), `"secret"`) || strings.Contains(r.logs.String(), secretOf(t, b)) {
		t.Fatal("a managed webhook's secret is in the logs")
	}
}

// startManaged starts serve on Maton (a sandbox) with --public-url and an API key "r" for the
// bearer subscribeReader; it returns the sandbox, the facade, its address and the managed
// webhooks file.
func startManaged(t *testing.T) (*sandbox.Server, *running, string, string) {
	t.Helper()
	sb := sandbox.NewServer(sandbox.WithSeed(attiofacade.SeedFS()), sandbox.WithRateLimits(sandbox.Limits{}))
	t.Cleanup(sb.Close)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String() // the facade's port, known before it starts, for --public-url
	ln.Close()
	sum := sha256.Sum256([]byte(subscribeReader))
	auth := filepath.Join(t.TempDir(), "auth.json")
	if err := os.WriteFile(auth, []byte(`{"api_keys":[{"name":"r","sha256":"`+hex.EncodeToString(sum[:])+`","scopes":["read"]}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	managed := filepath.Join(t.TempDir(), "managed.json")
	r := start(t, map[string]string{"MATON_API_KEY": sb.APIKey()}, "--upstream-url", sb.MatonBaseURL(), "--control-url", sb.ControlURL(),
		"--auth-file", auth, "--maton-rps", "0", "--addr", addr, "--public-url", "http://"+addr, "--managed-webhooks-file", managed)
	return sb, r, addr, managed
}

// webhookTo waits until the sandbox's default connection has a webhook to want; it returns a
// client of the sandbox and a context on that connection.
func webhookTo(t *testing.T, sb *sandbox.Server, want string) (*attio.Client, context.Context) {
	t.Helper()
	client, err := attio.New(attio.Config{APIKey: sb.APIKey(), BaseURL: sb.MatonBaseURL(), ControlURL: sb.ControlURL()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := attio.WithConnection(t.Context(), sandbox.DefaultConnectionID)
	testkit.Until(t, "a webhook to "+want, func() bool {
		found := false
		for h, err := range client.ListWebhooks(ctx, attio.PageQuery{}) {
			if err != nil {
				t.Fatal(err)
			}
			found = found || h.TargetURL == want
		}
		return found
	})
	return client, ctx
}

func secretOf(t *testing.T, file []byte) string {
	t.Helper()
	_, after, ok := strings.Cut(string(file), `"secret":"`)
	s, _, _ := strings.Cut(after, `"`)
	if !ok || len(s) < 16 {
		t.Fatalf("no secret in the managed webhooks file")
	}
	return s
}

// --public-url must be https; http to a loopback host only in front of a sandbox.
func TestServeRefusesABadPublicURL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		url string
		env map[string]string
	}{
		{"http://example.com", nil},                                        // http off loopback, even on the sandbox
		{"ftp://127.0.0.1", nil},                                           // not http(s)
		{"https://facade.example.com/?q=1", nil},                           // a query
		{"http://127.0.0.1:8080", map[string]string{"MATON_API_KEY": "k"}}, // loopback http in front of real Maton
	} {
		err := run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--admin-addr", "", "--public-url", tc.url}, environment{
			getenv: func(k string) string { return tc.env[k] }, stdout: io.Discard, stderr: io.Discard,
		})
		if err == nil || !strings.Contains(err.Error(), "--public-url") {
			t.Errorf("%s: %v, want a refusal naming --public-url", tc.url, err)
		}
	}
}

func TestServeRefusesAReconcileShareOverOne(t *testing.T) {
	t.Parallel()
	err := run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--admin-addr", "", "--reconcile-share", "1.5"}, environment{
		getenv: func(string) string { return "" }, stdout: io.Discard, stderr: io.Discard,
	})
	if err == nil || !strings.Contains(err.Error(), "reconcile-share") {
		t.Fatalf("--reconcile-share 1.5: %v", err)
	}
}
