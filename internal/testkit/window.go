package testkit

import (
	"slices"
	"time"
)

// MaxInWindow is the most of times in any half-open window [t, t+w). It sorts times.
func MaxInWindow(times []time.Time, w time.Duration) int {
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	best, j := 0, 0
	for i := range times {
		for j < len(times) && times[j].Sub(times[i]) < w {
			j++
		}
		best = max(best, j-i)
	}
	return best
}
