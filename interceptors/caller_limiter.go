package interceptors

import (
	"context"
	"strconv"
	"time"

	"connectrpc.com/connect/v2"
)

// CallerLimiter admits one call (or one more stream message) of the caller named by key, or says
// how long until it may. RateLimiter is the in-memory implementation (one budget per replica);
// redisstore.CallerLimits shares one budget per caller across replicas. An error means the
// limiter could not decide; the interceptor then refuses with Unavailable.
type CallerLimiter interface {
	Allow(ctx context.Context, key string) (ok bool, retryAfter time.Duration, err error)
}

var _ CallerLimiter = (*RateLimiter)(nil)

// Allow takes one token of key's bucket in this process, or reports the wait for it.
func (l *RateLimiter) Allow(_ context.Context, key string) (bool, time.Duration, error) {
	if l.cfg.Rate <= 0 {
		return true, 0, nil
	}
	now := time.Now()
	r := l.bucket(key, now).lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d, nil
	}
	return true, 0, nil
}

// admitShared is the admission of a call through RateLimitConfig.Shared. Only the limit and
// Retry-After headers are set: the shared budget's remaining tokens are not known locally.
func (l *RateLimiter) admitShared(ctx context.Context, info *connect.CallInfo, key string) error {
	ok, d, err := l.cfg.Shared.Allow(ctx, key)
	if err != nil {
		return errSharedUnavailable()
	}
	if info != nil {
		info.ResponseHeader().Set(HeaderRateLimitLimit, strconv.Itoa(l.burst))
		if !ok {
			info.ResponseHeader().Set(HeaderRetryAfter, strconv.FormatInt(max(1, ceilSeconds(d)), 10))
		}
	}
	if !ok {
		l.throttled(ctx, ThrottleRefused, d)
		return refusal(d)
	}
	return nil
}

// chargeShared takes one more stream message from the shared budget, pausing until it is due
// unless the stream is configured to fail or the pause would outlast its deadline.
func (l *RateLimiter) chargeShared(ctx context.Context, key string) error {
	for {
		ok, d, err := l.cfg.Shared.Allow(ctx, key)
		if err != nil {
			return errSharedUnavailable()
		}
		if ok {
			return nil
		}
		if dl, has := ctx.Deadline(); l.cfg.FailStreams || has && time.Now().Add(d).After(dl) {
			l.throttled(ctx, ThrottleStreamRefused, d)
			return refusal(d)
		}
		l.throttled(ctx, ThrottleStreamWait, d)
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
	}
}

func errSharedUnavailable() error {
	return connect.NewError(connect.CodeUnavailable, "rate limit: shared budget unavailable")
}
