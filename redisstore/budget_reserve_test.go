package redisstore

import (
	"testing"
	"time"

	"github.com/attio-facade/attio-facade/attio"
	"github.com/attio-facade/attio-facade/internal/redistest"
)

// TestBudgetReserveOnlyForSustainedInteractive: bulk keeps to the bulk spacing (the interactive
// reserve) only while interactive traffic is sustained, two calls within a window; a lone
// interactive call takes its slot first and leaves bulk at the full rate. Counted as the bulk
// slots that back-to-back reservations get within a 9.75 s horizon at 2 requests/s (bulk spacing
// 1 s): the slot times come from Redis's clock and lie a quarter of a second or more from the
// horizon, so how fast the machine runs the loop does not change the count.
func TestBudgetReserveOnlyForSustainedInteractive(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	s, err := Open(t.Context(), srv.URL(), Options{Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	b := s.Budget(BudgetOptions{BulkHorizon: 9750 * time.Millisecond, Slack: time.Nanosecond})
	spec := []attio.BudgetSpec{{Name: "maton", Interval: 500 * time.Millisecond, BulkInterval: time.Second}}
	tests := []struct {
		name        string
		interactive int
		want        int // bulk slots in [0, 9.75 s]
	}{
		// Slots at 0, 0.5, ..., 9.5 s.
		{"no interactive traffic", 0, 20},
		// The call takes 0 s; bulk gets 0.5, 1.0, ..., 9.5 s.
		{"a lone interactive call", 1, 19},
		// The calls take 0 and 0.5 s; bulk gets 1, 2, ..., 9 s at the bulk spacing.
		{"two interactive calls within a window", 2, 9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			account := "acct-" + tt.name
			for range tt.interactive {
				keys, args := b.scriptArgs(attio.Reservation{Account: account, Budgets: spec})
				if _, err := b.run(t.Context(), keys, args, attio.Reservation{}); err != nil {
					t.Fatal(err)
				}
			}
			r := attio.Reservation{Account: account, Budgets: spec, Bulk: true}
			keys, args := b.scriptArgs(r)
			got := 0
			for ; got < 100; got++ {
				res, err := b.run(t.Context(), keys, args, r)
				if err != nil {
					t.Fatal(err)
				}
				if res[0] != 1 {
					break
				}
			}
			if got != tt.want {
				t.Fatalf("bulk got %d slots within the horizon, want %d", got, tt.want)
			}
		})
	}
}
