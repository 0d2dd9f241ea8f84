package interceptors

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"connectrpc.com/connect/v2"
	"github.com/go-jose/go-jose/v4/jwt"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
)

// effectiveState reports EXPIRED for undecided or unused approvals past their expiry.
func (a *Approvals) effectiveState(ap *attiov1.Approval) attiov1.ApprovalState {
	st := ap.GetState()
	if (st == attiov1.ApprovalState_APPROVAL_STATE_PENDING || st == attiov1.ApprovalState_APPROVAL_STATE_APPROVED) &&
		!a.now().Before(ap.GetExpiresAt().AsTime()) {
		return attiov1.ApprovalState_APPROVAL_STATE_EXPIRED
	}
	return st
}

func (a *Approvals) visible(p *Principal, ap *attiov1.Approval) bool {
	return p != nil && (ap.GetRequester() == p.ID() || (p.Has(ScopeApprove) && p.MayUse(ap.GetConnection())))
}

// present returns a copy of ap as p may see it: effective state, and the token only for the
// requester of an approved, unexpired write.
func (a *Approvals) present(p *Principal, ap *attiov1.Approval, withToken bool) (*attiov1.Approval, error) {
	out := proto.CloneOf(ap)
	out.State = a.effectiveState(ap)
	out.Token = ""
	if withToken && out.State == attiov1.ApprovalState_APPROVAL_STATE_APPROVED && ap.GetRequester() == p.ID() {
		tok, err := a.mint(ap)
		if err != nil {
			return nil, connect.NewError(connect.CodeInternal, "cannot sign approval token").WithCause(err)
		}
		out.Token = tok
	}
	return out, nil
}

// mint signs the token of an approved approval. It is a pure function of the stored approval, so
// the store never holds a token and every replica with the secret mints the same one.
func (a *Approvals) mint(ap *attiov1.Approval) (string, error) {
	c := approvalClaims{
		Claims: jwt.Claims{
			Issuer: approvalIssuer, Subject: ap.GetRequester(), ID: ap.GetId(),
			Expiry: jwt.NewNumericDate(ap.GetExpiresAt().AsTime()),
		},
		Procedure: ap.GetProcedure(), Connection: ap.GetConnection(), Digest: ap.GetRequestDigest(),
	}
	return jwt.Signed(a.signer).Claims(c).Serialize()
}

func (a *Approvals) load(ctx context.Context, p *Principal, id string) (*attiov1.Approval, error) {
	ap, err := a.store.Get(ctx, id)
	if errors.Is(err, ErrApprovalNotFound) || (err == nil && !a.visible(p, ap)) {
		// Invisible approvals look absent, so ids cannot be probed.
		return nil, connect.NewError(connect.CodeNotFound, "approval not found")
	}
	if err != nil {
		return nil, connect.NewError(connect.CodeUnavailable, "approval store unavailable").WithCause(err)
	}
	return ap, nil
}

// List returns the live (pending or approved, unexpired) approvals p may see: its own, plus all on
// connections it may use when it holds the approve scope. Oldest first; never with tokens.
func (a *Approvals) List(ctx context.Context, p *Principal) ([]*attiov1.Approval, error) {
	all, err := a.store.List(ctx)
	if err != nil {
		return nil, connect.NewError(connect.CodeUnavailable, "approval store unavailable").WithCause(err)
	}
	out := make([]*attiov1.Approval, 0, len(all))
	for _, ap := range all {
		st := a.effectiveState(ap)
		if a.visible(p, ap) && (st == attiov1.ApprovalState_APPROVAL_STATE_PENDING || st == attiov1.ApprovalState_APPROVAL_STATE_APPROVED) {
			v, _ := a.present(p, ap, false)
			out = append(out, v)
		}
	}
	slices.SortFunc(out, func(x, y *attiov1.Approval) int {
		if c := x.GetCreatedAt().AsTime().Compare(y.GetCreatedAt().AsTime()); c != 0 {
			return c
		}
		return strings.Compare(x.GetId(), y.GetId())
	})
	return out, nil
}

// Get returns one approval; the requester of an approved write sees its token.
func (a *Approvals) Get(ctx context.Context, p *Principal, id string) (*attiov1.Approval, error) {
	ap, err := a.load(ctx, p, id)
	if err != nil {
		return nil, err
	}
	return a.present(p, ap, true)
}

// Approve approves a pending write. p needs the approve scope, access to the write's connection
// and, unless self-approval is allowed, must not be the requester. The token's lifetime (TTL)
// starts now. The returned approval never carries the token.
func (a *Approvals) Approve(ctx context.Context, p *Principal, id string) (*attiov1.Approval, error) {
	return a.decide(ctx, p, id, true, "")
}

// Deny refuses a pending write, or withdraws an approved but unused one. p needs the approve scope.
func (a *Approvals) Deny(ctx context.Context, p *Principal, id, reason string) (*attiov1.Approval, error) {
	return a.decide(ctx, p, id, false, reason)
}

func (a *Approvals) decide(ctx context.Context, p *Principal, id string, approve bool, reason string) (*attiov1.Approval, error) {
	if !p.Has(ScopeApprove) {
		return nil, connect.NewError(connect.CodePermissionDenied, "deciding on approvals needs the approve scope")
	}
	ap, err := a.load(ctx, p, id)
	if err != nil {
		return nil, err
	}
	ev := AuditEvent{
		Principal: p.ID(), Requester: ap.GetRequester(), Procedure: ap.GetProcedure(),
		Connection: ap.GetConnection(), Digest: ap.GetRequestDigest(), ApprovalID: ap.GetId(),
	}
	st := a.effectiveState(ap)
	from := attiov1.ApprovalState_APPROVAL_STATE_PENDING
	if !approve && st == attiov1.ApprovalState_APPROVAL_STATE_APPROVED {
		from = st
	}
	if st != from {
		return nil, connect.NewError(connect.CodeFailedPrecondition,
			fmt.Sprintf("approval is %s", strings.ToLower(strings.TrimPrefix(st.String(), "APPROVAL_STATE_"))))
	}
	if approve && ap.GetRequester() == p.ID() && !a.self {
		ev.Decision, ev.Reason = DecisionRefused, "self-approval"
		a.audit.Record(ctx, ev)
		return nil, connect.NewError(connect.CodePermissionDenied, "a write must be approved by a principal other than its requester")
	}
	next := proto.CloneOf(ap)
	next.DecidedBy = p.ID()
	if approve {
		next.State = attiov1.ApprovalState_APPROVAL_STATE_APPROVED
		next.ExpiresAt = timestamppb.New(a.now().Add(a.ttl))
		ev.Decision = DecisionApproved
	} else {
		next.State = attiov1.ApprovalState_APPROVAL_STATE_DENIED
		next.Reason = reason
		ev.Decision, ev.Reason = DecisionDenied, reason
	}
	ok, err := a.store.Transition(ctx, from, next, a.retainUntil(next))
	if err != nil {
		return nil, connect.NewError(connect.CodeUnavailable, "approval store unavailable").WithCause(err)
	}
	if !ok {
		return nil, connect.NewError(connect.CodeAborted, "approval was decided concurrently; fetch it again")
	}
	a.audit.Record(ctx, ev)
	return a.present(p, next, false)
}
