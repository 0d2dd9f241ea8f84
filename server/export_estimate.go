package server

import "math"

// exportEstimate guesses how many items an export has still to deliver, for progress bars: Attio
// has no count. The items this call delivered are scaled by the share of the created_at key space
// (up to the newest item at the start) still to walk, so it assumes items are spread evenly over
// time. The sender goroutine alone uses it.
type exportEstimate struct {
	lowest     int64 // lowest created_at seen: where an unbounded first range really starts
	seen       bool
	started    bool
	startSpan  float64 // key space left when the estimate could first be made
	startItems int64   // items delivered at that moment
}

// see records an item's created_at.
func (e *exportEstimate) see(ts int64) {
	if !e.seen || ts < e.lowest {
		e.lowest, e.seen = ts, true
	}
}

// span is the key space st has left to walk, in nanoseconds; ok is false while it is unbounded.
func (e *exportEstimate) span(st *exportToken) (float64, bool) {
	if st.Max == 0 {
		return 0, false // no newest item known (empty, or the probe has not answered)
	}
	var s float64
	for _, r := range st.Ranges {
		lo := r.Lo
		if lo == noLower {
			if !e.seen {
				return 0, false
			}
			lo = e.lowest
		}
		if hi := min(r.Hi, st.Max+1); hi > lo {
			s += float64(hi - lo)
		}
	}
	return s, true
}

// remaining is the estimate after items delivered by this call; 0 while nothing can be said.
func (e *exportEstimate) remaining(st *exportToken, items int64) int64 {
	s, ok := e.span(st)
	if !ok {
		return 0
	}
	if !e.started {
		e.started, e.startSpan, e.startItems = true, s, items
		return 0
	}
	walked := e.startSpan - s
	if walked <= 0 || items <= e.startItems {
		return 0
	}
	return int64(math.Round(float64(items-e.startItems) / walked * s))
}

// page takes a page's keys once the sender applied it, so the estimate can start as early as
// the key space is bounded.
func (e *exportEstimate) page(st *exportToken, keys []pageKey, items int64) {
	if len(keys) > 0 {
		e.see(keys[0].ts)
	}
	if !e.started {
		e.remaining(st, items)
	}
}
