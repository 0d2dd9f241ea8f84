package redisstore

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"
)

// ErrUnavailable wraps every error of a Redis round trip: the shared state cannot be read or
// changed now. Writes and approvals fail closed on it.
var ErrUnavailable = errors.New("shared state (Redis) unavailable")

// DefaultPrefix starts every key. The braces are a hash tag: all keys land on one slot.
const DefaultPrefix = "{attio-facade}:"

// DefaultTimeout bounds one Redis round trip: a slow Redis must turn into a clear Unavailable,
// not a hung caller.
const DefaultTimeout = 2 * time.Second

// Options configures Open.
type Options struct {
	// Prefix of every key; default DefaultPrefix. Facades sharing state use the same prefix.
	Prefix string
	// Timeout of one round trip (dial, read, write); default DefaultTimeout.
	Timeout time.Duration
	// Meter and Tracer receive the round-trip metrics and the spans of store calls; default no-op.
	Meter  metric.Meter
	Tracer trace.Tracer
	// Now is the clock of approval expiry (the facade's own); default time.Now.
	Now func() time.Time
}

// Store is a connection to Redis shared by the implementations in this package.
type Store struct {
	rdb    *redis.Client
	prefix string
	now    func() time.Time
	tracer trace.Tracer
	inst   instruments
	// down is set by a failed round trip and cleared by a successful one: the health report.
	down    atomic.Bool
	lastErr atomic.Pointer[string]
}

// Open connects to the Redis at url (redis://[user:password@]host:port/db, or rediss:// for TLS)
// and checks it answers. The facade refuses to start when it does not: a replica that starts
// without the shared state would break the promises the state exists for.
func Open(ctx context.Context, url string, o Options) (*Store, error) {
	s, err := New(url, o)
	if err != nil {
		return nil, err
	}
	if err := s.Ping(ctx); err != nil {
		_ = s.Close()
		return nil, err
	}
	return s, nil
}

// New is Open without the first ping.
func New(url string, o Options) (*Store, error) {
	opt, err := redis.ParseURL(url)
	if err != nil {
		// The URL may carry a password: never echo it.
		return nil, errors.New("redis URL: not a redis:// or rediss:// URL")
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	opt.DialTimeout, opt.ReadTimeout, opt.WriteTimeout = o.Timeout, o.Timeout, o.Timeout
	// One attempt per call: callers decide (fail closed, or fall back to the local budget).
	opt.MaxRetries = -1
	if o.Prefix == "" {
		o.Prefix = DefaultPrefix
	}
	if o.Meter == nil {
		o.Meter = metricnoop.NewMeterProvider().Meter("")
	}
	if o.Tracer == nil {
		o.Tracer = tracenoop.NewTracerProvider().Tracer("")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	s := &Store{rdb: redis.NewClient(opt), prefix: o.Prefix, now: o.Now, tracer: o.Tracer}
	if s.inst, err = newInstruments(o.Meter); err != nil {
		_ = s.rdb.Close()
		return nil, err
	}
	s.rdb.AddHook(roundTripHook{s})
	return s, nil
}

// Close closes the connections.
func (s *Store) Close() error { return s.rdb.Close() }

// Ping checks Redis answers.
func (s *Store) Ping(ctx context.Context) error {
	return s.wrap(s.rdb.Ping(ctx).Err())
}

// Degraded reports why the shared state is unusable now ("" when the last round trip worked).
func (s *Store) Degraded() string {
	if !s.down.Load() {
		return ""
	}
	if p := s.lastErr.Load(); p != nil {
		return "redis unreachable: " + *p
	}
	return "redis unreachable"
}

func (s *Store) key(parts ...string) string {
	k := s.prefix
	for i, p := range parts {
		if i > 0 {
			k += ":"
		}
		k += p
	}
	return k
}

// wrap marks Redis errors as ErrUnavailable (redis.Nil is not an error of Redis).
func (s *Store) wrap(err error) error {
	if err == nil || errors.Is(err, redis.Nil) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrUnavailable, err)
}

// span starts the span of one store call.
func (s *Store) span(ctx context.Context, name string, attrs ...attribute.KeyValue) (context.Context, trace.Span) {
	return s.tracer.Start(ctx, "redisstore."+name, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(append(attrs, attribute.String("db.system.name", "redis"))...))
}

// end closes a span with err.
func end(sp trace.Span, err error) {
	if err != nil {
		sp.RecordError(err)
		sp.SetStatus(codes.Error, err.Error())
	}
	sp.End()
}
