// Package telemetrytest records everything telemetry emits, in memory, so tests can inspect it
// and search it for secrets: spans (a tracetest.SpanRecorder), metrics (the /metrics output) and
// logs (a slog text handler at Debug level writing to a buffer).
package telemetrytest

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/attio-facade/attio-facade/internal/testkit"
	"github.com/attio-facade/attio-facade/telemetry"
)

// Recorder is a Telemetry whose output stays in memory.
type Recorder struct {
	*telemetry.Telemetry
	// Spans holds every span started and ended.
	Spans *tracetest.SpanRecorder

	logs    *testkit.Buffer
	logger  *slog.Logger
	mu      sync.Mutex
	sources map[string]func() string
}

// New builds a Recorder from opts (see NewRecorder) and shuts it down when the test ends.
func New(tb testing.TB, opts telemetry.Options) *Recorder {
	tb.Helper()
	r, err := NewRecorder(opts)
	if err != nil {
		tb.Fatalf("telemetry.Setup: %v", err)
	}
	tb.Cleanup(func() { _ = r.Shutdown(context.Background()) })
	return r
}

// NewRecorder builds a Recorder from opts: its SpanProcessor, Logger and Env are replaced
// (metrics go to Prometheus, no exporter reads the environment). Shut it down when done.
func NewRecorder(opts telemetry.Options) (*Recorder, error) {
	r := &Recorder{Spans: tracetest.NewSpanRecorder(), logs: &testkit.Buffer{}, sources: map[string]func() string{}}
	r.logger = slog.New(slog.NewTextHandler(r.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	opts.SpanProcessor = r.Spans
	opts.Logger = r.logger
	opts.Env = func(k string) string {
		if k == "OTEL_METRICS_EXPORTER" {
			return "prometheus"
		}
		return ""
	}
	t, err := telemetry.Setup(context.Background(), opts)
	if err != nil {
		return nil, err
	}
	r.Telemetry = t
	return r, nil
}

// Logger writes into the recorded logs; hand it to every component under test so their log
// lines are searched too.
func (r *Recorder) Logger() *slog.Logger { return r.logger }

// Logs returns the log output so far.
func (r *Recorder) Logs() string { return r.logs.String() }

// AddSource adds more recorded text to SecretHits (an audit log, a response body, ...).
func (r *Recorder) AddSource(name string, text func() string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sources[name] = text
}

// Metrics returns what /metrics serves now.
func (r *Recorder) Metrics() string {
	rec := httptest.NewRecorder()
	r.MetricsHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	return rec.Body.String()
}

// SpanText renders every recorded span (ended, then started and still open): name, kind,
// status, attributes, events, links and resource, one line each.
func (r *Recorder) SpanText() string {
	var b strings.Builder
	ended := r.Spans.Ended()
	for _, s := range ended {
		writeSpan(&b, s)
	}
	for _, s := range r.Spans.Started() {
		open := !slices.ContainsFunc(ended, func(e sdktrace.ReadOnlySpan) bool {
			return e.SpanContext().SpanID() == s.SpanContext().SpanID()
		})
		if open {
			writeSpan(&b, s)
		}
	}
	return b.String()
}

func writeSpan(b *strings.Builder, s sdktrace.ReadOnlySpan) {
	fmt.Fprintf(b, "span %q kind=%s trace=%s id=%s parent=%s status=%s %q scope=%s\n", s.Name(), s.SpanKind(),
		s.SpanContext().TraceID(), s.SpanContext().SpanID(), s.Parent().SpanID(), s.Status().Code,
		s.Status().Description, s.InstrumentationScope().Name)
	for _, a := range s.Attributes() {
		fmt.Fprintf(b, "  attr %s=%s\n", a.Key, a.Value.Emit())
	}
	for _, e := range s.Events() {
		fmt.Fprintf(b, "  event %q\n", e.Name)
		for _, a := range e.Attributes {
			fmt.Fprintf(b, "    attr %s=%s\n", a.Key, a.Value.Emit())
		}
	}
	for _, l := range s.Links() {
		fmt.Fprintf(b, "  link %s/%s\n", l.SpanContext.TraceID(), l.SpanContext.SpanID())
		for _, a := range l.Attributes {
			fmt.Fprintf(b, "    attr %s=%s\n", a.Key, a.Value.Emit())
		}
	}
	if res := s.Resource(); res != nil {
		for _, a := range res.Attributes() {
			fmt.Fprintf(b, "  resource %s=%s\n", a.Key, a.Value.Emit())
		}
	}
}

// SecretHits searches spans, metrics, logs and added sources for each secret and returns where
// each was found ("logs: secret #2"), naming secrets by position so the report leaks nothing.
// Empty secrets are skipped.
func (r *Recorder) SecretHits(secrets ...string) []string {
	texts := map[string]string{"spans": r.SpanText(), "metrics": r.Metrics(), "logs": r.Logs()}
	r.mu.Lock()
	for name, f := range r.sources {
		texts[name] = f()
	}
	r.mu.Unlock()
	names := make([]string, 0, len(texts))
	for name := range texts {
		names = append(names, name)
	}
	slices.Sort(names)
	var hits []string
	for _, name := range names {
		for i, s := range secrets {
			if s != "" && strings.Contains(texts[name], s) {
				hits = append(hits, fmt.Sprintf("%s: secret #%d", name, i+1))
			}
		}
	}
	return hits
}

// RequireNoSecrets fails the test if any secret was recorded anywhere.
func (r *Recorder) RequireNoSecrets(tb testing.TB, secrets ...string) {
	tb.Helper()
	if hits := r.SecretHits(secrets...); len(hits) > 0 {
		tb.Fatalf("secrets recorded in telemetry: %s", strings.Join(hits, "; "))
	}
}
