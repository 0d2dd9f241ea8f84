package attio_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/attio-facade/attio-facade/attio"
)

// A copy of ../shared/attio/examples, checked in so CI needs nothing outside the repository.
const examplesDir = "../testdata/attio/examples"

// roundTrip decodes raw into T (wrapped as the file is) and re-encodes it.
func roundTrip[T any](raw []byte) ([]byte, error) {
	var v T
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	return json.Marshal(v)
}

type dataOf[T any] struct {
	Data T `json:"data"`
}

type cursorOf[T any] struct {
	Data       T `json:"data"`
	Pagination struct {
		NextCursor *string `json:"next_cursor"`
	} `json:"pagination"`
}

func decodeGeneric(t *testing.T, b []byte) any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// diffJSON reports every key whose value differs, is missing or was added.
func diffJSON(t *testing.T, path string, want, got any) {
	t.Helper()
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			t.Errorf("%s: want object, got %v", path, got)
			return
		}
		for k, wv := range w {
			gv, ok := g[k]
			if !ok {
				t.Errorf("%s.%s: dropped", path, k)
				continue
			}
			diffJSON(t, path+"."+k, wv, gv)
		}
		for k := range g {
			if _, ok := w[k]; !ok {
				t.Errorf("%s.%s: added", path, k)
			}
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			t.Errorf("%s: want %v, got %v", path, want, got)
			return
		}
		for i := range w {
			diffJSON(t, path+"[]", w[i], g[i])
		}
	default:
		if !reflect.DeepEqual(want, got) {
			t.Errorf("%s: want %v, got %v", path, want, got)
		}
	}
}

func TestExamplesRoundTripLosslessly(t *testing.T) {
	t.Parallel()
	type codec func([]byte) ([]byte, error)
	cases := map[string]codec{
		"attributes-list.real.json":                        roundTrip[dataOf[[]attio.Attribute]],
		"attribute-relationship-2026-03.spec-example.json": roundTrip[dataOf[attio.Attribute]],
		"tasks-completed-at-2026.synthetic.json":           roundTrip[dataOf[[]attio.Task]],
		"thread-paged-2026.synthetic.json":                 roundTrip[dataOf[attio.Thread]],
		"call-recordings-list.spec-example.json":           roundTrip[cursorOf[[]attio.CallRecording]],
		"company-record.real.json":                         roundTrip[dataOf[attio.Record]],
		"list-entry-get.spec-example.json":                 roundTrip[dataOf[attio.Entry]],
		"meeting-get.spec-example.json":                    roundTrip[dataOf[attio.Meeting]],
		"meetings-list.spec-example.json":                  roundTrip[cursorOf[[]attio.Meeting]],
		"note-create.real.json":                            roundTrip[dataOf[attio.Note]],
		"notes-list.docs.json":                             roundTrip[dataOf[[]attio.Note]],
		"objects-list.real.json":                           roundTrip[dataOf[[]attio.Object]],
		"person-record-create.real.json":                   roundTrip[dataOf[attio.Record]],
		"record-edge-cases.synthetic.json":                 roundTrip[dataOf[attio.Record]],
		"meeting-edge-cases.synthetic.json":                roundTrip[dataOf[attio.Meeting]],
		"objects-edge-cases.synthetic.json":                roundTrip[dataOf[[]attio.Object]],
		"self.spec-example.json":                           roundTrip[attio.Self],
		"task-get.spec-example.json":                       roundTrip[dataOf[attio.Task]],
		"thread-get.spec-example.json":                     roundTrip[dataOf[attio.Thread]],
		"webhook-delivery.docs.json":                       roundTrip[attio.WebhookDelivery],
	}
	files, err := filepath.Glob(filepath.Join(examplesDir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Skipf("examples not available: %v", err)
	}
	for _, f := range files {
		name := filepath.Base(f)
		rt, ok := cases[name]
		if !ok {
			if bytes.HasPrefix([]byte(name), []byte("error-")) {
				continue // error bodies are covered by the error tests
			}
			t.Errorf("%s: no decoder registered for this example", name)
			continue
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			out, err := rt(raw)
			if err != nil {
				t.Fatal(err)
			}
			diffJSON(t, "$", decodeGeneric(t, raw), decodeGeneric(t, out))
		})
	}
}

// TestValueTypedFields checks the typed view of values next to losslessness:
// money stays exact, nanoseconds stay, phone numbers use phone_number, and an
// unknown attribute type survives a round trip.
func TestValueTypedFields(t *testing.T) {
	t.Parallel()
	raw := `{"values":{
	 "arr":[{"active_from":"2023-01-01T15:00:00.123456789Z","active_until":null,"created_by_actor":{"type":"system","id":null},"currency_value":12345678901234567.8901,"currency_code":"USD","attribute_type":"currency"}],
	 "n":[{"active_from":"x","active_until":"2024-01-01T00:00:00.000000001Z","created_by_actor":{"type":"api-token","id":"t"},"value":0.1000000000000000055511151231257827,"attribute_type":"number"}],
	 "ts":[{"active_from":"x","active_until":null,"created_by_actor":{},"value":"2023-01-01T15:00:00.000000001Z","attribute_type":"timestamp"}],
	 "ph":[{"active_from":"x","active_until":null,"created_by_actor":{},"original_phone_number":"5558675309","country_code":"US","phone_number":"+15558675309","attribute_type":"phone-number"}],
	 "st":[{"active_from":"x","active_until":null,"created_by_actor":{},"status":{"id":{"workspace_id":"w","object_id":"o","attribute_id":"a","status_id":"s"},"title":"Won","is_archived":false,"target_time_in_status":null,"celebration_enabled":true},"attribute_type":"status"}],
	 "loc":[{"active_from":"x","active_until":null,"created_by_actor":{},"line_1":"1 Loop","line_2":null,"line_3":null,"line_4":null,"locality":"Cupertino","region":"CA","postcode":"95014","country_code":"US","latitude":"37.3","longitude":"-122.0","attribute_type":"location"}],
	 "new":[{"active_from":"x","active_until":null,"created_by_actor":{},"hologram":{"x":1},"attribute_type":"hologram"}]
	},"id":{"workspace_id":"w","object_id":"o","record_id":"r"},"created_at":"2023-01-01T15:00:00.000000000Z","web_url":"u","brand_new_field":[1,2]}`
	var r attio.Record
	if err := json.Unmarshal([]byte(raw), &r); err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"currency", r.Values["arr"][0].CurrencyValue, json.Number("12345678901234567.8901")},
		{"currency code", *r.Values["arr"][0].CurrencyCode, "USD"},
		{"active_from ns", r.Values["arr"][0].ActiveFrom, "2023-01-01T15:00:00.123456789Z"},
		{"number", r.Values["n"][0].Number, json.Number("0.1000000000000000055511151231257827")},
		{"active_until", *r.Values["n"][0].ActiveUntil, "2024-01-01T00:00:00.000000001Z"},
		{"timestamp", r.Values["ts"][0].Timestamp, "2023-01-01T15:00:00.000000001Z"},
		{"phone", r.Values["ph"][0].PhoneNumber, "+15558675309"},
		{"phone country", r.Values["ph"][0].PhoneCountryCode, "US"},
		{"status", r.Values["st"][0].Status.Title, "Won"},
		{"location", *r.Values["loc"][0].Location.Locality, "Cupertino"},
		{"unknown type", r.Values["new"][0].AttributeType, "hologram"},
		{"unknown field kept", r.Extra.Keys(), []string{"brand_new_field"}},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}
	out, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	diffJSON(t, "$", decodeGeneric(t, []byte(raw)), decodeGeneric(t, out))
}

// TestValueSynthesised covers values built in code (no Raw).
func TestValueSynthesised(t *testing.T) {
	t.Parallel()
	usd := "USD"
	cases := []struct {
		v    attio.Value
		want string
	}{
		{attio.Value{AttributeType: attio.TypeText, ActiveFrom: "a", Text: "hi"},
			`{"active_from":"a","active_until":null,"attribute_type":"text","value":"hi"}`},
		{attio.Value{AttributeType: attio.TypeCurrency, ActiveFrom: "a", CurrencyValue: "10.25", CurrencyCode: &usd},
			`{"active_from":"a","active_until":null,"attribute_type":"currency","currency_code":"USD","currency_value":10.25}`},
		{attio.Value{AttributeType: attio.TypePhoneNumber, ActiveFrom: "a", PhoneNumber: "+1", OriginalPhoneNumber: "1", PhoneCountryCode: "US"},
			`{"active_from":"a","active_until":null,"attribute_type":"phone-number","country_code":"US","original_phone_number":"1","phone_number":"+1"}`},
	}
	for _, c := range cases {
		b, err := json.Marshal(c.v)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != c.want {
			t.Errorf("got %s, want %s", b, c.want)
		}
	}
}

// TestValueUnknown lists the keys a value carries beyond its type's documented ones.
func TestValueUnknown(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		raw  string
		want map[string]string
	}{
		{"none", `{"attribute_type":"text","active_from":"x","active_until":null,"created_by_actor":{"type":"system","id":null},"value":"a"}`, map[string]string{}},
		{"new keys, nested and escaped", `{"attribute_type":"text", "value":"a,}]\"" ,"sentiment":{"score":[1,{"x":"}"}]},"big":123456789012345678901234567890,"k\u00e9y":true}`,
			map[string]string{"sentiment": `{"score":[1,{"x":"}"}]}`, "big": "123456789012345678901234567890", "kéy": "true"}},
		{"another type's key", `{"attribute_type":"domain","domain":"a.com","root_domain":"a.com","value":"x"}`, map[string]string{"value": `"x"`}},
		{"unknown type is kept whole by Raw", `{"attribute_type":"hologram","hologram":1}`, map[string]string{}},
	}
	for _, c := range cases {
		var v attio.Value
		if err := json.Unmarshal([]byte(c.raw), &v); err != nil {
			t.Fatal(err)
		}
		e := v.Unknown()
		got := map[string]string{}
		for _, k := range e.Keys() {
			raw, _ := e.Get(k)
			got[k] = string(raw)
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
}
