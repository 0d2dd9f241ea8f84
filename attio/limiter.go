package attio

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// Priority classes share the outbound budget.
type Priority int

const (
	// PriorityInteractive (the default) is served first when both classes wait.
	PriorityInteractive Priority = iota
	// PriorityBulk (exports, backfills) may use the whole budget while no
	// interactive call was seen in the last second, and at most
	// (1-InteractiveReserve) of each budget otherwise.
	PriorityBulk
)

func (p Priority) String() string {
	if p == PriorityBulk {
		return "bulk"
	}
	return "interactive"
}

// Limits are the outbound request rates per second; 0 means unlimited.
type Limits struct {
	Maton       float64 // Maton gateway: all requests of the account (default 10)
	AttioReads  float64 // Attio reads per workspace (default 100)
	AttioWrites float64 // Attio writes per workspace (default 25)
}

// DefaultLimits are the published limits when going through Maton.
func DefaultLimits() Limits { return Limits{Maton: 10, AttioReads: 100, AttioWrites: 25} }

// DirectLimits are the limits when talking to Attio directly (no gateway cap).
func DirectLimits() Limits { return Limits{AttioReads: 100, AttioWrites: 25} }

// interactiveWindow is how long interactive traffic keeps bulk capped after its last call.
// Traffic is active once two interactive calls came within one window of each other: a lone call
// is served first anyway (it goes before every queued bulk call), and capping bulk for a second
// after it would leave the reserve idle (a call every 2 s would cost bulk a tenth of the budget).
const interactiveWindow = time.Second

// budget is a token bucket with burst 1: grants are spaced evenly at its
// rate, so an upstream bucket of the same rate (and any burst) never
// refuses us. bulkNext spaces bulk grants at the reduced rate.
type budget struct {
	interval     time.Duration
	bulkInterval time.Duration
	next         time.Time
	bulkNext     time.Time
}

func newBudget(rate, reserve float64) *budget {
	if rate <= 0 {
		return nil
	}
	b := &budget{interval: time.Duration(float64(time.Second) / rate)}
	b.bulkInterval = b.interval
	if reserve > 0 && reserve < 1 {
		b.bulkInterval = time.Duration(float64(time.Second) / (rate * (1 - reserve)))
	}
	return b
}

// advance moves a next-slot mark past a grant at now. A grant that is late
// by less than one interval (timer slack) keeps the schedule, so the long-run
// rate stays at the budget; an idle bucket restarts from now.
func advance(next *time.Time, now time.Time, interval time.Duration) {
	if late := now.Sub(*next); late >= 0 && late < interval {
		*next = next.Add(interval)
	} else {
		*next = now.Add(interval)
	}
}

type waiter struct {
	bulk     bool
	budgets  []*budget
	deadline time.Time // zero: none
	ready    chan struct{}
	granted  bool
	err      error // set instead of granted when a pause outlasts the deadline
}

// ErrPaused is wrapped by the *Error of a call refused because every call is paused after a 429
// (Maton's or Attio's Retry-After) until past the call's deadline: waiting could only end in
// DeadlineExceeded, so the call fails at once and its RetryAfter says when to come back.
var ErrPaused = errors.New("upstream calls are paused after a 429 until past the deadline")

// IsPaused reports a call refused by the pause after a 429 (see ErrPaused).
func IsPaused(err error) bool { return errors.Is(err, ErrPaused) }

// pausedError carries the pause's remaining time to the caller's *Error.
type pausedError struct{ remaining time.Duration }

func (e *pausedError) Error() string { return ErrPaused.Error() }
func (e *pausedError) Unwrap() error { return ErrPaused }

// sustained reports whether interactive traffic is active at now: its last two calls came within
// one window of each other, and the last within one window of now.
func sustained(prev, last, now time.Time) bool {
	return !prev.IsZero() && last.Sub(prev) < interactiveWindow && now.Sub(last) < interactiveWindow
}

// scheduler hands out request slots across the budgets by priority. It is a
// small event loop driven by arrivals, cancellations and one timer.
type scheduler struct {
	pauses atomic.Int64 // pauses started or extended, for metrics

	mu              sync.Mutex
	pausedUntil     time.Time
	lastInteractive time.Time
	prevInteractive time.Time // the interactive call before lastInteractive
	waiters         []*waiter
	timer           *time.Timer
	timerAt         time.Time
}

func (s *scheduler) acquire(ctx context.Context, bulk bool, budgets []*budget) (time.Duration, error) {
	start := time.Now()
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	w := &waiter{bulk: bulk, budgets: budgets, ready: make(chan struct{})}
	w.deadline, _ = ctx.Deadline()
	s.mu.Lock()
	if !w.deadline.IsZero() && s.pausedUntil.After(w.deadline) {
		remaining := s.pausedUntil.Sub(start)
		s.mu.Unlock()
		return 0, &pausedError{remaining: remaining}
	}
	if !bulk {
		s.prevInteractive, s.lastInteractive = s.lastInteractive, start
	}
	s.waiters = append(s.waiters, w)
	s.dispatchLocked()
	s.mu.Unlock()

	select {
	case <-w.ready:
		return time.Since(start), w.err
	case <-ctx.Done():
		s.mu.Lock()
		defer s.mu.Unlock()
		if !w.granted {
			for i, x := range s.waiters {
				if x == w {
					s.waiters = append(s.waiters[:i], s.waiters[i+1:]...)
					break
				}
			}
			// The leaver may have been holding back later waiters.
			s.dispatchLocked()
		}
		return time.Since(start), ctx.Err()
	}
}

// pause stops all grants for d (after a 429: the upstream refuses everyone,
// so letting other goroutines try only earns more 429s). Waiters whose
// deadline ends inside the pause are refused at once with ErrPaused.
func (s *scheduler) pause(d time.Duration) {
	if d <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	if until := now.Add(d); until.After(s.pausedUntil) {
		s.pausedUntil = until
		s.pauses.Add(1)
	}
	kept := s.waiters[:0]
	for _, w := range s.waiters {
		if !w.deadline.IsZero() && s.pausedUntil.After(w.deadline) {
			w.err = &pausedError{remaining: s.pausedUntil.Sub(now)}
			close(w.ready)
			continue
		}
		kept = append(kept, w)
	}
	clear(s.waiters[len(kept):])
	s.waiters = kept
	s.dispatchLocked()
}

// pausedFor is what is left of the current pause (0 when none).
func (s *scheduler) pausedFor() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return max(0, time.Until(s.pausedUntil))
}

func (s *scheduler) dispatchLocked() {
	now := time.Now()
	if now.Before(s.pausedUntil) {
		s.armLocked(s.pausedUntil)
		return
	}
	interactiveActive := sustained(s.prevInteractive, s.lastInteractive, now)
	capEnds := s.lastInteractive.Add(interactiveWindow)
	var blocked []*budget // budgets an earlier or higher-priority waiter is waiting for
	isBlocked := func(w *waiter) bool {
		for _, b := range w.budgets {
			for _, x := range blocked {
				if b == x {
					return true
				}
			}
		}
		return false
	}
	var wake time.Time
	for _, bulkPass := range []bool{false, true} {
		for _, w := range s.waiters {
			if w.granted || w.bulk != bulkPass {
				continue
			}
			if isBlocked(w) {
				blocked = append(blocked, w.budgets...)
				continue
			}
			var at, bulkAt time.Time
			for _, b := range w.budgets {
				if b.next.After(at) {
					at = b.next
				}
				if b.bulkNext.After(bulkAt) {
					bulkAt = b.bulkNext
				}
			}
			if w.bulk && interactiveActive && bulkAt.After(at) {
				// Capped until the bulk spacing allows, or until interactive
				// traffic has been quiet for a window, whichever is first.
				at = minTime(bulkAt, maxTime(at, capEnds))
			}
			if !at.After(now) {
				for _, b := range w.budgets {
					advance(&b.next, now, b.interval)
					if w.bulk {
						advance(&b.bulkNext, now, b.bulkInterval)
					}
				}
				w.granted = true
				close(w.ready)
				continue
			}
			blocked = append(blocked, w.budgets...)
			if wake.IsZero() || at.Before(wake) {
				wake = at
			}
		}
	}
	kept := s.waiters[:0]
	for _, w := range s.waiters {
		if !w.granted {
			kept = append(kept, w)
		}
	}
	clear(s.waiters[len(kept):])
	s.waiters = kept
	if !wake.IsZero() {
		s.armLocked(wake)
	}
}

func (s *scheduler) armLocked(t time.Time) {
	if !s.timerAt.IsZero() && !s.timerAt.After(t) {
		return // an earlier wake-up is pending; it will re-arm
	}
	s.timerAt = t
	d := time.Until(t)
	if s.timer == nil {
		s.timer = time.AfterFunc(d, s.onTimer)
	} else {
		s.timer.Reset(d)
	}
}

func (s *scheduler) onTimer() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.timerAt = time.Time{}
	s.dispatchLocked()
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
