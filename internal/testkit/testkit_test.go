package testkit_test

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/attio-facade/attio-facade/internal/testkit"
)

func TestMaxInWindow(t *testing.T) {
	t.Parallel()
	base := time.Unix(1000, 0)
	at := func(ms ...int) []time.Time {
		var out []time.Time
		for _, m := range ms {
			out = append(out, base.Add(time.Duration(m)*time.Millisecond))
		}
		return out
	}
	cases := []struct {
		name  string
		times []time.Time
		want  int
	}{
		{"empty", nil, 0},
		{"one", at(5), 1},
		{"window is half-open", at(0, 999, 1000), 2},
		{"unsorted", at(1500, 0, 1400, 100, 1300), 3},
		{"all inside", at(0, 1, 2, 3), 4},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := testkit.MaxInWindow(tc.times, time.Second); got != tc.want {
				t.Fatalf("MaxInWindow = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestUntilReturnsWhenTheConditionHolds(t *testing.T) {
	t.Parallel()
	var n atomic.Int64
	go func() {
		for range 3 {
			n.Add(1)
		}
	}()
	testkit.Until(t, "three increments", func() bool { return n.Load() == 3 })
	if n.Load() != 3 {
		t.Fatalf("returned with %d", n.Load())
	}
}
