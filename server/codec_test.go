package server

import (
	"bytes"
	"strings"
	"testing"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connectproto"
	"google.golang.org/protobuf/proto"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
)

// The facade's codec writes the same bytes as connect's, into a buffer of exactly the message's
// size: a pooled buffer a little too small for the next page is replaced, not doubled (connect's
// own codec left it at twice its old capacity), and one large enough is reused as it is.
func TestWireCodecSizesBuffersToTheMessage(t *testing.T) {
	t.Parallel()
	page := func(n int) *attiov1.RecordBatch {
		b := &attiov1.RecordBatch{ResumeToken: "token"}
		for i := range n {
			b.AttioJson = append(b.AttioJson, []byte(`{"id":{"record_id":"`+strings.Repeat("x", 1000+i)+`"}}`))
		}
		return b
	}
	small, large := page(100), page(110)
	want, err := proto.Marshal(large)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name      string
		codec     connect.Codec
		reference bool
	}{
		{"facade", newWireCodec(), false},
		{"connect (reference: doubles)", connectproto.NewBinaryCodec(), true},
	} {
		var buf bytes.Buffer
		if err := tc.codec.MarshalWrite(t.Context(), &buf, small); err != nil {
			t.Fatal(err)
		}
		prev := buf.Cap()
		buf.Reset() // as connect's pool hands it out again
		if err := tc.codec.MarshalWrite(t.Context(), &buf, large); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(buf.Bytes(), want) {
			t.Fatalf("%s: marshalled bytes differ from proto.Marshal", tc.name)
		}
		exact := buf.Cap() == len(want)
		if tc.reference {
			if exact || buf.Cap() < 2*prev {
				t.Fatalf("reference codec: capacity %d after %d; the premise (doubling) no longer holds", buf.Cap(), prev)
			}
			continue
		}
		if !exact {
			t.Errorf("%s: buffer capacity %d for a %d-byte message (previous capacity %d), want exactly the message", tc.name, buf.Cap(), len(want), prev)
		}
		// A buffer large enough already is reused, not replaced.
		buf.Reset()
		before := buf.Cap()
		if err := tc.codec.MarshalWrite(t.Context(), &buf, small); err != nil {
			t.Fatal(err)
		}
		if buf.Cap() != before {
			t.Errorf("%s: a large enough buffer was replaced (capacity %d -> %d)", tc.name, before, buf.Cap())
		}
	}
}
