package server_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connecthttp"
	"google.golang.org/genproto/googleapis/rpc/errdetails"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
	"github.com/attio-facade/attio-facade/server"
)

// slowChanges is a change client with small HTTP/2 stream windows (see slowRecords), so a watcher
// that stops reading stalls the facade's Send.
func slowChanges(h *harness) attiov1connect.ChangeServiceClient {
	tr := h.httpClient().Transport.(*http.Transport).Clone()
	tr.HTTP2 = &http.HTTP2Config{MaxReceiveBufferPerStream: 64 << 10, MaxReceiveBufferPerConnection: 64 << 20}
	return attiov1connect.NewChangeServiceClient(connect.NewClient(
		connecthttp.NewTransport(&http.Client{Transport: tr}, h.srv.URL, connecthttp.WithGRPC())))
}

// A watcher that stops reading is bounded like every stream: it holds at most the message being
// sent of the memory budget (here smaller than one message: the peak stays within it), the send
// timeout ends it with Unavailable and the token of the last change it was sent, and resuming
// from that token delivers the rest.
func TestWatchStalledReaderIsBounded(t *testing.T) {
	t.Parallel()
	const n = 300 // changes of ~3 KB records: far more than the 64 KiB window holds
	w := newWatchHarness(t, watchConfig{streams: server.StreamLimitsConfig{
		Memory: 2 << 10, CallerMemory: 2 << 10, SendTimeout: time.Second, ResetAfter: time.Hour,
	}})
	w.generate(t, "deals", n)
	deals := w.records(t, "deals", n)
	ctx, cancel := context.WithCancel(caller("sandbox-reader"))
	defer cancel()
	s, err := slowChanges(w.harness).WatchRecords(ctx, &attiov1.WatchRecordsRequest{Object: "deals"})
	if err != nil {
		t.Fatal(err)
	}
	first, err := s.Receive()
	if err != nil {
		t.Fatal(err)
	}
	events := make([]map[string]any, 0, n)
	for _, d := range deals {
		events = append(events, recordEvent("record.updated", d))
	}
	w.deliver(t, events...)
	waitUntil(t, "the send timeout", func() bool { return w.limits.Stats().SendTimeouts == 1 })
	if st := w.limits.Stats(); st.MemoryPeak > st.MemoryLimit || st.MemoryPeak == 0 {
		t.Fatalf("stats %+v: want the peak within the budget", st)
	}
	token, got := first.GetHeartbeat().GetChangeToken(), 0
	for {
		m, err := s.Receive()
		if err != nil {
			if connect.CodeOf(err) != connect.CodeUnavailable {
				t.Fatalf("stalled watch ended with %v, want Unavailable", err)
			}
			infos := errorDetails[*errdetails.ErrorInfo](t, err)
			if len(infos) != 1 || infos[0].GetReason() != server.ReasonSendTimeout || infos[0].GetMetadata()[server.ResumeTokenKey] != token {
				t.Fatalf("ErrorInfo %v, want %s with the last change's token", infos, server.ReasonSendTimeout)
			}
			break
		}
		if c := m.GetChange(); c != nil {
			got++
			token = c.GetChangeToken()
		}
	}
	if got >= n {
		t.Fatalf("the stalled watch delivered all %d changes before timing out", got)
	}
	waitUntil(t, "the stalled watch to end", func() bool { st := w.limits.Stats(); return st.Streams == 0 && st.MemoryHeld == 0 })
	// Resume as callers are told to, again on a send timeout: on a loaded machine a reading caller
	// can look stalled too.
	for attempt := 0; got < n; attempt++ {
		if attempt == 20 {
			t.Fatalf("resumed %d times, %d of %d changes", attempt, got, n)
		}
		ctx, cancel := context.WithCancel(caller("sandbox-reader"))
		r, err := w.changes(protocols[0]).WatchRecords(ctx, &attiov1.WatchRecordsRequest{Object: "deals", ResumeToken: token})
		if err != nil {
			t.Fatal(err)
		}
		for got < n {
			m, err := r.Receive()
			if err != nil {
				infos := errorDetails[*errdetails.ErrorInfo](t, err)
				if connect.CodeOf(err) != connect.CodeUnavailable || len(infos) != 1 || infos[0].GetMetadata()[server.ResumeTokenKey] != token {
					t.Fatalf("resumed watch: %v", err)
				}
				break
			}
			if c := m.GetChange(); c != nil {
				if c.GetId().GetRecordId() != deals[got].ID.RecordID {
					t.Fatalf("resumed change %d: %s, want %s", got, c.GetId().GetRecordId(), deals[got].ID.RecordID)
				}
				got, token = got+1, c.GetChangeToken()
			}
		}
		cancel()
	}
}
