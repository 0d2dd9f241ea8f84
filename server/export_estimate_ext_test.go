package server_test

import (
	"fmt"
	"testing"
	"time"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/sandbox"
)

// TestExportEstimateOnTheSandboxShape: through the real stack, people one second apart from
// 2020-01-01 beside the seed's people created in May 2025 (the shape that made the CLI show
// "~168,595,408 (estimated)" for a million people), no progress message may estimate more than
// 3 times the records actually left, give or take a record per range and, once the walk splits,
// one split piece (64 pages: a piece carved where records were dense may reach past the last of
// them, which only walking it shows). One range walks the dense part alone (the even-spread
// estimate said thousands of times too much all along); four ranges carve it up, and the
// open-ended last one crosses the empty years early.
//
// The upstream's latency makes the export last long enough to report, whatever the machine's
// speed: ~100 pages of 30, at most four in flight at 20 ms each, take at least 500 ms, five
// progress intervals of 100 ms. (At 2 ms, an idle fast machine finished in two intervals.)
func TestExportEstimateOnTheSandboxShape(t *testing.T) {
	t.Parallel()
	const pageSize = 30
	h := exportHarness(t, 0, 20*time.Millisecond, nil)
	if err := h.sb.Sandbox.Generate("", "people", 3_000, sandbox.GenerateOptions{Seed: 8, FillRatio: 0.05}); err != nil {
		t.Fatal(err)
	}
	all, _ := h.sb.Sandbox.Records("", "people")
	for _, parallelism := range []int32{1, 4} {
		t.Run(fmt.Sprintf("parallelism %d", parallelism), func(t *testing.T) {
			t.Parallel()
			run := collectRecords(t.Context(), h.exports(protocols[0]),
				&attiov1.ExportRecordsRequest{Object: "people", PageSize: pageSize, Parallelism: parallelism}, 0)
			if run.err != nil {
				t.Fatal(run.err)
			}
			checkExactlyOnce(t, run.ids, all, nil)
			var reports, estimates int
			for _, p := range run.progress {
				if p.GetDone() {
					continue
				}
				reports++
				left := int64(len(all)) - p.GetItems()
				if est := p.GetEstimatedRemaining(); est > 0 {
					estimates++
					slack := int64(parallelism)
					if parallelism > 1 {
						slack += 64 * pageSize
					}
					if est > 3*left+slack {
						t.Errorf("after %d records: estimated %d remaining, %d left", p.GetItems(), est, left)
					}
				}
			}
			if reports < 3 {
				t.Fatalf("%d progress messages before the end: the export was too quick to check", reports)
			}
			t.Logf("%d progress messages, %d with an estimate", reports, estimates)
		})
	}
}
