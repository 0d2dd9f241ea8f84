package redisstore

import (
	"context"
	"errors"
	"math"
	"sync"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"go.opentelemetry.io/otel/attribute"

	"github.com/attio-facade/attio-facade/interceptors"
)

// CallerLimits is an interceptors.CallerLimiter in Redis: one GCRA budget per caller (redis_rate,
// on Redis's clock) that all replicas draw from, so a caller gets Rate calls per second in total
// however its calls spread over the replicas.
//
// With Redis unreachable a caller is limited in this process at 1/N of Rate and Burst, N being
// the live replicas last counted (see Replicas): spread evenly, the callers' total stays near the
// shared budget. The local buckets start full, so a caller may get up to its burst once more
// when the outage begins; they are dropped when Redis answers again.
type CallerLimits struct {
	s        *Store
	rl       *redis_rate.Limiter
	limit    redis_rate.Limit
	o        CallerLimitOptions
	replicas func() int

	mu     sync.Mutex
	local  *interceptors.RateLimiter // the 1/N fallback; nil while Redis answers
	localN int
}

// CallerLimitOptions configures Store.CallerLimits.
type CallerLimitOptions struct {
	// Rate is each caller's sustained calls per second across all replicas; <= 0 admits all.
	Rate float64
	// Burst is the calls a rested caller may make at once; 0 means max(1, ceil(Rate)).
	Burst int
	// Replicas returns the live replica count for the fallback; nil means 1.
	Replicas func() int
}

// callerPeriod is the GCRA period: redis_rate takes an integer count per period, so a fractional
// Rate becomes callerPeriodCount calls per (callerPeriodCount/Rate) seconds: same spacing.
const callerPeriodCount = 1000

// CallerLimits returns the shared per-caller limiter.
func (s *Store) CallerLimits(o CallerLimitOptions) *CallerLimits {
	if o.Burst <= 0 {
		o.Burst = max(1, int(math.Ceil(o.Rate)))
	}
	if o.Replicas == nil {
		o.Replicas = func() int { return 1 }
	}
	period := time.Duration(float64(callerPeriodCount) / max(o.Rate, 1e-9) * float64(time.Second))
	return &CallerLimits{s: s, rl: redis_rate.NewLimiter(s.rdb), o: o, replicas: o.Replicas,
		limit: redis_rate.Limit{Rate: callerPeriodCount, Burst: o.Burst, Period: period}}
}

var _ interceptors.CallerLimiter = (*CallerLimits)(nil)

// Allow takes one call of key's shared budget, or of the local 1/N budget while Redis is
// unreachable. It returns an error only for a cancelled ctx.
func (c *CallerLimits) Allow(ctx context.Context, key string) (bool, time.Duration, error) {
	if c.o.Rate <= 0 {
		return true, 0, nil
	}
	ctx, sp := c.s.span(ctx, "CallerLimits.Allow")
	res, err := c.rl.Allow(ctx, c.s.key("caller", key), c.limit)
	if err == nil {
		end(sp, nil)
		c.mu.Lock()
		c.local = nil
		c.mu.Unlock()
		return res.Allowed > 0, max(0, res.RetryAfter), nil
	}
	if cerr := ctx.Err(); cerr != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		end(sp, cerr)
		return false, 0, cerr
	}
	sp.SetAttributes(attribute.Bool("fallback", true))
	end(sp, c.s.wrap(err))
	return c.fallback().Allow(ctx, key)
}

// fallback is the local limiter at 1/N, rebuilt when N changes.
func (c *CallerLimits) fallback() *interceptors.RateLimiter {
	n := max(1, c.replicas())
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.local == nil || c.localN != n {
		c.local = interceptors.NewRateLimiter(interceptors.RateLimitConfig{
			Rate: c.o.Rate / float64(n), Burst: max(1, c.o.Burst/n),
		})
		c.localN = n
	}
	return c.local
}
