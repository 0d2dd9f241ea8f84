package server_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect/v2"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
	"github.com/attio-facade/attio-facade/sandbox"
)

func selectIn(title string) *attiov1.ValueInput {
	return &attiov1.ValueInput{Value: &attiov1.ValueInput_Select{Select: &attiov1.SelectOption{Title: title}}}
}

func textIn(s string) *attiov1.ValueInput {
	return &attiov1.ValueInput{Value: &attiov1.ValueInput_Text{Text: s}}
}

func inputs(kv ...any) map[string]*attiov1.ValueInputList {
	out := map[string]*attiov1.ValueInputList{}
	for i := 0; i < len(kv); i += 2 {
		l := out[kv[i].(string)]
		if l == nil {
			l = &attiov1.ValueInputList{}
			out[kv[i].(string)] = l
		}
		l.Values = append(l.Values, kv[i+1].(*attiov1.ValueInput))
	}
	return out
}

// callLog is a phone call of the system activity with a direction, a time and a unique reference.
func callLog(direction, ref string, at time.Time) *attiov1.CreateActivityRecordRequest {
	return &attiov1.CreateActivityRecordRequest{Activity: "phone_calls", Values: inputs("direction", selectIn(direction), "call_ref", textIn(ref),
		"timestamp", &attiov1.ValueInput{Value: &attiov1.ValueInput_Timestamp{Timestamp: timestamppb.New(at)}})}
}

func callRefs(rs []*attiov1.ActivityRecord) string {
	var out []string
	for _, r := range rs {
		out = append(out, r.GetValues()["call_ref"].GetValues()[0].GetText())
	}
	return strings.Join(out, ",")
}

func streamed(msgs []*attiov1.StreamActivityRecordsResponse) string {
	var all []*attiov1.ActivityRecord
	for _, m := range msgs {
		all = append(all, m.GetRecords()...)
	}
	return callRefs(all)
}

// Activity records end to end on the sandbox over each protocol: attributes added to the activity,
// records logged, read, appended to and overwritten, upserted, queried and streamed with filter
// and sorts, deleted; Attio's errors mapped.
func TestActivityRecordService(t *testing.T) {
	t.Parallel()
	eachProtocol(t, func(t *testing.T, h *harness, p protocol) {
		ctx := t.Context()
		attrs := attiov1connect.NewAttributeServiceClient(h.rpc(p))
		c := attiov1connect.NewActivityRecordServiceClient(h.rpc(p))
		act := attiov1.AttributeTarget_ATTRIBUTE_TARGET_ACTIVITY
		for _, a := range []*attiov1.CreateAttributeRequest{
			{Target: act, Identifier: "phone_calls", Title: "Call reference", ApiSlug: "call_ref", Type: "text", IsUnique: true},
			{Target: act, Identifier: "phone_calls", Title: "Topics", ApiSlug: "topics", Type: "select", IsMultiselect: true},
		} {
			if _, err := attrs.CreateAttribute(ctx, a); err != nil {
				t.Fatal(err)
			}
		}
		for _, o := range []string{"Pricing", "Renewal"} {
			if _, err := attrs.CreateSelectOption(ctx, &attiov1.CreateSelectOptionRequest{Target: act, Identifier: "phone_calls", Attribute: "topics", Title: o}); err != nil {
				t.Fatal(err)
			}
		}
		list, err := attrs.ListAttributes(ctx, &attiov1.ListAttributesRequest{Target: act, Identifier: sandbox.SeedPhoneCallsActivityID})
		if err != nil || len(list.GetAttributes()) != 4 || list.GetAttributes()[0].GetId().GetObjectId() != sandbox.SeedPhoneCallsActivityID {
			t.Fatalf("activity attributes %v, %v", list, err)
		}

		day := time.Date(2026, 8, 14, 10, 0, 0, 0, time.UTC)
		first, err := c.CreateActivityRecord(ctx, callLog("Outbound", "c-1", day))
		if err != nil {
			t.Fatal(err)
		}
		id := first.GetRecord().GetId()
		if id.GetActivityId() != sandbox.SeedPhoneCallsActivityID || id.GetRecordId() == "" || first.GetRecord().GetCreatedAt() == nil {
			t.Fatalf("created %v", first.GetRecord())
		}
		for i, dir := range []string{"Inbound", "Outbound"} {
			if _, err := c.CreateActivityRecord(ctx, callLog(dir, "c-"+string(rune('2'+i)), day.Add(time.Duration(i+1)*24*time.Hour))); err != nil {
				t.Fatal(err)
			}
		}
		got, err := c.GetActivityRecord(ctx, &attiov1.GetActivityRecordRequest{Activity: "phone_calls", RecordId: id.GetRecordId()})
		if err != nil || got.GetRecord().GetValues()["direction"].GetValues()[0].GetSelect().GetTitle() != "Outbound" ||
			!got.GetRecord().GetValues()["timestamp"].GetValues()[0].GetTimestamp().AsTime().Equal(day) {
			t.Fatalf("get %v, %v", got, err)
		}
		up := func(mode attiov1.UpdateMode, topic string) int {
			t.Helper()
			r, err := c.UpdateActivityRecord(ctx, &attiov1.UpdateActivityRecordRequest{Activity: "phone_calls", RecordId: id.GetRecordId(),
				Values: inputs("topics", selectIn(topic)), Mode: mode})
			if err != nil {
				t.Fatal(err)
			}
			return len(r.GetRecord().GetValues()["topics"].GetValues())
		}
		if n := up(attiov1.UpdateMode_UPDATE_MODE_APPEND, "Pricing"); n != 1 {
			t.Fatalf("%d topics after the first append", n)
		}
		if n := up(attiov1.UpdateMode_UPDATE_MODE_APPEND, "Renewal"); n != 2 {
			t.Fatalf("append kept %d topics, want 2", n)
		}
		if n := up(attiov1.UpdateMode_UPDATE_MODE_OVERWRITE, "Renewal"); n != 1 {
			t.Fatalf("overwrite kept %d topics, want 1", n)
		}
		as, err := c.AssertActivityRecord(ctx, &attiov1.AssertActivityRecordRequest{Activity: "phone_calls", MatchingAttribute: "call_ref",
			Values: inputs("call_ref", textIn("c-1"), "direction", selectIn("Inbound"))})
		if err != nil || as.GetRecord().GetId().GetRecordId() != id.GetRecordId() {
			t.Fatalf("upsert of c-1 did not update it: %v, %v", as, err)
		}

		// Outbound calls newest first, one per page: c-3, then nothing else (c-1 turned inbound).
		outbound := &attiov1.Filter{Node: &attiov1.Filter_Condition{Condition: &attiov1.Condition{Attribute: "direction",
			Op: attiov1.FilterOperator_FILTER_OPERATOR_EQ, Operand: &attiov1.Condition_StringValue{StringValue: "Outbound"}}}}
		newest := []*attiov1.Sort{{Attribute: "timestamp", Direction: attiov1.SortDirection_SORT_DIRECTION_DESC}}
		q, err := c.QueryActivityRecords(ctx, &attiov1.QueryActivityRecordsRequest{Activity: "phone_calls", Filter: outbound, Sorts: newest, PageSize: 1})
		if err != nil || callRefs(q.GetRecords()) != "c-3" {
			t.Fatalf("query %v, %v", q, err)
		}
		all, err := c.QueryActivityRecords(ctx, &attiov1.QueryActivityRecordsRequest{Activity: "phone_calls", Sorts: newest, PageSize: 2})
		if err != nil || callRefs(all.GetRecords()) != "c-3,c-2" || all.GetNextPageToken() == "" {
			t.Fatalf("first page %v, %v", all, err)
		}
		rest, err := c.QueryActivityRecords(ctx, &attiov1.QueryActivityRecordsRequest{Activity: "phone_calls", Sorts: newest, PageSize: 2, PageToken: all.GetNextPageToken()})
		if err != nil || callRefs(rest.GetRecords()) != "c-1" || rest.GetNextPageToken() != "" {
			t.Fatalf("second page %v, %v", rest, err)
		}
		st, err := c.StreamActivityRecords(ctx, &attiov1.StreamActivityRecordsRequest{Activity: "phone_calls", Sorts: newest, PageSize: 1})
		if err != nil {
			t.Fatal(err)
		}
		msgs := drain(t, st.Receive)
		if got := streamed(msgs); got != "c-3,c-2,c-1" || len(msgs[0].GetRecords()) != 1 {
			t.Fatalf("streamed %s in %d messages", got, len(msgs))
		}
		st, err = c.StreamActivityRecords(ctx, &attiov1.StreamActivityRecordsRequest{Activity: "phone_calls", Sorts: newest, PageSize: 1, ResumeToken: msgs[0].GetResumeToken()})
		if err != nil {
			t.Fatal(err)
		}
		if got := streamed(drain(t, st.Receive)); got != "c-2,c-1" {
			t.Fatalf("resumed %s", got)
		}

		_, err = c.GetActivityRecord(ctx, &attiov1.GetActivityRecordRequest{Activity: "nope", RecordId: id.GetRecordId()})
		wantCode(t, err, connect.CodeNotFound)
		_, err = c.CreateActivityRecord(ctx, callLog("Sideways", "c-9", day))
		wantCode(t, err, connect.CodeInvalidArgument)
		wantLocalInvalid(t, h, func() error {
			_, err := c.GetActivityRecord(ctx, &attiov1.GetActivityRecordRequest{Activity: "phone_calls", RecordId: "not-a-uuid"})
			return err
		})
		wantLocalInvalid(t, h, func() error {
			_, err := c.UpdateActivityRecord(ctx, &attiov1.UpdateActivityRecordRequest{Activity: "phone_calls", RecordId: id.GetRecordId(), Values: inputs("topics", selectIn("Pricing"))})
			return err // no mode
		})
		if _, err := c.DeleteActivityRecord(ctx, &attiov1.DeleteActivityRecordRequest{Activity: "phone_calls", RecordId: id.GetRecordId()}); err != nil {
			t.Fatal(err)
		}
		_, err = c.GetActivityRecord(ctx, &attiov1.GetActivityRecordRequest{Activity: "phone_calls", RecordId: id.GetRecordId()})
		wantCode(t, err, connect.CodeNotFound)
	})
}

// Activity records are data: reads for the read scope, writes for the write scope with an
// approval (a delete's shows the record's values); an approved write runs once. An activity's
// attributes are schema: the admin scope.
func TestActivityRecordsNeedWriteAndApproval(t *testing.T) {
	t.Parallel()
	g := newGuarded(t, 0)
	c := attiov1connect.NewActivityRecordServiceClient(g.rpc(protocols[0]))
	appr := attiov1connect.NewApprovalServiceClient(g.rpc(protocols[0]))
	count := func() int {
		t.Helper()
		q, err := c.QueryActivityRecords(caller(readerKey), &attiov1.QueryActivityRecordsRequest{Activity: "phone_calls"})
		if err != nil {
			t.Fatal(err)
		}
		return len(q.GetRecords())
	}
	req := &attiov1.CreateActivityRecordRequest{Activity: "phone_calls", Values: inputs("direction", selectIn("Outbound"))}
	_, err := c.CreateActivityRecord(caller(readerKey), req)
	wantCode(t, err, connect.CodePermissionDenied)
	_, err = c.CreateActivityRecord(caller(writerKey), req)
	need := approvalRequired(t, err)
	if count() != 0 {
		t.Fatal("an activity record was written without an approval")
	}
	if _, err := appr.Approve(caller(approverKey), &attiov1.ApproveRequest{ApprovalId: need.GetApprovalId()}); err != nil {
		t.Fatal(err)
	}
	a, err := appr.GetApproval(caller(writerKey), &attiov1.GetApprovalRequest{ApprovalId: need.GetApprovalId()})
	if err != nil {
		t.Fatal(err)
	}
	created, err := c.CreateActivityRecord(caller(writerKey, a.GetApproval().GetToken()), req)
	if err != nil {
		t.Fatalf("approved write: %v", err)
	}
	if _, err := c.CreateActivityRecord(caller(writerKey, a.GetApproval().GetToken()), req); connect.CodeOf(err) != connect.CodePermissionDenied || count() != 1 {
		t.Fatalf("replayed approval: %v, %d records", err, count())
	}
	rid := created.GetRecord().GetId().GetRecordId()
	del := approvalRequired(t, func() error {
		_, err := c.DeleteActivityRecord(caller(writerKey), &attiov1.DeleteActivityRecordRequest{Activity: "phone_calls", RecordId: rid})
		return err
	}())
	if !strings.Contains(del.GetSummary(), "permanently deletes") || !strings.Contains(del.GetSummary(), "activity record "+rid) ||
		len(del.GetChanges()) == 0 || del.GetChanges()[0].GetBefore() != "Outbound" {
		t.Fatalf("delete approval does not show the activity record: %q %v", del.GetSummary(), del.GetChanges())
	}
	upd := approvalRequired(t, func() error {
		_, err := c.UpdateActivityRecord(caller(writerKey), &attiov1.UpdateActivityRecordRequest{Activity: "phone_calls", RecordId: rid,
			Values: inputs("direction", selectIn("Inbound")), Mode: attiov1.UpdateMode_UPDATE_MODE_OVERWRITE})
		return err
	}())
	if !slices.ContainsFunc(upd.GetChanges(), func(c *attiov1.FieldChange) bool {
		return c.GetField() == "values.direction" && c.GetBefore() == "Outbound" && c.GetAfter() == "Inbound"
	}) {
		t.Fatalf("update approval changes %v", upd.GetChanges())
	}

	attrs := attiov1connect.NewAttributeServiceClient(g.rpc(protocols[0]))
	attr := &attiov1.CreateAttributeRequest{Target: attiov1.AttributeTarget_ATTRIBUTE_TARGET_ACTIVITY, Identifier: "phone_calls", Title: "Ref", ApiSlug: "ref", Type: "text"}
	_, err = attrs.CreateAttribute(caller(writerKey), attr)
	wantCode(t, err, connect.CodePermissionDenied)
	_, err = attrs.CreateAttribute(caller(adminKey), attr)
	approvalRequired(t, err)
}

// An activity's attributes are served as an object's are, by the attribute RPCs with the activity
// target: read, updated, and their select options and statuses, over each protocol.
func TestActivityAttributes(t *testing.T) {
	t.Parallel()
	eachProtocol(t, func(t *testing.T, h *harness, p protocol) {
		ctx := t.Context()
		c := attiov1connect.NewAttributeServiceClient(h.rpc(p))
		act := attiov1.AttributeTarget_ATTRIBUTE_TARGET_ACTIVITY
		dir, err := c.GetAttribute(ctx, &attiov1.GetAttributeRequest{Target: act, Identifier: "phone_calls", Attribute: "direction"})
		if err != nil || dir.GetAttribute().GetType() != "select" || dir.GetAttribute().GetId().GetObjectId() != sandbox.SeedPhoneCallsActivityID {
			t.Fatalf("direction %v, %v", dir, err)
		}
		opts, err := c.ListSelectOptions(ctx, &attiov1.ListSelectOptionsRequest{Target: act, Identifier: "phone_calls", Attribute: "direction"})
		if err != nil || len(opts.GetOptions()) != 2 || opts.GetOptions()[1].GetTitle() != "Outbound" {
			t.Fatalf("direction options %v, %v", opts, err)
		}
		up, err := c.UpdateAttribute(ctx, &attiov1.UpdateAttributeRequest{Target: act, Identifier: "phone_calls", Attribute: "direction",
			Title: "Call direction", UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"title"}}})
		if err != nil || up.GetAttribute().GetTitle() != "Call direction" {
			t.Fatalf("update %v, %v", up, err)
		}
		if _, err := c.CreateAttribute(ctx, &attiov1.CreateAttributeRequest{Target: act, Identifier: "phone_calls", Title: "Outcome", ApiSlug: "outcome", Type: "status"}); err != nil {
			t.Fatal(err)
		}
		st, err := c.CreateStatus(ctx, &attiov1.CreateStatusRequest{Target: act, Identifier: "phone_calls", Attribute: "outcome", Title: "Connected"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.UpdateStatus(ctx, &attiov1.UpdateStatusRequest{Target: act, Identifier: "phone_calls", Attribute: "outcome",
			Status: st.GetStatus().GetId().GetStatusId(), Title: "Reached", UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"title"}}}); err != nil {
			t.Fatal(err)
		}
		sts, err := c.ListStatuses(ctx, &attiov1.ListStatusesRequest{Target: act, Identifier: "phone_calls", Attribute: "outcome"})
		if err != nil || len(sts.GetStatuses()) != 1 || sts.GetStatuses()[0].GetTitle() != "Reached" {
			t.Fatalf("statuses %v, %v", sts, err)
		}
		_, err = c.ListAttributes(ctx, &attiov1.ListAttributesRequest{Target: act, Identifier: "nope"})
		wantCode(t, err, connect.CodeNotFound)

		// StreamAttributes walks them one page per message (timestamp, direction, outcome), and
		// resumes after a message; an object's stream the same way.
		slugs := func(msgs []*attiov1.StreamAttributesResponse) string {
			var out []string
			for _, m := range msgs {
				for _, a := range m.GetAttributes() {
					out = append(out, a.GetApiSlug())
				}
			}
			return strings.Join(out, ",")
		}
		as, err := c.StreamAttributes(ctx, &attiov1.StreamAttributesRequest{Target: act, Identifier: "phone_calls", PageSize: 2})
		if err != nil {
			t.Fatal(err)
		}
		msgs := drain(t, as.Receive)
		if got := slugs(msgs); got != "timestamp,direction,outcome" || len(msgs[0].GetAttributes()) != 2 {
			t.Fatalf("streamed %s in %d messages", got, len(msgs))
		}
		as, err = c.StreamAttributes(ctx, &attiov1.StreamAttributesRequest{Target: act, Identifier: "phone_calls", PageSize: 2, ResumeToken: msgs[0].GetResumeToken()})
		if err != nil {
			t.Fatal(err)
		}
		if got := slugs(drain(t, as.Receive)); got != "outcome" {
			t.Fatalf("resumed %s", got)
		}
		list, err := c.ListAttributes(ctx, &attiov1.ListAttributesRequest{Target: attiov1.AttributeTarget_ATTRIBUTE_TARGET_OBJECT, Identifier: "people", PageSize: 1000})
		if err != nil {
			t.Fatal(err)
		}
		as, err = c.StreamAttributes(ctx, &attiov1.StreamAttributesRequest{Target: attiov1.AttributeTarget_ATTRIBUTE_TARGET_OBJECT, Identifier: "people", PageSize: 7})
		if err != nil {
			t.Fatal(err)
		}
		if got := drain(t, as.Receive); slugs(got) != strings.Join(idsOf(list.GetAttributes(), attrSlug), ",") || len(got) < 2 {
			t.Fatalf("people streamed %s in %d messages, listed %d", slugs(got), len(got), len(list.GetAttributes()))
		}
		as, err = c.StreamAttributes(ctx, &attiov1.StreamAttributesRequest{Target: act, Identifier: "nope"})
		if err == nil {
			_, err = as.Receive()
		}
		wantCode(t, err, connect.CodeNotFound)
	})
}
