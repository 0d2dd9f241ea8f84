package attio_test

import (
	"io"
	"net/http"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/attio-facade/attio-facade/attio"
	"github.com/attio-facade/attio-facade/sandbox"
)

// bytesPerRun is the heap allocated by one call of f (the mean of n calls).
func bytesPerRun(n int, f func()) uint64 {
	f()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range n {
		f()
	}
	runtime.ReadMemStats(&after)
	return (after.TotalAlloc - before.TotalAlloc) / uint64(n)
}

// A single record (a unary GetRecord) allocates in proportion to its size, not a page's worth of
// message slabs: full-size slab chunks of every message type cost 120 KB of allocation to decode
// a 15 KB record, and 80 KB for a 400-byte one, which the facade then paid for in GC on every call
// (issue 16, target 4). With pooled decoders (decode_one.go), a record pays only for its own
// messages and one copy of its JSON: 2.5x and 8.2x before them, 2.1x and 3.5x after.
func TestDecodeRecordAllocatesForItsSize(t *testing.T) { // not parallel: reads the process's allocation counter
	if raceEnabled {
		t.Skip("the race detector's sync.Pool drops decoders at random")
	}
	real, err := os.ReadFile("../testdata/attio/examples/company-record.real.json")
	if err != nil {
		t.Fatal(err)
	}
	small := []byte(`{"data":{"id":{"workspace_id":"w","object_id":"o","record_id":"r"},"created_at":"2023-01-01T15:00:00.000000000Z",` +
		`"web_url":"https://app.attio.com/w/person/r","values":{"name":[{"active_from":"2023-01-01T15:00:00.000000000Z","active_until":null,` +
		`"created_by_actor":{"type":"workspace-member","id":"m"},"first_name":"Ada","last_name":"Lovelace","full_name":"Ada Lovelace",` +
		`"attribute_type":"personal-name"}]}}}`)
	for _, tc := range []struct {
		name   string
		body   []byte
		factor float64
	}{
		{"real company record (15 KB)", real, 2.4},
		{"one value", small, 5},
	} {
		got := bytesPerRun(50, func() {
			if _, err := attio.DecodeRecord(tc.body); err != nil {
				t.Fatal(err)
			}
		})
		t.Logf("%s: %d bytes allocated for %d bytes of JSON", tc.name, got, len(tc.body))
		if limit := uint64(tc.factor * float64(len(tc.body))); got > limit {
			t.Errorf("%s: %d bytes allocated to decode %d bytes of JSON, want at most %d (%vx)", tc.name, got, len(tc.body), limit, tc.factor)
		}
	}
}

// Attio repeats the same created_by_actor and active_from on value after value: a repeat shares
// the message decoded first (no second walk, no second allocation), and a different one after it
// is decoded afresh. Empty attributes share one empty list.
func TestDecodeSharesRepeatedActorsAndTimes(t *testing.T) {
	t.Parallel()
	v := func(actor, from string) string {
		return `[{"active_from":"` + from + `","active_until":null,"created_by_actor":{"type":"` + actor + `","id":"x"},"attribute_type":"text","value":"v"}]`
	}
	body := []byte(`{"data":{"id":{"record_id":"r"},"values":{"a":` + v("api-token", "2023-01-01T15:00:00.000000000Z") +
		`,"b":` + v("api-token", "2023-01-01T15:00:00.000000000Z") + `,"c":` + v("robot", "2024-01-01T15:00:00.000000000Z") +
		`,"d":[],"e":[]}}}`)
	rec, err := attio.DecodeRecord(body)
	if err != nil {
		t.Fatal(err)
	}
	a, b, c := rec.Values["a"].Values[0], rec.Values["b"].Values[0], rec.Values["c"].Values[0]
	if a.CreatedByActor != b.CreatedByActor || a.ActiveFrom != b.ActiveFrom {
		t.Error("a repeated actor or time was decoded again, not shared")
	}
	if c.CreatedByActor == a.CreatedByActor || c.CreatedByActor.GetRawType() != "robot" || c.ActiveFrom.GetSeconds() == a.ActiveFrom.GetSeconds() {
		t.Errorf("a different actor or time after a repeat: %v %v", c.CreatedByActor, c.ActiveFrom)
	}
	if a.CreatedByActor.GetRawType() != "" || a.CreatedByActor.GetId() != "x" {
		t.Errorf("actor %v", a.CreatedByActor)
	}
	// Empty attributes (half of a people record's) share one empty list; a list with values is its own.
	d, e := rec.Values["d"], rec.Values["e"]
	if d == nil || d != e || len(d.Values) != 0 || rec.Values["a"] == d || rec.Values["a"] == rec.Values["b"] {
		t.Errorf("empty lists %p %p (%v), lists with values %p %p", d, e, d, rec.Values["a"], rec.Values["b"])
	}
}

// A page allocates well under one object per value: the value's extras do not escape, the lists'
// slices come from shared chunks, and the oneof wrapper and the type's message of each value come
// from per-type slabs (two allocations per value before them). 29,800 allocations for a
// 500-person page at first, 15,200 with shared list chunks, about 3,700 with the slabs.
func TestDecodeRecordsAllocatesUnderOncePerValue(t *testing.T) { // not parallel: AllocsPerRun
	srv := sandbox.NewServer(sandbox.WithRateLimits(sandbox.Limits{}))
	t.Cleanup(srv.Close)
	if err := srv.Sandbox.Generate(sandbox.DefaultConnectionID, "people", 200, sandbox.GenerateOptions{Seed: 5}); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, srv.MatonBaseURL()+"/objects/people/records/query", strings.NewReader(`{"limit":500}`))
	req.Header.Set("Authorization", "Bearer "+srv.APIKey())
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	recs, err := attio.DecodeRecords(body)
	if err != nil {
		t.Fatal(err)
	}
	values := 0
	for _, r := range recs {
		for _, l := range r.Values {
			values += len(l.Values)
		}
	}
	allocs := testing.AllocsPerRun(3, func() {
		if _, err := attio.DecodeRecords(body); err != nil {
			t.Fatal(err)
		}
	})
	if limit := 0.75 * float64(values); allocs > limit {
		t.Errorf("%v allocations to decode %d records holding %d values, want at most %v", allocs, len(recs), values, limit)
	}
	t.Logf("%v allocations, %d records, %d values", allocs, len(recs), values)
}
