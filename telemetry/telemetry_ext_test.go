package telemetry_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connecthttp"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/attio-facade/attio-facade/attio"
	"github.com/attio-facade/attio-facade/telemetry"
	"github.com/attio-facade/attio-facade/telemetry/telemetrytest"
)

const (
	matonKey      = "maton-key-SECRET-1"
	callerToken   = "caller-token-SECRET-2"
	approvalToken = "approval-token-SECRET-3"
	querySecret   = "query-SECRET-4"
)

var getObjectSpec = connect.Spec{StreamType: connect.StreamTypeUnary, Procedure: "/test.v1.Facade/GetObject"}

// upstream fakes Maton: /attio/v2/objects/{object} answers people (200), missing (404 with
// Attio's error body) and flaky (429 once, then 200); it keeps the traceparent headers it got.
type upstream struct {
	*httptest.Server
	mu           sync.Mutex
	traceparents []string
	flaky        atomic.Int32
}

func newUpstream(t *testing.T) *upstream {
	u := &upstream{}
	u.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.mu.Lock()
		u.traceparents = append(u.traceparents, r.Header.Get("Traceparent"))
		u.mu.Unlock()
		if r.Header.Get("Authorization") != "Bearer "+matonKey {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Attio-Execution-Id", "exec-"+r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:])
		switch r.URL.Path {
		case "/attio/v2/objects/flaky":
			if u.flaky.Add(1) == 1 {
				w.Header().Set("Retry-After", "0")
				w.WriteHeader(http.StatusTooManyRequests)
				fmt.Fprint(w, `{"status_code":429,"type":"rate_limit_error","code":"rate_limit_exceeded","message":"slow down"}`)
				return
			}
			fallthrough
		case "/attio/v2/objects/people":
			fmt.Fprint(w, `{"data":{"id":{"workspace_id":"w1","object_id":"o1"},"api_slug":"people","created_at":"2023-01-01T00:00:00Z"}}`)
		default:
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"status_code":404,"type":"invalid_request_error","code":"not_found","message":"no such object"}`)
		}
	}))
	t.Cleanup(u.Close)
	return u
}

func (u *upstream) seenTraceparents() []string {
	u.mu.Lock()
	defer u.mu.Unlock()
	return append([]string(nil), u.traceparents...)
}

// upstreamClient is an attio client of up, instrumented by tel, retrying quickly.
func upstreamClient(t *testing.T, tel *telemetry.Telemetry, up *upstream) *attio.Client {
	t.Helper()
	client, err := attio.New(attio.Config{
		APIKey: matonKey, BaseURL: up.URL + "/attio/v2", ControlURL: up.URL,
		HTTPClient: tel.HTTPClient(), Observer: tel.Observer(),
		Limits: &attio.Limits{}, BaseBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	return client
}

// facade serves GetObject(slug) by calling the attio client, behind the telemetry interceptor.
func facade(t *testing.T, rec *telemetrytest.Recorder, up *upstream) *connect.Client {
	t.Helper()
	client := upstreamClient(t, rec.Telemetry, up)
	srv := connect.NewServer(rec.ServerInterceptor())
	srv.Register(connect.Method{Spec: getObjectSpec, Handler: func(ctx context.Context, _ connect.Spec, s connect.ServerStream) error {
		var req wrapperspb.StringValue
		if err := s.Receive(&req); err != nil {
			return err
		}
		obj, err := client.GetObject(ctx, req.Value)
		if attio.IsNotFound(err) {
			return connect.NewError(connect.CodeNotFound, "object not found")
		}
		if err != nil {
			return connect.NewError(connect.CodeUnavailable, "upstream failed")
		}
		return s.Send(wrapperspb.String(*obj.APISlug))
	}})
	mux := http.NewServeMux()
	connecthttp.Mount(mux, srv)
	mux.Handle("/metrics", rec.MetricsHandler())
	hs := httptest.NewServer(mux)
	t.Cleanup(hs.Close)
	return connect.NewClient(connecthttp.NewTransport(hs.Client(), hs.URL))
}

func attrs(s sdktrace.ReadOnlySpan) map[attribute.Key]attribute.Value {
	m := map[attribute.Key]attribute.Value{}
	for _, a := range s.Attributes() {
		m[a.Key] = a.Value
	}
	return m
}

func TestSpanTree(t *testing.T) {
	t.Parallel()
	// The caller's own trace: the facade must continue it.
	callerTrace := "4bf92f3577b34da6a3ce929d0e0e4736"
	callerSpan := "00f067aa0ba902b7"
	tests := []struct {
		name      string
		object    string
		wantCode  connect.Code
		attempts  []int // status code of each upstream attempt
		errorCode string
	}{
		{name: "success", object: "people", attempts: []int{200}},
		{name: "attio error", object: "missing", wantCode: connect.CodeNotFound, attempts: []int{404}, errorCode: "not_found"},
		{name: "retried 429", object: "flaky", attempts: []int{429, 200}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := telemetrytest.New(t, telemetry.Options{ServiceName: "facade-test"})
			up := newUpstream(t)
			c := facade(t, rec, up)

			ctx, info := connect.NewClientContext(t.Context())
			info.RequestHeader().Set("Traceparent", "00-"+callerTrace+"-"+callerSpan+"-01")
			info.RequestHeader().Set("Authorization", "Bearer "+callerToken)
			info.RequestHeader().Set("Attio-Approval", approvalToken)
			var res wrapperspb.StringValue
			err := c.CallUnary(ctx, getObjectSpec, wrapperspb.String(tt.object), &res)
			if connect.CodeOf(err) != tt.wantCode && (err != nil || tt.wantCode != 0) {
				t.Fatalf("call: %v, want code %v", err, tt.wantCode)
			}

			var server sdktrace.ReadOnlySpan
			var clients []sdktrace.ReadOnlySpan
			for _, s := range rec.Spans.Ended() {
				switch s.SpanKind() {
				case trace.SpanKindServer:
					server = s
				case trace.SpanKindClient:
					clients = append(clients, s)
				}
			}
			if server == nil {
				t.Fatalf("no server span in:\n%s", rec.SpanText())
			}
			if server.Name() != "test.v1.Facade/GetObject" || server.SpanContext().TraceID().String() != callerTrace ||
				server.Parent().SpanID().String() != callerSpan {
				t.Errorf("server span %q trace %s parent %s; want the caller's trace and span as parent",
					server.Name(), server.SpanContext().TraceID(), server.Parent().SpanID())
			}
			if len(clients) != len(tt.attempts) {
				t.Fatalf("%d client spans, want %d:\n%s", len(clients), len(tt.attempts), rec.SpanText())
			}
			tps := up.seenTraceparents()
			for i, cs := range clients {
				a := attrs(cs)
				if cs.Name() != "GET /v2/objects/{object}" || cs.Parent().SpanID() != server.SpanContext().SpanID() {
					t.Errorf("client span %q parent %s; want the endpoint template, child of %s",
						cs.Name(), cs.Parent().SpanID(), server.SpanContext().SpanID())
				}
				checks := map[attribute.Key]string{
					"attio.endpoint":            "GET /v2/objects/{object}",
					"attio.attempt":             fmt.Sprint(i + 1),
					"attio.execution_id":        "exec-" + tt.object,
					"http.response.status_code": fmt.Sprint(tt.attempts[i]),
					"attio.will_retry":          fmt.Sprint(i+1 < len(tt.attempts)),
				}
				if tt.errorCode != "" {
					checks["attio.error_code"] = tt.errorCode
				}
				for k, want := range checks {
					if got := a[k].Emit(); got != want {
						t.Errorf("attempt %d: %s = %q, want %q", i+1, k, got, want)
					}
				}
				if _, ok := a["attio.rate_limit.wait"]; !ok {
					t.Errorf("attempt %d: no attio.rate_limit.wait", i+1)
				}
				want := "00-" + callerTrace + "-" + cs.SpanContext().SpanID().String() + "-01"
				if i >= len(tps) || tps[i] != want {
					t.Errorf("upstream traceparent #%d = %q, want %q", i+1, tps, want)
				}
			}

			metrics := rec.Metrics()
			wantMetrics := []string{
				`rpc_server_call_duration_seconds_count{`,
				`attio_client_attempt_duration_seconds_count{attio_endpoint="GET /v2/objects/{object}",attio_priority="interactive",http_response_status_code="` + fmt.Sprint(tt.attempts[0]) + `"`,
				`attio_client_limiter_wait_seconds_count{`,
				`http_client_request_duration_seconds_count{attio_endpoint="GET /v2/objects/{object}"`,
			}
			if len(tt.attempts) > 1 {
				wantMetrics = append(wantMetrics, `attio_client_retries_total{`, `attio_client_throttled_total{`)
			}
			for _, m := range wantMetrics {
				if !strings.Contains(metrics, m) {
					t.Errorf("/metrics lacks %s", m)
				}
			}
			if logs := rec.Logs(); !strings.Contains(logs, "endpoint=\"GET /v2/objects/{object}\"") {
				t.Errorf("logs lack the attempt line:\n%s", logs)
			}
			rec.RequireNoSecrets(t, matonKey, callerToken, approvalToken)
		})
	}
}

// Requests that do not come from the attio client are still traced, named by method, with
// the query string left out of url.full, and no header recorded.
func TestWrapTransportPlainRequests(t *testing.T) {
	t.Parallel()
	rec := telemetrytest.New(t, telemetry.Options{})
	up := newUpstream(t)
	hc := &http.Client{Transport: rec.WrapTransport(nil)}
	tests := []struct {
		name, path string
		wantStatus int
	}{
		{name: "ok", path: "/attio/v2/objects/people?token=" + querySecret, wantStatus: 200},
		{name: "not found", path: "/elsewhere?token=" + querySecret, wantStatus: 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, up.URL+tt.path, nil)
			req.Header.Set("Authorization", "Bearer "+matonKey)
			req.Header.Set("Attio-Approval", approvalToken)
			resp, err := hc.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.wantStatus)
			}
		})
	}
	t.Cleanup(func() {
		// After both subtests.
		spans := rec.Spans.Ended()
		if len(spans) != len(tests) {
			t.Errorf("%d spans, want %d:\n%s", len(spans), len(tests), rec.SpanText())
		}
		for _, s := range spans {
			if s.Name() != "HTTP GET" {
				t.Errorf("span name %q, want HTTP GET", s.Name())
			}
			if u := attrs(s)["url.full"].Emit(); strings.Contains(u, "?") || !strings.HasPrefix(u, up.URL) {
				t.Errorf("url.full = %q, want the URL without its query", u)
			}
		}
		rec.RequireNoSecrets(t, matonKey, approvalToken, querySecret)
	})
}

// The secret search must actually find what it looks for.
func TestSecretHitsFindsRecordedSecrets(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		record func(r *telemetrytest.Recorder)
		want   string
	}{
		{name: "span attribute", want: "spans: secret #1", record: func(r *telemetrytest.Recorder) {
			_, s := r.Tracer().Start(context.Background(), "leaky")
			s.SetAttributes(attribute.String("http.request.header.authorization", "Bearer "+matonKey))
			s.End()
		}},
		{name: "span event", want: "spans: secret #1", record: func(r *telemetrytest.Recorder) {
			_, s := r.Tracer().Start(context.Background(), "leaky")
			s.AddEvent("oops", trace.WithAttributes(attribute.String("token", matonKey)))
			s.End()
		}},
		{name: "metric label", want: "metrics: secret #1", record: func(r *telemetrytest.Recorder) {
			r.RecordApproval(context.Background(), matonKey)
		}},
		{name: "log line", want: "logs: secret #1", record: func(r *telemetrytest.Recorder) {
			r.Logger().Info("calling", "key", matonKey)
		}},
		{name: "added source", want: "audit: secret #1", record: func(r *telemetrytest.Recorder) {
			r.AddSource("audit", func() string { return "approved with " + matonKey })
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := telemetrytest.New(t, telemetry.Options{})
			if hits := r.SecretHits(matonKey); len(hits) != 0 {
				t.Fatalf("hits before recording: %v", hits)
			}
			tt.record(r)
			if hits := r.SecretHits("", matonKey); len(hits) != 1 || hits[0] != strings.Replace(tt.want, "#1", "#2", 1) {
				t.Errorf("hits = %v, want [%s]", hits, tt.want)
			}
		})
	}
}

func TestApprovalAndInboundThrottleMetrics(t *testing.T) {
	t.Parallel()
	rec := telemetrytest.New(t, telemetry.Options{})
	ctx := context.Background()
	rec.RecordApproval(ctx, "approved")
	rec.RecordApproval(ctx, "approved")
	rec.RecordApproval(ctx, "rejected")
	rec.RecordInboundThrottle(ctx, "refused", 1500*time.Millisecond)
	m := rec.Metrics()
	for _, want := range []struct{ name, labels, value string }{
		{"facade_approvals_total", `outcome="approved"`, "2"},
		{"facade_approvals_total", `outcome="rejected"`, "1"},
		{"facade_ratelimit_throttled_total", `outcome="refused"`, "1"},
		{"facade_ratelimit_delay_seconds_sum", `outcome="refused"`, "1.5"},
	} {
		if !hasSample(m, want.name, want.labels, want.value) {
			t.Errorf("/metrics lacks %s{%s} %s:\n%s", want.name, want.labels, want.value, grep(m, want.name))
		}
	}
	if !strings.Contains(m, "go_goroutines ") {
		t.Error("/metrics lacks the Go runtime metrics")
	}
}

// hasSample reports whether text has a sample of name whose labels include labels with value.
func hasSample(text, name, labels, value string) bool {
	for line := range strings.Lines(text) {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, name+"{") && strings.Contains(line, labels) && strings.HasSuffix(line, "} "+value) {
			return true
		}
	}
	return false
}

func grep(text, substr string) string {
	var out []string
	for line := range strings.Lines(text) {
		if strings.Contains(line, substr) {
			out = append(out, line)
		}
	}
	return strings.Join(out, "")
}

func TestSetupFromEnv(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		env         map[string]string
		wantErr     string
		wantMetrics int // status of /metrics
		wantConsole bool
	}{
		{name: "defaults", wantMetrics: 200},
		{name: "metrics off", env: map[string]string{"OTEL_METRICS_EXPORTER": "none"}, wantMetrics: 404},
		{name: "sdk disabled", env: map[string]string{"OTEL_SDK_DISABLED": "true"}, wantMetrics: 404},
		{name: "unsupported metrics exporter", env: map[string]string{"OTEL_METRICS_EXPORTER": "otlp"}, wantErr: "OTEL_METRICS_EXPORTER"},
		{name: "console traces", env: map[string]string{"OTEL_TRACES_EXPORTER": "console"}, wantMetrics: 200, wantConsole: true},
		{name: "otlp over http", env: map[string]string{"OTEL_TRACES_EXPORTER": "otlp,none"}, wantMetrics: 200},
		{name: "otlp over grpc", env: map[string]string{"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"}, wantMetrics: 200},
		{name: "endpoint implies otlp", env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318", "OTEL_EXPORTER_OTLP_PROTOCOL": "thrift"}, wantErr: "thrift"},
		{name: "unknown traces exporter", env: map[string]string{"OTEL_TRACES_EXPORTER": "zipkin"}, wantErr: "zipkin"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var console bytes.Buffer
			tel, err := telemetry.Setup(t.Context(), telemetry.Options{
				Env: func(k string) string { return tt.env[k] }, ConsoleWriter: &console,
			})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Setup error %v, want one mentioning %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			rec := httptest.NewRecorder()
			tel.MetricsHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
			if rec.Code != tt.wantMetrics {
				t.Errorf("/metrics status %d, want %d", rec.Code, tt.wantMetrics)
			}
			if tt.wantConsole {
				// Only here: an OTLP exporter would try to reach a collector.
				_, span := tel.Tracer().Start(t.Context(), "probe")
				span.End()
			}
			if err := tel.Shutdown(t.Context()); err != nil {
				t.Errorf("Shutdown: %v", err)
			}
			if got := strings.Contains(console.String(), `"Name":"probe"`); got != tt.wantConsole {
				t.Errorf("console output has the span: %v, want %v", got, tt.wantConsole)
			}
		})
	}
}

func Example() {
	ctx := context.Background()
	tel, err := telemetry.Setup(ctx, telemetry.Options{
		ServiceName: "attio-facade",
		Env:         func(string) string { return "" }, // as if no OTEL_* variable was set
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer tel.Shutdown(ctx)

	// Wiring: the server interceptor first in the chain, the wrapped HTTP client and the
	// observer in the attio client, /metrics beside the RPCs.
	_ = connect.NewServer(tel.ServerInterceptor() /* , auth, rate limit, ... */)
	_, _ = attio.New(attio.Config{APIKey: "…", HTTPClient: tel.HTTPClient(), Observer: tel.Observer()})
	mux := http.NewServeMux()
	mux.Handle("/metrics", tel.MetricsHandler())

	tel.RecordApproval(ctx, "approved")
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	for line := range strings.Lines(rec.Body.String()) {
		if strings.HasPrefix(line, "facade_approvals_total{") {
			fmt.Print(line[strings.Index(line, "outcome="):])
		}
	}
	// Output: outcome="approved"} 1
}

// Without a trace exporter no span is recorded (the SDK's default sampler recorded them all, with
// their attributes, for nothing to receive), yet spans keep valid contexts: trace ids still reach
// the logs and the upstream's traceparent.
func TestNoTraceExporterRecordsNoSpans(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		env       map[string]string
		recording bool
	}{
		{"no exporter", nil, false},
		{"traces exporter none", map[string]string{"OTEL_TRACES_EXPORTER": "none"}, false},
		{"console exporter", map[string]string{"OTEL_TRACES_EXPORTER": "console"}, true},
	} {
		var console bytes.Buffer
		tel, err := telemetry.Setup(t.Context(), telemetry.Options{Env: func(k string) string { return tc.env[k] }, ConsoleWriter: &console})
		if err != nil {
			t.Fatal(err)
		}
		_, span := tel.Tracer().Start(t.Context(), "probe")
		if span.IsRecording() != tc.recording || !span.SpanContext().IsValid() {
			t.Errorf("%s: recording %v (want %v), valid context %v (want true)", tc.name, span.IsRecording(), tc.recording, span.SpanContext().IsValid())
		}
		span.End()
		if err := tel.Shutdown(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
}
