package attio_test

import (
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
)

// TestValueText pins the display text of each value type, read (Value) and to be written
// (ValueInput): the same oneof, so the same text.
func TestValueText(t *testing.T) {
	t.Parallel()
	at := timestamppb.New(time.Date(2026, 11, 30, 1, 2, 3, 0, time.UTC))
	code := "USD"
	tests := []struct {
		name string
		read *attiov1.Value
		want string
	}{
		{"text", &attiov1.Value{Value: &attiov1.Value_Text{Text: "hi"}}, "hi"},
		{"number", &attiov1.Value{Value: &attiov1.Value_Number{Number: &attiov1.Decimal{Value: "1.50"}}}, "1.50"},
		{"checkbox", &attiov1.Value{Value: &attiov1.Value_Checkbox{Checkbox: true}}, "true"},
		{"currency", &attiov1.Value{Value: &attiov1.Value_Currency{Currency: &attiov1.CurrencyValue{CurrencyValue: &attiov1.Decimal{Value: "9"}, CurrencyCode: &code}}}, "9 USD"},
		{"timestamp", &attiov1.Value{Value: &attiov1.Value_Timestamp{Timestamp: at}}, "2026-11-30T01:02:03.000000000Z"},
		{"rating", &attiov1.Value{Value: &attiov1.Value_Rating{Rating: 3}}, "3/5"},
		{"status", &attiov1.Value{Value: &attiov1.Value_Status{Status: &attiov1.Status{Title: "Won"}}}, "Won"},
		{"select by id", &attiov1.Value{Value: &attiov1.Value_Select{Select: &attiov1.SelectOption{Id: &attiov1.SelectOptionId{OptionId: "o1"}}}}, "o1"},
		{"record", &attiov1.Value{Value: &attiov1.Value_RecordReference{RecordReference: attio.RecordReference("people", "r1")}}, "people/r1"},
		{"actor", &attiov1.Value{Value: &attiov1.Value_ActorReference{ActorReference: &attiov1.ActorReferenceValue{
			Actor: &attiov1.ActorReferenceValue_EmailAddress{EmailAddress: "a@b.c"}}}}, "a@b.c"},
		{"location", &attiov1.Value{Value: &attiov1.Value_Location{Location: &attiov1.LocationValue{Line_1: &code, Locality: new("Town")}}}, "USD, Town"},
		{"phone", &attiov1.Value{Value: &attiov1.Value_PhoneNumber{PhoneNumber: &attiov1.PhoneNumberValue{OriginalPhoneNumber: "020"}}}, "020"},
		{"name", &attiov1.Value{Value: &attiov1.Value_PersonalName{PersonalName: &attiov1.PersonalNameValue{FirstName: "Ada", LastName: "L"}}}, "Ada L"},
		{"interaction", &attiov1.Value{Value: &attiov1.Value_Interaction{Interaction: &attiov1.InteractionValue{
			InteractionType: attiov1.InteractionType_INTERACTION_TYPE_EMAIL, InteractedAt: at}}}, "email at 2026-11-30T01:02:03.000000000Z"},
		{"unknown", &attiov1.Value{Value: &attiov1.Value_UnknownJson{UnknownJson: `{"x":1}`}}, `{"x":1}`},
		{"none", &attiov1.Value{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := attio.ValueText(tt.read); got != tt.want {
				t.Errorf("read: got %q, want %q", got, tt.want)
			}
			if tt.name == "unknown" || tt.name == "none" {
				return
			}
			// The same field, to be written: ValueInput holds the same types.
			in := &attiov1.ValueInput{}
			src, dst := tt.read.ProtoReflect(), in.ProtoReflect()
			fd := src.WhichOneof(src.Descriptor().Oneofs().ByName("value"))
			dst.Set(dst.Descriptor().Fields().ByName(fd.Name()), src.Get(fd))
			if got := attio.ValueText(in); got != tt.want {
				t.Errorf("input: got %q, want %q", got, tt.want)
			}
		})
	}
}
