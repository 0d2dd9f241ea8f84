package telemetry_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/attio-facade/attio-facade/telemetry"
)

// Without a trace exporter, upstream calls skip otelhttp (issue 16, target 4), and nothing a
// user can see changes: the same attempts through the lean path and through otelhttp (an
// explicit never-sampler keeps otelhttp) leave the same http.client.* series on /metrics, with
// the same help, labels and counts, and the upstream gets a traceparent naming a new span of
// the caller's trace.
func TestUnsampledUpstreamCallsKeepOtelhttpMetricsAndTraceparent(t *testing.T) {
	t.Parallel()
	up := newUpstream(t)
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	noEnv := func(string) string { return "" }
	quiet := slog.New(slog.DiscardHandler)

	run := func(t *testing.T, opts telemetry.Options) (metrics string, traceparents []string, parents []string) {
		tel, err := telemetry.Setup(t.Context(), opts)
		if err != nil {
			t.Fatal(err)
		}
		defer tel.Shutdown(context.Background())
		client := upstreamClient(t, tel, up)
		before := len(up.seenTraceparents())
		for _, object := range []string{"people", "people", "missing", "flaky"} {
			ctx, span := tel.Tracer().Start(t.Context(), "rpc")
			_, _ = client.GetObject(ctx, object)
			span.End()
			for range len(up.seenTraceparents()) - before - len(parents) {
				parents = append(parents, span.SpanContext().TraceID().String()+"-"+span.SpanContext().SpanID().String())
			}
		}
		up.flaky.Store(0)
		traceparents = up.seenTraceparents()[before:]

		// Not the attio client's: a plain GET, a POST with a body, a refused connection.
		hc := &http.Client{Transport: tel.WrapTransport(nil)}
		for _, req := range []*http.Request{
			httptest.NewRequestWithContext(t.Context(), http.MethodGet, up.URL+"/elsewhere?token="+querySecret, nil),
			httptest.NewRequestWithContext(t.Context(), http.MethodPost, up.URL+"/attio/v2/objects/people", bytes.NewReader([]byte(`{"a":1}`))),
			httptest.NewRequestWithContext(t.Context(), http.MethodGet, closed.URL+"/attio/v2/objects/people", nil),
		} {
			req.RequestURI = ""
			if resp, err := hc.Do(req); err == nil {
				resp.Body.Close()
			}
		}
		rec := httptest.NewRecorder()
		tel.MetricsHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
		return rec.Body.String(), traceparents, parents
	}
	// Serially, one after the other: both see the same upstream state (flaky answers 429 once).
	leanMetrics, leanTPs, leanParents := run(t, telemetry.Options{Env: noEnv, Logger: quiet})
	fullMetrics, fullTPs, _ := run(t, telemetry.Options{Env: noEnv, Logger: quiet, Sampler: sdktrace.NeverSample()})

	requireSameSeries(t, "http_client_", leanMetrics, fullMetrics, 8,
		`attio_endpoint="GET /v2/objects/{object}"`, `http_response_status_code="429"`, `error_type="net.OpError"`,
		`http_request_method="POST"`, `otel_scope_name="go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"`)

	if len(leanTPs) != 5 || len(fullTPs) != len(leanTPs) { // two people, missing, flaky twice
		t.Fatalf("traceparents: lean %q, otelhttp %q; want 5 each", leanTPs, fullTPs)
	}
	for i, tp := range leanTPs {
		parts := strings.Split(tp, "-")
		parent := strings.Split(leanParents[i], "-")
		if len(parts) != 4 || parts[0] != "00" || parts[1] != parent[0] || parts[2] == parent[1] ||
			len(parts[2]) != 16 || parts[2] == "0000000000000000" || parts[3] != "00" {
			t.Errorf("upstream traceparent %q; want 00-%s-<a new span>-00", tp, parent[0])
		}
		if i > 0 && parts[2] == strings.Split(leanTPs[i-1], "-")[2] {
			t.Errorf("attempts %d and %d share span id %s", i, i+1, parts[2])
		}
	}
}

// requireSameSeries checks that the lean path and the library it stands in for left the same
// series of family (a metric name prefix) on /metrics, at least min lines, with every want.
func requireSameSeries(t *testing.T, family string, leanPage, libPage string, min int, wants ...string) {
	t.Helper()
	lean, lib := series(leanPage, family), series(libPage, family)
	if len(lib) < min || !slices.Equal(lean, lib) {
		t.Errorf("%s series differ:\nlean:\n%s\nlibrary:\n%s", family, strings.Join(lean, "\n"), strings.Join(lib, "\n"))
	}
	for _, want := range wants {
		if !strings.Contains(strings.Join(lean, "\n"), want) {
			t.Errorf("lean %s series lack %s", family, want)
		}
	}
}

// series returns the lines of a Prometheus text page for family that do not depend on timing:
// help and type lines, and each series' count.
func series(page, family string) []string {
	var out []string
	for line := range strings.SplitSeq(page, "\n") {
		if strings.Contains(line, family) && (strings.HasPrefix(line, "#") || strings.Contains(line, "_count{")) {
			out = append(out, line)
		}
	}
	return out
}
