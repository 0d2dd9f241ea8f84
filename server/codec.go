package server

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connectproto"
	"google.golang.org/protobuf/proto"
)

// wireCodec is the binary protobuf codec the facade answers with. It differs from connectproto's
// in one thing: the buffer a message is marshalled into is sized to the message exactly.
//
// Why: connect marshals each message into a buffer from its pool (up to 8 MiB is recycled), and
// bytes.Buffer grows a buffer too small for the message to twice its old capacity. Pages vary in
// size, so the pooled buffers of a stream of 2.5 MB pages crept to 5.7 MB each, and a facade
// exporting held four of them after a collection: 22 MiB, the largest item of its live heap, and
// all of it outside the stream memory budget (issue 16, target 3).
type wireCodec struct {
	base *connectproto.BinaryCodec
}

var _ connect.StableCodec = wireCodec{}

func newWireCodec() wireCodec { return wireCodec{base: connectproto.NewBinaryCodec()} }

// codecs are the codecs the facade's handlers speak: binary protobuf (wireCodec) and protojson.
func codecs() []connect.Codec { return []connect.Codec{newWireCodec(), connectproto.NewJSONCodec()} }

func (c wireCodec) Name() string   { return connect.CodecNameProto }
func (c wireCodec) IsBinary() bool { return true }

// vtMessage is what protoc-gen-go-vtproto generates for every message of the contract (gen/):
// marshalling without reflection. protobuf-go marshals map<string, ValueList> through reflection
// and sizes each map entry's message again for every level it is nested in; generated code does
// neither, and the typed page marshals in a fraction of the time (issue 16, target 1;
// TestWireCodecMatchesProtoMarshal holds it to proto.Marshal).
type vtMessage interface {
	SizeVT() int
	MarshalToSizedBufferVT(dAtA []byte) (int, error)
}

func (c wireCodec) MarshalWrite(_ context.Context, dst io.Writer, msg any) error {
	m, ok := msg.(proto.Message)
	if !ok {
		return fmt.Errorf("%w: got %T", connectproto.ErrNotProtoMessage, msg)
	}
	vt, _ := msg.(vtMessage)
	var size int
	if vt != nil {
		size = vt.SizeVT()
	} else {
		size = proto.Size(m)
	}
	b, ok := dst.(*bytes.Buffer)
	if !ok {
		out, err := marshalInto(make([]byte, 0, size), m, vt, size)
		if err != nil {
			return err
		}
		_, err = dst.Write(out)
		return err
	}
	if b.Available() < size {
		if b.Len() == 0 {
			// Replace, not grow: the new buffer is exactly the message (it goes back to the pool
			// with the capacity this message needed, not twice its predecessor's).
			*b = *bytes.NewBuffer(make([]byte, 0, size))
		} else {
			b.Grow(size)
		}
	}
	out, err := marshalInto(b.AvailableBuffer(), m, vt, size)
	if err != nil {
		return err
	}
	_, err = b.Write(out)
	return err
}

// marshalInto appends m, whose size was just computed, to dst (which has room for it).
func marshalInto(dst []byte, m proto.Message, vt vtMessage, size int) ([]byte, error) {
	if vt == nil {
		return proto.MarshalOptions{UseCachedSize: true}.MarshalAppend(dst, m)
	}
	out := dst[len(dst) : len(dst)+size]
	n, err := vt.MarshalToSizedBufferVT(out)
	if err != nil {
		return nil, err
	}
	if n != size {
		return nil, fmt.Errorf("marshal %T: wrote %d bytes of %d", m, n, size)
	}
	return dst[:len(dst)+size], nil
}

func (c wireCodec) MarshalWriteStable(ctx context.Context, dst io.Writer, msg any) error {
	return c.base.MarshalWriteStable(ctx, dst, msg)
}

func (c wireCodec) UnmarshalRead(ctx context.Context, src io.Reader, msg any) error {
	return c.base.UnmarshalRead(ctx, src, msg)
}
