package redisstore

import (
	"context"
	"errors"
	"net"
	"time"

	"github.com/redis/go-redis/v9"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// Metric names; the Prometheus exporter adds unit and _total suffixes
// (facade_redis_roundtrip_duration_seconds, facade_redis_errors_total).
const (
	MetricRoundTrip = "facade.redis.roundtrip.duration"
	MetricErrors    = "facade.redis.errors"
)

type instruments struct {
	roundTrip metric.Float64Histogram
	errors    metric.Int64Counter
}

func newInstruments(m metric.Meter) (instruments, error) {
	var in instruments
	var err1, err2 error
	in.roundTrip, err1 = m.Float64Histogram(MetricRoundTrip, metric.WithUnit("s"),
		metric.WithExplicitBucketBoundaries(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
		metric.WithDescription("Duration of each Redis round trip (one command, script or pipeline), by command and outcome."))
	in.errors, err2 = m.Int64Counter(MetricErrors,
		metric.WithDescription("Redis round trips that failed (unreachable, timeout, or an error reply), by command."))
	return in, errors.Join(err1, err2)
}

// roundTripHook measures every round trip and keeps the store's up/down state for health.
type roundTripHook struct{ s *Store }

func (h roundTripHook) DialHook(next redis.DialHook) redis.DialHook {
	return func(ctx context.Context, network, addr string) (net.Conn, error) { return next(ctx, network, addr) }
}

func (h roundTripHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		start := time.Now()
		err := next(ctx, cmd)
		h.record(ctx, cmd.Name(), start, err)
		return err
	}
}

func (h roundTripHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		start := time.Now()
		err := next(ctx, cmds)
		h.record(ctx, "pipeline", start, err)
		return err
	}
}

func (h roundTripHook) record(ctx context.Context, name string, start time.Time, err error) {
	outcome := "ok"
	if err != nil && !errors.Is(err, redis.Nil) {
		outcome = "error"
		h.s.inst.errors.Add(ctx, 1, metric.WithAttributes(attribute.String("command", name)))
		if isConnErr(err) {
			msg := err.Error()
			h.s.lastErr.Store(&msg)
			h.s.down.Store(true)
		}
	} else {
		h.s.down.Store(false)
	}
	h.s.inst.roundTrip.Record(ctx, time.Since(start).Seconds(),
		metric.WithAttributes(attribute.String("command", name), attribute.String("outcome", outcome)))
}

// isConnErr tells an unreachable Redis from an error reply (a script error is a bug, not an
// outage, and does not make health degraded).
func isConnErr(err error) bool {
	var re redis.Error
	if errors.As(err, &re) {
		return false
	}
	return !errors.Is(err, context.Canceled)
}
