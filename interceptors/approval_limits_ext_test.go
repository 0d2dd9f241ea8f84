package interceptors_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connecthttp"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
	"github.com/attio-facade/attio-facade/interceptors"
)

// okRecords accepts every create.
type okRecords struct {
	attiov1connect.UnimplementedRecordServiceHandler
}

func (okRecords) CreateRecord(context.Context, *attiov1.CreateRecordRequest) (*attiov1.CreateRecordResponse, error) {
	return &attiov1.CreateRecordResponse{}, nil
}

// principalHeader stands in for authentication: the caller names itself in X-Test-Principal.
func principalHeader(next connect.ServerFunc) connect.ServerFunc {
	return func(ctx context.Context, spec connect.Spec, stream connect.ServerStream) error {
		info, _ := connect.CallInfoForServerContext(ctx)
		name := info.RequestHeader().Get("X-Test-Principal")
		return next(interceptors.WithPrincipal(ctx, &interceptors.Principal{Name: name,
			Scopes: []interceptors.Scope{interceptors.ScopeRead, interceptors.ScopeWrite}}), spec, stream)
	}
}

// approvalsServer serves RecordService behind the approval interceptor configured by opts.
func approvalsServer(t *testing.T, opts interceptors.ApprovalOptions) (*interceptors.Approvals, attiov1connect.RecordServiceClient) {
	t.Helper()
	opts.Secret = []byte(testSecret)
	a, err := interceptors.NewApprovals(opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := connect.NewServer(principalHeader, a.Interceptor())
	attiov1connect.RegisterRecordServiceHandler(srv, okRecords{})
	mux := http.NewServeMux()
	connecthttp.Mount(mux, srv)
	hs := httptest.NewServer(mux)
	t.Cleanup(hs.Close)
	return a, attiov1connect.NewRecordServiceClient(connect.NewClient(connecthttp.NewTransport(hs.Client(), hs.URL)))
}

func as(name string) context.Context {
	ctx, info := connect.NewClientContext(context.Background())
	info.RequestHeader().Set("X-Test-Principal", name)
	return ctx
}

func createIn(object string) *attiov1.CreateRecordRequest {
	return &attiov1.CreateRecordRequest{Object: object}
}

// TestPendingApprovalCap: a principal may hold MaxPending pending approvals; one more is
// ResourceExhausted and stores nothing, while repeating a pending write and other principals'
// writes still work, and a decision frees a place.
func TestPendingApprovalCap(t *testing.T) {
	t.Parallel()
	store := interceptors.NewMemoryApprovalStore(nil)
	a, rec := approvalsServer(t, interceptors.ApprovalOptions{MaxPending: 3, Store: store, AllowSelfApproval: true})
	var first string
	for i := range 3 {
		_, err := rec.CreateRecord(as("w1"), createIn(fmt.Sprintf("obj_%d", i)))
		ar := approvalRequired(t, err)
		if i == 0 {
			first = ar.GetApprovalId()
		}
	}
	_, err := rec.CreateRecord(as("w1"), createIn("obj_3"))
	if connect.CodeOf(err) != connect.CodeResourceExhausted {
		t.Fatalf("write beyond the cap: %v, want ResourceExhausted", err)
	}
	if all, _ := store.List(t.Context()); len(all) != 3 {
		t.Fatalf("store holds %d approvals, want 3", len(all))
	}
	if again := approvalRequired(t, func() error { _, err := rec.CreateRecord(as("w1"), createIn("obj_0")); return err }()); again.GetApprovalId() != first {
		t.Fatalf("repeating a pending write at the cap: approval %s, want %s", again.GetApprovalId(), first)
	}
	approvalRequired(t, func() error { _, err := rec.CreateRecord(as("w2"), createIn("obj_3")); return err }())
	approver := &interceptors.Principal{Name: "boss", Scopes: []interceptors.Scope{interceptors.ScopeApprove}}
	if _, err := a.Deny(t.Context(), approver, first, "no"); err != nil {
		t.Fatal(err)
	}
	approvalRequired(t, func() error { _, err := rec.CreateRecord(as("w1"), createIn("obj_3")); return err }())
}

// TestWriteLookupDoesNotScan: a write finds its open approval and checks the pending cap by index:
// the entries it reads do not grow with the approvals stored for others.
func TestWriteLookupDoesNotScan(t *testing.T) {
	t.Parallel()
	cost := func(stored int) int {
		store := interceptors.NewMemoryApprovalStore(nil)
		now := time.Now()
		for i := range stored {
			ap := &attiov1.Approval{Id: fmt.Sprintf("other-%d", i), Requester: fmt.Sprintf("p%d", i%50),
				Procedure: attiov1connect.RecordServiceCreateRecordProcedure, RequestDigest: fmt.Sprint(i),
				State: attiov1.ApprovalState_APPROVAL_STATE_PENDING, ExpiresAt: timestamppb.New(now.Add(time.Hour))}
			if err := store.Create(t.Context(), ap, now.Add(2*time.Hour), 0); err != nil {
				t.Fatal(err)
			}
		}
		_, rec := approvalsServer(t, interceptors.ApprovalOptions{Store: store})
		before := store.Lookups()
		for range 2 { // a new write, then its retry (which finds the open approval)
			_, err := rec.CreateRecord(as("writer"), createIn("people"))
			approvalRequired(t, err)
		}
		return store.Lookups() - before
	}
	small, large := cost(10), cost(20000)
	if large != small || large > 4 {
		t.Fatalf("entries read per write: %d with 10 stored, %d with 20000; want the same small number", small, large)
	}
}

// TestApprovalDescriptionBounded: whatever a describer returns, the stored approval and the error
// carry a bounded, valid UTF-8 summary and at most MaxChanges changes.
func TestApprovalDescriptionBounded(t *testing.T) {
	t.Parallel()
	huge := strings.Repeat("é", 1<<20) // 2 MiB of two-byte runes
	describer := interceptors.DescriberFunc(func(context.Context, string, proto.Message) (string, []*attiov1.FieldChange, error) {
		changes := make([]*attiov1.FieldChange, 10000)
		after := "x" + huge // odd offset: the cut lands inside a rune
		for i := range changes {
			changes[i] = &attiov1.FieldChange{Field: huge, Before: huge, After: after}
		}
		return huge, changes, nil
	})
	_, rec := approvalsServer(t, interceptors.ApprovalOptions{Describer: describer})
	_, err := rec.CreateRecord(as("writer"), createIn("people"))
	ar := approvalRequired(t, err)
	if n := len(ar.GetSummary()); n > interceptors.MaxSummaryBytes+100 || !utf8.ValidString(ar.GetSummary()) || !strings.Contains(ar.GetSummary(), "9900 more") {
		t.Fatalf("summary of %d bytes (valid UTF-8 %v): %.80q", n, utf8.ValidString(ar.GetSummary()), ar.GetSummary())
	}
	if len(ar.GetChanges()) != interceptors.MaxChanges {
		t.Fatalf("%d changes, want %d", len(ar.GetChanges()), interceptors.MaxChanges)
	}
	for _, c := range ar.GetChanges() {
		for _, s := range []string{c.GetField(), c.GetBefore(), c.GetAfter()} {
			if len(s) > 210 || !utf8.ValidString(s) {
				t.Fatalf("change text of %d bytes, valid UTF-8 %v", len(s), utf8.ValidString(s))
			}
		}
	}
	if size := proto.Size(ar); size > 100<<10 {
		t.Fatalf("ApprovalRequired is %d bytes", size)
	}
}
