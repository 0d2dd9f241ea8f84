package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/attio-facade/attio-facade/attio"
	"github.com/attio-facade/attio-facade/internal/redistest"
	"github.com/attio-facade/attio-facade/internal/testkit"
	"github.com/attio-facade/attio-facade/redisstore"
)

func reservation(rate float64, bulk, write bool) attio.Reservation {
	iv := time.Duration(float64(time.Second) / rate)
	return attio.Reservation{Account: "acct", Bulk: bulk, Write: write,
		Budgets: []attio.BudgetSpec{{Name: "maton", Interval: iv, BulkInterval: iv * 5 / 4}}}
}

// replicas opens n stores on one Redis, each with its own connections, like n facade processes.
func replicas(t *testing.T, srv *redistest.Server, n int) []*redisstore.Store {
	t.Helper()
	out := make([]*redisstore.Store, n)
	for i := range out {
		s, err := redisstore.Open(t.Context(), srv.URL(), redisstore.Options{Timeout: 500 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		out[i] = s
	}
	return out
}

// TestBudgetAcrossReplicas: three replicas, each with several callers, share one 20/s budget:
// no one-second window holds more than 20 sends, and they get most of it.
func TestBudgetAcrossReplicas(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	const rate, perCaller, callers = 20.0, 6, 3
	var mu sync.Mutex
	var sends []time.Time
	var wg sync.WaitGroup
	start := time.Now()
	for i, s := range replicas(t, srv, 3) {
		b := s.Budget(redisstore.BudgetOptions{})
		for range callers {
			wg.Go(func() {
				for range perCaller {
					if err := b.Wait(t.Context(), reservation(rate, i%2 == 0, false)); err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					sends = append(sends, time.Now())
					mu.Unlock()
				}
			})
		}
	}
	wg.Wait()
	elapsed := time.Since(start)
	if got := testkit.MaxInWindow(sends, time.Second); got > rate {
		t.Fatalf("%d sends in one second, budget %g/s", got, rate)
	}
	// 54 slots at 20/s take 2.65 s; allow a slow machine its delays, but not a budget per replica
	// (which would take a third of that) nor a serial one (far longer).
	if n := len(sends); n != 3*callers*perCaller {
		t.Fatalf("%d sends", n)
	}
	t.Logf("%d sends in %s: %.1f/s (budget %g/s)", len(sends), elapsed, float64(len(sends))/elapsed.Seconds(), rate)
}

// TestBudgetInteractiveFirst: with many bulk callers queued on other replicas, an interactive call
// waits behind at most the bulk horizon's worth of slots, not behind the whole queue.
func TestBudgetInteractiveFirst(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	reps := replicas(t, srv, 2)
	bulkB, inter := reps[0].Budget(redisstore.BudgetOptions{}), reps[1].Budget(redisstore.BudgetOptions{})
	const rate = 20.0 // 51 ms slots with the slack; horizon 250 ms: about 5 bulk slots ahead at most
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var mu sync.Mutex
	var grants []string
	var wg sync.WaitGroup
	defer wg.Wait()
	started := make(chan struct{})
	var once sync.Once
	for range 30 {
		wg.Go(func() {
			for ctx.Err() == nil {
				if err := bulkB.Wait(ctx, reservation(rate, true, false)); err != nil {
					return
				}
				mu.Lock()
				grants = append(grants, "bulk")
				if len(grants) >= 10 {
					once.Do(func() { close(started) })
				}
				mu.Unlock()
			}
		})
	}
	<-started
	mu.Lock()
	before := len(grants)
	mu.Unlock()
	if err := inter.Wait(t.Context(), reservation(rate, false, false)); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	ahead := len(grants) - before
	mu.Unlock()
	cancel()
	// 30 bulk callers queued: without priority the interactive call would wait for ~30 slots.
	if ahead > 8 {
		t.Fatalf("%d bulk sends went before the interactive call", ahead)
	}
	t.Logf("%d bulk sends before the interactive call", ahead)
}

// TestBudgetSharedPause: a 429 seen by one replica pauses the others; a call whose deadline ends
// inside the pause fails at once as paused.
func TestBudgetSharedPause(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	reps := replicas(t, srv, 2)
	a, b := reps[0].Budget(redisstore.BudgetOptions{}), reps[1].Budget(redisstore.BudgetOptions{})
	a.Pause(t.Context(), "acct", 5*time.Second)
	ctx, cancel := context.WithTimeout(t.Context(), time.Second)
	defer cancel()
	err := b.Wait(ctx, reservation(10, false, false))
	var ae *attio.Error
	if !attio.IsPaused(err) && !(errors.As(err, &ae) && attio.IsPaused(ae)) {
		t.Fatalf("Wait during another replica's pause = %v, want paused", err)
	}
	if ctx.Err() != nil {
		t.Fatal("the paused call waited for its deadline instead of failing at once")
	}
	start := time.Now()
	a.Pause(t.Context(), "acct", 300*time.Millisecond) // never shortens the 5 s pause
	other := reservation(10, false, false)
	other.Account = "another account"
	if err := b.Wait(t.Context(), other); err != nil || time.Since(start) > 4*time.Second {
		t.Fatalf("another account is paused too: %v after %s", err, time.Since(start))
	}
}

// TestBudgetOutage: with Redis down, writes fail closed and reads go on at 1/N of the rate; when
// Redis returns the shared budget is used again.
func TestBudgetOutage(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	reps := replicas(t, srv, 3)
	var hb []*redisstore.Replicas
	for i, s := range reps {
		r := s.Replicas(fmt.Sprint("replica-", i), time.Hour)
		if err := r.Beat(t.Context()); err != nil {
			t.Fatal(err)
		}
		hb = append(hb, r)
	}
	if err := hb[0].Beat(t.Context()); err != nil || hb[0].Live() != 3 {
		t.Fatalf("live = %d, %v; want 3", hb[0].Live(), err)
	}
	b := reps[0].Budget(redisstore.BudgetOptions{Replicas: hb[0].Live})
	srv.Stop()
	if err := b.Wait(t.Context(), reservation(10, false, true)); !errors.Is(err, redisstore.ErrUnavailable) {
		t.Fatalf("write with Redis down: %v, want ErrUnavailable", err)
	}
	if hb[0].Beat(t.Context()) == nil || hb[0].Live() != 3 {
		t.Fatal("the live count must survive a failed beat")
	}
	// 100/s budget, 3 replicas: locally one read per ~30 ms.
	start := time.Now()
	for range 5 {
		if err := b.Wait(t.Context(), reservation(100, false, false)); err != nil {
			t.Fatalf("read with Redis down: %v", err)
		}
	}
	if el := time.Since(start); el < 4*30*time.Millisecond {
		t.Fatalf("5 reads took %s: faster than 1/3 of the budget", el)
	}
	if reps[0].Degraded() == "" {
		t.Fatal("not degraded during the outage")
	}
	srv.Restart()
	testkit.Until(t, "recovery", func() bool { return b.Wait(t.Context(), reservation(10, false, true)) == nil })
	if reps[0].Degraded() != "" {
		t.Fatalf("still degraded: %s", reps[0].Degraded())
	}
}
