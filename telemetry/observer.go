package telemetry

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/attio-facade/attio-facade/attio"
)

// observer implements attio.Observer.
type observer struct{ t *Telemetry }

func (o observer) ObserveAttempt(ctx context.Context, a attio.Attempt) {
	t := o.t
	prio := a.Priority.String()
	t.inst.attemptDuration.Record(ctx, a.Duration.Seconds(),
		t.attemptSets.get(attemptSeries{a.Endpoint, a.StatusCode, prio}, attemptSeries.attrs)...)
	t.inst.limiterWait.Record(ctx, a.RateLimitWait.Seconds(), prioritySet(a.Priority)...)
	if a.Attempt > 1 {
		t.inst.retries.Add(ctx, 1, metric.WithAttributes(attrEndpoint.String(a.Endpoint)))
	}
	if a.StatusCode == http.StatusTooManyRequests {
		t.inst.throttled.Add(ctx, 1, metric.WithAttributes(attrEndpoint.String(a.Endpoint)))
	}

	// Without a recorded span (no exporter: spans are not sampled) the facts have nowhere to go.
	if span := trace.SpanFromContext(ctx); t.attempts.waiting() || span.IsRecording() {
		attrs := []attribute.KeyValue{
			attrWait.Float64(a.RateLimitWait.Seconds()),
			attrWillRetry.Bool(a.WillRetry),
		}
		if a.ExecutionID != "" {
			attrs = append(attrs, attrExecutionID.String(a.ExecutionID))
		}
		if a.ErrorCode != "" {
			attrs = append(attrs, attrErrorCode.String(a.ErrorCode))
		}
		if !t.attempts.complete(ctx, a.Endpoint, a.Attempt, attrs) && span.IsRecording() {
			// The transport was not wrapped (or the attempt never reached it): keep the facts on
			// the caller's span instead.
			span.AddEvent("attio.attempt", trace.WithAttributes(append(attrs,
				attrEndpoint.String(a.Endpoint), attrAttempt.Int(a.Attempt), attrStatusCode.Int(a.StatusCode))...))
		}
	}

	// The error's raw text is left out on purpose: it may quote upstream messages and URLs.
	level, msg := slog.LevelDebug, "attio attempt"
	switch {
	case a.Err != nil && a.WillRetry:
		level, msg = slog.LevelInfo, "attio attempt failed, retrying"
	case a.Err != nil:
		level, msg = slog.LevelWarn, "attio call failed"
	}
	if !t.logger.Enabled(ctx, level) {
		return
	}
	args := []slog.Attr{
		slog.String("endpoint", a.Endpoint), slog.Int("attempt", a.Attempt), slog.String("priority", prio),
		slog.Int("status", a.StatusCode), slog.Duration("duration", a.Duration),
		slog.Duration("rate_limit_wait", a.RateLimitWait),
	}
	if a.ExecutionID != "" {
		args = append(args, slog.String("execution_id", a.ExecutionID))
	}
	if a.ErrorCode != "" {
		args = append(args, slog.String("error_code", a.ErrorCode))
	}
	if a.Err != nil && a.StatusCode == 0 {
		// Without an answer the cause is all there is (DNS, refused, TLS); redacted like the error.
		args = append(args, slog.String("cause", attio.TransportCause(a.Err)))
	}
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		args = append(args, slog.String("trace_id", sc.TraceID().String()))
	}
	t.logger.LogAttrs(ctx, level, msg, args...)
}

// attemptSeries names a series of attio.client.attempt.duration.
type attemptSeries struct {
	endpoint string
	status   int
	priority string
}

func (s attemptSeries) attrs() attribute.Set {
	return attribute.NewSet(attrEndpoint.String(s.endpoint), attrStatusCode.Int(s.status), attrPriority.String(s.priority))
}

// The limiter wait's record options, one per priority, built once rather than per attempt (a
// slice: passing it to Record allocates nothing).
var (
	interactiveSet = []metric.RecordOption{metric.WithAttributeSet(attribute.NewSet(attrPriority.String(attio.PriorityInteractive.String())))}
	bulkSet        = []metric.RecordOption{metric.WithAttributeSet(attribute.NewSet(attrPriority.String(attio.PriorityBulk.String())))}
)

func prioritySet(p attio.Priority) []metric.RecordOption {
	if p == attio.PriorityBulk {
		return bulkSet
	}
	return interactiveSet
}

// spanName names upstream spans by endpoint template: raw URLs hold record ids and queries.
func spanName(_ string, r *http.Request) string {
	if ri, ok := attio.RequestInfoFromContext(r.Context()); ok {
		return ri.Endpoint
	}
	return "HTTP " + r.Method
}

// attemptTransport sits inside otelhttp: it sees otelhttp's client span in the request context.
type attemptTransport struct{ base http.RoundTripper }

func (t attemptTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	span := trace.SpanFromContext(r.Context())
	if span.IsRecording() {
		// Overrides otelhttp's url.full: the query string may carry filter values.
		span.SetAttributes(semconv.URLFull(redactURL(r.URL)))
		if ri, ok := attio.RequestInfoFromContext(r.Context()); ok {
			span.SetAttributes(attrEndpoint.String(ri.Endpoint), attrAttempt.Int(ri.Attempt),
				attrPriority.String(ri.Priority.String()))
		}
	}
	resp, err := t.base.RoundTrip(r)
	if err == nil && span.IsRecording() {
		if id := resp.Header.Get("X-Attio-Execution-Id"); id != "" {
			span.SetAttributes(attrExecutionID.String(id))
		}
	}
	return resp, err
}

func redactURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	c.User, c.RawQuery, c.ForceQuery, c.Fragment, c.RawFragment = nil, "", false, "", ""
	return c.String()
}

// attemptSpans holds upstream spans open until the client's Observer has reported their
// attempt. otelhttp ends a span when the response body is closed, but the attempt's rate-limit
// wait and error code are only known to the attio client, which reports them just after, on the
// same goroutine. So otelhttp gets spans whose End is deferred until ObserveAttempt (keyed by the
// parent span, endpoint and attempt number) or, if no report comes, a short grace period; the
// end timestamp is the one otelhttp asked for either way.
type attemptSpans struct {
	grace   time.Duration // how long an ended span waits for its report
	mu      sync.Mutex
	pending map[attemptKey][]*attemptSpan
	n       atomic.Int64 // spans in pending, read without the lock
}

// waiting reports whether any attempt span waits for its report.
func (s *attemptSpans) waiting() bool { return s.n.Load() > 0 }

type attemptKey struct {
	parent   trace.SpanID
	endpoint string
	attempt  int
}

func newAttemptSpans() *attemptSpans {
	// The report follows the body's Close within microseconds; the grace only bounds memory
	// when the Observer is not wired.
	return &attemptSpans{grace: 5 * time.Second, pending: map[attemptKey][]*attemptSpan{}}
}

func (s *attemptSpans) tracerProvider(tp trace.TracerProvider) trace.TracerProvider {
	return attemptTracerProvider{TracerProvider: tp, spans: s}
}

func (s *attemptSpans) add(sp *attemptSpan) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pending[sp.key] = append(s.pending[sp.key], sp)
	s.n.Add(1)
}

// take removes and returns the oldest pending span of k, or sp itself when sp is given.
func (s *attemptSpans) take(k attemptKey, sp *attemptSpan) *attemptSpan {
	s.mu.Lock()
	defer s.mu.Unlock()
	list := s.pending[k]
	for i, p := range list {
		if sp == nil || p == sp {
			list = append(list[:i:i], list[i+1:]...)
			s.n.Add(-1)
			if len(list) == 0 {
				delete(s.pending, k)
			} else {
				s.pending[k] = list
			}
			return p
		}
	}
	return nil
}

// complete adds the Observer's attributes to the attempt's span and lets it end.
func (s *attemptSpans) complete(ctx context.Context, endpoint string, attempt int, attrs []attribute.KeyValue) bool {
	k := attemptKey{trace.SpanContextFromContext(ctx).SpanID(), endpoint, attempt}
	sp := s.take(k, nil)
	if sp == nil {
		return false
	}
	sp.release(attrs)
	return true
}

// flush ends every pending span (at shutdown).
func (s *attemptSpans) flush() {
	s.mu.Lock()
	var all []*attemptSpan
	for k, list := range s.pending {
		all = append(all, list...)
		delete(s.pending, k)
	}
	s.n.Store(0)
	s.mu.Unlock()
	for _, sp := range all {
		sp.release(nil)
	}
}

type attemptTracerProvider struct {
	trace.TracerProvider
	spans *attemptSpans
}

func (p attemptTracerProvider) Tracer(name string, opts ...trace.TracerOption) trace.Tracer {
	return attemptTracer{Tracer: p.TracerProvider.Tracer(name, opts...), spans: p.spans}
}

type attemptTracer struct {
	trace.Tracer
	spans *attemptSpans
}

func (t attemptTracer) Start(ctx context.Context, name string, opts ...trace.SpanStartOption) (context.Context, trace.Span) {
	ri, isAttempt := attio.RequestInfoFromContext(ctx)
	parent := trace.SpanContextFromContext(ctx).SpanID()
	ctx, span := t.Tracer.Start(ctx, name, opts...)
	if !isAttempt || !span.IsRecording() {
		return ctx, span
	}
	sp := &attemptSpan{Span: span, spans: t.spans, key: attemptKey{parent, ri.Endpoint, ri.Attempt}}
	t.spans.add(sp)
	return trace.ContextWithSpan(ctx, sp), sp
}

// attemptSpan defers End until released.
type attemptSpan struct {
	trace.Span
	spans *attemptSpans
	key   attemptKey

	mu       sync.Mutex
	released bool
	endOpts  []trace.SpanEndOption // set once End was called
	timer    *time.Timer
}

func (s *attemptSpan) End(opts ...trace.SpanEndOption) {
	s.mu.Lock()
	if s.released {
		s.mu.Unlock()
		s.Span.End(opts...)
		return
	}
	if s.endOpts != nil {
		s.mu.Unlock()
		return
	}
	cfg := trace.NewSpanEndConfig(opts...)
	ts := cfg.Timestamp()
	if ts.IsZero() {
		ts = time.Now()
	}
	s.endOpts = append(opts[:len(opts):len(opts)], trace.WithTimestamp(ts))
	s.timer = time.AfterFunc(s.spans.grace, func() {
		if s.spans.take(s.key, s) != nil {
			s.release(nil)
		}
	})
	s.mu.Unlock()
}

// release applies attrs and ends the span if End was already called; a later End goes through.
func (s *attemptSpan) release(attrs []attribute.KeyValue) {
	s.mu.Lock()
	if s.released {
		s.mu.Unlock()
		return
	}
	s.released = true
	if len(attrs) > 0 {
		s.Span.SetAttributes(attrs...)
	}
	endOpts := s.endOpts
	if s.timer != nil {
		s.timer.Stop()
	}
	s.mu.Unlock()
	if endOpts != nil {
		s.Span.End(endOpts...)
	}
}
