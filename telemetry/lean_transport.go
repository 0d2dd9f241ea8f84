package telemetry

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/semconv/v1.43.0/httpconv"
	"go.opentelemetry.io/otel/trace"

	"github.com/attio-facade/attio-facade/attio"
)

// leanTransport stands in for otelhttp around bodyless upstream requests when no span can be
// sampled (no exporter: Setup samples nothing). otelhttp clones the request, builds span
// attributes for a span that records nothing, wraps the response body and builds its metrics'
// attribute set on every call: about 4% of a unary call's CPU (issue 16, target 4). What is
// observable stays the same: each attempt gets a client span context of its own (not recorded)
// sent upstream as traceparent, and otelhttp's two client metrics are recorded on its meter,
// with the same instruments and attributes (the attribute set is built once per series).
// Requests with a body go through otelhttp: it counts the bytes the transport reads from the
// body, possibly after RoundTrip has returned. otelhttp's context labeler is not read (nothing
// in this project sets one).
type leanTransport struct {
	base     http.RoundTripper
	full     http.RoundTripper // otelhttp, for requests with a body
	tracer   trace.Tracer
	prop     propagation.TextMapPropagator
	bodySize httpconv.ClientRequestBodySize
	duration httpconv.ClientRequestDuration
	sets     setMemo[clientSeries]
}

func newLeanTransport(base, full http.RoundTripper, tp trace.TracerProvider, mp metric.MeterProvider, prop propagation.TextMapPropagator) (*leanTransport, error) {
	// otelhttp's scope, so that the series (and their otel_scope_* labels) are otelhttp's.
	meter := mp.Meter(otelhttp.ScopeName, metric.WithInstrumentationVersion(otelhttp.Version))
	bodySize, err1 := httpconv.NewClientRequestBodySize(meter)
	duration, err2 := httpconv.NewClientRequestDuration(meter,
		metric.WithExplicitBucketBoundaries(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10))
	if err := errors.Join(err1, err2); err != nil {
		return nil, fmt.Errorf("telemetry: http client instruments: %w", err)
	}
	return &leanTransport{
		base: base, full: full, prop: prop, bodySize: bodySize, duration: duration,
		tracer: tp.Tracer(otelhttp.ScopeName, trace.WithInstrumentationVersion(otelhttp.Version)),
	}, nil
}

var clientSpan = []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindClient)}

func (t *leanTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil && r.Body != http.NoBody {
		return t.full.RoundTrip(r)
	}
	start := time.Now()
	// Not recorded (nothing samples), but a span context of the attempt's own, as otelhttp's.
	ctx, _ := t.tracer.Start(r.Context(), "", clientSpan...)

	// The caller's request is not ours to change: a shallow copy with its own header map.
	out := *r
	out.Header = make(http.Header, len(r.Header)+1)
	for k, v := range r.Header {
		out.Header[k] = v
	}
	t.prop.Inject(ctx, headerCarrier(out.Header))

	resp, err := t.base.RoundTrip(&out)
	if err == nil { // as otelhttp's ensureResponseBody
		switch {
		case resp == nil:
			err = fmt.Errorf("http: RoundTripper implementation (%T) returned a nil *Response with a nil error", t.base)
		case resp.Body == nil && resp.ContentLength > 0 && r.Method != http.MethodHead:
			resp, err = nil, fmt.Errorf("http: RoundTripper implementation (%T) returned a *Response with content length %d but a nil Body", t.base, resp.ContentLength)
		case resp.Body == nil:
			resp.Body = http.NoBody
		}
	}
	elapsed := float64(time.Since(start)) / float64(time.Second)

	s := newClientSeries(&out, resp, err)
	var set []metric.RecordOption
	if s.status == 0 && err != nil {
		set = []metric.RecordOption{metric.WithAttributeSet(s.attrs(errorType(err)))} // rare: not memoized
	} else {
		set = t.sets.get(s, func(s clientSeries) attribute.Set { return s.attrs() })
	}
	t.bodySize.Inst().Record(ctx, 0, set...)
	t.duration.Inst().Record(ctx, elapsed, set...)
	return resp, err
}

// headerCarrier injects into an http.Header without canonicalizing the W3C keys each time.
type headerCarrier http.Header

func (h headerCarrier) Get(k string) string { return http.Header(h).Get(k) }
func (h headerCarrier) Keys() []string      { return propagation.HeaderCarrier(h).Keys() }
func (h headerCarrier) Set(k, v string) {
	switch k {
	case "traceparent":
		h["Traceparent"] = []string{v}
	case "tracestate":
		h["Tracestate"] = []string{v}
	default:
		http.Header(h).Set(k, v)
	}
}

// clientSeries is what otelhttp's attributes for the http.client.* metrics are made of (its
// internal semconv HTTPClient.MetricOptions, v0.72.0), plus the attio endpoint that
// WrapTransport adds: comparable, so that its attribute set is built once.
type clientSeries struct {
	endpoint     string // "" when the request is not an attio client's
	method       string
	host         string
	port         int // -1: none, or the scheme's default
	scheme       string
	protoName    string
	protoVersion string
	status       int
}

func newClientSeries(r *http.Request, resp *http.Response, err error) clientSeries {
	s := clientSeries{method: r.Method}
	if ri, ok := attio.RequestInfoFromContext(r.Context()); ok {
		s.endpoint = ri.Endpoint
	}
	var urlHost string
	if r.URL != nil {
		urlHost = r.URL.Host
	}
	for _, hp := range [2]string{urlHost, r.Header.Get("Host")} {
		if s.host, s.port = splitHostPort(hp); s.host != "" || s.port > 0 {
			break
		}
	}
	https := r.URL != nil && r.URL.Scheme == "https"
	if (https && s.port == 443) || (!https && s.port == 80) {
		s.port = -1
	}
	switch {
	case r.URL != nil && r.URL.Scheme != "":
		s.scheme = r.URL.Scheme
	case r.TLS != nil:
		s.scheme = "https"
	default:
		s.scheme = "http"
	}
	proto := r.Proto
	if resp != nil && resp.Proto != "" {
		proto = resp.Proto
	}
	s.protoName, s.protoVersion = netProtocol(proto)
	if err == nil {
		s.status = resp.StatusCode
	}
	return s
}

func (s clientSeries) attrs(extra ...attribute.KeyValue) attribute.Set {
	attrs := make([]attribute.KeyValue, 0, 9+len(extra))
	if s.endpoint != "" {
		attrs = append(attrs, attrEndpoint.String(s.endpoint))
	}
	attrs = append(attrs, semconv.HTTPRequestMethodKey.String(standardMethod(s.method)),
		semconv.ServerAddress(s.host), semconv.URLScheme(s.scheme))
	if s.port > 0 {
		attrs = append(attrs, semconv.ServerPort(s.port))
	}
	if s.protoName != "" {
		attrs = append(attrs, semconv.NetworkProtocolName(s.protoName))
	}
	if s.protoVersion != "" {
		attrs = append(attrs, semconv.NetworkProtocolVersion(s.protoVersion))
	}
	if s.status > 0 {
		attrs = append(attrs, semconv.HTTPResponseStatusCode(s.status))
	}
	return attribute.NewSet(append(attrs, extra...)...)
}

func splitHostPort(hostport string) (host string, port int) {
	port = -1
	if strings.HasPrefix(hostport, "[") {
		end := strings.LastIndexByte(hostport, ']')
		if end < 0 {
			return "", port
		}
		if strings.LastIndexByte(hostport[end:], ':') < 0 {
			return hostport[1:end], port
		}
	} else if !strings.Contains(hostport, ":") {
		return hostport, port
	}
	host, p, err := net.SplitHostPort(hostport)
	if err != nil {
		return host, port
	}
	if n, err := strconv.ParseUint(p, 10, 16); err == nil {
		port = int(n)
	}
	return host, port
}

func netProtocol(proto string) (name, version string) {
	name, version, _ = strings.Cut(proto, "/")
	switch name {
	case "HTTP":
		name = "http"
	case "QUIC":
		name = "quic"
	case "SPDY":
		name = "spdy"
	default:
		name = strings.ToLower(name)
	}
	return name, version
}

func standardMethod(m string) string {
	switch m = strings.ToUpper(m); m {
	case http.MethodConnect, http.MethodDelete, http.MethodGet, http.MethodHead, http.MethodOptions,
		http.MethodPatch, http.MethodPost, http.MethodPut, http.MethodTrace:
		return m
	}
	return "_OTHER"
}

// errorType is otelhttp's error.type of a failed attempt: the error's concrete type.
func errorType(err error) attribute.KeyValue {
	t := reflect.TypeOf(err)
	if t == nil {
		return semconv.ErrorTypeOther
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	v := t.String()
	if t.PkgPath() != "" && t.Name() != "" {
		v = t.PkgPath() + "." + t.Name()
	}
	if v == "" {
		return semconv.ErrorTypeOther
	}
	return semconv.ErrorTypeKey.String(v)
}
