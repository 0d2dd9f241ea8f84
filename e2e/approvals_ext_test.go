package e2e_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connectproto"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
)

// approvalID is the approval a refused write points at.
func approvalID(t *testing.T, err error) string {
	t.Helper()
	var ce *connect.Error
	if connect.CodeOf(err) != connect.CodeFailedPrecondition || !errors.As(err, &ce) {
		t.Fatalf("write: %v, want FailedPrecondition with ApprovalRequired", err)
	}
	for _, d := range ce.Details() {
		if m, derr := connectproto.UnmarshalErrorDetail(d); derr == nil {
			if ar, ok := m.(*attiov1.ApprovalRequired); ok {
				return ar.GetApprovalId()
			}
		}
	}
	t.Fatalf("no ApprovalRequired in %v", err)
	return ""
}

// somePeople returns n person record ids.
func somePeople(t *testing.T, p *proc, n int) []string {
	t.Helper()
	resp, err := records(p).QueryRecords(as(t.Context(), tokenReader, ""), &attiov1.QueryRecordsRequest{Object: "people", PageSize: int32(n)})
	if err != nil || len(resp.GetRecords()) != n {
		t.Fatalf("query people: %v (%d records)", err, len(resp.GetRecords()))
	}
	var ids []string
	for _, r := range resp.GetRecords() {
		ids = append(ids, r.GetId().GetRecordId())
	}
	return ids
}

// approve asks for a delete of id on requestOn, approves it on approveOn and fetches the token
// on tokenOn: three replicas sharing one approval.
func approve(t *testing.T, id string, requestOn, approveOn, tokenOn *proc) string {
	t.Helper()
	ctx := t.Context()
	del := &attiov1.DeleteRecordRequest{Object: "people", RecordId: id}
	_, err := records(requestOn).DeleteRecord(as(ctx, tokenWriter, ""), del)
	aid := approvalID(t, err)
	if _, err := approvals(approveOn).Approve(as(ctx, tokenApprover, ""), &attiov1.ApproveRequest{ApprovalId: aid}); err != nil {
		t.Fatalf("approve on %s: %v", approveOn.name, err)
	}
	got, err := approvals(tokenOn).GetApproval(as(ctx, tokenWriter, ""), &attiov1.GetApprovalRequest{ApprovalId: aid})
	if err != nil || got.GetApproval().GetToken() == "" {
		t.Fatalf("token on %s: %v", tokenOn.name, err)
	}
	return got.GetApproval().GetToken()
}

// deletesOf counts the DELETE requests the sandbox received for record id.
func (c *cluster) deletesOf(id string) int {
	n := 0
	for _, r := range c.requests() {
		if r.method == "DELETE" && strings.HasSuffix(r.path, "/"+id) {
			n++
		}
	}
	return n
}

// TestApprovalsAcrossReplicas: an approval requested on A is approved on B and redeemed on C;
// then 20 concurrent redemptions of one token over the three replicas: exactly one runs.
func TestApprovalsAcrossReplicas(t *testing.T) {
	// The writer's per-caller budget is shared by the replicas: give it room for the 20 concurrent
	// redemptions on top of the approvals, so only the single-use rule refuses them.
	c := newCluster(t, clusterOptions{replicas: 3, generate: 10, extra: []string{"ATTIO_FACADE_CALLER_BURST=100"}})
	a, b, cc := c.replicas[0], c.replicas[1], c.replicas[2]
	ids := somePeople(t, a, 2)

	token := approve(t, ids[0], a, b, cc)
	if _, err := records(cc).DeleteRecord(as(t.Context(), tokenWriter, token), &attiov1.DeleteRecordRequest{Object: "people", RecordId: ids[0]}); err != nil {
		t.Fatalf("redeem on C: %v", err)
	}
	if n := c.deletesOf(ids[0]); n != 1 {
		t.Fatalf("sandbox saw %d deletes of the first record, want 1", n)
	}

	token = approve(t, ids[1], b, cc, a)
	var ok, denied atomic.Int32
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			p := c.replicas[i%3]
			_, err := records(p).DeleteRecord(as(context.WithoutCancel(t.Context()), tokenWriter, token), &attiov1.DeleteRecordRequest{Object: "people", RecordId: ids[1]})
			switch {
			case err == nil:
				ok.Add(1)
			case connect.CodeOf(err) == connect.CodePermissionDenied:
				denied.Add(1)
			default:
				t.Errorf("redemption on %s: %v", p.name, err)
			}
		})
	}
	wg.Wait()
	if ok.Load() != 1 || denied.Load() != 19 {
		t.Fatalf("%d redemptions ran and %d were refused; want exactly 1 and 19", ok.Load(), denied.Load())
	}
	if n := c.deletesOf(ids[1]); n != 1 {
		t.Fatalf("sandbox saw %d deletes of the second record, want 1", n)
	}
}
