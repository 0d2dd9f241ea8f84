package telemetry_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connecthttp"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/attio-facade/attio-facade/telemetry"
)

// Without a trace exporter, RPCs skip otelconnect for a lean interceptor (issue 16, target 4),
// and nothing a user can see changes: the same calls through both (an explicit never-sampler
// keeps otelconnect) leave the same rpc.server.* series on /metrics, and the handler's span
// context continues the caller's trace with a span of its own, or, for untrusted callers, starts
// a new trace.
func TestUnsampledRPCsKeepOtelconnectMetricsAndTraceContext(t *testing.T) {
	t.Parallel()
	const callerTrace, callerSpan = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
	quiet := slog.New(slog.DiscardHandler)
	noEnv := func(string) string { return "" }

	run := func(t *testing.T, opts telemetry.Options) (string, []trace.SpanContext) {
		tel, err := telemetry.Setup(t.Context(), opts)
		if err != nil {
			t.Fatal(err)
		}
		defer tel.Shutdown(context.Background())
		var mu sync.Mutex
		var seen []trace.SpanContext
		srv := connect.NewServer(tel.ServerInterceptor())
		srv.Register(connect.Method{Spec: getObjectSpec, Handler: func(ctx context.Context, _ connect.Spec, s connect.ServerStream) error {
			mu.Lock()
			seen = append(seen, trace.SpanContextFromContext(ctx))
			mu.Unlock()
			var req wrapperspb.StringValue
			if err := s.Receive(&req); err != nil {
				return err
			}
			if req.Value != "people" {
				return connect.NewError(connect.CodeNotFound, "object not found")
			}
			return s.Send(wrapperspb.String(req.Value))
		}})
		mux := http.NewServeMux()
		connecthttp.Mount(mux, srv)
		hs := httptest.NewUnstartedServer(mux)
		hs.EnableHTTP2 = true
		hs.StartTLS()
		defer hs.Close()
		for _, protocol := range [][]connecthttp.Option{nil, {connecthttp.WithGRPC()}, {connecthttp.WithGRPCWeb()}} {
			c := connect.NewClient(connecthttp.NewTransport(hs.Client(), hs.URL, protocol...))
			for _, object := range []string{"people", "people", "missing"} {
				ctx, info := connect.NewClientContext(t.Context())
				info.RequestHeader().Set("Traceparent", "00-"+callerTrace+"-"+callerSpan+"-00")
				var res wrapperspb.StringValue
				_ = c.CallUnary(ctx, getObjectSpec, wrapperspb.String(object), &res)
			}
		}
		rec := httptest.NewRecorder()
		tel.MetricsHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
		return rec.Body.String(), seen
	}
	leanPage, leanSeen := run(t, telemetry.Options{Env: noEnv, Logger: quiet})
	fullPage, fullSeen := run(t, telemetry.Options{Env: noEnv, Logger: quiet, Sampler: sdktrace.NeverSample()})
	requireSameSeries(t, "rpc_server_", leanPage, fullPage, 6,
		`rpc_system_name="connectrpc"`, `rpc_system_name="grpc"`, `error_type="NOT_FOUND"`,
		`rpc_response_status_code="OK"`, `otel_scope_name="connectrpc.com/otelconnect"`)
	check := func(name string, seen []trace.SpanContext, sameTrace bool) {
		if len(seen) != 9 {
			t.Fatalf("%s: the handler ran %d times, want 9", name, len(seen))
		}
		for i, sc := range seen {
			if !sc.IsValid() || sc.IsSampled() || sc.SpanID().String() == callerSpan || (sc.TraceID().String() == callerTrace) != sameTrace {
				t.Errorf("%s call %d: span context %s/%s sampled %v; want a new span, caller's trace %v",
					name, i, sc.TraceID(), sc.SpanID(), sc.IsSampled(), sameTrace)
			}
		}
	}
	check("lean", leanSeen, true)
	check("otelconnect", fullSeen, true)
	_, untrusted := run(t, telemetry.Options{Env: noEnv, Logger: quiet, UntrustedCallers: true})
	check("lean, untrusted callers", untrusted, false)
}
