package interceptors_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connecthttp"
	"connectrpc.com/connect/v2/connectproto"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/attio-facade/attio-facade/interceptors"
)

var (
	rlUnarySpec  = connect.Spec{StreamType: connect.StreamTypeUnary, Procedure: "/test.v1.RateService/Ping"}
	rlStreamSpec = connect.Spec{StreamType: connect.StreamTypeServer, Procedure: "/test.v1.RateService/Pages"}
)

// rlPrincipalFromHeader stands in for the authentication interceptor: "name" is an API key,
// "jwt:name" a JWT with that name.
func rlPrincipalFromHeader(next connect.ServerFunc) connect.ServerFunc {
	return func(ctx context.Context, spec connect.Spec, stream connect.ServerStream) error {
		info, _ := connect.CallInfoForServerContext(ctx)
		if name := info.RequestHeader().Get("X-Test-Principal"); name != "" {
			p := &interceptors.Principal{Kind: interceptors.KindAPIKey, Name: name}
			if sub, ok := strings.CutPrefix(name, "jwt:"); ok {
				p = &interceptors.Principal{Kind: interceptors.KindJWT, Issuer: "https://idp.test/", Name: sub}
			}
			ctx = interceptors.WithPrincipal(ctx, p)
		}
		return next(ctx, spec, stream)
	}
}

// rlServer serves Ping (echo) and Pages (as many messages as the request's number) behind the
// rate limiter, on loopback.
func rlServer(t *testing.T, cfg interceptors.RateLimitConfig) *connect.Client {
	t.Helper()
	srv := connect.NewServer(rlPrincipalFromHeader, interceptors.NewRateLimiter(cfg).Interceptor())
	srv.Register(
		connect.Method{Spec: rlUnarySpec, Handler: func(_ context.Context, _ connect.Spec, s connect.ServerStream) error {
			var req wrapperspb.StringValue
			if err := s.Receive(&req); err != nil {
				return err
			}
			return s.Send(&req)
		}},
		connect.Method{Spec: rlStreamSpec, Handler: func(_ context.Context, _ connect.Spec, s connect.ServerStream) error {
			var req wrapperspb.Int32Value
			if err := s.Receive(&req); err != nil {
				return err
			}
			for i := range req.Value {
				if err := s.Send(wrapperspb.Int32(i)); err != nil {
					return err
				}
			}
			return nil
		}},
	)
	mux := http.NewServeMux()
	connecthttp.Mount(mux, srv)
	hs := httptest.NewServer(mux)
	t.Cleanup(hs.Close)
	return connect.NewClient(connecthttp.NewTransport(hs.Client(), hs.URL))
}

type rlResult struct {
	err                     error
	limit, remaining, reset string
	retryAfter              string
}

func rlPing(t *testing.T, c *connect.Client, principal string) rlResult {
	t.Helper()
	ctx, info := connect.NewClientContext(t.Context())
	if principal != "" {
		info.RequestHeader().Set("X-Test-Principal", principal)
	}
	var res wrapperspb.StringValue
	err := c.CallUnary(ctx, rlUnarySpec, wrapperspb.String("hi"), &res)
	h := info.ResponseHeader()
	return rlResult{err: err, limit: h.Get("RateLimit-Limit"), remaining: h.Get("RateLimit-Remaining"),
		reset: h.Get("RateLimit-Reset"), retryAfter: h.Get("Retry-After")}
}

// rlPages reads a Pages stream to its end and returns the messages received and its error.
func rlPages(ctx context.Context, c *connect.Client, principal string, n int32) (int, error) {
	ctx, info := connect.NewClientContext(ctx)
	info.RequestHeader().Set("X-Test-Principal", principal)
	s, err := c.CallServerStream(ctx, rlStreamSpec, wrapperspb.Int32(n))
	if err != nil {
		return 0, err
	}
	defer s.Close()
	got := 0
	for {
		var msg wrapperspb.Int32Value
		err := s.Receive(&msg)
		if errors.Is(err, io.EOF) {
			return got, nil
		}
		if err != nil {
			return got, err
		}
		got++
	}
}

func retryDelay(t *testing.T, err error) time.Duration {
	t.Helper()
	var ce *connect.Error
	if !errors.As(err, &ce) {
		t.Fatalf("error %v is not a *connect.Error", err)
	}
	for _, d := range ce.Details() {
		msg, uerr := connectproto.UnmarshalErrorDetail(d)
		if uerr != nil {
			continue
		}
		if ri, ok := msg.(*errdetails.RetryInfo); ok {
			return ri.GetRetryDelay().AsDuration()
		}
	}
	t.Fatalf("error %v has no RetryInfo detail", err)
	return 0
}

func TestRateLimitPerPrincipal(t *testing.T) {
	t.Parallel()
	// A token every 1000 s: no refill can happen during the test, whatever the machine's speed.
	const slow = 0.001
	tests := []struct {
		name          string
		cfg           interceptors.RateLimitConfig
		first, second string // callers: the first spends its burst, the second must be unaffected
		wantLimited   bool
	}{
		{name: "principals have their own buckets", cfg: interceptors.RateLimitConfig{Rate: slow, Burst: 3},
			first: "alice", second: "bob", wantLimited: true},
		{name: "same name, other kind: own bucket", cfg: interceptors.RateLimitConfig{Rate: slow, Burst: 3},
			first: "writer", second: "jwt:writer", wantLimited: true},
		{name: "anonymous callers share their peer's bucket", cfg: interceptors.RateLimitConfig{Rate: slow, Burst: 3},
			first: "", second: "bob", wantLimited: true},
		{name: "anonymous callers can be skipped", cfg: interceptors.RateLimitConfig{Rate: slow, Burst: 3, SkipAnonymous: true},
			first: "", second: "bob", wantLimited: false},
		{name: "zero rate disables limiting", cfg: interceptors.RateLimitConfig{},
			first: "alice", second: "bob", wantLimited: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := rlServer(t, tt.cfg)
			for i := range 3 {
				r := rlPing(t, c, tt.first)
				if r.err != nil {
					t.Fatalf("call %d: %v", i+1, r.err)
				}
				want := ""
				if tt.wantLimited {
					want = strconv.Itoa(2 - i)
				}
				if r.remaining != want {
					t.Errorf("call %d: RateLimit-Remaining = %q, want %q", i+1, r.remaining, want)
				}
				if tt.wantLimited && (r.limit != "3" || r.reset == "" || r.reset == "0") {
					t.Errorf("call %d: RateLimit-Limit = %q, RateLimit-Reset = %q; want 3 and > 0", i+1, r.limit, r.reset)
				}
			}
			r := rlPing(t, c, tt.first)
			if !tt.wantLimited {
				if r.err != nil {
					t.Fatalf("4th call: %v, want no limit", r.err)
				}
			} else {
				if got := connect.CodeOf(r.err); got != connect.CodeResourceExhausted {
					t.Fatalf("4th call: code %v (%v), want resource_exhausted", got, r.err)
				}
				if d := retryDelay(t, r.err); d <= 0 {
					t.Errorf("RetryInfo delay = %v, want > 0", d)
				}
				if r.retryAfter == "" || r.remaining != "0" {
					t.Errorf("refusal: Retry-After = %q, RateLimit-Remaining = %q; want set and 0", r.retryAfter, r.remaining)
				}
			}
			other := rlPing(t, c, tt.second)
			if other.err != nil {
				t.Fatalf("%s after %q: %v", tt.second, tt.first, other.err)
			}
			if want := map[bool]string{true: "2"}[tt.cfg.Rate > 0]; other.remaining != want {
				t.Errorf("%s: RateLimit-Remaining = %q, want %q (a fresh bucket)", tt.second, other.remaining, want)
			}
		})
	}
}

func TestRateLimitStreams(t *testing.T) {
	t.Parallel()
	type event struct {
		outcome string
		delay   time.Duration
	}
	tests := []struct {
		name        string
		rate        float64
		burst       int
		failStreams bool
		timeout     time.Duration
		pages       int32
		wantGot     int
		wantCode    connect.Code // 0: success
		wantEvent   string
		// afterRemaining is the RateLimit-Remaining a unary call sees after the stream ("" skips).
		afterRemaining string
	}{
		{name: "each page after the first costs a token", rate: 0.001, burst: 5, pages: 3, wantGot: 3,
			afterRemaining: "1"},
		{name: "a stream without pages costs its call", rate: 0.001, burst: 5, pages: 0, wantGot: 0,
			afterRemaining: "3"},
		// A token a second: the second page always finds the bucket empty (at 200/s a busy machine
		// sent pages slowly enough for the bucket to refill, and nothing waited).
		{name: "a stream pauses when its budget is spent", rate: 1, burst: 1, pages: 3, wantGot: 3,
			wantEvent: interceptors.ThrottleStreamWait},
		{name: "a pause past the deadline fails", rate: 0.001, burst: 2, timeout: time.Minute, pages: 5, wantGot: 2,
			wantCode: connect.CodeResourceExhausted, wantEvent: interceptors.ThrottleStreamRefused},
		{name: "FailStreams fails instead of pausing", rate: 0.001, burst: 2, failStreams: true, pages: 5, wantGot: 2,
			wantCode: connect.CodeResourceExhausted, wantEvent: interceptors.ThrottleStreamRefused},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			var events []event
			c := rlServer(t, interceptors.RateLimitConfig{Rate: tt.rate, Burst: tt.burst, FailStreams: tt.failStreams,
				OnThrottle: func(_ context.Context, outcome string, d time.Duration) {
					mu.Lock()
					defer mu.Unlock()
					events = append(events, event{outcome, d})
				}})
			ctx := t.Context()
			if tt.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.timeout)
				defer cancel()
			}
			got, err := rlPages(ctx, c, "exporter", tt.pages)
			if got != tt.wantGot {
				t.Errorf("received %d pages, want %d", got, tt.wantGot)
			}
			if tt.wantCode == 0 && err != nil {
				t.Fatalf("stream: %v", err)
			}
			if tt.wantCode != 0 {
				if code := connect.CodeOf(err); code != tt.wantCode {
					t.Fatalf("stream: code %v (%v), want %v", code, err, tt.wantCode)
				}
				if d := retryDelay(t, err); d <= 0 {
					t.Errorf("RetryInfo delay = %v, want > 0", d)
				}
			}
			mu.Lock()
			seen := fmt.Sprint(events)
			found := tt.wantEvent == ""
			for _, e := range events {
				found = found || e.outcome == tt.wantEvent && e.delay > 0
			}
			mu.Unlock()
			if !found {
				t.Errorf("OnThrottle events %s, want one %q with a delay", seen, tt.wantEvent)
			}
			if tt.afterRemaining != "" {
				if r := rlPing(t, c, "exporter"); r.err != nil || r.remaining != tt.afterRemaining {
					t.Errorf("unary after stream: remaining %q (%v), want %q", r.remaining, r.err, tt.afterRemaining)
				}
			}
		})
	}
}

// A cancelled caller stops a paused stream at once instead of holding the handler (the server's
// Close in the cleanup waits for the handler, so a stuck pause would hang the test).
func TestRateLimitStreamPauseRespectsCancel(t *testing.T) {
	t.Parallel()
	paused := make(chan struct{})
	c := rlServer(t, interceptors.RateLimitConfig{Rate: 0.001, Burst: 1,
		OnThrottle: func(context.Context, string, time.Duration) { close(paused) }})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	ctx, info := connect.NewClientContext(ctx)
	info.RequestHeader().Set("X-Test-Principal", "exporter")
	s, err := c.CallServerStream(ctx, rlStreamSpec, wrapperspb.Int32(3))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var msg wrapperspb.Int32Value
	if err := s.Receive(&msg); err != nil {
		t.Fatalf("first page: %v", err)
	}
	<-paused
	cancel()
	if err := s.Receive(&msg); connect.CodeOf(err) != connect.CodeCanceled {
		t.Errorf("after cancel: %v, want canceled", err)
	}
}

func ExampleRateLimiter_Interceptor() {
	limiter := interceptors.NewRateLimiter(interceptors.RateLimitConfig{Rate: 5, Burst: 10})
	// Authentication first (it sets the Principal), then the limiter, then the rest.
	srv := connect.NewServer(rlPrincipalFromHeader, limiter.Interceptor())
	srv.Register(connect.Method{Spec: rlUnarySpec, Handler: func(_ context.Context, _ connect.Spec, s connect.ServerStream) error {
		var req wrapperspb.StringValue
		if err := s.Receive(&req); err != nil {
			return err
		}
		return s.Send(&req)
	}})
	mux := http.NewServeMux()
	connecthttp.Mount(mux, srv)
	hs := httptest.NewServer(mux)
	defer hs.Close()

	client := connect.NewClient(connecthttp.NewTransport(hs.Client(), hs.URL))
	ctx, info := connect.NewClientContext(context.Background())
	info.RequestHeader().Set("X-Test-Principal", "alice")
	var res wrapperspb.StringValue
	if err := client.CallUnary(ctx, rlUnarySpec, wrapperspb.String("hi"), &res); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(info.ResponseHeader().Get("RateLimit-Limit"), info.ResponseHeader().Get("RateLimit-Remaining"))
	// Output: 10 9
}
