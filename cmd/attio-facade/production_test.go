package main

import (
	"crypto/sha256"
	"encoding/hex"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connecthttp"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
)

// Production mode (the image's default) never falls back to the sandbox, and a real key still
// needs an auth file.
func TestRequireUpstreamRefusesTheSandbox(t *testing.T) {
	t.Parallel()
	r := cli(t, "", []string{"ATTIO_FACADE_REQUIRE_UPSTREAM=true", "ATTIO_FACADE_ADDR=127.0.0.1:0"}, "serve")
	if r.code != 1 || !strings.Contains(r.stderr, "neither MATON_API_KEY nor ATTIO_API_KEY") {
		t.Errorf("no key: exit %d, %q", r.code, r.stderr)
	}
	r = cli(t, "", []string{"ATTIO_FACADE_REQUIRE_UPSTREAM=true", "ATTIO_FACADE_ADDR=127.0.0.1:0", "MATON_API_KEY=mk-secret-123",
		"ATTIO_FACADE_AUTH_FILE=/nonexistent/auth.json"}, "serve")
	if r.code != 1 || !strings.Contains(r.stderr, "auth.json") || strings.Contains(r.stderr, "mk-secret-123") {
		t.Errorf("no auth file: exit %d, %q", r.code, r.stderr)
	}
}

// The image: bases pinned by digest, a HEALTHCHECK through `attio-facade health`, serve in
// production mode by default, the sandbox only as an explicit command.
func TestDockerfile(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	df := string(b)
	froms := regexp.MustCompile(`(?m)^FROM\s+(\S+)`).FindAllStringSubmatch(df, -1)
	if len(froms) == 0 {
		t.Fatal("no FROM")
	}
	for _, m := range froms {
		if !regexp.MustCompile(`^[^@]+:[^@]+@sha256:[0-9a-f]{64}$`).MatchString(m[1]) {
			t.Errorf("base image %s is not pinned by digest (name:tag@sha256:...)", m[1])
		}
	}
	for _, want := range []string{
		`HEALTHCHECK`, `CMD ["/usr/local/bin/attio-facade", "health"`,
		`ATTIO_FACADE_REQUIRE_UPSTREAM=true`, `ATTIO_FACADE_AUTH_FILE=`, `CMD ["serve"]`,
	} {
		if !strings.Contains(df, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
	if strings.Contains(df, `CMD ["sandbox"]`) {
		t.Error("the image defaults to the sandbox")
	}
}

// An unreachable upstream says why, redacted (the host and the kind of failure, never the key),
// in the caller's error and in the log.
func TestUnreachableUpstreamSaysWhy(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	upstream := "http://" + ln.Addr().String() + "/attio/v2"
	ln.Close() // nothing listens there now
	token := "caller-token-for-test"
	sum := sha256.Sum256([]byte(token))
	auth := filepath.Join(t.TempDir(), "auth.json")
	if err := os.WriteFile(auth, []byte(`{"api_keys":[{"name":"t","sha256":"`+hex.EncodeToString(sum[:])+`","scopes":["read"]}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	const key = "mk-live-secret-key-42"
	r := start(t, map[string]string{"MATON_API_KEY": key}, "--upstream-url", upstream, "--auth-file", auth, "--log-level", "debug")
	ctx, info := connect.NewClientContext(t.Context())
	info.RequestHeader().Set("Authorization", "Bearer "+token)
	client := attiov1connect.NewWorkspaceServiceClient(connect.NewClient(connecthttp.NewTransport(h2c(), r.url, connecthttp.WithGRPC())))
	_, err = client.GetSelf(ctx, &attiov1.GetSelfRequest{})
	if connect.CodeOf(err) != connect.CodeUnavailable || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("err = %v, want Unavailable saying connection refused", err)
	}
	if strings.Contains(err.Error(), key) || strings.Contains(r.logs.String(), key) {
		t.Fatal("the key leaked")
	}
	if !regexp.MustCompile(`"cause":"connection refused`).MatchString(r.logs.String()) {
		t.Errorf("log lacks the cause:\n%s", r.logs.String())
	}
}
