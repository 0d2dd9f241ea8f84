package attio_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/attio-facade/attio-facade/attio"
	"github.com/attio-facade/attio-facade/sandbox"
)

// pageOfPeople returns a real query response body: 500 generated people, as the sandbox writes them.
func pageOfPeople(b *testing.B) []byte {
	b.Helper()
	srv := sandbox.NewServer(sandbox.WithRateLimits(sandbox.Limits{}))
	b.Cleanup(srv.Close)
	if err := srv.Sandbox.Generate(sandbox.DefaultConnectionID, "people", 500, sandbox.GenerateOptions{}); err != nil {
		b.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, srv.MatonBaseURL()+"/objects/people/records/query", bytes.NewReader([]byte(`{"limit":500}`)))
	req.Header.Set("Authorization", "Bearer "+srv.APIKey())
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return body
}

// BenchmarkDecodeRecordPage measures the lossless decoding of one 500-record page, the client's
// hot path in exports: go test -run '^$' -bench DecodeRecordPage -benchmem ./attio/
func BenchmarkDecodeRecordPage(b *testing.B) {
	body := pageOfPeople(b)
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	for b.Loop() {
		var page struct {
			Data []attio.Record `json:"data"`
		}
		if err := json.Unmarshal(body, &page); err != nil || len(page.Data) != 500 {
			b.Fatalf("%d records, %v", len(page.Data), err)
		}
	}
}
