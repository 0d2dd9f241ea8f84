package telemetry

import (
	"context"
	"errors"
	"io"
	"os"
	"strings"

	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// spanExporters picks the trace exporters from the OTEL_* variables (see the package doc).
// autoexport does the same but reads only the process environment and defaults to OTLP even
// with no endpoint configured, which would make every local run try localhost:4318.
func spanExporters(ctx context.Context, env func(string) string, console io.Writer) ([]sdktrace.SpanExporter, error) {
	names := env("OTEL_TRACES_EXPORTER")
	if names == "" {
		if env("OTEL_EXPORTER_OTLP_ENDPOINT") == "" && env("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") == "" {
			return nil, nil
		}
		names = "otlp"
	}
	var out []sdktrace.SpanExporter
	fail := func(err error) ([]sdktrace.SpanExporter, error) {
		for _, e := range out {
			_ = e.Shutdown(ctx)
		}
		return nil, err
	}
	for name := range strings.SplitSeq(names, ",") {
		var e sdktrace.SpanExporter
		var err error
		switch name = strings.TrimSpace(name); name {
		case "none", "":
			continue
		case "console":
			if console == nil {
				console = os.Stdout
			}
			e, err = stdouttrace.New(stdouttrace.WithWriter(console))
		case "otlp":
			proto := env("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL")
			if proto == "" {
				proto = env("OTEL_EXPORTER_OTLP_PROTOCOL")
			}
			switch proto {
			case "", "http/protobuf":
				e, err = otlptracehttp.New(ctx)
			case "grpc":
				e, err = otlptracegrpc.New(ctx)
			default:
				return fail(errors.New("telemetry: OTLP protocol " + proto + " is not supported (http/protobuf, grpc)"))
			}
		default:
			return fail(errors.New("telemetry: OTEL_TRACES_EXPORTER " + name + " is not supported (otlp, console, none)"))
		}
		if err != nil {
			return fail(errors.New("telemetry: " + name + " trace exporter: " + err.Error()))
		}
		out = append(out, e)
	}
	return out, nil
}
