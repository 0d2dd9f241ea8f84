package server

import "testing"

// The estimate scales the items delivered by the share of the key space walked meanwhile, and
// says nothing until the key space is bounded.
func TestExportEstimate(t *testing.T) {
	t.Parallel()
	// Items every 10ns from 1000 to 1990 (100 items), the newest at 1990.
	st := &exportToken{Max: 1990, Ranges: []*exportRange{{Lo: noLower, Hi: noUpper}}}
	var e exportEstimate
	if got := e.remaining(st, 0); got != 0 {
		t.Fatalf("estimate before any item: %d", got)
	}
	e.page(st, []pageKey{{id: "a", ts: 1000}}, 0) // the first page starts the estimate
	if !e.started {
		t.Fatal("estimate did not start once the key space was bounded")
	}
	// 25 items delivered: the range's cursor moved to 1250; split into two ranges.
	st.Ranges = []*exportRange{{Lo: 1250, Hi: 1600}, {Lo: 1600, Hi: noUpper}}
	if got := e.remaining(st, 25); got < 73 || got > 76 {
		t.Errorf("remaining after a quarter = %d, want about 75", got)
	}
	// Half of the second range walked too.
	st.Ranges = []*exportRange{{Lo: 1250, Hi: 1600}, {Lo: 1800, Hi: noUpper}}
	if got := e.remaining(st, 45); got < 53 || got > 57 {
		t.Errorf("remaining = %d, want about 55", got)
	}
	// An empty export (no newest item) has no estimate.
	var empty exportEstimate
	if got := empty.remaining(&exportToken{Ranges: []*exportRange{{Lo: noLower, Hi: noUpper}}}, 0); got != 0 {
		t.Errorf("empty export estimate = %d", got)
	}
}
