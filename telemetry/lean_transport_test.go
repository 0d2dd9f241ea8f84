package telemetry

import (
	"context"
	"net/http"
	"testing"

	"go.opentelemetry.io/otel/metric"
)

// stubTransport answers every request at once, without a network: what is counted is the
// wrapping alone.
type stubTransport struct{ resp *http.Response }

func newStubTransport() stubTransport {
	return stubTransport{&http.Response{StatusCode: 200, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{}, Body: http.NoBody}}
}

func (s stubTransport) RoundTrip(*http.Request) (*http.Response, error) {
	resp := *s.resp // otelhttp replaces the body of what it gets
	return &resp, nil
}

// With no trace exporter (nothing is sampled), an upstream GET through WrapTransport costs a
// few allocations: the attempt's span context, the request's copy with its traceparent, the
// stub's answer. Through otelhttp it cost 23: a clone of the request, span attributes built for
// a span that records nothing, a wrapped body, the metrics' attribute set. Every upstream
// attempt pays it (issue 16, target 4). Not parallel: AllocsPerRun refuses to run beside other
// tests.
func TestUnsampledUpstreamCallAllocatesLittle(t *testing.T) {
	tel := unsampled(t)
	rt := tel.WrapTransport(newStubTransport())
	ctx, span := tel.Tracer().Start(t.Context(), "rpc")
	defer span.End()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://127.0.0.1:8080/attio/v2/objects/people/records/r1", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer k")
	req.Header.Set("Accept", "application/json")
	call := func() {
		resp, err := rt.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	call()
	allocs := testing.AllocsPerRun(200, call)
	t.Logf("%.0f allocations per upstream call", allocs)
	if allocs > maxUpstreamCallAllocs {
		t.Errorf("%.0f allocations per upstream call, want at most %d", allocs, maxUpstreamCallAllocs)
	}
}

const maxUpstreamCallAllocs = 8 // 23 through otelhttp

func BenchmarkUnsampledUpstreamCall(b *testing.B) {
	tel := unsampled(b)
	ctx, span := tel.Tracer().Start(b.Context(), "rpc")
	defer span.End()
	for _, tc := range []struct {
		name string
		rt   http.RoundTripper
	}{{"lean", tel.WrapTransport(newStubTransport())}, {"otelhttp", tel.otelhttpTransport(newStubTransport())}} {
		b.Run(tc.name, func(b *testing.B) {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://127.0.0.1:8080/attio/v2/objects/people/records/r1", nil)
			req.Header.Set("Authorization", "Bearer k")
			b.ReportAllocs()
			for b.Loop() {
				resp, err := tc.rt.RoundTrip(req)
				if err != nil {
					b.Fatal(err)
				}
				resp.Body.Close()
			}
		})
	}
}

// The memo of attribute sets stops growing at its bound; past it, sets are built per call and
// still right.
func TestSetMemoStopsAtItsBound(t *testing.T) {
	t.Parallel()
	var m setMemo[attemptSeries]
	for i := range MaxMemoizedAttributeSets + 50 {
		s := attemptSeries{endpoint: "GET /v2/x", status: i, priority: "bulk"}
		opts := m.get(s, attemptSeries.attrs)
		set := metric.NewRecordConfig(opts).Attributes()
		if v, _ := set.Value(attrStatusCode); v.AsInt64() != int64(i) {
			t.Fatalf("series %d recorded with status %v", i, v)
		}
	}
	if m.size() != MaxMemoizedAttributeSets {
		t.Errorf("memo holds %d sets, want its bound %d", m.size(), MaxMemoizedAttributeSets)
	}
}

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
