package telemetry

import (
	"context"
	"testing"

	"connectrpc.com/connect/v2"
)

// With no trace exporter, the server interceptor costs an RPC its span context and nothing
// else: otelconnect allocated 10 times per call (its call state, a labeler context, the span's
// attributes, the metric's attribute set). Every RPC pays it (issue 16, target 4). Not
// parallel: AllocsPerRun refuses to run beside other tests.
func TestUnsampledServerInterceptorAllocatesLittle(t *testing.T) {
	tel := unsampled(t)
	spec := connect.Spec{Procedure: "/attio.v1.RecordService/GetRecord", StreamType: connect.StreamTypeUnary}
	call := tel.ServerInterceptor()(func(context.Context, connect.Spec, connect.ServerStream) error { return nil })
	ctx := t.Context()
	_ = call(ctx, spec, nil)
	allocs := testing.AllocsPerRun(500, func() { _ = call(ctx, spec, nil) })
	t.Logf("%.0f allocations per RPC", allocs)
	if allocs > maxServerInterceptorAllocs {
		t.Errorf("%.0f allocations per RPC, want at most %d", allocs, maxServerInterceptorAllocs)
	}
}

const maxServerInterceptorAllocs = 2 // the span and its context

// unsampled is a Telemetry as serve builds it without an exporter: nothing sampled, metrics to
// Prometheus. It is shut down when the test ends.
func unsampled(tb testing.TB) *Telemetry {
	tb.Helper()
	tel, err := Setup(context.Background(), Options{Env: func(string) string { return "" }})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = tel.Shutdown(context.Background()) })
	return tel
}
