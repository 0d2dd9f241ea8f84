package server

import "testing"

// evenKeys are the keys of the items every 10ns from lo up to hi (exclusive).
func evenKeys(lo, hi int64) []pageKey {
	var keys []pageKey
	for ts := lo; ts < hi; ts += 10 {
		keys = append(keys, pageKey{id: "x", ts: ts})
	}
	return keys
}

// walkPage applies a page of keys to r as the walk does: advance, a split into idle+1 ranges if
// idle > 0, then the estimate.
func walkPage(t *testing.T, e *exportEstimate, st *exportToken, r *exportRange, keys []pageKey, limit, idle int) {
	t.Helper()
	from := r.Lo
	deliver, done, err := r.advance(keys, 0, limit)
	if err != nil {
		t.Fatal(err)
	}
	var pieces []*exportRange
	if done {
		st.Ranges = removeRange(st.Ranges, r)
	} else if idle > 0 {
		pieces = r.split(idle, keys[len(keys)-1].ts-keys[0].ts, st.Max)
		st.Ranges = append(st.Ranges, pieces...)
	}
	e.page(r, from, keys, deliver, done, pieces)
}

// The estimate on evenly spread items (every 10ns from 1000 to 1990, the newest at 1990): each
// range's rest at the density measured in it (or in the range it was split from), 0 while
// nothing can be said, and 0 rather than more than estimateReach times the items delivered.
func TestExportEstimate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		walk   func(t *testing.T, e *exportEstimate, st *exportToken)
		lo, hi int64 // the estimate's bounds
	}{
		{name: "before any item", walk: func(*testing.T, *exportEstimate, *exportToken) {}},
		{name: "a quarter walked, split", lo: 74, hi: 76, // items 1250..1990 left
			walk: func(t *testing.T, e *exportEstimate, st *exportToken) {
				// r keeps up to 1615, the piece after it inherits r's density.
				walkPage(t, e, st, st.Ranges[0], evenKeys(1000, 1250), 25, 1)
			}},
		{name: "the piece walked halfway", lo: 55, hi: 57, // 1250..1610 and 1810..1990 left: 56
			walk: func(t *testing.T, e *exportEstimate, st *exportToken) {
				walkPage(t, e, st, st.Ranges[0], evenKeys(1000, 1250), 25, 1)
				walkPage(t, e, st, st.Ranges[1], evenKeys(1620, 1810), 19, 0)
			}},
		{name: "the first range finished", lo: 18, hi: 20, // 1810..1990 left: 19
			walk: func(t *testing.T, e *exportEstimate, st *exportToken) {
				r := st.Ranges[0]
				walkPage(t, e, st, r, evenKeys(1000, 1250), 25, 1)
				walkPage(t, e, st, st.Ranges[1], evenKeys(1620, 1810), 19, 0)
				walkPage(t, e, st, r, evenKeys(1250, 1620), 100, 0) // a last, partial page
				if len(st.Ranges) != 1 || len(e.density) != 1 {
					t.Errorf("%d densities kept for %d ranges", len(e.density), len(st.Ranges))
				}
			}},
		{name: "beyond the reach", // 5 items seen, 95 estimated: more than 9 x 5
			walk: func(t *testing.T, e *exportEstimate, st *exportToken) {
				walkPage(t, e, st, st.Ranges[0], evenKeys(1000, 1050), 5, 0)
			}},
		{name: "just within the reach", lo: 88, hi: 90, // 11 items seen, 89 estimated
			walk: func(t *testing.T, e *exportEstimate, st *exportToken) {
				walkPage(t, e, st, st.Ranges[0], evenKeys(1000, 1110), 11, 0)
			}},
		{name: "denser newest items", lo: 112, hi: 114, // the open range at 0.15 items/ns: 751 x 0.15
			walk: func(t *testing.T, e *exportEstimate, st *exportToken) {
				st.Newest, st.NewestLo = 5, 1970 // 0.2 items/ns
				walkPage(t, e, st, st.Ranges[0], evenKeys(1000, 1250), 25, 0)
			}},
		{name: "newest items sharing a created_at", lo: 74, hi: 76, // no density there: the cursor's
			walk: func(t *testing.T, e *exportEstimate, st *exportToken) {
				st.Newest, st.NewestLo = 3, 1990
				walkPage(t, e, st, st.Ranges[0], evenKeys(1000, 1250), 25, 0)
			}},
		{name: "a resumed range not walked yet", // its density is unknown
			walk: func(t *testing.T, e *exportEstimate, st *exportToken) {
				r := &exportRange{Lo: 1000, Hi: 1500}
				st.Ranges = []*exportRange{r, {Lo: 1500, Hi: noUpper}}
				walkPage(t, e, st, r, evenKeys(1000, 1250), 25, 0)
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st := &exportToken{Max: 1990, Ranges: []*exportRange{{Lo: noLower, Hi: noUpper}}}
			var e exportEstimate
			tc.walk(t, &e, st)
			if got := e.remaining(st); got < tc.lo || got > tc.hi {
				t.Errorf("remaining = %d, want %d..%d", got, tc.lo, tc.hi)
			}
		})
	}
	// An empty export (no newest item) has no estimate.
	var empty exportEstimate
	if got := empty.remaining(&exportToken{Ranges: []*exportRange{{Lo: noLower, Hi: noUpper}}}); got != 0 {
		t.Errorf("empty export estimate = %d", got)
	}
}
