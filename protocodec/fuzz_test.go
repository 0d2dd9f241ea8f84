package protocodec

import (
	"bytes"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
)

// fuzzTypes are what FuzzUnmarshalAgrees decodes its bytes as: the unary and stream answers a Go
// caller decodes, the request the facade decodes most (a recursive Filter), and a message holding
// google.protobuf.Struct (recursive, decoded by vtprotobuf's own well-known types).
var fuzzTypes = []protoreflect.MessageType{
	(*attiov1.GetRecordResponse)(nil).ProtoReflect().Type(),
	(*attiov1.StreamRecordsResponse)(nil).ProtoReflect().Type(),
	(*attiov1.QueryRecordsRequest)(nil).ProtoReflect().Type(),
	(*attiov1.Attribute)(nil).ProtoReflect().Type(),
}

// lax are inputs on which the generated UnmarshalVT alone decides differently from
// proto.Unmarshal, each named by what the generated code gets wrong; Unmarshal must route every one
// to protobuf-go (FuzzUnmarshalAgrees; each fails agree without plain's matching check).
func lax() map[string][]byte {
	bytesField := func(num protowire.Number, v []byte) []byte {
		return protowire.AppendBytes(protowire.AppendTag(nil, num, protowire.BytesType), v)
	}
	record := func(fields ...[]byte) []byte { return bytesField(1, bytes.Join(fields, nil)) } // GetRecordResponse.record
	entry := func(fields ...[]byte) []byte { return bytesField(4, bytes.Join(fields, nil)) }  // Record.values
	deepGroups := []byte{}
	for range 2 * protowire.DefaultRecursionLimit {
		deepGroups = protowire.AppendTag(deepGroups, 77, protowire.StartGroupType)
	}
	for range 2 * protowire.DefaultRecursionLimit {
		deepGroups = protowire.AppendTag(deepGroups, 77, protowire.EndGroupType)
	}
	return map[string][]byte{
		"invalid UTF-8 in a string":           record(bytesField(3, []byte{'a', 0xff})),
		"invalid UTF-8 in a map key":          record(entry(bytesField(1, []byte{0xc3}), bytesField(2, nil))),
		"field number past 2^29-1 aliasing 1": append(protowire.AppendVarint(nil, (1<<32+1)<<3|2), 0),
		"field number past 2^29-1":            protowire.AppendVarint(protowire.AppendVarint(nil, (1<<30)<<3), 1),
		"varint overflowing 64 bits":          append(protowire.AppendTag(nil, 99, protowire.VarintType), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f),
		"known field with another wire type":  protowire.AppendVarint(protowire.AppendTag(nil, 1, protowire.VarintType), 5),
		"map value twice in an entry":         record(entry(bytesField(1, []byte("k")), bytesField(2, bytesField(1, nil)), bytesField(2, nil))),
		"map entry without its value":         record(entry(bytesField(1, []byte("k")))),
		"map key with another wire type":      record(entry(protowire.AppendVarint(protowire.AppendTag(nil, 1, protowire.VarintType), 3), bytesField(2, nil))),
		"map key running past its entry":      record(bytesField(4, []byte{0x0a, 0x05, 'k'}), bytesField(3, []byte("tail"))),
		"unknown field with a long tag":       {0xf8, 0x80, 0x80, 0x00, 0x01},
		"unknown group ends another":          append(protowire.AppendTag(nil, 5, protowire.StartGroupType), protowire.AppendTag(nil, 6, protowire.EndGroupType)...),
		"unknown groups past the depth":       deepGroups,
		"unknown field in a timestamp":        record(bytesField(2, protowire.AppendVarint(protowire.AppendTag(nil, 9, protowire.VarintType), 1))),
		"end group at the top":                protowire.AppendTag(nil, 3, protowire.EndGroupType),
		"truncated record":                    record(bytesField(3, []byte("web")))[:5],
	}
}

// Unmarshal and proto.Unmarshal agree on every input: both accept and give equal messages (unknown
// fields included), or both refuse with the same error; and wherever plain lets bytes through to
// the generated UnmarshalVT, that alone agrees with proto.Unmarshal.
func FuzzUnmarshalAgrees(f *testing.F) {
	ada, err := proto.Marshal(adaResponse(f))
	if err != nil {
		f.Fatal(err)
	}
	recs := records(f)["people"][:3]
	page, err := proto.Marshal(&attiov1.StreamRecordsResponse{Records: recs, ResumeToken: "t"})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(ada, uint8(0))
	f.Add(page, uint8(1))
	for i, mt := range fuzzTypes {
		b, err := proto.Marshal(filled(mt, i))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, uint8(i))
	}
	for _, b := range lax() {
		f.Add(b, uint8(0))
	}
	// A timestamp sent twice: both decoders merge the two (plain).
	ts := func(num protowire.Number, v uint64) []byte {
		t := protowire.AppendVarint(protowire.AppendTag(nil, num, protowire.VarintType), v)
		return protowire.AppendBytes(protowire.AppendTag(nil, 2, protowire.BytesType), t) // Record.created_at
	}
	rec := append(ts(1, 1700000000), ts(2, 5)...)
	f.Add(protowire.AppendBytes(protowire.AppendTag(nil, 1, protowire.BytesType), rec), uint8(0))
	f.Fuzz(func(t *testing.T, b []byte, which uint8) {
		agree(t, fuzzTypes[int(which)%len(fuzzTypes)], b)
	})
}

// Each lax input is one the generated code alone gets wrong (so plain must catch it), and
// Unmarshal gets it right: the premise of plain, checked so that a generator that fixes one shows.
func TestLaxInputsNeedProtobufGo(t *testing.T) {
	t.Parallel()
	mt := fuzzTypes[0]
	for name, b := range lax() {
		if plain(b, shapeOf(mt.Descriptor()), 0) {
			t.Errorf("%s: plain lets it through to UnmarshalVT", name)
			continue
		}
		agree(t, mt, b)
		want := mt.New().Interface()
		wantErr := proto.Unmarshal(b, want)
		vt := mt.New().Interface()
		vtErr := vt.(vtUnmarshaler).UnmarshalVT(b)
		same := vtErr == nil && wantErr == nil && proto.Equal(want, vt) ||
			vtErr != nil && wantErr != nil && vtErr.Error() == wantErr.Error()
		if name == "map entry without its value" { // proto.Equal takes a nil message for an empty one
			same = same && vt.(*attiov1.GetRecordResponse).GetRecord().GetValues()["k"] != nil
		}
		if same {
			t.Errorf("%s: UnmarshalVT alone agrees with proto.Unmarshal (%v): the generated code no longer needs this check", name, vtErr)
		}
	}
}

// A message type from a package built without vtprotobuf is decoded by the generated code with
// proto.Unmarshal, which replaces an earlier occurrence of the field where protobuf-go merges: such
// a field sent twice goes to protobuf-go, once it stays on the fast path, and a generated message
// type may repeat.
func TestPlainRefusesARepeatedForeignMessage(t *testing.T) {
	t.Parallel()
	file, err := protodesc.NewFile(&descriptorpb.FileDescriptorProto{
		Name:       proto.String("protocodec_test/holder.proto"),
		Package:    proto.String("protocodec.test"),
		Syntax:     proto.String("proto3"),
		Dependency: []string{"google/rpc/status.proto", "attio/v1/record_service.proto"},
		MessageType: []*descriptorpb.DescriptorProto{{
			Name: proto.String("Holder"),
			Field: []*descriptorpb.FieldDescriptorProto{
				{Name: proto.String("status"), Number: proto.Int32(1), Label: descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum(), Type: descriptorpb.FieldDescriptorProto_TYPE_MESSAGE.Enum(), TypeName: proto.String(".google.rpc.Status")},
				{Name: proto.String("record"), Number: proto.Int32(2), Label: descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum(), Type: descriptorpb.FieldDescriptorProto_TYPE_MESSAGE.Enum(), TypeName: proto.String(".attio.v1.Record")},
			},
		}},
	}, protoregistry.GlobalFiles)
	if err != nil {
		t.Fatal(err)
	}
	_ = status.Status{} // registers google.rpc.Status, which has no UnmarshalVT
	s := shapeOf(file.Messages().Get(0))
	field := func(num protowire.Number) []byte {
		inner := protowire.AppendVarint(protowire.AppendTag(nil, 1, protowire.VarintType), 3) // Status.code
		if num == 2 {
			inner = protowire.AppendString(protowire.AppendTag(nil, 3, protowire.BytesType), "u") // Record.web_url
		}
		return protowire.AppendBytes(protowire.AppendTag(nil, num, protowire.BytesType), inner)
	}
	for _, tc := range []struct {
		name string
		b    []byte
		want bool
	}{
		{"foreign once", field(1), true},
		{"foreign twice", append(field(1), field(1)...), false},
		{"generated twice", append(field(2), field(2)...), true},
	} {
		if got := plain(tc.b, s, 0); got != tc.want {
			t.Errorf("%s: plain %v, want %v", tc.name, got, tc.want)
		}
	}
}
