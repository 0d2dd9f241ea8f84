package server

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"connectrpc.com/connect/v2"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/attio-facade/attio-facade/interceptors"
)

// Defaults of StreamLimitsConfig.
const (
	DefaultStreamMemory      = 48 << 20
	DefaultCallerMaxStreams  = 8
	DefaultStreamSendTimeout = 60 * time.Second
	DefaultStreamFetches     = 32
)

// StreamLimitsConfig bounds what server streams (Stream* RPCs and exports) may hold. Zero fields
// take the defaults.
type StreamLimitsConfig struct {
	// Memory is the byte budget for page data held by all streams and exports together (pages
	// being fetched, waiting, or being sent). Default 48 MiB.
	Memory int64
	// CallerMaxStreams is how many streams and exports one caller may have open at once; beyond
	// it a new one is refused with ResourceExhausted and RetryInfo. Default 8.
	CallerMaxStreams int
	// SendTimeout ends a stream whose caller has not taken a message for this long with
	// Unavailable and its last resume token. Default 60s.
	SendTimeout time.Duration
	// CallerMemory is the part of Memory one caller's streams and exports may hold together, so
	// that one caller (say, with many stalled streams) always leaves the rest to others. Default
	// half of Memory; at most Memory.
	CallerMemory int64
	// Fetches is how many upstream page fetches (with their decoding and conversion) all streams
	// and exports run at once; freed slots go to the waiting caller holding the fewest. It keeps
	// the work of many streams from crowding out other callers' unary calls, which never wait for
	// it. Default 32 (the largest default export parallelism).
	Fetches int
	// ResetAfter is how long a stream that timed out waits, still in Send, for its caller to take
	// that last message before its transport stream is reset. Default SendTimeout.
	ResetAfter time.Duration
	// Slots counts each caller's open streams and exports against CallerMaxStreams. Default: in
	// this process; redisstore.StreamSlots counts across replicas.
	Slots StreamSlots
}

// StreamLimits enforces StreamLimitsConfig for every server stream of one facade. Create one per
// process and hand it to Options.Streams, so streams and exports share the memory budget.
type StreamLimits struct {
	cfg     StreamLimitsConfig
	mem     *memoryBudget
	fetches *fetchGate

	open atomic.Int64 // streams and exports open in this process

	refused      atomic.Int64
	sendTimeouts atomic.Int64
}

// NewStreamLimits returns limits for cfg, with defaults for its zero fields.
func NewStreamLimits(cfg StreamLimitsConfig) *StreamLimits {
	if cfg.Memory <= 0 {
		cfg.Memory = DefaultStreamMemory
	}
	if cfg.CallerMaxStreams <= 0 {
		cfg.CallerMaxStreams = DefaultCallerMaxStreams
	}
	if cfg.SendTimeout <= 0 {
		cfg.SendTimeout = DefaultStreamSendTimeout
	}
	if cfg.ResetAfter <= 0 {
		cfg.ResetAfter = cfg.SendTimeout
	}
	if cfg.CallerMemory <= 0 {
		cfg.CallerMemory = cfg.Memory / 2
	}
	cfg.CallerMemory = min(cfg.CallerMemory, cfg.Memory)
	if cfg.Fetches <= 0 {
		cfg.Fetches = DefaultStreamFetches
	}
	if cfg.Slots == nil {
		cfg.Slots = newMemorySlots()
	}
	return &StreamLimits{cfg: cfg, mem: newMemoryBudget(cfg.Memory, cfg.CallerMemory), fetches: newFetchGate(cfg.Fetches)}
}

// StreamStats is a snapshot of StreamLimits, for metrics and tests.
type StreamStats struct {
	MemoryLimit  int64 // the budget
	MemoryHeld   int64 // page bytes held now
	MemoryPeak   int64 // the most held at once
	CallerMemory int64 // one caller's share of the budget
	Fetches      int   // upstream page fetches in progress now
	FetchesPeak  int   // the most at once
	FetchWaiting int   // fetches waiting for a slot
	Streams      int   // streams and exports open now
	Refused      int64 // streams refused by the per-caller cap
	SendTimeouts int64 // streams ended because their caller took no message for SendTimeout
}

// Stats returns the current figures.
func (l *StreamLimits) Stats() StreamStats {
	f := l.fetches.stats()
	return StreamStats{
		MemoryLimit:  l.mem.total,
		MemoryHeld:   l.mem.held.Load(),
		MemoryPeak:   l.mem.peak.Load(),
		CallerMemory: l.mem.perCaller,
		Fetches:      f.busy,
		FetchesPeak:  f.peak,
		FetchWaiting: f.waiting,
		Streams:      int(l.open.Load()),
		Refused:      l.refused.Load(),
		SendTimeouts: l.sendTimeouts.Load(),
	}
}

// CallerMemoryHeld is what one caller's streams and exports hold of the memory budget now; caller
// is the principal's ID (see interceptors.Principal).
func (l *StreamLimits) CallerMemoryHeld(principal string) int64 {
	return l.mem.callerHeld("principal:" + principal)
}

type streamLimitsKey struct{}

// streamCallerKey carries the caller's key (see callerKey) to the budget and the fetch gate.
type streamCallerKey struct{}

// streamCaller is who the stream on ctx belongs to ("" outside the interceptor).
func streamCaller(ctx context.Context) string {
	c, _ := ctx.Value(streamCallerKey{}).(string)
	return c
}

// fallbackLimits serves streams that run without the interceptor (a handler mounted by hand).
var fallbackLimits = sync.OnceValue(func() *StreamLimits { return NewStreamLimits(StreamLimitsConfig{}) })

// streamLimitsFrom returns the limits the interceptor put on ctx.
func streamLimitsFrom(ctx context.Context) *StreamLimits {
	if l, ok := ctx.Value(streamLimitsKey{}).(*StreamLimits); ok {
		return l
	}
	return fallbackLimits()
}

// interceptor admits server streams within the caller's cap and hands the limits to the handler.
// It runs innermost, after authentication, rate limiting and validation, so a refused or invalid
// call never takes a slot.
func (l *StreamLimits) interceptor() connect.ServerInterceptor {
	return func(next connect.ServerFunc) connect.ServerFunc {
		return func(ctx context.Context, spec connect.Spec, stream connect.ServerStream) error {
			if spec.StreamType != connect.StreamTypeServer {
				return next(ctx, spec, stream)
			}
			info, _ := connect.CallInfoForServerContext(ctx)
			key := callerKey(ctx, info)
			release, ok := l.cfg.Slots.Acquire(ctx, key, l.cfg.CallerMaxStreams)
			if !ok {
				l.refused.Add(1)
				return l.tooMany(info)
			}
			l.open.Add(1)
			defer func() {
				l.open.Add(-1)
				release()
			}()
			ctx = context.WithValue(context.WithValue(ctx, streamLimitsKey{}, l), streamCallerKey{}, key)
			return next(ctx, spec, stream)
		}
	}
}

// callerKey names the caller the per-caller cap counts: its principal, else its peer's IP (an
// anonymous caller is only possible on open deployments and in tests).
func callerKey(ctx context.Context, info *connect.CallInfo) string {
	if p := interceptors.PrincipalFrom(ctx); p != nil {
		return "principal:" + p.ID()
	}
	if info == nil || info.PeerAddr == "" {
		return "anonymous"
	}
	host, _, err := net.SplitHostPort(info.PeerAddr)
	if err != nil {
		host = info.PeerAddr
	}
	return "peer:" + host
}

// capRetryDelay is the RetryInfo of a refused stream. When one of the caller's streams will end
// is unknown; a second lets a client back off without hammering.
const capRetryDelay = time.Second

func (l *StreamLimits) tooMany(info *connect.CallInfo) error {
	if info != nil {
		info.ResponseHeader().Set(interceptors.HeaderRetryAfter, strconv.Itoa(int(capRetryDelay/time.Second)))
	}
	err := connect.NewError(connect.CodeResourceExhausted, fmt.Sprintf(
		"too many concurrent streams for this caller (at most %d streams and exports at once); retry when one has ended",
		l.cfg.CallerMaxStreams))
	return withDetail(err, &errdetails.RetryInfo{RetryDelay: durationpb.New(capRetryDelay)})
}

type writeControlKey struct{}

// withWriteControl gives handlers the transport's write controls, so a stream stalled in Send can
// be aborted (see sendWatch).
func withWriteControl(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := context.WithValue(r.Context(), writeControlKey{}, http.NewResponseController(w))
		h.ServeHTTP(w, r.WithContext(ctx))
	})
}

func writeControlFrom(ctx context.Context) *http.ResponseController {
	rc, _ := ctx.Value(writeControlKey{}).(*http.ResponseController)
	return rc
}
