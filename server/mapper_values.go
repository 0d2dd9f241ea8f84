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
		if id := v.Status.GetId().GetStatusId(); id != "" {
			return map[string]any{"status": id}, nil
		}
		return map[string]any{"status": v.Status.GetTitle()}, nil
	case *attiov1.ValueInput_Select:
		if id := v.Select.GetId().GetOptionId(); id != "" {
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
		return map[string]any{"domain": v.Domain.GetDomain()}, nil
	case *attiov1.ValueInput_EmailAddress:
		return map[string]any{"email_address": v.EmailAddress.GetEmailAddress()}, nil
	case *attiov1.ValueInput_PhoneNumber:
		n := v.PhoneNumber.GetOriginalPhoneNumber()
		if n == "" {
			n = v.PhoneNumber.GetPhoneNumber()
		}
		m := map[string]any{"original_phone_number": n}
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
func fromRecordReference(r *attiov1.RecordReferenceValue) (any, error) {
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
