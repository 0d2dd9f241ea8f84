package sandbox

import (
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Bounds and defaults of webhook delivery.
const (
	// DefaultWebhookQueue bounds the deliveries pending at once (queued, held,
	// waiting for a retry, in flight). When it is full a new delivery is
	// dropped and counted in WebhookStats.QueueFull: the write path never waits.
	DefaultWebhookQueue = 4096
	// DefaultWebhookAttempts bounds the attempts of one delivery; after the
	// last failure it is given up (WebhookStats.Failed) and the webhook is
	// marked degraded. Attio retries for about three days; the sandbox scales
	// that down.
	DefaultWebhookAttempts = 5
	// DefaultWebhookBackoff is the wait before the first retry; it doubles per
	// attempt up to DefaultWebhookMaxBackoff.
	DefaultWebhookBackoff    = 100 * time.Millisecond
	DefaultWebhookMaxBackoff = 5 * time.Second
	// DefaultWebhookReorderHold bounds how long a delivery held back for
	// reordering waits for another to overtake it.
	DefaultWebhookReorderHold = 200 * time.Millisecond
	// DefaultWebhookTimeout bounds one attempt.
	DefaultWebhookTimeout = 10 * time.Second
)

// WebhookDelivery configures how the sandbox delivers webhook events. The
// ratios are in [0, 1] and drawn from a generator seeded by WithRandomSeed, so
// a seeded sandbox drops, duplicates and reorders the same deliveries given
// the same writes.
type WebhookDelivery struct {
	Drop      float64 // share of deliveries never sent (as if lost)
	Duplicate float64 // share sent twice, with the same Idempotency-Key (as a redelivery)
	Reorder   float64 // share held back until the next delivery overtakes them
	Delay     time.Duration
	// Remote allows deliveries to targets off this machine. Off by default:
	// the sandbox sends nothing to the internet (its seeded webhook points at
	// hooks.example.com) unless asked; deliveries it skips count as Remote.
	Remote bool

	Queue       int           // default DefaultWebhookQueue
	Attempts    int           // default DefaultWebhookAttempts
	Backoff     time.Duration // default DefaultWebhookBackoff
	MaxBackoff  time.Duration // default DefaultWebhookMaxBackoff
	ReorderHold time.Duration // default DefaultWebhookReorderHold
	Timeout     time.Duration // default DefaultWebhookTimeout
}

func (o WebhookDelivery) withDefaults() WebhookDelivery {
	if o.Queue <= 0 {
		o.Queue = DefaultWebhookQueue
	}
	if o.Attempts <= 0 {
		o.Attempts = DefaultWebhookAttempts
	}
	if o.Backoff <= 0 {
		o.Backoff = DefaultWebhookBackoff
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = DefaultWebhookMaxBackoff
	}
	if o.ReorderHold <= 0 {
		o.ReorderHold = DefaultWebhookReorderHold
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultWebhookTimeout
	}
	return o
}

// backoff is the wait after the n-th failed attempt (n >= 1).
func (o WebhookDelivery) backoff(n int) time.Duration {
	b := o.Backoff
	for i := 1; i < n && b < o.MaxBackoff; i++ {
		b *= 2
	}
	return min(b, o.MaxBackoff)
}

// WebhookStats counts the sandbox's webhook deliveries since it started.
type WebhookStats struct {
	Events     int // deliveries made for subscribed webhooks (one per event and webhook)
	Dropped    int // by the Drop knob
	Duplicated int // by the Duplicate knob
	Reordered  int // held back by the Reorder knob
	QueueFull  int // dropped because Queue deliveries were pending
	Attempts   int // POSTs made
	Retries    int // attempts that failed and were queued again
	Delivered  int // POSTs answered 2xx
	Failed     int // deliveries given up after Attempts
	Remote     int // not made: the target is off this machine and Remote is off
}

// WithWebhookDelivery sets the webhook delivery knobs and bounds.
func WithWebhookDelivery(o WebhookDelivery) Option { return func(c *config) { c.hooks = o } }

// WithWebhookTransport sends webhook deliveries through rt instead of an
// http.Transport of the sandbox's own (tests deliver in memory with it).
func WithWebhookTransport(rt http.RoundTripper) Option { return func(c *config) { c.hookRT = rt } }

// SetWebhookDelivery changes the webhook knobs at runtime (pending deliveries
// keep the decisions already made for them).
func (s *Sandbox) SetWebhookDelivery(o WebhookDelivery) {
	s.hooks.mu.Lock()
	s.hooks.o = o.withDefaults()
	s.hooks.mu.Unlock()
}

// WebhookStats returns the delivery counters.
func (s *Sandbox) WebhookStats() WebhookStats {
	s.hooks.mu.Lock()
	defer s.hooks.mu.Unlock()
	return s.hooks.stats
}

// WebhookIdle reports whether no delivery is pending (queued, held, waiting
// for a retry or in flight).
func (s *Sandbox) WebhookIdle() bool {
	s.hooks.mu.Lock()
	defer s.hooks.mu.Unlock()
	return len(s.hooks.pending) == 0 && s.hooks.held == nil && s.hooks.inflight == 0
}

// SetWebhookStatus sets a webhook's status ("active", "degraded" or
// "inactive") as Attio's delivery health would, for tests of repair.
func (s *Sandbox) SetWebhookStatus(connID, webhookID, status string) error {
	ws, err := s.workspaceFor(connID)
	if err != nil {
		return err
	}
	u, _ := parseUUID(webhookID)
	ws.mu.Lock()
	defer ws.mu.Unlock()
	for _, h := range ws.webhooks {
		if h.id == u {
			h.status = status
			return nil
		}
	}
	return sandboxErr("sandbox: unknown webhook")
}

// validTarget is a webhook target Attio takes: an https URL. The sandbox
// also takes http to a loopback host, so that tests and a local facade can
// receive deliveries without TLS; real Attio refuses those.
func validTarget(s string) bool {
	if strings.ContainsAny(s, " \n") {
		return false
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return false
	}
	switch u.Scheme {
	case "https":
		return true
	case "http":
		return loopbackTarget(s)
	}
	return false
}

// loopbackTarget: a target on this machine (http or https).
func loopbackTarget(s string) bool {
	u, err := url.Parse(s)
	if err != nil {
		return false
	}
	h := u.Hostname()
	return h == "localhost" || h == "::1" || strings.HasPrefix(h, "127.")
}

// CloseWebhooks stops webhook delivery: pending deliveries are dropped and one
// in flight is cancelled. Server.Close calls it.
func (s *Sandbox) CloseWebhooks() { s.hooks.close() }
