package server

import (
	"context"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/semaphore"
	"google.golang.org/protobuf/proto"
)

// memoryBudget is the one bound on page data held by all streams and exports together, weighted by
// bytes. A page's bytes are acquired before it is fetched and released once it has been sent, so a
// caller that stops reading holds at most the pages it already has, and everyone else waits for
// budget instead of the process growing without bound.
type memoryBudget struct {
	sem   *semaphore.Weighted
	total int64
	held  atomic.Int64 // bytes acquired now (semaphore.Weighted does not say)
	peak  atomic.Int64 // the most ever held at once
}

func newMemoryBudget(total int64) *memoryBudget {
	return &memoryBudget{sem: semaphore.NewWeighted(total), total: total}
}

// clamp keeps a weight acquirable: a page larger than the whole budget is charged as the whole
// budget (it then runs alone) instead of waiting forever.
func (b *memoryBudget) clamp(n int64) int64 { return min(max(n, 1), b.total) }

func (b *memoryBudget) add(n int64) {
	h := b.held.Add(n)
	for {
		p := b.peak.Load()
		if h <= p || b.peak.CompareAndSwap(p, h) {
			return
		}
	}
}

// acquire waits until n bytes (clamped) are free and returns them as a grant.
func (b *memoryBudget) acquire(ctx context.Context, n int64) (*grant, error) {
	n = b.clamp(n)
	if err := b.sem.Acquire(ctx, n); err != nil {
		return nil, err
	}
	b.add(n)
	return &grant{b: b, n: n}, nil
}

// grant is the budget one page holds. It is owned by one goroutine at a time (the fetcher, then the
// sender), except that release may be called from cleanup; release is idempotent.
type grant struct {
	b  *memoryBudget
	mu sync.Mutex
	n  int64
}

// resize changes the grant to n bytes (clamped) once the page's real size is known. Shrinking never
// waits. Growing takes the difference if it is free; otherwise everything is given back before
// waiting for the full amount, so no goroutine ever waits while holding budget (no deadlock between
// pages that all want to grow).
func (g *grant) resize(ctx context.Context, n int64) error {
	n = g.b.clamp(n)
	g.mu.Lock()
	defer g.mu.Unlock()
	switch d := n - g.n; {
	case d == 0:
		return nil
	case d < 0:
		g.b.add(d) // before Release: held never counts bytes someone else already took
		g.b.sem.Release(-d)
		g.n = n
		return nil
	case g.b.sem.TryAcquire(d):
		g.b.add(d)
		g.n = n
		return nil
	}
	g.b.add(-g.n)
	g.b.sem.Release(g.n)
	g.n = 0
	if err := g.b.sem.Acquire(ctx, n); err != nil {
		return err
	}
	g.b.add(n)
	g.n = n
	return nil
}

// release gives the grant's bytes back; later calls do nothing.
func (g *grant) release() {
	if g == nil {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.n > 0 {
		g.b.add(-g.n)
		g.b.sem.Release(g.n)
		g.n = 0
	}
}

// What a page costs the heap, per byte of its protobuf size. Measured on a 500-record people page
// with the one-pass decoder (issue 16): the decoded messages and the page text their strings share
// take 6.0x the protobuf size; while fetching, the pooled body buffer (2x) is alive too; once
// decoded, the messages wait and are sent, with the marshalled copy Send makes.
const (
	fetchPerWireByte = 8 // while fetching and decoding: body buffer + messages
	heldPerWireByte  = 7 // while waiting and being sent: messages + marshalled copy
)

// defaultItemWire is the protobuf size of one item before a stream has seen any: more than a
// well-filled people record (2.5 KB). It only sizes the first fetch's grant.
const defaultItemWire = 3 << 10

// pageWeigher sizes a stream's grants from the pages it has already seen.
type pageWeigher struct {
	perItem int64 // largest protobuf size per item seen so far (0: none yet)
}

// estimate is the weight to acquire before fetching a page of up to size items.
func (w *pageWeigher) estimate(size int) int64 {
	per := w.perItem
	if per == 0 {
		per = defaultItemWire
	}
	return int64(max(size, 1)) * per * fetchPerWireByte
}

// weigh is the weight of a built page of items items whose messages take wire bytes, and
// updates the estimate for the next page.
func (w *pageWeigher) weigh(wire, items int) int64 {
	if items > 0 {
		w.perItem = max(w.perItem, int64(wire/items))
	}
	return int64(wire) * heldPerWireByte
}

// wireSize is the protobuf size of a page's items: messages, or the JSON of the ATTIO_JSON view.
func wireSize[M any](items []M) int {
	n := 0
	for _, m := range items {
		switch v := any(m).(type) {
		case proto.Message:
			n += proto.Size(v)
		case []byte:
			n += len(v)
		}
	}
	return n
}
