package attio_test

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/attio-facade/attio-facade/attio"
	"github.com/attio-facade/attio-facade/sandbox"
)

// adaRecord is Attio's answer to GET /objects/people/records/{Ada}, as the sandbox writes it: the
// record the unary benchmark fetches (cmd/attio-facade/unary_bench_test.go).
func adaRecord(tb testing.TB) []byte {
	tb.Helper()
	srv := sandbox.NewServer(sandbox.WithSeed(os.DirFS("../testdata/seed")), sandbox.WithRateLimits(sandbox.Limits{}))
	tb.Cleanup(srv.Close)
	req, _ := http.NewRequest(http.MethodGet, srv.MatonBaseURL()+"/objects/people/records/"+sandbox.SeedPersonID, nil)
	req.Header.Set("Authorization", "Bearer "+srv.APIKey())
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		tb.Fatalf("%d %s %v", res.StatusCode, body, err)
	}
	return body
}

// BenchmarkDecodeRecordOne is the decode of a unary GetRecord: one record, Ada's (issue 16,
// target 4). "alone" is DecodeRecord of her answer; "page" decodes a page of 500 copies of her
// record (ns/op and -benchmem per page, ns/record beside); "cpu" alternates 500 of the one and one
// of the other in each iteration, so that outside load falls on both alike, and reports the
// process CPU time per record of each and their ratio (run it with -benchtime 20x or more):
//
//	go test -run '^$' -bench DecodeRecordOne -benchmem ./attio/
func BenchmarkDecodeRecordOne(b *testing.B) {
	body := adaRecord(b)
	const n = 500
	rec := bytes.TrimSuffix(bytes.TrimPrefix(bytes.TrimSpace(body), []byte(`{"data":`)), []byte("}"))
	page := append([]byte(`{"data":[`), bytes.Repeat(append(bytes.Clone(rec), ','), n)...)
	page = append(page[:len(page)-1], "]}"...)
	alone := func() {
		if _, err := attio.DecodeRecord(body); err != nil {
			b.Fatal(err)
		}
	}
	inPage := func() {
		if recs, err := attio.DecodeRecords(page); err != nil || len(recs) != n {
			b.Fatal(len(recs), err)
		}
	}
	b.Run("alone", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			alone()
		}
	})
	b.Run("page", func(b *testing.B) {
		b.SetBytes(int64(len(page)))
		b.ReportAllocs()
		for b.Loop() {
			inPage()
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/record")
	})
	b.Run("cpu", func(b *testing.B) {
		var tAlone, tPage time.Duration
		i := 0
		for b.Loop() {
			start := cpuTime()
			for range n {
				alone()
			}
			mid := cpuTime()
			inPage()
			tAlone, tPage = tAlone+mid-start, tPage+cpuTime()-mid
			i++
		}
		b.ReportMetric(float64(tAlone.Nanoseconds())/float64(i*n)/1000, "alone-cpu-µs/record")
		b.ReportMetric(float64(tPage.Nanoseconds())/float64(i*n)/1000, "page-cpu-µs/record")
		b.ReportMetric(float64(tAlone)/float64(tPage), "alone/page")
	})
}
