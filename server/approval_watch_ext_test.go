package server_test

import (
	"testing"
	"time"

	"connectrpc.com/connect/v2"
	"google.golang.org/protobuf/types/known/timestamppb"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
	"github.com/attio-facade/attio-facade/interceptors"
	"github.com/attio-facade/attio-facade/server"
)

// watchEnv is the facade on the sandbox with the sandbox principals, approvals kept in store and
// WatchApprovals bounded by watch.
type watchEnv struct {
	*harness
	approvals *interceptors.Approvals
	store     interceptors.ApprovalStore
	limits    *server.StreamLimits
}

func newWatchEnv(t *testing.T, watch server.ApprovalWatchConfig, streams server.StreamLimitsConfig) *watchEnv {
	t.Helper()
	e := &watchEnv{store: interceptors.NewMemoryApprovalStore(nil)}
	e.harness = newHarness(t, harnessConfig{opts: func(o *server.Options) {
		auth, err := interceptors.NewAuthenticator(nil, interceptors.AuthenticatorOptions{Sandbox: true})
		if err != nil {
			t.Fatal(err)
		}
		e.approvals, err = interceptors.NewApprovals(interceptors.ApprovalOptions{Store: e.store, Describer: server.NewDescriber(o.Client)})
		if err != nil {
			t.Fatal(err)
		}
		o.Interceptors = interceptors.Chain(interceptors.ChainConfig{Auth: auth.Interceptor(), Approvals: e.approvals.Interceptor()})
		o.Approvals = server.NewApprovalService(e.approvals).WithWatch(watch)
		e.limits = server.NewStreamLimits(streams)
		o.Streams = e.limits
	}})
	return e
}

// watch opens WatchApprovals as the sandbox principal with token; the stream ends with the test.
type watchStream = attiov1connect.ApprovalServiceWatchApprovalsClientStream

func (e *watchEnv) watch(t *testing.T, token string) watchStream {
	t.Helper()
	return e.watchOn(t, e.rpc(protocols[0]), token)
}

// watchOn is watch through client c.
func (e *watchEnv) watchOn(t *testing.T, cc *connect.Client, token string) watchStream {
	t.Helper()
	c := attiov1connect.NewApprovalServiceClient(cc)
	s, err := c.WatchApprovals(caller(token), &attiov1.WatchApprovalsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// until reads snapshots until one satisfies ok, and returns it; a stream that ends first fails.
func until(t *testing.T, s watchStream, what string, ok func(*attiov1.WatchApprovalsResponse) bool) *attiov1.WatchApprovalsResponse {
	t.Helper()
	for {
		m, err := s.Receive()
		if err != nil {
			t.Fatalf("watch ended before %s: %v", what, err)
		}
		if ok(m) {
			return m
		}
	}
}

func ids(m *attiov1.WatchApprovalsResponse) []string {
	out := make([]string, len(m.GetApprovals()))
	for i, a := range m.GetApprovals() {
		out[i] = a.GetId()
	}
	return out
}

// requestWrite makes the sandbox writer's create of a person and returns the approval id.
func (e *watchEnv) requestWrite(t *testing.T, email string) string {
	t.Helper()
	_, err := attiov1connect.NewRecordServiceClient(e.rpc(protocols[0])).CreateRecord(caller(interceptors.SandboxWriterToken), newPerson(email))
	return approvalRequired(t, err).GetApprovalId()
}

// TestWatchApprovalsLive: the approver's and the requester's watches both see new approvals at
// once, newest first, and every decision; the interval is an hour, so only the change feed can
// have told them.
func TestWatchApprovalsLive(t *testing.T) {
	t.Parallel()
	e := newWatchEnv(t, server.ApprovalWatchConfig{Interval: time.Hour}, server.StreamLimitsConfig{})
	approver := e.watch(t, interceptors.SandboxApproverToken)
	writer := e.watch(t, interceptors.SandboxWriterToken)
	for _, s := range []watchStream{approver, writer} {
		until(t, s, "the first (empty) snapshot", func(m *attiov1.WatchApprovalsResponse) bool { return m.GetTotal() == 0 })
	}
	first := e.requestWrite(t, "watch-1@example.com")
	second := e.requestWrite(t, "watch-2@example.com")
	for name, s := range map[string]watchStream{"approver": approver, "writer": writer} {
		m := until(t, s, name+" sees both", func(m *attiov1.WatchApprovalsResponse) bool { return m.GetTotal() == 2 })
		if got := ids(m); got[0] != second || got[1] != first {
			t.Fatalf("%s: order %v, want newest first [%s %s]", name, got, second, first)
		}
		if a := m.GetApprovals()[0]; a.GetRequester() != "apikey:sandbox-writer" || a.GetSummary() == "" || len(a.GetChanges()) == 0 || a.GetToken() != "" {
			t.Fatalf("%s: approval %v", name, a)
		}
	}
	appr := attiov1connect.NewApprovalServiceClient(e.rpc(protocols[0]))
	if _, err := appr.Approve(caller(interceptors.SandboxApproverToken), &attiov1.ApproveRequest{ApprovalId: first}); err != nil {
		t.Fatal(err)
	}
	m := until(t, writer, "the writer sees the approval", func(m *attiov1.WatchApprovalsResponse) bool {
		return len(m.GetApprovals()) == 2 && m.GetApprovals()[1].GetState() == attiov1.ApprovalState_APPROVAL_STATE_APPROVED
	})
	if m.GetApprovals()[1].GetToken() != "" || m.GetApprovals()[1].GetDecidedBy() != "apikey:sandbox-approver" {
		t.Fatalf("approved in the watch: %v", m.GetApprovals()[1])
	}
	if _, err := appr.Deny(caller(interceptors.SandboxApproverToken), &attiov1.DenyRequest{ApprovalId: second}); err != nil {
		t.Fatal(err)
	}
	until(t, approver, "the denial leaves the approver's inbox", func(m *attiov1.WatchApprovalsResponse) bool {
		return m.GetTotal() == 1 && ids(m)[0] == first
	})
}

// TestWatchApprovalsPollsTheStore: approvals written to the shared store by another replica (no
// change feed reaches this one) arrive through the poll at --approvals-watch-interval.
func TestWatchApprovalsPollsTheStore(t *testing.T) {
	t.Parallel()
	e := newWatchEnv(t, server.ApprovalWatchConfig{Interval: 10 * time.Millisecond}, server.StreamLimitsConfig{})
	s := e.watch(t, interceptors.SandboxApproverToken)
	until(t, s, "the first snapshot", func(m *attiov1.WatchApprovalsResponse) bool { return m.GetTotal() == 0 })
	now := time.Now()
	other := &attiov1.Approval{Id: "0b8a6c1e-0000-4000-8000-000000000001", Requester: "apikey:elsewhere",
		Procedure: attiov1connect.RecordServiceDeleteRecordProcedure, State: attiov1.ApprovalState_APPROVAL_STATE_PENDING,
		CreatedAt: timestamppb.New(now), ExpiresAt: timestamppb.New(now.Add(time.Hour)), Summary: "from another replica"}
	if err := e.store.Create(t.Context(), other, now.Add(2*time.Hour), 0); err != nil {
		t.Fatal(err)
	}
	until(t, s, "the other replica's approval", func(m *attiov1.WatchApprovalsResponse) bool {
		return m.GetTotal() == 1 && ids(m)[0] == other.GetId()
	})
}

// TestWatchApprovalsBounds: a snapshot holds at most MaxApprovals (the newest), with the true total,
// and the per-caller stream cap refuses a watch beyond it.
func TestWatchApprovalsBounds(t *testing.T) {
	t.Parallel()
	e := newWatchEnv(t, server.ApprovalWatchConfig{Interval: time.Hour, MaxApprovals: 2}, server.StreamLimitsConfig{CallerMaxStreams: 1})
	var want []string
	for _, email := range []string{"cap-1@example.com", "cap-2@example.com", "cap-3@example.com"} {
		want = append([]string{e.requestWrite(t, email)}, want...)
	}
	s := e.watch(t, interceptors.SandboxApproverToken)
	m := until(t, s, "a snapshot", func(*attiov1.WatchApprovalsResponse) bool { return true })
	if got := ids(m); m.GetTotal() != 3 || len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("snapshot %v total %d, want %v total 3", got, m.GetTotal(), want[:2])
	}
	second, err := attiov1connect.NewApprovalServiceClient(e.rpc(protocols[0])).WatchApprovals(caller(interceptors.SandboxApproverToken), &attiov1.WatchApprovalsRequest{})
	if err == nil {
		defer second.Close()
		_, err = second.Receive()
	}
	if connect.CodeOf(err) != connect.CodeResourceExhausted {
		t.Fatalf("second watch of one caller: %v, want ResourceExhausted", err)
	}
}
