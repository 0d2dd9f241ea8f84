package server

import (
	"context"
	"sync"
)

// fetchGate bounds how many upstream page fetches (with their decoding and conversion) all streams
// and exports run at once, and shares those slots fairly between callers.
//
// Why: without it, every open stream has a goroutine fetching, decoding and converting its next
// page. With 1,000 streams that is hundreds of runnable goroutines contending for the memory
// budget's lock and the upstream connections; Go's scheduler has no priorities, so every step of
// an unrelated unary call (reading its request, its one upstream round trip, writing its answer)
// waits behind all of them, which measured 16 s per GetRecord on a loaded 2-core machine. With the
// gate, the stream work in progress is a constant however many streams are open, and the others
// wait parked. Unary calls never pass the gate.
//
// Fairness: a freed slot goes to the waiting caller that holds the fewest slots (ties: the one
// served least recently), so one caller's many streams cannot keep another caller's stream from
// its next page for longer than one fetch.
type fetchGate struct {
	mu      sync.Mutex
	slots   int
	busy    int
	peak    int
	held    map[string]int            // slots held per caller
	waiting map[string][]*fetchWaiter // FIFO per caller
	turn    map[string]uint64         // when the caller was last served, for ties
	served  uint64
}

type fetchWaiter struct {
	ready   chan struct{}
	granted bool
}

func newFetchGate(slots int) *fetchGate {
	return &fetchGate{slots: slots, held: map[string]int{}, waiting: map[string][]*fetchWaiter{}, turn: map[string]uint64{}}
}

// acquire waits for a slot for caller; the returned function gives it back (once).
func (g *fetchGate) acquire(ctx context.Context, caller string) (func(), error) {
	g.mu.Lock()
	if g.busy < g.slots && len(g.waiting) == 0 {
		g.grantLocked(caller)
		g.mu.Unlock()
		return g.releaser(caller), nil
	}
	w := &fetchWaiter{ready: make(chan struct{})}
	g.waiting[caller] = append(g.waiting[caller], w)
	g.mu.Unlock()
	select {
	case <-w.ready:
		return g.releaser(caller), nil
	case <-ctx.Done():
		g.mu.Lock()
		defer g.mu.Unlock()
		if w.granted {
			g.releaseLocked(caller)
			return nil, ctx.Err()
		}
		q := g.waiting[caller]
		for i, x := range q {
			if x == w {
				q = append(q[:i], q[i+1:]...)
				break
			}
		}
		if len(q) == 0 {
			delete(g.waiting, caller)
			if g.held[caller] == 0 {
				delete(g.turn, caller)
			}
		} else {
			g.waiting[caller] = q
		}
		return nil, ctx.Err()
	}
}

func (g *fetchGate) releaser(caller string) func() {
	var once sync.Once
	return func() {
		once.Do(func() {
			g.mu.Lock()
			defer g.mu.Unlock()
			g.releaseLocked(caller)
		})
	}
}

func (g *fetchGate) grantLocked(caller string) {
	g.busy++
	g.peak = max(g.peak, g.busy)
	g.held[caller]++
	g.served++
	g.turn[caller] = g.served
}

func (g *fetchGate) releaseLocked(caller string) {
	g.busy--
	if g.held[caller]--; g.held[caller] == 0 {
		delete(g.held, caller)
		if len(g.waiting[caller]) == 0 {
			delete(g.turn, caller)
		}
	}
	g.dispatchLocked()
}

// dispatchLocked hands free slots to waiters: each to the caller holding the fewest, ties to the
// one served least recently.
func (g *fetchGate) dispatchLocked() {
	for g.busy < g.slots && len(g.waiting) > 0 {
		next := ""
		for c := range g.waiting {
			if next == "" || g.held[c] < g.held[next] || g.held[c] == g.held[next] && g.turn[c] < g.turn[next] {
				next = c
			}
		}
		q := g.waiting[next]
		w := q[0]
		if len(q) == 1 {
			delete(g.waiting, next)
		} else {
			g.waiting[next] = q[1:]
		}
		g.grantLocked(next)
		w.granted = true
		close(w.ready)
	}
}

// fetchStats are the gate's figures.
type fetchStats struct{ busy, peak, waiting int }

func (g *fetchGate) stats() fetchStats {
	g.mu.Lock()
	defer g.mu.Unlock()
	n := 0
	for _, q := range g.waiting {
		n += len(q)
	}
	return fetchStats{busy: g.busy, peak: g.peak, waiting: n}
}
