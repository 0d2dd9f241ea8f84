package attio

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// ValueInput is one value to write, in the shape Attio documents for its attribute type: one Go
// type per attribute type, each writing its own JSON, so no other package builds Attio's write
// bodies. RawInput is the escape hatch for anything else.
type ValueInput interface{ valueInput() }

// Values are the values of a write: attribute slug or id -> its values; an empty list clears the
// attribute. A nil Values writes an empty object.
type Values map[string][]ValueInput

// MarshalJSON writes nil as {} (Attio rejects a null values object).
func (v Values) MarshalJSON() ([]byte, error) {
	if v == nil {
		return []byte("{}"), nil
	}
	return json.Marshal(map[string][]ValueInput(v))
}

// TextInput is a text value.
type TextInput struct {
	Value string `json:"value"`
}

// NumberInput is a number; its decimal text reaches Attio unchanged.
type NumberInput struct {
	Value json.Number `json:"value"`
}

// CheckboxInput is a checkbox value.
type CheckboxInput struct {
	Value bool `json:"value"`
}

// CurrencyInput is an amount in the attribute's currency: Attio's input has no per-value currency.
type CurrencyInput struct {
	CurrencyValue json.Number `json:"currency_value"`
}

// DateInput is a calendar date, YYYY-MM-DD.
type DateInput struct {
	Value string `json:"value"`
}

// TimestampInput is a point in time, written in UTC with nine fractional digits, Attio's form.
type TimestampInput struct {
	Value time.Time
}

// RatingInput is a rating from 0 to 5.
type RatingInput struct {
	Value int32 `json:"value"`
}

// StatusValueInput names a status by id or, when ID is empty, by title.
type StatusValueInput struct {
	ID, Title string
}

// SelectInput names a select option by id or, when ID is empty, by title.
type SelectInput struct {
	ID, Title string
}

// RecordReferenceInput names a record by id or, when TargetRecordID is empty, by the value of a
// unique attribute (e.g. MatchAttribute "domains", Match DomainInput{"acme.com"}).
type RecordReferenceInput struct {
	TargetObject   string
	TargetRecordID string
	MatchAttribute string
	Match          ValueInput
}

// ActorReferenceInput names an actor by type and id or, when EmailAddress is set, a workspace
// member by email address. An empty Type is a workspace member.
type ActorReferenceInput struct {
	Type, ID, EmailAddress string
}

// LocationInput is a postal location, written in the shape it is read; a nil line is null.
type LocationInput Location

// DomainInput is a web domain.
type DomainInput struct {
	Domain string `json:"domain"`
}

// EmailAddressInput is an email address.
type EmailAddressInput struct {
	EmailAddress string `json:"email_address"`
}

// PhoneNumberInput is a phone number; CountryCode applies when it has no international prefix.
type PhoneNumberInput struct {
	OriginalPhoneNumber string `json:"original_phone_number"`
	CountryCode         string `json:"country_code,omitempty"`
}

// PersonalNameInput is a person's name; an empty FullName is first and last name joined.
type PersonalNameInput struct {
	FirstName, LastName, FullName string
}

// InteractionInput is an interaction (Attio only lets its own syncs write these).
type InteractionInput struct {
	Type       string
	At         time.Time
	OwnerActor Actor
}

// RawInput is any JSON value, sent verbatim (numbers keep every digit); it must be valid JSON.
type RawInput json.RawMessage

func (TextInput) valueInput()            {}
func (NumberInput) valueInput()          {}
func (CheckboxInput) valueInput()        {}
func (CurrencyInput) valueInput()        {}
func (DateInput) valueInput()            {}
func (TimestampInput) valueInput()       {}
func (RatingInput) valueInput()          {}
func (StatusValueInput) valueInput()     {}
func (SelectInput) valueInput()          {}
func (RecordReferenceInput) valueInput() {}
func (ActorReferenceInput) valueInput()  {}
func (LocationInput) valueInput()        {}
func (DomainInput) valueInput()          {}
func (EmailAddressInput) valueInput()    {}
func (PhoneNumberInput) valueInput()     {}
func (PersonalNameInput) valueInput()    {}
func (InteractionInput) valueInput()     {}
func (RawInput) valueInput()             {}

// writeTime is how times are written: RFC 3339 in UTC with nine fractional digits, Attio's form.
const writeTime = "2006-01-02T15:04:05.000000000Z07:00"

func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(writeTime)
}

// MarshalJSON writes {"value": "<RFC 3339>"}.
func (t TimestampInput) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]string{"value": timeText(t.Value)})
}

// MarshalJSON writes {"status": "<id or title>"}.
func (s StatusValueInput) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]string{"status": cmpOr(s.ID, s.Title)})
}

// MarshalJSON writes {"option": "<id or title>"}.
func (s SelectInput) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]string{"option": cmpOr(s.ID, s.Title)})
}

// MarshalJSON writes the id form, or Attio's matching form {"target_object", <attribute>: [value]}.
func (r RecordReferenceInput) MarshalJSON() ([]byte, error) {
	if r.TargetRecordID != "" || r.Match == nil {
		return json.Marshal(map[string]string{"target_object": r.TargetObject, "target_record_id": r.TargetRecordID})
	}
	return json.Marshal(map[string]any{"target_object": r.TargetObject, r.MatchAttribute: []ValueInput{r.Match}})
}

// MarshalJSON writes {"workspace_member_email_address"} or {"referenced_actor_type", "referenced_actor_id"}.
func (a ActorReferenceInput) MarshalJSON() ([]byte, error) {
	if a.EmailAddress != "" {
		return json.Marshal(map[string]string{"workspace_member_email_address": a.EmailAddress})
	}
	return json.Marshal(map[string]string{"referenced_actor_type": cmpOr(a.Type, "workspace-member"), "referenced_actor_id": a.ID})
}

// MarshalJSON writes first, last and full name.
func (p PersonalNameInput) MarshalJSON() ([]byte, error) {
	full := cmpOr(p.FullName, strings.TrimSpace(p.FirstName+" "+p.LastName))
	return json.Marshal(map[string]string{"first_name": p.FirstName, "last_name": p.LastName, "full_name": full})
}

// MarshalJSON writes the interaction with its owner actor (null type or id where empty).
func (i InteractionInput) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]any{"interaction_type": i.Type, "interacted_at": timeText(i.At), "owner_actor": i.OwnerActor})
}

// MarshalJSON writes the JSON verbatim, refusing text that is not JSON.
func (r RawInput) MarshalJSON() ([]byte, error) {
	if !json.Valid(r) {
		return nil, fmt.Errorf("raw_json is not valid JSON")
	}
	return r, nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
