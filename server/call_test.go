package server

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connectproto"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/attio-facade/attio-facade/attio"
)

// intPages is an endless listing of one-item pages, counting fetches.
func intPages(fetched *atomic.Int64) func(ctx context.Context, pos pageToken) (attio.Page[int], error) {
	return func(ctx context.Context, pos pageToken) (attio.Page[int], error) {
		fetched.Add(1)
		return attio.Page[int]{Items: []int{int(pos.Offset)}, More: true, NextOffset: int(pos.Offset) + 1}, nil
	}
}

func buildInt(items []int, resume string) *wrapperspb.StringValue {
	return wrapperspb.String(resume)
}

// withLimits runs streams under their own limits, as the interceptor would.
func withLimits(ctx context.Context, cfg StreamLimitsConfig) (context.Context, *StreamLimits) {
	l := NewStreamLimits(cfg)
	return context.WithValue(ctx, streamLimitsKey{}, l), l
}

// A caller that has taken k pages makes the fetcher go at most one page further.
func TestStreamPagesPrefetchesOnePage(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var fetched atomic.Int64
		release := make(chan struct{})
		ctx, _ := withLimits(t.Context(), StreamLimitsConfig{})
		ctx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() {
			done <- streamPages(ctx, pager{digest: "d"}, pageToken{Query: "d"}, 1, intPages(&fetched), buildInt,
				func(*wrapperspb.StringValue) error {
					<-release // the caller is slow: each send waits for a release
					return nil
				})
		}()
		for k := 1; k <= 3; k++ {
			synctest.Wait()
			if n := fetched.Load(); n != int64(k)+1 {
				t.Fatalf("with page %d in Send, %d fetched: want exactly one page ahead", k, n)
			}
			release <- struct{}{}
		}
		cancel()
		close(release)
		if err := <-done; err == nil {
			t.Fatal("cancelled stream ended without error")
		}
		n := fetched.Load()
		synctest.Wait()
		if fetched.Load() != n {
			t.Fatal("fetching continued after cancel")
		}
	})
}

// A caller that takes no message for the send timeout: fetching stops and the prefetched page is
// freed at once; when the caller takes the message it was being sent, the stream ends with
// Unavailable and that message's resume token.
func TestStreamPagesSendTimeout(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var fetched atomic.Int64
		ctx, limits := withLimits(t.Context(), StreamLimitsConfig{SendTimeout: time.Minute})
		taken := make(chan struct{})
		var sends atomic.Int64
		var tokens []string
		done := make(chan error, 1)
		go func() {
			done <- streamPages(ctx, pager{digest: "d"}, pageToken{Query: "d"}, 1, intPages(&fetched), buildInt,
				func(m *wrapperspb.StringValue) error {
					if sends.Add(1) == 3 {
						<-taken // the caller stops reading at the third message
					}
					tokens = append(tokens, m.GetValue())
					return nil
				})
		}()
		synctest.Wait()
		before := limits.Stats().MemoryHeld
		if fetched.Load() != 4 || before == 0 {
			t.Fatalf("fetched %d, held %d: want the third page in Send and the fourth waiting", fetched.Load(), before)
		}
		time.Sleep(time.Minute - time.Nanosecond)
		synctest.Wait()
		if limits.Stats().SendTimeouts != 0 {
			t.Fatal("timed out before the send timeout")
		}
		time.Sleep(time.Nanosecond)
		synctest.Wait()
		if fetched.Load() != 4 {
			t.Fatalf("fetched %d pages after the stall, want none more", fetched.Load())
		}
		if held := limits.Stats().MemoryHeld; held == 0 || held >= before {
			t.Fatalf("held %d bytes after the stall, %d before: want only the page being sent", held, before)
		}
		close(taken)
		err := <-done
		if connect.CodeOf(err) != connect.CodeUnavailable {
			t.Fatalf("got %v, want Unavailable", err)
		}
		if got := resumeTokenOf(t, err); got != tokens[2] {
			t.Fatalf("token in the error = %q, want the third message's %q", got, tokens[2])
		}
		if h := limits.Stats().MemoryHeld; h != 0 {
			t.Fatalf("%d bytes still held after the stream ended", h)
		}
	})
}

func resumeTokenOf(t *testing.T, err error) string {
	t.Helper()
	var ce *connect.Error
	if !errors.As(err, &ce) {
		t.Fatalf("not a connect error: %v", err)
	}
	for _, d := range ce.Details() {
		m, err := connectproto.UnmarshalErrorDetail(d)
		if info, ok := m.(*errdetails.ErrorInfo); err == nil && ok && info.GetReason() == ReasonSendTimeout {
			return info.GetMetadata()[ResumeTokenKey]
		}
	}
	t.Fatalf("no %s ErrorInfo in %v", ReasonSendTimeout, err)
	return ""
}

// The budget is never exceeded, a page larger than the whole budget still runs (alone), and pages
// that must grow after their fetch never wait while holding budget.
func TestMemoryBudget(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		b := newMemoryBudget(100, 100)
		ctx := t.Context()
		huge, err := b.acquire(ctx, "", 1<<40)
		if err != nil || b.held.Load() != 100 {
			t.Fatalf("a page over the budget: %v, held %d; want the whole budget", err, b.held.Load())
		}
		waiting := make(chan *grant)
		go func() {
			g, _ := b.acquire(ctx, "", 10)
			waiting <- g
		}()
		synctest.Wait()
		select {
		case <-waiting:
			t.Fatal("acquired beyond the budget")
		default:
		}
		huge.release()
		g := <-waiting
		// Two pages of 40 each estimated at 10: growing the first takes free budget; the second
		// cannot, so it gives its 10 back before waiting; neither holds while waiting.
		g2, _ := b.acquire(ctx, "", 10)
		if err := g.resize(ctx, 40); err != nil || b.held.Load() != 50 {
			t.Fatalf("grow with room: %v, held %d", err, b.held.Load())
		}
		grown := make(chan error)
		go func() { grown <- g2.resize(ctx, 70) }()
		synctest.Wait()
		if b.held.Load() != 40 {
			t.Fatalf("held %d while a grant waits to grow, want 40 (the waiter gave its own back)", b.held.Load())
		}
		if err := g.resize(ctx, 30); err != nil {
			t.Fatal(err)
		}
		if err := <-grown; err != nil || b.held.Load() != 100 {
			t.Fatalf("grow after room was made: %v, held %d", err, b.held.Load())
		}
		g.release()
		g2.release()
		g2.release()
		if b.held.Load() != 0 || b.peak.Load() != 100 {
			t.Fatalf("held %d, peak %d after release; want 0 and 100", b.held.Load(), b.peak.Load())
		}
	})
}

// A caller's share at its bound: with a budget of 100 and shares of 50, a caller holding 50 waits
// for its own pages to be sent, while another caller takes the other 50 at once (the first
// caller's waiter does not queue ahead of it on the shared budget).
func TestMemoryBudgetCallerShare(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		b := newMemoryBudget(100, 50)
		ctx := t.Context()
		a1, _ := b.acquire(ctx, "a", 30)
		a2, _ := b.acquire(ctx, "a", 20)
		waiting := make(chan *grant)
		go func() {
			g, _ := b.acquire(ctx, "a", 10)
			waiting <- g
		}()
		synctest.Wait()
		select {
		case <-waiting:
			t.Fatal("a caller acquired beyond its share")
		default:
		}
		other, err := b.acquire(ctx, "b", 1<<40) // clamped to the share
		if err != nil || b.callerHeld("b") != 50 || b.held.Load() != 100 {
			t.Fatalf("the other caller: %v, holds %d, budget held %d; want 50 and 100", err, b.callerHeld("b"), b.held.Load())
		}
		a1.release()
		g := <-waiting
		if b.callerHeld("a") != 30 {
			t.Fatalf("a holds %d after one page was sent and another taken, want 30", b.callerHeld("a"))
		}
		for _, x := range []*grant{a2, g, other} {
			x.release()
		}
		if b.held.Load() != 0 || len(b.callers) != 0 || b.peak.Load() > 100 {
			t.Fatalf("held %d, %d callers known, peak %d after release", b.held.Load(), len(b.callers), b.peak.Load())
		}
	})
}
