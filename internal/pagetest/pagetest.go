// Package pagetest gives tests and benchmarks a real page of Attio records: the body the sandbox
// answers a records query with, the input of the decoder and of everything measured after it.
package pagetest

import (
	"bytes"
	"io"
	"net/http"
	"testing"

	"github.com/attio-facade/attio-facade/sandbox"
)

// Body generates n records of object (with seed) in a fresh sandbox and returns its answer to a
// query for up to 500 of them, as the facade receives it. The sandbox closes when tb ends.
func Body(tb testing.TB, object string, n int, seed uint64) []byte {
	tb.Helper()
	srv := sandbox.NewServer(sandbox.WithRateLimits(sandbox.Limits{}))
	tb.Cleanup(srv.Close)
	if err := srv.Sandbox.Generate(sandbox.DefaultConnectionID, object, n, sandbox.GenerateOptions{Seed: seed}); err != nil {
		tb.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, srv.MatonBaseURL()+"/objects/"+object+"/records/query", bytes.NewReader([]byte(`{"limit":500}`)))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+srv.APIKey())
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		tb.Fatalf("query %s: %d %v", object, res.StatusCode, err)
	}
	return body
}
