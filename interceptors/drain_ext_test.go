package interceptors_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connecthttp"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/attio-facade/attio-facade/interceptors"
)

// drainGoroutine matches a goroutine started from drain.go (function names may be inlined into the
// test's, file names are not).
var drainGoroutine = regexp.MustCompile(`created by [^\n]*\n\s*\S*/interceptors/drain\.go:`)

// Drain ends running server streams with Unavailable (resumable) and refuses new calls, and a
// running stream costs no goroutine of its own while it waits for the drain.
func TestDrainEndsStreamsUnavailable(t *testing.T) {
	t.Parallel()
	const streams = 3
	drain := interceptors.NewDrain()
	spec := connect.Spec{StreamType: connect.StreamTypeServer, Procedure: "/test.v1.Facade/Export"}
	waiting := make(chan struct{}, streams)
	srv := connect.NewServer(drain.Interceptor())
	srv.Register(connect.Method{Spec: spec, Handler: func(ctx context.Context, _ connect.Spec, s connect.ServerStream) error {
		if err := s.Receive(&wrapperspb.StringValue{}); err != nil {
			return err
		}
		if err := s.Send(wrapperspb.String("first")); err != nil {
			return err
		}
		waiting <- struct{}{}
		<-ctx.Done() // a long export, waiting on upstream
		return connect.NewError(connect.CodeCanceled, "upstream call canceled")
	}})
	mux := http.NewServeMux()
	connecthttp.Mount(mux, srv)
	hs := httptest.NewServer(mux)
	t.Cleanup(hs.Close)
	c := connect.NewClient(connecthttp.NewTransport(hs.Client(), hs.URL))

	var open []connect.ClientStream
	for range streams {
		s, err := c.CallServerStream(t.Context(), spec, wrapperspb.String("x"))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Receive(&wrapperspb.StringValue{}); err != nil {
			t.Fatal(err)
		}
		open = append(open, s)
	}
	for range streams {
		<-waiting
	}
	buf := make([]byte, 1<<20)
	stacks := string(buf[:runtime.Stack(buf, true)])
	if drainGoroutine.MatchString(stacks) {
		t.Errorf("running streams hold drain goroutines:\n%s", stacks)
	}

	drain.Start()
	drain.Start() // idempotent
	for i, s := range open {
		var err error
		for err == nil {
			err = s.Receive(&wrapperspb.StringValue{})
		}
		if connect.CodeOf(err) != connect.CodeUnavailable || !strings.Contains(err.Error(), "resume") {
			t.Fatalf("stream %d ended with %v, want Unavailable telling the caller to resume", i, err)
		}
	}
	s, err := c.CallServerStream(t.Context(), spec, wrapperspb.String("x"))
	for err == nil {
		err = s.Receive(&wrapperspb.StringValue{})
	}
	if connect.CodeOf(err) != connect.CodeUnavailable {
		t.Fatalf("new stream while draining: %v, want Unavailable", err)
	}
}
