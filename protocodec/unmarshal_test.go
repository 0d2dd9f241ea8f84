package protocodec

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/testing/protocmp"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
)

// agree decodes b as a message of mt with protobuf-go and with Unmarshal, and fails t unless both
// accept with equal messages (unknown fields included) or both refuse with the same error. Where
// plain lets b through, the generated UnmarshalVT alone must agree too: that is the fast path's
// whole claim. The decoded message must not share memory with b (the codec's buffers are reused).
func agree(t *testing.T, mt protoreflect.MessageType, b []byte) (fast bool) {
	t.Helper()
	want := mt.New().Interface()
	wantErr := proto.Unmarshal(b, want)
	in := bytes.Clone(b)
	got := mt.New().Interface()
	gotErr := Unmarshal(in, got)
	switch {
	case (wantErr == nil) != (gotErr == nil):
		t.Fatalf("%s: proto.Unmarshal says %v, Unmarshal says %v", mt.Descriptor().FullName(), wantErr, gotErr)
	case wantErr != nil && wantErr.Error() != gotErr.Error():
		t.Fatalf("%s: proto.Unmarshal's error %q, Unmarshal's %q", mt.Descriptor().FullName(), wantErr, gotErr)
	case wantErr == nil && !proto.Equal(want, got):
		t.Fatalf("%s: Unmarshal's message differs from proto.Unmarshal's (-proto +Unmarshal):\n%s", mt.Descriptor().FullName(), cmp.Diff(want, got, protocmp.Transform()))
	}
	for i := range in {
		in[i] = 0xAA
	}
	if wantErr == nil && !proto.Equal(want, got) {
		t.Fatalf("%s: the message changed with the bytes it was decoded from", mt.Descriptor().FullName())
	}
	if !plain(b, shapeOf(mt.Descriptor()), 0) {
		return false
	}
	vt := mt.New().Interface()
	if err := vt.(vtUnmarshaler).UnmarshalVT(b); err != nil || wantErr != nil || !proto.Equal(want, vt) {
		t.Fatalf("%s: plain input, but UnmarshalVT says %v and proto.Unmarshal %v (equal: %v)", mt.Descriptor().FullName(), err, wantErr, proto.Equal(want, vt))
	}
	return true
}

// Every message of the contract has generated UnmarshalVT, and for each, filled with data in every
// oneof variant (well-known types, maps, packed lists, unknown fields at every level), the encoder's
// bytes take the fast path and decode to what proto.Unmarshal gives.
func TestUnmarshalVTMatchesProtoUnmarshalForEveryMessage(t *testing.T) {
	t.Parallel()
	types := contractMessages(t)
	variants := 2 // each list and map entry differs from the next
	for _, mt := range types {
		for i := range mt.Descriptor().Oneofs().Len() {
			variants = max(variants, mt.Descriptor().Oneofs().Get(i).Fields().Len())
		}
	}
	for _, mt := range types {
		if _, ok := mt.New().Interface().(vtUnmarshaler); !ok {
			t.Errorf("%s: no generated UnmarshalVT (buf.gen.yaml features)", mt.Descriptor().FullName())
			continue
		}
		for variant := range variants {
			msg := filled(mt, variant)
			for _, deterministic := range []bool{false, true} {
				b, err := proto.MarshalOptions{Deterministic: deterministic}.Marshal(msg)
				if err != nil {
					t.Fatal(err)
				}
				if !agree(t, mt, b) {
					t.Fatalf("%s variant %d: an encoder's output is not plain, so it misses the fast path", mt.Descriptor().FullName(), variant)
				}
			}
		}
	}
}

// Real records (every object the sandbox generates, decoded from its JSON, with unknown fields) in
// every message that carries them decode through the fast path to what proto.Unmarshal gives.
func TestUnmarshalVTMatchesProtoUnmarshalForRecords(t *testing.T) {
	t.Parallel()
	ada := adaResponse(t)
	msgs := []proto.Message{ada, &attiov1.GetRecordRequest{Object: "people", RecordId: ada.GetRecord().GetId().GetRecordId()}}
	for _, recs := range records(t) {
		msgs = append(msgs,
			&attiov1.StreamRecordsResponse{Records: recs, ResumeToken: "t"},
			&attiov1.QueryRecordsResponse{Records: recs},
			&attiov1.ExportRecordsResponse{Message: &attiov1.ExportRecordsResponse_Batch{Batch: &attiov1.RecordBatch{Records: recs}}},
			&attiov1.GetRecordResponse{Record: recs[0]})
	}
	for _, msg := range msgs {
		b, err := proto.Marshal(msg)
		if err != nil {
			t.Fatal(err)
		}
		if !agree(t, msg.ProtoReflect().Type(), b) {
			t.Fatalf("%T: a marshalled page is not plain", msg)
		}
	}
	// vtprotobuf's well-known types drop unknown fields: a timestamp with one goes to protobuf-go,
	// which keeps it.
	odd := proto.CloneOf(ada)
	odd.GetRecord().GetCreatedAt().ProtoReflect().SetUnknown(protowire.AppendVarint(protowire.AppendTag(nil, 99, protowire.VarintType), 7))
	b, err := proto.Marshal(odd)
	if err != nil {
		t.Fatal(err)
	}
	if agree(t, odd.ProtoReflect().Type(), b) {
		t.Fatal("a timestamp with an unknown field took the fast path, which drops it")
	}
}

// The codec's marshalling (generated MarshalVT, through internal/wire) writes every message of the
// contract, filled in every oneof variant with unknown fields, as protobuf-go would: the same size,
// read back equal (map order aside, the bytes are the same set of fields).
func TestMarshalWriteMatchesProtoMarshalForEveryMessage(t *testing.T) {
	t.Parallel()
	c := New()
	for _, mt := range contractMessages(t) {
		for variant := range 3 {
			msg := filled(mt, variant)
			var buf bytes.Buffer
			if err := c.MarshalWrite(t.Context(), &buf, msg); err != nil {
				t.Fatalf("%s: %v", mt.Descriptor().FullName(), err)
			}
			back := mt.New().Interface()
			if err := proto.Unmarshal(buf.Bytes(), back); err != nil || buf.Len() != proto.Size(msg) || !proto.Equal(back, msg) {
				t.Fatalf("%s variant %d: %d bytes (proto.Size %d), read back: %v, equal %v", mt.Descriptor().FullName(), variant, buf.Len(), proto.Size(msg), err, proto.Equal(back, msg))
			}
		}
	}
}
