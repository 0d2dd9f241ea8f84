package server

import (
	"encoding/json"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
)

// The reference read path (encoding/json into attio's structs, then converted here), kept only as
// the independent oracle of decode_parity_test.go.

func oracleToRecord(r *attio.Record) *attiov1.Record { return toRecord(r) }
func oracleToEntry(e *attio.Entry) *attiov1.Entry    { return toEntry(e) }
func oracleToRecords(rs []attio.Record) []*attiov1.Record {
	return toRecords(rs)
}

func toRecord(r *attio.Record) *attiov1.Record {
	x := extrasOf(r.Extra)
	return &attiov1.Record{Id: toRecordID(r.ID), CreatedAt: x.time("created_at", r.CreatedAt), WebUrl: r.WebURL,
		Values: toValueMap(r.Values), ExtraJson: x.json()}
}

func toRecords(rs []attio.Record) []*attiov1.Record {
	out := make([]*attiov1.Record, 0, len(rs))
	for i := range rs {
		out = append(out, toRecord(&rs[i]))
	}
	return out
}

func toEntry(e *attio.Entry) *attiov1.Entry {
	x := extrasOf(e.Extra)
	return &attiov1.Entry{
		Id:             &attiov1.EntryId{WorkspaceId: e.ID.WorkspaceID, ListId: e.ID.ListID, EntryId: e.ID.EntryID},
		ParentRecordId: e.ParentRecordID,
		ParentObject:   e.ParentObject,
		CreatedAt:      x.time("created_at", e.CreatedAt),
		EntryValues:    toValueMap(e.EntryValues),
		ExtraJson:      x.json(),
	}
}

func toEntries(es []attio.Entry) []*attiov1.Entry {
	out := make([]*attiov1.Entry, 0, len(es))
	for i := range es {
		out = append(out, toEntry(&es[i]))
	}
	return out
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
		out.Value = &attiov1.Value_Text{Text: v.Text}
	case attio.TypeNumber:
		out.Value = &attiov1.Value_Number{Number: toDecimal(v.Number)}
	case attio.TypeCheckbox:
		out.Value = &attiov1.Value_Checkbox{Checkbox: v.Checkbox}
	case attio.TypeCurrency:
		out.Value = &attiov1.Value_Currency{Currency: &attiov1.CurrencyValue{CurrencyValue: toDecimal(v.CurrencyValue), CurrencyCode: v.CurrencyCode}}
	case attio.TypeDate:
		out.Value = &attiov1.Value_Date{Date: v.Date}
	case attio.TypeTimestamp:
		if t := x.time("value", v.Timestamp); t != nil {
			out.Value = &attiov1.Value_Timestamp{Timestamp: t}
		}
	case attio.TypeRating:
		n, err := v.Rating.Int64()
		if err != nil || n != int64(int32(n)) {
			x.set("value", json.RawMessage(v.Rating))
			n = 0
		}
		out.Value = &attiov1.Value_Rating{Rating: int32(n)}
	case attio.TypeStatus:
		st := toStatus(v.Status)
		if st == nil && v.StatusID != "" {
			st = &attiov1.Status{Id: &attiov1.StatusId{StatusId: v.StatusID}}
		}
		out.Value = &attiov1.Value_Status{Status: st}
	case attio.TypeSelect:
		opt := toSelectOption(v.Option)
		if opt == nil && v.OptionID != "" {
			opt = &attiov1.SelectOption{Id: &attiov1.SelectOptionId{OptionId: v.OptionID}}
		}
		out.Value = &attiov1.Value_Select{Select: opt}
	case attio.TypeRecordReference:
		out.Value = &attiov1.Value_RecordReference{RecordReference: attio.RecordReference(v.TargetObject, v.TargetRecordID)}
	case attio.TypeActorReference:
		out.Value = &attiov1.Value_ActorReference{ActorReference: attio.ActorReferenceValue(v.ReferencedActorType, v.ReferencedActorID)}
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

// rawEnum is Attio's string when the contract's enum has no value for it (the enum is then
// UNSPECIFIED), so a caller still sees what Attio said; "" when the enum knows it or it is empty.
func rawEnum[E any](m map[string]E, s string) string {
	if _, ok := m[s]; ok {
		return ""
	}
	return s
}
