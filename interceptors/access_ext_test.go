package interceptors_test

import (
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/interceptors"
)

// TestEveryRPCDeclaresItsAccess walks every method of every service of the contract compiled in
// and fails on one without a consistent (attio.v1.access) option.
func TestEveryRPCDeclaresItsAccess(t *testing.T) {
	t.Parallel()
	if err := interceptors.ContractError(); err != nil {
		t.Fatalf("the contract's access options:\n%v", err)
	}
	table := interceptors.Procedures()
	n := 0
	protoregistry.GlobalFiles.RangeFiles(func(fd protoreflect.FileDescriptor) bool {
		for i := range fd.Services().Len() {
			sd := fd.Services().Get(i)
			for j := range sd.Methods().Len() {
				name := "/" + string(sd.FullName()) + "/" + string(sd.Methods().Get(j).Name())
				if !strings.HasPrefix(name, "/"+interceptors.ContractPackages) {
					continue
				}
				n++
				if _, ok := table[name]; !ok {
					t.Errorf("%s is not in the access table", name)
				}
			}
		}
		return true
	})
	if n < 60 || len(table) != n {
		t.Fatalf("walked %d methods, table has %d", n, len(table))
	}
}

// testFile builds a one-service file whose methods carry the given options, registered alone.
func testFile(t *testing.T, methods map[string]*descriptorpb.MethodOptions) *protoregistry.Files {
	t.Helper()
	fdp := &descriptorpb.FileDescriptorProto{
		Name: proto.String("test/v1/widgets.proto"), Package: proto.String("test.v1"), Syntax: proto.String("proto3"),
		MessageType: []*descriptorpb.DescriptorProto{
			{Name: proto.String("Req"), Field: []*descriptorpb.FieldDescriptorProto{
				{Name: proto.String("id"), Number: proto.Int32(1), Type: descriptorpb.FieldDescriptorProto_TYPE_STRING.Enum(), Label: descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum(), JsonName: proto.String("id")},
			}},
			{Name: proto.String("Other")},
			{Name: proto.String("Resp"), Field: []*descriptorpb.FieldDescriptorProto{
				{Name: proto.String("widget"), Number: proto.Int32(1), Type: descriptorpb.FieldDescriptorProto_TYPE_MESSAGE.Enum(), TypeName: proto.String(".test.v1.Req"), Label: descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum(), JsonName: proto.String("widget")},
			}},
		},
		Service: []*descriptorpb.ServiceDescriptorProto{{Name: proto.String("WidgetService")}},
	}
	for name, opts := range methods {
		in := ".test.v1.Req"
		if strings.HasPrefix(name, "Other") {
			in = ".test.v1.Other"
		}
		fdp.Service[0].Method = append(fdp.Service[0].Method, &descriptorpb.MethodDescriptorProto{
			Name: proto.String(name), InputType: proto.String(in), OutputType: proto.String(".test.v1.Resp"), Options: opts,
		})
	}
	fd, err := protodesc.NewFile(fdp, protoregistry.GlobalFiles)
	if err != nil {
		t.Fatal(err)
	}
	files := new(protoregistry.Files)
	if err := files.RegisterFile(fd); err != nil {
		t.Fatal(err)
	}
	return files
}

func opts(read bool, a *attiov1.Access) *descriptorpb.MethodOptions {
	o := &descriptorpb.MethodOptions{}
	if read {
		o.IdempotencyLevel = descriptorpb.MethodOptions_NO_SIDE_EFFECTS.Enum()
	}
	if a != nil {
		proto.SetExtension(o, attiov1.E_Access, a)
	}
	return o
}

func TestReadContractRefusesMissingOrInconsistentOptions(t *testing.T) {
	t.Parallel()
	const (
		read, write   = attiov1.Access_SCOPE_READ, attiov1.Access_SCOPE_WRITE
		none, req     = attiov1.Access_APPROVAL_NONE, attiov1.Access_APPROVAL_REQUIRED
		perm, approve = attiov1.Access_APPROVAL_PERMANENT, attiov1.Access_SCOPE_APPROVE
	)
	get := opts(true, &attiov1.Access{Scope: read, Approval: none})
	tests := []struct {
		name string
		opts *descriptorpb.MethodOptions
		want string // "" = accepted
	}{
		{"GetOK", get, ""},
		{"DeleteOK", opts(false, &attiov1.Access{Scope: write, Approval: perm, Target: "WidgetService.GetOK"}), ""},
		{"CreateOK", opts(false, &attiov1.Access{Scope: write, Approval: req}), ""},
		{"DecideOK", opts(false, &attiov1.Access{Scope: approve, Approval: none, Local: true}), ""},
		{"NoOption", opts(true, nil), "no (attio.v1.access) option"},
		{"NoScope", opts(true, &attiov1.Access{Approval: none}), "is not a scope"},
		{"NoApproval", opts(true, &attiov1.Access{Scope: read}), "is not an approval"},
		{"WriteWithoutApproval", opts(false, &attiov1.Access{Scope: write, Approval: none}), "a write (no idempotency_level NO_SIDE_EFFECTS) without an approval"},
		{"ReadWithApproval", opts(true, &attiov1.Access{Scope: write, Approval: req}), "a read (idempotency_level NO_SIDE_EFFECTS) with an approval"},
		{"WriteWithReadScope", opts(false, &attiov1.Access{Scope: read, Approval: req}), "a write needs SCOPE_WRITE or SCOPE_ADMIN"},
		{"ReadWithWriteScope", opts(true, &attiov1.Access{Scope: write, Approval: none}), "SCOPE_WRITE on an RPC that needs no approval"},
		{"ApproveUpstream", opts(false, &attiov1.Access{Scope: approve, Approval: none}), "SCOPE_APPROVE is for the facade's own"},
		{"LocalWrite", opts(false, &attiov1.Access{Scope: write, Approval: req, Local: true}), "a local RPC changes only the facade's state"},
		{"DeleteWithoutTarget", opts(false, &attiov1.Access{Scope: write, Approval: perm}), "APPROVAL_PERMANENT without a target"},
		{"ReadWithTarget", opts(true, &attiov1.Access{Scope: read, Approval: none, Target: "WidgetService.GetOK"}), "only writes have a target"},
		{"UnknownTarget", opts(false, &attiov1.Access{Scope: write, Approval: req, Target: "WidgetService.Nope"}), "no such RPC"},
		{"WriteTarget", opts(false, &attiov1.Access{Scope: write, Approval: req, Target: "WidgetService.CreateOK"}), "not a unary read RPC"},
		{"OtherTargetFieldsMissing", opts(false, &attiov1.Access{Scope: write, Approval: req, Target: "WidgetService.GetOK"}), "test.v1.Req.id has no counterpart"},
	}
	methods := map[string]*descriptorpb.MethodOptions{}
	for _, tt := range tests {
		methods[tt.name] = tt.opts
	}
	table, err := interceptors.ReadContract(testFile(t, methods), "test.")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			proc := "/test.v1.WidgetService/" + tt.name
			_, inTable := table[proc]
			var msg string
			if err != nil {
				for line := range strings.SplitSeq(err.Error(), "\n") {
					if strings.HasPrefix(line, proc+": ") {
						msg = line
					}
				}
			}
			if inTable != (tt.want == "") || !strings.Contains(msg, tt.want) || (tt.want == "") != (msg == "") {
				t.Fatalf("in table %v, error %q; want error containing %q", inTable, msg, tt.want)
			}
		})
	}
	if p := table["/test.v1.WidgetService/DeleteOK"]; !p.Write || !p.Delete || p.Scope != interceptors.ScopeWrite || !p.Upstream || p.Target != "/test.v1.WidgetService/GetOK" {
		t.Fatalf("DeleteOK read as %+v", p)
	}
	if p := table["/test.v1.WidgetService/DecideOK"]; p.Write || p.Upstream || p.Scope != interceptors.ScopeApprove {
		t.Fatalf("DecideOK read as %+v", p)
	}
}
