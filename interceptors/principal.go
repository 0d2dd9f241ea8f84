// Package interceptors holds the facade's Connect server interceptors, one concern per file, composed
// in one place (chain.go): recovery, telemetry, authentication, rate limiting, validation and
// approvals.
package interceptors

import (
	"context"
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

// Principal is an authenticated caller.
type Principal struct {
	// Name identifies the caller in audit logs, metrics and approvals. Never a secret.
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
