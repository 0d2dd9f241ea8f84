package telemetry

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connecthttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/semconv/v1.43.0/rpcconv"
	"go.opentelemetry.io/otel/trace"
)

// otelconnect's instrumentation scope (v0.12.0): the lean server interceptor records under it,
// so that its series are otelconnect's. TestUnsampledRPCsKeepOtelconnectMetrics compares both.
const (
	otelconnectScope   = "connectrpc.com/otelconnect"
	otelconnectVersion = "semver:0.12.0"
)

// leanServer stands in for otelconnect's server interceptor when no span can be sampled. Per
// call otelconnect allocates its call state, a labeler context and the span's attributes (for a
// span that records nothing), and builds the metric's attribute set (issue 16, target 4). What
// is observable stays: the RPC's span context continues the caller's W3C trace (or starts a new
// one for untrusted callers) and reaches the logs and the upstream, and rpc.server.call.duration
// is recorded on otelconnect's meter with its attributes; the set is built once per series.
// otelconnect's labeler is not offered (nothing in this project uses it).
type leanServer struct {
	tracer   trace.Tracer
	prop     propagation.TextMapPropagator
	trust    bool
	duration metric.Float64Histogram
	sets     setMemo[rpcSeries]
}

func newLeanServer(tp trace.TracerProvider, mp metric.MeterProvider, prop propagation.TextMapPropagator, trust bool) (*leanServer, error) {
	inst := rpcconv.ServerCallDuration{}
	duration, err := mp.Meter(otelconnectScope, metric.WithInstrumentationVersion(otelconnectVersion)).Float64Histogram(
		inst.Name(), metric.WithUnit(inst.Unit()), metric.WithDescription(inst.Description()),
		metric.WithExplicitBucketBoundaries(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10))
	if err != nil {
		return nil, err
	}
	return &leanServer{
		tracer: tp.Tracer(otelconnectScope, trace.WithInstrumentationVersion(otelconnectVersion)),
		prop:   prop, trust: trust, duration: duration,
	}, nil
}

// Built once: passing a slice allocates nothing, where a variadic list would allocate per call.
var (
	serverSpan  = []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindServer)}
	newRootSpan = []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindServer), trace.WithNewRoot()}
)

func (s *leanServer) interceptor(next connect.ServerFunc) connect.ServerFunc {
	return func(ctx context.Context, spec connect.Spec, stream connect.ServerStream) error {
		start := time.Now()
		info, _ := connect.CallInfoForServerContext(ctx)
		var protocol string
		if info != nil {
			protocol = info.Protocol
		}
		root := false
		if !trace.SpanContextFromContext(ctx).IsValid() && info != nil {
			ctx = s.prop.Extract(ctx, connectCarrier{info.RequestHeader()})
			root = !s.trust && trace.SpanContextFromContext(ctx).IsValid()
		}
		opts := serverSpan
		if root {
			opts = newRootSpan
		}
		ctx, span := s.tracer.Start(ctx, "", opts...)
		defer span.End()
		err := next(ctx, spec, stream)
		series := rpcSeries{method: strings.TrimLeft(spec.Procedure, "/"), system: rpcSystem(protocol)}
		switch {
		case err == nil:
		case connecthttp.IsNotModifiedError(err):
			series.notModified = true
		default:
			series.code = strings.ToUpper(connect.CodeUnknown.String())
			if ce := new(connect.Error); errors.As(err, &ce) {
				series.code = strings.ToUpper(ce.Code().String())
			}
		}
		s.duration.Record(ctx, time.Since(start).Seconds(), s.sets.get(series, rpcSeries.attrs)...)
		return err
	}
}

// rpcSeries is what otelconnect's rpc.server.call.duration attributes are made of.
type rpcSeries struct {
	system, method string
	code           string // "" for success
	notModified    bool
}

func (s rpcSeries) attrs() attribute.Set {
	attrs := []attribute.KeyValue{semconv.RPCSystemNameKey.String(s.system), semconv.RPCMethodKey.String(s.method)}
	switch {
	case s.code == "" && s.notModified:
		attrs = append(attrs, semconv.RPCResponseStatusCodeKey.String("OK"), semconv.HTTPResponseStatusCodeKey.Int(http.StatusNotModified))
	case s.code == "":
		attrs = append(attrs, semconv.RPCResponseStatusCodeKey.String("OK"))
	default:
		attrs = append(attrs, semconv.RPCResponseStatusCodeKey.String(s.code), semconv.ErrorTypeKey.String(s.code))
	}
	return attribute.NewSet(attrs...)
}

// rpcSystem is otelconnect's rpc.system.name of a wire protocol.
func rpcSystem(protocol string) string {
	switch protocol {
	case connect.ProtocolNameGRPCWeb, connect.ProtocolNameGRPC:
		return "grpc"
	case connect.ProtocolNameConnect:
		return "connectrpc"
	}
	return protocol
}

// connectCarrier reads the W3C headers of a call.
type connectCarrier struct{ h *connect.Header }

func (c connectCarrier) Get(k string) string { return c.h.Get(k) }
func (c connectCarrier) Set(k, v string)     { c.h.Set(k, v) }
func (c connectCarrier) Keys() []string {
	keys := make([]string, 0, c.h.Len())
	for k := range c.h.All() {
		keys = append(keys, k)
	}
	return keys
}
