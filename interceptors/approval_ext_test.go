package interceptors_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connectproto"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
	"github.com/attio-facade/attio-facade/interceptors"
)

// principal returns the configured principal behind a test key.
func principal(key string) *interceptors.Principal {
	c := testKeys[key]
	return &interceptors.Principal{Kind: interceptors.KindAPIKey, Name: c.Name, Scopes: c.Scopes, Connections: c.Connections,
		AutoApprove: c.AutoApprove, AutoApproveDeletes: c.AutoApproveDeletes}
}

func (e *env) deleteRecord(ctx context.Context, id string) error {
	_, err := e.rec().DeleteRecord(ctx, &attiov1.DeleteRecordRequest{Object: "people", RecordId: id})
	return err
}

// approvalRequired extracts the ApprovalRequired detail of a refused write.
func approvalRequired(t *testing.T, err error) *attiov1.ApprovalRequired {
	t.Helper()
	if connect.CodeOf(err) != connect.CodeFailedPrecondition {
		t.Fatalf("err = %v, want FailedPrecondition", err)
	}
	var ce *connect.Error
	if !errors.As(err, &ce) {
		t.Fatalf("not a connect error: %v", err)
	}
	for _, d := range ce.Details() {
		m, derr := connectproto.UnmarshalErrorDetail(d)
		if derr != nil {
			continue
		}
		if ar, ok := m.(*attiov1.ApprovalRequired); ok {
			return ar
		}
	}
	t.Fatalf("no ApprovalRequired detail in %v", err)
	return nil
}

// approvedToken runs request -> approve -> fetch token for a delete of id by requesterKey.
func (e *env) approvedToken(t *testing.T, requesterKey, conn, id string) (token, approvalID string) {
	t.Helper()
	ar := approvalRequired(t, e.deleteRecord(callCtx(t.Context(), requesterKey, conn, ""), id))
	if _, err := e.approvals.Approve(t.Context(), principal("key-approver"), ar.GetApprovalId()); err != nil {
		t.Fatalf("approve: %v", err)
	}
	ap, err := e.approvals.Get(t.Context(), principal(requesterKey), ar.GetApprovalId())
	if err != nil || ap.GetToken() == "" {
		t.Fatalf("requester cannot fetch the token: %v %v", ap, err)
	}
	return ap.GetToken(), ar.GetApprovalId()
}

func TestApprovalFlow(t *testing.T) {
	t.Parallel()
	used := interceptors.NewMemoryUsedTokens(nil)
	e := newEnv(t, envOptions{used: used})
	ctx := t.Context()

	// 1. The write is refused with everything an approver needs.
	err := e.deleteRecord(callCtx(ctx, "key-writer", "", ""), recordA)
	ar := approvalRequired(t, err)
	wantDigest, _ := interceptors.RequestDigest(attiov1connect.RecordServiceDeleteRecordProcedure,
		&attiov1.DeleteRecordRequest{Object: "people", RecordId: recordA})
	if ar.GetApprovalId() == "" || ar.GetRequestDigest() != wantDigest ||
		ar.GetProcedure() != attiov1connect.RecordServiceDeleteRecordProcedure ||
		!strings.Contains(ar.GetSummary(), recordA) || !strings.Contains(ar.GetSummary(), "permanently") ||
		!ar.GetExpiresAt().AsTime().Equal(e.clock.Now().Add(10*time.Minute)) {
		t.Fatalf("detail = %v (want digest %s)", ar, wantDigest)
	}
	// Repeating the call reuses the pending approval instead of piling up new ones.
	if again := approvalRequired(t, e.deleteRecord(callCtx(ctx, "key-writer", "", ""), recordA)); again.GetApprovalId() != ar.GetApprovalId() {
		t.Fatalf("retry created approval %s, want reuse of %s", again.GetApprovalId(), ar.GetApprovalId())
	}
	// The approver sees it; an unrelated writer does not.
	if l, _ := e.approvals.List(ctx, principal("key-approver")); len(l) != 1 || l[0].GetState() != attiov1.ApprovalState_APPROVAL_STATE_PENDING {
		t.Fatalf("approver list = %v", l)
	}
	if l, _ := e.approvals.List(ctx, principal("key-writer2")); len(l) != 0 {
		t.Fatalf("other writer sees %v", l)
	}
	if _, err := e.approvals.Get(ctx, principal("key-writer2"), ar.GetApprovalId()); connect.CodeOf(err) != connect.CodeNotFound {
		t.Fatalf("other writer Get: %v, want NotFound", err)
	}

	// 2. Approve; the approver never sees the token, the requester does.
	approved, err := e.approvals.Approve(ctx, principal("key-approver"), ar.GetApprovalId())
	if err != nil || approved.GetToken() != "" || approved.GetDecidedBy() != "apikey:approver" {
		t.Fatalf("approve = %v, %v", approved, err)
	}
	if ap, _ := e.approvals.Get(ctx, principal("key-approver"), ar.GetApprovalId()); ap.GetToken() != "" {
		t.Fatal("approver sees the token")
	}
	ap, err := e.approvals.Get(ctx, principal("key-writer"), ar.GetApprovalId())
	if err != nil || ap.GetToken() == "" || ap.GetState() != attiov1.ApprovalState_APPROVAL_STATE_APPROVED {
		t.Fatalf("requester Get = %v, %v", ap, err)
	}
	token := ap.GetToken()
	if e.records.deletes.Load() != 0 {
		t.Fatal("delete ran before approval was used")
	}

	// 3. The identical call with the token runs exactly once.
	if err := e.deleteRecord(callCtx(ctx, "key-writer", "", token), recordA); err != nil {
		t.Fatalf("approved delete: %v", err)
	}
	if used.Len() != 1 {
		t.Fatalf("used-token store holds %d ids, want 1", used.Len())
	}
	if n := e.records.deletes.Load(); n != 1 || e.records.lastDeleted != recordA {
		t.Fatalf("deletes = %d (%s), want 1 of %s", n, e.records.lastDeleted, recordA)
	}
	err = e.deleteRecord(callCtx(ctx, "key-writer", "", token), recordA)
	if connect.CodeOf(err) != connect.CodePermissionDenied || strings.Contains(err.Error(), token) {
		t.Fatalf("replay: %v, want PermissionDenied without the token", err)
	}
	if n := e.records.deletes.Load(); n != 1 {
		t.Fatalf("replay wrote: deletes = %d", n)
	}
	if ap, _ := e.approvals.Get(ctx, principal("key-writer"), ar.GetApprovalId()); ap.GetState() != attiov1.ApprovalState_APPROVAL_STATE_USED || ap.GetToken() != "" {
		t.Fatalf("after use: %v", ap)
	}

	// 4. The audit log tells the story, without secrets.
	var decisions []string
	for _, l := range auditLines(t, e.audit) {
		decisions = append(decisions, l["decision"].(string))
		if l["decision"] == "executed" && (l["outcome"] != "ok" || l["approval_id"] != ar.GetApprovalId() || l["request_digest"] != wantDigest || l["principal"] != "apikey:writer") {
			t.Errorf("executed line = %v", l)
		}
		if l["decision"] == "approved" && (l["principal"] != "apikey:approver" || l["requester"] != "apikey:writer") {
			t.Errorf("approved line = %v", l)
		}
	}
	if got, want := strings.Join(decisions, ","), "requested,requested,approved,executed,refused"; got != want {
		t.Fatalf("audit decisions = %s, want %s", got, want)
	}
	assertNoSecrets(t, e.audit.String(), token)
}

func assertNoSecrets(t *testing.T, log string, tokens ...string) {
	t.Helper()
	for _, s := range append(tokens, testSecret, "key-writer", "key-approver", "Bearer") {
		if s != "" && strings.Contains(log, s) {
			t.Fatalf("audit log contains a secret (%.12s…):\n%s", s, log)
		}
	}
}

func TestApprovalRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts envOptions
		// run performs the scenario and returns the final write's error.
		run     func(t *testing.T, e *env) error
		want    connect.Code
		deletes int32  // writes that must have reached the handler
		reason  string // expected in the audit line of a refusal
	}{
		{
			name: "expired token",
			run: func(t *testing.T, e *env) error {
				token, _ := e.approvedToken(t, "key-writer", "", recordA)
				e.clock.Advance(10*time.Minute + time.Second)
				return e.deleteRecord(callCtx(t.Context(), "key-writer", "", token), recordA)
			},
			want:   connect.CodePermissionDenied,
			reason: "token expired",
		},
		{
			name: "token valid until its TTL",
			run: func(t *testing.T, e *env) error {
				token, _ := e.approvedToken(t, "key-writer", "", recordA)
				e.clock.Advance(9 * time.Minute)
				return e.deleteRecord(callCtx(t.Context(), "key-writer", "", token), recordA)
			},
			deletes: 1,
		},
		{
			name: "tampered payload",
			run: func(t *testing.T, e *env) error {
				token, _ := e.approvedToken(t, "key-writer", "", recordA)
				parts := strings.Split(token, ".")
				parts[1] = parts[1][:len(parts[1])-2] + flip(parts[1][len(parts[1])-2:])
				return e.deleteRecord(callCtx(t.Context(), "key-writer", "", strings.Join(parts, ".")), recordA)
			},
			want:   connect.CodePermissionDenied,
			reason: "invalid signature",
		},
		{
			name: "forged with another secret",
			run: func(t *testing.T, e *env) error {
				_, id := e.approvedToken(t, "key-writer", "", recordA)
				forged := mintElsewhere(t, e, id)
				return e.deleteRecord(callCtx(t.Context(), "key-writer", "", forged), recordA)
			},
			want:   connect.CodePermissionDenied,
			reason: "invalid signature",
		},
		{
			name: "garbage token",
			run: func(t *testing.T, e *env) error {
				return e.deleteRecord(callCtx(t.Context(), "key-writer", "", "not-a-token"), recordA)
			},
			want:   connect.CodePermissionDenied,
			reason: "malformed token",
		},
		{
			name: "used by another principal",
			run: func(t *testing.T, e *env) error {
				token, _ := e.approvedToken(t, "key-writer", "", recordA)
				return e.deleteRecord(callCtx(t.Context(), "key-writer2", "", token), recordA)
			},
			want:   connect.CodePermissionDenied,
			reason: "another principal",
		},
		{
			name: "presented with another request",
			run: func(t *testing.T, e *env) error {
				token, _ := e.approvedToken(t, "key-writer", "", recordA)
				return e.deleteRecord(callCtx(t.Context(), "key-writer", "", token), recordB)
			},
			want:   connect.CodePermissionDenied,
			reason: "different request",
		},
		{
			name: "presented on another procedure",
			run: func(t *testing.T, e *env) error {
				token, _ := e.approvedToken(t, "key-writer", "", recordA)
				_, err := e.rec().CreateRecord(callCtx(t.Context(), "key-writer", "", token), &attiov1.CreateRecordRequest{Object: "people"})
				if n := e.records.creates.Load(); n != 0 {
					t.Fatalf("create ran %d times", n)
				}
				return err
			},
			want:   connect.CodePermissionDenied,
			reason: "different request",
		},
		{
			name: "presented on another connection",
			run: func(t *testing.T, e *env) error {
				token, _ := e.approvedToken(t, "key-writer", "", recordA)
				return e.deleteRecord(callCtx(t.Context(), "key-writer", connA, token), recordA)
			},
			want:   connect.CodePermissionDenied,
			reason: "different request",
		},
		{
			name: "self-approval refused by default",
			run: func(t *testing.T, e *env) error {
				ar := approvalRequired(t, e.deleteRecord(callCtx(t.Context(), "key-lead", "", ""), recordA))
				_, err := e.approvals.Approve(t.Context(), principal("key-lead"), ar.GetApprovalId())
				if ap, _ := e.approvals.Get(t.Context(), principal("key-lead"), ar.GetApprovalId()); ap.GetToken() != "" {
					t.Fatal("token issued after refused self-approval")
				}
				return err
			},
			want:   connect.CodePermissionDenied,
			reason: "self-approval",
		},
		{
			name: "self-approval when allowed",
			opts: envOptions{selfApproval: true},
			run: func(t *testing.T, e *env) error {
				ar := approvalRequired(t, e.deleteRecord(callCtx(t.Context(), "key-lead", "", ""), recordA))
				if _, err := e.approvals.Approve(t.Context(), principal("key-lead"), ar.GetApprovalId()); err != nil {
					t.Fatal(err)
				}
				ap, _ := e.approvals.Get(t.Context(), principal("key-lead"), ar.GetApprovalId())
				return e.deleteRecord(callCtx(t.Context(), "key-lead", "", ap.GetToken()), recordA)
			},
			deletes: 1,
		},
		{
			name: "approver without the write's connection",
			run: func(t *testing.T, e *env) error {
				ar := approvalRequired(t, e.deleteRecord(callCtx(t.Context(), "key-writer", connB, ""), recordA))
				_, err := e.approvals.Approve(t.Context(), principal("key-approver-a"), ar.GetApprovalId())
				return err
			},
			want: connect.CodeNotFound,
		},
		{
			name: "approving an expired request",
			run: func(t *testing.T, e *env) error {
				ar := approvalRequired(t, e.deleteRecord(callCtx(t.Context(), "key-writer", "", ""), recordA))
				e.clock.Advance(11 * time.Minute)
				_, err := e.approvals.Approve(t.Context(), principal("key-approver"), ar.GetApprovalId())
				return err
			},
			want: connect.CodeFailedPrecondition,
		},
		{
			name: "denied request",
			run: func(t *testing.T, e *env) error {
				ar := approvalRequired(t, e.deleteRecord(callCtx(t.Context(), "key-writer", "", ""), recordA))
				ap, err := e.approvals.Deny(t.Context(), principal("key-approver"), ar.GetApprovalId(), "wrong record")
				if err != nil || ap.GetState() != attiov1.ApprovalState_APPROVAL_STATE_DENIED || ap.GetReason() != "wrong record" {
					t.Fatalf("deny = %v, %v", ap, err)
				}
				_, err = e.approvals.Approve(t.Context(), principal("key-approver"), ar.GetApprovalId())
				return err
			},
			want: connect.CodeFailedPrecondition,
		},
		{
			name: "approval withdrawn before use",
			run: func(t *testing.T, e *env) error {
				token, id := e.approvedToken(t, "key-writer", "", recordA)
				if _, err := e.approvals.Deny(t.Context(), principal("key-approver"), id, "changed my mind"); err != nil {
					t.Fatal(err)
				}
				return e.deleteRecord(callCtx(t.Context(), "key-writer", "", token), recordA)
			},
			want:   connect.CodePermissionDenied,
			reason: "withdrawn",
		},
		{
			name: "auto-approve creates",
			run: func(t *testing.T, e *env) error {
				_, err := e.rec().CreateRecord(callCtx(t.Context(), "key-etl", "", ""), &attiov1.CreateRecordRequest{Object: "people"})
				if n := e.records.creates.Load(); n != 1 {
					t.Fatalf("creates = %d, want 1", n)
				}
				return err
			},
		},
		{
			name: "auto-approve still needs a second person for deletes",
			run: func(t *testing.T, e *env) error {
				err := e.deleteRecord(callCtx(t.Context(), "key-etl", "", ""), recordA)
				ar := approvalRequired(t, err)
				if !strings.Contains(err.Error(), "second person") || ar.GetApprovalId() == "" {
					t.Fatalf("err = %v", err)
				}
				return err
			},
			want: connect.CodeFailedPrecondition,
		},
		{
			name: "auto-approve deletes when explicitly allowed",
			run: func(t *testing.T, e *env) error {
				return e.deleteRecord(callCtx(t.Context(), "key-purger", "", ""), recordA)
			},
			deletes: 1,
		},
		{
			name: "describer refusal",
			opts: envOptions{describer: interceptors.DescriberFunc(func(context.Context, string, proto.Message) (string, []*attiov1.FieldChange, error) {
				return "", nil, connect.NewError(connect.CodeNotFound, "record not found")
			})},
			run: func(t *testing.T, e *env) error {
				err := e.deleteRecord(callCtx(t.Context(), "key-writer", "", ""), recordA)
				if l, _ := e.approvals.List(t.Context(), principal("key-approver")); len(l) != 0 {
					t.Fatalf("approval created for a write the describer refused: %v", l)
				}
				return err
			},
			want: connect.CodeNotFound,
		},
		{
			name: "describer failure falls back",
			opts: envOptions{describer: interceptors.DescriberFunc(func(context.Context, string, proto.Message) (string, []*attiov1.FieldChange, error) {
				return "", nil, errors.New("upstream down")
			})},
			run: func(t *testing.T, e *env) error {
				err := e.deleteRecord(callCtx(t.Context(), "key-writer", "", ""), recordA)
				if ar := approvalRequired(t, err); !strings.Contains(ar.GetSummary(), recordA) || !strings.Contains(ar.GetSummary(), "unavailable") {
					t.Fatalf("summary = %q", ar.GetSummary())
				}
				return err
			},
			want: connect.CodeFailedPrecondition,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, tt.opts)
			err := tt.run(t, e)
			if got := codeOf(err); got != tt.want {
				t.Fatalf("code = %v, want %v (err %v)", got, tt.want, err)
			}
			if n := e.records.deletes.Load(); n != tt.deletes {
				t.Fatalf("deletes reached the handler %d times, want %d", n, tt.deletes)
			}
			log := e.audit.String()
			assertNoSecrets(t, log)
			if tt.reason != "" && (!strings.Contains(log, `"decision":"refused"`) || !strings.Contains(log, tt.reason)) {
				t.Fatalf("refusal (%s) not audited:\n%s", tt.reason, log)
			}
		})
	}
}

// flip changes the last base64url character of s so the payload no longer matches its signature.
func flip(s string) string {
	last := s[len(s)-1]
	if last == 'A' {
		return s[:len(s)-1] + "B"
	}
	return s[:len(s)-1] + "A"
}

// mintElsewhere gets a token for the same approved write from an Approvals with another (random)
// secret: same claims, wrong signature.
func mintElsewhere(t *testing.T, e *env, id string) string {
	t.Helper()
	src, err := e.approvals.Get(t.Context(), principal("key-approver"), id)
	if err != nil {
		t.Fatal(err)
	}
	store := interceptors.NewMemoryApprovalStore(e.clock.Now)
	if err := store.Create(t.Context(), src, e.clock.Now().Add(time.Hour), 0); err != nil {
		t.Fatal(err)
	}
	forger, err := interceptors.NewApprovals(interceptors.ApprovalOptions{Now: e.clock.Now, Store: store})
	if err != nil {
		t.Fatal(err)
	}
	ap, err := forger.Get(t.Context(), principal("key-writer"), id)
	if err != nil || ap.GetToken() == "" {
		t.Fatalf("forger: %v %v", ap, err)
	}
	return ap.GetToken()
}

func TestFallbackDescriber(t *testing.T) {
	t.Parallel()
	summary, changes, err := interceptors.FallbackDescriber{}.Describe(t.Context(), attiov1connect.RecordServiceUpdateRecordProcedure,
		&attiov1.UpdateRecordRequest{
			Object: "people", RecordId: recordA, Mode: attiov1.UpdateMode_UPDATE_MODE_OVERWRITE,
			Values: map[string]*attiov1.ValueInputList{"job_title": {}},
		})
	if err != nil || !strings.Contains(summary, "object=people") || !strings.Contains(summary, "record_id="+recordA) {
		t.Fatalf("summary %q, err %v", summary, err)
	}
	fields := map[string]string{}
	for _, c := range changes {
		fields[c.GetField()] = c.GetAfter()
	}
	if _, ok := fields["values.job_title"]; !ok || fields["mode"] != "UPDATE_MODE_OVERWRITE" || len(fields) != 2 {
		t.Fatalf("changes = %v", fields)
	}
}

// TestFallbackDescriberUpdateMask: an AIP-134 update describes exactly its masked fields, an
// empty one (a deadline being removed) included, and not the fields outside the mask.
func TestFallbackDescriberUpdateMask(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		paths []string
		want  string
	}{
		{[]string{"deadline_at", "is_completed"}, "deadline_at=,is_completed=true"},
		{[]string{"*"}, "assignees=,deadline_at=,is_completed=true,linked_records=[{}]"},
	} {
		_, changes, err := interceptors.FallbackDescriber{}.Describe(t.Context(), attiov1connect.TaskServiceUpdateTaskProcedure,
			&attiov1.UpdateTaskRequest{
				TaskId: recordA, IsCompleted: true, UpdateMask: &fieldmaskpb.FieldMask{Paths: tc.paths},
				LinkedRecords: []*attiov1.LinkedRecordInput{{}},
			})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range changes {
			got = append(got, c.GetField()+"="+c.GetAfter())
		}
		if strings.Join(got, ",") != tc.want {
			t.Errorf("mask %v: changes %v, want %s", tc.paths, got, tc.want)
		}
	}
}

// The same flow over the gRPC protocol: headers, the ApprovalRequired detail
// (grpc-status-details-bin) and the token all survive it.
func TestApprovalOverGRPC(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	records := attiov1connect.NewRecordServiceClient(e.grpc)
	req := &attiov1.DeleteRecordRequest{Object: "people", RecordId: recordA}
	_, err := records.DeleteRecord(callCtx(t.Context(), "key-writer", "", ""), req)
	ar := approvalRequired(t, err)
	if _, err := e.approvals.Approve(t.Context(), principal("key-approver"), ar.GetApprovalId()); err != nil {
		t.Fatal(err)
	}
	ap, _ := e.approvals.Get(t.Context(), principal("key-writer"), ar.GetApprovalId())
	if _, err := records.DeleteRecord(callCtx(t.Context(), "key-writer", "", ap.GetToken()), req); err != nil {
		t.Fatalf("approved delete over gRPC: %v", err)
	}
	if _, err := records.DeleteRecord(callCtx(t.Context(), "", "", ""), req); connect.CodeOf(err) != connect.CodeUnauthenticated {
		t.Fatalf("anonymous over gRPC: %v", err)
	}
	if n := e.records.deletes.Load(); n != 1 {
		t.Fatalf("deletes = %d, want 1", n)
	}
}

// In the real chain, validation runs before approvals: an invalid write fails with InvalidArgument
// and never reaches an approver, while a valid one still needs approval.
func TestChainValidatesBeforeApproval(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{chain: true})
	err := e.deleteRecord(callCtx(t.Context(), "key-writer", "", ""), "not-a-uuid")
	if connect.CodeOf(err) != connect.CodeInvalidArgument {
		t.Fatalf("invalid delete: %v, want InvalidArgument", err)
	}
	if l, _ := e.approvals.List(t.Context(), principal("key-approver")); len(l) != 0 {
		t.Fatalf("approval created for an invalid write: %v", l)
	}
	token, _ := e.approvedToken(t, "key-writer", "", recordA)
	if err := e.deleteRecord(callCtx(t.Context(), "key-writer", "", token), recordA); err != nil {
		t.Fatalf("approved delete through the chain: %v", err)
	}
	if n := e.records.deletes.Load(); n != 1 {
		t.Fatalf("deletes = %d, want 1", n)
	}
}
