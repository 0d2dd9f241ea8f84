package wire

import (
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
)

// panicky is an item whose marshalling panics with p.
type panicky struct{ p func() }

func (panicky) SizeVT() int { return 0 }
func (x panicky) MarshalToSizedBufferVT([]byte) (int, error) {
	x.p()
	return 0, nil
}

// Only a bounds error means "does not fit": any other panic of an item's marshalling (a bug) is
// raised again, not taken for a full buffer.
func TestMarshalItemRecoversOnlyBoundsErrors(t *testing.T) {
	t.Parallel()
	room := make([]byte, 4)
	if _, fits, err := marshalItem(panicky{func() { _ = room[len(room)+1:] }}, room); fits || err != nil {
		t.Fatalf("bounds error: fits %v, err %v; want an item that does not fit", fits, err)
	}
	for name, p := range map[string]func(){
		"nil map":   func() { var m map[string]int; m["a"] = 1 },
		"panic":     func() { panic("boom") },
		"nil deref": func() { var r *attiov1.Record; _ = r.Values },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: swallowed", name)
				}
			}()
			_, _, _ = marshalItem(panicky{p}, room)
		}()
	}
}

// The pages writePage writes by hand around their items have just these fields: a field added to
// one would be left out of the wire (TestWriteMatchesProtoMarshal only covers fields it sets).
func TestPageShapes(t *testing.T) {
	t.Parallel()
	page := map[protoreflect.FieldNumber]string{1: "", 2: "resume_token", 3: "attio_json"}
	export := map[protoreflect.FieldNumber]string{1: "batch", 2: "progress"}
	for _, tc := range []struct {
		msg    proto.Message
		fields map[protoreflect.FieldNumber]string
		items  string
	}{
		{&attiov1.StreamRecordsResponse{}, page, "records"},
		{&attiov1.RecordBatch{}, page, "records"},
		{&attiov1.StreamEntriesResponse{}, page, "entries"},
		{&attiov1.EntryBatch{}, page, "entries"},
		{&attiov1.ExportRecordsResponse{}, export, ""},
		{&attiov1.ExportEntriesResponse{}, export, ""},
	} {
		d := tc.msg.ProtoReflect().Descriptor()
		fs := d.Fields()
		if fs.Len() != len(tc.fields) {
			t.Errorf("%s has %d fields, internal/wire/page.go writes %d: teach writePage the new ones", d.FullName(), fs.Len(), len(tc.fields))
			continue
		}
		for i := range fs.Len() {
			f := fs.Get(i)
			want, ok := tc.fields[f.Number()]
			if want == "" {
				want = tc.items
			}
			if !ok || string(f.Name()) != want || (f.Number() == 1 && f.Kind() != protoreflect.MessageKind) {
				t.Errorf("%s: field %d %s is not what writePage writes", d.FullName(), f.Number(), f.Name())
			}
		}
	}
	// The token is a string and the export's batch is in a oneof, as writePage assumes.
	if k := (&attiov1.StreamRecordsResponse{}).ProtoReflect().Descriptor().Fields().ByNumber(2).Kind(); k != protoreflect.StringKind {
		t.Errorf("resume_token is %v", k)
	}
	if (&attiov1.ExportRecordsResponse{}).ProtoReflect().Descriptor().Fields().ByNumber(1).ContainingOneof() == nil {
		t.Error("ExportRecordsResponse.batch is not in a oneof")
	}
}
