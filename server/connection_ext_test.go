package server_test

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connectinprocess"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	"github.com/attio-facade/attio-facade/attio"
	"github.com/attio-facade/attio-facade/interceptors"
	"github.com/attio-facade/attio-facade/server"
)

// connectionRecorder is an upstream that answers every request with 404 and records, per request,
// the Maton connection on its context and the one it names in its Maton-Connection header ("*"
// for Maton's control plane, which takes no header).
type connectionRecorder struct {
	mu   sync.Mutex
	sent []string // "<ctx connection>|<header>"
}

func (c *connectionRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	conn, _ := attio.ConnectionFrom(r.Context())
	c.mu.Lock()
	header := r.Header.Get("Maton-Connection")
	if strings.HasPrefix(r.URL.Path, "/control") && header == "" {
		header = "*"
	}
	c.sent = append(c.sent, conn+"|"+header)
	c.mu.Unlock()
	return &http.Response{
		StatusCode: http.StatusNotFound, Header: http.Header{"Content-Type": {"application/json"}},
		Body:    io.NopCloser(strings.NewReader(`{"status_code":404,"type":"invalid_request_error","code":"not_found","message":"no"}`)),
		Request: r,
	}, nil
}

func (c *connectionRecorder) take() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.sent
	c.sent = nil
	return out
}

// fill sets the singular scalar and message fields of a request (the first member of each oneof), update
// masks ("*") and lists of strings (one element), but not paging fields, to non-empty values, so that handlers get past their own checks to the upstream call.
func fill(m protoreflect.Message) {
	fields := m.Descriptor().Fields()
	for i := range fields.Len() {
		f := fields.Get(i)
		name := string(f.Name())
		if f.IsList() && f.Kind() == protoreflect.StringKind && name != "page_token" {
			// A filter may need a list (EmailFilter's linked_record_ids with linked_object).
			m.Mutable(f).List().Append(protoreflect.ValueOfString("x1"))
			continue
		}
		if o := f.ContainingOneof(); f.IsList() || f.IsMap() || o != nil && !o.IsSynthetic() && o.Fields().Get(0) != f ||
			strings.HasSuffix(name, "_token") || strings.HasPrefix(name, "page_") {
			continue
		}
		switch f.Kind() {
		case protoreflect.MessageKind:
			if f.Message().FullName() == "google.protobuf.FieldMask" {
				m.Set(f, protoreflect.ValueOfMessage((mask("*")).ProtoReflect()))
			} else if f.ContainingOneof() != nil || f.Message().FullName() != m.Descriptor().FullName() && !strings.HasPrefix(string(f.Message().FullName()), "google.") {
				sub := m.NewField(f).Message()
				fill(sub)
				m.Set(f, protoreflect.ValueOfMessage(sub))
			}
		case protoreflect.StringKind:
			m.Set(f, protoreflect.ValueOfString("x1"))
		case protoreflect.EnumKind:
			if f.Enum().Values().Len() > 1 {
				m.Set(f, protoreflect.ValueOfEnum(f.Enum().Values().Get(1).Number()))
			}
		case protoreflect.Int32Kind:
			m.Set(f, protoreflect.ValueOfInt32(1))
		case protoreflect.Int64Kind:
			m.Set(f, protoreflect.ValueOfInt64(1))
		}
	}
}

// TestEveryRPCHonoursTheConnection calls every upstream RPC registered on the server, without any
// interceptor from outside, with a Maton-Connection header: every request the facade sends
// upstream must go through that connection.
func TestEveryRPCHonoursTheConnection(t *testing.T) {
	t.Parallel()
	rec := &connectionRecorder{}
	client, err := attio.New(attio.Config{
		APIKey: "k", BaseURL: "http://upstream.invalid/attio", ControlURL: "http://upstream.invalid/control",
		HTTPClient: &http.Client{Transport: rec}, Limits: &attio.Limits{}, BaseBackoff: 1, MaxBackoff: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := server.NewRPCServer(server.Options{Client: client})
	rpc := connect.NewClient(connectinprocess.New(srv))
	const conn = "b3e00889-6e51-426a-95b9-21871b700053"
	n := 0
	for spec := range srv.Specs() {
		proc, ok := interceptors.LookupProcedure(spec.Procedure)
		if !ok || !proc.Upstream {
			continue
		}
		n++
		md := proc.Method
		in, err := protoregistry.GlobalTypes.FindMessageByName(md.Input().FullName())
		if err != nil {
			t.Fatal(err)
		}
		out, err := protoregistry.GlobalTypes.FindMessageByName(md.Output().FullName())
		if err != nil {
			t.Fatal(err)
		}
		req := in.New()
		fill(req)
		ctx, info := connect.NewClientContext(t.Context())
		info.RequestHeader().Set(server.ConnectionHeader, conn)
		if spec.StreamType == connect.StreamTypeUnary {
			err = rpc.CallUnary(ctx, spec, req.Interface(), out.New().Interface())
		} else {
			var stream connect.ClientStream
			if stream, err = rpc.CallServerStream(ctx, spec, req.Interface()); err == nil {
				for err == nil {
					err = stream.Receive(out.New().Interface())
				}
			}
		}
		sent := rec.take()
		if len(sent) == 0 {
			t.Errorf("%s sent nothing upstream (%v); make the test's request reach upstream", spec.Procedure, err)
		}
		for _, s := range sent {
			ctxConn, header, _ := strings.Cut(s, "|")
			if ctxConn != conn || header != conn && header != "*" {
				t.Errorf("%s went upstream with connection %q (header %q), want %q", spec.Procedure, ctxConn, header, conn)
			}
		}
	}
	if n < 60 {
		t.Fatalf("only %d upstream RPCs called", n)
	}
}

// TestDescriberReadsEveryTargetOfTheContract asks the describer about every write whose access
// option names a target, against a sandbox where the target does not exist: each must be fetched
// which refuses the write with NotFound before any approval.
func TestDescriberReadsEveryTargetOfTheContract(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessConfig{})
	d := server.NewDescriber(h.client)
	n := 0
	for name, proc := range interceptors.Procedures() {
		if proc.Target == "" {
			continue
		}
		n++
		in, err := protoregistry.GlobalTypes.FindMessageByName(proc.Method.Input().FullName())
		if err != nil {
			t.Fatal(err)
		}
		req := in.New()
		fill(req)
		ctx := attio.WithConnection(t.Context(), "b3e00889-6e51-426a-95b9-21871b700053")
		if _, _, err := d.Describe(ctx, name, req.Interface()); connect.CodeOf(err) != connect.CodeNotFound {
			t.Errorf("%s (target %s): %v, want NotFound", name, proc.Target, err)
		}
	}
	if n < 14 {
		t.Fatalf("only %d writes with a target", n)
	}
}
