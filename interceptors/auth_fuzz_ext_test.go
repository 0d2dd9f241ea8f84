package interceptors_test

import (
	"encoding/base64"
	"runtime"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect/v2"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/attio-facade/attio-facade/interceptors"
)

// allocBound fails when f allocates more than a fixed 1 MiB plus 64 bytes per input byte: hostile
// input may cost memory in proportion to its size, never more.
func allocBound(t *testing.T, inputBytes int, f func()) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	if got, limit := after.TotalAlloc-before.TotalAlloc, uint64(1<<20+64*inputBytes); got > limit {
		t.Fatalf("%d input bytes allocated %d bytes (limit %d)", inputBytes, got, limit)
	}
}

// The auth-file parser never panics, and whatever it accepts is a configuration the facade can run
// with, whose API key names cannot be confused with one another.
func FuzzParseAuthConfig(f *testing.F) {
	h := hashKey("k")
	for _, seed := range []string{
		`{"api_keys":[{"name":"etl","sha256":"` + h + `","scopes":["read","write"],"connections":["","` + connA + `"],
		  "auto_approve":true,"auto_approve_deletes":true}],
		  "jwt":{"jwks_url":"https://idp.test/jwks","issuer":"https://idp.test/","audience":"attio-facade",
		  "refresh_interval":"15m","min_refresh_interval":"1m","fetch_timeout":"10s"},
		  "approvals":{"ttl":"5m","allow_self_approval":true}}`,
		`{"api_keys":[{"name":"a","sha256":"` + h + `","scopes":["read"]},{"name":"A","sha256":"` + hashKey("j") + `","scopes":["read"]}]}`,
		`{"api_keys":[{"name":"a:b|c","sha256":"` + h + `","scopes":["read"]}]}`,
		`{"jwt":{"jwks_url":"ftp://x","issuer":"x","audience":"y"}}`,
		`{"approvals":{"ttl":"-1s"}}`,
		`{"approvals":{"ttl":"9999999999h"}}`,
		`{"api_keys":[{"name":"a","sha256":"` + strings.ToUpper(h) + `","scopes":["read","read","admin"]}]}`,
		`{"api_keys":null,"jwt":null}`,
		`{"api_keys":[` + strings.Repeat(`{},`, 100) + `{}]}`,
		`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[`,
		`{"api_keys":[{"name":"\u0000","sha256":"","scopes":[]}]}`,
		"",
		"null",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var cfg *interceptors.AuthConfig
		var err error
		allocBound(t, len(data), func() { cfg, err = interceptors.ParseAuthConfig(data) })
		if err != nil {
			return
		}
		if err := cfg.Validate(); err != nil {
			t.Fatalf("accepted, then invalid: %v", err)
		}
		if _, err := interceptors.NewAuthenticator(cfg, interceptors.AuthenticatorOptions{}); err != nil {
			t.Fatalf("accepted, but no authenticator: %v", err)
		}
		seen := map[string]bool{}
		for _, k := range cfg.APIKeys {
			id := strings.ToLower(k.Name)
			if seen[id] || interceptors.ValidateName(k.Name) != nil {
				t.Fatalf("accepted a name that could collide: %q", k.Name)
			}
			seen[id] = true
		}
	})
}

// Whatever arrives as a bearer token, authentication never panics, answers Unauthenticated or a
// JWT principal, never echoes the token, and allocates in proportion to the token at most.
func FuzzAuthenticateJWT(f *testing.F) {
	jwks := newJWKS(f, "k1")
	clock := newClock()
	cfg := testConfig(jwks)
	auth, err := interceptors.NewAuthenticator(cfg, interceptors.AuthenticatorOptions{Now: clock.Now})
	if err != nil {
		f.Fatal(err)
	}
	now := clock.Now()
	valid := jwks.sign(f, "k1", goodClaims(now, "alice", "read write"))
	// The first verification fetches the key set; the fixed clock keeps any later one from refetching.
	if _, err := auth.Authenticate(f.Context(), "Bearer "+valid); err != nil {
		f.Fatal(err)
	}
	noIat := goodClaims(now, "alice", "read")
	noIat.IssuedAt = nil
	long := goodClaims(now, "alice", "read")
	long.Expiry = jwt.NewNumericDate(now.Add(48 * time.Hour))
	parts := strings.Split(valid, ".")
	b64 := base64.RawURLEncoding.EncodeToString
	for _, seed := range []string{
		valid,
		jwks.sign(f, "k1", noIat),
		jwks.sign(f, "k1", long),
		jwks.sign(f, "k1", goodClaims(now, strings.Repeat("x", 300), "read")),
		parts[0] + "." + parts[1] + ".",
		parts[0] + ".." + parts[2],
		b64([]byte(`{"alg":"none"}`)) + "." + parts[1] + ".",
		b64([]byte(`{"alg":"HS256","kid":"k1"}`)) + "." + parts[1] + "." + parts[2],
		b64([]byte(`{"alg":"ES256","kid":"unknown"}`)) + "." + parts[1] + "." + parts[2],
		b64([]byte(`{"alg":"ES256","crit":["exp"]}`)) + "." + parts[1] + "." + parts[2],
		b64([]byte(`{"alg":"ES256","kid":"k1"}`)) + "." + b64([]byte(`{"exp":1e400,"iat":-1e400}`)) + "." + parts[2],
		b64([]byte(strings.Repeat("[", 4096))) + "." + parts[1] + "." + parts[2],
		"a.b.c", "..", "a.b.c.d.e", "%%%.***.###",
		strings.Repeat("A", 20000) + ".b.c",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, token string) {
		var p *interceptors.Principal
		var err error
		allocBound(t, len(token), func() { p, err = auth.Authenticate(t.Context(), "Bearer "+token) })
		if err != nil {
			if connect.CodeOf(err) != connect.CodeUnauthenticated {
				t.Fatalf("code %v, want Unauthenticated: %v", connect.CodeOf(err), err)
			}
			if len(token) > 3 && strings.Contains(err.Error(), token) {
				t.Fatal("error echoes the token")
			}
			return
		}
		if p.Kind != interceptors.KindJWT || p.Name == "" || len(p.Name) > interceptors.MaxNameBytes {
			t.Fatalf("accepted principal %+v", p)
		}
	})
}
