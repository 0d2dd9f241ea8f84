package server

import (
	"context"

	"connectrpc.com/connect/v2"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
	"github.com/attio-facade/attio-facade/interceptors"
)

// ApprovalService serves attio.v1.ApprovalService over the interceptors' approval machinery; the
// authenticator has already checked the procedure's scope, the methods re-check what depends on
// the approval itself (requester, connection, state).
type ApprovalService struct {
	approvals *interceptors.Approvals
	watch     ApprovalWatchConfig
}

var _ attiov1connect.ApprovalServiceHandler = (*ApprovalService)(nil)

// NewApprovalService returns the handler for Options.Approvals.
func NewApprovalService(approvals *interceptors.Approvals) *ApprovalService {
	return (&ApprovalService{approvals: approvals}).WithWatch(ApprovalWatchConfig{})
}

func caller(ctx context.Context) (*interceptors.Principal, error) {
	p := interceptors.PrincipalFrom(ctx)
	if p == nil {
		return nil, connect.NewError(connect.CodeUnauthenticated, "approvals need an authenticated caller")
	}
	return p, nil
}

// ListApprovals implements attiov1connect.ApprovalServiceHandler.
func (s *ApprovalService) ListApprovals(ctx context.Context, req *attiov1.ListApprovalsRequest) (*attiov1.ListApprovalsResponse, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	list, next, err := pageWhole(ctx, attiov1connect.ApprovalServiceListApprovalsProcedure, req, func() ([]*attiov1.Approval, error) {
		return s.approvals.List(ctx, p)
	}, func(a **attiov1.Approval) *attiov1.Approval { return *a })
	if err != nil {
		return nil, err
	}
	return &attiov1.ListApprovalsResponse{Approvals: list, NextPageToken: next}, nil
}

// GetApproval implements attiov1connect.ApprovalServiceHandler.
func (s *ApprovalService) GetApproval(ctx context.Context, req *attiov1.GetApprovalRequest) (*attiov1.GetApprovalResponse, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	ap, err := s.approvals.Get(ctx, p, req.GetApprovalId())
	if err != nil {
		return nil, err
	}
	return &attiov1.GetApprovalResponse{Approval: ap}, nil
}

// Approve implements attiov1connect.ApprovalServiceHandler.
func (s *ApprovalService) Approve(ctx context.Context, req *attiov1.ApproveRequest) (*attiov1.ApproveResponse, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	ap, err := s.approvals.Approve(ctx, p, req.GetApprovalId())
	if err != nil {
		return nil, err
	}
	return &attiov1.ApproveResponse{Approval: ap}, nil
}

// Deny implements attiov1connect.ApprovalServiceHandler.
func (s *ApprovalService) Deny(ctx context.Context, req *attiov1.DenyRequest) (*attiov1.DenyResponse, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	ap, err := s.approvals.Deny(ctx, p, req.GetApprovalId(), req.GetReason())
	if err != nil {
		return nil, err
	}
	return &attiov1.DenyResponse{Approval: ap}, nil
}
