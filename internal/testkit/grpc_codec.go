package testkit

import (
	"google.golang.org/grpc/encoding"
	"google.golang.org/grpc/mem"
)

// BytesCodec moves messages through grpc-go's client as the bytes they are on the wire (pass a
// *[]byte to send and to receive): a caller that reads answers without decoding them, for
// benchmarks that measure a transport apart from protobuf's decode. Use it with
// grpc.ForceCodecV2.
type BytesCodec struct{}

var _ encoding.CodecV2 = BytesCodec{}

func (BytesCodec) Marshal(v any) (mem.BufferSlice, error) {
	return mem.BufferSlice{mem.SliceBuffer(*v.(*[]byte))}, nil
}

func (BytesCodec) Unmarshal(data mem.BufferSlice, v any) error {
	*v.(*[]byte) = data.Materialize()
	return nil
}

func (BytesCodec) Name() string { return "proto" }
