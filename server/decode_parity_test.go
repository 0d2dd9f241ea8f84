package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/internal/pagetest"
)

// The one-pass decoder (attio.DecodeRecords) against the independent reference path kept in
// decode_oracle_test.go (encoding/json into attio's structs, then converted): both must give the
// same messages for every page the sandbox writes and every captured example. extra_json and
// unknown_json are compared as JSON (the decoder keeps Attio's bytes; the reference re-encodes).

func sandboxPage(t testing.TB, object string, n int) []byte {
	t.Helper()
	return pagetest.Body(t, object, n, 3)
}

func oracleRecords(t *testing.T, body []byte) []*attiov1.Record {
	t.Helper()
	var page struct {
		Data []attio.Record `json:"data"`
	}
	if err := json.Unmarshal(body, &page); err != nil {
		t.Fatal(err)
	}
	return oracleToRecords(page.Data)
}

// canonicalJSON rewrites every extra_json and unknown_json in m as compact JSON with sorted keys.
func canonicalJSON(t *testing.T, m protoreflect.Message) {
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.Kind() == protoreflect.StringKind && (fd.Name() == "extra_json" || fd.Name() == "unknown_json"):
			var x any
			d := json.NewDecoder(bytes.NewReader([]byte(v.String())))
			d.UseNumber()
			if err := d.Decode(&x); err != nil {
				t.Errorf("%s is not JSON: %q", fd.FullName(), v.String())
				return true
			}
			b, _ := json.Marshal(x)
			m.Set(fd, protoreflect.ValueOfString(string(b)))
		case fd.IsMap() && fd.MapValue().Message() != nil:
			v.Map().Range(func(_ protoreflect.MapKey, mv protoreflect.Value) bool {
				canonicalJSON(t, mv.Message())
				return true
			})
		case fd.IsList() && fd.Message() != nil:
			for i := range v.List().Len() {
				canonicalJSON(t, v.List().Get(i).Message())
			}
		case fd.Message() != nil && !fd.IsList() && !fd.IsMap():
			canonicalJSON(t, v.Message())
		}
		return true
	})
}

func sameMessages[M proto.Message](t *testing.T, name string, want, got []M) {
	t.Helper()
	if len(want) != len(got) {
		t.Fatalf("%s: %d messages, want %d", name, len(got), len(want))
	}
	for i := range want {
		canonicalJSON(t, want[i].ProtoReflect())
		canonicalJSON(t, got[i].ProtoReflect())
		if !proto.Equal(want[i], got[i]) {
			t.Fatalf("%s[%d]:\n got %v\nwant %v", name, i, got[i], want[i])
		}
	}
}

func TestDecoderMatchesReferenceOnSandboxPages(t *testing.T) {
	t.Parallel()
	for _, object := range []string{"people", "companies", "deals"} {
		t.Run(object, func(t *testing.T) {
			t.Parallel()
			body := sandboxPage(t, object, 200)
			got, err := attio.DecodeRecords(body)
			if err != nil {
				t.Fatal(err)
			}
			sameMessages(t, object, oracleRecords(t, body), got)
		})
	}
}

// parityValueSeeds are value objects of every type, in odd shapes too, that both paths must agree on.
var parityValueSeeds = []string{
	`{"active_from":"2023-01-01T15:00:00.000000000Z","active_until":null,"created_by_actor":{"type":"workspace-member","id":"m"},"attribute_type":"text","value":"Ada"}`,
	`{"attribute_type":"number","value":12.50}`,
	`{"attribute_type":"number","value":"12.50"}`,
	`{"attribute_type":"currency","currency_value":99.99,"currency_code":"EUR"}`,
	`{"attribute_type":"currency","currency_value":99.99,"currency_code":null}`,
	`{"attribute_type":"checkbox","value":true}`,
	`{"attribute_type":"rating","value":3}`,
	`{"attribute_type":"rating","value":3.5}`,
	`{"attribute_type":"date","value":"2024-02-29"}`,
	`{"attribute_type":"timestamp","value":"2024-02-29T12:00:00.123456789Z"}`,
	`{"attribute_type":"timestamp","value":"2024-02-29"}`,
	`{"attribute_type":"status","status":{"id":{"status_id":"s"},"title":"Won","is_archived":false,"new_key":[1]}}`,
	`{"attribute_type":"status","status":"s-id"}`,
	`{"attribute_type":"select","option":{"id":{"option_id":"o"},"title":"Red"}}`,
	`{"attribute_type":"select","option":"o-id"}`,
	`{"attribute_type":"record-reference","target_object":"companies","target_record_id":"r"}`,
	`{"attribute_type":"actor-reference","referenced_actor_type":"workspace-member","referenced_actor_id":"m"}`,
	`{"attribute_type":"actor-reference","referenced_actor_type":"robot","referenced_actor_id":null}`,
	`{"attribute_type":"location","line_1":"1 Main St","line_2":null,"locality":"Paris","country_code":"FR","latitude":"48.85","longitude":"2.35"}`,
	`{"attribute_type":"domain","domain":"app.example.com","root_domain":"example.com"}`,
	`{"attribute_type":"email-address","original_email_address":"A@x.io","email_address":"a@x.io","email_domain":"x.io"}`,
	`{"attribute_type":"phone-number","original_phone_number":"+33 1","phone_number":"+331","country_code":"FR"}`,
	`{"attribute_type":"personal-name","first_name":"Ada","last_name":"Lovelace","full_name":"Ada \u00e9 \"L\""}`,
	`{"attribute_type":"interaction","interaction_type":"email","interacted_at":"2024-01-01T00:00:00Z","owner_actor":{"type":"api-token","id":"t"}}`,
	`{"attribute_type":"interaction","interaction_type":"fax","interacted_at":"2024-01-01T00:00:00+02:00","owner_actor":null}`,
	`{"attribute_type":"future-type","anything":[1,{"a":null}],"big":123456789012345678901234567890}`,
	`{"attribute_type":"text","value":"x","surprise":{"k":1.000}}`,
	`null`, `[]`, `{}`, `"str"`,
}

func TestDecoderMatchesReferenceOnOddValues(t *testing.T) {
	t.Parallel()
	for i, s := range parityValueSeeds {
		body := []byte(`{"data":[{"id":{"workspace_id":"w","object_id":"o","record_id":"r"},"created_at":"2023-01-01T15:00:00.000000000Z","web_url":"u","odd":1e400,"values":{"a":[` + s + `],"b":[]}}]}`)
		got, err := attio.DecodeRecords(body)
		if err != nil {
			t.Fatalf("%d: %v", i, err)
		}
		sameMessages(t, fmt.Sprint(i), oracleRecords(t, body), got)
	}
}

func TestDecoderMatchesReferenceOnExamples(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob("../testdata/attio/examples/*record*.json")
	entries, _ := filepath.Glob("../testdata/attio/examples/*entry*.json")
	if len(files) == 0 || len(entries) == 0 {
		t.Fatal("no record or entry examples")
	}
	for _, f := range files {
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var env struct{ Data json.RawMessage }
		_ = json.Unmarshal(body, &env)
		if bytes.HasPrefix(bytes.TrimSpace(env.Data), []byte("[")) {
			got, err := attio.DecodeRecords(body)
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			sameMessages(t, f, oracleRecords(t, body), got)
			continue
		}
		var one struct{ Data attio.Record }
		if err := json.Unmarshal(body, &one); err != nil {
			t.Fatal(err)
		}
		got, err := attio.DecodeRecord(body)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		sameMessages(t, f, []*attiov1.Record{oracleToRecord(&one.Data)}, []*attiov1.Record{got})
	}
	for _, f := range entries {
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var one struct{ Data attio.Entry }
		if err := json.Unmarshal(body, &one); err != nil {
			t.Fatal(err)
		}
		got, err := attio.DecodeEntry(body)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		sameMessages(t, f, []*attiov1.Entry{oracleToEntry(&one.Data)}, []*attiov1.Entry{got})
	}
}

// BenchmarkReferencePathRecordPage is the read path before issue 16 (encoding/json into attio's
// structs, converted, marshalled), for the before/after figure:
// go test -run '^$' -bench ReferencePathRecordPage -benchmem ./server/
func BenchmarkReferencePathRecordPage(b *testing.B) {
	body := sandboxPage(b, "people", 500)
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	for b.Loop() {
		var page struct {
			Data []attio.Record `json:"data"`
		}
		if err := json.Unmarshal(body, &page); err != nil {
			b.Fatal(err)
		}
		if _, err := proto.Marshal(&attiov1.StreamRecordsResponse{Records: oracleToRecords(page.Data)}); err != nil {
			b.Fatal(err)
		}
	}
}
