package interceptors

import (
	"context"
	"testing"

	"connectrpc.com/connect/v2"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
)

// Every unary call passes the rate limiter and the size limits; for a small read such as
// GetRecord neither should cost more than the few allocations they cannot avoid (issue 16,
// target 4). Not parallel: AllocsPerRun refuses to run beside other tests.
func TestHotPathInterceptorsAllocateLittle(t *testing.T) {
	req := &attiov1.GetRecordRequest{Object: "people", RecordId: "4f1b7c55-2a0e-4c53-9d7b-3c1f2b7e9a10"}
	ctx := WithPrincipal(context.Background(), &Principal{Kind: KindAPIKey, Name: "reader", Scopes: []Scope{ScopeRead}})
	spec := connect.Spec{Procedure: "/attio.v1.RecordService/GetRecord", StreamType: connect.StreamTypeUnary}
	handler := func(context.Context, connect.Spec, connect.ServerStream) error { return nil }
	limiter := NewRateLimiter(RateLimitConfig{Rate: 1e9, Burst: 1 << 30})
	admit := limiter.Interceptor()(handler)

	for _, tc := range []struct {
		name string
		max  float64
		call func() error
	}{
		// The bucket key (the principal's id, prefixed); a Reservation per call before.
		{"rate limit admission", 1, func() error { return admit(ctx, spec, nil) }},
		// Nothing: a request of scalars has nothing to count. Two field paths were built before.
		{"size limits of a GetRecordRequest", 0, func() error { return CheckRequestSize(req) }},
	} {
		if err := tc.call(); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		allocs := testing.AllocsPerRun(500, func() { _ = tc.call() })
		t.Logf("%s: %.0f allocations", tc.name, allocs)
		if allocs > tc.max {
			t.Errorf("%s: %.0f allocations per call, want at most %.0f", tc.name, allocs, tc.max)
		}
	}
}
