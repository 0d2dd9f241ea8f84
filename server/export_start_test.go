package server

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/sandbox"
)

// arrivals records when each request reached the upstream.
type arrivals struct {
	next http.RoundTripper
	mu   sync.Mutex
	at   []time.Time
}

func (a *arrivals) RoundTrip(r *http.Request) (*http.Response, error) {
	a.mu.Lock()
	a.at = append(a.at, time.Now())
	a.mu.Unlock()
	return a.next.RoundTrip(r)
}

// TestExportWalkUsesTheBudgetFromItsFirstSlot: at Maton's 10 requests a second and 200 ms of
// latency, an export's first second carries ten requests. The first page and the probe for the
// newest item go out first; the first page's answer lets its range go on at once, and the probe's
// splits that range while its next page is in flight. (Waiting for both answers before going on
// left the slot at 200 ms unused: the tenth request went at 1 s.) Small exports split the same
// way, and where the first page was dense and the rest is sparse, the page in flight reaches past
// its range's new end: every item is still delivered exactly once. Fake time: the sandbox's
// latency and the budget's spacing are exact.
func TestExportWalkUsesTheBudgetFromItsFirstSlot(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ pageSize, dense, sparse int }{
		{50, 157, 0},
		{50, 50, 120}, // the page in flight crosses the end the split gave its range
		{50, 3000, 0}, // the budget's first slots
		{10, 3000, 0}, // pieces of splitPages pages: three finish together
	} {
		pageSize := tc.pageSize
		t.Run(fmt.Sprintf("%d dense, %d sparse, pages of %d", tc.dense, tc.sparse, pageSize), func(t *testing.T) {
			t.Parallel()
			sb := sandbox.New(sandbox.WithSeed(os.DirFS("../testdata/seed")), sandbox.WithRateLimits(sandbox.Limits{}),
				sandbox.WithLatency(sandbox.FixedLatency(200*time.Millisecond)))
			start := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
			if err := sb.Generate("", tieObject, tc.dense, sandbox.GenerateOptions{Seed: 3, Start: start, Step: time.Minute}); err != nil {
				t.Fatal(err)
			}
			if tc.sparse > 0 {
				if err := sb.Generate("", tieObject, tc.sparse, sandbox.GenerateOptions{Seed: 4, Start: start.Add(time.Duration(tc.dense) * time.Minute), Step: time.Hour}); err != nil {
					t.Fatal(err)
				}
			}
			all, _ := sb.Records("", tieObject)
			synctest.Test(t, func(t *testing.T) {
				upstream := &arrivals{next: handlerTransport{sb}}
				c, err := attio.New(attio.Config{APIKey: sandbox.DefaultAPIKey, BaseURL: "http://sandbox.invalid/v2", ControlURL: "http://sandbox.invalid",
					Direct: true, Limits: &attio.Limits{AttioReads: 10}, Observer: ExportObserver(nil),
					HTTPClient: &http.Client{Transport: upstream}})
				if err != nil {
					t.Fatal(err)
				}
				var delivered []string
				w := &exportWalk[attio.RawItem, string]{pageSize: pageSize, parallelism: 4, rps: 10, interval: time.Hour,
					fetch: func(ctx context.Context, q attio.Query) (attio.Page[attio.RawItem], error) {
						return c.QueryRecordsJSON(ctx, tieObject, q)
					},
					key:       rawKey,
					convert:   rawIDs,
					sendBatch: func(b []string, _ string) error { delivered = append(delivered, b...); return nil },
					sendProg:  func(*attiov1.ExportProgress) error { return nil },
				}
				began := time.Now()
				if err := w.run(t.Context(), &exportToken{Ranges: []*exportRange{{Lo: noLower, Hi: noUpper}}}); err != nil {
					t.Fatal(err)
				}
				slices.Sort(delivered)
				want := slices.Sorted(slices.Values(all))
				if !slices.Equal(delivered, want) {
					t.Fatalf("delivered %d items (%d distinct), want each of the %d exactly once", len(delivered), len(slices.Compact(slices.Clone(delivered))), len(want))
				}
				if tc.dense < 60*pageSize {
					return
				}
				upstream.mu.Lock()
				defer upstream.mu.Unlock()
				for i := 1; i < len(upstream.at); i++ {
					if d := upstream.at[i].Sub(upstream.at[i-1]); d != 100*time.Millisecond {
						t.Errorf("request %d of %d: %v after the one before", i+1, len(upstream.at), d)
					}
				}
				for i, at := range upstream.at[:10] {
					if got, slot := at.Sub(began), time.Duration(i)*100*time.Millisecond; got != slot {
						t.Errorf("request %d went out at %v, want %v (the budget's slot)", i+1, got, slot)
					}
				}
			})
		})
	}
}

// TestAdvanceLeavesWhatLiesPastAMovedEndToThePieces: a range split while its page was in flight
// delivers only what lies below its new end, and is finished if the page reached past it.
func TestAdvanceLeavesWhatLiesPastAMovedEndToThePieces(t *testing.T) {
	t.Parallel()
	keys := []pageKey{{"a", 10}, {"b", 12}, {"c", 20}, {"d", 25}, {"e", 30}}
	for _, tc := range []struct {
		name    string
		r       exportRange
		limit   int
		deliver []int
		done    bool
	}{
		{"end moved inside the page", exportRange{Lo: 10, Hi: 25, Seen: []string{"a"}}, 5, []int{1, 2}, true},
		{"end moved to the page's first item", exportRange{Lo: 5, Hi: 10}, 5, nil, true},
		{"end moved past the page, full", exportRange{Lo: 10, Hi: 31, Seen: []string{"a"}}, 5, []int{1, 2, 3, 4}, false},
		{"end moved past the page, short", exportRange{Lo: 10, Hi: 31, Seen: []string{"a"}}, 6, []int{1, 2, 3, 4}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.r
			deliver, done, err := r.advance(keys, 0, tc.limit)
			if err != nil || !slices.Equal(deliver, tc.deliver) || done != tc.done {
				t.Fatalf("advance = %v, %v, %v; want %v, %v", deliver, done, err, tc.deliver, tc.done)
			}
		})
	}
}

// TestExportWalkSplitsAtOnceWhenARangeFinishes: when a range finishes and leaves a fetcher idle,
// the range with the most pages left is split at once, though its page is in flight; waiting for
// that page's answer left the fetcher (and a slot of the budget) idle meanwhile. Two ranges: A,
// one page of five items that takes 150 ms, and B, the rest, whose pages take 100 ms. At 100 ms B
// answers and goes on; at 150 ms A is finished, and a piece of B must be asked for then, not at
// 200 ms with B's next answer. Fake time.
func TestExportWalkSplitsAtOnceWhenARangeFinishes(t *testing.T) {
	t.Parallel()
	ks := series(time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), time.Minute, 1000)
	synctest.Test(t, func(t *testing.T) {
		began := time.Now()
		var mu sync.Mutex
		var sent []time.Duration
		var delivered []int
		w := &exportWalk[int, int]{pageSize: 10, parallelism: 2, interval: time.Hour,
			fetch: func(ctx context.Context, q attio.Query) (attio.Page[int], error) {
				mu.Lock()
				sent = append(sent, time.Since(began))
				mu.Unlock()
				page, err := ks.fetch(ctx, q)
				if len(page.Items) > 0 && page.Items[0] == 0 {
					time.Sleep(150 * time.Millisecond) // A
				} else {
					time.Sleep(100 * time.Millisecond)
				}
				return page, err
			},
			key:       func(i *int) (string, int64, bool) { return strconv.Itoa(*i), ks[*i], true },
			convert:   same[int],
			sendBatch: func(b []int, _ string) error { delivered = append(delivered, b...); return nil },
			sendProg:  func(*attiov1.ExportProgress) error { return nil },
		}
		st := &exportToken{Started: true, Max: ks[len(ks)-1], Ranges: []*exportRange{{Lo: ks[0], Hi: ks[5]}, {Lo: ks[5], Hi: noUpper}}}
		if err := w.run(t.Context(), st); err != nil {
			t.Fatal(err)
		}
		slices.Sort(delivered)
		if len(delivered) != len(ks) || slices.Compact(delivered)[len(ks)-1] != len(ks)-1 {
			t.Fatalf("delivered %d items, want each of %d once", len(delivered), len(ks))
		}
		if !slices.Contains(sent, 150*time.Millisecond) {
			t.Fatalf("requests went out at %v; none when A finished at 150ms", sent[:min(len(sent), 6)])
		}
	})
}

// TestExportResumesFromTokensSentBeforeTheProbeAnswered: batches sent while the probe is still
// out carry tokens that say so (not Started), and the last of them says finished; a call resumed
// from any of them probes again and delivers the rest exactly once. Fake time: the probe takes a
// second, pages 10 ms.
func TestExportResumesFromTokensSentBeforeTheProbeAnswered(t *testing.T) {
	t.Parallel()
	ks := series(time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), time.Minute, 95)
	type batch struct {
		items []int
		token string
	}
	walk := func(t *testing.T, token string) (out []batch) {
		st, err := decodeExportToken(token, "ties")
		if err != nil {
			t.Fatal(err)
		}
		synctest.Test(t, func(t *testing.T) {
			w := &exportWalk[int, int]{pageSize: 10, parallelism: 4, interval: time.Hour,
				fetch: func(ctx context.Context, q attio.Query) (attio.Page[int], error) {
					if len(q.Sorts) > 0 && q.Sorts[0].Direction == "desc" {
						time.Sleep(time.Second)
					} else {
						time.Sleep(10 * time.Millisecond)
					}
					return ks.fetch(ctx, q)
				},
				key:       func(i *int) (string, int64, bool) { return strconv.Itoa(*i), ks[*i], true },
				convert:   same[int],
				sendBatch: func(b []int, tok string) error { out = append(out, batch{b, tok}); return nil },
				sendProg:  func(*attiov1.ExportProgress) error { return nil },
			}
			if err := w.run(t.Context(), st); err != nil {
				t.Fatal(err)
			}
		})
		return out
	}
	first := walk(t, "")
	unstarted := 0
	for _, b := range first {
		if st, _ := decodeExportToken(b.token, "ties"); st != nil && !st.Started {
			unstarted++
		}
	}
	if unstarted == 0 {
		t.Fatalf("none of %d batches was sent before the probe answered", len(first))
	}
	if !finished(first[len(first)-1].token) {
		t.Fatalf("the last token does not say finished: %s", first[len(first)-1].token)
	}
	var upTo []int
	for i, b := range first[:len(first)-1] {
		upTo = append(upTo, b.items...)
		got := slices.Clone(upTo)
		for _, r := range walk(t, b.token) {
			got = append(got, r.items...)
		}
		slices.Sort(got)
		if len(got) != len(ks) || slices.Compact(got)[len(ks)-1] != len(ks)-1 {
			t.Fatalf("resumed from batch %d of %d: %d items delivered, want each of %d once", i+1, len(first), len(got), len(ks))
		}
	}
}
