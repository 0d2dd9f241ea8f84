package server_test

import (
	"bytes"
	"io"
	"testing"
	"time"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connectgzip"
	"google.golang.org/protobuf/proto"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/sandbox"
	"github.com/attio-facade/attio-facade/server"
)

// BenchmarkCompressPage compresses and decompresses one 500-record page of dense people as the
// facade sends it, with connect's default gzip (compress/gzip, default level) and the facade's
// zstd and gzip. Metrics: compressed bytes per record, the ratio, and the records/s a 100 Mbit/s
// link carries at that size (the bandwidth-bound case).
//
//	go test -run '^$' -bench CompressPage -benchmem ./server/
func BenchmarkCompressPage(b *testing.B) {
	h := newHarness(b, harnessConfig{})
	if err := h.sb.Sandbox.Generate("", "people", 500, sandbox.GenerateOptions{Seed: 42,
		Start: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
		b.Fatal(err)
	}
	s, err := records(h, protocols[0]).StreamRecords(b.Context(), &attiov1.StreamRecordsRequest{Object: "people", PageSize: 500})
	if err != nil {
		b.Fatal(err)
	}
	page, err := s.Receive()
	s.Close()
	if err != nil {
		b.Fatal(err)
	}
	raw, err := proto.Marshal(page)
	if err != nil {
		b.Fatal(err)
	}
	n := float64(len(page.GetRecords()))
	codecs := append([]connect.Compressor{stdlibGzip{connectgzip.New()}}, server.Compressors()...)
	for _, c := range codecs {
		var compressed bytes.Buffer
		compress := func() {
			compressed.Reset()
			w, err := c.Compress(&compressed)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := w.Write(raw); err != nil {
				b.Fatal(err)
			}
			if err := w.Close(); err != nil {
				b.Fatal(err)
			}
		}
		name := c.Name()
		if _, ok := c.(stdlibGzip); ok {
			name = "stdlib-gzip"
		}
		b.Run(name+"/compress", func(b *testing.B) {
			b.SetBytes(int64(len(raw)))
			for b.Loop() {
				compress()
			}
			perRecord := float64(compressed.Len()) / n
			b.ReportMetric(perRecord, "B/record")
			b.ReportMetric(float64(len(raw))/float64(compressed.Len()), "ratio")
			b.ReportMetric(100e6/8/perRecord, "rec/s@100Mbit")
		})
		b.Run(name+"/decompress", func(b *testing.B) {
			compress()
			src := compressed.Bytes()
			b.SetBytes(int64(len(raw)))
			for b.Loop() {
				r, err := c.Decompress(bytes.NewBuffer(src))
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.Copy(io.Discard, r); err != nil {
					b.Fatal(err)
				}
				r.Close()
			}
		})
	}
	b.Run("identity", func(b *testing.B) {
		for b.Loop() {
		}
		b.ReportMetric(float64(len(raw))/n, "B/record")
		b.ReportMetric(100e6/8/(float64(len(raw))/n), "rec/s@100Mbit")
	})
}

// stdlibGzip tells connect's own gzip apart in the results.
type stdlibGzip struct{ *connectgzip.Compressor }
