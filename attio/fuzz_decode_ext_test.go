package attio_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
)

// decodeSeeds are pages and single items in Attio's shapes, plus every value seed inside a record.
func decodeSeeds(f *testing.F) {
	files, _ := filepath.Glob("../testdata/attio/examples/*.json")
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	for _, s := range valueSeeds {
		f.Add([]byte(`{"data":[{"id":{"workspace_id":"w","object_id":"o","record_id":"r"},"created_at":"2023-01-01T15:00:00.000000000Z","values":{"a":[` + s + `]},"new":{"x":1}}]}`))
		f.Add([]byte(`{"data":{"id":{"entry_id":"e"},"created_at":"bad","entry_values":{"a":[` + s + `]}}}`))
	}
	f.Add([]byte(`{"data":[null,{}]}`))
	f.Add([]byte(`{"data":[{"values":{"a":[{"attribute_type":"text","value":"\u00e9\ud83d\ude00","k\"ey":1}]}}]}`))
}

// The one-pass decoder never panics on any input; what it accepts marshals to protobuf (every
// string valid UTF-8), and every extra_json and unknown_json it fills is valid JSON. The
// ATTIO_JSON scan, when it accepts a page, yields only valid JSON objects.
func FuzzDecodeMessages(f *testing.F) {
	decodeSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		if recs, err := attio.DecodeRecords(b); err == nil {
			checkDecoded(t, &attiov1.QueryRecordsResponse{Records: recs})
		}
		if rec, err := attio.DecodeRecord(b); err == nil {
			checkDecoded(t, rec)
		}
		if ents, err := attio.DecodeEntries(b); err == nil {
			checkDecoded(t, &attiov1.QueryEntriesResponse{Entries: ents})
		}
		if vals, err := attio.DecodeValues(b); err == nil {
			checkDecoded(t, &attiov1.ValueList{Values: vals})
		}
		if items, err := attio.DecodeRawItems(b, "record_id"); err == nil {
			for _, it := range items {
				if !json.Valid(it.JSON) || it.JSON[0] != '{' {
					t.Fatalf("raw item is not a JSON object: %q", it.JSON)
				}
			}
		}
	})
}

func checkDecoded(t *testing.T, m proto.Message) {
	t.Helper()
	if _, err := proto.Marshal(m); err != nil {
		t.Fatalf("decoded message does not marshal: %v", err)
	}
	checkJSONFields(t, m.ProtoReflect())
}

func checkJSONFields(t *testing.T, m protoreflect.Message) {
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.Name() == "extra_json" || fd.Name() == "unknown_json":
			if !json.Valid([]byte(v.String())) {
				t.Fatalf("%s is not JSON: %q", fd.Name(), v.String())
			}
		case fd.IsMap() && fd.MapValue().Message() != nil:
			v.Map().Range(func(_ protoreflect.MapKey, mv protoreflect.Value) bool {
				checkJSONFields(t, mv.Message())
				return true
			})
		case fd.IsList() && fd.Message() != nil:
			for i := range v.List().Len() {
				checkJSONFields(t, v.List().Get(i).Message())
			}
		case fd.Message() != nil && !fd.IsList() && !fd.IsMap():
			checkJSONFields(t, v.Message())
		}
		return true
	})
}
