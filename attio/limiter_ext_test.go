package attio_test

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/attio-facade/attio-facade/attio"
	"github.com/attio-facade/attio-facade/internal/testkit"
)

// startTimes are the times the requests reached the stub.
func startTimes(reqs []seenReq) []time.Time {
	out := make([]time.Time, len(reqs))
	for i, r := range reqs {
		out[i] = r.at
	}
	return out
}

func TestBudgetCapsStarts(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		limits attio.Limits
		direct bool
		writes int // every writes-th call is a create (0: none)
		rate   int
	}{
		{"maton cap on reads", attio.Limits{Maton: 20, AttioReads: 100, AttioWrites: 25}, false, 0, 20},
		{"maton cap on reads and writes together", attio.Limits{Maton: 20, AttioReads: 100, AttioWrites: 100}, false, 2, 20},
		{"attio write budget, direct", attio.Limits{AttioReads: 100, AttioWrites: 20}, true, 1, 20},
		{"attio read budget, direct", attio.Limits{AttioReads: 20, AttioWrites: 100}, true, 0, 20},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// In a synctest bubble (fake time, no socket) the start times are the limiter's own,
			// not bunched by a busy machine.
			synctest.Test(t, func(t *testing.T) {
				s := &stub{serve: func(n int, w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, okRecord) }}
				lim := tc.limits
				c := bubbleClient(t, s, func(c *attio.Config) {
					c.Limits = &lim
					c.Direct = tc.direct
					if tc.direct {
						c.BaseURL = s.URL + "/v2"
					}
				})
				ctx := ctxTimeout(t, 20*time.Second)
				var wg sync.WaitGroup
				for i := range 2 * tc.rate {
					wg.Go(func() {
						var err error
						if tc.writes > 0 && i%tc.writes == 0 {
							_, err = c.CreateRecord(ctx, "people", nil)
						} else {
							_, err = c.GetRecord(ctx, "people", "r")
						}
						if err != nil {
							t.Error(err)
						}
					})
				}
				wg.Wait()
				reqs := s.requests()
				// Burst 1 plus one slot of timer slack: an upstream token bucket
				// of rate R and burst R never refuses this.
				if got := testkit.MaxInWindow(startTimes(reqs), time.Second); got > tc.rate+1 {
					t.Errorf("%d requests started within one second, budget %d/s", got, tc.rate)
				}
				if len(reqs) != 2*tc.rate {
					t.Errorf("upstream saw %d requests, want %d", len(reqs), 2*tc.rate)
				}
			})
		})
	}
}

// TestBulkCannotStarveInteractive floods the budget with bulk calls and
// counts, at the upstream, how many bulk requests slip in between
// consecutive interactive ones: with priorities it is a handful, without
// them every queued bulk caller would go first.
func TestBulkCannotStarveInteractive(t *testing.T) {
	t.Parallel()
	s := newStub(t, func(n int, w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, okRecord) })
	const rate = 50
	c := s.client(t, func(c *attio.Config) { c.Limits = &attio.Limits{Maton: rate} })
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	bulkCtx, stopBulk := context.WithCancel(attio.WithPriority(ctx, attio.PriorityBulk))
	var wg sync.WaitGroup
	for range 32 {
		wg.Go(func() {
			for bulkCtx.Err() == nil {
				_, _ = c.GetRecord(bulkCtx, "bulk", "r")
			}
		})
	}
	// Let bulk waiters pile up: once 32 bulk requests went out, every bulk caller has queued again.
	testkit.Until(t, "32 bulk requests upstream", func() bool { return s.count() >= 32 })
	// For each interactive call, count the bulk requests that reached the upstream after the call
	// was made and before it: counts, not times, so a slow machine (or a descheduled test
	// goroutine between calls) does not change them.
	var issued []int
	for range 15 {
		issued = append(issued, s.count())
		if _, err := c.GetRecord(ctx, "interactive", "r"); err != nil {
			t.Fatal(err)
		}
	}
	stopBulk()
	wg.Wait()

	worst, seenInteractive := 0, 0
	for i, r := range s.requests() {
		if r.path == "/attio/v2/objects/interactive/records/r" {
			worst = max(worst, i-issued[seenInteractive])
			seenInteractive++
		}
	}
	if seenInteractive != 15 {
		t.Fatalf("interactive requests %d", seenInteractive)
	}
	if worst > 5 {
		t.Errorf("up to %d bulk requests went ahead of an interactive one (32 bulk callers were queued)", worst)
	}
}

// TestBulkAloneUsesWholeBudget: with no interactive traffic, bulk is not
// held to the reserve cap.
func TestBulkAloneUsesWholeBudget(t *testing.T) {
	t.Parallel()
	synctest.Test(t, testBulkAloneUsesWholeBudget) // fake time: the rate measured is the limiter's own
}

func testBulkAloneUsesWholeBudget(t *testing.T) {
	const rate = 40
	s := &stub{serve: func(n int, w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, okRecord) }}
	c := bubbleClient(t, s, func(c *attio.Config) { c.Limits = &attio.Limits{Maton: rate}; c.InteractiveReserve = 0.5 })
	ctx, cancel := context.WithTimeout(attio.WithPriority(t.Context(), attio.PriorityBulk), 1600*time.Millisecond)
	defer cancel()
	var wg sync.WaitGroup
	var ok atomic.Int32
	for range 16 {
		wg.Go(func() {
			for ctx.Err() == nil {
				if _, err := c.GetRecord(ctx, "bulk", "r"); err == nil {
					ok.Add(1)
				}
			}
		})
	}
	wg.Wait()
	// Over the last full second the bulk flood must run well above the
	// capped rate (rate*(1-0.5) = 20/s).
	reqs := s.requests()
	if len(reqs) == 0 {
		t.Fatal("no requests")
	}
	end := reqs[len(reqs)-1].at
	n := 0
	for _, r := range reqs {
		if end.Sub(r.at) < time.Second {
			n++
		}
	}
	if n < 30 {
		t.Errorf("bulk alone made %d requests in its last second, want close to %d (capped would be 20)", n, rate)
	}
}

// TestBulkCappedWhileInteractiveActive: with interactive traffic present,
// bulk keeps to (1-reserve) of the budget.
func TestBulkCappedWhileInteractiveActive(t *testing.T) {
	t.Parallel()
	synctest.Test(t, testBulkCappedWhileInteractiveActive) // fake time: sleeps and windows are exact
}

func testBulkCappedWhileInteractiveActive(t *testing.T) {
	const rate = 40
	s := &stub{serve: func(n int, w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, okRecord) }}
	c := bubbleClient(t, s, func(c *attio.Config) { c.Limits = &attio.Limits{Maton: rate}; c.InteractiveReserve = 0.5 })
	ctx, cancel := context.WithTimeout(t.Context(), 1600*time.Millisecond)
	defer cancel()
	bulk := attio.WithPriority(ctx, attio.PriorityBulk)
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for bulk.Err() == nil {
				_, _ = c.GetRecord(bulk, "bulk", "r")
			}
		})
	}
	wg.Go(func() {
		// Interactive traffic every 200 ms (fake time), ending with the run; two calls at once
		// first, so it is sustained (active) from the start.
		_, _ = c.GetRecord(ctx, "interactive", "r")
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for ctx.Err() == nil {
			_, _ = c.GetRecord(ctx, "interactive", "r")
			select {
			case <-tick.C:
			case <-ctx.Done():
			}
		}
	})
	wg.Wait()
	// Over the whole run (1.6 s), counted by grants rather than by arrival times (which a busy
	// machine bunches): at most the cap's 20/s plus a small burst. A slow machine only lowers it.
	n := 0
	for _, r := range s.requests() {
		if r.path == "/attio/v2/objects/bulk/records/r" {
			n++
		}
	}
	if limit := int(20*1.6) + 4; n > limit {
		t.Errorf("bulk made %d requests in 1.6 s while interactive was active; the cap allows %d", n, limit)
	}
}

// TestLoneInteractiveCallsDoNotCapBulk: interactive calls that come one at a time (every 1.5 s)
// are served ahead of bulk but do not hold bulk to the reserve cap: a cap of one window after each
// would have given bulk about 84 of the 128 slots of 3.2 s.
func TestLoneInteractiveCallsDoNotCapBulk(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		const rate = 40
		s := &stub{serve: func(n int, w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, okRecord) }}
		c := bubbleClient(t, s, func(c *attio.Config) { c.Limits = &attio.Limits{Maton: rate}; c.InteractiveReserve = 0.5 })
		ctx, cancel := context.WithTimeout(t.Context(), 3200*time.Millisecond)
		defer cancel()
		bulk := attio.WithPriority(ctx, attio.PriorityBulk)
		var wg sync.WaitGroup
		for range 16 {
			wg.Go(func() {
				for bulk.Err() == nil {
					_, _ = c.GetRecord(bulk, "bulk", "r")
				}
			})
		}
		wg.Go(func() {
			tick := time.NewTicker(1500 * time.Millisecond)
			defer tick.Stop()
			for ctx.Err() == nil {
				_, _ = c.GetRecord(ctx, "interactive", "r")
				select {
				case <-tick.C:
				case <-ctx.Done():
				}
			}
		})
		wg.Wait()
		n, interactive := 0, 0
		for _, r := range s.requests() {
			if r.path == "/attio/v2/objects/bulk/records/r" {
				n++
			} else {
				interactive++
			}
		}
		if interactive != 3 {
			t.Fatalf("%d interactive calls, want 3", interactive)
		}
		if n < 120 {
			t.Errorf("bulk made %d requests in 3.2 s beside 3 lone interactive calls; uncapped it has about %d", n, 128-interactive)
		}
	})
}
