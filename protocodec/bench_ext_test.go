package protocodec_test

import (
	"bytes"
	"testing"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connectproto"
	"google.golang.org/protobuf/proto"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/protocodec"
)

// BenchmarkUnmarshalGetRecord is what a Go caller's connect client spends decoding Ada's GetRecord
// answer (the unary benchmark's record, 3.5 KB), handed over in a buffer as connect's transports do:
// connect's codec (protobuf-go's reflection) against this package's (generated code).
//
//	go test -run '^$' -bench UnmarshalGetRecord -benchtime 20000x -count 5 ./protocodec/
func BenchmarkUnmarshalGetRecord(b *testing.B) {
	msg, err := proto.Marshal(protocodec.AdaResponse(b))
	if err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		codec connect.Codec
	}{
		{"connectproto", connectproto.NewBinaryCodec()},
		{"protocodec", protocodec.New()},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(msg)))
			var buf bytes.Buffer
			for b.Loop() {
				buf.Reset()
				buf.Write(msg)
				var res attiov1.GetRecordResponse
				if err := tc.codec.UnmarshalRead(b.Context(), &buf, &res); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
