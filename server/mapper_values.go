package server

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"time"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
)

// Attio writes timestamps with nine fractional digits; we parse any RFC 3339 form and write that one.
const attioTime = "2006-01-02T15:04:05.000000000Z07:00"

// toTimestamp parses an Attio time; empty or unparseable gives nil (a missing time is not an error
// worth failing a whole page for).
func toTimestamp(s string) *timestamppb.Timestamp {
	if s == "" {
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return nil
	}
	return timestamppb.New(t)
}

func fromTimestamp(ts *timestamppb.Timestamp) string {
	if ts == nil {
		return ""
	}
	return ts.AsTime().UTC().Format(attioTime)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// The enums' Attio strings live with the decoder, in attio/.
var (
	actorTypes       = attio.ActorTypes
	interactionTypes = attio.InteractionTypes
)

func actorTypeName(t attiov1.ActorType) string {
	for k, v := range actorTypes {
		if v == t {
			return k
		}
	}
	return ""
}

func toActor(a *attio.Actor) *attiov1.ActorReference {
	if a == nil {
		return nil
	}
	return attio.ActorReference(deref(a.Type), a.ID)
}

func toActorValue(t, id string) *attiov1.ActorReference {
	return attio.ActorReference(t, &id)
}

func interactionTypeName(t attiov1.InteractionType) string {
	for k, v := range interactionTypes {
		if v == t {
			return k
		}
	}
	return ""
}

func toDecimal(n json.Number) *attiov1.Decimal {
	if n == "" {
		return nil
	}
	return &attiov1.Decimal{Value: n.String()}
}

// rawToStruct keeps a JSON object whole. Non-objects (never seen from Attio) are wrapped so they
// still survive: {"value": ...}.
func rawToStruct(raw json.RawMessage) *structpb.Struct {
	s := &structpb.Struct{}
	if len(raw) == 0 {
		return s
	}
	if err := protojson.Unmarshal(raw, s); err == nil {
		return s
	}
	var v any
	if json.Unmarshal(raw, &v) == nil {
		if w, err := structpb.NewStruct(map[string]any{"value": v}); err == nil {
			return w
		}
	}
	return s
}

// fromValueInputs maps a values map (attribute -> list of input values) to the client's typed
// values; a value it cannot express is the caller's error.
func fromValueInputs(m map[string]*attiov1.ValueInputList) (attio.Values, error) {
	out := make(attio.Values, len(m))
	for attr, list := range m {
		vals := make([]attio.ValueInput, 0, len(list.GetValues()))
		for i, in := range list.GetValues() {
			v, err := fromValueInput(in)
			if err != nil {
				return nil, fmt.Errorf("values[%q][%d]: %w", attr, i, err)
			}
			vals = append(vals, v)
		}
		out[attr] = vals
	}
	return out, nil
}

// fromValueInput is the one table of value conversions: each field of the contract's value oneof
// (ValueInput's, which is Value's too) to the client's input type for it. Adding a value type is a
// row here and one in valueOperand, its type and decoder in attio/, and the proto field (README,
// "Adding an attribute value type").
func fromValueInput(in *attiov1.ValueInput) (attio.ValueInput, error) {
	switch v := in.GetValue().(type) {
	case *attiov1.ValueInput_Text:
		return attio.TextInput{Value: v.Text}, nil
	case *attiov1.ValueInput_Number:
		return attio.NumberInput{Value: json.Number(v.Number.GetValue())}, nil
	case *attiov1.ValueInput_Checkbox:
		return attio.CheckboxInput{Value: v.Checkbox}, nil
	case *attiov1.ValueInput_Currency:
		return attio.CurrencyInput{CurrencyValue: json.Number(v.Currency.GetCurrencyValue().GetValue())}, nil
	case *attiov1.ValueInput_Date:
		return attio.DateInput{Value: v.Date}, nil
	case *attiov1.ValueInput_Timestamp:
		return attio.TimestampInput{Value: v.Timestamp.AsTime()}, nil
	case *attiov1.ValueInput_Rating:
		return attio.RatingInput{Value: v.Rating}, nil
	case *attiov1.ValueInput_Status:
		return attio.StatusValueInput{ID: v.Status.GetId().GetStatusId(), Title: v.Status.GetTitle()}, nil
	case *attiov1.ValueInput_Select:
		return attio.SelectInput{ID: v.Select.GetId().GetOptionId(), Title: v.Select.GetTitle()}, nil
	case *attiov1.ValueInput_RecordReference:
		return fromRecordReference(v.RecordReference)
	case *attiov1.ValueInput_ActorReference:
		a := v.ActorReference
		return attio.ActorReferenceInput{Type: actorTypeName(a.GetReferencedActorType()), ID: a.GetReferencedActorId(), EmailAddress: a.GetEmailAddress()}, nil
	case *attiov1.ValueInput_Location:
		l := v.Location
		return attio.LocationInput{Line1: nonEmpty(l.GetLine_1()), Line2: nonEmpty(l.GetLine_2()), Line3: nonEmpty(l.GetLine_3()),
			Line4: nonEmpty(l.GetLine_4()), Locality: nonEmpty(l.GetLocality()), Region: nonEmpty(l.GetRegion()),
			Postcode: nonEmpty(l.GetPostcode()), CountryCode: nonEmpty(l.GetCountryCode()),
			Latitude: nonEmpty(l.GetLatitude()), Longitude: nonEmpty(l.GetLongitude())}, nil
	case *attiov1.ValueInput_Domain:
		return attio.DomainInput{Domain: v.Domain.GetDomain()}, nil
	case *attiov1.ValueInput_EmailAddress:
		return attio.EmailAddressInput{EmailAddress: v.EmailAddress.GetEmailAddress()}, nil
	case *attiov1.ValueInput_PhoneNumber:
		p := v.PhoneNumber
		return attio.PhoneNumberInput{OriginalPhoneNumber: cmp.Or(p.GetOriginalPhoneNumber(), p.GetPhoneNumber()), CountryCode: p.GetCountryCode()}, nil
	case *attiov1.ValueInput_PersonalName:
		p := v.PersonalName
		return attio.PersonalNameInput{FirstName: p.GetFirstName(), LastName: p.GetLastName(), FullName: p.GetFullName()}, nil
	case *attiov1.ValueInput_Interaction:
		i := v.Interaction
		return attio.InteractionInput{Type: interactionTypeName(i.GetInteractionType()), At: i.GetInteractedAt().AsTime(),
			OwnerActor: attio.Actor{Type: nonEmpty(actorTypeName(i.GetOwnerActor().GetType())), ID: nonEmpty(i.GetOwnerActor().GetId())}}, nil
	case *attiov1.ValueInput_RawJson:
		if !json.Valid([]byte(v.RawJson)) {
			return nil, fmt.Errorf("raw_json is not valid JSON")
		}
		return attio.RawInput(v.RawJson), nil
	default:
		return nil, errNoValue
	}
}

// valueOperand is what a watch filter's condition without a field compares (change_filter.go): a
// value's main part, typed for comparison (decimals as big.Rat, timestamps as time.Time, options
// and statuses by title). Locations and interactions have none: a condition on them names a field.
func valueOperand(v *attiov1.Value) (any, bool) {
	switch x := v.GetValue().(type) {
	case *attiov1.Value_Text:
		return x.Text, true
	case *attiov1.Value_Number:
		return decimal(x.Number.GetValue())
	case *attiov1.Value_Checkbox:
		return x.Checkbox, true
	case *attiov1.Value_Currency:
		return decimal(x.Currency.GetCurrencyValue().GetValue())
	case *attiov1.Value_Date:
		return x.Date, true
	case *attiov1.Value_Timestamp:
		return x.Timestamp.AsTime(), true
	case *attiov1.Value_Rating:
		return big.NewRat(int64(x.Rating), 1), true
	case *attiov1.Value_Status:
		return x.Status.GetTitle(), true
	case *attiov1.Value_Select:
		return x.Select.GetTitle(), true
	case *attiov1.Value_RecordReference:
		return x.RecordReference.GetTargetRecordId(), true
	case *attiov1.Value_ActorReference:
		return x.ActorReference.GetReferencedActorId(), true
	case *attiov1.Value_Domain:
		return x.Domain.GetDomain(), true
	case *attiov1.Value_EmailAddress:
		return x.EmailAddress.GetEmailAddress(), true
	case *attiov1.Value_PhoneNumber:
		return x.PhoneNumber.GetPhoneNumber(), true
	case *attiov1.Value_PersonalName:
		return x.PersonalName.GetFullName(), true
	}
	return nil, false
}

func decimal(s string) (any, bool) {
	r, ok := new(big.Rat).SetString(s)
	return r, ok
}

// errNoValue is a value input with none of the oneof's fields set (or one this table lacks).
var errNoValue = errors.New("no value set")

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// fromRecordReference names the target by id, or by a unique attribute Attio can match on, e.g.
// {"target_object":"companies","domains":[{"domain":"acme.com"}]}.
func fromRecordReference(r *attiov1.RecordReferenceValue) (attio.RecordReferenceInput, error) {
	out := attio.RecordReferenceInput{TargetObject: r.GetTargetObject(), TargetRecordID: r.GetTargetRecordId()}
	if out.TargetRecordID != "" {
		return out, nil
	}
	match := r.GetMatch()
	v, err := fromValueInput(match.GetValue())
	if err != nil {
		return out, fmt.Errorf("match: %w", err)
	}
	out.MatchAttribute, out.Match = match.GetAttribute(), v
	return out, nil
}
