package telemetry

import (
	"context"
	"errors"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/attio-facade/attio-facade/attio"
)

// Attribute keys of this package (span attributes and metric labels).
const (
	attrEndpoint    = attribute.Key("attio.endpoint")        // endpoint template, "GET /v2/objects/{object}"
	attrAttempt     = attribute.Key("attio.attempt")         // 1-based attempt number
	attrPriority    = attribute.Key("attio.priority")        // interactive | bulk
	attrWait        = attribute.Key("attio.rate_limit.wait") // seconds waited for the outbound budget
	attrExecutionID = attribute.Key("attio.execution_id")    // X-Attio-Execution-Id
	attrErrorCode   = attribute.Key("attio.error_code")      // Attio's or Maton's error code
	attrWillRetry   = attribute.Key("attio.will_retry")
	attrStatusCode  = attribute.Key("http.response.status_code")
	attrOutcome     = attribute.Key("outcome")
)

// Metric names; the Prometheus exporter adds unit and _total suffixes
// (attio_client_attempt_duration_seconds, attio_client_retries_total, ...).
const (
	MetricAttemptDuration = "attio.client.attempt.duration"
	MetricRetries         = "attio.client.retries"
	MetricThrottled       = "attio.client.throttled"
	MetricLimiterWait     = "attio.client.limiter.wait"
	MetricApprovals       = "facade.approvals"
	MetricInboundThrottle = "facade.ratelimit.throttled"
	MetricInboundDelay    = "facade.ratelimit.delay"
	MetricPauseRemaining  = "attio.client.pause.remaining"
	MetricPauses          = "attio.client.pauses"
)

type instruments struct {
	attemptDuration metric.Float64Histogram
	retries         metric.Int64Counter
	throttled       metric.Int64Counter
	limiterWait     metric.Float64Histogram
	approvals       metric.Int64Counter
	inboundThrottle metric.Int64Counter
	inboundDelay    metric.Float64Histogram
}

func newInstruments(m metric.Meter) (instruments, error) {
	var in instruments
	var errs [7]error
	latency := metric.WithExplicitBucketBoundaries(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
	waits := metric.WithExplicitBucketBoundaries(0, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
	in.attemptDuration, errs[0] = m.Float64Histogram(MetricAttemptDuration, metric.WithUnit("s"), latency,
		metric.WithDescription("Duration of each upstream (Maton/Attio) HTTP attempt, by endpoint template and status code (0: no answer)."))
	in.retries, errs[1] = m.Int64Counter(MetricRetries,
		metric.WithDescription("Upstream attempts that were retries of an earlier attempt."))
	in.throttled, errs[2] = m.Int64Counter(MetricThrottled,
		metric.WithDescription("Upstream answers with status 429 (Maton's or Attio's rate limit)."))
	in.limiterWait, errs[3] = m.Float64Histogram(MetricLimiterWait, metric.WithUnit("s"), waits,
		metric.WithDescription("Time each upstream attempt waited for the client's outbound budget."))
	in.approvals, errs[4] = m.Int64Counter(MetricApprovals,
		metric.WithDescription("Write approvals by outcome."))
	in.inboundThrottle, errs[5] = m.Int64Counter(MetricInboundThrottle,
		metric.WithDescription("Inbound calls refused and streams paused or ended by the per-principal rate limit."))
	in.inboundDelay, errs[6] = m.Float64Histogram(MetricInboundDelay, metric.WithUnit("s"), waits,
		metric.WithDescription("Delay a refused caller was told to wait, or a stream paused, by the per-principal rate limit."))
	return in, errors.Join(errs[:]...)
}

// RecordApproval counts one approval event; outcome is a small fixed vocabulary chosen by the
// approvals code ("requested", "approved", "rejected", "expired", "auto_approved", ...), never
// a token or free text.
func (t *Telemetry) RecordApproval(ctx context.Context, outcome string) {
	t.inst.approvals.Add(ctx, 1, metric.WithAttributes(attrOutcome.String(outcome)))
}

// RecordInboundThrottle counts a refusal or stream pause of the per-principal rate limit; it
// fits interceptors.RateLimitConfig.OnThrottle.
func (t *Telemetry) RecordInboundThrottle(ctx context.Context, outcome string, delay time.Duration) {
	set := metric.WithAttributes(attrOutcome.String(outcome))
	t.inst.inboundThrottle.Add(ctx, 1, set)
	t.inst.inboundDelay.Record(ctx, delay.Seconds(), set)
}

// ObserveClient publishes the client's pause after a 429, during which every upstream call
// waits: the time left (a gauge, 0 when none) and how many pauses began or were extended.
func (t *Telemetry) ObserveClient(c *attio.Client) error {
	m := t.Meter()
	remaining, err1 := m.Float64ObservableGauge(MetricPauseRemaining, metric.WithUnit("s"),
		metric.WithDescription("Time left of the pause every upstream call is under after a 429 (0: none)."))
	pauses, err2 := m.Int64ObservableCounter(MetricPauses,
		metric.WithDescription("Pauses of all upstream calls started or extended by a 429's Retry-After."))
	if err := errors.Join(err1, err2); err != nil {
		return err
	}
	_, err := m.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		o.ObserveFloat64(remaining, c.PausedFor().Seconds())
		o.ObserveInt64(pauses, c.Pauses())
		return nil
	}, remaining, pauses)
	return err
}
