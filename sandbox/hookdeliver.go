package sandbox

import (
	"bytes"
	"container/heap"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"
)

// hookDelivery is one POST of one event to one webhook, with its retries.
type hookDelivery struct {
	ws        *workspace
	webhookID uuid
	target    string
	secret    []byte
	key       string // Idempotency-Key: the same for every attempt and duplicate
	body      []byte
	attempt   int // attempts made
	due       time.Time
	seq       uint64 // FIFO among equal due times
}

// deliveryHeap orders pending deliveries by due time, then queue order.
type deliveryHeap []*hookDelivery

func (h deliveryHeap) Len() int { return len(h) }
func (h deliveryHeap) Less(i, j int) bool {
	if !h[i].due.Equal(h[j].due) {
		return h[i].due.Before(h[j].due)
	}
	return h[i].seq < h[j].seq
}
func (h deliveryHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *deliveryHeap) Push(x any)   { *h = append(*h, x.(*hookDelivery)) }
func (h *deliveryHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// dispatcher sends the sandbox's webhook deliveries from one goroutine, which
// runs only while deliveries are pending (so an idle sandbox holds none). The
// write path only queues: it never waits for a target.
type dispatcher struct {
	s    *Sandbox
	rt   http.RoundTripper
	wake chan struct{}

	mu       sync.Mutex
	o        WebhookDelivery
	rnd      *rand.Rand
	pending  deliveryHeap
	held     *hookDelivery // reorder: waits for the next delivery to overtake it
	heldTill time.Time
	inflight int
	running  bool
	closed   bool
	ctx      context.Context // cancelled by close: the goroutine stops
	stop     context.CancelFunc
	done     sync.WaitGroup // the goroutine
	seq      uint64
	stats    WebhookStats
}

func newDispatcher(s *Sandbox, o WebhookDelivery, seed uint64, rt http.RoundTripper) *dispatcher {
	if rt == nil {
		// No keep-alive: an idle sandbox holds no connection (nor its goroutines) to a target.
		rt = &http.Transport{DisableKeepAlives: true}
	}
	if seed == 0 {
		seed = rand.Uint64()
	}
	ctx, stop := context.WithCancel(context.Background())
	return &dispatcher{ctx: ctx, stop: stop, s: s, rt: rt, o: o.withDefaults(), wake: make(chan struct{}, 1),
		rnd: rand.New(rand.NewPCG(seed, seed^0x5851f42d4c957f2d))}
}

// enqueue queues the deliveries of a write's events to every webhook of ws
// subscribed to them. The caller holds ws's lock, so writes queue in order.
func (d *dispatcher) enqueue(ws *workspace, events []hookEvent) {
	if len(events) == 0 || len(ws.webhooks) == 0 {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return
	}
	now := time.Now()
	for i := range events {
		e := &events[i]
		for _, h := range ws.webhooks {
			if h.status == "inactive" || !subscribed(h.subs, e) {
				continue
			}
			if !d.o.Remote && !loopbackTarget(h.target) {
				d.stats.Remote++
				continue
			}
			key := newUUID()
			x := &hookDelivery{ws: ws, webhookID: h.id, target: h.target, secret: []byte(h.secret),
				key: key.String(), body: e.body(h.id.String()), due: now.Add(d.o.Delay)}
			d.stats.Events++
			if d.o.Drop > 0 && d.rnd.Float64() < d.o.Drop {
				d.stats.Dropped++
				continue
			}
			d.push(x, now)
			if d.o.Duplicate > 0 && d.rnd.Float64() < d.o.Duplicate {
				dup := *x
				d.stats.Duplicated++
				d.push(&dup, now)
			}
		}
	}
	if !d.running && !d.closed && (len(d.pending) > 0 || d.held != nil) {
		d.running = true
		d.done.Add(1)
		go d.run()
	}
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// push queues x unless the queue is full (then x is dropped and counted). With
// Reorder, x may be held back until the next delivery has been queued ahead
// of it, or ReorderHold has passed.
func (d *dispatcher) push(x *hookDelivery, now time.Time) {
	if len(d.pending)+d.inflight+d.heldCount() >= d.o.Queue {
		d.stats.QueueFull++
		return
	}
	prev := d.held
	d.held = nil
	if prev == nil && d.o.Reorder > 0 && d.rnd.Float64() < d.o.Reorder {
		d.held, d.heldTill = x, now.Add(d.o.ReorderHold)
		d.stats.Reordered++
		return
	}
	d.seq++
	x.seq = d.seq
	heap.Push(&d.pending, x)
	if prev != nil {
		d.seq++
		prev.seq = d.seq
		prev.due = x.due
		heap.Push(&d.pending, prev)
	}
}

func (d *dispatcher) heldCount() int {
	if d.held != nil {
		return 1
	}
	return 0
}

// run sends due deliveries one at a time until none is pending.
func (d *dispatcher) run() {
	defer d.done.Done()
	for {
		d.mu.Lock()
		if d.closed {
			d.running = false
			d.mu.Unlock()
			return
		}
		now := time.Now()
		if d.held != nil && !now.Before(d.heldTill) {
			d.seq++
			d.held.seq = d.seq
			heap.Push(&d.pending, d.held)
			d.held = nil
		}
		if len(d.pending) == 0 && d.held == nil {
			d.running = false
			d.mu.Unlock()
			return
		}
		wait := time.Duration(math.MaxInt64)
		if len(d.pending) > 0 {
			wait = d.pending[0].due.Sub(now)
		}
		if d.held != nil {
			wait = min(wait, d.heldTill.Sub(now))
		}
		if wait > 0 {
			d.mu.Unlock()
			t := time.NewTimer(wait)
			select {
			case <-t.C:
			case <-d.wake:
				t.Stop()
			case <-d.ctx.Done():
				t.Stop()
			}
			continue
		}
		x := heap.Pop(&d.pending).(*hookDelivery)
		d.inflight++
		timeout := d.o.Timeout
		d.mu.Unlock()

		ok := d.send(x, timeout)

		d.mu.Lock()
		d.inflight--
		x.attempt++
		d.stats.Attempts++
		var status string
		switch {
		case ok:
			d.stats.Delivered++
			status = "active"
		case x.attempt >= d.o.Attempts:
			d.stats.Failed++
			status = "degraded"
		default:
			d.stats.Retries++
			x.due = time.Now().Add(d.o.backoff(x.attempt))
			d.seq++
			x.seq = d.seq
			heap.Push(&d.pending, x)
		}
		d.mu.Unlock()
		if status != "" {
			d.s.setWebhookStatusFromDelivery(x.ws, x.webhookID, status)
		}
	}
}

// send POSTs x once: true on a 2xx answer.
func (d *dispatcher) send(x *hookDelivery, timeout time.Duration) bool {
	ctx, cancel := context.WithTimeout(d.ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, x.target, bytes.NewReader(x.body))
	if err != nil {
		return false
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Attio-Signature", signBody(x.secret, x.body))
	req.Header.Set("Idempotency-Key", x.key)
	res, err := d.rt.RoundTrip(req)
	if err != nil {
		return false
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	res.Body.Close()
	return res.StatusCode >= 200 && res.StatusCode < 300
}

// signBody is Attio-Signature: the hex HMAC-SHA256 of the body with the webhook's secret.
func signBody(secret, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// setWebhookStatusFromDelivery follows Attio's status: a webhook whose
// deliveries keep failing is degraded (it still receives events); one that
// takes a delivery again is active. An inactive webhook stays so.
func (s *Sandbox) setWebhookStatusFromDelivery(ws *workspace, id uuid, status string) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	for _, h := range ws.webhooks {
		if h.id == id && h.status != "inactive" {
			h.status = status
		}
	}
}

// subscribed: one of subs names e's event type with a filter e passes.
func subscribed(subs []byte, e *hookEvent) bool {
	var list []struct {
		EventType string          `json:"event_type"`
		Filter    json.RawMessage `json:"filter"`
	}
	if json.Unmarshal(subs, &list) != nil {
		return false
	}
	for _, s := range list {
		if s.EventType == e.typ && filterPasses(s.Filter, e) {
			return true
		}
	}
	return false
}

// filterPasses evaluates a subscription filter ({"$and"|"$or": [{field,
// operator: equals|not_equals, value}]}, validated at creation) on e.
func filterPasses(raw json.RawMessage, e *hookEvent) bool {
	var f map[string][]struct{ Field, Operator, Value string }
	if len(raw) == 0 || string(raw) == "null" || json.Unmarshal(raw, &f) != nil {
		return true
	}
	for op, conds := range f {
		any, all := false, true
		for _, c := range conds {
			ok := (e.get(c.Field) == c.Value) == (c.Operator == "equals")
			any, all = any || ok, all && ok
		}
		if op == "$or" && len(conds) > 0 {
			return any
		}
		return all
	}
	return true
}

// close stops delivering: pending deliveries are dropped, one in flight is
// cancelled, and close returns once the goroutine has.
func (d *dispatcher) close() {
	d.mu.Lock()
	if !d.closed {
		d.closed = true
		d.stop()
	}
	d.pending, d.held = nil, nil
	d.mu.Unlock()
	d.done.Wait()
}
