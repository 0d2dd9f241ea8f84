// Package protocodec is a binary protobuf codec for connect-go v2 (connect.Codec and
// connect.StableCodec, under the name "proto") that marshals and unmarshals with the code
// protoc-gen-go-vtproto generates (MarshalVT, SizeVT, UnmarshalVT), not protobuf-go's reflection.
// The facade answers with it, and Go callers of the facade can decode with it:
//
//	transport := connecthttp.NewTransport(httpClient, url, connecthttp.WithCodecs(protocodec.New()))
//	records := attiov1connect.NewRecordServiceClient(connect.NewClient(transport))
//
// The bytes and the messages are those of connect's own codec (connectproto.BinaryCodec): the
// same wire form out, the same message in, and for malformed input the same error, from
// protobuf-go itself. Messages without generated code go through protobuf-go as usual.
//
// One difference remains, on the marshalling side: vtprotobuf's copies of the well-known types
// (google.protobuf.Timestamp and the like) keep no unknown fields, so unknown fields set inside a
// well-known type are not written. The well-known types are frozen, so only a message built with
// them by hand has such fields; decoding keeps them (they go to protobuf-go).
package protocodec

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

// Codec is the codec; build it with New. It is safe for concurrent use.
type Codec struct {
	stable *connectproto.BinaryCodec // deterministic output (Connect GET URLs) stays connect's
	pool   *bufferPool
}

var _ connect.StableCodec = (*Codec)(nil)

// Option configures New.
type Option func(*Codec)

// WithMaxPooledBytes sets the largest buffer (its capacity, in bytes) the codec keeps for reuse
// after reading a message from a reader that is not already a buffer; larger ones are left to the
// garbage collector. The default is DefaultMaxPooledBytes; 0 keeps none.
func WithMaxPooledBytes(n int) Option {
	return func(c *Codec) { c.pool = newBufferPool(max(n, 0)) }
}

// New returns the codec.
func New(opts ...Option) *Codec {
	c := &Codec{stable: connectproto.NewBinaryCodec(), pool: newBufferPool(DefaultMaxPooledBytes)}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Name is connect.CodecNameProto: the codec replaces connect's binary protobuf codec.
func (c *Codec) Name() string { return connect.CodecNameProto }

// IsBinary reports true.
func (c *Codec) IsBinary() bool { return true }

// MarshalWrite writes msg's wire form to dst: the bytes proto.Marshal gives. Into a
// *bytes.Buffer (what connect's transports pass) it writes in place, and a buffer too small is
// replaced by one exactly the message's size rather than doubled (internal/wire).
func (c *Codec) MarshalWrite(_ context.Context, dst io.Writer, msg any) error {
	m, ok := msg.(proto.Message)
	if !ok {
		return fmt.Errorf("%w: got %T", connectproto.ErrNotProtoMessage, msg)
	}
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

// MarshalWriteStable writes msg deterministically (map entries sorted), as connect's codec does.
func (c *Codec) MarshalWriteStable(ctx context.Context, dst io.Writer, msg any) error {
	return c.stable.MarshalWriteStable(ctx, dst, msg)
}

// UnmarshalRead decodes one message from src into msg (see Unmarshal). connect's transports pass
// the message already read into a *bytes.Buffer, and the codec decodes it there, without copying
// it; from any other reader it reads into a pooled buffer first. A read error (connect's size
// limit, a cancelled call) is returned as it is, so the transport still recognises it.
func (c *Codec) UnmarshalRead(_ context.Context, src io.Reader, msg any) error {
	m, ok := msg.(proto.Message)
	if !ok {
		return fmt.Errorf("%w: got %T", connectproto.ErrNotProtoMessage, msg)
	}
	if b, ok := src.(*bytes.Buffer); ok {
		return Unmarshal(b.Next(b.Len()), m)
	}
	buf := c.pool.get()
	defer c.pool.put(buf)
	if _, err := buf.ReadFrom(src); err != nil {
		return err
	}
	return Unmarshal(buf.Bytes(), m)
}

// vtUnmarshaler is what protoc-gen-go-vtproto generates with its "unmarshal" feature.
type vtUnmarshaler interface {
	UnmarshalVT(dAtA []byte) error
}

// Unmarshal decodes b into m, replacing what m held: the result and the verdict of proto.Unmarshal.
// Where m has generated UnmarshalVT and b is plain (what an encoder writes: the fast path), it
// decodes with UnmarshalVT; anything else, malformed input included, is decoded, or refused, by
// proto.Unmarshal. m keeps no reference to b.
func Unmarshal(b []byte, m proto.Message) error {
	vt, ok := m.(vtUnmarshaler)
	if !ok || !plain(b, shapeOf(m.ProtoReflect().Descriptor()), 0) {
		return proto.Unmarshal(b, m)
	}
	proto.Reset(m)
	if err := vt.UnmarshalVT(b); err != nil {
		// Not reached on plain input (FuzzUnmarshalAgrees); if it were, protobuf-go decides.
		return proto.Unmarshal(b, m)
	}
	return nil
}
