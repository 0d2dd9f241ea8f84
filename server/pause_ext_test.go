package server_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"connectrpc.com/connect/v2"
	"google.golang.org/genproto/googleapis/rpc/errdetails"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/sandbox"
)

// After one caller's 429 with Retry-After: 40, an unrelated caller whose deadline is 1 s away is
// refused at once with ResourceExhausted, a RetryInfo of the pause left and a Retry-After header,
// over every protocol, instead of waiting out its deadline (or 40 s).
func TestPauseRefusesCallsPastTheirDeadline(t *testing.T) {
	t.Parallel()
	for _, p := range protocols {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, harnessConfig{})
			h.sb.Sandbox.FailNext(sandbox.Failure{Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"40"}}})
			rec := records(h, p)
			get := &attiov1.GetRecordRequest{Object: "people", RecordId: adaID}
			first, cancel := context.WithTimeout(t.Context(), 2*time.Second)
			defer cancel()
			if _, err := rec.GetRecord(first, get); connect.CodeOf(err) != connect.CodeResourceExhausted {
				t.Fatalf("the 429 itself: want ResourceExhausted, got %v", err)
			}

			ctx, cancel := context.WithTimeout(t.Context(), time.Second)
			defer cancel()
			ctx, info := connect.NewClientContext(ctx)
			start := time.Now()
			_, err := rec.GetRecord(ctx, get)
			if took := time.Since(start); took >= 500*time.Millisecond {
				t.Fatalf("the refusal took %v: it waited instead of failing at once", took)
			}
			if connect.CodeOf(err) != connect.CodeResourceExhausted {
				t.Fatalf("want ResourceExhausted, got %v", err)
			}
			ri := errorDetails[*errdetails.RetryInfo](t, err)
			if len(ri) != 1 || ri[0].GetRetryDelay().AsDuration() < 35*time.Second || ri[0].GetRetryDelay().AsDuration() > 40*time.Second {
				t.Fatalf("RetryInfo = %v, want the ~40 s left of the pause", ri)
			}
			if got := info.ResponseHeader().Get("Retry-After"); got != "40" && got != "39" {
				t.Fatalf("Retry-After header = %q, want the pause left in seconds", got)
			}
			infos := errorDetails[*errdetails.ErrorInfo](t, err)
			if len(infos) != 1 || infos[0].GetReason() != "UPSTREAM_PAUSED" {
				t.Fatalf("ErrorInfo = %v, want reason UPSTREAM_PAUSED", infos)
			}
			if n := h.sb.Sandbox.Stats().Total; n != 1 {
				t.Fatalf("upstream saw %d requests; the paused call must not reach it", n)
			}
		})
	}
}
