package server

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connectproto"
	"google.golang.org/protobuf/proto"

	"github.com/attio-facade/attio-facade/internal/wire"
)

// wireCodec is the binary protobuf codec the facade answers with. It differs from connectproto's
// in how it marshals (internal/wire): with generated code, not reflection, and into a buffer never
// larger than the message when the pooled one is too small.
//
// Why the size: connect marshals each message into a buffer from its pool (up to 8 MiB is
// recycled), and bytes.Buffer grows a buffer too small for the message to twice its old capacity.
// Pages vary in size, so the pooled buffers of a stream of 2.5 MB pages crept to 5.7 MB each, and a
// facade exporting held four of them after a collection: 22 MiB, the largest item of its live
// heap, and all of it outside the stream memory budget (issue 16, target 3).
type wireCodec struct {
	base *connectproto.BinaryCodec
}

var _ connect.StableCodec = wireCodec{}

func newWireCodec() wireCodec { return wireCodec{base: connectproto.NewBinaryCodec()} }

// codecs are the codecs the facade's handlers speak: binary protobuf (wireCodec) and protojson.
func codecs() []connect.Codec { return []connect.Codec{newWireCodec(), connectproto.NewJSONCodec()} }

func (c wireCodec) Name() string   { return connect.CodecNameProto }
func (c wireCodec) IsBinary() bool { return true }

func (c wireCodec) MarshalWrite(_ context.Context, dst io.Writer, msg any) error {
	m, ok := msg.(proto.Message)
	if !ok {
		return fmt.Errorf("%w: got %T", connectproto.ErrNotProtoMessage, msg)
	}
	// Generated marshalling (internal/wire; TestWireCodecMatchesProtoMarshal holds it to
	// proto.Marshal), into connect's pooled buffer: the same code the typed-path benchmark runs.
	if b, ok := dst.(*bytes.Buffer); ok {
		return wire.Write(b, m)
	}
	var b bytes.Buffer
	if err := wire.Write(&b, m); err != nil {
		return err
	}
	_, err := dst.Write(b.Bytes())
	return err
}

func (c wireCodec) MarshalWriteStable(ctx context.Context, dst io.Writer, msg any) error {
	return c.base.MarshalWriteStable(ctx, dst, msg)
}

func (c wireCodec) UnmarshalRead(ctx context.Context, src io.Reader, msg any) error {
	return c.base.UnmarshalRead(ctx, src, msg)
}
