package server_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connecthttp"
	"connectrpc.com/connect/v2/connectproto"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
	"github.com/attio-facade/attio-facade/interceptors"
	"github.com/attio-facade/attio-facade/internal/testkit"
	"github.com/attio-facade/attio-facade/server"
)

type countingRecords struct {
	attiov1connect.UnimplementedRecordServiceHandler
	deletes atomic.Int32
}

func (c *countingRecords) DeleteRecord(context.Context, *attiov1.DeleteRecordRequest) (*attiov1.DeleteRecordResponse, error) {
	c.deletes.Add(1)
	return &attiov1.DeleteRecordResponse{}, nil
}

type approvalEnv struct {
	records   *countingRecords
	audit     *testkit.Buffer
	client    *connect.Client
	recordsC  attiov1connect.RecordServiceClient
	approvalC attiov1connect.ApprovalServiceClient
}

func sum(k string) string {
	h := sha256.Sum256([]byte(k))
	return hex.EncodeToString(h[:])
}

func newApprovalEnv(t *testing.T) *approvalEnv {
	t.Helper()
	cfg, err := interceptors.ParseAuthConfig([]byte(`{"api_keys":[
	  {"name":"reader","sha256":"` + sum("key-reader") + `","scopes":["read"]},
	  {"name":"writer","sha256":"` + sum("key-writer") + `","scopes":["read","write"]},
	  {"name":"approver","sha256":"` + sum("key-approver") + `","scopes":["read","approve"]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	e := &approvalEnv{records: &countingRecords{}, audit: &testkit.Buffer{}}
	audit := interceptors.NewAuditLog(slog.New(slog.NewJSONHandler(e.audit, nil)))
	auth, err := interceptors.NewAuthenticator(cfg, interceptors.AuthenticatorOptions{Audit: audit})
	if err != nil {
		t.Fatal(err)
	}
	opts := cfg.ApprovalOptions()
	opts.Audit = audit
	approvals, err := interceptors.NewApprovals(opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := connect.NewServer(auth.Interceptor(), approvals.Interceptor())
	attiov1connect.RegisterRecordServiceHandler(srv, e.records)
	attiov1connect.RegisterApprovalServiceHandler(srv, server.NewApprovalService(approvals))
	mux := http.NewServeMux()
	connecthttp.Mount(mux, srv)
	hs := httptest.NewServer(mux)
	t.Cleanup(hs.Close)
	e.client = connect.NewClient(connecthttp.NewTransport(hs.Client(), hs.URL))
	e.recordsC = attiov1connect.NewRecordServiceClient(e.client)
	e.approvalC = attiov1connect.NewApprovalServiceClient(e.client)
	return e
}

func as(ctx context.Context, key, approval string) context.Context {
	ctx, info := connect.NewClientContext(ctx)
	if key != "" {
		info.RequestHeader().Set("Authorization", "Bearer "+key)
	}
	if approval != "" {
		info.RequestHeader().Set("Attio-Approval", approval)
	}
	return ctx
}

var deleteReq = &attiov1.DeleteRecordRequest{Object: "companies", RecordId: "8f0c7a2e-3b1d-4c5e-9f6a-1b2c3d4e5f60"}

// requestDelete makes the writer's delete and returns the approval id it was refused with.
func (e *approvalEnv) requestDelete(t *testing.T) string {
	t.Helper()
	_, err := e.recordsC.DeleteRecord(as(t.Context(), "key-writer", ""), deleteReq)
	var ce *connect.Error
	if !errors.As(err, &ce) || ce.Code() != connect.CodeFailedPrecondition || len(ce.Details()) != 1 {
		t.Fatalf("unapproved delete: %v", err)
	}
	m, err := connectproto.UnmarshalErrorDetail(ce.Details()[0])
	if err != nil {
		t.Fatal(err)
	}
	return m.(*attiov1.ApprovalRequired).GetApprovalId()
}

func TestApprovalServiceFlow(t *testing.T) {
	t.Parallel()
	e := newApprovalEnv(t)
	ctx := t.Context()
	id := e.requestDelete(t)

	list, err := e.approvalC.ListApprovals(as(ctx, "key-approver", ""), &attiov1.ListApprovalsRequest{})
	if err != nil || len(list.GetApprovals()) != 1 || list.GetApprovals()[0].GetId() != id || !strings.Contains(list.GetApprovals()[0].GetSummary(), "companies") {
		t.Fatalf("approver list: %v %v", list, err)
	}
	approved, err := e.approvalC.Approve(as(ctx, "key-approver", ""), &attiov1.ApproveRequest{ApprovalId: id})
	if err != nil || approved.GetApproval().GetState() != attiov1.ApprovalState_APPROVAL_STATE_APPROVED || approved.GetApproval().GetToken() != "" {
		t.Fatalf("approve: %v %v", approved, err)
	}
	got, err := e.approvalC.GetApproval(as(ctx, "key-writer", ""), &attiov1.GetApprovalRequest{ApprovalId: id})
	token := got.GetApproval().GetToken()
	if err != nil || token == "" {
		t.Fatalf("requester get: %v %v", got, err)
	}
	if _, err := e.recordsC.DeleteRecord(as(ctx, "key-writer", token), deleteReq); err != nil {
		t.Fatalf("approved delete: %v", err)
	}
	if _, err := e.recordsC.DeleteRecord(as(ctx, "key-writer", token), deleteReq); connect.CodeOf(err) != connect.CodePermissionDenied {
		t.Fatalf("replay: %v", err)
	}
	if n := e.records.deletes.Load(); n != 1 {
		t.Fatalf("deletes = %d, want exactly 1", n)
	}
	got, _ = e.approvalC.GetApproval(as(ctx, "key-writer", ""), &attiov1.GetApprovalRequest{ApprovalId: id})
	if got.GetApproval().GetState() != attiov1.ApprovalState_APPROVAL_STATE_USED || got.GetApproval().GetToken() != "" {
		t.Fatalf("after use: %v", got)
	}
	if log := e.audit.String(); strings.Contains(log, token) || strings.Contains(log, "key-writer") || !strings.Contains(log, `"decision":"executed"`) {
		t.Fatalf("audit log:\n%s", log)
	}
}

func TestApprovalServiceAccess(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		call func(t *testing.T, e *approvalEnv, id string) error
		want connect.Code
	}{
		{"anonymous list", func(t *testing.T, e *approvalEnv, _ string) error {
			_, err := e.approvalC.ListApprovals(as(t.Context(), "", ""), &attiov1.ListApprovalsRequest{})
			return err
		}, connect.CodeUnauthenticated},
		{"reader sees none", func(t *testing.T, e *approvalEnv, _ string) error {
			res, err := e.approvalC.ListApprovals(as(t.Context(), "key-reader", ""), &attiov1.ListApprovalsRequest{})
			if err == nil && len(res.GetApprovals()) != 0 {
				t.Fatalf("reader sees %v", res)
			}
			return err
		}, 0},
		{"requester sees its own", func(t *testing.T, e *approvalEnv, id string) error {
			res, err := e.approvalC.ListApprovals(as(t.Context(), "key-writer", ""), &attiov1.ListApprovalsRequest{})
			if err == nil && (len(res.GetApprovals()) != 1 || res.GetApprovals()[0].GetId() != id) {
				t.Fatalf("writer sees %v", res)
			}
			return err
		}, 0},
		{"reader cannot get another's approval", func(t *testing.T, e *approvalEnv, id string) error {
			_, err := e.approvalC.GetApproval(as(t.Context(), "key-reader", ""), &attiov1.GetApprovalRequest{ApprovalId: id})
			return err
		}, connect.CodeNotFound},
		{"writer cannot approve (no approve scope)", func(t *testing.T, e *approvalEnv, id string) error {
			_, err := e.approvalC.Approve(as(t.Context(), "key-writer", ""), &attiov1.ApproveRequest{ApprovalId: id})
			return err
		}, connect.CodePermissionDenied},
		{"unknown id", func(t *testing.T, e *approvalEnv, _ string) error {
			_, err := e.approvalC.Approve(as(t.Context(), "key-approver", ""), &attiov1.ApproveRequest{ApprovalId: "00000000-0000-4000-8000-000000000000"})
			return err
		}, connect.CodeNotFound},
		{"deny", func(t *testing.T, e *approvalEnv, id string) error {
			res, err := e.approvalC.Deny(as(t.Context(), "key-approver", ""), &attiov1.DenyRequest{ApprovalId: id, Reason: "not today"})
			if err != nil {
				return err
			}
			got, err := e.approvalC.GetApproval(as(t.Context(), "key-writer", ""), &attiov1.GetApprovalRequest{ApprovalId: id})
			if res.GetApproval().GetState() != attiov1.ApprovalState_APPROVAL_STATE_DENIED || got.GetApproval().GetToken() != "" ||
				got.GetApproval().GetReason() != "not today" || got.GetApproval().GetDecidedBy() != "apikey:approver" {
				t.Fatalf("after deny: %v / %v", res, got)
			}
			return err
		}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newApprovalEnv(t)
			id := e.requestDelete(t)
			err := tt.call(t, e, id)
			switch {
			case tt.want == 0 && err != nil:
				t.Fatalf("err = %v, want success", err)
			case tt.want != 0 && connect.CodeOf(err) != tt.want:
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if n := e.records.deletes.Load(); n != 0 {
				t.Fatalf("deletes = %d, want 0", n)
			}
		})
	}
}
