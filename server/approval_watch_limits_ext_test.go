package server_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connecthttp"
	"google.golang.org/genproto/googleapis/rpc/errdetails"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
	"github.com/attio-facade/attio-facade/interceptors"
	"github.com/attio-facade/attio-facade/internal/testkit"
	"github.com/attio-facade/attio-facade/server"
)

// stalledClient is a client on its own HTTP/2 connection whose streams accept at most window
// bytes the application has not read: a watch on it that is never read fills that window and then
// blocks the server's Send, as a browser tab in the background or a wedged script would.
func (e *watchEnv) stalledClient(t *testing.T, window int) *connect.Client {
	t.Helper()
	tr := e.srv.Client().Transport.(*http.Transport).Clone()
	tr.HTTP2 = &http.HTTP2Config{MaxReceiveBufferPerStream: window}
	hc := &http.Client{Transport: tr}
	t.Cleanup(tr.CloseIdleConnections)
	return connect.NewClient(connecthttp.NewTransport(hc, e.srv.URL))
}

// waitFor polls cond (an observable condition, never a duration deciding the outcome) until it
// holds; the deadline only catches a hang.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	testkit.Until(t, what, cond)
}

// TestWatchApprovalsStalledWatcherIsCutOff: a watcher that stops reading fills its flow-control
// window, and its next snapshot blocks in Send. The send timeout cuts it off, while another
// watcher of the same caller and one of another caller keep receiving every snapshot, and its slot
// of --caller-max-streams is freed:
//   - "error": the blocked snapshot is left to finish, so the stalled caller, reading at last, gets
//     what it had been sent (growing totals, never the latest) and then Unavailable with ErrorInfo
//     STREAM_SEND_TIMEOUT;
//   - "reset": with --caller-stream-memory at its bound (every snapshot is charged as the caller's
//     whole share), the stalled Send holds that share, so the same caller's other watch waits for
//     it; the transport stream is reset ResetAfter later, which frees the share and the slot before
//     the stalled caller reads anything more, and it then sees the stream fail.
func TestWatchApprovalsStalledWatcherIsCutOff(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		limits server.StreamLimitsConfig
		code   connect.Code
	}{
		// The send timeout is long enough that a live watcher's Send (a write into a 4 MiB window)
		// never reaches it on a loaded machine, and short enough for the test.
		{"error", server.StreamLimitsConfig{SendTimeout: 2 * time.Second, ResetAfter: time.Hour}, connect.CodeUnavailable},
		{"reset", server.StreamLimitsConfig{SendTimeout: 2 * time.Second, ResetAfter: time.Second, Memory: 2, CallerMemory: 1}, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newWatchEnv(t, server.ApprovalWatchConfig{Interval: time.Hour}, tt.limits)
			stalled := e.watchOn(t, e.stalledClient(t, 1024), interceptors.SandboxApproverToken)
			live := e.watch(t, interceptors.SandboxApproverToken)
			other := e.watch(t, interceptors.SandboxWriterToken)
			watchers := map[string]watchStream{"same caller": live, "other caller": other}
			n := int32(0)
			change := func(what string) {
				e.requestWrite(t, fmt.Sprintf("stalled-%d@example.com", n))
				n++
				for name, s := range watchers {
					until(t, s, fmt.Sprintf("%s sees %s (total %d)", name, what, n), func(m *attiov1.WatchApprovalsResponse) bool { return m.GetTotal() == n })
				}
			}
			waitFor(t, "three watches open", func() bool { return e.limits.Stats().Streams == 3 })
			// Each new approval grows the snapshot by one (some 300 bytes): ten snapshots are far
			// more than the stalled watch's 1 KiB window, so its Send blocks and times out.
			for range 10 {
				change("a change")
			}
			waitFor(t, "the stalled watch's send timeout", func() bool { return e.limits.Stats().SendTimeouts > 0 })
			change("the change after the cut")
			if tt.limits.ResetAfter < time.Hour {
				waitFor(t, "the reset watch's slot freed", func() bool { return e.limits.Stats().Streams == 2 })
				if held := e.limits.CallerMemoryHeld("apikey:sandbox-approver"); held > tt.limits.CallerMemory {
					t.Fatalf("the approver holds %d bytes, over its share %d", held, tt.limits.CallerMemory)
				}
			}

			var got []int32
			var err error
			for {
				var m *attiov1.WatchApprovalsResponse
				if m, err = stalled.Receive(); err != nil {
					break
				}
				got = append(got, m.GetTotal())
			}
			if len(got) == 0 || got[len(got)-1] >= n {
				t.Fatalf("stalled watch received totals %v, want a prefix below %d", got, n)
			}
			for i := 1; i < len(got); i++ {
				if got[i] <= got[i-1] {
					t.Fatalf("stalled watch received totals %v out of order", got)
				}
			}
			t.Logf("stalled watch: totals %v, then %v", got, err)
			if tt.code != 0 {
				if connect.CodeOf(err) != tt.code {
					t.Fatalf("stalled watch ended with %v, want %v", err, tt.code)
				}
				if infos := errorDetails[*errdetails.ErrorInfo](t, err); len(infos) != 1 || infos[0].GetReason() != server.ReasonSendTimeout {
					t.Fatalf("ErrorInfo %v, want reason %s", infos, server.ReasonSendTimeout)
				}
			} else if err == nil || errors.Is(err, io.EOF) {
				t.Fatalf("the reset watch ended cleanly (%v)", err)
			}
			waitFor(t, "the stalled watch's slot freed", func() bool { return e.limits.Stats().Streams == 2 })
			if st := e.limits.Stats(); st.SendTimeouts != 1 || st.MemoryPeak > st.MemoryLimit {
				t.Fatalf("stats %+v: want exactly the stalled watch timed out, within the budget", st)
			}
			change("a change after the stalled watch ended")
		})
	}
}

// TestWatchApprovalsCallerCap: watches count against --caller-max-streams. At the cap (3) the
// caller's next watch is refused with ResourceExhausted, RetryInfo and Retry-After, while another
// caller still watches; once one of the three ends, the caller watches again.
func TestWatchApprovalsCallerCap(t *testing.T) {
	t.Parallel()
	const max = 3
	e := newWatchEnv(t, server.ApprovalWatchConfig{Interval: time.Hour}, server.StreamLimitsConfig{CallerMaxStreams: max})
	c := attiov1connect.NewApprovalServiceClient(e.rpc(protocols[0]))
	var open []watchStream
	for range max {
		s, err := c.WatchApprovals(caller(interceptors.SandboxApproverToken), &attiov1.WatchApprovalsRequest{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		until(t, s, "a snapshot within the cap", func(*attiov1.WatchApprovalsResponse) bool { return true })
		open = append(open, s)
	}
	ctx := caller(interceptors.SandboxApproverToken)
	info, _ := connect.CallInfoForClientContext(ctx)
	s, err := c.WatchApprovals(ctx, &attiov1.WatchApprovalsRequest{})
	if err == nil {
		defer s.Close()
		_, err = s.Receive()
	}
	if connect.CodeOf(err) != connect.CodeResourceExhausted {
		t.Fatalf("watch %d of one caller: %v, want ResourceExhausted", max+1, err)
	}
	if infos := errorDetails[*errdetails.RetryInfo](t, err); len(infos) != 1 || infos[0].GetRetryDelay().AsDuration() != time.Second {
		t.Fatalf("RetryInfo %v, want one of 1s", infos)
	}
	if got := info.ResponseHeader().Get("Retry-After"); got != "1" {
		t.Fatalf("Retry-After %q, want 1", got)
	}
	other := e.watch(t, interceptors.SandboxWriterToken)
	until(t, other, "another caller's watch", func(*attiov1.WatchApprovalsResponse) bool { return true })
	if got := e.limits.Stats().Refused; got != 1 {
		t.Fatalf("refused %d, want 1", got)
	}

	if err := open[0].Close(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the closed watch's slot freed", func() bool { return e.limits.Stats().Streams == max })
	again := e.watch(t, interceptors.SandboxApproverToken)
	until(t, again, "a watch in the freed slot", func(*attiov1.WatchApprovalsResponse) bool { return true })
}
