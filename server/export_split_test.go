package server

import (
	"context"
	"net/http"
	"os"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/sandbox"
)

// TestExportWalkDoesNotSplitForTheBudgetWait: an export whose budget is shared (here: a quarter
// of the rate it was sized for, as with four replicas on one account) waits for the budget on
// every page. That wait is not upstream latency: splitting the key space further buys no
// throughput and costs a partial last page per range, so the walk must stay within a few pages
// of the minimum. (Counting the wait as latency, it split into all 8 ranges.) Fake time: the
// sandbox's 200 ms latency and the budget's waits are exact.
func TestExportWalkDoesNotSplitForTheBudgetWait(t *testing.T) {
	t.Parallel()
	const items, pageSize = 3000, 50
	sb := sandbox.New(sandbox.WithSeed(os.DirFS("../testdata/seed")), sandbox.WithRateLimits(sandbox.Limits{}),
		sandbox.WithLatency(sandbox.FixedLatency(200*time.Millisecond)))
	// Half the items dense (a minute apart), half sparse (an hour apart): the pieces of a split
	// are sized by the density the walk sees, so in the sparse half every extra range ends with
	// a nearly empty page.
	start := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	if err := sb.Generate("", tieObject, items/2, sandbox.GenerateOptions{Seed: 1, Start: start, Step: time.Minute}); err != nil {
		t.Fatal(err)
	}
	if err := sb.Generate("", tieObject, items/2, sandbox.GenerateOptions{Seed: 2, Start: start.Add(items * time.Minute), Step: time.Hour}); err != nil {
		t.Fatal(err)
	}
	all, _ := sb.Records("", tieObject)
	synctest.Test(t, func(t *testing.T) {
		c, err := attio.New(attio.Config{APIKey: sandbox.DefaultAPIKey, BaseURL: "http://sandbox.invalid/v2", ControlURL: "http://sandbox.invalid",
			Direct: true, Limits: &attio.Limits{AttioReads: 2.5}, Observer: ExportObserver(nil),
			HTTPClient: &http.Client{Transport: handlerTransport{sb}}})
		if err != nil {
			t.Fatal(err)
		}
		var requests, delivered atomic.Int64
		w := &exportWalk[attio.RawItem, attio.RawItem]{pageSize: pageSize, parallelism: 8, rps: 10, interval: time.Hour,
			fetch: func(ctx context.Context, q attio.Query) (attio.Page[attio.RawItem], error) {
				requests.Add(1)
				return c.QueryRecordsJSON(ctx, tieObject, q)
			},
			key:       rawKey,
			convert:   same[attio.RawItem],
			sendBatch: func(b []attio.RawItem, _ string) error { delivered.Add(int64(len(b))); return nil },
			sendProg:  func(*attiov1.ExportProgress) error { return nil },
		}
		if err := w.run(t.Context(), &exportToken{Ranges: []*exportRange{{Lo: noLower, Hi: noUpper}}}); err != nil {
			t.Fatal(err)
		}
		if delivered.Load() != int64(len(all)) {
			t.Fatalf("delivered %d items, want %d", delivered.Load(), len(all))
		}
		// The minimum: every page full, plus the probe for the newest item and the empty page
		// that ends the open-ended last range.
		least := len(all)/pageSize + 2
		if got := int(requests.Load()); got > least+4 {
			t.Fatalf("%d upstream requests for %d items in pages of %d; at least %d, and the budget wait should not add more than 4 partial pages", got, len(all), pageSize, least)
		}
		t.Logf("%d upstream requests for %d items (least %d)", requests.Load(), len(all), least)
	})
}
