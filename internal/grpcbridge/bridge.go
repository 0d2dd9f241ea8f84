// Package grpcbridge serves gRPC through grpc-go's own HTTP/2 transport and hands every call to an
// http.Handler that speaks the gRPC protocol (connect-go handlers do), so that one set of
// handlers, interceptors included, answers on both transports.
//
// Why a second transport: net/http's HTTP/2 server makes a unary handler wait for each of its
// three frames (headers, message, trailers) in turn, and writes each with its own syscall
// (http2writeResHeaders.staysWithinBuffer is always false in Go 1.26). grpc-go's transport queues
// the three and writes them together: 0.21 against 0.14 ms per call on loopback for grpc-go's
// client (BenchmarkTransports; docs/benchmarks.md, "gRPC on grpc-go's transport"). The bridge
// itself is a copy of each message and no goroutine.
package grpcbridge

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime"
	"runtime/debug"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	_ "google.golang.org/grpc/encoding/gzip" // callers that compress their requests get compressed answers
	"google.golang.org/grpc/keepalive"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"
)

// Config bounds what one connection and one call may hold. Zero fields take the defaults below,
// chosen to match what the facade's net/http listener allows.
type Config struct {
	// MaxRecvMsgBytes caps one request message (grpc-go rejects a larger one with
	// ResourceExhausted before it is read into memory). Default DefaultMaxRecvMsgBytes.
	MaxRecvMsgBytes int
	// MaxConcurrentStreams caps the calls in flight on one connection. Default
	// DefaultMaxConcurrentStreams, net/http's HTTP/2 default.
	MaxConcurrentStreams uint32
	// MaxHeaderListBytes caps one call's request metadata. Default DefaultMaxHeaderListBytes.
	MaxHeaderListBytes uint32
	// IdleTimeout closes a connection with no call for this long. Default DefaultIdleTimeout.
	IdleTimeout time.Duration
	// HandshakeTimeout bounds the HTTP/2 preface and settings exchange of a new connection.
	// Default DefaultHandshakeTimeout.
	HandshakeTimeout time.Duration
	// Logger receives handler panics. Default slog.Default().
	Logger *slog.Logger
	// StreamWindowBytes and ConnWindowBytes are the HTTP/2 flow-control windows for what callers
	// send: the request bytes one call, and one connection, may have in flight unread. Defaults
	// DefaultStreamWindowBytes and DefaultConnWindowBytes, net/http's (http.HTTP2Config's
	// MaxReceiveBufferPerStream and MaxReceiveBufferPerConnection); at least HTTP/2's initial
	// 64 KiB (grpc-go keeps that for less). Fixed windows also turn off grpc-go's bandwidth-delay
	// probing, which costs every call a PING and its ACK, a write and a read on each side; the
	// facade's requests are small, and its answers ride the caller's window, not these.
	StreamWindowBytes, ConnWindowBytes int32
	// StreamWorkers is how many goroutines are kept to run calls (grpc-go's NumStreamWorkers);
	// a call that finds them all busy gets a goroutine of its own, as it would with none. Kept
	// goroutines keep the stacks the handler grew. Default runtime.GOMAXPROCS(0); negative: none.
	StreamWorkers int
	// CompressMinBytes: answers whose first message is smaller go uncompressed even when the
	// caller accepts an encoding, as the main listener's --compress-min-bytes (0: compress all
	// the caller accepts).
	CompressMinBytes int
}

// The defaults of Config.
const (
	DefaultMaxRecvMsgBytes      = 4 << 20
	DefaultMaxConcurrentStreams = 250
	DefaultMaxHeaderListBytes   = 1 << 20
	DefaultIdleTimeout          = 2 * time.Minute
	DefaultHandshakeTimeout     = 10 * time.Second
	DefaultStreamWindowBytes    = 1 << 20
	DefaultConnWindowBytes      = 1 << 20
)

func (c Config) withDefaults() Config {
	if c.MaxRecvMsgBytes <= 0 {
		c.MaxRecvMsgBytes = DefaultMaxRecvMsgBytes
	}
	if c.MaxConcurrentStreams == 0 {
		c.MaxConcurrentStreams = DefaultMaxConcurrentStreams
	}
	if c.MaxHeaderListBytes == 0 {
		c.MaxHeaderListBytes = DefaultMaxHeaderListBytes
	}
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = DefaultIdleTimeout
	}
	if c.HandshakeTimeout <= 0 {
		c.HandshakeTimeout = DefaultHandshakeTimeout
	}
	if c.StreamWindowBytes <= 0 {
		c.StreamWindowBytes = DefaultStreamWindowBytes
	}
	if c.ConnWindowBytes <= 0 {
		c.ConnWindowBytes = DefaultConnWindowBytes
	}
	if c.StreamWorkers == 0 {
		c.StreamWorkers = runtime.GOMAXPROCS(0)
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// New returns a grpc-go server (plaintext HTTP/2) that passes every call to h. Serve it on a
// listener; stop it with GracefulStop (or Stop once a drain deadline has passed).
func New(h http.Handler, cfg Config) *grpc.Server {
	cfg = cfg.withDefaults()
	b := &bridge{h: h, log: cfg.Logger, minCompress: cfg.CompressMinBytes}
	opts := []grpc.ServerOption{
		grpc.ForceServerCodecV2(rawCodec{}),
		grpc.UnknownServiceHandler(b.serve),
		grpc.MaxRecvMsgSize(cfg.MaxRecvMsgBytes),
		grpc.MaxConcurrentStreams(cfg.MaxConcurrentStreams),
		grpc.MaxHeaderListSize(cfg.MaxHeaderListBytes),
		grpc.ConnectionTimeout(cfg.HandshakeTimeout),
		grpc.KeepaliveParams(keepalive.ServerParameters{MaxConnectionIdle: cfg.IdleTimeout}),
		grpc.InitialWindowSize(cfg.StreamWindowBytes),
		grpc.InitialConnWindowSize(cfg.ConnWindowBytes),
	}
	if cfg.StreamWorkers > 0 {
		opts = append(opts, grpc.NumStreamWorkers(uint32(cfg.StreamWorkers)))
	}
	return grpc.NewServer(opts...)
}

type bridge struct {
	h           http.Handler
	log         *slog.Logger
	minCompress int
}

// serve runs one call: its request as an HTTP/2 gRPC request to h, h's answer back as messages,
// headers, trailers and the status.
func (b *bridge) serve(_ any, ss grpc.ServerStream) (err error) {
	ctx := ss.Context()
	method, ok := grpc.MethodFromServerStream(ss)
	if !ok {
		return status.Error(codes.Internal, "grpcbridge: no method on the stream")
	}
	md, _ := metadata.FromIncomingContext(ctx)
	body := &requestBody{ss: ss}
	r := &http.Request{
		Method:     http.MethodPost,
		URL:        &url.URL{Path: method},
		RequestURI: method,
		Proto:      "HTTP/2.0", ProtoMajor: 2,
		Header:        requestHeader(md),
		Body:          body,
		ContentLength: -1,
		Host:          first(md, ":authority"),
	}
	if p, ok := peer.FromContext(ctx); ok && p.Addr != nil {
		r.RemoteAddr = p.Addr.String()
	}
	w := newResponseWriter(ctx, ss, b.minCompress)
	defer func() {
		if v := recover(); v != nil {
			err = b.recovered(v, method)
		}
		w.stopDeadline()
	}()
	b.h.ServeHTTP(w, r.WithContext(ctx))
	if err = w.finish(); err != nil && body.failed != nil {
		// The handler saw a read error and made its own status of it; grpc-go's (such as
		// ResourceExhausted for a message over MaxRecvMsgBytes) says what happened.
		return body.failed
	}
	return err
}

// recovered does what net/http does with a handler's panic: log it (unless it is
// http.ErrAbortHandler) and end the call, here with Internal and no detail. The log has the
// panic's type and stack, not its value, which could hold a secret the handler had in hand.
func (b *bridge) recovered(v any, method string) error {
	if e, ok := v.(error); ok && errors.Is(e, http.ErrAbortHandler) {
		return status.Error(codes.Canceled, "the handler aborted the call")
	}
	b.log.Error("grpcbridge: panic serving a call", "method", method, "panic_type", fmt.Sprintf("%T", v), "stack", string(debug.Stack()))
	return status.Error(codes.Internal, "internal error")
}

func first(md metadata.MD, key string) string {
	if v := md.Get(key); len(v) > 0 {
		return v[0]
	}
	return ""
}
