package server

import (
	"encoding/json"
	"testing"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
)

// TestFromValueInput pins the Attio JSON written for each input form.
func TestFromValueInput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   *attiov1.ValueInput
		want string
	}{
		// Attio's input has no per-value currency: the attribute's currency applies, so none is sent.
		{"currency", &attiov1.ValueInput{Value: &attiov1.ValueInput_Currency{Currency: &attiov1.CurrencyValue{CurrencyValue: &attiov1.Decimal{Value: "12345678901234.5678"}}}},
			`{"currency_value":12345678901234.5678}`},
		{"number keeps its digits", &attiov1.ValueInput{Value: &attiov1.ValueInput_Number{Number: &attiov1.Decimal{Value: "123456789012345678901"}}},
			`{"value":123456789012345678901}`},
		// The escape hatch is JSON text, so a number reaches Attio with every digit (a
		// google.protobuf.Value would have passed it through a double).
		{"raw keeps its digits", &attiov1.ValueInput{Value: &attiov1.ValueInput_RawJson{RawJson: `{"value": 12345678901234567.8901}`}},
			`{"value":12345678901234567.8901}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v, err := fromValueInput(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			got, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestFromValueInputRefusesBadRawJSON(t *testing.T) {
	t.Parallel()
	if _, err := fromValueInput(&attiov1.ValueInput{Value: &attiov1.ValueInput_RawJson{RawJson: `{"value": 1`}}); err == nil {
		t.Fatal("invalid raw_json accepted")
	}
}

func TestFromFilterRawJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw, want string // want "" = refused
	}{
		{`{"arr": {"$gte": 12345678901234567.8901}}`, `{"arr":{"$gte":12345678901234567.8901}}`},
		{`[1]`, ""},
		{`{"arr": `, ""},
	}
	for _, tt := range tests {
		f, err := queryFilter(&attiov1.Filter{Node: &attiov1.Filter_RawJson{RawJson: tt.raw}})
		if tt.want == "" {
			if err == nil {
				t.Errorf("%s: accepted", tt.raw)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tt.raw, err)
		}
		if got, _ := json.Marshal(f); string(got) != tt.want {
			t.Errorf("%s: sent %s, want %s", tt.raw, got, tt.want)
		}
	}
}
