package server

import (
	"context"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/semaphore"
	"google.golang.org/protobuf/proto"

	"github.com/attio-facade/attio-facade/attio"
	"github.com/attio-facade/attio-facade/internal/wire"
)

// memoryBudget is the one bound on page data held by all streams and exports together, weighted by
// bytes. A page's bytes are acquired before it is fetched and released once it has been sent, so a
// caller that stops reading holds at most the pages it already has, and everyone else waits for
// budget instead of the process growing without bound.
//
// Each caller also has its own share (perCaller, at most the whole budget): a caller's pages take
// bytes of its share first and of the whole budget second, so a caller at its share waits on its
// own semaphore and never queues ahead of other callers on the shared one. With the default share
// of half the budget, one caller's stalled streams always leave the other half to everyone else.
type memoryBudget struct {
	sem       *semaphore.Weighted
	total     int64
	perCaller int64
	held      atomic.Int64 // bytes acquired now (semaphore.Weighted does not say)
	peak      atomic.Int64 // the most ever held at once

	mu      sync.Mutex
	callers map[string]*callerShare // callers with grants or waiters
}

// callerShare is one caller's part of the budget; refs counts its grants and waiters, so the entry
// lives exactly as long as someone uses it.
type callerShare struct {
	sem  *semaphore.Weighted
	refs int
	held int64
}

func newMemoryBudget(total, perCaller int64) *memoryBudget {
	if perCaller <= 0 || perCaller > total {
		perCaller = total
	}
	return &memoryBudget{sem: semaphore.NewWeighted(total), total: total, perCaller: perCaller, callers: map[string]*callerShare{}}
}

// clamp keeps a weight acquirable: a page larger than a caller's share is charged as the whole
// share (it then runs alone among the caller's pages) instead of waiting forever.
func (b *memoryBudget) clamp(n int64) int64 { return min(max(n, 1), b.perCaller) }

func (b *memoryBudget) add(n int64) {
	h := b.held.Add(n)
	for {
		p := b.peak.Load()
		if h <= p || b.peak.CompareAndSwap(p, h) {
			return
		}
	}
}

func (b *memoryBudget) share(caller string) *callerShare {
	b.mu.Lock()
	defer b.mu.Unlock()
	c := b.callers[caller]
	if c == nil {
		c = &callerShare{sem: semaphore.NewWeighted(b.perCaller)}
		b.callers[caller] = c
	}
	c.refs++
	return c
}

func (b *memoryBudget) unref(caller string, c *callerShare) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if c.refs--; c.refs == 0 {
		delete(b.callers, caller)
	}
}

// callerHeld is what caller's grants hold now (for tests and metrics).
func (b *memoryBudget) callerHeld(caller string) int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	if c := b.callers[caller]; c != nil {
		return c.held
	}
	return 0
}

// take waits for n bytes of the caller's share and then of the whole budget; on failure it holds
// nothing.
func (b *memoryBudget) take(ctx context.Context, c *callerShare, n int64) error {
	if err := c.sem.Acquire(ctx, n); err != nil {
		return err
	}
	if err := b.sem.Acquire(ctx, n); err != nil {
		c.sem.Release(n)
		return err
	}
	b.moved(c, n)
	return nil
}

// tryTake is take without waiting.
func (b *memoryBudget) tryTake(c *callerShare, n int64) bool {
	if !c.sem.TryAcquire(n) {
		return false
	}
	if !b.sem.TryAcquire(n) {
		c.sem.Release(n)
		return false
	}
	b.moved(c, n)
	return true
}

// give returns n bytes to both semaphores; the counters drop first, so held never counts bytes
// someone else already took.
func (b *memoryBudget) give(c *callerShare, n int64) {
	b.moved(c, -n)
	b.sem.Release(n)
	c.sem.Release(n)
}

func (b *memoryBudget) moved(c *callerShare, n int64) {
	b.add(n)
	b.mu.Lock()
	c.held += n
	b.mu.Unlock()
}

// acquire waits until n bytes (clamped) are free for caller and returns them as a grant.
func (b *memoryBudget) acquire(ctx context.Context, caller string, n int64) (*grant, error) {
	n = b.clamp(n)
	c := b.share(caller)
	if err := b.take(ctx, c, n); err != nil {
		b.unref(caller, c)
		return nil, err
	}
	return &grant{b: b, caller: caller, c: c, n: n}, nil
}

// grant is the budget one page holds. It is owned by one goroutine at a time (the fetcher, then the
// sender), except that release may be called from cleanup; release is idempotent.
type grant struct {
	b      *memoryBudget
	caller string
	c      *callerShare
	mu     sync.Mutex
	n      int64
	done   bool
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
		g.b.give(g.c, -d)
		g.n = n
		return nil
	case g.b.tryTake(g.c, d):
		g.n = n
		return nil
	}
	g.b.give(g.c, g.n)
	g.n = 0
	if err := g.b.take(ctx, g.c, n); err != nil {
		return err
	}
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
	if g.done {
		return
	}
	g.done = true
	if g.n > 0 {
		g.b.give(g.c, g.n)
		g.n = 0
	}
	g.b.unref(g.caller, g.c)
}

// pageWeights is what a page of one view costs the heap, per byte of its wire size (the protobuf
// size of the typed messages, or the length of Attio's JSON in the ATTIO_JSON view).
type pageWeights struct {
	fetch int64 // while fetching and decoding
	held  int64 // while waiting and being sent
	item  int64 // the wire size of one item before a stream has seen any; sizes the first grant
}

// typedWeights, measured on a 500-record people page with the one-pass decoder (issue 16): the
// decoded messages and the page text their strings share take 6.0x the protobuf size; while
// fetching, the pooled body buffer (Attio's JSON, 2x the protobuf size) is alive too; once
// decoded, the messages wait and are sent, with the marshalled copy Send makes. An unseen item
// is taken as 3 KiB of protobuf, more than a well-filled people record (2.5-2.9 KB).
//
// rawWeights (VIEW_ATTIO_JSON): the items are slices of one copy of the page's JSON; while
// fetching, the pooled body buffer it was copied from is alive too (reused from page to page, so
// its capacity is about one page); once split, the copy waits and is sent, with the marshalled
// copy Send makes. An unseen item is taken as 6 KiB of JSON (a dense people record: 5.9 KB).
// Charging these pages the typed weights (8x and 7x of the JSON, which is itself twice the
// protobuf size) let one caller's share hold a single page of a people export, so the export ran
// one request at a time: 41% of Maton's ceiling (docs/benchmarks.md, target 2).
var (
	typedWeights = pageWeights{fetch: 8, held: 7, item: 3 << 10}
	rawWeights   = pageWeights{fetch: 2, held: 2, item: 6 << 10}
)

// pageWeigher sizes a stream's grants from the pages it has already seen.
type pageWeigher struct {
	w       pageWeights // zero: typedWeights
	perItem int64       // largest wire size per item seen so far (0: none yet)
}

// newPageWeigher weighs pages of items T: Attio's raw JSON (attio.RawItem) or typed messages.
func newPageWeigher[T any]() pageWeigher {
	if _, raw := any((*T)(nil)).(*attio.RawItem); raw {
		return pageWeigher{w: rawWeights}
	}
	return pageWeigher{w: typedWeights}
}

func (w *pageWeigher) weights() pageWeights {
	if w.w == (pageWeights{}) {
		return typedWeights
	}
	return w.w
}

// estimate is the weight to acquire before fetching a page of up to size items.
func (w *pageWeigher) estimate(size int) int64 {
	ws := w.weights()
	per := w.perItem
	if per == 0 {
		per = ws.item
	}
	return int64(max(size, 1)) * per * ws.fetch
}

// weigh is the weight of a built page of items items whose messages take wire bytes, and
// updates the estimate for the next page.
func (w *pageWeigher) weigh(wire, items int) int64 {
	if items > 0 {
		w.perItem = max(w.perItem, int64(wire/items))
	}
	return int64(wire) * w.weights().held
}

// wireSize is the protobuf size of a page's items: messages, or the JSON of the ATTIO_JSON view.
func wireSize[M any](items []M) int {
	n := 0
	for _, m := range items {
		switch v := any(m).(type) {
		case proto.Message:
			n += wire.Size(v)
		case []byte:
			n += len(v)
		}
	}
	return n
}
