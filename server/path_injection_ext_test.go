package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"buf.build/gen/go/bufbuild/protovalidate/protocolbuffers/go/buf/validate"
	"connectrpc.com/connect/v2"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/server"
)

// recordingProxy sits between the facade's client and the sandbox and records the request target
// of every request exactly as it arrived on the wire.
type recordingProxy struct {
	*httptest.Server
	target atomic.Pointer[http.Handler]
	mu     sync.Mutex
	seen   []string
}

func newRecordingProxy(t *testing.T) *recordingProxy {
	p := &recordingProxy{}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path, _, _ := strings.Cut(r.RequestURI, "?")
		p.mu.Lock()
		p.seen = append(p.seen, r.Method+" "+path)
		p.mu.Unlock()
		(*p.target.Load()).ServeHTTP(w, r)
	}))
	t.Cleanup(p.Close)
	return p
}

func (p *recordingProxy) take() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.seen
	p.seen = nil
	return out
}

// benignValue is a valid value for a top-level string field, unique to the field so its segment
// can be found in the upstream path.
func benignValue(fd protoreflect.FieldDescriptor) string {
	rules, _ := proto.GetExtension(fd.Options(), validate.E_Field).(*validate.FieldRules)
	if rules.GetString().GetUuid() {
		return fmt.Sprintf("00000000-0000-4000-8000-%012d", fd.Number())
	}
	return "b_" + string(fd.Name())
}

// fillBase sets every top-level field a request needs to get past validation: strings with their
// benign value, enums with their first real value, value maps with one text value, update masks
// with "*".
func fillBase(m protoreflect.Message) {
	fields := m.Descriptor().Fields()
	for i := range fields.Len() {
		fd := fields.Get(i)
		if od := fd.ContainingOneof(); od != nil && !od.IsSynthetic() {
			continue
		}
		switch {
		case fd.IsMap() && fd.MapValue().Message() != nil && fd.MapValue().Message().FullName() == "attio.v1.ValueInputList":
			l := &attiov1.ValueInputList{Values: []*attiov1.ValueInput{{Value: &attiov1.ValueInput_Text{Text: "x"}}}}
			m.Mutable(fd).Map().Set(protoreflect.ValueOfString("name").MapKey(), protoreflect.ValueOfMessage(l.ProtoReflect()))
		case fd.IsList() || fd.IsMap():
		case fd.Message() != nil && fd.Message().FullName() == "google.protobuf.FieldMask":
			m.Set(fd, protoreflect.ValueOfMessage((mask("*")).ProtoReflect()))
		case fd.Kind() == protoreflect.StringKind:
			m.Set(fd, protoreflect.ValueOfString(benignValue(fd)))
		case fd.Kind() == protoreflect.EnumKind && fd.Enum().Values().Len() > 1:
			m.Set(fd, protoreflect.ValueOfEnum(fd.Enum().Values().Get(1).Number()))
		}
	}
}

// call runs one RPC generically and drains a stream's messages.
func callGeneric(ctx context.Context, c *connect.Client, spec connect.Spec, req proto.Message) error {
	md := spec.Schema.(protoreflect.MethodDescriptor)
	mt, err := protoregistry.GlobalTypes.FindMessageByName(md.Output().FullName())
	if err != nil {
		return err
	}
	if spec.StreamType == connect.StreamTypeUnary {
		return c.CallUnary(ctx, spec, req, mt.New().Interface())
	}
	stream, err := c.CallServerStream(ctx, spec, req)
	if err != nil {
		return err
	}
	defer stream.Close()
	for range 3 {
		if err := stream.Receive(mt.New().Interface()); err != nil {
			return err
		}
	}
	return nil
}

// TestPathBoundFieldsCannotRedirect sends "..", "%2e%2e", "/", "?" and "#" (and friends) in every
// top-level string field of every RPC, discovered by reflection over the services, through a
// recording proxy in front of the sandbox. Each call is either refused with InvalidArgument, or
// reaches upstream at exactly the paths the same call with a benign value reaches, with the value
// escaped as one segment.
func TestPathBoundFieldsCannotRedirect(t *testing.T) {
	t.Parallel()
	proxy := newRecordingProxy(t)
	h := newHarness(t, harnessConfig{client: func(c *attio.Config) {
		c.BaseURL, c.ControlURL, c.MaxAttempts = proxy.URL+"/attio/v2", proxy.URL, 1
	}})
	var sb http.Handler = h.sb.Sandbox
	proxy.target.Store(&sb)
	client := h.rpc(protocols[0])
	evil := []string{"..", ".", "%2e%2e", "/", "?", "#", "a/../b", "x?y=1", "x#frag", "%2F", "\x00", "\n", " "}

	var pathBound []string
	for spec := range server.NewRPCServer(server.Options{}).Specs() {
		md := spec.Schema.(protoreflect.MethodDescriptor)
		mt, err := protoregistry.GlobalTypes.FindMessageByName(md.Input().FullName())
		if err != nil {
			t.Fatal(err)
		}
		base := mt.New()
		fillBase(base)
		proxy.take()
		_ = callGeneric(t.Context(), client, spec, base.Interface())
		basePaths := proxy.take()
		fields := md.Input().Fields()
		for i := range fields.Len() {
			fd := fields.Get(i)
			if fd.Kind() != protoreflect.StringKind || fd.IsList() || fd.IsMap() {
				continue
			}
			benign := benignValue(fd)
			bound := false
			for _, p := range basePaths {
				if strings.Contains(p, "/"+benign) {
					bound = true
				}
			}
			if !bound {
				continue
			}
			pathBound = append(pathBound, spec.Procedure+"."+string(fd.Name()))
			for _, v := range evil {
				req := proto.Clone(base.Interface())
				req.ProtoReflect().Set(fd, protoreflect.ValueOfString(v))
				err := callGeneric(t.Context(), client, spec, req)
				got := proxy.take()
				if connect.CodeOf(err) == connect.CodeInvalidArgument && len(got) == 0 {
					continue
				}
				want := make([]string, len(basePaths))
				for j, p := range basePaths {
					want[j] = strings.ReplaceAll(p, "/"+benign, "/"+url.PathEscape(v))
				}
				for _, p := range got {
					for _, seg := range strings.Split(p, "/") {
						if seg == "." || seg == ".." {
							t.Errorf("%s %s=%q: upstream saw the dot segment in %q", spec.Procedure, fd.Name(), v, p)
						}
					}
				}
				if strings.Join(got, "\n") != strings.Join(want, "\n") {
					t.Errorf("%s %s=%q: upstream saw %q, want %q or InvalidArgument (got %v)", spec.Procedure, fd.Name(), v, got, want, err)
				}
			}
		}
	}
	// The fields the incident went through, and the rest of the path-bound surface, were covered.
	for _, must := range []string{
		"/attio.v1.AttributeService/UpdateSelectOption.option",
		"/attio.v1.AttributeService/UpdateStatus.status",
		"/attio.v1.RecordService/DeleteRecord.record_id",
		"/attio.v1.RecordService/GetRecord.object",
		"/attio.v1.EntryService/UpdateEntry.entry_id",
		"/attio.v1.WebhookService/DeleteWebhook.webhook_id",
		"/attio.v1.ConnectionService/DeleteConnection.connection_id",
	} {
		if !strings.Contains(strings.Join(pathBound, " "), must) {
			t.Errorf("%s was not found to be path-bound; covered: %v", must, pathBound)
		}
	}
	t.Logf("%d path-bound fields checked", len(pathBound))
}
