package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/attio-facade/attio-facade/changes"
)

// serve with --webhook-secrets-file answers Attio's deliveries on the public listener, outside
// Connect and its auth: signed ones are taken, others refused; the secret never reaches the logs.
func TestServeTakesSignedWebhooks(t *testing.T) {
	t.Parallel()
	const secret = "whsec-cmd-test-secret-value"
	file := filepath.Join(t.TempDir(), "webhooks.json")
	if err := os.WriteFile(file, []byte(`{"conn-a":"`+secret+`"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	r := start(t, nil, "--webhook-secrets-file", file, "--webhook-max-body", "4KiB")
	body := []byte(`{"webhook_id":"w","events":[{"event_type":"record.created","id":{"workspace_id":"w1","object_id":"o1","record_id":"r1"},"actor":{"type":"system","id":null}}]}`)
	post := func(conn string, body []byte, sig string) int {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, r.url+"/webhooks/attio/"+conn, bytes.NewReader(body))
		req.Header.Set(changes.HeaderSignature, sig)
		req.Header.Set(changes.HeaderIdempotency, "k1")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res.StatusCode
	}
	if st := post("conn-a", body, changes.Sign([]byte(secret), body)); st != http.StatusOK {
		t.Fatalf("signed delivery: %d, want 200", st)
	}
	if st := post("conn-a", body, changes.Sign([]byte("wrong"), body)); st != http.StatusUnauthorized {
		t.Fatalf("badly signed delivery: %d, want 401", st)
	}
	big := append(bytes.Repeat([]byte(" "), 4<<10), body...)
	if st := post("conn-a", big, changes.Sign([]byte(secret), big)); st != http.StatusRequestEntityTooLarge {
		t.Fatalf("delivery over --webhook-max-body: %d, want 413", st)
	}
	if strings.Contains(r.logs.String(), secret) {
		t.Fatal("the webhook secret is in the logs")
	}
}

func TestServeRefusesABadWebhookSecretsFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cases := map[string]string{
		"not json":     `{"conn-a": "whsec-secret-in-broken-json`,
		"empty secret": `{"conn-a": ""}`,
	}
	for name, content := range cases {
		file := filepath.Join(dir, strings.ReplaceAll(name, " ", "-"))
		if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		err := run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--webhook-secrets-file", file}, environment{
			getenv: func(string) string { return "" }, stdout: io.Discard, stderr: io.Discard,
		})
		if err == nil || !strings.Contains(err.Error(), "webhook-secrets-file") || strings.Contains(err.Error(), "whsec-secret") {
			t.Errorf("%s: %v, want a refusal naming the flag and not the content", name, err)
		}
	}
}
