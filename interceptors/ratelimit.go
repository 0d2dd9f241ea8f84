package interceptors

import (
	"context"
	"math"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connectproto"
	"golang.org/x/time/rate"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/protobuf/types/known/durationpb"
)

// Response headers of the inbound rate limit, after the IETF httpapi RateLimit header draft.
const (
	HeaderRateLimitLimit     = "RateLimit-Limit"     // the bucket size (burst)
	HeaderRateLimitRemaining = "RateLimit-Remaining" // whole tokens left after this call
	HeaderRateLimitReset     = "RateLimit-Reset"     // seconds until the bucket is full again
	HeaderRetryAfter         = "Retry-After"         // seconds until a refused call may be retried
)

// Outcomes passed to RateLimitConfig.OnThrottle.
const (
	ThrottleRefused       = "refused"        // a call was refused before its handler ran
	ThrottleStreamWait    = "stream_wait"    // a server stream paused before sending a message
	ThrottleStreamRefused = "stream_refused" // a server stream ran out of budget and was ended
)

// RateLimitConfig configures NewRateLimiter.
type RateLimitConfig struct {
	// Rate is the sustained calls per second each principal may make; <= 0 disables limiting.
	Rate float64
	// Burst is the bucket size: calls a rested principal may make at once. 0 means
	// max(1, ceil(Rate)).
	Burst int
	// SkipAnonymous lets calls without a Principal through unmetered. By default they share one
	// bucket per peer IP (which is the proxy's address when the facade sits behind one).
	SkipAnonymous bool
	// IdleTTL is how long a bucket outlives its principal's last call; 0 means 10 minutes. It is
	// raised to the bucket's refill time, so forgetting a bucket never grants extra budget.
	IdleTTL time.Duration
	// FailStreams ends a server stream with ResourceExhausted when its budget runs out. By default
	// the stream pauses until a token is due: an export is paced rather than lost half-way. Either
	// way a stream fails with ResourceExhausted when the pause would outlast its deadline.
	FailStreams bool
	// OnThrottle, if set, is told about every refusal and stream pause (see the Throttle*
	// outcomes), with the delay involved. It must be quick and safe for concurrent use; it fits
	// telemetry.Telemetry.RecordInboundThrottle.
	OnThrottle func(ctx context.Context, outcome string, delay time.Duration)
	// Shared, if set, decides admission and stream charges instead of this process's buckets:
	// redisstore.CallerLimits, one budget per caller across replicas. Rate and Burst still
	// enable limiting and fill the RateLimit-Limit header.
	Shared CallerLimiter
}

// RateLimiter is the inbound, per-principal token bucket. It only protects the facade from one
// caller starving the others; the shared outbound budget (Maton and Attio limits) and the
// fairness between interactive and bulk traffic are the attio client's. Both compose: an inbound
// token admits a call, which then waits for outbound tokens inside the client.
type RateLimiter struct {
	cfg   RateLimitConfig
	limit rate.Limit
	burst int
	ttl   time.Duration

	mu        sync.Mutex
	buckets   map[string]*bucket
	lastSweep time.Time
}

type bucket struct {
	lim  *rate.Limiter
	last atomic.Int64 // unix nanoseconds of the last use
}

// NewRateLimiter returns a limiter for cfg. It starts no goroutine: idle buckets are swept on
// the calls that follow.
func NewRateLimiter(cfg RateLimitConfig) *RateLimiter {
	l := &RateLimiter{cfg: cfg, limit: rate.Limit(cfg.Rate), burst: cfg.Burst, ttl: cfg.IdleTTL,
		buckets: map[string]*bucket{}, lastSweep: time.Now()}
	if l.burst <= 0 {
		l.burst = max(1, int(math.Ceil(cfg.Rate)))
	}
	if l.ttl <= 0 {
		l.ttl = 10 * time.Minute
	}
	if cfg.Rate > 0 {
		l.ttl = max(l.ttl, time.Duration(float64(l.burst)/cfg.Rate*float64(time.Second)))
	}
	return l
}

// Interceptor returns the Connect interceptor. Place it after authentication (it reads the
// Principal) and before validation and approvals, so refused calls cost nothing else.
//
// Every call takes one token before its handler runs. A server or bidi stream's first message
// is covered by that token and each further message it sends takes one more, so a stream pays
// per upstream page it pulls rather than once. The RateLimit-* headers are set on admission;
// a refusal also carries Retry-After and a google.rpc.RetryInfo detail.
func (l *RateLimiter) Interceptor() connect.ServerInterceptor {
	return func(next connect.ServerFunc) connect.ServerFunc {
		if l.cfg.Rate <= 0 {
			return next
		}
		return func(ctx context.Context, spec connect.Spec, stream connect.ServerStream) error {
			info, _ := connect.CallInfoForServerContext(ctx)
			key, ok := l.key(ctx, info)
			if !ok {
				return next(ctx, spec, stream)
			}
			if l.cfg.Shared != nil {
				if err := l.admitShared(ctx, info, key); err != nil {
					return err
				}
				if spec.StreamType == connect.StreamTypeServer || spec.StreamType == connect.StreamTypeBidi {
					stream = &meteredStream{ServerStream: stream, ctx: ctx, l: l, key: key}
				}
				return next(ctx, spec, stream)
			}
			now := time.Now()
			b := l.bucket(key, now)
			// AllowN takes the token without a Reservation (an allocation per admitted call);
			// only a refusal asks how long the caller would have waited.
			if !b.lim.AllowN(now, 1) {
				r := b.lim.ReserveN(now, 1)
				d := r.DelayFrom(now)
				r.CancelAt(now)
				l.setHeaders(info, b.lim, now, d)
				l.throttled(ctx, ThrottleRefused, d)
				return refusal(d)
			}
			l.setHeaders(info, b.lim, now, 0)
			if spec.StreamType == connect.StreamTypeServer || spec.StreamType == connect.StreamTypeBidi {
				stream = &meteredStream{ServerStream: stream, ctx: ctx, l: l, b: b}
			}
			return next(ctx, spec, stream)
		}
	}
}

// key names the bucket of the call: the principal, else its peer's IP.
func (l *RateLimiter) key(ctx context.Context, info *connect.CallInfo) (string, bool) {
	if p := PrincipalFrom(ctx); p != nil {
		return "principal:" + p.ID(), true
	}
	if l.cfg.SkipAnonymous || info == nil || info.PeerAddr == "" {
		return "", false
	}
	host, _, err := net.SplitHostPort(info.PeerAddr)
	if err != nil {
		host = info.PeerAddr
	}
	return "peer:" + host, true
}

func (l *RateLimiter) bucket(key string, now time.Time) *bucket {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.lastSweep) >= l.ttl {
		cutoff := now.Add(-l.ttl).UnixNano()
		for k, b := range l.buckets {
			if b.last.Load() <= cutoff {
				delete(l.buckets, k)
			}
		}
		l.lastSweep = now
	}
	b := l.buckets[key]
	if b == nil {
		b = &bucket{lim: rate.NewLimiter(l.limit, l.burst)}
		l.buckets[key] = b
	}
	b.last.Store(now.UnixNano())
	return b
}

// setHeaders tells the caller its budget; refused (> 0) is the delay of a refused call.
func (l *RateLimiter) setHeaders(info *connect.CallInfo, lim *rate.Limiter, now time.Time, refused time.Duration) {
	if info == nil {
		return
	}
	tokens := lim.TokensAt(now)
	h := info.ResponseHeader()
	h.Set(HeaderRateLimitLimit, strconv.Itoa(l.burst))
	h.Set(HeaderRateLimitRemaining, strconv.Itoa(max(0, int(math.Floor(tokens)))))
	full := time.Duration((float64(l.burst) - tokens) / l.cfg.Rate * float64(time.Second))
	h.Set(HeaderRateLimitReset, strconv.FormatInt(ceilSeconds(full), 10))
	if refused > 0 {
		h.Set(HeaderRetryAfter, strconv.FormatInt(max(1, ceilSeconds(refused)), 10))
	}
}

func (l *RateLimiter) throttled(ctx context.Context, outcome string, d time.Duration) {
	if l.cfg.OnThrottle != nil {
		l.cfg.OnThrottle(ctx, outcome, d)
	}
}

// charge takes the token of one more stream message, pausing for it unless configured not to.
func (l *RateLimiter) charge(ctx context.Context, b *bucket) error {
	now := time.Now()
	b.last.Store(now.UnixNano()) // a long stream keeps its bucket from being swept
	r := b.lim.ReserveN(now, 1)
	d := r.DelayFrom(now)
	if d == 0 {
		return nil
	}
	if dl, ok := ctx.Deadline(); l.cfg.FailStreams || ok && now.Add(d).After(dl) {
		r.CancelAt(now)
		l.throttled(ctx, ThrottleStreamRefused, d)
		return refusal(d)
	}
	l.throttled(ctx, ThrottleStreamWait, d)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		r.Cancel()
		return ctx.Err()
	}
}

// refusal is the ResourceExhausted error for a delay d; its RetryInfo lets gRPC clients back off
// precisely, where Retry-After only has whole seconds.
func refusal(d time.Duration) error {
	err := connect.NewError(connect.CodeResourceExhausted,
		"rate limit exceeded: retry in "+d.Round(time.Millisecond).String())
	if detail, derr := connectproto.NewErrorDetail(&errdetails.RetryInfo{RetryDelay: durationpb.New(d)}); derr == nil {
		err = err.WithDetail(detail)
	}
	return err
}

func ceilSeconds(d time.Duration) int64 {
	if d <= 0 {
		return 0
	}
	return int64(math.Ceil(d.Seconds()))
}

// meteredStream charges the sender's bucket for every message after the first, heartbeats
// (progress reports) excepted.
type meteredStream struct {
	connect.ServerStream
	ctx  context.Context //nolint:containedctx // the stream's call context, for pauses
	l    *RateLimiter
	b    *bucket
	key  string // with RateLimitConfig.Shared (b is nil then)
	sent int
}

func (s *meteredStream) Send(msg any) error {
	if isHeartbeat(msg) {
		return s.ServerStream.Send(msg)
	}
	s.sent++
	if s.sent > 1 && s.b == nil {
		if err := s.l.chargeShared(s.ctx, s.key); err != nil {
			return err
		}
	} else if s.sent > 1 {
		if err := s.l.charge(s.ctx, s.b); err != nil {
			return err
		}
	}
	return s.ServerStream.Send(msg)
}
