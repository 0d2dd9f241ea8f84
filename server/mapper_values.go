package server

import (
	"encoding/json"
	"fmt"
	"strings"
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

var actorTypes = map[string]attiov1.ActorType{
	"api-token":        attiov1.ActorType_ACTOR_TYPE_API_TOKEN,
	"workspace-member": attiov1.ActorType_ACTOR_TYPE_WORKSPACE_MEMBER,
	"system":           attiov1.ActorType_ACTOR_TYPE_SYSTEM,
	"app":              attiov1.ActorType_ACTOR_TYPE_APP,
}

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
	t := deref(a.Type)
	return &attiov1.ActorReference{Type: actorTypes[t], Id: a.ID, RawType: rawEnum(actorTypes, t)}
}

func toActorValue(t, id string) *attiov1.ActorReference {
	return &attiov1.ActorReference{Type: actorTypes[t], Id: &id, RawType: rawEnum(actorTypes, t)}
}

// rawEnum is Attio's string when the contract's enum has no value for it (the enum is then
// UNSPECIFIED), so a caller still sees what Attio said; "" when the enum knows it or it is empty.
func rawEnum[E any](m map[string]E, s string) string {
	if _, ok := m[s]; ok {
		return ""
	}
	return s
}

var interactionTypes = map[string]attiov1.InteractionType{
	"calendar-event":    attiov1.InteractionType_INTERACTION_TYPE_CALENDAR_EVENT,
	"call":              attiov1.InteractionType_INTERACTION_TYPE_CALL,
	"chat-thread":       attiov1.InteractionType_INTERACTION_TYPE_CHAT_THREAD,
	"email":             attiov1.InteractionType_INTERACTION_TYPE_EMAIL,
	"in-person-meeting": attiov1.InteractionType_INTERACTION_TYPE_IN_PERSON_MEETING,
	"meeting":           attiov1.InteractionType_INTERACTION_TYPE_MEETING,
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

// toValues maps an attribute's values; nil input gives an empty (non-nil) list, because Attio
// sends every attribute and "no value" is information too.
func toValueList(vs []attio.Value) *attiov1.ValueList {
	out := &attiov1.ValueList{Values: make([]*attiov1.Value, 0, len(vs))}
	for i := range vs {
		out.Values = append(out.Values, toValue(&vs[i]))
	}
	return out
}

func toValueMap(m map[string][]attio.Value) map[string]*attiov1.ValueList {
	out := make(map[string]*attiov1.ValueList, len(m))
	for k, vs := range m {
		out[k] = toValueList(vs)
	}
	return out
}

// toValue maps one value. A type this code does not know is kept whole in Value.unknown_json;
// keys a known type does not document, and times that are not RFC 3339, go to extra_json, so
// nothing Attio sent is lost.
func toValue(v *attio.Value) *attiov1.Value {
	x := extrasOf(v.Unknown())
	out := &attiov1.Value{
		ActiveFrom:     x.time("active_from", v.ActiveFrom),
		ActiveUntil:    x.timePtr("active_until", v.ActiveUntil),
		CreatedByActor: toActor(v.CreatedByActor),
		AttributeType:  v.AttributeType,
	}
	switch v.AttributeType {
	case attio.TypeText:
		out.Value = &attiov1.Value_Text{Text: &attiov1.TextValue{Value: v.Text}}
	case attio.TypeNumber:
		out.Value = &attiov1.Value_Number{Number: &attiov1.NumberValue{Value: toDecimal(v.Number)}}
	case attio.TypeCheckbox:
		out.Value = &attiov1.Value_Checkbox{Checkbox: &attiov1.CheckboxValue{Value: v.Checkbox}}
	case attio.TypeCurrency:
		out.Value = &attiov1.Value_Currency{Currency: &attiov1.CurrencyValue{CurrencyValue: toDecimal(v.CurrencyValue), CurrencyCode: v.CurrencyCode}}
	case attio.TypeDate:
		out.Value = &attiov1.Value_Date{Date: &attiov1.DateValue{Value: v.Date}}
	case attio.TypeTimestamp:
		out.Value = &attiov1.Value_Timestamp{Timestamp: &attiov1.TimestampValue{Value: x.time("value", v.Timestamp)}}
	case attio.TypeRating:
		n, err := v.Rating.Int64()
		if err != nil || n != int64(int32(n)) {
			x.set("value", json.RawMessage(v.Rating))
			n = 0
		}
		out.Value = &attiov1.Value_Rating{Rating: &attiov1.RatingValue{Value: int32(n)}}
	case attio.TypeStatus:
		st := toStatus(v.Status)
		if st == nil && v.StatusID != "" {
			st = &attiov1.Status{Id: &attiov1.StatusId{StatusId: v.StatusID}}
		}
		out.Value = &attiov1.Value_Status{Status: &attiov1.StatusValue{Status: st}}
	case attio.TypeSelect:
		opt := toSelectOption(v.Option)
		if opt == nil && v.OptionID != "" {
			opt = &attiov1.SelectOption{Id: &attiov1.SelectOptionId{OptionId: v.OptionID}}
		}
		out.Value = &attiov1.Value_Select{Select: &attiov1.SelectValue{Option: opt}}
	case attio.TypeRecordReference:
		out.Value = &attiov1.Value_RecordReference{RecordReference: &attiov1.RecordReferenceValue{TargetObject: v.TargetObject, TargetRecordId: v.TargetRecordID}}
	case attio.TypeActorReference:
		out.Value = &attiov1.Value_ActorReference{ActorReference: &attiov1.ActorReferenceValue{
			ReferencedActorType: actorTypes[v.ReferencedActorType], ReferencedActorId: v.ReferencedActorID,
			RawReferencedActorType: rawEnum(actorTypes, v.ReferencedActorType)}}
	case attio.TypeLocation:
		out.Value = &attiov1.Value_Location{Location: toLocation(v.Location)}
	case attio.TypeDomain:
		out.Value = &attiov1.Value_Domain{Domain: &attiov1.DomainValue{Domain: v.Domain, RootDomain: v.RootDomain}}
	case attio.TypeEmailAddress:
		out.Value = &attiov1.Value_EmailAddress{EmailAddress: &attiov1.EmailAddressValue{
			OriginalEmailAddress: v.OriginalEmailAddress, EmailAddress: v.EmailAddress, EmailDomain: v.EmailDomain,
			EmailRootDomain: v.EmailRootDomain, EmailLocalSpecifier: v.EmailLocalSpecifier}}
	case attio.TypePhoneNumber:
		out.Value = &attiov1.Value_PhoneNumber{PhoneNumber: &attiov1.PhoneNumberValue{
			OriginalPhoneNumber: v.OriginalPhoneNumber, CountryCode: v.PhoneCountryCode, PhoneNumber: v.PhoneNumber}}
	case attio.TypePersonalName:
		out.Value = &attiov1.Value_PersonalName{PersonalName: &attiov1.PersonalNameValue{FirstName: v.FirstName, LastName: v.LastName, FullName: v.FullName}}
	case attio.TypeInteraction:
		out.Value = &attiov1.Value_Interaction{Interaction: &attiov1.InteractionValue{
			InteractionType: interactionTypes[v.InteractionType], InteractedAt: x.time("interacted_at", v.InteractedAt),
			OwnerActor: toActor(v.OwnerActor), RawInteractionType: rawEnum(interactionTypes, v.InteractionType)}}
	default:
		out.Value = &attiov1.Value_UnknownJson{UnknownJson: string(v.Raw)}
	}
	out.ExtraJson = x.json()
	return out
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

func toLocation(l *attio.Location) *attiov1.LocationValue {
	if l == nil {
		return &attiov1.LocationValue{}
	}
	return &attiov1.LocationValue{
		Line_1: l.Line1, Line_2: l.Line2, Line_3: l.Line3, Line_4: l.Line4,
		Locality: l.Locality, Region: l.Region, Postcode: l.Postcode,
		CountryCode: l.CountryCode, Latitude: l.Latitude, Longitude: l.Longitude,
	}
}

// fromValueInputs builds Attio's write body for a values map: attribute -> list of input values.
func fromValueInputs(m map[string]*attiov1.ValueInputList) (map[string]any, error) {
	out := make(map[string]any, len(m))
	for attr, list := range m {
		vals := make([]any, 0, len(list.GetValues()))
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

func optional(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// fromValueInput writes one input in the shape Attio documents for its attribute type. Numbers go
// out as json.Number so their decimal text reaches Attio unchanged.
func fromValueInput(in *attiov1.ValueInput) (any, error) {
	switch v := in.GetValue().(type) {
	case *attiov1.ValueInput_Text:
		return map[string]any{"value": v.Text}, nil
	case *attiov1.ValueInput_Number:
		return map[string]any{"value": json.Number(v.Number.GetValue())}, nil
	case *attiov1.ValueInput_Checkbox:
		return map[string]any{"value": v.Checkbox}, nil
	case *attiov1.ValueInput_Currency:
		// No currency_code: Attio's input has none, the currency belongs to the attribute.
		return map[string]any{"currency_value": json.Number(v.Currency.GetCurrencyValue().GetValue())}, nil
	case *attiov1.ValueInput_Date:
		return map[string]any{"value": v.Date}, nil
	case *attiov1.ValueInput_Timestamp:
		return map[string]any{"value": fromTimestamp(v.Timestamp)}, nil
	case *attiov1.ValueInput_Rating:
		return map[string]any{"value": v.Rating}, nil
	case *attiov1.ValueInput_Status:
		if id := v.Status.GetStatusId(); id != "" {
			return map[string]any{"status": id}, nil
		}
		return map[string]any{"status": v.Status.GetTitle()}, nil
	case *attiov1.ValueInput_Select:
		if id := v.Select.GetOptionId(); id != "" {
			return map[string]any{"option": id}, nil
		}
		return map[string]any{"option": v.Select.GetTitle()}, nil
	case *attiov1.ValueInput_RecordReference:
		return fromRecordReference(v.RecordReference)
	case *attiov1.ValueInput_ActorReference:
		a := v.ActorReference
		if email := a.GetEmailAddress(); email != "" {
			return map[string]any{"workspace_member_email_address": email}, nil
		}
		t := actorTypeName(a.GetReferencedActorType())
		if t == "" {
			t = "workspace-member"
		}
		return map[string]any{"referenced_actor_type": t, "referenced_actor_id": a.GetReferencedActorId()}, nil
	case *attiov1.ValueInput_Location:
		l := v.Location
		return map[string]any{
			"line_1": optional(l.GetLine_1()), "line_2": optional(l.GetLine_2()), "line_3": optional(l.GetLine_3()),
			"line_4": optional(l.GetLine_4()), "locality": optional(l.GetLocality()), "region": optional(l.GetRegion()),
			"postcode": optional(l.GetPostcode()), "country_code": optional(l.GetCountryCode()),
			"latitude": optional(l.GetLatitude()), "longitude": optional(l.GetLongitude()),
		}, nil
	case *attiov1.ValueInput_Domain:
		return map[string]any{"domain": v.Domain}, nil
	case *attiov1.ValueInput_EmailAddress:
		return map[string]any{"email_address": v.EmailAddress}, nil
	case *attiov1.ValueInput_PhoneNumber:
		m := map[string]any{"original_phone_number": v.PhoneNumber.GetOriginalPhoneNumber()}
		if c := v.PhoneNumber.GetCountryCode(); c != "" {
			m["country_code"] = c
		}
		return m, nil
	case *attiov1.ValueInput_PersonalName:
		p := v.PersonalName
		m := map[string]any{"first_name": p.GetFirstName(), "last_name": p.GetLastName()}
		full := p.GetFullName()
		if full == "" {
			full = strings.TrimSpace(p.GetFirstName() + " " + p.GetLastName())
		}
		m["full_name"] = full
		return m, nil
	case *attiov1.ValueInput_Interaction:
		i := v.Interaction
		return map[string]any{
			"interaction_type": interactionTypeName(i.GetInteractionType()),
			"interacted_at":    fromTimestamp(i.GetInteractedAt()),
			"owner_actor":      map[string]any{"type": optional(actorTypeName(i.GetOwnerActor().GetType())), "id": optional(i.GetOwnerActor().GetId())},
		}, nil
	case *attiov1.ValueInput_RawJson:
		if !json.Valid([]byte(v.RawJson)) {
			return nil, fmt.Errorf("raw_json is not valid JSON")
		}
		return json.RawMessage(v.RawJson), nil
	default:
		return nil, fmt.Errorf("no value set")
	}
}

// fromRecordReference names the target by id, or by a unique attribute Attio can match on, e.g.
// {"target_object":"companies","domains":[{"domain":"acme.com"}]}.
func fromRecordReference(r *attiov1.RecordReferenceInput) (any, error) {
	m := map[string]any{"target_object": r.GetTargetObject()}
	if id := r.GetTargetRecordId(); id != "" {
		m["target_record_id"] = id
		return m, nil
	}
	match := r.GetMatch()
	v, err := fromValueInput(match.GetValue())
	if err != nil {
		return nil, fmt.Errorf("match: %w", err)
	}
	m[match.GetAttribute()] = []any{v}
	return m, nil
}
