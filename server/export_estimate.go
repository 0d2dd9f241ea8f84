package server

import "math"

// exportEstimate guesses how many items an export has still to deliver, for progress bars: Attio
// has no count, so it can only extrapolate from the items the walk has seen.
//
// It used to spread the items seen over the whole created_at key space up to the newest item,
// assuming items evenly spread over time. Real key spaces are not: the sandbox's million people
// one second apart in 2020 beside seed records of 2024-2025 made it say ~168 million remaining
// (truth: under a million), and any bulk import followed by a quiet year does the same. So:
//
//   - Density per range, measured where the walk is. The walk goes up the key space: the ranges
//     are the pieces just ahead of the cursors, carved at the density the walk measured there, and
//     the open-ended last range beyond them. Each range's density is that of its own latest pages
//     (inherited from the range it was split off until its first page), so a range estimates its
//     rest from the items around it, not from the average of a key space that changed density.
//   - A bounded reach. Beyond the walked part, nothing in the walk distinguishes "the same density
//     for years" from "nothing until a few late records": both give the same pages so far. The
//     estimate is therefore reported only while it is at most estimateReach times the items this
//     call delivered, and is 0 (unknown) otherwise: on evenly spread items that is once a tenth of
//     the key space is walked, and an estimate is never more than an order of magnitude beyond
//     the evidence, so an ETA never exceeds about estimateReach times the time spent so far.
//     On the sandbox's shape it says nothing until the walk has crossed the empty years.
//   - Both ends of the open-ended range. Its rest reaches up to the newest item, whose
//     neighbourhood the probe for it samples (probeItems newest items, same request; the token
//     keeps the sample for resumed calls): the range is estimated at the mean of the density at
//     its cursor and the density there. That is exact when the density changes linearly, as a
//     steadily growing workspace's does, which the cursor's density alone would under-estimate
//     until the walk reached its dense part.
//
// Memory: one density per range of the token, dropped when the range is finished. Cost: one pass
// over the token's ranges per page and per progress message. The sender goroutine alone uses it.
type exportEstimate struct {
	lowest  int64 // lowest created_at seen: where an unbounded first range really starts
	seen    bool
	items   int64 // delivered by this call: the evidence the estimate may not outgrow too far
	density map[*exportRange]*rangeDensity
}

const (
	// estimateReach bounds the estimate to this many times the items delivered (see above).
	estimateReach = 9
	// probeItems is how many of the newest items the walk's first request asks for (at most
	// the page size): 19 gaps between them measure the density there within about a quarter;
	// the request is made once per export, and its items are read for their created_at only.
	probeItems = 20
	// densityDecay is the weight of a range's earlier pages against its latest one: a window of
	// about two pages follows a change of density within a range (at parallelism 1 one range
	// walks the whole key space) while still smoothing one page's noise.
	densityDecay = 0.5
)

// rangeDensity is a range's items per nanosecond of created_at, as decayed sums.
type rangeDensity struct {
	items, span float64
	own         bool // measured in the range itself, not inherited from the range it came from
}

// newestDensity is the items per nanosecond among the newest items st sampled; 0 if unknown
// (fewer than two, or all sharing one created_at).
func newestDensity(st *exportToken) float64 {
	if st.Newest >= 2 && st.Max > st.NewestLo {
		return float64(st.Newest-1) / float64(st.Max-st.NewestLo)
	}
	return 0
}

// page records a page of r the sender applied: r's cursor moved from from to r.Lo, delivering the
// items of keys at the indexes deliver; done says r is finished; pieces were just split off r.
func (e *exportEstimate) page(r *exportRange, from int64, keys []pageKey, deliver []int, done bool, pieces []*exportRange) {
	if len(keys) > 0 && (!e.seen || keys[0].ts < e.lowest) {
		e.lowest, e.seen = keys[0].ts, true
	}
	e.items += int64(len(deliver))
	if done {
		delete(e.density, r)
		return
	}
	if from == noLower {
		if !e.seen {
			return
		}
		from = e.lowest
	}
	// The density over (from, r.Lo]: the items at from itself were delivered by the range's
	// previous page, or are the first page's first item; counting them would inflate a first page.
	var n float64
	for _, i := range deliver {
		if keys[i].ts > from {
			n++
		}
	}
	span := float64(r.Lo - from)
	if span <= 0 {
		return // a tie walk's page: items at one created_at say nothing about the rest
	}
	if e.density == nil {
		e.density = map[*exportRange]*rangeDensity{}
	}
	d := e.density[r]
	if d == nil || !d.own {
		d = &rangeDensity{items: n, span: span, own: true}
		e.density[r] = d
	} else {
		d.items = d.items*densityDecay + n
		d.span = d.span*densityDecay + span
	}
	e.split(r, pieces)
}

// split lends the pieces just split off r its density, until their own first pages.
func (e *exportEstimate) split(r *exportRange, pieces []*exportRange) {
	if d := e.density[r]; d != nil {
		for _, p := range pieces {
			e.density[p] = &rangeDensity{items: d.items, span: d.span}
		}
	}
}

// remaining is the estimate for the ranges st has left, up to its newest item at the start; 0
// while nothing sound can be said: before the first page, while a range has no density yet (a
// resumed token's ranges before their first page), and while the estimate would exceed the reach.
func (e *exportEstimate) remaining(st *exportToken) int64 {
	if st.Max == 0 || e.items == 0 {
		return 0 // no newest item known (empty, or the probe has not answered), or nothing seen
	}
	var est float64
	top := newestDensity(st)
	for _, r := range st.Ranges {
		hi := min(r.Hi, st.Max+1)
		if r.Lo == noLower {
			return 0
		}
		if hi <= r.Lo {
			continue // only items created during the export are left there: not estimated
		}
		d := e.density[r]
		if d == nil || d.span <= 0 {
			return 0
		}
		density := d.items / d.span
		if r.Hi == noUpper && top > 0 {
			density = (density + top) / 2
		}
		est += density * float64(hi-r.Lo)
	}
	if est > estimateReach*float64(e.items) {
		return 0
	}
	return int64(math.Round(est))
}
