package attio_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/attio-facade/attio-facade/attio"
)

// TestValueInputJSON pins the JSON each attribute type's input writes: the shapes Attio documents
// for writes (docs/attio-api.md), and the only place they are written.
func TestValueInputJSON(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 30, 1, 2, 3, 4, time.FixedZone("x", 3600))
	s := func(v string) *string { return &v }
	tests := []struct {
		name string
		in   attio.ValueInput
		want string
	}{
		{"text", attio.TextInput{Value: "hi"}, `{"value":"hi"}`},
		{"number keeps its digits", attio.NumberInput{Value: "123456789012345678901.5"}, `{"value":123456789012345678901.5}`},
		{"checkbox", attio.CheckboxInput{Value: true}, `{"value":true}`},
		{"currency has no code", attio.CurrencyInput{CurrencyValue: "12345678901234.5678"}, `{"currency_value":12345678901234.5678}`},
		{"date", attio.DateInput{Value: "2026-11-30"}, `{"value":"2026-11-30"}`},
		{"timestamp in UTC, nine digits", attio.TimestampInput{Value: at}, `{"value":"2026-11-30T00:02:03.000000004Z"}`},
		{"rating", attio.RatingInput{Value: 4}, `{"value":4}`},
		{"status by id", attio.StatusValueInput{ID: "s1", Title: "Won"}, `{"status":"s1"}`},
		{"status by title", attio.StatusValueInput{Title: "Won"}, `{"status":"Won"}`},
		{"select by id", attio.SelectInput{ID: "o1", Title: "B2B"}, `{"option":"o1"}`},
		{"select by title", attio.SelectInput{Title: "B2B"}, `{"option":"B2B"}`},
		{"record by id", attio.RecordReferenceInput{TargetObject: "people", TargetRecordID: "r1"}, `{"target_object":"people","target_record_id":"r1"}`},
		{"record by match", attio.RecordReferenceInput{TargetObject: "companies", MatchAttribute: "domains", Match: attio.DomainInput{Domain: "acme.com"}},
			`{"domains":[{"domain":"acme.com"}],"target_object":"companies"}`},
		{"actor by id", attio.ActorReferenceInput{ID: "m1"}, `{"referenced_actor_id":"m1","referenced_actor_type":"workspace-member"}`},
		{"actor by email", attio.ActorReferenceInput{EmailAddress: "a@b.c"}, `{"workspace_member_email_address":"a@b.c"}`},
		{"location nulls", attio.LocationInput{Line1: s("1 Road"), Locality: s("Town")},
			`{"line_1":"1 Road","line_2":null,"line_3":null,"line_4":null,"locality":"Town","region":null,"postcode":null,"country_code":null,"latitude":null,"longitude":null}`},
		{"domain", attio.DomainInput{Domain: "acme.com"}, `{"domain":"acme.com"}`},
		{"email", attio.EmailAddressInput{EmailAddress: "a@b.c"}, `{"email_address":"a@b.c"}`},
		{"phone", attio.PhoneNumberInput{OriginalPhoneNumber: "020 7946 0000", CountryCode: "GB"}, `{"original_phone_number":"020 7946 0000","country_code":"GB"}`},
		{"phone without country", attio.PhoneNumberInput{OriginalPhoneNumber: "+44"}, `{"original_phone_number":"+44"}`},
		{"name derives full", attio.PersonalNameInput{FirstName: "Ada", LastName: "Lovelace"}, `{"first_name":"Ada","full_name":"Ada Lovelace","last_name":"Lovelace"}`},
		{"interaction", attio.InteractionInput{Type: "email", At: at, OwnerActor: attio.Actor{Type: s("system")}},
			`{"interacted_at":"2026-11-30T00:02:03.000000004Z","interaction_type":"email","owner_actor":{"type":"system","id":null}}`},
		{"raw keeps its digits", attio.RawInput(`{"value": 12345678901234567.8901}`), `{"value":12345678901234567.8901}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := json.Marshal(attio.Values{"a": {tt.in}})
			if err != nil {
				t.Fatal(err)
			}
			if want := `{"a":[` + tt.want + `]}`; string(got) != want {
				t.Errorf("got  %s\nwant %s", got, want)
			}
		})
	}
	if got, _ := json.Marshal(attio.Values(nil)); string(got) != "{}" {
		t.Errorf("nil values = %s, want {}", got)
	}
	if _, err := json.Marshal(attio.Values{"a": {attio.RawInput(`{"value": 1`)}}); err == nil {
		t.Error("invalid raw JSON was written")
	}
}
