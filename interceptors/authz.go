package interceptors

import (
	"fmt"
	"strings"
	"sync"

	"connectrpc.com/connect/v2"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"

	// The table below is built from the descriptors this import registers.
	_ "github.com/attio-facade/attio-facade/gen/attio/v1"
)

// Procedure describes how one RPC of the contract is guarded. It is the single place where the
// facade decides what a call may do: authorisation, approvals, rate limits and telemetry all read it.
type Procedure struct {
	// Name is the Connect procedure, e.g. "/attio.v1.RecordService/DeleteRecord".
	Name string
	// Scope is what the caller must hold.
	Scope Scope
	// Write is true for calls that change Attio or Maton state (every create, update, assert and
	// delete). Writes need an approval token. ApprovalService's own Approve and Deny change only the
	// facade's approval state and are not writes (or approving would need an approval).
	Write bool
	// Delete is true for writes named Delete*: Attio deletes are permanent, so they are never
	// auto-approved unless the principal is explicitly allowed.
	Delete bool
	// Upstream is true for calls served through a Maton connection (Attio or Maton's control
	// plane), which the Maton-Connection allow-list and upstream rate limits apply to. False for
	// ApprovalService, which only touches the facade's own state.
	Upstream bool
}

const attioPackage = "attio.v1"

// adminServices are administrative in full, reads included: webhooks leak data to third parties and
// connections grant access to whole workspaces.
var adminServices = map[string]bool{
	"WebhookService":    true,
	"ConnectionService": true,
}

// schemaServices change the workspace's schema when they write.
var schemaServices = map[string]bool{
	"ObjectService":    true,
	"AttributeService": true,
	"ListService":      true,
}

var procedures = sync.OnceValue(func() map[string]Procedure {
	table := map[string]Procedure{}
	protoregistry.GlobalFiles.RangeFilesByPackage(attioPackage, func(fd protoreflect.FileDescriptor) bool {
		services := fd.Services()
		for i := range services.Len() {
			sd := services.Get(i)
			methods := sd.Methods()
			for j := range methods.Len() {
				p := classify(sd, methods.Get(j))
				table[p.Name] = p
			}
		}
		return true
	})
	return table
})

func classify(sd protoreflect.ServiceDescriptor, md protoreflect.MethodDescriptor) Procedure {
	service, method := string(sd.Name()), string(md.Name())
	p := Procedure{Name: "/" + string(sd.FullName()) + "/" + method, Scope: ScopeRead, Upstream: true}
	opts, _ := md.Options().(*descriptorpb.MethodOptions)
	mutates := opts.GetIdempotencyLevel() != descriptorpb.MethodOptions_NO_SIDE_EFFECTS
	switch {
	case service == "ApprovalService":
		p.Upstream = false
		if mutates {
			p.Scope = ScopeApprove
		}
		return p
	case adminServices[service]:
		p.Scope = ScopeAdmin
	case mutates && schemaServices[service]:
		p.Scope = ScopeAdmin
	case mutates:
		p.Scope = ScopeWrite
	}
	p.Write = mutates
	p.Delete = mutates && strings.HasPrefix(method, "Delete")
	return p
}

// Procedures returns the classification of every procedure of the attio.v1 contract, keyed by
// procedure name. The map is shared: do not modify it.
func Procedures() map[string]Procedure { return procedures() }

// LookupProcedure returns the classification of an attio.v1 procedure.
func LookupProcedure(procedure string) (Procedure, bool) {
	p, ok := procedures()[procedure]
	return p, ok
}

// IsWrite reports whether procedure changes upstream state and so needs an approval.
func IsWrite(procedure string) bool { return procedures()[procedure].Write }

// IsDelete reports whether procedure is a (permanent) delete.
func IsDelete(procedure string) bool { return procedures()[procedure].Delete }

// RequiredScope returns the scope a caller needs for procedure. ok is false for procedures outside
// the contract, which are refused unless IsOpen.
func RequiredScope(procedure string) (scope Scope, ok bool) {
	p, ok := procedures()[procedure]
	return p.Scope, ok
}

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
