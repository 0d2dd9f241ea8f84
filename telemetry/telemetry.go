// Package telemetry sets up OpenTelemetry for the facade: a server span and RED metrics per RPC
// (otelconnect), a client span per upstream attempt (otelhttp around the attio client's
// transport, named by endpoint template), attio client metrics through its Observer hook,
// approval and inbound rate-limit counters, and a Prometheus /metrics handler on a registry of
// its own.
//
// Secrets never reach telemetry: no request or response header is recorded (only the
// X-Attio-Execution-Id response header is read), URLs lose their query string, and attempt
// errors are described by status and error code, never by their text.
//
// Exporters follow the standard environment variables:
//   - OTEL_TRACES_EXPORTER: otlp, console or none (a comma-separated list is allowed). Unset means
//     otlp when OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set, else none.
//   - OTEL_EXPORTER_OTLP_TRACES_PROTOCOL / OTEL_EXPORTER_OTLP_PROTOCOL: http/protobuf (default) or
//     grpc. The OTLP exporters read their endpoint, headers, TLS and timeout variables
//     themselves, from the process environment.
//   - OTEL_METRICS_EXPORTER: prometheus (default, served by MetricsHandler) or none.
//   - OTEL_SERVICE_NAME overrides Options.ServiceName; OTEL_SDK_DISABLED=true turns both off.
//
// Spans are created (and trace context propagated upstream) even when no exporter is set.
package telemetry

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"os"

	"connectrpc.com/connect/v2"
	"connectrpc.com/otelconnect"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/attio-facade/attio-facade/attio"
)

// instrumentationName names the tracer and meter of this package's own instruments.
const instrumentationName = "github.com/attio-facade/attio-facade/telemetry"

// Options configures Setup. The zero value works: exporters come from the environment.
type Options struct {
	// ServiceName is the service.name resource attribute; default "attio-facade".
	ServiceName string
	// ServiceVersion is the service.version resource attribute, if set.
	ServiceVersion string
	// Logger receives one line per upstream attempt (Debug on success, Info when retried, Warn on
	// final failure) and exporter errors; nil means slog.Default().
	Logger *slog.Logger
	// Env reads configuration variables; nil means os.Getenv. (The OTLP exporters themselves read
	// their endpoint and headers from the process environment.)
	Env func(string) string
	// SpanProcessor, if set, replaces the exporters chosen by the environment: tests pass a
	// tracetest.SpanRecorder, or sdktrace.NewSimpleSpanProcessor over an in-memory exporter.
	SpanProcessor sdktrace.SpanProcessor
	// Sampler; nil means the SDK's default, parent-based always-on, when spans are exported (a
	// SpanProcessor or an exporter from OTEL_*), and never sampling when they are not.
	Sampler sdktrace.Sampler
	// UntrustedCallers makes an RPC whose caller sent a traceparent start a new trace linked to
	// the caller's, instead of continuing it. By default callers' W3C trace context is accepted.
	UntrustedCallers bool
	// ConsoleWriter is where OTEL_TRACES_EXPORTER=console writes; nil means os.Stdout.
	ConsoleWriter io.Writer
}

// Telemetry holds the providers and instruments. Build it with Setup and Shutdown it on exit.
type Telemetry struct {
	// TracerProvider and MeterProvider are the SDK providers, for any other instrumentation.
	TracerProvider *sdktrace.TracerProvider
	MeterProvider  *sdkmetric.MeterProvider
	// Propagator is W3C trace context only: callers' baggage is not forwarded upstream.
	Propagator propagation.TextMapPropagator

	logger    *slog.Logger
	registry  *prometheus.Registry // nil when metrics are off
	server    connect.ServerInterceptor
	attempts  *attemptSpans
	inst      instruments
	unsampled bool // no span can be sampled: upstream calls take the lean path

	attemptSets setMemo[attemptSeries] // attio.client.attempt.duration's attribute sets
}

// Setup builds the providers and exporters. On error nothing needs shutting down.
func Setup(ctx context.Context, opts Options) (*Telemetry, error) {
	env := opts.Env
	if env == nil {
		env = os.Getenv
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.Default()
	}
	disabled := env("OTEL_SDK_DISABLED") == "true"
	res := newResource(opts, env)

	t := &Telemetry{
		Propagator: propagation.TraceContext{},
		logger:     logger,
		attempts:   newAttemptSpans(),
	}

	// Metrics first: its setup cannot leave anything running.
	mopts := []sdkmetric.Option{sdkmetric.WithResource(res)}
	switch exp := env("OTEL_METRICS_EXPORTER"); {
	case disabled || exp == "none":
	case exp == "" || exp == "prometheus":
		t.registry = prometheus.NewRegistry()
		t.registry.MustRegister(collectors.NewGoCollector(),
			collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
		reader, err := otelprom.New(otelprom.WithRegisterer(t.registry))
		if err != nil {
			return nil, errors.New("telemetry: prometheus exporter: " + err.Error())
		}
		mopts = append(mopts, sdkmetric.WithReader(reader))
	default:
		return nil, errors.New("telemetry: OTEL_METRICS_EXPORTER " + exp + " is not supported (prometheus, none)")
	}
	t.MeterProvider = sdkmetric.NewMeterProvider(mopts...)

	topts := []sdktrace.TracerProviderOption{sdktrace.WithResource(res)}
	exported := false
	switch {
	case opts.SpanProcessor != nil:
		topts = append(topts, sdktrace.WithSpanProcessor(opts.SpanProcessor))
		exported = true
	case !disabled:
		exporters, err := spanExporters(ctx, env, opts.ConsoleWriter)
		if err != nil {
			_ = t.MeterProvider.Shutdown(ctx)
			return nil, err
		}
		for _, e := range exporters {
			topts = append(topts, sdktrace.WithBatcher(e))
		}
		exported = len(exporters) > 0
	}
	switch {
	case opts.Sampler != nil:
		topts = append(topts, sdktrace.WithSampler(opts.Sampler))
	case !exported:
		// Nothing would receive a span: don't record any (the SDK's default sampler records
		// every span, attributes, events and the attempt spans' bookkeeping included, whether
		// or not a processor exists: a few percent of a unary call's CPU, issue 16 target 4).
		// Spans still carry valid contexts, so trace ids reach the logs and the upstream.
		topts = append(topts, sdktrace.WithSampler(sdktrace.NeverSample()))
		t.unsampled = true
	}
	t.TracerProvider = sdktrace.NewTracerProvider(topts...)

	var err error
	if t.inst, err = newInstruments(t.MeterProvider.Meter(instrumentationName)); err == nil {
		copts := []otelconnect.Option{
			otelconnect.WithTracerProvider(t.TracerProvider),
			otelconnect.WithMeterProvider(t.MeterProvider),
			otelconnect.WithPropagator(t.Propagator),
			// No WithTraceRequestHeader/ResponseHeader: headers carry credentials.
		}
		if !opts.UntrustedCallers {
			copts = append(copts, otelconnect.WithTrustRemote())
		}
		t.server, err = otelconnect.NewServerInterceptor(copts...)
	}
	if err != nil {
		_ = t.Shutdown(ctx)
		return nil, errors.New("telemetry: instruments: " + err.Error())
	}
	return t, nil
}

func newResource(opts Options, env func(string) string) *resource.Resource {
	name := env("OTEL_SERVICE_NAME")
	if name == "" {
		name = opts.ServiceName
	}
	if name == "" {
		name = "attio-facade"
	}
	attrs := []attribute.KeyValue{semconv.ServiceName(name)}
	if opts.ServiceVersion != "" {
		attrs = append(attrs, semconv.ServiceVersion(opts.ServiceVersion))
	}
	return resource.NewWithAttributes(semconv.SchemaURL, attrs...)
}

// ServerInterceptor returns the otelconnect interceptor: a server span per RPC (continuing the
// caller's W3C trace context) and the rpc.server.call.duration histogram. Put it first in the
// chain, outside panic recovery, so refused, failed and panicking calls are measured too.
func (t *Telemetry) ServerInterceptor() connect.ServerInterceptor { return t.server }

// MetricsHandler serves the metrics in the Prometheus text format (mount it at /metrics). It
// answers 404 when metrics are off.
func (t *Telemetry) MetricsHandler() http.Handler {
	if t.registry == nil {
		return http.NotFoundHandler()
	}
	return promhttp.HandlerFor(t.registry, promhttp.HandlerOpts{})
}

// WrapTransport instruments an upstream transport: one client span per attempt, named by the
// attio endpoint template ("GET /v2/objects/{object}"), child of the RPC's span, with the
// traceparent header injected, and otelhttp's http.client.* metrics. base nil means
// http.DefaultTransport. When Setup chose to sample nothing (no exporter, no Sampler given),
// bodyless requests skip otelhttp for a lean path with the same traceparent and metrics.
func (t *Telemetry) WrapTransport(base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	full := t.otelhttpTransport(base)
	if t.unsampled {
		if lean, err := newLeanTransport(base, full, t.TracerProvider, t.MeterProvider, t.Propagator); err == nil {
			return lean
		}
	}
	return full
}

func (t *Telemetry) otelhttpTransport(base http.RoundTripper) http.RoundTripper {
	return otelhttp.NewTransport(attemptTransport{base: base},
		otelhttp.WithTracerProvider(t.attempts.tracerProvider(t.TracerProvider)),
		otelhttp.WithMeterProvider(t.MeterProvider),
		otelhttp.WithPropagators(t.Propagator),
		otelhttp.WithSpanNameFormatter(spanName),
		otelhttp.WithMetricAttributesFn(func(r *http.Request) []attribute.KeyValue {
			if ri, ok := attio.RequestInfoFromContext(r.Context()); ok {
				return []attribute.KeyValue{attrEndpoint.String(ri.Endpoint)}
			}
			return nil
		}),
	)
}

// HTTPClient returns attio.NewHTTPClient with its transport wrapped, for attio.Config.HTTPClient.
func (t *Telemetry) HTTPClient() *http.Client {
	hc := attio.NewHTTPClient()
	hc.Transport = t.WrapTransport(hc.Transport)
	return hc
}

// Observer returns the attio.Observer to set as attio.Config.Observer: it completes each
// attempt's client span (rate-limit wait, execution id, error code) and records the upstream
// metrics and log line.
func (t *Telemetry) Observer() attio.Observer { return observer{t} }

// Tracer returns a tracer of this package, for spans around work that is neither an RPC nor an
// upstream call (export jobs, approvals).
func (t *Telemetry) Tracer() trace.Tracer { return t.TracerProvider.Tracer(instrumentationName) }

// Meter returns a meter of this package, for further instruments.
func (t *Telemetry) Meter() metric.Meter { return t.MeterProvider.Meter(instrumentationName) }

// Shutdown flushes and stops the exporters; pending attempt spans are ended first.
func (t *Telemetry) Shutdown(ctx context.Context) error {
	t.attempts.flush()
	return errors.Join(t.TracerProvider.Shutdown(ctx), t.MeterProvider.Shutdown(ctx))
}
