package attio_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/attio-facade/attio-facade/attio"
)

// valueSeeds has one value of every attribute type in Attio's output shape, plus odd shapes.
var valueSeeds = []string{
	`{"active_from":"2023-01-01T15:00:00.000000000Z","active_until":null,"created_by_actor":{"type":"workspace-member","id":"m"},"attribute_type":"text","value":"Ada"}`,
	`{"attribute_type":"number","value":12.50}`,
	`{"attribute_type":"currency","currency_value":99.99,"currency_code":"EUR"}`,
	`{"attribute_type":"checkbox","value":true}`,
	`{"attribute_type":"rating","value":3}`,
	`{"attribute_type":"date","value":"2024-02-29"}`,
	`{"attribute_type":"timestamp","value":"2024-02-29T12:00:00.123456789Z"}`,
	`{"attribute_type":"status","status":{"id":{"status_id":"s"},"title":"Won","is_archived":false}}`,
	`{"attribute_type":"select","option":{"id":{"option_id":"o"},"title":"Red"}}`,
	`{"attribute_type":"select","option":"o-id"}`,
	`{"attribute_type":"record-reference","target_object":"companies","target_record_id":"r"}`,
	`{"attribute_type":"actor-reference","referenced_actor_type":"workspace-member","referenced_actor_id":"m"}`,
	`{"attribute_type":"location","line_1":"1 Main St","locality":"Paris","country_code":"FR","latitude":"48.85","longitude":"2.35"}`,
	`{"attribute_type":"domain","domain":"app.example.com","root_domain":"example.com"}`,
	`{"attribute_type":"email-address","original_email_address":"A@x.io","email_address":"a@x.io","email_domain":"x.io"}`,
	`{"attribute_type":"phone-number","original_phone_number":"+33 1","phone_number":"+331","country_code":"FR"}`,
	`{"attribute_type":"personal-name","first_name":"Ada","last_name":"Lovelace","full_name":"Ada Lovelace"}`,
	`{"attribute_type":"interaction","interaction_type":"email","interacted_at":"2024-01-01T00:00:00Z","owner_actor":{"type":"api-token","id":"t"}}`,
	`{"attribute_type":"future-type","anything":[1,{"a":null}]}`,
	`{"attribute_type":"status","status":[]}`,
	`{"attribute_type":"number","value":"not a number"}`,
	`null`, `[]`, `{}`, `{"attribute_type":`,
}

// Decoding a value never panics, and what decodes re-encodes to JSON that decodes again.
func FuzzDecodeValue(f *testing.F) {
	for _, s := range valueSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var v attio.Value
		if json.Unmarshal(b, &v) != nil {
			return
		}
		roundTripsAgain(t, v)
	})
}

// Decoding a record, or a page of them (as Attio answers), never panics and re-encodes.
func FuzzDecodeRecord(f *testing.F) {
	files, _ := filepath.Glob("../testdata/attio/examples/*.json")
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	for _, s := range valueSeeds {
		f.Add([]byte(`{"data":[{"id":{"workspace_id":"w","object_id":"o","record_id":"r"},"created_at":"2023-01-01T15:00:00.000000000Z","values":{"a":[` + s + `]}}]}`))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var page struct {
			Data []attio.Record `json:"data"`
		}
		if json.Unmarshal(b, &page) == nil {
			roundTripsAgain(t, page)
		}
		var one struct {
			Data attio.Record `json:"data"`
		}
		if json.Unmarshal(b, &one) == nil {
			roundTripsAgain(t, one)
		}
	})
}

func roundTripsAgain[T any](t *testing.T, v T) {
	t.Helper()
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("decoded but does not encode: %v", err)
	}
	var again T
	if err := json.Unmarshal(out, &again); err != nil {
		t.Fatalf("re-encoded form does not decode: %v\n%s", err, out)
	}
}
