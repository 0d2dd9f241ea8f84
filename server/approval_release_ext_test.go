package server_test

import (
	"context"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"connectrpc.com/connect/v2"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
	"github.com/attio-facade/attio-facade/sandbox"
)

// approvedToken asks for req as the writer, has the approver approve it, and returns the
// approval id and the writer's token.
func approvedToken(t *testing.T, g *guarded, req *attiov1.CreateRecordRequest) (string, string) {
	t.Helper()
	return approvedTokenOver(t, g, protocols[0], req)
}

// approvedTokenOver is approvedToken over protocol p.
func approvedTokenOver(t *testing.T, g *guarded, p protocol, req *attiov1.CreateRecordRequest) (string, string) {
	t.Helper()
	rec := records(g.harness, p)
	appr := attiov1connect.NewApprovalServiceClient(g.rpc(p))
	_, err := rec.CreateRecord(caller(writerKey), req)
	id := approvalRequired(t, err).GetApprovalId()
	if _, err := appr.Approve(caller(approverKey), &attiov1.ApproveRequest{ApprovalId: id}); err != nil {
		t.Fatal(err)
	}
	got, err := appr.GetApproval(caller(writerKey), &attiov1.GetApprovalRequest{ApprovalId: id})
	if err != nil || got.GetApproval().GetToken() == "" {
		t.Fatalf("no token: %v %v", got, err)
	}
	return id, got.GetApproval().GetToken()
}

func approvalState(t *testing.T, g *guarded, id string) attiov1.ApprovalState {
	t.Helper()
	got, err := attiov1connect.NewApprovalServiceClient(g.rpc(protocols[0])).GetApproval(caller(writerKey), &attiov1.GetApprovalRequest{ApprovalId: id})
	if err != nil {
		t.Fatal(err)
	}
	return got.GetApproval().GetState()
}

// auditExecuted reports whether the audit log has the executed line of approval id: the write has
// ended and its token was kept or spent.
func auditExecuted(g *guarded, id string) bool {
	for line := range strings.Lines(g.tel.Logs()) {
		if strings.Contains(line, "decision=executed") && strings.Contains(line, "approval_id="+id) {
			return true
		}
	}
	return false
}

// refusingTransport sends requests to the sandbox, or, while refuse is set, to a port nothing
// listens on: the dial fails before any byte of the request leaves.
type refusingTransport struct {
	refuse atomic.Bool
	next   http.RoundTripper
	closed string // host:port with no listener
}

func (rt *refusingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if rt.refuse.Load() {
		r = r.Clone(r.Context())
		r.URL.Host = rt.closed
	}
	return rt.next.RoundTrip(r)
}

// TestTokenKeptWhenNothingWasSent: a write that provably never reached Attio (every attempt
// refused with 429, the connection refused, the outbound budget refusing before sending) leaves
// its approval token valid, and a retry with it writes once; an ambiguous failure (a 500 after
// the request was sent) spends it.
func TestTokenKeptWhenNothingWasSent(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	cases := []struct {
		name     string
		fail     func(g *guarded, rt *refusingTransport)
		restore  func(g *guarded, rt *refusingTransport)
		deadline time.Duration
		kept     bool
	}{
		{name: "429 on every attempt", kept: true, fail: func(g *guarded, _ *refusingTransport) {
			g.sb.Sandbox.FailNext(sandbox.Failure{Method: "POST", Route: "/v2/objects/{object}/records", Count: 5,
				Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"0"}}})
		}},
		{name: "connection refused", kept: true,
			fail:    func(_ *guarded, rt *refusingTransport) { rt.refuse.Store(true) },
			restore: func(_ *guarded, rt *refusingTransport) { rt.refuse.Store(false) }},
		{name: "500 after sending", kept: false, fail: func(g *guarded, _ *refusingTransport) {
			g.sb.Sandbox.FailNext(sandbox.Failure{Method: "POST", Route: "/v2/objects/{object}/records", Count: 5, Status: http.StatusInternalServerError})
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rt := &refusingTransport{closed: closed}
			g := newGuardedClient(t, 0, func(c *attio.Config) {
				rt.next = c.HTTPClient.Transport
				if rt.next == nil {
					rt.next = http.DefaultTransport
				}
				c.HTTPClient = &http.Client{Transport: rt}
				c.MaxAttempts = 5
			})
			req := newPerson("release-" + strings.ReplaceAll(tc.name, " ", "-") + "@example.com")
			id, token := approvedToken(t, g, req)
			before := peopleCount(t, g.harness)
			rec := records(g.harness, protocols[0])

			tc.fail(g, rt)
			if _, err := rec.CreateRecord(caller(writerKey, token), req); err == nil {
				t.Fatal("the injected failure did not fail the write")
			}
			if tc.restore != nil {
				tc.restore(g, rt)
			}
			g.sb.Sandbox.ClearFailures()
			if n := peopleCount(t, g.harness); n != before {
				t.Fatalf("failed write created %d records", n-before)
			}
			_, err := rec.CreateRecord(caller(writerKey, token), req)
			if !tc.kept {
				if connect.CodeOf(err) != connect.CodePermissionDenied || approvalState(t, g, id) != attiov1.ApprovalState_APPROVAL_STATE_USED {
					t.Fatalf("ambiguous failure: retry got %v, state %v; want the token spent", err, approvalState(t, g, id))
				}
				return
			}
			if err != nil {
				t.Fatalf("retry with the kept token: %v", err)
			}
			if n := peopleCount(t, g.harness); n != before+1 {
				t.Fatalf("retry made %d records, want 1", n-before)
			}
			// Once it ran, the token is spent as always.
			if _, err := rec.CreateRecord(caller(writerKey, token), req); connect.CodeOf(err) != connect.CodePermissionDenied {
				t.Fatalf("replay after the retry: %v", err)
			}
		})
	}
}

// TestTokenKeptWhenBudgetRefuses: the facade's own outbound budget refusing the write (its wait
// would pass the caller's deadline) sends nothing, so the approval stays approved.
func TestTokenKeptWhenBudgetRefuses(t *testing.T) {
	t.Parallel()
	g := newGuardedClient(t, 0, func(c *attio.Config) { c.Limits = &attio.Limits{AttioWrites: 0.001} })
	req := newPerson("budget-refused@example.com")
	id, token := approvedToken(t, g, req)
	// The batch principal (auto-approve) spends the only write token of the next 1000 s.
	rec := records(g.harness, protocols[0])
	if _, err := rec.CreateRecord(caller(batchKey), newPerson("spends-budget@example.com")); err != nil {
		t.Fatal(err)
	}
	before := peopleCount(t, g.harness)
	ctx, cancel := context.WithTimeout(caller(writerKey, token), 500*time.Millisecond)
	defer cancel()
	if _, err := rec.CreateRecord(ctx, req); err == nil {
		t.Fatal("write passed an exhausted budget")
	}
	// The caller's deadline ends the call on both sides at once: the client may return before the
	// server has decided about the token. Its audit line (written last) says it has.
	waitUntil(t, "the write's audit line", func() bool { return auditExecuted(g, id) })
	if n := peopleCount(t, g.harness); n != before {
		t.Fatalf("refused write created %d records", n-before)
	}
	if st := approvalState(t, g, id); st != attiov1.ApprovalState_APPROVAL_STATE_APPROVED {
		t.Fatalf("approval is %v after a write that never left; want APPROVED", st)
	}
}
