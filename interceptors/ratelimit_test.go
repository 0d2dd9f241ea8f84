package interceptors

import (
	"testing"
	"time"
)

func TestRateLimiterEvictsOnlyRefilledBuckets(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		cfg       RateLimitConfig
		idle      time.Duration
		wantKept  bool
		wantTTLAt time.Duration // the effective TTL is at least this
	}{
		{name: "idle past the TTL is forgotten", cfg: RateLimitConfig{Rate: 10, Burst: 1, IdleTTL: time.Second},
			idle: 2 * time.Second, wantTTLAt: time.Second},
		{name: "recently used is kept", cfg: RateLimitConfig{Rate: 10, Burst: 1, IdleTTL: time.Second},
			idle: 500 * time.Millisecond, wantKept: true, wantTTLAt: time.Second},
		{name: "TTL is raised to the refill time", cfg: RateLimitConfig{Rate: 0.1, Burst: 5, IdleTTL: time.Second},
			idle: 30 * time.Second, wantKept: true, wantTTLAt: 50 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			l := NewRateLimiter(tt.cfg)
			if l.ttl < tt.wantTTLAt {
				t.Fatalf("ttl = %v, want >= %v", l.ttl, tt.wantTTLAt)
			}
			start := l.lastSweep.Add(time.Millisecond)
			l.bucket("principal:a", start)
			// Explicit times: the sweep runs on the next call after a TTL has passed.
			l.bucket("principal:b", start.Add(max(tt.idle, l.ttl)))
			if tt.idle < l.ttl {
				l.bucket("principal:a", start.Add(tt.idle))
				l.bucket("principal:b", start.Add(tt.idle+l.ttl))
			}
			_, kept := l.buckets["principal:a"]
			if kept != tt.wantKept {
				t.Errorf("bucket kept = %v, want %v", kept, tt.wantKept)
			}
		})
	}
}
