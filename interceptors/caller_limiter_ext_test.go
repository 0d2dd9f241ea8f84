package interceptors_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"connectrpc.com/connect/v2"

	"github.com/attio-facade/attio-facade/interceptors"
)

// failingLimiter cannot decide, like a shared store that is gone.
type failingLimiter struct{}

func (failingLimiter) Allow(context.Context, string) (bool, time.Duration, error) {
	return false, 0, errors.New("store gone")
}

// TestRateLimitShared: two servers (two replicas) with one Shared limiter admit one caller's
// burst once between them, streams pay each further message from it, and a limiter that cannot
// decide refuses with Unavailable.
func TestRateLimitShared(t *testing.T) {
	t.Parallel()
	shared := interceptors.NewRateLimiter(interceptors.RateLimitConfig{Rate: 1.0 / 3600, Burst: 4})
	cfg := interceptors.RateLimitConfig{Rate: 100, Burst: 100, Shared: shared, FailStreams: true}
	replicas := []*connect.Client{rlServer(t, cfg), rlServer(t, cfg)}
	admitted := 0
	for i := range 10 {
		r := rlPing(t, replicas[i%2], "alice")
		switch {
		case r.err == nil:
			admitted++
			if r.limit != "100" {
				t.Errorf("RateLimit-Limit = %q, want 100", r.limit)
			}
		case connect.CodeOf(r.err) != connect.CodeResourceExhausted:
			t.Fatalf("refusal: %v", r.err)
		case r.retryAfter == "" || retryDelay(t, r.err) <= 0:
			t.Fatalf("refusal without a retry delay: %q", r.retryAfter)
		}
	}
	if admitted != 4 {
		t.Fatalf("admitted %d calls over two replicas, want the shared burst 4", admitted)
	}
	// bob: the call's token covers the first message, each further one takes one more: a
	// 10-message stream on a burst of 4 ends after 4 messages.
	got, err := rlPages(t.Context(), replicas[0], "bob", 10)
	if got != 4 || connect.CodeOf(err) != connect.CodeResourceExhausted {
		t.Fatalf("stream got %d messages, %v; want 4 then ResourceExhausted", got, err)
	}
	down := rlServer(t, interceptors.RateLimitConfig{Rate: 100, Shared: failingLimiter{}})
	if r := rlPing(t, down, "alice"); connect.CodeOf(r.err) != connect.CodeUnavailable {
		t.Fatalf("undecided limiter: %v, want Unavailable", r.err)
	}
}
