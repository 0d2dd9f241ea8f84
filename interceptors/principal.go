// Package interceptors holds the facade's Connect server interceptors, one concern per file, composed
// in one place (chain.go): telemetry, recovery, drain, authentication, rate limiting, validation and
// approvals.
package interceptors

import (
	"context"
	"errors"
	"fmt"
	"slices"
)

// Scope is a permission a principal holds.
type Scope string

// The scopes. Admin covers schema changes (objects, attributes, lists), webhooks and connections.
const (
	ScopeRead    Scope = "read"
	ScopeWrite   Scope = "write"
	ScopeApprove Scope = "approve"
	ScopeAdmin   Scope = "admin"
)

// PrincipalKind says how a principal authenticated; it is part of its identity.
type PrincipalKind string

// The principal kinds.
const (
	// KindAPIKey is a key from the auth file (or a sandbox token).
	KindAPIKey PrincipalKind = "apikey"
	// KindJWT is a bearer JWT verified against the configured JWKS.
	KindJWT PrincipalKind = "jwt"
)

// Principal is an authenticated caller.
type Principal struct {
	// Kind is how the caller authenticated.
	Kind PrincipalKind
	// Issuer is the JWT issuer (empty for API keys).
	Issuer string
	// Name is the caller's name within its kind and issuer: the API key's name or the JWT's name
	// claim. Never a secret, and never an identity on its own: an API key named "writer" and a JWT
	// whose sub is "writer" are different callers. Use ID.
	Name string
	// Scopes are the permissions granted.
	Scopes []Scope
	// Connections, when non-empty, are the only Maton connections the caller may use.
	Connections []string
	// AutoApprove lets the caller approve its own writes (batch jobs).
	AutoApprove bool
	// AutoApproveDeletes extends AutoApprove to deletes, which otherwise still need a second person.
	AutoApproveDeletes bool
}

// ID is the caller's identity: "apikey:<name>" or "jwt:<issuer>|<name>". Approvals (requester,
// approver, token subject), audit lines and per-caller limits are keyed by it, so two callers with
// the same name but different kinds or issuers never share anything. API key names cannot contain
// ':' or '|' (ValidateName) and one facade trusts one issuer, so the string is unambiguous.
func (p *Principal) ID() string {
	if p == nil {
		return ""
	}
	if p.Kind == KindJWT {
		return string(KindJWT) + ":" + p.Issuer + "|" + p.Name
	}
	return string(p.Kind) + ":" + p.Name
}

// Has reports whether p holds scope s.
func (p *Principal) Has(s Scope) bool { return p != nil && slices.Contains(p.Scopes, s) }

// MayUse reports whether p may call through the Maton connection conn ("" is the default connection).
func (p *Principal) MayUse(conn string) bool {
	return p != nil && (len(p.Connections) == 0 || slices.Contains(p.Connections, conn))
}

type principalKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the authenticated caller, or nil for open endpoints.
func PrincipalFrom(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}

// MaxNameBytes bounds a principal's name: API key names in the auth file and JWT name claims. Names
// key per-caller state (limits, approvals), so a caller must not choose an arbitrarily long one.
const MaxNameBytes = 256

// ValidateName checks an API key name: 1 to MaxNameBytes of ASCII letters, digits and "._@-". The
// identity separators ':' and '|', spaces and control characters are refused, so a name can never
// read as another caller's identity in an audit line.
func ValidateName(name string) error {
	if name == "" {
		return errors.New("name is empty")
	}
	if len(name) > MaxNameBytes {
		return fmt.Errorf("name is longer than %d bytes", MaxNameBytes)
	}
	for _, r := range name {
		if !nameRune(r) {
			return fmt.Errorf("name %q: only letters, digits and . _ @ - are allowed", name)
		}
	}
	return nil
}

func nameRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' ||
		r == '.' || r == '_' || r == '@' || r == '-'
}
