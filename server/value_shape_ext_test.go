package server_test

import (
	"testing"

	"connectrpc.com/connect/v2"
	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
)

// inputOf writes back a value read, by copying its oneof field into ValueInput's field of the same
// name: it only works (rather than panics) because both messages hold the same types.
func inputOf(v *attiov1.Value) *attiov1.ValueInput {
	in := &attiov1.ValueInput{}
	src, dst := v.ProtoReflect(), in.ProtoReflect()
	fd := src.WhichOneof(src.Descriptor().Oneofs().ByName("value"))
	dst.Set(dst.Descriptor().Fields().ByName(fd.Name()), src.Get(fd))
	return in
}

// TestValuesReadAreWrittenBack reads seeded records of every writable value type the sandbox has,
// writes their values unchanged (same message shape) into a new record, and reads the same typed
// values back.
func TestValuesReadAreWrittenBack(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessConfig{})
	c := records(h, protocols[0])
	deals, err := c.QueryRecords(t.Context(), &attiov1.QueryRecordsRequest{Object: "deals", PageSize: 1,
		Filter: &attiov1.Filter{Node: &attiov1.Filter_RawJson{RawJson: `{"stage": "In Progress"}`}}})
	if err != nil || len(deals.GetRecords()) != 1 {
		t.Fatalf("a seeded deal: %v, %v", deals, err)
	}
	tests := []struct {
		object, id string
		attrs      []string
	}{
		{"people", adaID, []string{"name", "job_title", "phone_numbers", "primary_location", "company"}},
		{"companies", acmeID, []string{"name", "categories", "funding_raised_usd", "foundation_date", "employee_range", "primary_location"}},
		{"deals", deals.GetRecords()[0].GetId().GetRecordId(), []string{"name", "stage", "owner", "value", "associated_company", "associated_people"}},
	}
	for _, tt := range tests {
		t.Run(tt.object, func(t *testing.T) {
			t.Parallel()
			got, err := c.GetRecord(t.Context(), &attiov1.GetRecordRequest{Object: tt.object, RecordId: tt.id})
			if err != nil {
				t.Fatal(err)
			}
			src := got.GetRecord().GetValues()
			write := map[string]*attiov1.ValueInputList{}
			for _, a := range tt.attrs {
				if len(src[a].GetValues()) == 0 {
					t.Fatalf("seed has no %s.%s", tt.object, a)
				}
				l := &attiov1.ValueInputList{}
				for _, v := range src[a].GetValues() {
					l.Values = append(l.Values, inputOf(v))
				}
				write[a] = l
			}
			made, err := c.CreateRecord(t.Context(), &attiov1.CreateRecordRequest{Object: tt.object, Values: write})
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range tt.attrs {
				meta := protocmp.IgnoreFields(&attiov1.Value{}, "active_from", "active_until", "created_by_actor", "extra_json")
				if diff := cmp.Diff(src[a], made.GetRecord().GetValues()[a], protocmp.Transform(), meta); diff != "" {
					t.Errorf("%s.%s written back differs (-read +written):\n%s", tt.object, a, diff)
				}
			}
		})
	}
}

// TestValueInputsNeedWhatTheWriteUses: the messages shared with reads carry fields a write
// ignores, so each write names what it does use; a value missing it is InvalidArgument and never
// goes upstream.
func TestValueInputsNeedWhatTheWriteUses(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessConfig{})
	c := records(h, protocols[0])
	before := h.sb.Sandbox.Stats().Total
	const notUUID = "42"
	tests := map[string]*attiov1.ValueInput{
		"number without digits":   {Value: &attiov1.ValueInput_Number{Number: &attiov1.Decimal{}}},
		"currency without amount": {Value: &attiov1.ValueInput_Currency{Currency: &attiov1.CurrencyValue{CurrencyCode: new("USD")}}},
		"status named nohow":      {Value: &attiov1.ValueInput_Status{Status: &attiov1.Status{IsArchived: true}}},
		"status id not a uuid":    {Value: &attiov1.ValueInput_Status{Status: &attiov1.Status{Id: &attiov1.StatusId{StatusId: notUUID}}}},
		"select named nohow":      {Value: &attiov1.ValueInput_Select{Select: &attiov1.SelectOption{}}},
		"select id not a uuid":    {Value: &attiov1.ValueInput_Select{Select: &attiov1.SelectOption{Id: &attiov1.SelectOptionId{OptionId: notUUID}}}},
		"record without object": {Value: &attiov1.ValueInput_RecordReference{RecordReference: &attiov1.RecordReferenceValue{
			Target: &attiov1.RecordReferenceValue_TargetRecordId{TargetRecordId: acmeID}}}},
		"record named nohow": {Value: &attiov1.ValueInput_RecordReference{RecordReference: &attiov1.RecordReferenceValue{TargetObject: "companies"}}},
		"actor named nohow":  {Value: &attiov1.ValueInput_ActorReference{ActorReference: &attiov1.ActorReferenceValue{}}},
		"actor bad email": {Value: &attiov1.ValueInput_ActorReference{ActorReference: &attiov1.ActorReferenceValue{
			Actor: &attiov1.ActorReferenceValue_EmailAddress{EmailAddress: "nobody"}}}},
		"domain only its root": {Value: &attiov1.ValueInput_Domain{Domain: &attiov1.DomainValue{RootDomain: "acme.com"}}},
		"email only its parts": {Value: &attiov1.ValueInput_EmailAddress{EmailAddress: &attiov1.EmailAddressValue{EmailDomain: "acme.com"}}},
		"phone without number": {Value: &attiov1.ValueInput_PhoneNumber{PhoneNumber: &attiov1.PhoneNumberValue{CountryCode: "GB"}}},
		"phone country lower":  {Value: &attiov1.ValueInput_PhoneNumber{PhoneNumber: &attiov1.PhoneNumberValue{PhoneNumber: "+4420", CountryCode: "gb"}}},
	}
	for name, in := range tests {
		_, err := c.CreateRecord(t.Context(), &attiov1.CreateRecordRequest{Object: "deals", Values: values("x", []*attiov1.ValueInput{in})})
		if connect.CodeOf(err) != connect.CodeInvalidArgument {
			t.Errorf("%s: got %v, want InvalidArgument", name, err)
		}
	}
	if after := h.sb.Sandbox.Stats().Total; after != before {
		t.Fatalf("bad values reached the sandbox: %d requests", after-before)
	}
}
