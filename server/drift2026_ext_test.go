package server_test

import (
	"context"
	"strings"
	"testing"

	"connectrpc.com/connect/v2"
	"google.golang.org/protobuf/proto"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
)

// Fields Attio added to existing resources in 2026, end to end over the three protocols. That
// responses without them still decode is tested in attio (drift2026_ext_test.go) and by the round
// trip over the 2025 captures (roundtrip_test.go).

func TestTaskCompletedAt(t *testing.T) {
	eachClient(t, attiov1connect.NewTaskServiceClient, func(t *testing.T, ctx context.Context, c attiov1connect.TaskServiceClient, h *harness, p protocol) {
		qbr, err := c.GetTask(ctx, &attiov1.GetTaskRequest{TaskId: seedTaskQBR})
		if err != nil {
			t.Fatal(err)
		}
		if got := qbr.GetTask(); !got.GetIsCompleted() || got.GetCompletedAt() == nil || got.GetCompletedAt().AsTime().Before(got.GetCreatedAt().AsTime()) {
			t.Fatalf("completed seed task: completed_at %v, created_at %v", got.GetCompletedAt(), got.GetCreatedAt())
		}
		done, err := c.UpdateTask(ctx, &attiov1.UpdateTaskRequest{TaskId: seedTaskProposal, IsCompleted: true,
			UpdateMask: mask("is_completed")})
		if err != nil {
			t.Fatal(err)
		}
		if got := done.GetTask(); got.GetCompletedAt() == nil || !got.GetCompletedAt().AsTime().After(got.GetCreatedAt().AsTime()) {
			t.Fatalf("completing: completed_at %v, created_at %v", got.GetCompletedAt(), got.GetCreatedAt())
		}
		reopened, err := c.UpdateTask(ctx, &attiov1.UpdateTaskRequest{TaskId: seedTaskProposal, IsCompleted: false,
			UpdateMask: mask("is_completed")})
		if err != nil {
			t.Fatal(err)
		}
		if got := reopened.GetTask(); got.GetIsCompleted() || got.GetCompletedAt() != nil {
			t.Fatalf("reopened task keeps completed_at %v", got.GetCompletedAt())
		}
	})
}

func TestAttributeRelationshipDetail(t *testing.T) {
	t.Parallel()
	eachProtocol(t, func(t *testing.T, h *harness, p protocol) {
		c := attiov1connect.NewAttributeServiceClient(h.rpc(p))
		company, err := c.GetAttribute(t.Context(), &attiov1.GetAttributeRequest{Target: targetObject, Identifier: "people", Attribute: "company"})
		if err != nil {
			t.Fatal(err)
		}
		a := company.GetAttribute()
		d := a.GetRelationshipDetail()
		if d == nil || !proto.Equal(d.GetId(), a.GetRelationship()) || d.GetObjectSlug() != "companies" || d.GetTitle() != "Team" ||
			d.GetApiSlug() != "team" || !d.GetIsMultiselect() || a.GetIsMultiselect() {
			t.Fatalf("people.company relationship = %v (id %v)", d, a.GetRelationship())
		}
		name, err := c.GetAttribute(t.Context(), &attiov1.GetAttributeRequest{Target: targetObject, Identifier: "people", Attribute: "name"})
		if err != nil {
			t.Fatal(err)
		}
		if name.GetAttribute().GetRelationshipDetail() != nil || name.GetAttribute().GetRelationship() != nil {
			t.Fatalf("people.name has a relationship: %v", name.GetAttribute())
		}
	})
}

func TestThreadCommentPaging(t *testing.T) {
	eachClient(t, attiov1connect.NewCommentServiceClient, func(t *testing.T, ctx context.Context, c attiov1connect.CommentServiceClient, h *harness, p protocol) {
		first, err := c.GetThread(ctx, &attiov1.GetThreadRequest{ThreadId: seedThreadRecord, PageSize: 1})
		if err != nil {
			t.Fatal(err)
		}
		th := first.GetThread()
		if len(th.GetComments()) != 1 || th.GetComments()[0].GetId().GetCommentId() != seedCommentFirst || !th.GetHasMoreComments() || first.GetNextPageToken() == "" {
			t.Fatalf("first page = %v (next %q)", th, first.GetNextPageToken())
		}
		second, err := c.GetThread(ctx, &attiov1.GetThreadRequest{ThreadId: seedThreadRecord, PageSize: 1, PageToken: first.GetNextPageToken()})
		if err != nil {
			t.Fatal(err)
		}
		if cs := second.GetThread().GetComments(); len(cs) != 1 || cs[0].GetId().GetCommentId() != seedCommentReply ||
			second.GetThread().GetHasMoreComments() || second.GetNextPageToken() != "" {
			t.Fatalf("second page = %v (next %q)", second.GetThread(), second.GetNextPageToken())
		}
		// A token only works with the query it came from.
		_, err = c.GetThread(ctx, &attiov1.GetThreadRequest{ThreadId: seedThreadRecord, PageSize: 1, PageToken: first.GetNextPageToken(), CreatedAfter: th.GetCreatedAt()})
		wantCode(t, err, connect.CodeInvalidArgument)

		after, err := c.GetThread(ctx, &attiov1.GetThreadRequest{ThreadId: seedThreadRecord, CreatedAfter: th.GetComments()[0].GetCreatedAt()})
		if err != nil {
			t.Fatal(err)
		}
		if cs := after.GetThread().GetComments(); len(cs) != 1 || cs[0].GetId().GetCommentId() != seedCommentReply {
			t.Fatalf("created_after keeps %v", cs)
		}

		stream, err := c.StreamThreadComments(ctx, &attiov1.StreamThreadCommentsRequest{ThreadId: seedThreadRecord, PageSize: 1})
		if err != nil {
			t.Fatal(err)
		}
		msgs := drain(t, stream.Receive)
		if len(msgs) != 2 || msgs[0].GetComments()[0].GetId().GetCommentId() != seedCommentFirst ||
			msgs[1].GetComments()[0].GetId().GetCommentId() != seedCommentReply {
			t.Fatalf("stream = %v", msgs)
		}
		resumed, err := c.StreamThreadComments(ctx, &attiov1.StreamThreadCommentsRequest{ThreadId: seedThreadRecord, PageSize: 1, ResumeToken: msgs[0].GetResumeToken()})
		if err != nil {
			t.Fatal(err)
		}
		if rest := drain(t, resumed.Receive); len(rest) != 1 || rest[0].GetComments()[0].GetId().GetCommentId() != seedCommentReply {
			t.Fatalf("resumed stream = %v", rest)
		}
		missing, err := c.StreamThreadComments(ctx, &attiov1.StreamThreadCommentsRequest{ThreadId: unknownID})
		if err != nil {
			t.Fatal(err)
		}
		wantCode(t, streamErr(missing.Receive), connect.CodeNotFound)
		wantLocalInvalid(t, h, func() error {
			_, err := c.GetThread(ctx, &attiov1.GetThreadRequest{ThreadId: seedThreadRecord, PageSize: 251})
			return err
		})
	})
}

// The six currency codes Attio added in 2026 work as an attribute's currency and come back on values.
func TestNewCurrencyCodes(t *testing.T) {
	t.Parallel()
	eachProtocol(t, func(t *testing.T, h *harness, p protocol) {
		ctx := t.Context()
		attrs := attiov1connect.NewAttributeServiceClient(h.rpc(p))
		vals := []any{
			"name", []*attiov1.ValueInput{text(&attiov1.ValueInput_Text{Text: "Cairo deal"})},
			"stage", []*attiov1.ValueInput{{Value: &attiov1.ValueInput_Status{Status: &attiov1.Status{Title: "Lead"}}}},
			"owner", []*attiov1.ValueInput{{Value: &attiov1.ValueInput_ActorReference{ActorReference: &attiov1.ActorReferenceValue{Actor: &attiov1.ActorReferenceValue_EmailAddress{EmailAddress: "alice@sandbox.example.com"}}}}},
		}
		codes := []string{"EGP", "GHS", "IDR", "OMR", "QAR", "TRY"}
		for _, code := range codes {
			slug := "value_" + strings.ToLower(code)
			a, err := attrs.CreateAttribute(ctx, &attiov1.CreateAttributeRequest{
				Target: targetObject, Identifier: "deals", Title: "Value " + code, ApiSlug: slug, Type: "currency",
				Config: &attiov1.AttributeConfig{Currency: &attiov1.CurrencyConfig{DefaultCurrencyCode: proto.String(code)}},
			})
			if err != nil {
				t.Fatalf("%s: %v", code, err)
			}
			if got := a.GetAttribute().GetConfig().GetCurrency().GetDefaultCurrencyCode(); got != code {
				t.Fatalf("%s attribute has currency %q", code, got)
			}
			vals = append(vals, slug, []*attiov1.ValueInput{{Value: &attiov1.ValueInput_Currency{Currency: &attiov1.CurrencyValue{CurrencyValue: &attiov1.Decimal{Value: "10.5"}}}}})
		}
		res, err := records(h, p).CreateRecord(ctx, &attiov1.CreateRecordRequest{Object: "deals", Values: values(vals...)})
		if err != nil {
			t.Fatal(err)
		}
		for _, code := range codes {
			got := res.GetRecord().GetValues()["value_"+strings.ToLower(code)].GetValues()
			if len(got) != 1 || got[0].GetCurrency().GetCurrencyCode() != code || got[0].GetCurrency().GetCurrencyValue().GetValue() != "10.5" {
				t.Fatalf("%s value = %v", code, got)
			}
		}
		_, err = attrs.CreateAttribute(ctx, &attiov1.CreateAttributeRequest{
			Target: targetObject, Identifier: "deals", Title: "Value XYZ", ApiSlug: "value_xyz", Type: "currency",
			Config: &attiov1.AttributeConfig{Currency: &attiov1.CurrencyConfig{DefaultCurrencyCode: proto.String("XYZ")}},
		})
		wantCode(t, err, connect.CodeInvalidArgument)
	})
}
