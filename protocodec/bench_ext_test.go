package protocodec_test

import (
	"bytes"
	"testing"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connectproto"
	"google.golang.org/protobuf/proto"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/internal/pagetest"
	"github.com/attio-facade/attio-facade/protocodec"
)

// BenchmarkUnmarshalGetRecord is what a Go caller's connect client spends decoding Ada's GetRecord
// answer (the unary benchmark's record, 3.5 KB), handed over in a buffer as connect's transports do:
// connect's codec (protobuf-go's reflection) against this package's (generated code).
//
//	go test -run '^$' -bench UnmarshalGetRecord -benchtime 20000x -count 5 ./protocodec/
func BenchmarkUnmarshalGetRecord(b *testing.B) {
	benchmarkUnmarshal(b, protocodec.AdaResponse(b))
}

// BenchmarkUnmarshalRecordPage is the same for a typed page of 500 generated people, as a Go
// caller of StreamRecords or the export CLI's --view typed decodes it (~4 MB of Attio JSON).
//
//	go test -run '^$' -bench UnmarshalRecordPage -benchtime 20x -count 5 ./protocodec/
func BenchmarkUnmarshalRecordPage(b *testing.B) {
	recs, err := attio.DecodeRecords(pagetest.Body(b, "people", 500, 1))
	if err != nil {
		b.Fatal(err)
	}
	benchmarkUnmarshal(b, &attiov1.StreamRecordsResponse{Records: recs, ResumeToken: "t"})
}

func benchmarkUnmarshal[M any, PM interface {
	*M
	proto.Message
}](b *testing.B, m PM) {
	msg, err := proto.Marshal(m)
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
				if err := tc.codec.UnmarshalRead(b.Context(), &buf, PM(new(M))); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
