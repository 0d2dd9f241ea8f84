package telemetry

import (
	"testing"
	"time"

	"github.com/attio-facade/attio-facade/attio"
)

// With no trace exporter (spans are not sampled), reporting an attempt builds no span attributes
// and reuses the attribute sets of its two metrics (built once per series): it allocates
// nothing. Every upstream attempt pays it (issue 16, target 4).
// Not parallel: AllocsPerRun refuses to run beside other tests.
func TestObserveAttemptWithoutSpansAllocatesLittle(t *testing.T) {
	tel := unsampled(t)
	ctx, span := tel.Tracer().Start(t.Context(), "rpc")
	defer span.End()
	if span.IsRecording() {
		t.Fatal("a span is recorded without an exporter")
	}
	o := tel.Observer()
	a := attio.Attempt{Endpoint: "GET /v2/objects/{object}/records/{record_id}", Attempt: 1, StatusCode: 200,
		ExecutionID: "exec-1", Duration: time.Millisecond, RateLimitWait: time.Microsecond}
	o.ObserveAttempt(ctx, a) // the metric series exist from here on
	allocs := testing.AllocsPerRun(200, func() { o.ObserveAttempt(ctx, a) })
	t.Logf("%.0f allocations per attempt", allocs)
	if allocs > maxObserveAllocs {
		t.Errorf("%.0f allocations per attempt, want at most %d", allocs, maxObserveAllocs)
	}
}

const maxObserveAllocs = 0 // 10, then 5 (the attempt duration's set built per attempt)
