package sandbox

import (
	"math"
	"net/http"
	"sync"
	"time"
)

// Limits are the per-second budgets the sandbox enforces; 0 turns a budget
// off. Each budget is a token bucket with rate R and burst R, so a client
// spacing its requests evenly at R per second never sees a 429.
type Limits struct {
	MatonRPS      float64 // per Maton account (API key), reads and writes together
	AttioReadRPS  float64 // per workspace
	AttioWriteRPS float64 // per workspace
}

// DefaultLimits are the real services' published budgets.
var DefaultLimits = Limits{MatonRPS: 10, AttioReadRPS: 100, AttioWriteRPS: 25}

// Latency delays every request by a duration drawn uniformly from [Min, Max]
// (fixed when Max <= Min).
type Latency struct {
	Min, Max time.Duration
}

// FixedLatency delays every request by d.
func FixedLatency(d time.Duration) Latency { return Latency{Min: d, Max: d} }

// UniformLatency delays each request by a uniform draw in [min, max].
func UniformLatency(min, max time.Duration) Latency { return Latency{Min: min, Max: max} }

// Faults injects random failures into a share of requests (ratios in [0,1]).
type Faults struct {
	ErrorRatio    float64       // answered 500 or 503 with an Attio error body, unprocessed
	DropRatio     float64       // connection closed without an answer (unprocessed)
	SlowBodyRatio float64       // body sent in two halves with SlowBodyDelay between them
	SlowBodyDelay time.Duration // default 200ms
}

// Failure scripts the next Count requests matching Method and Route to fail
// with Status, Body and Header instead of being processed. Route is an
// endpoint template as in openapi.json ("/v2/objects/{object}/records/query"),
// "/connections" or "/connections/{connection_id}"; empty matches any.
type Failure struct {
	Method string
	Route  string
	Count  int // default 1
	Status int
	Body   []byte      // nil: a default body for Status (Attio's form, or Maton's when Maton is set)
	Header http.Header // added to the answer; a 429 gets Retry-After unless given
	Maton  bool        // the failure comes from the gateway: Maton body, no X-Attio-Execution-Id
}

// bucket is a token bucket on the sandbox clock.
type bucket struct {
	mu     sync.Mutex
	rate   float64
	tokens float64
	last   time.Time
}

func newBucket(rate float64, now time.Time) *bucket {
	return &bucket{rate: rate, tokens: rate, last: now}
}

// take spends a token or says how long until one is available.
func (b *bucket) take(now time.Time) (bool, time.Duration) {
	if b == nil || b.rate <= 0 {
		return true, 0
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if el := now.Sub(b.last).Seconds(); el > 0 {
		b.tokens = math.Min(b.rate, b.tokens+el*b.rate)
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / b.rate * float64(time.Second))
	return false, wait
}

// retryAfter formats Attio's Retry-After: an HTTP date, rounded up so that a
// client waiting until then finds a token.
func retryAfter(now time.Time, wait time.Duration) string {
	t := now.Add(wait)
	if t.Truncate(time.Second).Before(t) {
		t = t.Truncate(time.Second).Add(time.Second)
	}
	return t.UTC().Format(http.TimeFormat)
}

func defaultFailureBody(f *Failure) []byte {
	if f.Maton {
		switch f.Status {
		case http.StatusBadRequest:
			return MatonErrorBody("connection_not_found", "No active connection found for app attio.")
		case http.StatusUnauthorized:
			return MatonErrorBody("unauthorized", "Invalid API key.")
		case http.StatusTooManyRequests:
			return MatonErrorBody("rate_limit_exceeded", "Rate limit exceeded: 10 requests per second.")
		default:
			return MatonErrorBody("internal_error", "The connection's authorization has expired; reconnect it.")
		}
	}
	switch f.Status {
	case http.StatusBadRequest:
		return AttioErrorBody(400, "validation_type", "Body payload validation error.",
			ValidationError{Code: "invalid_type", Path: []any{"data", "values"}, Message: "Injected validation error"})
	case http.StatusUnauthorized:
		return AttioErrorBody(401, "invalid_token", "Invalid access token.")
	case http.StatusForbidden:
		return AttioErrorBody(403, "missing_scopes", "The access token is missing required scopes.")
	case http.StatusNotFound:
		return AttioErrorBody(404, "not_found", "Injected: resource not found.")
	case http.StatusConflict:
		return AttioErrorBody(409, "slug_conflict", "Injected: slug already in use.")
	case http.StatusTooManyRequests:
		return AttioErrorBody(429, "rate_limit_exceeded", "Rate limit exceeded, please try again later")
	case http.StatusServiceUnavailable:
		return AttioErrorBody(503, "service_unavailable", "The service is temporarily unavailable.")
	default:
		if f.Status >= 500 {
			return AttioErrorBody(f.Status, "internal_server_error", "An internal error occurred.")
		}
		return AttioErrorBody(f.Status, "injected_error", "Injected error.")
	}
}
