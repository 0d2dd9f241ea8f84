package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connecthttp"
	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
)

// jwtAuthFile starts a JWKS server with one key and writes an auth file trusting it; sign mints a
// read-scoped JWT issued now and living for life.
func jwtAuthFile(t *testing.T) (path string, sign func(life time.Duration) string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	jwks := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{
			{Key: &key.PublicKey, KeyID: "k1", Algorithm: "ES256", Use: "sig"},
		}})
	}))
	t.Cleanup(jwks.Close)
	path = filepath.Join(t.TempDir(), "auth.json")
	cfg := `{"jwt":{"jwks_url":"` + jwks.URL + `","issuer":"https://idp.test/","audience":"attio-facade"}}`
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: jose.JSONWebKey{Key: key, KeyID: "k1"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return path, func(life time.Duration) string {
		now := time.Now()
		tok, err := jwt.Signed(signer).Claims(map[string]any{
			"iss": "https://idp.test/", "aud": "attio-facade", "sub": "alice", "scope": "read",
			"iat": now.Unix(), "exp": now.Add(life).Unix(),
		}).Serialize()
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
}

// --jwt-max-lifetime (or its env variable) bounds exp - iat of caller JWTs.
func TestJWTMaxLifetimeFlag(t *testing.T) {
	t.Parallel()
	path, sign := jwtAuthFile(t)
	tests := []struct {
		name string
		env  map[string]string
		args []string
	}{
		{"flag", nil, []string{"--auth-file", path, "--jwt-max-lifetime", "30m"}},
		{"env", map[string]string{"ATTIO_FACADE_JWT_MAX_LIFETIME": "30m", "ATTIO_FACADE_AUTH_FILE": path}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := start(t, tt.env, tt.args...)
			objects := attiov1connect.NewObjectServiceClient(connect.NewClient(connecthttp.NewTransport(http.DefaultClient, r.url)))
			list := func(token string) error {
				ctx, info := connect.NewClientContext(t.Context())
				info.RequestHeader().Set("Authorization", "Bearer "+token)
				_, err := objects.ListObjects(ctx, &attiov1.ListObjectsRequest{})
				return err
			}
			if err := list(sign(20 * time.Minute)); err != nil {
				t.Fatalf("20m JWT: %v", err)
			}
			if err := list(sign(time.Hour)); connect.CodeOf(err) != connect.CodeUnauthenticated {
				t.Fatalf("1h JWT under a 30m maximum: %v, want Unauthenticated", err)
			}
		})
	}
	err := run(t.Context(), []string{"serve", "--addr", "127.0.0.1:0", "--jwt-max-lifetime", "0s"},
		environment{getenv: func(string) string { return "" }, stdout: io.Discard, stderr: io.Discard})
	if err == nil || !strings.Contains(err.Error(), "jwt-max-lifetime") {
		t.Fatalf("zero maximum: %v, want a refusal", err)
	}
}
