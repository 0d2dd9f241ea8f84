package attio

import (
	"maps"
	"slices"
	"strconv"

	"google.golang.org/protobuf/types/known/timestamppb"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
)

// The decode table: one entry per attribute type Attio documents, with the keys its values carry
// besides the common ones (attribute_type, active_from, active_until, created_by_actor) and how
// they fill the contract's Value. Adding an attribute type is one entry here (plus the proto
// oneof and an encode case). Keys a type does not document go to the value's extra_json; a value
// of a type missing from the table is kept whole in unknown_json.
//
// Each decode gets the value's members by key (get returns the span and whether the key was
// there) and adds to x every member whose value the typed field cannot hold.
type valueDecoder struct {
	keys   []string
	decode func(p *decoder, f fields, x *extras, out *attiov1.Value)
}

// fields are the members of one value object.
type fields []span

// get is the member named key (the last one if Attio repeated it).
func (f fields) get(key string) (span, bool) {
	for i := len(f) - 1; i >= 0; i-- {
		if f[i].key == key {
			return f[i], true
		}
	}
	return span{}, false
}

// Aliases of the generated oneof wrappers, to keep the table's lines short.
type (
	vText  = attiov1.Value_Text
	vNum   = attiov1.Value_Number
	vCheck = attiov1.Value_Checkbox
	vCur   = attiov1.Value_Currency
	vDate  = attiov1.Value_Date
	vTime  = attiov1.Value_Timestamp
	vRate  = attiov1.Value_Rating
	vStat  = attiov1.Value_Status
	vSel   = attiov1.Value_Select
	vRef   = attiov1.Value_RecordReference
	vActor = attiov1.Value_ActorReference
	vLoc   = attiov1.Value_Location
	vDom   = attiov1.Value_Domain
	vMail  = attiov1.Value_EmailAddress
	vPhone = attiov1.Value_PhoneNumber
	vName  = attiov1.Value_PersonalName
	vInter = attiov1.Value_Interaction
)

// ValueTypes is every attribute type attio decodes, sorted: the one list of value types. The
// contract's Value oneof has a field per type (its name in snake case), the server's value table
// a row per type, and the sandbox emulates each (a test in each holds them to this list).
func ValueTypes() []string { return slices.Sorted(maps.Keys(valueDecoders)) }

var valueDecoders = map[string]valueDecoder{
	TypeText: {keys("value"), func(p *decoder, f fields, x *extras, out *attiov1.Value) {
		out.Value = &vText{Text: p.strField(f, "value", x)}
	}},
	TypeNumber: {keys("value"), func(p *decoder, f fields, x *extras, out *attiov1.Value) {
		out.Value = &vNum{Number: p.decimalField(f, "value", x)}
	}},
	TypeCheckbox: {keys("value"), func(p *decoder, f fields, x *extras, out *attiov1.Value) {
		out.Value = &vCheck{Checkbox: p.boolField(f, "value", x)}
	}},
	TypeCurrency: {keys("currency_value", "currency_code"), func(p *decoder, f fields, x *extras, out *attiov1.Value) {
		out.Value = &vCur{Currency: &attiov1.CurrencyValue{CurrencyValue: p.decimalField(f, "currency_value", x),
			CurrencyCode: p.optField(f, "currency_code", x)}}
	}},
	TypeDate: {keys("value"), func(p *decoder, f fields, x *extras, out *attiov1.Value) {
		out.Value = &vDate{Date: p.strField(f, "value", x)}
	}},
	TypeTimestamp: {keys("value"), func(p *decoder, f fields, x *extras, out *attiov1.Value) {
		if t := p.timeField(f, "value", x); t != nil {
			out.Value = &vTime{Timestamp: t}
		}
	}},
	TypeRating: {keys("value"), func(p *decoder, f fields, x *extras, out *attiov1.Value) {
		out.Value = &vRate{Rating: p.ratingField(f, x)}
	}},
	TypeStatus: {keys("status"), func(p *decoder, f fields, x *extras, out *attiov1.Value) {
		out.Value = &vStat{Status: p.statusField(f, x)}
	}},
	TypeSelect: {keys("option"), func(p *decoder, f fields, x *extras, out *attiov1.Value) {
		out.Value = &vSel{Select: p.optionField(f, x)}
	}},
	TypeRecordReference: {keys("target_object", "target_record_id"), func(p *decoder, f fields, x *extras, out *attiov1.Value) {
		out.Value = &vRef{RecordReference: RecordReference(p.strField(f, "target_object", x), p.strField(f, "target_record_id", x))}
	}},
	TypeActorReference: {keys("referenced_actor_type", "referenced_actor_id"), func(p *decoder, f fields, x *extras, out *attiov1.Value) {
		t := p.strField(f, "referenced_actor_type", x)
		out.Value = &vActor{ActorReference: ActorReferenceValue(t, p.optField(f, "referenced_actor_id", x))}
	}},
	TypeLocation: {keys("line_1", "line_2", "line_3", "line_4", "locality", "region", "postcode", "country_code",
		"latitude", "longitude"), func(p *decoder, f fields, x *extras, out *attiov1.Value) {
		o := func(k string) *string { return p.optField(f, k, x) }
		out.Value = &vLoc{Location: &attiov1.LocationValue{Line_1: o("line_1"), Line_2: o("line_2"), Line_3: o("line_3"),
			Line_4: o("line_4"), Locality: o("locality"), Region: o("region"), Postcode: o("postcode"),
			CountryCode: o("country_code"), Latitude: o("latitude"), Longitude: o("longitude")}}
	}},
	TypeDomain: {keys("domain", "root_domain"), func(p *decoder, f fields, x *extras, out *attiov1.Value) {
		out.Value = &vDom{Domain: &attiov1.DomainValue{Domain: p.strField(f, "domain", x), RootDomain: p.strField(f, "root_domain", x)}}
	}},
	TypeEmailAddress: {keys("original_email_address", "email_address", "email_domain", "email_root_domain",
		"email_local_specifier"), func(p *decoder, f fields, x *extras, out *attiov1.Value) {
		s := func(k string) string { return p.strField(f, k, x) }
		out.Value = &vMail{EmailAddress: &attiov1.EmailAddressValue{OriginalEmailAddress: s("original_email_address"),
			EmailAddress: s("email_address"), EmailDomain: s("email_domain"), EmailRootDomain: s("email_root_domain"),
			EmailLocalSpecifier: s("email_local_specifier")}}
	}},
	TypePhoneNumber: {keys("original_phone_number", "country_code", "phone_number"), func(p *decoder, f fields, x *extras, out *attiov1.Value) {
		s := func(k string) string { return p.strField(f, k, x) }
		out.Value = &vPhone{PhoneNumber: &attiov1.PhoneNumberValue{OriginalPhoneNumber: s("original_phone_number"),
			CountryCode: s("country_code"), PhoneNumber: s("phone_number")}}
	}},
	TypePersonalName: {keys("first_name", "last_name", "full_name"), func(p *decoder, f fields, x *extras, out *attiov1.Value) {
		s := func(k string) string { return p.strField(f, k, x) }
		out.Value = &vName{PersonalName: &attiov1.PersonalNameValue{FirstName: s("first_name"), LastName: s("last_name"), FullName: s("full_name")}}
	}},
	TypeInteraction: {keys("interaction_type", "interacted_at", "owner_actor"), func(p *decoder, f fields, x *extras, out *attiov1.Value) {
		t := p.strField(f, "interaction_type", x)
		out.Value = &vInter{Interaction: &attiov1.InteractionValue{InteractionType: InteractionTypes[t],
			InteractedAt: p.timeField(f, "interacted_at", x), OwnerActor: p.actorField(f, "owner_actor", x),
			RawInteractionType: rawEnum(InteractionTypes, t)}}
	}},
}

func keys(k ...string) []string { return k }

// ---- typed fields of a value: an absent key is the zero value; a key of the wrong JSON kind is
// the zero value and kept in x.

func (p *decoder) strField(f fields, key string, x *extras) string {
	v, ok := f.get(key)
	if !ok {
		return ""
	}
	s, ok := p.text(v)
	if !ok {
		x.add(v)
	}
	return s
}

func (p *decoder) optField(f fields, key string, x *extras) *string {
	v, ok := f.get(key)
	if !ok {
		return nil
	}
	s, ok := p.optText(v)
	if !ok {
		x.add(v)
	}
	return s
}

func (p *decoder) boolField(f fields, key string, x *extras) bool {
	v, ok := f.get(key)
	if !ok {
		return false
	}
	b, ok := p.boolean(v)
	if !ok {
		x.add(v)
	}
	return b
}

func (p *decoder) decimalField(f fields, key string, x *extras) *attiov1.Decimal {
	v, ok := f.get(key)
	if !ok {
		return nil
	}
	n, ok := p.number(v)
	if !ok {
		x.add(v)
		return nil
	}
	if n == "" {
		return nil
	}
	return &attiov1.Decimal{Value: n}
}

func (p *decoder) timeField(f fields, key string, x *extras) *timestamppb.Timestamp {
	v, ok := f.get(key)
	if !ok {
		return nil
	}
	return p.time(v, x)
}

// ratingField is an int32; anything else (a fraction, too large, null) is 0 and kept in x.
func (p *decoder) ratingField(f fields, x *extras) int32 {
	v, ok := f.get("value")
	if !ok {
		return 0
	}
	n, ok := p.number(v)
	if ok && n != "" {
		if i, err := strconv.ParseInt(n, 10, 32); err == nil {
			return int32(i)
		}
	}
	x.add(v)
	return 0
}

// statusField is the status object, or a status named by a bare id (the spec allows both).
func (p *decoder) statusField(f fields, x *extras) *attiov1.Status {
	v, ok := f.get("status")
	if !ok {
		return nil
	}
	switch p.kind(v.start) {
	case '{':
		return p.status(v)
	case '"':
		if id := p.str(v.start, v.end); id != "" {
			return &attiov1.Status{Id: &attiov1.StatusId{StatusId: id}}
		}
		return nil
	case 'n':
		return nil
	}
	x.add(v)
	return nil
}

// optionField is the select option object, or an option named by a bare id.
func (p *decoder) optionField(f fields, x *extras) *attiov1.SelectOption {
	v, ok := f.get("option")
	if !ok {
		return nil
	}
	switch p.kind(v.start) {
	case '{':
		return p.selectOption(v)
	case '"':
		if id := p.str(v.start, v.end); id != "" {
			return &attiov1.SelectOption{Id: &attiov1.SelectOptionId{OptionId: id}}
		}
		return nil
	case 'n':
		return nil
	}
	x.add(v)
	return nil
}

func (p *decoder) actorField(f fields, key string, x *extras) *attiov1.ActorReference {
	v, ok := f.get(key)
	if !ok {
		return nil
	}
	a, ok := p.actor(v)
	if !ok {
		x.add(v)
	}
	return a
}
