package attio

import (
	"fmt"
	"slices"
	"strings"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/timestamppb"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
)

// ValueText is the display text of one value, as a person would read it in Attio: for CSV cells of
// exports and for approval summaries. m is an *attiov1.Value (a value read) or an
// *attiov1.ValueInput (a value to write): both hold the same oneof, so one switch serves both.
func ValueText(m proto.Message) string {
	r := m.ProtoReflect()
	o := r.Descriptor().Oneofs().ByName("value")
	if o == nil {
		return ""
	}
	fd := r.WhichOneof(o)
	if fd == nil {
		return ""
	}
	v := r.Get(fd)
	switch fd.Kind() {
	case protoreflect.StringKind: // text, date, unknown_json, raw_json
		return v.String()
	case protoreflect.BoolKind:
		return fmt.Sprint(v.Bool())
	case protoreflect.Int32Kind:
		return fmt.Sprintf("%d/5", v.Int())
	}
	switch x := v.Message().Interface().(type) {
	case *attiov1.Decimal:
		return x.GetValue()
	case *timestamppb.Timestamp:
		return tsText(x)
	case *attiov1.CurrencyValue:
		return strings.TrimSpace(x.GetCurrencyValue().GetValue() + " " + x.GetCurrencyCode())
	case *attiov1.Status:
		return cmpOr(x.GetTitle(), x.GetId().GetStatusId())
	case *attiov1.SelectOption:
		return cmpOr(x.GetTitle(), x.GetId().GetOptionId())
	case *attiov1.RecordReferenceValue:
		if m := x.GetMatch(); m != nil {
			return x.GetTargetObject() + " where " + m.GetAttribute() + " = " + ValueText(m.GetValue())
		}
		return x.GetTargetObject() + "/" + x.GetTargetRecordId()
	case *attiov1.ActorReferenceValue:
		return cmpOr(x.GetReferencedActorId(), x.GetEmailAddress())
	case *attiov1.LocationValue:
		return strings.Join(slices.DeleteFunc([]string{x.GetLine_1(), x.GetLine_2(), x.GetLine_3(), x.GetLine_4(),
			x.GetLocality(), x.GetRegion(), x.GetPostcode(), x.GetCountryCode()}, func(s string) bool { return s == "" }), ", ")
	case *attiov1.DomainValue:
		return x.GetDomain()
	case *attiov1.EmailAddressValue:
		return cmpOr(x.GetEmailAddress(), x.GetOriginalEmailAddress())
	case *attiov1.PhoneNumberValue:
		return cmpOr(x.GetPhoneNumber(), x.GetOriginalPhoneNumber())
	case *attiov1.PersonalNameValue:
		return cmpOr(x.GetFullName(), strings.TrimSpace(x.GetFirstName()+" "+x.GetLastName()))
	case *attiov1.InteractionValue:
		return strings.ToLower(strings.TrimPrefix(x.GetInteractionType().String(), "INTERACTION_TYPE_")) + " at " + tsText(x.GetInteractedAt())
	}
	b, _ := protojson.Marshal(v.Message().Interface()) // a message this switch does not know: its JSON
	return string(b)
}

func tsText(ts *timestamppb.Timestamp) string {
	if ts == nil {
		return ""
	}
	return timeText(ts.AsTime())
}
