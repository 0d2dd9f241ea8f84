package interceptors

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
)

// Procedure describes how one RPC of the contract is guarded. It is the single place where the
// facade decides what a call may do: authorisation, approvals, rate limits and telemetry all read it.
// It is read from the RPC's (attio.v1.access) option (proto/attio/v1/access.proto).
type Procedure struct {
	// Name is the Connect procedure, e.g. "/attio.v1.RecordService/DeleteRecord".
	Name string
	// Scope is what the caller must hold.
	Scope Scope
	// Write is true for calls that need an approval (every create, update, assert and delete of
	// Attio or Maton state). ApprovalService's own Approve and Deny change only the facade's
	// approval state and are not writes (or approving would need an approval).
	Write bool
	// Delete is true for permanent writes (APPROVAL_PERMANENT): they are never auto-approved
	// unless the principal is explicitly allowed.
	Delete bool
	// Upstream is true for calls served through a Maton connection (Attio or Maton's control
	// plane), which the Maton-Connection allow-list and upstream rate limits apply to. False for
	// local RPCs (ApprovalService), which only touch the facade's own state.
	Upstream bool
	// Target is the read procedure that returns what an update or delete targets, e.g.
	// "/attio.v1.RecordService/GetRecord"; "" for reads and creates.
	Target string
	// Method describes the RPC; TargetMethod the target's (nil without one).
	Method, TargetMethod protoreflect.MethodDescriptor
}

var accessScopes = map[attiov1.Access_Scope]Scope{
	attiov1.Access_SCOPE_READ:    ScopeRead,
	attiov1.Access_SCOPE_WRITE:   ScopeWrite,
	attiov1.Access_SCOPE_APPROVE: ScopeApprove,
	attiov1.Access_SCOPE_ADMIN:   ScopeAdmin,
}

// contract is the table of every procedure compiled in, read once from the descriptors; per call
// it is one map lookup.
var contract = sync.OnceValues(func() (map[string]Procedure, error) {
	return ReadContract(protoregistry.GlobalFiles, ContractPackages)
})

// ContractPackages prefixes the full names of the contract's services: those the facade serves,
// as opposed to services other libraries compile in (an OpenTelemetry exporter's, say).
const ContractPackages = "attio."

// ReadContract reads the access rule of every method of every service in files whose full name
// starts with prefix from its (attio.v1.access) option, keyed by procedure name. A method without
// the option, or with an inconsistent one, is left out of the table (so it is refused: closed by
// default) and named in the error.
func ReadContract(files *protoregistry.Files, prefix string) (map[string]Procedure, error) {
	table := map[string]Procedure{}
	var errs []error
	files.RangeFiles(func(fd protoreflect.FileDescriptor) bool {
		services := fd.Services()
		for i := range services.Len() {
			sd := services.Get(i)
			if !strings.HasPrefix(string(sd.FullName()), prefix) {
				continue
			}
			methods := sd.Methods()
			for j := range methods.Len() {
				p, err := readProcedure(files, methods.Get(j))
				if err != nil {
					errs = append(errs, err)
					continue
				}
				table[p.Name] = p
			}
		}
		return true
	})
	return table, errors.Join(errs...)
}

func procedureName(md protoreflect.MethodDescriptor) string {
	return "/" + string(md.Parent().FullName()) + "/" + string(md.Name())
}

func accessOf(md protoreflect.MethodDescriptor) (*attiov1.Access, bool) {
	opts, _ := md.Options().(*descriptorpb.MethodOptions)
	if opts == nil || !proto.HasExtension(opts, attiov1.E_Access) {
		return nil, false
	}
	a, ok := proto.GetExtension(opts, attiov1.E_Access).(*attiov1.Access)
	return a, ok
}

func sideEffectFree(md protoreflect.MethodDescriptor) bool {
	opts, _ := md.Options().(*descriptorpb.MethodOptions)
	return opts.GetIdempotencyLevel() == descriptorpb.MethodOptions_NO_SIDE_EFFECTS
}

// readProcedure reads and checks one method's option; the rules are documented on attio.v1.Access.
func readProcedure(files *protoregistry.Files, md protoreflect.MethodDescriptor) (Procedure, error) {
	p := Procedure{Name: procedureName(md), Method: md}
	fail := func(format string, args ...any) (Procedure, error) {
		return Procedure{}, fmt.Errorf("%s: "+format, append([]any{p.Name}, args...)...)
	}
	a, ok := accessOf(md)
	if !ok {
		return fail("no (attio.v1.access) option; see proto/attio/v1/access.proto")
	}
	scope, ok := accessScopes[a.GetScope()]
	if !ok {
		return fail("scope %v is not a scope", a.GetScope())
	}
	p.Scope, p.Upstream, p.Target = scope, !a.GetLocal(), ""
	read := sideEffectFree(md)
	switch a.GetApproval() {
	case attiov1.Access_APPROVAL_NONE:
	case attiov1.Access_APPROVAL_REQUIRED:
		p.Write = true
	case attiov1.Access_APPROVAL_PERMANENT:
		p.Write, p.Delete = true, true
	default:
		return fail("approval %v is not an approval", a.GetApproval())
	}
	switch {
	case a.GetLocal() && p.Write:
		return fail("a local RPC changes only the facade's state and needs no approval")
	case !a.GetLocal() && scope == ScopeApprove:
		return fail("SCOPE_APPROVE is for the facade's own (local) RPCs")
	case !a.GetLocal() && read && p.Write:
		return fail("a read (idempotency_level NO_SIDE_EFFECTS) with an approval")
	case !a.GetLocal() && !read && !p.Write:
		return fail("a write (no idempotency_level NO_SIDE_EFFECTS) without an approval")
	case p.Write && scope != ScopeWrite && scope != ScopeAdmin:
		return fail("a write needs SCOPE_WRITE or SCOPE_ADMIN, not %v", a.GetScope())
	case !p.Write && scope == ScopeWrite:
		return fail("SCOPE_WRITE on an RPC that needs no approval")
	case p.Delete && a.GetTarget() == "":
		return fail("APPROVAL_PERMANENT without a target: an approver must see what is destroyed")
	case !p.Write && a.GetTarget() != "":
		return fail("only writes have a target")
	}
	if a.GetTarget() != "" {
		target, err := resolveTarget(files, md, a.GetTarget())
		if err != nil {
			return fail("target %q: %v", a.GetTarget(), err)
		}
		p.Target, p.TargetMethod = procedureName(target), target
	}
	return p, nil
}

// resolveTarget finds the read RPC a write's target names and checks that its request can be
// filled from the write's request (see TargetRequest) and that its response holds the resource.
func resolveTarget(files *protoregistry.Files, write protoreflect.MethodDescriptor, target string) (protoreflect.MethodDescriptor, error) {
	d, err := files.FindDescriptorByName(write.ParentFile().Package() + "." + protoreflect.FullName(target))
	if err != nil {
		return nil, fmt.Errorf("no such RPC in package %s", write.ParentFile().Package())
	}
	md, ok := d.(protoreflect.MethodDescriptor)
	if !ok || md.IsStreamingClient() || md.IsStreamingServer() || !sideEffectFree(md) {
		return nil, errors.New("not a unary read RPC (\"Service.Method\" with idempotency_level NO_SIDE_EFFECTS)")
	}
	if TargetField(md.Output()) == nil {
		return nil, fmt.Errorf("%s has no single message field for the resource", md.Output().FullName())
	}
	in, from := md.Input().Fields(), write.Input().Fields()
	for i := range in.Len() {
		f := in.Get(i)
		if f.Kind() == protoreflect.MessageKind || f.IsList() || f.IsMap() {
			continue // not an identifier (a read mask, say): left unset
		}
		g := from.ByName(f.Name())
		if g == nil || g.Kind() != f.Kind() || g.IsList() || g.Enum() != nil && g.Enum().FullName() != f.Enum().FullName() {
			return nil, fmt.Errorf("%s.%s has no counterpart of the same name and type in %s", md.Input().FullName(), f.Name(), write.Input().FullName())
		}
	}
	return md, nil
}

// TargetField is the one singular message field of a target's response (the resource), or nil.
func TargetField(response protoreflect.MessageDescriptor) protoreflect.FieldDescriptor {
	var found protoreflect.FieldDescriptor
	fields := response.Fields()
	for i := range fields.Len() {
		if f := fields.Get(i); f.Kind() == protoreflect.MessageKind && !f.IsList() && !f.IsMap() {
			if found != nil {
				return nil
			}
			found = f
		}
	}
	return found
}

// TargetRequest fills a new request of target's input type from the write request's fields of the
// same names (the identifiers ReadContract checked exist).
func TargetRequest(target protoreflect.MethodDescriptor, write proto.Message) proto.Message {
	mt, err := protoregistry.GlobalTypes.FindMessageByName(target.Input().FullName())
	if err != nil {
		return nil
	}
	req := mt.New()
	from := write.ProtoReflect()
	fields := req.Descriptor().Fields()
	for i := range fields.Len() {
		f := fields.Get(i)
		if f.Kind() == protoreflect.MessageKind || f.IsList() || f.IsMap() {
			continue
		}
		if g := from.Descriptor().Fields().ByName(f.Name()); g != nil && g.Kind() == f.Kind() && from.Has(g) {
			req.Set(f, from.Get(g))
		}
	}
	return req.Interface()
}

// Procedures returns the classification of every procedure of the contract, keyed by procedure
// name. The map is shared: do not modify it.
func Procedures() map[string]Procedure {
	table, _ := contract()
	return table
}

// ContractError reports the RPCs whose (attio.v1.access) option is missing or inconsistent; they
// are refused. The server refuses to start with one.
func ContractError() error {
	_, err := contract()
	return err
}

// LookupProcedure returns the classification of a procedure of the contract.
func LookupProcedure(procedure string) (Procedure, bool) {
	p, ok := Procedures()[procedure]
	return p, ok
}

// IsWrite reports whether procedure changes upstream state and so needs an approval.
func IsWrite(procedure string) bool { return Procedures()[procedure].Write }

// IsDelete reports whether procedure is a (permanent) delete.
func IsDelete(procedure string) bool { return Procedures()[procedure].Delete }

// RequiredScope returns the scope a caller needs for procedure. ok is false for procedures outside
// the contract, which are refused unless IsOpen.
func RequiredScope(procedure string) (scope Scope, ok bool) {
	p, ok := Procedures()[procedure]
	return p.Scope, ok
}
