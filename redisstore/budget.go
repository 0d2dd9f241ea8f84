package redisstore

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"go.opentelemetry.io/otel/attribute"

	"github.com/attio-facade/attio-facade/attio"
)

// Budget is an attio.SharedBudget in Redis: GCRA slot reservation. Each request reserves the next
// free slot of each of its budgets (one key per account and budget holds the next free slot
// time, on Redis's clock) and then waits locally until that time, so the replicas together send
// evenly spaced requests at the budget's rate, never a burst.
//
// Priority across replicas: interactive calls always reserve; bulk calls (exports, streams)
// reserve only a slot at most BulkHorizon ahead and otherwise come back when it is that close,
// so an interactive call finds at most BulkHorizon of bulk slots before its own. While any replica
// made two interactive calls less than a second apart, the last one in the last second, bulk
// calls also keep to the bulk spacing (the interactive reserve: sustained interactive traffic
// finds free slots; a lone call goes first anyway and does not idle the reserve). A 429 seen by
// any replica sets a pause key that every reservation waits out.
//
// Slots are spaced by Slack more than the rate says (rate R: (1s+Slack)/R), and a request woken
// later than Slack/2 after its slot gives it up and reserves another: then however late a replica
// wakes, any R+1 requests leave at least 1s + Slack/2 apart (20 ms at the default), the margin
// for what the upstream cannot see us control: the time from the wake-up to being counted (the
// send itself on a busy process, the network, the upstream's own scheduling). Maton counts
// arrivals, so a margin of zero would let an eleventh request land inside a second whenever one
// is delayed on the way. Lateness gets half: a replica busy decoding pages wakes its timer 5-20 ms
// late (Go preempts a running goroutine every 10 ms), and each slot given up is a tenth of a
// second of Maton's budget lost.
//
// With Redis unreachable, writes fail closed (ErrUnavailable: nothing is sent) and reads go on
// under a local budget of 1/N of each rate, N being the live replicas last counted (see Replicas).
type Budget struct {
	s        *Store
	replicas func() int
	horizon  time.Duration
	slack    time.Duration

	mu    sync.Mutex
	local map[string]time.Time // budget key -> next local slot, while Redis is unreachable
}

// BudgetOptions configures Store.Budget.
type BudgetOptions struct {
	// Replicas returns the live replica count for the fallback budget; nil means 1.
	Replicas func() int
	// BulkHorizon is how far ahead a bulk call may reserve; default DefaultBulkHorizon.
	BulkHorizon time.Duration
	// Slack widens the slot spacing and bounds how late a slot may be used; default DefaultSlack.
	Slack time.Duration
}

// DefaultBulkHorizon bounds how long an interactive call waits behind bulk reservations.
const DefaultBulkHorizon = 250 * time.Millisecond

// DefaultSlack is the spacing margin: 4% of a second, so at most 96% of a rate is used across
// replicas; a slot may be used up to Slack/2 (20 ms) late. One replica alone spaces requests at
// exactly the rate (attio's scheduler). It was 60 ms, 40 of them margin, which alone held three
// replicas' exports under 94% of the ceiling; 30 ms with a 10 ms margin let 11 requests arrive
// within one second in one run of ten on an idle machine.
const DefaultSlack = 40 * time.Millisecond

// interactiveWindow is how long sustained interactive traffic keeps bulk at the reduced spacing
// after its last call (see attio's scheduler, which keeps the same rule within a replica).
const interactiveWindow = time.Second

// Budget returns the shared outbound budget.
func (s *Store) Budget(o BudgetOptions) *Budget {
	if o.Replicas == nil {
		o.Replicas = func() int { return 1 }
	}
	if o.BulkHorizon <= 0 {
		o.BulkHorizon = DefaultBulkHorizon
	}
	if o.Slack <= 0 {
		o.Slack = DefaultSlack
	}
	return &Budget{s: s, replicas: o.Replicas, horizon: o.BulkHorizon, slack: o.Slack, local: map[string]time.Time{}}
}

var _ attio.SharedBudget = (*Budget)(nil)

// reserveScript: KEYS pause, interactive, then per budget its next and bulk-next keys.
// ARGV bulk(0/1), horizonUs (bulk: reserve only this close; -1 none), maxWaitUs (-1 none),
// windowMs, n, then per budget intervalUs, bulkIntervalUs.
// Returns {reserved 1/0, waitUs, pausedUs}: the slot (reserved) or when it would be.
var reserveScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local paused = 0
local p = redis.call('PTTL', KEYS[1])
if p > 0 then paused = p * 1000 end
local bulk = ARGV[1] == '1'
local window = tonumber(ARGV[4]) * 1000
local active = false
if bulk then
  local calls = redis.call('HMGET', KEYS[2], 'prev', 'last')
  local prev, last = tonumber(calls[1] or '0'), tonumber(calls[2] or '0')
  active = prev > 0 and last - prev < window and now - last < window
else
  local last = redis.call('HGET', KEYS[2], 'last')
  if last then redis.call('HSET', KEYS[2], 'prev', last) end
  redis.call('HSET', KEYS[2], 'last', now)
  redis.call('PEXPIRE', KEYS[2], ARGV[4])
end
local n = tonumber(ARGV[5])
local at = now + paused
for i = 1, n do
  local nx = tonumber(redis.call('GET', KEYS[1 + 2 * i]) or '0')
  if nx > at then at = nx end
  if bulk and active then
    local bn = tonumber(redis.call('GET', KEYS[2 + 2 * i]) or '0')
    if bn > at then at = bn end
  end
end
local wait = at - now
local horizon = tonumber(ARGV[2])
local maxWait = tonumber(ARGV[3])
if (horizon >= 0 and wait > horizon) or (maxWait >= 0 and wait > maxWait) then
  return {0, wait, paused}
end
for i = 1, n do
  local iv = tonumber(ARGV[4 + 2 * i])
  local biv = tonumber(ARGV[5 + 2 * i])
  local ttl = math.floor((wait + biv) / 1000) + 1000
  redis.call('SET', KEYS[1 + 2 * i], string.format('%.0f', at + iv), 'PX', ttl)
  if bulk then
    redis.call('SET', KEYS[2 + 2 * i], string.format('%.0f', at + biv), 'PX', ttl)
  end
end
return {1, wait, paused}
`)

// pauseScript: KEYS pause. ARGV ms. Extends the pause, never shortens it.
var pauseScript = redis.NewScript(`
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], '1', 'PX', ARGV[1]) end
return 1
`)

// widen applies the slack to an interval: (1s+slack)/rate.
func (b *Budget) widen(d time.Duration) time.Duration {
	return d + time.Duration(float64(d)*float64(b.slack)/float64(time.Second))
}

// Wait implements attio.SharedBudget.
func (b *Budget) Wait(ctx context.Context, r attio.Reservation) error {
	if len(r.Budgets) == 0 {
		return nil
	}
	for {
		wait, asked, err := b.reserve(ctx, r)
		if err != nil {
			return err
		}
		// The slot is wait after Redis ran the script, which was between asked and now: sleeping
		// wait from now never sends early, and the lateness is measured from the earliest
		// possible slot time, so it bounds the real one.
		if err := sleep(ctx, wait); err != nil {
			return err
		}
		if time.Since(asked.Add(wait)) <= b.slack/2 {
			return nil
		}
		// Woken too late to keep the spacing: this slot is given up, another is reserved.
	}
}

// reserve takes a slot and says how long until it, counted from asked, a moment before Redis ran
// the script that reserved it; bulk calls come back until a slot is close.
func (b *Budget) reserve(ctx context.Context, r attio.Reservation) (_ time.Duration, asked time.Time, _ error) {
	keys, args := b.scriptArgs(r)
	for {
		args[2] = -1
		if dl, ok := ctx.Deadline(); ok {
			args[2] = max(0, time.Until(dl).Microseconds())
		}
		asked = time.Now()
		res, err := b.run(ctx, keys, args, r)
		if err != nil {
			if r.Write || !errors.Is(err, ErrUnavailable) {
				return 0, asked, err
			}
			return b.fallback(r), time.Now(), nil
		}
		reserved, wait, paused := res[0] == 1, time.Duration(res[1])*time.Microsecond, time.Duration(res[2])*time.Microsecond
		if reserved {
			return wait, asked, nil
		}
		if dl, ok := ctx.Deadline(); ok && time.Now().Add(wait).After(dl) {
			if paused > 0 {
				return 0, asked, attio.NewPausedError(paused)
			}
			return 0, asked, fmt.Errorf("outbound budget: the next slot is %s away, past the call's deadline: %w", wait.Round(time.Millisecond), context.DeadlineExceeded)
		}
		// A bulk call: come back when the slot is within the horizon, spread a little so the
		// replicas' waiters do not all ask at once.
		again := wait - b.horizon + rand.N(b.horizon/4+1)
		if err := sleep(ctx, max(again, time.Millisecond)); err != nil {
			return 0, asked, err
		}
	}
}

// scriptArgs are reserveScript's keys and arguments for r (ARGV[3], the deadline, left at -1).
func (b *Budget) scriptArgs(r attio.Reservation) (keys []string, args []any) {
	keys = []string{b.s.key("pause", r.Account), b.s.key("interactive-calls", r.Account)}
	args = []any{flag(r.Bulk), -1, -1, interactiveWindow.Milliseconds(), len(r.Budgets)}
	if r.Bulk {
		args[1] = b.horizon.Microseconds()
	}
	for _, spec := range r.Budgets {
		keys = append(keys, b.s.key("budget", r.Account, spec.Name), b.s.key("budget", r.Account, spec.Name, "bulk"))
		args = append(args, b.widen(spec.Interval).Microseconds(), b.widen(spec.BulkInterval).Microseconds())
	}
	return keys, args
}

func (b *Budget) run(ctx context.Context, keys []string, args []any, r attio.Reservation) (_ []int64, err error) {
	ctx, sp := b.s.span(ctx, "budget.reserve", attribute.Bool("bulk", r.Bulk), attribute.Bool("write", r.Write))
	defer func() { end(sp, err) }()
	res, err := reserveScript.Run(ctx, b.s.rdb, keys, args...).Int64Slice()
	if err != nil {
		return nil, b.s.wrap(err)
	}
	if len(res) != 3 {
		return nil, errors.New("budget script: unexpected reply")
	}
	return res, nil
}

// fallback is the local budget while Redis is unreachable: each rate divided by the live replicas
// last counted, so the replicas together still stay within it.
func (b *Budget) fallback(r attio.Reservation) time.Duration {
	n := time.Duration(max(1, b.replicas()))
	now := time.Now()
	b.mu.Lock()
	defer b.mu.Unlock()
	at := now
	for _, spec := range r.Budgets {
		if next := b.local[r.Account+"/"+spec.Name]; next.After(at) {
			at = next
		}
	}
	for _, spec := range r.Budgets {
		b.local[r.Account+"/"+spec.Name] = at.Add(b.widen(spec.Interval) * n)
	}
	return at.Sub(now)
}

// Pause implements attio.SharedBudget. Best effort: the replica that saw the 429 pauses locally
// anyway.
func (b *Budget) Pause(ctx context.Context, account string, d time.Duration) {
	ctx, sp := b.s.span(ctx, "budget.pause")
	err := b.s.wrap(pauseScript.Run(ctx, b.s.rdb, []string{b.s.key("pause", account)}, strconv.FormatInt(max(1, d.Milliseconds()), 10)).Err())
	end(sp, err)
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
