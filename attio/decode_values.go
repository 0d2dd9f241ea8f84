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

// typedDecoder is a table entry with its attribute type, which values share instead of a copy
// each.
type typedDecoder struct {
	name string
	valueDecoder
}

// decoderOf is the decode table by attribute type, addressable.
var decoderOf = func() map[string]*typedDecoder {
	m := make(map[string]*typedDecoder, len(valueDecoders))
	for name, d := range valueDecoders {
		m[name] = &typedDecoder{name, d}
	}
	return m
}()

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
		w := p.a.text.new()
		w.Text = p.strField(f, "value", x)
		out.Value = w
	}},
	TypeNumber: {keys("value"), func(p *decoder, f fields, x *extras, out *attiov1.Value) {
		w := p.a.num.new()
		w.Number = p.decimalField(f, "value", x)
		out.Value = w
	}},
	TypeCheckbox: {keys("value"), func(p *decoder, f fields, x *extras, out *attiov1.Value) {
		w := p.a.check.new()
		w.Checkbox = p.boolField(f, "value", x)
		out.Value = w
	}},
	TypeCurrency: {keys("currency_value", "currency_code"), func(p *decoder, f fields, x *extras, out *attiov1.Value) {
		b := p.a.cur.new()
		b.m.CurrencyValue, b.m.CurrencyCode = p.decimalField(f, "currency_value", x), p.optField(f, "currency_code", x)
		b.w.Currency = &b.m
		out.Value = &b.w
	}},
	TypeDate: {keys("value"), func(p *decoder, f fields, x *extras, out *attiov1.Value) {
		w := p.a.date.new()
		w.Date = p.strField(f, "value", x)
		out.Value = w
	}},
	TypeTimestamp: {keys("value"), func(p *decoder, f fields, x *extras, out *attiov1.Value) {
		if t := p.timeField(f, "value", x); t != nil {
			w := p.a.ts.new()
			w.Timestamp = t
			out.Value = w
		}
	}},
	TypeRating: {keys("value"), func(p *decoder, f fields, x *extras, out *attiov1.Value) {
		w := p.a.rate.new()
		w.Rating = p.ratingField(f, x)
		out.Value = w
	}},
	TypeStatus: {keys("status"), func(p *decoder, f fields, x *extras, out *attiov1.Value) {
		w := p.a.stat.new()
		w.Status = p.statusField(f, x)
		out.Value = w
	}},
	TypeSelect: {keys("option"), func(p *decoder, f fields, x *extras, out *attiov1.Value) {
		w := p.a.sel.new()
		w.Select = p.optionField(f, x)
		out.Value = w
	}},
	TypeRecordReference: {keys("target_object", "target_record_id"), func(p *decoder, f fields, x *extras, out *attiov1.Value) {
		out.Value = p.recordReference(p.strField(f, "target_object", x), p.strField(f, "target_record_id", x))
	}},
	TypeActorReference: {keys("referenced_actor_type", "referenced_actor_id"), func(p *decoder, f fields, x *extras, out *attiov1.Value) {
		t := p.strField(f, "referenced_actor_type", x)
		out.Value = p.actorReferenceValue(t, p.optField(f, "referenced_actor_id", x))
	}},
	TypeLocation: {keys("line_1", "line_2", "line_3", "line_4", "locality", "region", "postcode", "country_code",
		"latitude", "longitude"), func(p *decoder, f fields, x *extras, out *attiov1.Value) {
		o := func(k string) *string { return p.optField(f, k, x) }
		b := p.a.loc.new()
		m := &b.m
		m.Line_1, m.Line_2, m.Line_3, m.Line_4 = o("line_1"), o("line_2"), o("line_3"), o("line_4")
		m.Locality, m.Region, m.Postcode, m.CountryCode = o("locality"), o("region"), o("postcode"), o("country_code")
		m.Latitude, m.Longitude = o("latitude"), o("longitude")
		b.w.Location = m
		out.Value = &b.w
	}},
	TypeDomain: {keys("domain", "root_domain"), func(p *decoder, f fields, x *extras, out *attiov1.Value) {
		b := p.a.dom.new()
		b.m.Domain, b.m.RootDomain = p.strField(f, "domain", x), p.strField(f, "root_domain", x)
		b.w.Domain = &b.m
		out.Value = &b.w
	}},
	TypeEmailAddress: {keys("original_email_address", "email_address", "email_domain", "email_root_domain",
		"email_local_specifier"), func(p *decoder, f fields, x *extras, out *attiov1.Value) {
		s := func(k string) string { return p.strField(f, k, x) }
		b := p.a.mail.new()
		m := &b.m
		m.OriginalEmailAddress, m.EmailAddress = s("original_email_address"), s("email_address")
		m.EmailDomain, m.EmailRootDomain, m.EmailLocalSpecifier = s("email_domain"), s("email_root_domain"), s("email_local_specifier")
		b.w.EmailAddress = m
		out.Value = &b.w
	}},
	TypePhoneNumber: {keys("original_phone_number", "country_code", "phone_number"), func(p *decoder, f fields, x *extras, out *attiov1.Value) {
		s := func(k string) string { return p.strField(f, k, x) }
		b := p.a.phone.new()
		b.m.OriginalPhoneNumber, b.m.CountryCode, b.m.PhoneNumber = s("original_phone_number"), s("country_code"), s("phone_number")
		b.w.PhoneNumber = &b.m
		out.Value = &b.w
	}},
	TypePersonalName: {keys("first_name", "last_name", "full_name"), func(p *decoder, f fields, x *extras, out *attiov1.Value) {
		s := func(k string) string { return p.strField(f, k, x) }
		b := p.a.name.new()
		b.m.FirstName, b.m.LastName, b.m.FullName = s("first_name"), s("last_name"), s("full_name")
		b.w.PersonalName = &b.m
		out.Value = &b.w
	}},
	TypeInteraction: {keys("interaction_type", "interacted_at", "owner_actor"), func(p *decoder, f fields, x *extras, out *attiov1.Value) {
		t := p.strField(f, "interaction_type", x)
		b := p.a.inter.new()
		m := &b.m
		m.InteractionType, m.RawInteractionType = InteractionTypes[t], rawEnum(InteractionTypes, t)
		m.InteractedAt, m.OwnerActor = p.timeField(f, "interacted_at", x), p.actorField(f, "owner_actor", x)
		b.w.Interaction = m
		out.Value = &b.w
	}},
}

func keys(k ...string) []string { return k }

// field is the member named key (the last one if Attio repeated it), counted in p.got when there.
func (p *decoder) field(f fields, key string) (span, bool) {
	v, ok := f.get(key)
	if ok {
		p.got++
	}
	return v, ok
}

// ---- typed fields of a value: an absent key is the zero value; a key of the wrong JSON kind is
// the zero value and kept in x.

func (p *decoder) strField(f fields, key string, x *extras) string {
	v, ok := p.field(f, key)
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
	v, ok := p.field(f, key)
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
	v, ok := p.field(f, key)
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
	v, ok := p.field(f, key)
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
	d := p.a.decs.new()
	d.Value = n
	return d
}

func (p *decoder) timeField(f fields, key string, x *extras) *timestamppb.Timestamp {
	v, ok := p.field(f, key)
	if !ok {
		return nil
	}
	return p.time(v, x)
}

// ratingField is an int32; anything else (a fraction, too large, null) is 0 and kept in x.
func (p *decoder) ratingField(f fields, x *extras) int32 {
	v, ok := p.field(f, "value")
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
	v, ok := p.field(f, "status")
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
	v, ok := p.field(f, "option")
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
	v, ok := p.field(f, key)
	if !ok {
		return nil
	}
	a, ok := p.actor(v)
	if !ok {
		x.add(v)
	}
	return a
}
