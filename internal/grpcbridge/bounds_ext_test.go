package grpcbridge_test

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/net/http2"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/attio-facade/attio-facade/internal/grpcbridge"
)

// Each of Config's bounds at its value, on the wire (what grpc-go's client would not send, as it
// honours the server's limits itself).

// Kept goroutines run calls, but never make one wait for another: with every worker held by a
// call that cannot end until a second call has, the second still runs. The same with none kept.
func TestBusyWorkersDoNotQueueCalls(t *testing.T) {
	t.Parallel()
	for _, workers := range []int{1, -1} {
		t.Run(fmt.Sprint(workers), func(t *testing.T) {
			t.Parallel()
			holding, release := make(chan struct{}), make(chan struct{})
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/a.B/Hold" {
					close(holding)
					<-release
				} else {
					close(release)
				}
				okAnswer(w)
			})
			cc := serve(t, h, grpcbridge.Config{StreamWorkers: workers})
			ctx := ctxFor(t) // only a queued call reaches its end
			held := make(chan error, 1)
			go func() { held <- cc.Invoke(ctx, "/a.B/Hold", &emptypb.Empty{}, new(emptypb.Empty)) }()
			<-holding
			if err := cc.Invoke(ctx, "/a.B/Free", &emptypb.Empty{}, new(emptypb.Empty)); err != nil {
				t.Fatalf("the second call: %v", err)
			}
			if err := <-held; err != nil {
				t.Fatalf("the held call: %v", err)
			}
		})
	}
}

// MaxConcurrentStreams: the server announces it, and a call over it while the others run is
// refused (REFUSED_STREAM, which a client may retry) without reaching the handler.
func TestCallsOverTheStreamBoundAreRefused(t *testing.T) {
	t.Parallel()
	var entered atomic.Int32
	in, release := make(chan struct{}, 2), make(chan struct{})
	c := serveRaw(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		entered.Add(1)
		in <- struct{}{}
		<-release
		okAnswer(w)
	}), grpcbridge.Config{MaxConcurrentStreams: 2})
	var announced uint32
	c.call(1, "/a.B/Hold")
	c.call(3, "/a.B/Hold")
	<-in
	<-in
	c.call(5, "/a.B/Hold")
	var refused http2.ErrCode
	c.readUntil(func(f http2.Frame) bool {
		if s, ok := f.(*http2.SettingsFrame); ok && !s.IsAck() {
			announced, _ = s.Value(http2.SettingMaxConcurrentStreams)
		}
		end, code := ended(f, 5)
		refused = code
		return end
	})
	if refused != http2.ErrCodeRefusedStream || announced != 2 {
		t.Fatalf("the third call ended with %v (announced limit %d), want REFUSED_STREAM and 2", refused, announced)
	}
	close(release)
	c.readUntil(func(f http2.Frame) bool { end, _ := ended(f, 3); return end })
	if n := entered.Load(); n != 2 {
		t.Fatalf("%d calls reached the handler, want 2", n)
	}
}

// MaxHeaderListBytes: a call whose metadata is under it reaches the handler with its metadata; one
// over it (in values each under it: a single longer value breaks HPACK's string bound and ends the
// connection) is reset without reaching it, and the connection serves the next call.
func TestMetadataOverTheBoundIsRefused(t *testing.T) {
	t.Parallel()
	var got atomic.Value
	c := serveRaw(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Store(r.Header.Get("X-Note"))
		okAnswer(w)
	}), grpcbridge.Config{MaxHeaderListBytes: 4096})
	note := strings.Repeat("n", 3000)
	small := [][2]string{{"x-note", note}}
	large := [][2]string{{"x-note", note}, {"x-more", strings.Repeat("m", 2000)}}
	for _, tc := range []struct {
		stream uint32
		md     [][2]string
		want   http2.ErrCode // 0: the call's trailers
	}{{1, small, 0}, {3, large, http2.ErrCodeFrameSize}, {5, small, 0}} {
		got.Store("")
		c.call(tc.stream, "/a.B/C", tc.md...)
		var code http2.ErrCode
		c.readUntil(func(f http2.Frame) bool { end, rst := ended(f, tc.stream); code = rst; return end })
		if code != tc.want {
			t.Fatalf("stream %d (%d headers): ended with %v, want %v", tc.stream, len(tc.md), code, tc.want)
		}
		if reached := got.Load() == note; reached != (tc.want == 0) {
			t.Fatalf("stream %d (%d headers): reached the handler: %v", tc.stream, len(tc.md), reached)
		}
	}
}

// IdleTimeout: a connection with no call for that long is told to go away.
func TestAnIdleConnectionIsSentAway(t *testing.T) {
	t.Parallel()
	c := serveRaw(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { okAnswer(w) }),
		grpcbridge.Config{IdleTimeout: 50 * time.Millisecond})
	c.call(1, "/a.B/C")
	c.readUntil(func(f http2.Frame) bool { end, _ := ended(f, 1); return end })
	c.readUntil(func(f http2.Frame) bool { _, ok := f.(*http2.GoAwayFrame); return ok })
}

// HandshakeTimeout: a connection that never sends HTTP/2's preface is closed.
func TestAConnectionWithoutAHandshakeIsClosed(t *testing.T) {
	t.Parallel()
	conn, err := net.Dial("tcp", startBridge(t, http.NotFoundHandler(), grpcbridge.Config{HandshakeTimeout: 50 * time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetReadDeadline(time.Now().Add(time.Minute)) // only a connection left open gets there
	if _, err := io.Copy(io.Discard, conn); err != nil && !errors.Is(err, net.ErrClosed) && !isReset(err) {
		t.Fatalf("the connection was not closed: %v", err)
	}
}

func isReset(err error) bool { return strings.Contains(err.Error(), "connection reset") }
