package redisstore_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connecthttp"
	"google.golang.org/protobuf/types/known/timestamppb"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
	"github.com/attio-facade/attio-facade/interceptors"
	"github.com/attio-facade/attio-facade/redisstore"
	"github.com/attio-facade/attio-facade/server"
)

// TestWatchApprovalsAcrossReplicas: two replicas share approvals in Redis; a watch on one sees an
// approval created on the other and its approval there, which no in-process feed announces: the
// watch's poll of the store at its interval does.
func TestWatchApprovalsAcrossReplicas(t *testing.T) {
	t.Parallel()
	s, _ := open(t, redisstore.Options{})
	replica := func() *interceptors.Approvals {
		a, err := interceptors.NewApprovals(interceptors.ApprovalOptions{Store: s.Approvals(), UsedTokens: s.UsedTokens(),
			Secret: []byte("0123456789abcdef0123456789abcdef")})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	a, b := replica(), replica()
	auth, err := interceptors.NewAuthenticator(nil, interceptors.AuthenticatorOptions{Sandbox: true})
	if err != nil {
		t.Fatal(err)
	}
	srv := connect.NewServer(auth.Interceptor())
	attiov1connect.RegisterApprovalServiceHandler(srv, server.NewApprovalService(a).WithWatch(server.ApprovalWatchConfig{Interval: 10 * time.Millisecond}))
	mux := http.NewServeMux()
	connecthttp.Mount(mux, srv)
	hs := httptest.NewServer(mux)
	t.Cleanup(hs.Close)

	ctx, info := connect.NewClientContext(t.Context())
	info.RequestHeader().Set("Authorization", "Bearer "+interceptors.SandboxWriterToken)
	w, err := attiov1connect.NewApprovalServiceClient(connect.NewClient(connecthttp.NewTransport(hs.Client(), hs.URL))).
		WatchApprovals(ctx, &attiov1.WatchApprovalsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	next := func(what string, ok func(*attiov1.WatchApprovalsResponse) bool) {
		t.Helper()
		for {
			m, err := w.Receive()
			if err != nil {
				t.Fatalf("watch ended before %s: %v", what, err)
			}
			if ok(m) {
				return
			}
		}
	}
	next("the empty snapshot", func(m *attiov1.WatchApprovalsResponse) bool { return m.GetTotal() == 0 })
	now := time.Now()
	ap := approval("5f1f3c3e-7c5a-4b8e-9d1a-2f0e4b6c8a10", "apikey:sandbox-writer", pending, now.Add(time.Hour))
	ap.CreatedAt = timestamppb.New(now)
	if err := s.Approvals().Create(t.Context(), ap, now.Add(2*time.Hour), 0); err != nil { // replica b's write
		t.Fatal(err)
	}
	next("the pending approval", func(m *attiov1.WatchApprovalsResponse) bool {
		return m.GetTotal() == 1 && m.GetApprovals()[0].GetState() == pending
	})
	approver := &interceptors.Principal{Kind: interceptors.KindAPIKey, Name: "sandbox-approver", Scopes: []interceptors.Scope{interceptors.ScopeApprove}}
	if _, err := b.Approve(t.Context(), approver, ap.GetId()); err != nil {
		t.Fatal(err)
	}
	next("its approval on the other replica", func(m *attiov1.WatchApprovalsResponse) bool {
		return m.GetTotal() == 1 && m.GetApprovals()[0].GetState() == approved
	})
}
