package interceptors

import (
	"fmt"
	"strings"

	"connectrpc.com/connect/v2"

	// The access table (access.go) is read from the descriptors this import registers.
	_ "github.com/attio-facade/attio-facade/gen/attio/v1"
)

// IsOpen reports whether procedure is served without credentials: gRPC health checks (load
// balancers cannot authenticate) and reflection (it only describes the public contract).
func IsOpen(procedure string) bool {
	return strings.HasPrefix(procedure, "/grpc.health.v1.Health/") ||
		strings.HasPrefix(procedure, "/grpc.reflection.")
}

// Authorize decides whether p may call procedure through the Maton connection conn ("" = default).
// It returns nil or a *connect.Error with CodePermissionDenied; p must already be authenticated.
// Everything outside the contract is closed by default.
func Authorize(p *Principal, procedure, conn string) error {
	if IsOpen(procedure) {
		return nil
	}
	proc, ok := LookupProcedure(procedure)
	if !ok {
		return connect.NewError(connect.CodePermissionDenied, "procedure is not open to callers")
	}
	if !p.Has(proc.Scope) {
		return connect.NewError(connect.CodePermissionDenied,
			fmt.Sprintf("principal %q lacks the %q scope needed for %s", p.ID(), proc.Scope, procedure))
	}
	if proc.Upstream && !p.MayUse(conn) {
		if conn == "" {
			return connect.NewError(connect.CodePermissionDenied,
				fmt.Sprintf("principal %q may not use the default Maton connection; set the Maton-Connection header", p.ID()))
		}
		return connect.NewError(connect.CodePermissionDenied,
			fmt.Sprintf("principal %q may not use Maton connection %q", p.ID(), conn))
	}
	return nil
}
