package server

import (
	"context"
	"math"
	"net/http/httptrace"
	"sync"
	"sync/atomic"
	"time"

	"connectrpc.com/connect/v2"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
)

// exportCounters are one export call's upstream counters, filled by ExportObserver.
type exportCounters struct {
	attempts    atomic.Int64
	rateLimited atomic.Int64
}

type exportCountersKey struct{}

// fetchTiming splits one page fetch's time, as ExportObserver sees its attempts, into the
// upstream's service time and the wait for the outbound budget: only the first tells how many
// ranges keep the budget busy; the second says the budget is busy already.
type fetchTiming struct {
	service, wait atomic.Int64 // nanoseconds
	seen          atomic.Bool
}

type fetchTimingKey struct{}

// ExportObserver wraps next (which may be nil) so that exports can report their own upstream
// requests and 429s in progress messages. Install it as the client's Config.Observer; without it
// progress counts one request per page and no 429s.
func ExportObserver(next attio.Observer) attio.Observer {
	return attio.ObserverFunc(func(ctx context.Context, a attio.Attempt) {
		if f, ok := ctx.Value(fetchTimingKey{}).(*fetchTiming); ok {
			f.service.Add(int64(a.Duration))
			f.wait.Add(int64(a.RateLimitWait))
			f.seen.Store(true)
		}
		if c, ok := ctx.Value(exportCountersKey{}).(*exportCounters); ok {
			c.attempts.Add(1)
			if a.StatusCode == 429 {
				c.rateLimited.Add(1)
			}
		}
		if next != nil {
			next.ObserveAttempt(ctx, a)
		}
	})
}

// exportWalk is one export call: what to fetch and where the output goes. T is the client's item
// type, M the message it becomes: fetchers convert pages themselves, so the single sender only
// picks items and sends.
type exportWalk[T, M any] struct {
	filter      attio.Filter // the caller's filter; zero for none
	pageSize    int
	parallelism int
	// rps, if set, is the budget: ranges are then split only while fewer are in flight than
	// the budget needs at the measured round trip, since every range costs a partial last page.
	// Zero: keep parallelism ranges busy.
	rps      float64
	interval time.Duration // between progress messages
	// tieSorts orders a tie walk's pages (items sharing one created_at) by id: records ask for
	// record_id as the tiebreaker; lists have no entry_id attribute, so entries rely on Attio's
	// own tiebreak, the entry id (advance checks it on every page).
	tieSorts  []attio.Sort
	fetch     func(ctx context.Context, q attio.Query) (attio.Page[T], error)
	key       func(*T) (id string, createdAt int64, ok bool)
	convert   func([]T) []M
	sendBatch func(items []M, token string) error
	sendProg  func(*attiov1.ExportProgress) error
	// weigher sizes the memory budget's grant for each page; fetchers share it.
	weigherMu sync.Mutex
	weigher   pageWeigher
}

type exportJob struct {
	r *exportRange
	q attio.Query
	// sent, if set, runs once when the request is on the wire (or when the fetch ends without
	// sending it): the first call's probe waits for it, so the first page has the budget's first slot.
	sent func()
}

// probeAnswer is the first call's probe: the newest items, for the key space's end.
type probeAnswer[T any] struct {
	page attio.Page[T]
	err  error
}

type exportResult[M any] struct {
	job   exportJob
	took  time.Duration // the upstream's service time (without the budget wait when observed)
	wait  time.Duration // the budget wait (0 when not observed)
	keys  []pageKey
	items []M
	g     *grant // the page's share of the memory budget, released once it is sent
	err   error
}

var createdAtAsc = []attio.Sort{{Direction: "asc", Attribute: "created_at"}}

// run streams the export from state st. Fetchers only fetch: every decision about the key space
// (cursors, boundary ids, splits, completion) is taken here, in the one goroutine that also sends,
// so the token sent with a batch is exactly the state after that batch.
//
// Memory: at most parallelism pages are requested or buffered at any time (a range has one page
// in flight, at most parallelism ranges are in flight, and results wait in a channel of that
// capacity), plus the page being sent; and every one of them holds its bytes of the memory budget
// shared with all streams, from before its fetch until it is sent.
func (w *exportWalk[T, M]) run(ctx context.Context, st *exportToken) error {
	limits, caller := streamLimitsFrom(ctx), streamCaller(ctx)
	ctx, cancel := context.WithCancel(ctx)
	counters := &exportCounters{}
	ctx = context.WithValue(ctx, exportCountersKey{}, counters)
	jobs := make(chan exportJob, w.parallelism)
	results := make(chan exportResult[M], w.parallelism)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		close(jobs)
		wg.Wait()
		close(results)
		for r := range results {
			r.g.release()
		}
	}()
	for range w.parallelism {
		wg.Go(func() {
			for j := range jobs {
				results <- w.fetchPage(ctx, limits, caller, j)
			}
		})
	}
	watch := limits.watchSends(ctx, encodeExportToken(st), cancel)

	start := time.Now()
	var items, pages, probes int64
	lastItems, lastAt := int64(0), start
	var est exportEstimate
	progress := func(done bool) error {
		now := time.Now()
		p := &attiov1.ExportProgress{
			Items:       items,
			Pages:       pages,
			Elapsed:     durationpb.New(now.Sub(start)),
			Done:        done,
			RateLimited: counters.rateLimited.Load(),
		}
		p.UpstreamRequests = counters.attempts.Load()
		if p.UpstreamRequests == 0 {
			p.UpstreamRequests = pages + probes // no ExportObserver installed: a lower bound
		}
		if done {
			if s := now.Sub(start).Seconds(); s > 0 {
				p.ItemsPerSecond = float64(items) / s
			}
		} else if s := now.Sub(lastAt).Seconds(); s > 0 {
			p.ItemsPerSecond = float64(items-lastItems) / s
		}
		if !done {
			p.EstimatedRemaining = est.remaining(st)
		}
		lastItems, lastAt = items, now
		return watch.send(func() error { return w.sendProg(p) }, "")
	}

	var pending []*exportRange // ranges waiting for a fetcher
	pending = append(pending, st.Ranges...)
	active := 0
	var sent func() // the first job's, see probe below
	dispatch := func() {
		for active < w.parallelism && len(pending) > 0 {
			r := pending[0]
			pending = pending[1:]
			filter, offset, limit := rangeQuery(w.filter, r, w.pageSize)
			sorts := createdAtAsc
			if r.Tie && w.tieSorts != nil {
				sorts = w.tieSorts
			}
			jobs <- exportJob{r: r, q: attio.Query{Filter: filter, Sorts: sorts, Limit: limit, Offset: offset}, sent: sent}
			sent = nil
			active++
		}
	}
	// The first call asks for the newest items: the newest bounds the key space for splitting (the
	// last range stays open-ended, so items created later are still reached); the few after it
	// tell the estimate the density at that end. One request of at most probeItems items, sent
	// right after the first page, whose answer it does not wait for: the first page's answer lets
	// its range go on at once, and the probe's then splits that range while its next page is in
	// flight (advance leaves what lies past a moved end to the pieces). Waiting for both before
	// going on left two of Maton's slots unused at the start of every export.
	var probe chan probeAnswer[T] // nil once answered (or on a resumed call)
	if !st.Started {
		probes++
		probe = make(chan probeAnswer[T], 1)
		onWire := make(chan struct{})
		sent = sync.OnceFunc(func() { close(onWire) })
		wg.Go(func() { // joined on return, like the fetchers: a finished export may not await it
			select {
			case <-onWire:
			case <-ctx.Done():
				probe <- probeAnswer[T]{err: ctx.Err()}
				return
			}
			page, err := w.fetch(ctx, attio.Query{Filter: w.filter,
				Sorts: []attio.Sort{{Direction: "desc", Attribute: "created_at"}}, Limit: min(probeItems, w.pageSize)})
			probe <- probeAnswer[T]{page, err}
		})
	}
	dispatch()

	// want is how many ranges to keep in flight: enough for the budget at the average service
	// time (latency and decoding), at most parallelism. The budget wait is left out of it: counting
	// it, a budget shared with other exports or replicas (so slower than rps) made every page look
	// slow, the walk split into more ranges, each with its partial last page, which spent more of
	// the budget on fewer records, and the waits grew further.
	var rtt, wait float64 // seconds, moving averages
	want := func() int {
		if w.rps <= 0 || rtt == 0 {
			return w.parallelism
		}
		return min(w.parallelism, int(math.Ceil(w.rps*rtt*1.2))+1)
	}
	// budgetBound: pages wait for the budget longer than the upstream takes to answer them, so
	// the budget is the bottleneck and another range would only add a partial page.
	budgetBound := func() bool { return w.rps > 0 && wait > rtt }

	// splitIdle gives fetchers left idle (by the probe's answer, or by a finished range) pieces of
	// the range with the most pages left, in flight or not: advance leaves what lies past a moved
	// end to the pieces. Waiting for that range's next answer left a slot of the budget unused
	// whenever ranges finished together.
	splitIdle := func() {
		idle := want() - active - len(pending)
		if idle <= 0 || budgetBound() {
			return
		}
		var big *exportRange
		for _, r := range st.Ranges {
			if big == nil || r.pagesLeft(st.Max) > big.pagesLeft(st.Max) {
				big = r
			}
		}
		if big == nil {
			return
		}
		if pieces := big.split(idle, big.span, st.Max); len(pieces) > 0 {
			st.Ranges = append(st.Ranges, pieces...)
			pending = append(pending, pieces...)
			est.split(big, pieces)
		}
	}

	ticker := time.NewTicker(w.interval)
	defer ticker.Stop()
	for active > 0 {
		var res exportResult[M]
		select {
		case res = <-results:
		case a := <-probe:
			probe = nil
			if a.err != nil {
				return upstreamError(a.err)
			}
			if len(a.page.Items) > 0 {
				_, st.Max, _ = w.key(&a.page.Items[0])
			}
			for i := range a.page.Items {
				if _, ts, ok := w.key(&a.page.Items[i]); ok {
					st.Newest, st.NewestLo = st.Newest+1, ts
				}
			}
			st.Started = true
			splitIdle()
			dispatch()
			continue
		case <-ticker.C:
			if err := progress(false); err != nil {
				return err
			}
			continue
		case <-ctx.Done():
			return upstreamError(ctx.Err())
		}
		active--
		if res.err != nil {
			return upstreamError(res.err)
		}
		pages++
		if rtt == 0 {
			rtt, wait = res.took.Seconds(), res.wait.Seconds()
		} else {
			rtt = 0.8*rtt + 0.2*res.took.Seconds()
			wait = 0.8*wait + 0.2*res.wait.Seconds()
		}
		r := res.job.r
		keys := res.keys
		from := r.Lo
		deliver, done, err := r.advance(keys, res.job.q.Offset, res.job.q.Limit)
		if err != nil {
			res.g.release()
			return connect.NewError(connect.CodeInternal, err.Error())
		}
		var pieces []*exportRange
		if done {
			st.Ranges = removeRange(st.Ranges, r)
			// A finished export's token must read as finished, even if the probe has not answered.
			st.Started = st.Started || len(st.Ranges) == 0
			if st.Started {
				splitIdle()
			}
		} else {
			// Idle fetchers take pieces of this range's remainder.
			if len(keys) > 0 {
				r.span = keys[len(keys)-1].ts - keys[0].ts
			}
			if idle := want() - active - len(pending) - 1; idle > 0 && len(keys) > 0 && !budgetBound() {
				if pieces = r.split(idle, r.span, st.Max); len(pieces) > 0 {
					st.Ranges = append(st.Ranges, pieces...)
					pending = append(pending, pieces...)
				}
			}
			pending = append(pending, r)
		}
		dispatch()

		out := res.items
		if len(deliver) != len(out) {
			kept := make([]M, 0, len(deliver))
			for _, i := range deliver {
				kept = append(kept, out[i])
			}
			out = kept
		}
		items += int64(len(out))
		est.page(r, from, keys, deliver, done, pieces)
		token := encodeExportToken(st)
		err = watch.send(func() error { return w.sendBatch(out, token) }, token)
		res.g.release()
		if err != nil {
			return err
		}
	}
	return progress(true)
}

// fetchPage fetches and converts one page, and reads the keys the sender needs. The page's grant
// of the memory budget is taken before the fetch (estimated) and corrected after it; the fetch and
// conversion hold one of the fetch gate's slots.
func (w *exportWalk[T, M]) fetchPage(ctx context.Context, limits *StreamLimits, caller string, j exportJob) exportResult[M] {
	if j.sent != nil {
		defer j.sent() // not sent after all (an error before the request): the probe goes anyway
	}
	w.weigherMu.Lock()
	estimate := w.weigher.estimate(j.q.Limit)
	w.weigherMu.Unlock()
	g, err := limits.mem.acquire(ctx, caller, estimate)
	if err != nil {
		return exportResult[M]{job: j, err: err}
	}
	done, err := limits.fetches.acquire(ctx, caller)
	if err != nil {
		g.release()
		return exportResult[M]{job: j, err: err}
	}
	res := w.fetchConverted(ctx, j)
	done()
	if res.err != nil {
		g.release()
		return res
	}
	size := wireSize(res.items) // a walk of the whole page: not under the fetchers' shared lock
	w.weigherMu.Lock()
	weight := w.weigher.weigh(size, len(res.items))
	w.weigherMu.Unlock()
	if err := g.resize(ctx, weight); err != nil {
		g.release()
		return exportResult[M]{job: j, err: err}
	}
	res.g = g
	return res
}

func (w *exportWalk[T, M]) fetchConverted(ctx context.Context, j exportJob) exportResult[M] {
	timing := &fetchTiming{}
	fctx := context.WithValue(ctx, fetchTimingKey{}, timing)
	if j.sent != nil {
		fctx = httptrace.WithClientTrace(fctx, &httptrace.ClientTrace{WroteHeaders: j.sent})
	}
	t0 := time.Now()
	page, err := w.fetch(fctx, j.q)
	if err != nil {
		return exportResult[M]{job: j, err: err}
	}
	took, wait := time.Since(t0), time.Duration(0)
	if timing.seen.Load() {
		took, wait = time.Duration(timing.service.Load()), time.Duration(timing.wait.Load())
	}
	keys := make([]pageKey, len(page.Items))
	for i := range page.Items {
		id, n, ok := w.key(&page.Items[i])
		if !ok {
			return exportResult[M]{job: j, err: errBadCreatedAt}
		}
		keys[i] = pageKey{id: id, ts: n}
	}
	return exportResult[M]{job: j, took: took, wait: wait, keys: keys, items: w.convert(page.Items)}
}

func removeRange(rs []*exportRange, r *exportRange) []*exportRange {
	for i, x := range rs {
		if x == r {
			return append(rs[:i], rs[i+1:]...)
		}
	}
	return rs
}

type exportError string

func (e exportError) Error() string { return string(e) }

// errBadCreatedAt: without a readable created_at the walk cannot place an item in the key space.
const errBadCreatedAt = exportError("upstream item without a valid created_at")
