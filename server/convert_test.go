package server

import (
	"encoding/json"
	"testing"

	"connectrpc.com/connect/v2"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
)

func TestUnixTimestamp(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   json.Number
		want *timestamppb.Timestamp
	}{
		{"", nil},
		{"1704186000", &timestamppb.Timestamp{Seconds: 1704186000}},
		{"0", &timestamppb.Timestamp{}},
		{"1704186000.25", &timestamppb.Timestamp{Seconds: 1704186000, Nanos: 250000000}},
		{"1e3", &timestamppb.Timestamp{Seconds: 1000}},
		{"soon", nil},
	} {
		if got := unixTimestamp(tc.in); !proto.Equal(got, tc.want) {
			t.Errorf("unixTimestamp(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestToSelfTimes(t *testing.T) {
	t.Parallel()
	exp := json.Number("1893456000")
	logo := "https://logo"
	got := toSelf(&attio.Self{Active: true, Exp: &exp, Iat: "1704186000", WorkspaceLogoURL: &logo})
	if got.GetExp().GetSeconds() != 1893456000 || got.GetIat().GetSeconds() != 1704186000 || got.GetWorkspaceLogoUrl() != logo || !got.GetActive() {
		t.Fatalf("toSelf = %v", got)
	}
	if got := toSelf(&attio.Self{}); got.GetExp() != nil || got.GetIat() != nil {
		t.Fatalf("toSelf of nothing = %v", got)
	}
}

func TestStructOrNil(t *testing.T) {
	t.Parallel()
	obj, _ := structpb.NewStruct(map[string]any{"type": "dynamic", "template": "current-user"})
	wrapped, _ := structpb.NewStruct(map[string]any{"value": []any{1.0}})
	for _, tc := range []struct {
		in   string
		want *structpb.Struct
	}{
		{"", nil},
		{"null", nil},
		{" null ", nil},
		{"{}", &structpb.Struct{}},
		{`{"type":"dynamic","template":"current-user"}`, obj},
		{`[1]`, wrapped},
	} {
		if got := structOrNil(json.RawMessage(tc.in)); !proto.Equal(got, tc.want) {
			t.Errorf("structOrNil(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
	b, err := structJSON(obj)
	if err != nil {
		t.Fatal(err)
	}
	if back := structOrNil(b); !proto.Equal(back, obj) {
		t.Fatalf("round trip %s = %v", b, back)
	}
	if b, err := structJSON(nil); b != nil || err != nil {
		t.Fatalf("structJSON(nil) = %s, %v", b, err)
	}
}

func TestEnums(t *testing.T) {
	t.Parallel()
	if got := enumOf(webhookStatuses, "paused"); got != attiov1.WebhookStatus_WEBHOOK_STATUS_UNSPECIFIED {
		t.Errorf("unknown status = %v", got)
	}
	if got := enumOf(accessLevels, "read-only"); got != attiov1.AccessLevel_ACCESS_LEVEL_READ_ONLY {
		t.Errorf("read-only = %v", got)
	}
	if got := enumName(meetingSorts, attiov1.MeetingSort_MEETING_SORT_UNSPECIFIED); got != "" {
		t.Errorf("unspecified sort = %q", got)
	}
	if got := enumName(taskSorts, attiov1.TaskSort_TASK_SORT_CREATED_AT_DESC); got != "created_at:desc" {
		t.Errorf("desc = %q", got)
	}
	if got := enumName(connectionStatuses, attiov1.ConnectionStatus_CONNECTION_STATUS_FAILED); got != "FAILED" {
		t.Errorf("failed = %q", got)
	}
	if _, err := fromTarget(attiov1.AttributeTarget_ATTRIBUTE_TARGET_UNSPECIFIED); connect.CodeOf(err) != connect.CodeInvalidArgument {
		t.Errorf("unspecified target: %v", err)
	}
}

func TestFromAttributeConfig(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		in   *attiov1.AttributeConfig
		want string // JSON; "" means nothing is sent
	}{
		{"nil", nil, ""},
		{"empty", &attiov1.AttributeConfig{}, ""},
		{"currency", &attiov1.AttributeConfig{Currency: &attiov1.CurrencyConfig{DefaultCurrencyCode: proto.String("EUR"), DisplayType: proto.String("symbol")}},
			`{"currency":{"default_currency_code":"EUR","display_type":"symbol"}}`},
		{"currency code only", &attiov1.AttributeConfig{Currency: &attiov1.CurrencyConfig{DefaultCurrencyCode: proto.String("USD")}},
			`{"currency":{"default_currency_code":"USD"}}`},
		{"record reference", &attiov1.AttributeConfig{RecordReference: &attiov1.RecordReferenceConfig{AllowedObjectIds: []string{"people", "companies"}}},
			`{"record_reference":{"allowed_objects":["people","companies"]}}`},
		{"record reference, any object", &attiov1.AttributeConfig{RecordReference: &attiov1.RecordReferenceConfig{}},
			`{"record_reference":{"allowed_objects":[]}}`},
	} {
		got := fromAttributeConfig(tc.in)
		if tc.want == "" {
			if got != nil {
				t.Errorf("%s: %#v, want nil", tc.name, got)
			}
			continue
		}
		b, _ := json.Marshal(got)
		if string(b) != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, b, tc.want)
		}
	}
}

func TestToAttribute(t *testing.T) {
	t.Parallel()
	desc, cur, disp := "About", "GBP", "code"
	a := toAttribute(&attio.Attribute{
		ID: attio.AttributeID{WorkspaceID: "w", ObjectID: "o", AttributeID: "a"}, Title: "T", Description: &desc, APISlug: "t", Type: "currency",
		DefaultValue: json.RawMessage(`{"type":"static","template":[{"currency_value":5}]}`),
		Relationship: &attio.AttributeRelationship{ID: attio.AttributeID{WorkspaceID: "w", ObjectID: "o2", AttributeID: "a2"}},
		CreatedAt:    "2024-01-02T03:04:05.000000006Z",
		Config:       attio.AttributeConfig{Currency: attio.CurrencyConfig{DefaultCurrencyCode: &cur, DisplayType: &disp}},
	})
	if a.GetDescription() != "About" || a.GetRelationship().GetAttributeId() != "a2" || a.GetCreatedAt().GetNanos() != 6 ||
		a.GetConfig().GetCurrency().GetDefaultCurrencyCode() != "GBP" || a.GetConfig().GetCurrency().GetDisplayType() != "code" ||
		a.GetDefaultValue().GetFields()["type"].GetStringValue() != "static" {
		t.Fatalf("toAttribute = %v", a)
	}
	if b := toAttribute(&attio.Attribute{DefaultValue: json.RawMessage("null")}); b.GetDefaultValue() != nil || b.GetRelationship() != nil {
		t.Fatalf("toAttribute of nulls = %v", b)
	}
}

func TestNullableString(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"": "null", "P1D": `"P1D"`} {
		b, _ := json.Marshal(nullableString(in))
		if string(b) != want {
			t.Errorf("nullableString(%q) = %s, want %s", in, b, want)
		}
	}
}

func TestToMeetingTime(t *testing.T) {
	t.Parallel()
	tz := "Europe/Berlin"
	for _, tc := range []struct {
		name string
		in   attio.MeetingTime
		want *attiov1.MeetingTime
	}{
		{"datetime", attio.MeetingTime{Datetime: "2025-06-10T14:00:00.123456789Z", Timezone: &tz},
			&attiov1.MeetingTime{Time: &attiov1.MeetingTime_Datetime{Datetime: &timestamppb.Timestamp{Seconds: 1749564000, Nanos: 123456789}}, Timezone: &tz}},
		{"all day", attio.MeetingTime{Date: "2025-07-01"}, &attiov1.MeetingTime{Time: &attiov1.MeetingTime_Date{Date: "2025-07-01"}}},
		{"nothing", attio.MeetingTime{}, &attiov1.MeetingTime{}},
	} {
		if got := toMeetingTime(tc.in); !proto.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestToNoteTag(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   attio.NoteTag
		want *attiov1.NoteTag
	}{
		{attio.NoteTag{Type: "workspace-member", WorkspaceMemberID: "m"}, &attiov1.NoteTag{Tag: &attiov1.NoteTag_WorkspaceMemberId{WorkspaceMemberId: "m"}}},
		{attio.NoteTag{Type: "record", Object: "people", RecordID: "r"}, &attiov1.NoteTag{Tag: &attiov1.NoteTag_Record{Record: &attiov1.NoteRecordTag{Object: "people", RecordId: "r"}}}},
		{attio.NoteTag{Type: "list-entry"}, &attiov1.NoteTag{}},
	} {
		if got := toNoteTag(tc.in); !proto.Equal(got, tc.want) {
			t.Errorf("toNoteTag(%+v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestActorOrNil(t *testing.T) {
	t.Parallel()
	typ, id := "workspace-member", "m"
	system := "system"
	for _, tc := range []struct {
		in   attio.Actor
		want *attiov1.ActorReference
	}{
		{attio.Actor{}, nil},
		{attio.Actor{Type: &typ, ID: &id}, &attiov1.ActorReference{Type: attiov1.ActorType_ACTOR_TYPE_WORKSPACE_MEMBER, Id: proto.String("m")}},
		{attio.Actor{Type: &system}, &attiov1.ActorReference{Type: attiov1.ActorType_ACTOR_TYPE_SYSTEM}},
	} {
		if got := actorOrNil(tc.in); !proto.Equal(got, tc.want) {
			t.Errorf("actorOrNil(%+v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestTaskInputs(t *testing.T) {
	t.Parallel()
	as := fromAssignees([]*attiov1.AssigneeInput{
		{Member: &attiov1.AssigneeInput_WorkspaceMemberId{WorkspaceMemberId: "m1"}},
		{Member: &attiov1.AssigneeInput_EmailAddress{EmailAddress: "bob@example.com"}},
	})
	b, _ := json.Marshal(as)
	if want := `[{"referenced_actor_type":"workspace-member","referenced_actor_id":"m1"},{"workspace_member_email_address":"bob@example.com"}]`; string(b) != want {
		t.Errorf("assignees = %s, want %s", b, want)
	}
	if none := fromAssignees(nil); none == nil || len(none) != 0 {
		t.Errorf("no assignees = %#v, want an empty list (clears upstream)", none)
	}
	links, err := fromLinkedRecords([]*attiov1.LinkedRecordInput{
		{Record: &attiov1.RecordReferenceValue{TargetObject: "people", Target: &attiov1.RecordReferenceValue_TargetRecordId{TargetRecordId: "r1"}}},
		{Record: &attiov1.RecordReferenceValue{TargetObject: "companies", Target: &attiov1.RecordReferenceValue_Match{Match: &attiov1.MatchingAttribute{
			Attribute: "domains", Value: &attiov1.ValueInput{Value: &attiov1.ValueInput_Domain{Domain: &attiov1.DomainValue{Domain: "acme.com"}}}}}}},
	})
	b, _ = json.Marshal(links)
	if want := `[{"target_object":"people","target_record_id":"r1"},{"domains":[{"domain":"acme.com"}],"target_object":"companies"}]`; err != nil || string(b) != want {
		t.Errorf("links = %s, %v; want %s", b, err, want)
	}
	_, err = fromLinkedRecords([]*attiov1.LinkedRecordInput{{Record: &attiov1.RecordReferenceValue{TargetObject: "companies",
		Target: &attiov1.RecordReferenceValue_Match{Match: &attiov1.MatchingAttribute{Attribute: "domains"}}}}})
	if connect.CodeOf(err) != connect.CodeInvalidArgument {
		t.Errorf("match form without a value: %v", err)
	}
	q, err := taskQuery(nil, attiov1.TaskSort_TASK_SORT_UNSPECIFIED, 500, 0)
	if err != nil || q.IsCompleted != nil || q.Sort != "" || q.Limit != 500 {
		t.Errorf("taskQuery(nil) = %+v, %v", q, err)
	}
	if _, err := taskQuery(&attiov1.TaskFilter{LinkedRecordId: "r"}, 0, 1, 0); connect.CodeOf(err) != connect.CodeInvalidArgument {
		t.Errorf("half a linked pair: %v", err)
	}
}

func TestMeetingQuery(t *testing.T) {
	t.Parallel()
	q, err := meetingQuery(&attiov1.MeetingFilter{
		Participants: []string{"a@x.com", "b@x.com"}, EndsFrom: &timestamppb.Timestamp{Seconds: 1, Nanos: 5}, Timezone: "UTC",
	}, attiov1.MeetingSort_MEETING_SORT_START_DESC, 50, "cur")
	if err != nil {
		t.Fatal(err)
	}
	want := attio.MeetingQuery{Limit: 50, Cursor: "cur", Participants: "a@x.com,b@x.com", Sort: "start_desc",
		EndsFrom: "1970-01-01T00:00:01.000000005Z", Timezone: "UTC"}
	if q != want {
		t.Fatalf("meetingQuery = %+v, want %+v", q, want)
	}
}

// Attio's spelling of an enum is derived from the proto value names: each spelling case, and every
// value of an enum has its spelling both ways.
func TestWireNames(t *testing.T) {
	t.Parallel()
	if got := enumOf(accessLevels, "read-and-write"); got != attiov1.AccessLevel_ACCESS_LEVEL_READ_AND_WRITE {
		t.Errorf("kebab read-and-write = %v", got)
	}
	if got := enumName(storageProviders, attiov1.StorageProvider_STORAGE_PROVIDER_MICROSOFT_ONEDRIVE); got != "microsoft-onedrive" {
		t.Errorf("kebab onedrive = %q", got)
	}
	if got := enumOf(connectionStatuses, "PENDING"); got != attiov1.ConnectionStatus_CONNECTION_STATUS_PENDING {
		t.Errorf("upper PENDING = %v", got)
	}
	if got := viewOps["not_empty"]; got != attiov1.FilterOperator_FILTER_OPERATOR_NOT_EMPTY {
		t.Errorf("snake not_empty = %v", got)
	}
	ops := attiov1.FilterOperator(0).Descriptor().Values()
	if len(viewOps) != ops.Len()-1 {
		t.Fatalf("viewOps has %d operators, the contract %d", len(viewOps), ops.Len()-1)
	}
	for i := 1; i < ops.Len(); i++ {
		op := attiov1.FilterOperator(ops.Get(i).Number())
		if name := enumName(viewOps, op); name == "" || viewOps[name] != op {
			t.Errorf("%v has no spelling (%q)", op, name)
		}
	}
	if _, ok := contentFormats["unspecified"]; ok {
		t.Error("UNSPECIFIED has a spelling")
	}
}
