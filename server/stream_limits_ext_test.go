package server_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"testing"
	"time"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connecthttp"
	"google.golang.org/genproto/googleapis/rpc/errdetails"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
	"github.com/attio-facade/attio-facade/interceptors"
	"github.com/attio-facade/attio-facade/sandbox"
	"github.com/attio-facade/attio-facade/server"
)

// limitsHarness is the facade with the sandbox's built-in callers and the given stream limits, over
// a sandbox holding deals generated records of the deals object.
func limitsHarness(t *testing.T, deals int, cfg server.StreamLimitsConfig) (*harness, *server.StreamLimits) {
	t.Helper()
	limits := server.NewStreamLimits(cfg)
	h := newHarness(t, harnessConfig{opts: func(o *server.Options) {
		auth, err := interceptors.NewAuthenticator(nil, interceptors.AuthenticatorOptions{Sandbox: true})
		if err != nil {
			t.Fatal(err)
		}
		o.Interceptors = interceptors.Chain(interceptors.ChainConfig{Auth: auth.Interceptor()})
		o.Streams = limits
	}})
	if err := h.sb.Sandbox.Generate(sandbox.DefaultConnectionID, "deals", deals, sandbox.GenerateOptions{Seed: 7}); err != nil {
		t.Fatal(err)
	}
	return h, limits
}

// slowRecords is a records client whose HTTP/2 stream receive windows (64 KiB) hold well under a
// few pages, so that a caller that stops reading stalls the facade's Send deterministically. The
// connection's window is large, so that one stalled stream does not stall the others.
func slowRecords(h *harness) attiov1connect.RecordServiceClient { return slowRecordsVia(h, false) }

// slowRecordsVia is slowRecords on the main listener or on the gRPC-only one.
func slowRecordsVia(h *harness, grpcPort bool) attiov1connect.RecordServiceClient {
	windows := &http.HTTP2Config{MaxReceiveBufferPerStream: 64 << 10, MaxReceiveBufferPerConnection: 64 << 20}
	if grpcPort {
		return attiov1connect.NewRecordServiceClient(connect.NewClient(
			connecthttp.NewTransport(h2cClient(windows), h.grpc, connecthttp.WithGRPC())))
	}
	tr := h.httpClient().Transport.(*http.Transport).Clone()
	tr.HTTP2 = windows
	return attiov1connect.NewRecordServiceClient(connect.NewClient(
		connecthttp.NewTransport(&http.Client{Transport: tr}, h.srv.URL, connecthttp.WithGRPC())))
}

// stalled opens a stream as key, takes its first message and then stops reading.
func stalled(t *testing.T, c attiov1connect.RecordServiceClient, key string, req *attiov1.StreamRecordsRequest) (attiov1connect.RecordServiceStreamRecordsClientStream, context.CancelFunc) {
	t.Helper()
	s, _, cancel := stalledAt(t, c, key, req)
	return s, cancel
}

// stalledAt is stalled, also returning the first message.
func stalledAt(t *testing.T, c attiov1connect.RecordServiceClient, key string, req *attiov1.StreamRecordsRequest) (attiov1connect.RecordServiceStreamRecordsClientStream, *attiov1.StreamRecordsResponse, context.CancelFunc) {
	t.Helper()
	ctx, cancel := context.WithCancel(caller(key))
	t.Cleanup(cancel)
	s, err := c.StreamRecords(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	first, err := s.Receive()
	if err != nil {
		t.Fatalf("first message of a stream as %s: %v", key, err)
	}
	return s, first, cancel
}

// The N+1th concurrent stream of one caller is refused with ResourceExhausted and RetryInfo;
// another caller is unaffected, and the caller gets its slot back when a stream ends.
func TestStreamCallerCap(t *testing.T) {
	t.Parallel()
	const capN = 2
	h, limits := limitsHarness(t, 1000, server.StreamLimitsConfig{CallerMaxStreams: capN, SendTimeout: time.Hour})
	c := slowRecords(h)
	req := &attiov1.StreamRecordsRequest{Object: "deals", PageSize: 50}
	var cancels []context.CancelFunc
	for range capN {
		_, cancel := stalled(t, c, "sandbox-reader", req)
		cancels = append(cancels, cancel)
	}
	_, _, err := streamAll(t, caller("sandbox-reader"), c, req, 1)
	if connect.CodeOf(err) != connect.CodeResourceExhausted {
		t.Fatalf("stream %d of one caller: %v, want ResourceExhausted", capN+1, err)
	}
	if ri := errorDetails[*errdetails.RetryInfo](t, err); len(ri) != 1 || ri[0].GetRetryDelay().AsDuration() <= 0 {
		t.Fatalf("RetryInfo = %v", ri)
	}
	for range capN {
		stalled(t, c, "sandbox-writer", req) // another caller has its own streams
	}
	if st := limits.Stats(); st.Refused != 1 || st.Streams != 2*capN {
		t.Fatalf("stats %+v: want 1 refused and %d open", st, 2*capN)
	}
	cancels[0]()
	waitUntil(t, "the cancelled stream to end", func() bool { return limits.Stats().Streams == 2*capN-1 })
	stalled(t, c, "sandbox-reader", req)
}

// With a budget of a few pages, a stalled reader holds at most its pages, and another caller's
// stream still runs to the end; the budget is never exceeded.
func TestStalledReaderLeavesBudgetToOthers(t *testing.T) {
	t.Parallel()
	h, limits := limitsHarness(t, 1000, server.StreamLimitsConfig{Memory: 3 << 20, SendTimeout: time.Hour})
	c := slowRecords(h)
	stalled(t, c, "sandbox-reader", &attiov1.StreamRecordsRequest{Object: "deals", PageSize: 100})
	waitUntil(t, "the stalled stream to hold its pages", func() bool { return limits.Stats().MemoryHeld > 0 })
	ids, _, err := streamAll(t, caller("sandbox-writer"), records(h, protocols[0]), &attiov1.StreamRecordsRequest{Object: "deals", PageSize: 100}, 0)
	if err != nil || len(ids) < 1000 {
		t.Fatalf("other caller's stream: %d records, %v", len(ids), err)
	}
	st := limits.Stats()
	if st.MemoryPeak > st.MemoryLimit || st.SendTimeouts != 0 || st.Streams != 1 {
		t.Fatalf("stats %+v: want the peak within the budget and the stalled stream still open", st)
	}
}

// streamResuming reads a whole stream as key and, as callers are told to, resumes it when the
// facade ends it for want of progress (on a loaded machine a reading caller can look stalled too):
// from the token of an Unavailable send timeout, or from the last message's after a reset.
func streamResuming(t *testing.T, h *harness, key string, req *attiov1.StreamRecordsRequest) []string {
	t.Helper()
	var all []string
	for attempt := 1; ; attempt++ {
		ids, last, err := streamAll(t, caller(key), records(h, protocols[0]), req, 0)
		all = append(all, ids...)
		if err == nil {
			return all
		}
		if attempt == 20 {
			t.Fatalf("stream as %s, attempt %d: %v", key, attempt, err)
		}
		if last != "" {
			req.ResumeToken = last
		}
		if connect.CodeOf(err) == connect.CodeUnavailable {
			infos := errorDetails[*errdetails.ErrorInfo](t, err)
			if len(infos) != 1 || infos[0].GetReason() != server.ReasonSendTimeout {
				t.Fatalf("stream as %s: %v", key, err)
			}
			req.ResumeToken = infos[0].GetMetadata()[server.ResumeTokenKey]
		}
	}
}

// With a budget smaller than one page, every page takes the whole budget: a stalled reader would
// hold everyone up for good. The send timeout ends it and frees its pages (the one in Send by a
// reset), so the other caller's stream finishes.
func TestSendTimeoutFreesBudgetOfStalledReader(t *testing.T) {
	t.Parallel()
	for _, grpcPort := range []bool{false, true} {
		t.Run(map[bool]string{false: "main listener", true: "grpc listener"}[grpcPort], func(t *testing.T) {
			t.Parallel()
			stalledReaderTest(t, grpcPort)
		})
	}
}

// stalledReaderTest stalls a reader on the main listener or the gRPC-only one, whose transport
// (grpc-go's) must let the reset through as net/http's does.
func stalledReaderTest(t *testing.T, grpcPort bool) {
	h, limits := limitsHarness(t, 1000, server.StreamLimitsConfig{Memory: 16 << 10, CallerMemory: 16 << 10, SendTimeout: time.Second})
	// The reader never takes a message: on a busy machine, even taking the first one could come
	// after the send timeout, and the stream would be reset under the test's feet.
	ctx, cancel := context.WithCancel(caller("sandbox-reader"))
	t.Cleanup(cancel)
	s, err := slowRecordsVia(h, grpcPort).StreamRecords(ctx, &attiov1.StreamRecordsRequest{Object: "deals", PageSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the stalled stream to take budget", func() bool { return limits.Stats().MemoryPeak > 0 }) // peak: it may already have timed out
	ids := streamResuming(t, h, "sandbox-writer", &attiov1.StreamRecordsRequest{Object: "deals", PageSize: 100})
	if len(ids) < 1000 {
		t.Fatalf("other caller's stream: %d records", len(ids))
	}
	if st := limits.Stats(); st.SendTimeouts < 1 || st.MemoryPeak > st.MemoryLimit {
		t.Fatalf("stats %+v: want the stalled stream timed out and the peak within the budget", st)
	}
	for {
		if _, err := s.Receive(); err != nil {
			if errors.Is(err, io.EOF) {
				t.Fatal("the stalled stream ended as if complete")
			}
			break
		}
	}
}

// A caller that stops reading for the send timeout gets, once it reads again, the messages already
// on their way and then Unavailable with the resume token of the last of them; resuming from it
// delivers the rest exactly once.
func TestSendTimeoutEndsWithResumeToken(t *testing.T) {
	t.Parallel()
	// No reset: the caller may come back late (the reset is TestSendTimeoutFreesBudgetOfStalledReader's).
	h, limits := limitsHarness(t, 1000, server.StreamLimitsConfig{SendTimeout: time.Second, ResetAfter: time.Hour})
	var want []string
	for r, err := range h.client.QueryRecords(t.Context(), "deals", attio.Query{Limit: 500}) {
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, r.ID.RecordID)
	}
	req := &attiov1.StreamRecordsRequest{Object: "deals", PageSize: 100}
	s, first, _ := stalledAt(t, slowRecords(h), "sandbox-reader", req)
	waitUntil(t, "the send timeout", func() bool { return limits.Stats().SendTimeouts == 1 })
	got := slices.Clone(want[:100]) // the first page, taken by stalledAt
	token := first.GetResumeToken()
	for {
		msg, err := s.Receive()
		if err != nil {
			if connect.CodeOf(err) != connect.CodeUnavailable {
				t.Fatalf("stalled stream ended with %v, want Unavailable", err)
			}
			infos := errorDetails[*errdetails.ErrorInfo](t, err)
			if len(infos) != 1 || infos[0].GetReason() != server.ReasonSendTimeout || infos[0].GetMetadata()[server.ResumeTokenKey] != token {
				t.Fatalf("ErrorInfo = %v, want %s with the last message's token", infos, server.ReasonSendTimeout)
			}
			break
		}
		for _, r := range msg.GetRecords() {
			got = append(got, r.GetId().GetRecordId())
		}
		token = msg.GetResumeToken()
	}
	if len(got) >= len(want) {
		t.Fatalf("the stalled stream delivered everything (%d records) before timing out", len(got))
	}
	rest := streamResuming(t, h, "sandbox-reader", &attiov1.StreamRecordsRequest{Object: "deals", PageSize: 100, ResumeToken: token})
	if got = append(got, rest...); !slices.Equal(got, want) {
		t.Fatalf("before timeout + resumed = %d records, want the %d exactly once in order", len(got), len(want))
	}
}
