package interceptors_test

import (
	"strings"
	"testing"

	"connectrpc.com/connect/v2"

	"github.com/attio-facade/attio-facade/interceptors"
)

func TestPrincipalID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		p    *interceptors.Principal
		want string
	}{
		{&interceptors.Principal{Kind: interceptors.KindAPIKey, Name: "writer"}, "apikey:writer"},
		{&interceptors.Principal{Kind: interceptors.KindJWT, Issuer: "https://idp/", Name: "writer"}, "jwt:https://idp/|writer"},
		{&interceptors.Principal{Kind: interceptors.KindJWT, Issuer: "https://idp/", Name: "auth0|42"}, "jwt:https://idp/|auth0|42"},
		{nil, ""},
	}
	for _, tt := range tests {
		if got := tt.p.ID(); got != tt.want {
			t.Errorf("ID() = %q, want %q", got, tt.want)
		}
	}
}

// An API key and a JWT that share a name are different callers: the JWT can neither see the key's
// approved write, nor fetch its token, nor redeem it.
func TestIdentityIncludesKindAndIssuer(t *testing.T) {
	t.Parallel()
	jwks := newJWKS(t, "k1")
	e := newEnv(t, envOptions{jwks: jwks})
	ctx := t.Context()
	token, id := e.approvedToken(t, "key-writer", "", recordA)

	jwtWriter := jwks.sign(t, "k1", goodClaims(e.clock.Now(), "writer", "read write"))
	p, err := e.auth.Authenticate(ctx, "Bearer "+jwtWriter)
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "writer" || p.ID() != "jwt:https://idp.test/|writer" {
		t.Fatalf("JWT principal = %q (%s)", p.ID(), p.Name)
	}
	if l, err := e.approvals.List(ctx, p); err != nil || len(l) != 0 {
		t.Fatalf("JWT writer lists %v (%v), want nothing", l, err)
	}
	if ap, err := e.approvals.Get(ctx, p, id); connect.CodeOf(err) != connect.CodeNotFound {
		t.Fatalf("JWT writer Get = %v, %v; want NotFound", ap, err)
	}
	err = e.deleteRecord(callCtx(ctx, jwtWriter, "", token), recordA)
	if connect.CodeOf(err) != connect.CodePermissionDenied || !strings.Contains(err.Error(), "another principal") {
		t.Fatalf("JWT writer redeems: %v, want PermissionDenied", err)
	}
	if n := e.records.deletes.Load(); n != 0 {
		t.Fatalf("deletes = %d after the JWT's attempt", n)
	}
	// The key that asked still can.
	if err := e.deleteRecord(callCtx(ctx, "key-writer", "", token), recordA); err != nil {
		t.Fatalf("API key writer redeems: %v", err)
	}
	var refused bool
	for _, l := range auditLines(t, e.audit) {
		refused = refused || l["decision"] == "refused" && l["principal"] == "jwt:https://idp.test/|writer"
	}
	if !refused {
		t.Fatalf("no refusal audited for the JWT identity:\n%s", e.audit.String())
	}
}

// A JWT name is bounded and free of control characters, so it cannot forge audit lines or grow
// per-caller state without bound.
func TestJWTNameBounds(t *testing.T) {
	t.Parallel()
	jwks := newJWKS(t, "k1")
	e := newEnv(t, envOptions{jwks: jwks})
	now := e.clock.Now()
	tests := []struct {
		name string
		sub  string
		want connect.Code
	}{
		{"longest", strings.Repeat("a", interceptors.MaxNameBytes), 0},
		{"separators", "auth0|42:x", 0},
		{"too long", strings.Repeat("a", interceptors.MaxNameBytes+1), connect.CodeUnauthenticated},
		{"newline", "writer\napikey:admin", connect.CodeUnauthenticated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tok := jwks.sign(t, "k1", goodClaims(now, tt.sub, "read"))
			if got := codeOf(e.get(recordA)(callCtx(t.Context(), tok, "", ""))); got != tt.want {
				t.Fatalf("code = %v, want %v", got, tt.want)
			}
		})
	}
}
