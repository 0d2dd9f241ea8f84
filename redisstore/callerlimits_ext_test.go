package redisstore_test

import (
	"testing"
	"time"

	"github.com/attio-facade/attio-facade/internal/redistest"
	"github.com/attio-facade/attio-facade/internal/testkit"
	"github.com/attio-facade/attio-facade/redisstore"
)

// slowRate refills one call an hour: within a test the budget is the burst, so counts are exact.
const slowRate = 1.0 / 3600

// allowed counts the calls of key admitted over n tries, alternating over the limiters.
func allowed(t *testing.T, n int, key string, ls ...*redisstore.CallerLimits) int {
	t.Helper()
	got := 0
	for i := range n {
		ok, retry, err := ls[i%len(ls)].Allow(t.Context(), key)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			got++
		} else if retry <= 0 {
			t.Fatalf("refused with retryAfter %s, want > 0", retry)
		}
	}
	return got
}

// TestCallerLimitsShareOneBudget: two replicas draw one caller's calls from one budget: the sum
// they admit is the burst (per-replica buckets would admit twice that), and callers stay apart.
func TestCallerLimitsShareOneBudget(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	reps := replicas(t, srv, 2)
	a := reps[0].CallerLimits(redisstore.CallerLimitOptions{Rate: slowRate, Burst: 5})
	b := reps[1].CallerLimits(redisstore.CallerLimitOptions{Rate: slowRate, Burst: 5})
	if got := allowed(t, 20, "principal:alice", a, b); got != 5 {
		t.Fatalf("alice admitted %d calls over two replicas, want 5", got)
	}
	if got := allowed(t, 20, "principal:bob", b, a); got != 5 {
		t.Fatalf("bob admitted %d calls, want his own 5", got)
	}
}

// TestCallerLimitsRateAcrossReplicas: at 50/s with a burst of 5, two replicas hammering one
// caller admit no more than burst + rate x elapsed in total.
func TestCallerLimitsRateAcrossReplicas(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	reps := replicas(t, srv, 2)
	const rate, burst = 50.0, 5
	a := reps[0].CallerLimits(redisstore.CallerLimitOptions{Rate: rate, Burst: burst})
	b := reps[1].CallerLimits(redisstore.CallerLimitOptions{Rate: rate, Burst: burst})
	start := time.Now()
	got := allowed(t, 400, "principal:alice", a, b)
	elapsed := time.Since(start)
	if ceiling := burst + int(rate*elapsed.Seconds()) + 1; got > ceiling || got < burst {
		t.Fatalf("admitted %d calls in %s, want %d..%d", got, elapsed, burst, ceiling)
	}
}

// TestCallerLimitsFallback: with Redis stopped, a replica that counted 2 live replicas admits
// 1/2 of the burst locally, without error; when Redis returns the shared budget is used again.
func TestCallerLimitsFallback(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	reps := replicas(t, srv, 1)
	l := reps[0].CallerLimits(redisstore.CallerLimitOptions{Rate: slowRate, Burst: 10, Replicas: func() int { return 2 }})
	if got := allowed(t, 3, "principal:alice", l); got != 3 {
		t.Fatalf("admitted %d of 3 with Redis up", got)
	}
	srv.Stop()
	if got := allowed(t, 20, "principal:alice", l); got != 5 {
		t.Fatalf("admitted %d calls with Redis down, want 10/2 = 5", got)
	}
	if reps[0].Degraded() == "" {
		t.Fatal("not degraded during the outage")
	}
	srv.Restart()
	testkit.Until(t, "recovery", func() bool {
		_, _, _ = l.Allow(t.Context(), "principal:carol")
		return reps[0].Degraded() == ""
	})
	// Redis restarted empty: dave has the full shared burst again, not the local half.
	if got := allowed(t, 20, "principal:dave", l); got != 10 {
		t.Fatalf("admitted %d calls after recovery, want the shared 10", got)
	}
}
