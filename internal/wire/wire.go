// Package wire writes the contract's messages in protobuf's binary format for the facade's codec
// (protocodec, which the server uses), with the generated marshalling of gen/ (protoc-gen-go-vtproto: no
// reflection), into the buffer connect hands the codec. The decoding benchmarks call it too, so
// that they measure what the server runs (attio/decode_bench_ext_test.go; issue 16, target 1).
package wire

import (
	"bytes"
	"fmt"

	"google.golang.org/protobuf/proto"
)

// vtMessage is what protoc-gen-go-vtproto generates for every message of the contract (gen/).
// protobuf-go marshals map<string, ValueList> through reflection and sizes each map entry's
// message again for every level it is nested in; generated code does neither.
type vtMessage interface {
	SizeVT() int
	MarshalToSizedBufferVT(dAtA []byte) (int, error)
}

// Write appends m's wire form to b: the same bytes as proto.Marshal (TestWriteMatchesProtoMarshal).
//
// The buffer b ends with is never larger than it was or than the message: a buffer too small is
// replaced by one of exactly the message's size, not grown to twice its old capacity as
// bytes.Buffer would. connect pools these buffers, and pages vary in size, so doubling left every
// pooled buffer of a stream of 2.5 MB pages at 5.7 MB, all of it outside the stream memory budget
// (issue 16, target 3).
//
// A page of records or entries is written without sizing it first where the buffer has room
// (page.go); any other message is sized, then marshalled.
func Write(b *bytes.Buffer, m proto.Message) error {
	if ok, err := writePage(b, m); ok || err != nil {
		return err
	}
	vt, _ := m.(vtMessage)
	size := Size(m)
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

// Size is m's wire size, from the generated SizeVT where the contract's message has one: a page of
// 500 people takes 3.6 ms of CPU, against 9.5 ms with protobuf-go's proto.Size, which walks every
// map<string, ValueList> through reflection. The stream memory budget weighs each page by it.
func Size(m proto.Message) int {
	if vt, ok := m.(vtMessage); ok {
		return vt.SizeVT()
	}
	return proto.Size(m)
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
