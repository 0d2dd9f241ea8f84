package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
)

// keySpace is an object reduced to its items' created_at, sorted (an item is its index). It
// answers the walk's queries (created_at bounds, ascending or newest first, offset and limit) as
// Attio does, so the estimate can be checked on a million items walked by the real walk: the
// sandbox would take minutes to serve them.
type keySpace []int64

func (ks keySpace) fetch(_ context.Context, q attio.Query) (attio.Page[int], error) {
	lo, hi := 0, len(ks)
	if !q.Filter.IsZero() {
		raw, _ := json.Marshal(q.Filter)
		var f struct {
			And []map[string]map[string]string `json:"$and"`
		}
		var one map[string]map[string]string
		if json.Unmarshal(raw, &f) != nil || f.And == nil {
			if err := json.Unmarshal(raw, &one); err != nil {
				return attio.Page[int]{}, err
			}
			f.And = append(f.And, one)
		}
		for _, c := range f.And {
			for op, v := range c["created_at"] {
				ts, ok := parseTS(v)
				if !ok {
					return attio.Page[int]{}, fmt.Errorf("bad time %q", v)
				}
				first, _ := slices.BinarySearch(ks, ts)   // first item >= ts
				after, _ := slices.BinarySearch(ks, ts+1) // first item > ts
				switch op {
				case "$gte":
					lo = max(lo, first)
				case "$gt":
					lo = max(lo, after)
				case "$lt":
					hi = min(hi, first)
				case "$eq":
					lo, hi = max(lo, first), min(hi, after)
				default:
					return attio.Page[int]{}, fmt.Errorf("operator %s", op)
				}
			}
		}
	}
	idx := make([]int, 0, q.Limit)
	if len(q.Sorts) > 0 && q.Sorts[0].Direction == "desc" {
		for i := hi - 1 - q.Offset; i >= lo && len(idx) < q.Limit; i-- {
			idx = append(idx, i)
		}
		return attio.Page[int]{Items: idx}, nil
	}
	for i := lo + q.Offset; i < hi && len(idx) < q.Limit; i++ {
		idx = append(idx, i)
	}
	return attio.Page[int]{Items: idx}, nil
}

// series is n items step apart from start.
func series(start time.Time, step time.Duration, n int) keySpace {
	ks := make(keySpace, n)
	for i := range ks {
		ks[i] = start.UnixNano() + int64(i)*int64(step)
	}
	return ks
}

// growing is n items whose density grows linearly over time, by a factor of x from the first
// to the last (a workspace whose team grew), over about a year.
func growing(start time.Time, n int, x float64) keySpace {
	ks := make(keySpace, n)
	// Density rises from 1 to x over [0, T): the i-th item sits where the cumulative count
	// t + (x-1)t²/2T reaches i, with T chosen so that it reaches n at T.
	T := 2 * float64(n) / (1 + x)
	unit := float64(365*24*time.Hour) / T
	for i := range ks {
		a := (x - 1) / (2 * T)
		t := (-1 + math.Sqrt(1+4*a*float64(i))) / (2 * a)
		ks[i] = start.UnixNano() + int64(t*unit)
	}
	return ks
}

// estimateSample is one progress message: items delivered, the estimate, the true remainder.
type estimateSample struct{ items, est, truth int64 }

// walkEstimates walks ks with the real export walk (splits, open-ended last range, parallel
// fetchers) in fake time, each page taking a millisecond, from token ("": a fresh export) after
// before items delivered by earlier calls, and returns every progress message's estimate. With
// stopAt > 0 the call ends, as when its connection drops, once it delivered that many items; the
// last batch's token is returned.
func walkEstimates(t *testing.T, ks keySpace, pageSize, parallelism int, token string, before, stopAt int64) ([]estimateSample, string) {
	var samples []estimateSample
	st, err := decodeExportToken(token, "estimate")
	if err != nil {
		t.Fatal(err)
	}
	errStop := errors.New("connection dropped")
	synctest.Test(t, func(t *testing.T) {
		var delivered atomic.Int64
		w := &exportWalk[int, int]{pageSize: pageSize, parallelism: parallelism, interval: 5 * time.Millisecond,
			fetch: func(ctx context.Context, q attio.Query) (attio.Page[int], error) {
				if desc := len(q.Sorts) > 0 && q.Sorts[0].Direction == "desc"; desc && q.Limit != min(probeItems, pageSize) {
					t.Errorf("the probe for the newest items asks for %d, want %d", q.Limit, min(probeItems, pageSize))
				}
				time.Sleep(time.Millisecond)
				return ks.fetch(ctx, q)
			},
			key:     func(i *int) (string, int64, bool) { return strconv.Itoa(*i), ks[*i], true },
			convert: same[int],
			sendBatch: func(b []int, tok string) error {
				token = tok
				if n := delivered.Add(int64(len(b))); stopAt > 0 && n >= stopAt {
					return errStop
				}
				return nil
			},
			sendProg: func(p *attiov1.ExportProgress) error {
				if !p.GetDone() {
					samples = append(samples, estimateSample{before + p.GetItems(), p.GetEstimatedRemaining(), int64(len(ks)) - before - p.GetItems()})
				}
				return nil
			},
		}
		// Limits of this bubble's own: the shared fallback's semaphores belong to no bubble.
		ctx := context.WithValue(t.Context(), streamLimitsKey{}, NewStreamLimits(StreamLimitsConfig{}))
		err := w.run(ctx, st)
		if stopAt > 0 {
			if !errors.Is(err, errStop) {
				t.Fatalf("the call ended with %v before delivering %d items", err, stopAt)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if got := before + delivered.Load(); got != int64(len(ks)) {
			t.Fatalf("delivered %d items, want %d", got, len(ks))
		}
	})
	return samples, token
}

// TestExportEstimateSkewed: the estimate on key spaces walked by the real walk. The sandbox's
// shape (a million people one second apart from 2020-01-01, and the seed's few records created in
// 2024-2025) made the old estimate, which spread the items seen over the whole key space up to
// the newest item, say ~168 million. Whatever the shape, a reported estimate must stay within
// a factor of the truth; on evenly spread items it must also be reported for most of the walk and
// end close to the truth.
func TestExportEstimateSkewed(t *testing.T) {
	t.Parallel()
	day := 24 * time.Hour
	jan2020 := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	seeds := keySpace{}
	for _, d := range []string{"2024-01-10", "2024-03-02", "2024-06-20", "2025-01-15", "2025-04-01", "2025-05-12", "2025-06-30"} {
		at, _ := time.Parse(time.DateOnly, d)
		seeds = append(seeds, at.UnixNano())
	}
	for _, tc := range []struct {
		name                  string
		ks                    keySpace
		pageSize, parallelism int
		// over and under: no reported estimate exceeds over x the truth or is below truth/under,
		// give or take one item per range (a range's rest is an expectation: a range whose items
		// are all delivered waits for its last, empty page, and its estimate rounds to an item).
		over, under float64
		// step: the items stop (or thin out) abruptly. A range split off where they were dense
		// may reach past that point, and is only known to be empty there once walked: then the
		// estimate may also exceed the bound by up to one split piece (splitPages pages) per range.
		step bool
		// reported: the share of the progress messages, once a tenth of the items is delivered,
		// that must carry an estimate (0: none required, the shape gives no ground for one).
		reported float64
	}{
		{name: "sandbox people", ks: slices.Concat(series(jan2020, time.Second, 1_000_000), seeds),
			pageSize: 500, parallelism: 8, over: 2, under: 2, step: true},
		{name: "even", ks: series(jan2020, time.Minute, 200_000), pageSize: 500, parallelism: 8,
			over: 1.2, under: 1.2, reported: 0.9},
		{name: "even, one range", ks: series(jan2020, time.Minute, 100_000), pageSize: 200, parallelism: 1,
			over: 1.2, under: 1.2, reported: 0.9},
		{name: "dense then sparse", ks: slices.Concat(series(jan2020, time.Second, 100_000), series(jan2020.Add(30*day), day, 2_000)),
			pageSize: 100, parallelism: 4, over: 2, under: 2, step: true},
		{name: "sparse then dense", ks: slices.Concat(series(jan2020, day, 2_000), series(jan2020.Add(3000*day), time.Second, 100_000)),
			pageSize: 100, parallelism: 4, over: 2, under: 2},
		{name: "growing, one range", ks: growing(jan2020, 100_000, 10), pageSize: 200, parallelism: 1,
			over: 1.5, under: 1.5, reported: 0.9},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			samples, _ := walkEstimates(t, tc.ks, tc.pageSize, tc.parallelism, "", 0, 0)
			var late, reported int
			first, worst := int64(-1), 1.0
			for _, s := range samples {
				if s.items >= int64(len(tc.ks))/10 {
					late++
				}
				if s.est == 0 {
					continue
				}
				if s.items >= int64(len(tc.ks))/10 {
					reported++
				}
				if first < 0 {
					first = s.items
				}
				worst = max(worst, float64(s.est)/float64(max(s.truth, 1)), float64(s.truth)/float64(s.est))
				slack, over := float64(tc.parallelism), float64(tc.parallelism)
				if tc.step {
					over *= float64(splitPages * tc.pageSize)
				}
				if float64(s.est) > tc.over*float64(s.truth)+over || float64(s.est)*tc.under < float64(s.truth)-slack {
					t.Errorf("after %d items: estimated %d remaining, truth %d", s.items, s.est, s.truth)
				}
			}
			if late == 0 || float64(reported) < tc.reported*float64(late) {
				t.Errorf("estimate in %d of the %d progress messages after a tenth of the items, want %.0f%%", reported, late, 100*tc.reported)
			}
			t.Logf("%d progress messages, %d with an estimate once a tenth was delivered (of %d); first after %d items; worst ratio %.2f",
				len(samples), reported, late, first, worst)
		})
	}
}

// TestExportEstimateResumed: a resumed call makes no probe for the newest items; the token carries
// their density, so the resumed call estimates a growing workspace as well as the first did (the
// cursor's density alone said a third less than was left).
func TestExportEstimateResumed(t *testing.T) {
	t.Parallel()
	ks := growing(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), 100_000, 10)
	const pageSize, dropAt = 200, 20_000
	_, token := walkEstimates(t, ks, pageSize, 1, "", 0, dropAt)
	st, err := decodeExportToken(token, "estimate")
	if err != nil {
		t.Fatal(err)
	}
	if st.Newest != probeItems || st.NewestLo != ks[len(ks)-probeItems] {
		t.Fatalf("token keeps %d newest items from %d, want %d from %d", st.Newest, st.NewestLo, probeItems, ks[len(ks)-probeItems])
	}
	samples, _ := walkEstimates(t, ks, pageSize, 1, token, dropAt, 0)
	var reported int
	for _, s := range samples {
		if s.est == 0 {
			continue
		}
		reported++
		if float64(s.est) > 1.2*float64(s.truth)+1 || 1.2*float64(s.est) < float64(s.truth)-1 {
			t.Errorf("after %d items: estimated %d remaining, truth %d", s.items, s.est, s.truth)
		}
	}
	if reported < len(samples)/2 {
		t.Errorf("estimate in %d of %d progress messages of the resumed call", reported, len(samples))
	}
}
