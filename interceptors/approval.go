package interceptors

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connectproto"
	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/dynamicpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
)

// ApprovalSecretEnv names the environment variable the approval signing secret is read from (by
// the caller of NewApprovals). Unset, each process draws a random secret: approvals then do not
// survive a restart and replicas cannot redeem each other's tokens.
const ApprovalSecretEnv = "ATTIO_FACADE_APPROVAL_SECRET"

const (
	// DefaultApprovalTTL is how long a pending approval, and then its token, stays valid.
	DefaultApprovalTTL = 10 * time.Minute
	// defaultRetention keeps decided and expired approvals visible (GetApproval) for a while.
	defaultRetention = time.Hour
	approvalIssuer   = "attio-facade/approval"
	minSecretBytes   = 32
	// DefaultMaxPendingApprovals caps one principal's live pending approvals: each holds a summary
	// and changes in the store until it expires, and nobody can review thousands anyway.
	DefaultMaxPendingApprovals = 100
	// MaxSummaryBytes bounds an approval's summary (UTF-8-safe truncation).
	MaxSummaryBytes = 2048
	// MaxChanges bounds the changes an approval lists; the summary says how many were left out.
	MaxChanges = 100
)

// ApprovalOptions configures NewApprovals. Zero values pick the defaults.
type ApprovalOptions struct {
	// Secret signs approval tokens (HS256); at least 32 bytes. Nil draws a random per-process secret.
	Secret []byte
	// TTL bounds a pending approval and, from approval on, its token; default DefaultApprovalTTL.
	TTL time.Duration
	// AllowSelfApproval lets a principal approve its own pending writes through ApprovalService.
	AllowSelfApproval bool
	// Store keeps approvals; default an in-memory store.
	Store ApprovalStore
	// UsedTokens records consumed tokens; default an in-memory store.
	UsedTokens UsedTokenStore
	// Describer explains writes; default FallbackDescriber.
	Describer Describer
	// Audit records every write decision; nil discards.
	Audit *AuditLog
	// Now is the clock; nil uses time.Now.
	Now func() time.Time
	// Retention keeps decided or expired approvals visible after their expiry; default 1h.
	Retention time.Duration
	// MaxPending caps each principal's live pending approvals (ResourceExhausted beyond it);
	// default DefaultMaxPendingApprovals, negative for no cap.
	MaxPending int
}

// Approvals enforces approval tokens on writes (Interceptor) and decides on pending writes (the
// methods behind ApprovalService).
type Approvals struct {
	feed      *changeFeed
	secret    []byte
	signer    jose.Signer
	ttl       time.Duration
	retention time.Duration
	self      bool
	store     ApprovalStore
	used      UsedTokenStore
	describer Describer
	audit     *AuditLog
	now       func() time.Time
	// maxPending is the per-principal cap on pending approvals (0: none).
	maxPending int
}

// NewApprovals returns the approval machinery configured by opts.
func NewApprovals(opts ApprovalOptions) (*Approvals, error) {
	a := &Approvals{
		secret: opts.Secret, ttl: opts.TTL, retention: opts.Retention, self: opts.AllowSelfApproval,
		store: opts.Store, used: opts.UsedTokens, describer: opts.Describer, audit: opts.Audit, now: opts.Now,
		maxPending: opts.MaxPending,
	}
	switch {
	case a.maxPending == 0:
		a.maxPending = DefaultMaxPendingApprovals
	case a.maxPending < 0:
		a.maxPending = 0
	}
	if a.now == nil {
		a.now = time.Now
	}
	if a.ttl <= 0 {
		a.ttl = DefaultApprovalTTL
	}
	if a.retention <= 0 {
		a.retention = defaultRetention
	}
	if a.store == nil {
		a.store = NewMemoryApprovalStore(a.now)
	}
	a.feed = newChangeFeed()
	a.store = notifyingStore{ApprovalStore: a.store, feed: a.feed}
	if a.used == nil {
		a.used = NewMemoryUsedTokens(a.now)
	}
	if a.describer == nil {
		a.describer = FallbackDescriber{}
	}
	if a.audit == nil {
		a.audit = NewAuditLog(nil)
	}
	if len(a.secret) == 0 {
		a.secret = make([]byte, minSecretBytes)
		rand.Read(a.secret)
	} else if len(a.secret) < minSecretBytes {
		return nil, fmt.Errorf("approval secret must be at least %d bytes", minSecretBytes)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: a.secret}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return nil, fmt.Errorf("approval signer: %w", err)
	}
	a.signer = signer
	return a, nil
}

// RequestDigest is the hex SHA-256 of procedure and the deterministic protobuf encoding of msg: the
// identity of "this exact write" that an approval token is bound to.
func RequestDigest(procedure string, msg proto.Message) (string, error) {
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(msg)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	h.Write([]byte(procedure))
	h.Write([]byte{0})
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Interceptor guards every write (IsWrite): it reads the request before the handler runs, then
// lets the write through only with a valid, unused approval token for exactly this request and
// caller (header Attio-Approval), or under the caller's auto-approve policy. Otherwise it creates
// (or reuses) a pending approval and fails with FailedPrecondition carrying attio.v1.ApprovalRequired.
// Bad tokens fail with PermissionDenied. It needs the principal (place it after the authenticator)
// and should run after request validation, so invalid writes fail before asking for approval.
func (a *Approvals) Interceptor() connect.ServerInterceptor {
	return func(next connect.ServerFunc) connect.ServerFunc {
		return func(ctx context.Context, spec connect.Spec, stream connect.ServerStream) error {
			proc, ok := LookupProcedure(spec.Procedure)
			if !ok || !proc.Write {
				return next(ctx, spec, stream)
			}
			p := PrincipalFrom(ctx)
			if p == nil {
				return connect.NewError(connect.CodeUnauthenticated, "writes need an authenticated caller")
			}
			// A client-streaming write (an upload) is approved by its first message, which must pin
			// the rest (FileService.UploadFile's header carries the content's size and SHA-256, and
			// the handler refuses chunks that do not match it). Server and bidi streams have no
			// such request to bind an approval to.
			if spec.StreamType != connect.StreamTypeUnary && spec.StreamType != connect.StreamTypeClient {
				return connect.NewError(connect.CodeUnimplemented, "streaming writes cannot be approved")
			}
			info, _ := connect.CallInfoForServerContext(ctx)
			var conn, token string
			if info != nil {
				conn = info.RequestHeader().Get(HeaderConnection)
				token = info.RequestHeader().Get(HeaderApproval)
			}
			req, err := newRequestMessage(spec)
			if err != nil {
				return err
			}
			if err := stream.Receive(req); err != nil {
				return err
			}
			digest, err := RequestDigest(spec.Procedure, req)
			if err != nil {
				return connect.NewError(connect.CodeInternal, "cannot digest request").WithCause(err)
			}
			ev := AuditEvent{Principal: p.ID(), Procedure: spec.Procedure, Connection: conn, Digest: digest}
			var redeemed *attiov1.Approval
			switch {
			case token != "":
				id, rec, reason, err := a.redeem(ctx, token, p.ID(), spec.Procedure, conn, digest)
				ev.ApprovalID = id
				if err != nil {
					// Fail closed: without the shared state nothing proves the token unused.
					ev.Decision, ev.Reason = DecisionRefused, "approval store unavailable"
					a.audit.Record(ctx, ev)
					return connect.NewError(connect.CodeUnavailable, "approval store unavailable; the token was not spent, retry later").WithCause(err)
				}
				if reason != "" {
					ev.Decision, ev.Reason = DecisionRefused, reason
					a.audit.Record(ctx, ev)
					return connect.NewError(connect.CodePermissionDenied, "approval token refused: "+reason)
				}
				redeemed = rec
			case p.AutoApprove && (!proc.Delete || p.AutoApproveDeletes):
				ev.Decision = DecisionAutoApproved
				a.audit.Record(ctx, ev)
			default:
				return a.requireApproval(ctx, p, proc, conn, digest, req)
			}
			// Deferred so a panicking handler (turned into an error by Recovery, further out) still
			// leaves an executed line: the write may have happened.
			ev.Decision, ev.Reason, ev.Outcome = DecisionExecuted, "", "panic"
			defer func() { a.audit.Record(ctx, ev) }()
			wctx, wlog := attio.WithWriteLog(ctx)
			err = next(wctx, spec, &primedStream{ServerStream: stream, first: req})
			ev.Outcome = "ok"
			if err != nil {
				ev.Outcome = connect.CodeOf(err).String()
				// Only a write that provably never reached Attio gives its token back; anything
				// ambiguous (bytes sent, no clear refusal) keeps it spent, so nothing runs twice.
				if redeemed != nil && !wlog.MayHaveWritten() && a.release(ctx, redeemed) {
					ev.Reason = "nothing reached Attio; the approval token stays valid"
				}
			}
			return err
		}
	}
}

// newRequestMessage makes an empty request message of the procedure's concrete generated type, so
// the handler's Receive can take a plain copy.
func newRequestMessage(spec connect.Spec) (proto.Message, error) {
	md, ok := spec.Schema.(protoreflect.MethodDescriptor)
	if !ok {
		return nil, connect.NewError(connect.CodeInternal, "procedure has no protobuf schema")
	}
	if mt, err := protoregistry.GlobalTypes.FindMessageByName(md.Input().FullName()); err == nil {
		return mt.New().Interface(), nil
	}
	return dynamicpb.NewMessage(md.Input()), nil
}

// primedStream hands the handler the request the interceptor already received.
type primedStream struct {
	connect.ServerStream
	first proto.Message
}

func (s *primedStream) Receive(msg any) error {
	if s.first == nil {
		return s.ServerStream.Receive(msg)
	}
	dst, ok := msg.(proto.Message)
	if !ok || dst.ProtoReflect().Descriptor().FullName() != s.first.ProtoReflect().Descriptor().FullName() {
		return connect.NewError(connect.CodeInternal, "unexpected request type")
	}
	proto.Reset(dst)
	proto.Merge(dst, s.first)
	s.first = nil
	return nil
}

type approvalClaims struct {
	jwt.Claims
	Procedure  string `json:"proc"`
	Connection string `json:"conn"`
	Digest     string `json:"dig"`
}

// redeem checks token against this call and consumes it. It returns the approval id when known and
// a refusal reason ("" = accepted). Reasons are safe to show: they never contain the token. A
// non-nil error means a store could not answer: the caller fails closed with Unavailable.
func (a *Approvals) redeem(ctx context.Context, token, principal, procedure, conn, digest string) (id string, approved *attiov1.Approval, reason string, _ error) {
	id, c, reason := a.verify(token)
	if reason != "" {
		return id, nil, reason, nil
	}
	now := a.now()
	if err := c.ValidateWithLeeway(jwt.Expected{Issuer: approvalIssuer, Time: now}, 0); err != nil {
		if errors.Is(err, jwt.ErrExpired) {
			return id, nil, "token expired", nil
		}
		return id, nil, "invalid token", nil
	}
	if c.Subject != principal {
		return id, nil, "token was issued to another principal", nil
	}
	if c.Procedure != procedure || c.Connection != conn || c.Digest != digest {
		return id, nil, "token was issued for a different request", nil
	}
	rec, err := a.store.Get(ctx, id)
	if errors.Is(err, ErrApprovalNotFound) {
		return id, nil, "approval is no longer known", nil
	} else if err != nil {
		return id, nil, "", err
	}
	if rec.GetState() != attiov1.ApprovalState_APPROVAL_STATE_APPROVED {
		if rec.GetState() == attiov1.ApprovalState_APPROVAL_STATE_USED {
			return id, nil, "token already used", nil
		}
		return id, nil, "approval was withdrawn", nil
	}
	first, err := a.used.MarkUsed(ctx, id, c.Expiry.Time())
	if err != nil {
		return id, nil, "", err
	}
	if !first {
		return id, nil, "token already used", nil
	}
	next := proto.CloneOf(rec)
	next.State = attiov1.ApprovalState_APPROVAL_STATE_USED
	// The store's compare-and-set is the final arbiter, so a concurrent Deny wins cleanly.
	ok, err := a.store.Transition(ctx, attiov1.ApprovalState_APPROVAL_STATE_APPROVED, next, a.retainUntil(next))
	if err != nil && !errors.Is(err, ErrApprovalNotFound) {
		// Best effort: nothing was written, so the token should stay good once the store is back.
		_ = a.used.Release(context.WithoutCancel(ctx), id)
		return id, nil, "", err
	}
	if !ok {
		return id, nil, "approval was withdrawn", nil
	}
	return id, rec, "", nil
}

// maxTokenBytes bounds what verify parses: a real token is a few hundred bytes.
const maxTokenBytes = 4096

// verify parses token and checks its signature and required claims; it returns the approval id
// when known and a refusal reason ("" = verified). Time and binding are checked by the caller.
func (a *Approvals) verify(token string) (id string, c approvalClaims, reason string) {
	if len(token) > maxTokenBytes {
		return "", c, "malformed token"
	}
	tok, err := jwt.ParseSigned(token, []jose.SignatureAlgorithm{jose.HS256})
	if err != nil {
		return "", c, "malformed token"
	}
	if err := tok.Claims(a.secret, &c); err != nil {
		return "", approvalClaims{}, "invalid signature"
	}
	if c.Expiry == nil || c.ID == "" {
		return c.ID, c, "invalid token"
	}
	return c.ID, c, ""
}

// release undoes a redeem whose write provably never reached Attio: the approval is APPROVED again
// and its token unused, so the caller can retry with it. It reports whether that worked; when the
// store refuses (e.g. the approval was purged), the token simply stays spent.
func (a *Approvals) release(ctx context.Context, approved *attiov1.Approval) bool {
	used := proto.CloneOf(approved)
	used.State = attiov1.ApprovalState_APPROVAL_STATE_USED
	// Detached: the caller's deadline may be what failed the write, and the undo must still happen.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if ok, err := a.store.Transition(ctx, attiov1.ApprovalState_APPROVAL_STATE_USED, approved, a.retainUntil(approved)); err != nil || !ok {
		return false
	}
	return a.used.Release(ctx, approved.GetId()) == nil
}

func (a *Approvals) retainUntil(ap *attiov1.Approval) time.Time {
	return ap.GetExpiresAt().AsTime().Add(a.retention)
}

// requireApproval refuses the write, pointing at a pending approval for it.
func (a *Approvals) requireApproval(ctx context.Context, p *Principal, proc Procedure, conn, digest string, req proto.Message) error {
	ap, err := a.store.FindOpen(ctx, WriteKey{Requester: p.ID(), Procedure: proc.Name, Connection: conn, Digest: digest})
	if err != nil {
		return connect.NewError(connect.CodeUnavailable, "approval store unavailable").WithCause(err)
	}
	ev := AuditEvent{Principal: p.ID(), Procedure: proc.Name, Connection: conn, Digest: digest, Decision: DecisionRequested}
	if ap == nil {
		summary, changes, err := a.describer.Describe(ctx, proc.Name, req)
		if err != nil {
			if ce := (*connect.Error)(nil); errors.As(err, &ce) && !ce.IsRemote() {
				ev.Decision, ev.Reason = DecisionRefused, "describe: "+ce.Code().String()
				a.audit.Record(ctx, ev)
				return ce
			}
			summary, changes, _ = FallbackDescriber{}.Describe(ctx, proc.Name, req)
			summary += " (current state unavailable)"
		}
		summary, changes = boundDescription(summary, changes)
		now := a.now()
		ap = &attiov1.Approval{
			Id: newUUID(), Procedure: proc.Name, Requester: p.ID(), Connection: conn, RequestDigest: digest,
			Summary: summary, Changes: changes, State: attiov1.ApprovalState_APPROVAL_STATE_PENDING,
			CreatedAt: timestamppb.New(now), ExpiresAt: timestamppb.New(now.Add(a.ttl)),
		}
		if err := a.store.Create(ctx, ap, a.retainUntil(ap), a.maxPending); errors.Is(err, ErrTooManyPending) {
			ev.Decision, ev.Reason = DecisionRefused, "too many pending approvals"
			a.audit.Record(ctx, ev)
			return connect.NewError(connect.CodeResourceExhausted, fmt.Sprintf(
				"you have %d pending approvals, the most allowed: wait until some are decided or expire", a.maxPending))
		} else if err != nil {
			return connect.NewError(connect.CodeUnavailable, "approval store unavailable").WithCause(err)
		}
	}
	ev.ApprovalID = ap.GetId()
	a.audit.Record(ctx, ev)
	detail, err := connectproto.NewErrorDetail(&attiov1.ApprovalRequired{
		ApprovalId: ap.GetId(), Summary: ap.GetSummary(), Changes: ap.GetChanges(), ExpiresAt: ap.GetExpiresAt(),
		Procedure: proc.Name, RequestDigest: digest,
	})
	if err != nil {
		return connect.NewError(connect.CodeInternal, "cannot encode approval detail").WithCause(err)
	}
	var msg string
	switch {
	case ap.GetState() == attiov1.ApprovalState_APPROVAL_STATE_APPROVED:
		msg = fmt.Sprintf("write already approved (approval %s): fetch its token with ApprovalService.GetApproval and repeat the identical call with the %s header", ap.GetId(), HeaderApproval)
	case proc.Delete && p.AutoApprove:
		msg = fmt.Sprintf("deletes are permanent and need a second person even for auto-approving principals: another principal with the approve scope must approve %s (ApprovalService.Approve); then fetch the token with GetApproval and repeat the identical call with the %s header", ap.GetId(), HeaderApproval)
	default:
		msg = fmt.Sprintf("write needs approval: another principal with the approve scope must approve %s (ApprovalService.Approve); then fetch the token with GetApproval and repeat the identical call with the %s header", ap.GetId(), HeaderApproval)
	}
	return connect.NewError(connect.CodeFailedPrecondition, msg).WithDetail(detail)
}

// newUUID returns a random (version 4) UUID; ApprovalService validates ids as UUIDs.
func newUUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
