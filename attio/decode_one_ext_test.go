package attio_test

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/attio-facade/attio-facade/attio"
)

// One record allocates like a record of a page: a fresh decoder per call paid for a page's setup
// (the first chunks of two dozen slabs, scratch stacks, an attribute map grown through three
// rehashes), 71 allocations and 24.7 KB for Ada's 7.9 KB record; pooled decoders keep theirs
// between calls (issue 16, target 4).
func TestDecodeOneRecordAllocatesLikeAPageRecord(t *testing.T) { // not parallel: AllocsPerRun
	if raceEnabled {
		t.Skip("the race detector's sync.Pool drops decoders at random")
	}
	body := adaRecord(t)
	allocs := testing.AllocsPerRun(200, func() {
		if _, err := attio.DecodeRecord(body); err != nil {
			t.Fatal(err)
		}
	})
	bytes := bytesPerRun(200, func() { _, _ = attio.DecodeRecord(body) })
	t.Logf("%v allocations, %d bytes for %d bytes of JSON", allocs, bytes, len(body))
	if allocs > 16 {
		t.Errorf("%v allocations to decode one record, want at most 16", allocs)
	}
	if limit := 11 * uint64(len(body)) / 4; bytes > limit {
		t.Errorf("%d bytes allocated to decode %d bytes of JSON, want at most %d (2.75x)", bytes, len(body), limit)
	}
}

// Records decoded one after the other by the pooled decoders share nothing: a caller may change
// its record (a time, an actor, an empty list) without changing the next call's.
func TestDecodeRecordCallsShareNothing(t *testing.T) {
	t.Parallel()
	body := adaRecord(t)
	a, err := attio.DecodeRecord(body)
	if err != nil {
		t.Fatal(err)
	}
	b, err := attio.DecodeRecord(body)
	if err != nil {
		t.Fatal(err)
	}
	va, vb := a.Values["name"].Values[0], b.Values["name"].Values[0]
	if va == vb || va.ActiveFrom == vb.ActiveFrom || va.CreatedByActor == vb.CreatedByActor || a.Id == b.Id {
		t.Fatal("two calls share a value, a time, an actor or an id")
	}
	for slug, l := range a.Values {
		if len(l.Values) == 0 && l == b.Values[slug] {
			t.Fatalf("two calls share the empty list of %q", slug)
		}
	}
	from := vb.ActiveFrom.GetSeconds()
	va.ActiveFrom.Seconds++
	if vb.ActiveFrom.GetSeconds() != from {
		t.Error("changing one call's time changed the other's")
	}
}

// A single record or entry cut off anywhere fails as io.ErrUnexpectedEOF (the client retries
// it), never a panic: cut inside created_at or an unknown key, the decoder read the value it had
// failed to read (index out of range; found by FuzzDecodeMessages).
func TestDecodeOneItemCutOffFailsAsTruncated(t *testing.T) {
	t.Parallel()
	const rest = `"created_at":"2023-01-01T15:00:00.000000000Z","x":{"y":[1,"z"]}`
	bodies := []string{
		string(adaRecord(t)),
		`{"data":{"id":{"record_id":"r"},` + rest + `,"values":{"a":[]}}}`,
		`{"data":{"id":{"entry_id":"e"},` + rest + `,"entry_values":{"a":[]}}}`,
	}
	for _, body := range bodies {
		for n := range len(body) {
			cut := []byte(body[:n])
			for name, decode := range map[string]func([]byte) error{
				"record": func(b []byte) error { _, err := attio.DecodeRecord(b); return err },
				"entry":  func(b []byte) error { _, err := attio.DecodeEntry(b); return err },
			} {
				if err := decode(cut); !errors.Is(err, io.ErrUnexpectedEOF) {
					t.Fatalf("%s cut at %d (%q): %v, want io.ErrUnexpectedEOF", name, n, body[max(0, n-20):n], err)
				}
			}
		}
	}
}

// An activity record's body is read once, by the record decoder, which reads the activity_id of
// its id too: a second read of the whole body with encoding/json, for the ids alone, cost more
// allocations than the record itself. An activity_id that is not a string is refused.
func TestDecodeActivityRecordReadsItsBodyOnce(t *testing.T) { // not parallel: AllocsPerRun
	body := []byte(`{"data":` + activityRecordJSON + `}`)
	a, err := attio.DecodeActivityRecord(body)
	if err != nil {
		t.Fatal(err)
	}
	if id := a.GetId(); id.GetWorkspaceId() != "w1" || id.GetActivityId() != "a1" || id.GetRecordId() != "r1" {
		t.Fatalf("id %v", id)
	}
	page, err := attio.DecodeActivityRecords([]byte(`{"data":[` + activityRecordJSON + `,` + strings.Replace(activityRecordJSON, `"a1"`, `"a2"`, 1) + `]}`))
	if err != nil || len(page) != 2 || page[0].GetId().GetActivityId() != "a1" || page[1].GetId().GetActivityId() != "a2" {
		t.Fatalf("page: %v, %v", page, err)
	}
	if _, err := attio.DecodeActivityRecord([]byte(strings.Replace(string(body), `"activity_id":"a1"`, `"activity_id":7`, 1))); err == nil {
		t.Error("an activity_id that is not a string was accepted")
	}
	if raceEnabled {
		return
	}
	record := testing.AllocsPerRun(100, func() { _, _ = attio.DecodeRecord(body) })
	activity := testing.AllocsPerRun(100, func() { _, _ = attio.DecodeActivityRecord(body) })
	t.Logf("%v allocations for the record, %v for the activity record", record, activity)
	if activity > record+2 { // the ActivityRecord and its id
		t.Errorf("%v allocations to decode an activity record, %v for the same body as a record: read twice?", activity, record)
	}
}
