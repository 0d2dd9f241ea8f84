package interceptors_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connecthttp"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/attio-facade/attio-facade/interceptors"
	"github.com/attio-facade/attio-facade/telemetry"
	"github.com/attio-facade/attio-facade/telemetry/telemetrytest"
)

// A panic, in a handler or in an interceptor inside the chain, reaches the caller as a bare
// Internal, and telemetry sees it: recovery runs inside telemetry, so the span has an error status
// and the RPC metric counts the call.
func TestRecoveryIsInsideTelemetry(t *testing.T) {
	t.Parallel()
	const secret = "sk-panic-secret-4471"
	tests := []struct {
		name        string
		stream      connect.StreamType
		handler     func(connect.ServerStream) error
		interceptor connect.ServerInterceptor
	}{
		{name: "unary handler", stream: connect.StreamTypeUnary, handler: func(connect.ServerStream) error { panic("boom with " + secret) }},
		{name: "stream handler after a message", stream: connect.StreamTypeServer, handler: func(s connect.ServerStream) error {
			if err := s.Send(wrapperspb.String("first")); err != nil {
				return err
			}
			panic(secret)
		}},
		{name: "interceptor", stream: connect.StreamTypeUnary, handler: func(s connect.ServerStream) error { return s.Send(wrapperspb.String("unreached")) },
			interceptor: func(connect.ServerFunc) connect.ServerFunc {
				return func(context.Context, connect.Spec, connect.ServerStream) error { panic(secret) }
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := telemetrytest.New(t, telemetry.Options{})
			spec := connect.Spec{StreamType: tt.stream, Procedure: "/test.v1.Facade/Explode"}
			srv := connect.NewServer(interceptors.Chain(interceptors.ChainConfig{
				Logger: rec.Logger(), Telemetry: rec.ServerInterceptor(), Approvals: tt.interceptor,
			})...)
			srv.Register(connect.Method{Spec: spec, Handler: func(_ context.Context, _ connect.Spec, s connect.ServerStream) error {
				var req wrapperspb.StringValue
				if err := s.Receive(&req); err != nil {
					return err
				}
				return tt.handler(s)
			}})
			mux := http.NewServeMux()
			connecthttp.Mount(mux, srv)
			hs := httptest.NewServer(mux)
			t.Cleanup(hs.Close)
			c := connect.NewClient(connecthttp.NewTransport(hs.Client(), hs.URL))

			var err error
			if tt.stream == connect.StreamTypeUnary {
				var res wrapperspb.StringValue
				err = c.CallUnary(t.Context(), spec, wrapperspb.String("x"), &res)
			} else {
				var s connect.ClientStream
				if s, err = c.CallServerStream(t.Context(), spec, wrapperspb.String("x")); err == nil {
					for err == nil {
						err = s.Receive(&wrapperspb.StringValue{})
					}
				}
			}
			if connect.CodeOf(err) != connect.CodeInternal {
				t.Fatalf("got %v, want Internal", err)
			}
			if msg := err.Error(); strings.Contains(msg, secret) || strings.Contains(msg, "goroutine") || strings.Contains(msg, ".go:") {
				t.Fatalf("the caller sees the panic: %q", msg)
			}
			if !strings.Contains(rec.Logs(), "handler panic") {
				t.Fatalf("the panic was not logged for the operator:\n%s", rec.Logs())
			}

			var server []string
			for _, s := range rec.Spans.Ended() {
				if s.SpanKind() != trace.SpanKindServer {
					continue
				}
				server = append(server, s.Name())
				if s.Status().Code != codes.Error {
					t.Errorf("server span %q status %v, want Error", s.Name(), s.Status())
				}
				if strings.Contains(s.Status().Description, secret) {
					t.Errorf("span status leaks the panic: %q", s.Status().Description)
				}
			}
			if len(server) != 1 {
				t.Fatalf("server spans %v, want one:\n%s", server, rec.SpanText())
			}
			metrics := rec.Metrics()
			var counted bool
			for line := range strings.Lines(metrics) {
				if strings.HasPrefix(line, "rpc_server_call_duration_seconds_count{") &&
					strings.Contains(line, `rpc_method="test.v1.Facade/Explode"`) && strings.Contains(line, `rpc_response_status_code="INTERNAL"`) {
					counted = true
				}
			}
			if !counted {
				t.Fatalf("the RPC metric does not count the Internal call:\n%s", metrics)
			}
		})
	}
}
