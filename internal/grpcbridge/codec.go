package grpcbridge

import (
	"fmt"

	"google.golang.org/grpc/mem"
)

// rawCodec moves messages as bytes: the handler behind the bridge decodes and encodes them, so
// grpc-go only frames them.
type rawCodec struct{}

// Marshal copies the handler's bytes into a pooled buffer that grpc-go frees once written: a
// ResponseWriter may not keep the slice it is given after Write returns.
func (rawCodec) Marshal(v any) (mem.BufferSlice, error) {
	b, ok := v.([]byte)
	if !ok {
		return nil, fmt.Errorf("grpcbridge: cannot marshal %T", v)
	}
	return mem.BufferSlice{mem.Copy(b, mem.DefaultBufferPool())}, nil
}

// Unmarshal copies the message out of grpc-go's buffers, which are freed when this returns.
func (rawCodec) Unmarshal(data mem.BufferSlice, v any) error {
	p, ok := v.(*[]byte)
	if !ok {
		return fmt.Errorf("grpcbridge: cannot unmarshal into %T", v)
	}
	*p = data.Materialize()
	return nil
}

func (rawCodec) Name() string { return "proto" }
