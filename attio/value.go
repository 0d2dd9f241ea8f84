package attio

import (
	"bytes"
	"encoding/json"
	"errors"
)

// Attribute types Attio documents. Values of any other type still decode:
// only the common fields and Raw are filled.
const (
	TypeText            = "text"
	TypeNumber          = "number"
	TypeCheckbox        = "checkbox"
	TypeCurrency        = "currency"
	TypeDate            = "date"
	TypeTimestamp       = "timestamp"
	TypeRating          = "rating"
	TypeStatus          = "status"
	TypeSelect          = "select"
	TypeRecordReference = "record-reference"
	TypeActorReference  = "actor-reference"
	TypeLocation        = "location"
	TypeDomain          = "domain"
	TypeEmailAddress    = "email-address"
	TypePhoneNumber     = "phone-number"
	TypePersonalName    = "personal-name"
	TypeInteraction     = "interaction"
)

// Value is one (possibly historic) value of an attribute on a record or entry.
//
// The typed fields that apply depend on AttributeType; the others stay zero.
// Raw holds the value exactly as received: MarshalJSON emits Raw when it is
// set, so decoding and re-encoding never loses anything (unknown types,
// unknown keys, number spelling). Values are read-side data; to build one in
// code, leave Raw nil and MarshalJSON synthesises the JSON from the typed
// fields. To edit a decoded Value, set Raw to nil first.
type Value struct {
	AttributeType  string  // e.g. "text"; unknown types are kept as is
	ActiveFrom     string  // when the value became active
	ActiveUntil    *string // nil while the value is active
	CreatedByActor *Actor

	Text      string      // text
	Number    json.Number // number (never through float64)
	Checkbox  bool        // checkbox
	Date      string      // date, "2023-01-02"
	Timestamp string      // timestamp, nanosecond precision kept
	Rating    json.Number // rating, 0..5

	CurrencyValue json.Number // currency: a decimal with up to 4 places
	CurrencyCode  *string     // currency: ISO 4217, may be null

	// Status is the status object; StatusID is set instead when Attio
	// answered with a bare id (the spec allows both).
	Status   *Status
	StatusID string
	// Option is the select option; OptionID when Attio answered with a bare id.
	Option   *SelectOption
	OptionID string

	TargetObject   string // record-reference: object slug
	TargetRecordID string // record-reference

	ReferencedActorType string  // actor-reference
	ReferencedActorID   *string // actor-reference, null for system actors

	Location *Location // location

	Domain     string // domain
	RootDomain string // domain

	OriginalEmailAddress string // email-address
	EmailAddress         string // email-address
	EmailDomain          string // email-address
	EmailRootDomain      string // email-address
	EmailLocalSpecifier  string // email-address

	OriginalPhoneNumber string // phone-number
	PhoneNumber         string // phone-number, E.164 (live key "phone_number")
	PhoneCountryCode    string // phone-number, ISO 3166-1 alpha-2

	FirstName string // personal-name
	LastName  string // personal-name
	FullName  string // personal-name

	InteractionType string // interaction
	InteractedAt    string // interaction
	OwnerActor      *Actor // interaction

	Raw json.RawMessage
}

// Location is a location value; every line may be null.
type Location struct {
	Line1       *string `json:"line_1"`
	Line2       *string `json:"line_2"`
	Line3       *string `json:"line_3"`
	Line4       *string `json:"line_4"`
	Locality    *string `json:"locality"`
	Region      *string `json:"region"`
	Postcode    *string `json:"postcode"`
	CountryCode *string `json:"country_code"`
	Latitude    *string `json:"latitude"`
	Longitude   *string `json:"longitude"`
}

type valueCommon struct {
	AttributeType string  `json:"attribute_type"`
	ActiveFrom    string  `json:"active_from"`
	ActiveUntil   *string `json:"active_until"`
	// Plain (not *Actor): Raw already keeps every byte of the value, so the actor needs no Extra
	// bookkeeping of its own, which would cost a second pass over every value of every record.
	CreatedByActor *actorWire `json:"created_by_actor,omitempty"`
}

type valueTyped struct {
	Value                json.RawMessage `json:"value"`
	CurrencyValue        json.Number     `json:"currency_value"`
	CurrencyCode         *string         `json:"currency_code"`
	Status               json.RawMessage `json:"status"`
	Option               json.RawMessage `json:"option"`
	TargetObject         string          `json:"target_object"`
	TargetRecordID       string          `json:"target_record_id"`
	ReferencedActorType  string          `json:"referenced_actor_type"`
	ReferencedActorID    *string         `json:"referenced_actor_id"`
	Domain               string          `json:"domain"`
	RootDomain           string          `json:"root_domain"`
	OriginalEmailAddress string          `json:"original_email_address"`
	EmailAddress         string          `json:"email_address"`
	EmailDomain          string          `json:"email_domain"`
	EmailRootDomain      string          `json:"email_root_domain"`
	EmailLocalSpecifier  string          `json:"email_local_specifier"`
	OriginalPhoneNumber  string          `json:"original_phone_number"`
	PhoneNumber          string          `json:"phone_number"`
	FirstName            string          `json:"first_name"`
	LastName             string          `json:"last_name"`
	FullName             string          `json:"full_name"`
	InteractionType      string          `json:"interaction_type"`
	InteractedAt         string          `json:"interacted_at"`
	OwnerActor           *Actor          `json:"owner_actor"`
}

// UnmarshalJSON fills the common and typed fields and keeps the raw bytes.
// A value whose typed part does not have the documented shape still decodes
// (Raw keeps it): one odd value must not fail a whole page of records.
func (v *Value) UnmarshalJSON(b []byte) error {
	// One pass over the bytes: values are most of a page, and every extra
	// json.Unmarshal re-validates and re-scans them.
	var w struct {
		valueCommon
		valueTyped
		Location
	}
	if err := json.Unmarshal(b, &w); err != nil {
		var typeErr *json.UnmarshalTypeError
		if !errors.As(err, &typeErr) {
			return err
		}
		// A typed part of an unexpected shape: Unmarshal filled what it
		// could, and Raw keeps the rest.
	}
	c, t := w.valueCommon, w.valueTyped
	*v = Value{
		AttributeType:  c.AttributeType,
		ActiveFrom:     c.ActiveFrom,
		ActiveUntil:    c.ActiveUntil,
		CreatedByActor: c.CreatedByActor.actor(),
		Raw:            bytes.Clone(b),
	}
	switch c.AttributeType {
	case TypeText:
		_ = json.Unmarshal(t.Value, &v.Text)
	case TypeDate:
		_ = json.Unmarshal(t.Value, &v.Date)
	case TypeTimestamp:
		_ = json.Unmarshal(t.Value, &v.Timestamp)
	case TypeNumber:
		_ = json.Unmarshal(t.Value, &v.Number)
	case TypeRating:
		_ = json.Unmarshal(t.Value, &v.Rating)
	case TypeCheckbox:
		_ = json.Unmarshal(t.Value, &v.Checkbox)
	case TypeCurrency:
		v.CurrencyValue, v.CurrencyCode = t.CurrencyValue, t.CurrencyCode
	case TypeStatus:
		if isJSONObject(t.Status) {
			v.Status = new(Status)
			if json.Unmarshal(t.Status, v.Status) != nil {
				v.Status = nil
			}
		} else {
			_ = json.Unmarshal(t.Status, &v.StatusID)
		}
	case TypeSelect:
		if isJSONObject(t.Option) {
			v.Option = new(SelectOption)
			if json.Unmarshal(t.Option, v.Option) != nil {
				v.Option = nil
			}
		} else {
			_ = json.Unmarshal(t.Option, &v.OptionID)
		}
	case TypeRecordReference:
		v.TargetObject, v.TargetRecordID = t.TargetObject, t.TargetRecordID
	case TypeActorReference:
		v.ReferencedActorType, v.ReferencedActorID = t.ReferencedActorType, t.ReferencedActorID
	case TypeLocation:
		loc := w.Location
		v.Location = &loc
	case TypeDomain:
		v.Domain, v.RootDomain = t.Domain, t.RootDomain
	case TypeEmailAddress:
		v.OriginalEmailAddress, v.EmailAddress = t.OriginalEmailAddress, t.EmailAddress
		v.EmailDomain, v.EmailRootDomain, v.EmailLocalSpecifier = t.EmailDomain, t.EmailRootDomain, t.EmailLocalSpecifier
	case TypePhoneNumber:
		v.OriginalPhoneNumber, v.PhoneNumber = t.OriginalPhoneNumber, t.PhoneNumber
		if w.CountryCode != nil {
			v.PhoneCountryCode = *w.CountryCode
		}
	case TypePersonalName:
		v.FirstName, v.LastName, v.FullName = t.FirstName, t.LastName, t.FullName
	case TypeInteraction:
		v.InteractionType, v.InteractedAt, v.OwnerActor = t.InteractionType, t.InteractedAt, t.OwnerActor
	}
	return nil
}

type actorWire struct {
	Type *string `json:"type"`
	ID   *string `json:"id"`
}

func (a *actorWire) actor() *Actor {
	if a == nil {
		return nil
	}
	return &Actor{Type: a.Type, ID: a.ID}
}

func isJSONObject(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) > 0 && raw[0] == '{'
}

// MarshalJSON emits Raw when set, otherwise the documented output shape for
// AttributeType built from the typed fields.
func (v Value) MarshalJSON() ([]byte, error) {
	if len(v.Raw) > 0 {
		return v.Raw, nil
	}
	m := map[string]any{
		"attribute_type": v.AttributeType,
		"active_from":    v.ActiveFrom,
		"active_until":   v.ActiveUntil,
	}
	if v.CreatedByActor != nil {
		m["created_by_actor"] = v.CreatedByActor
	}
	num := func(n json.Number) json.Number {
		if n == "" {
			return "0"
		}
		return n
	}
	switch v.AttributeType {
	case TypeText:
		m["value"] = v.Text
	case TypeDate:
		m["value"] = v.Date
	case TypeTimestamp:
		m["value"] = v.Timestamp
	case TypeNumber:
		m["value"] = num(v.Number)
	case TypeRating:
		m["value"] = num(v.Rating)
	case TypeCheckbox:
		m["value"] = v.Checkbox
	case TypeCurrency:
		m["currency_value"], m["currency_code"] = num(v.CurrencyValue), v.CurrencyCode
	case TypeStatus:
		if v.Status != nil {
			m["status"] = v.Status
		} else {
			m["status"] = v.StatusID
		}
	case TypeSelect:
		if v.Option != nil {
			m["option"] = v.Option
		} else {
			m["option"] = v.OptionID
		}
	case TypeRecordReference:
		m["target_object"], m["target_record_id"] = v.TargetObject, v.TargetRecordID
	case TypeActorReference:
		m["referenced_actor_type"], m["referenced_actor_id"] = v.ReferencedActorType, v.ReferencedActorID
	case TypeLocation:
		l := v.Location
		if l == nil {
			l = &Location{}
		}
		m["line_1"], m["line_2"], m["line_3"], m["line_4"] = l.Line1, l.Line2, l.Line3, l.Line4
		m["locality"], m["region"], m["postcode"], m["country_code"] = l.Locality, l.Region, l.Postcode, l.CountryCode
		m["latitude"], m["longitude"] = l.Latitude, l.Longitude
	case TypeDomain:
		m["domain"], m["root_domain"] = v.Domain, v.RootDomain
	case TypeEmailAddress:
		m["original_email_address"], m["email_address"] = v.OriginalEmailAddress, v.EmailAddress
		m["email_domain"], m["email_root_domain"], m["email_local_specifier"] = v.EmailDomain, v.EmailRootDomain, v.EmailLocalSpecifier
	case TypePhoneNumber:
		m["original_phone_number"], m["phone_number"], m["country_code"] = v.OriginalPhoneNumber, v.PhoneNumber, v.PhoneCountryCode
	case TypePersonalName:
		m["first_name"], m["last_name"], m["full_name"] = v.FirstName, v.LastName, v.FullName
	case TypeInteraction:
		m["interaction_type"], m["interacted_at"] = v.InteractionType, v.InteractedAt
		if v.OwnerActor != nil {
			m["owner_actor"] = v.OwnerActor
		} else {
			m["owner_actor"] = Actor{}
		}
	}
	return json.Marshal(m)
}
