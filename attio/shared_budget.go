package attio

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// SharedBudget spreads the outbound budget over every replica of the facade that uses one
// account, so that their sum stays within Maton's and Attio's limits (redisstore implements it
// in Redis). The client still orders its own callers first (interactive before bulk); the shared
// budget then hands out the account's request slots across replicas.
type SharedBudget interface {
	// Wait reserves the next slot of every budget in r and blocks until it is time to send. It
	// fails without reserving when the slot lies past ctx's deadline (an error wrapping ErrPaused
	// from NewPausedError when a shared 429 pause is the reason), and fails closed for writes when
	// the shared state is unreachable (nothing may be sent then).
	Wait(ctx context.Context, r Reservation) error
	// Pause tells every replica that the account got a 429 and must wait d.
	Pause(ctx context.Context, account string, d time.Duration)
}

// Reservation is one request's claim on the shared budget.
type Reservation struct {
	// Account names the upstream account (a hash of the API key: Maton's account, or the Attio
	// token in direct mode). Budgets are per account.
	Account string
	// Budgets are the budgets this request takes one slot of.
	Budgets []BudgetSpec
	// Bulk marks exports and streams, which yield to interactive calls.
	Bulk bool
	// Write marks requests that may change data upstream: they fail closed.
	Write bool
}

// BudgetSpec is one budget's spacing: Interval between any two requests, BulkInterval between
// bulk requests while interactive traffic is active (the interactive reserve).
type BudgetSpec struct {
	Name                   string // "maton", "read", "write"
	Interval, BulkInterval time.Duration
}

// NewPausedError is the error a SharedBudget returns when a shared pause after a 429 outlasts the
// call's deadline: the call fails at once with IsPaused true and RetryAfter = remaining.
func NewPausedError(remaining time.Duration) error { return &pausedError{remaining: remaining} }

// accountOf names an upstream account without revealing its key.
func accountOf(apiKey string) string {
	h := sha256.Sum256([]byte("attio-facade account\x00" + apiKey))
	return hex.EncodeToString(h[:8])
}

// reservation is the shared-budget claim of one call.
func (c *Client) reservation(ep *endpoint, bulk bool) Reservation {
	r := Reservation{Account: c.account, Bulk: bulk, Write: ep.write}
	add := func(name string, b *budget) {
		if b != nil {
			r.Budgets = append(r.Budgets, BudgetSpec{Name: name, Interval: b.interval, BulkInterval: b.bulkInterval})
		}
	}
	if !c.direct {
		add("maton", c.maton)
	}
	if !ep.control {
		if ep.write {
			add("write", c.write)
		} else {
			add("read", c.read)
		}
	}
	return r
}
