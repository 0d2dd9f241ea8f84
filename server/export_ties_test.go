package server

import (
	"context"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/sandbox"
)

// Property tests of the export walk where many items share one created_at (bulk imports), run
// against the sandbox in process: for page sizes 1..500, tie groups smaller than, equal to and
// larger than a page, deletions and inserts interleaved with the walk's requests (bursts included,
// behind and ahead of the cursors, inserts landing inside tie groups), and resumption from every
// token. Each walk must finish within a bound on its requests, and deliver exactly once every item
// that existed for the whole export, according to the sandbox's own state.

// tieObject is the object whose records the tests export: a standard object with few attributes,
// so that decoding pages costs little.
const tieObject = "workspaces"

// handlerTransport serves requests with the sandbox's handler, without a socket: the property
// tests make tens of thousands of requests.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	// As a real transport does, once the request is "on the wire" (the export's probe waits for it).
	if tr := httptrace.ContextClientTrace(r.Context()); tr != nil && tr.WroteHeaders != nil {
		tr.WroteHeaders()
	}
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, r)
	return rec.Result(), nil
}

// tieWorld is a sandbox whose clock the test sets (to create items at chosen timestamps), with
// the bookkeeping of what the test wrote meanwhile.
type tieWorld struct {
	t      *testing.T
	sb     *sandbox.Sandbox
	client *attio.Client
	list   bool // export the sales_pipeline list instead of the companies object
	clock  atomic.Int64
	stamps []int64 // the tie groups' timestamps

	mu      sync.Mutex
	rnd     *rand.Rand
	budget  int      // writes the test may still make (so every walk has a finite bound)
	victims []string // items that may be deleted
	created map[string]bool
	writes  int
	parents []string // companies an inserted entry can belong to
}

type tieScenario struct {
	pageSize, parallelism int
	groups                []int   // sizes of the tie groups
	filler                int     // items at distinct timestamps around the groups
	writeRate             float64 // chance of a write (delete or insert) before each request
	writes                int     // at most this many writes over the whole test
	list                  bool
	seed                  uint64
}

func newTieWorld(t *testing.T, sc tieScenario) *tieWorld {
	t.Helper()
	w := &tieWorld{t: t, list: sc.list, rnd: rand.New(rand.NewPCG(sc.seed, 7)), budget: sc.writes, created: map[string]bool{}}
	w.clock.Store(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano())
	w.sb = sandbox.New(sandbox.WithSeed(os.DirFS("../testdata/seed")), sandbox.WithRateLimits(sandbox.Limits{}),
		sandbox.WithClock(func() time.Time { return time.Unix(0, w.clock.Load()) }))
	c, err := attio.New(attio.Config{APIKey: sandbox.DefaultAPIKey, BaseURL: "http://sandbox.invalid/v2", ControlURL: "http://sandbox.invalid",
		Direct: true, Limits: &attio.Limits{}, BaseBackoff: 1, MaxBackoff: 1, HTTPClient: &http.Client{Transport: handlerTransport{w.sb}}})
	if err != nil {
		t.Fatal(err)
	}
	w.client = c
	base := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	gen := func(object string, n int, start time.Time, step time.Duration, seed uint64) {
		if err := w.sb.Generate("", object, n, sandbox.GenerateOptions{Seed: seed, Start: start, Step: step, FillRatio: 0.1}); err != nil {
			t.Fatal(err)
		}
	}
	// Filler at distinct timestamps around and between the groups; group j at base + j hours.
	gen(tieObject, sc.filler, base.Add(-time.Hour), time.Duration(len(sc.groups)+2)*time.Hour/time.Duration(max(sc.filler, 1)), sc.seed+1)
	for j := range sc.groups {
		w.stamps = append(w.stamps, base.Add(time.Duration(j)*time.Hour).UnixNano())
	}
	if !sc.list {
		for j, n := range sc.groups {
			// One record per call, each at exactly the group's timestamp (a 1 ns step has no jitter).
			for i := range n {
				gen(tieObject, 1, time.Unix(0, w.stamps[j]), time.Nanosecond, sc.seed<<20+uint64(j)<<12+uint64(i)+2)
			}
		}
		w.victims, _ = w.sb.Records("", tieObject)
		return w
	}
	total := 0
	for _, n := range sc.groups {
		total += n
	}
	gen("companies", total+sc.filler+sc.writes, base.Add(-48*time.Hour), time.Second, sc.seed+3)
	w.parents, _ = w.sb.Records("", "companies")
	for j, n := range sc.groups {
		w.clock.Store(w.stamps[j])
		for range n {
			w.addEntry(t.Context())
		}
	}
	w.clock.Store(base.Add(-time.Hour).UnixNano())
	for i := range sc.filler {
		w.clock.Store(base.Add(-time.Hour + time.Duration(i)*time.Minute).UnixNano())
		w.addEntry(t.Context())
	}
	w.victims, _ = w.sb.Entries("", "sales_pipeline")
	w.created = map[string]bool{}
	return w
}

func (w *tieWorld) addEntry(ctx context.Context) string {
	parent := w.parents[0]
	w.parents = w.parents[1:]
	e, err := w.client.CreateEntry(ctx, "sales_pipeline", attio.EntryInput{ParentRecordID: parent, ParentObject: "companies"})
	if err != nil {
		w.t.Fatal(err)
	}
	w.created[e.ID.EntryID] = true
	return e.ID.EntryID
}

// ids is the sandbox's truth: the items there now.
func (w *tieWorld) ids() []string {
	if w.list {
		ids, _ := w.sb.Entries("", "sales_pipeline")
		return ids
	}
	ids, _ := w.sb.Records("", tieObject)
	return ids
}

// maybeWrite runs before each page request: with probability rate it deletes an item (now and
// then a burst of them) or inserts one at one of the tie timestamps, i.e. inside a tie group.
func (w *tieWorld) maybeWrite(ctx context.Context, rate float64, pageSize int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.budget <= 0 || w.rnd.Float64() >= rate {
		return
	}
	switch r := w.rnd.Float64(); {
	case r < 0.25 && len(w.stamps) > 0 && (!w.list || len(w.parents) > 0):
		w.clock.Store(w.stamps[w.rnd.IntN(len(w.stamps))])
		var id string
		if w.list {
			id = w.addEntry(ctx)
		} else {
			rec, err := w.client.CreateRecord(ctx, tieObject, attio.Values{"name": {attio.TextInput{Value: fmt.Sprintf("inserted %d", w.writes)}}})
			if err != nil {
				w.t.Error(err)
				return
			}
			id = rec.ID.RecordID
			w.created[id] = true
		}
		w.victims = append(w.victims, id)
		w.budget--
		w.writes++
	default:
		n := 1
		if r > 0.9 {
			n = 1 + w.rnd.IntN(2*pageSize+3) // a burst: more than a page may vanish at once
		}
		for ; n > 0 && w.budget > 0 && len(w.victims) > 0; n-- {
			i := w.rnd.IntN(len(w.victims))
			id := w.victims[i]
			w.victims = slices.Delete(w.victims, i, i+1)
			var err error
			if w.list {
				err = w.client.DeleteEntry(ctx, "sales_pipeline", id)
			} else {
				err = w.client.DeleteRecord(ctx, tieObject, id)
			}
			if err != nil {
				w.t.Error(err)
				return
			}
			w.budget--
			w.writes++
		}
	}
}

// tieBatch is one batch a walk sent.
type tieBatch struct {
	ids   []string
	token string
}

// walk runs one export from token (empty: a fresh one) and returns its batches and how many
// requests it made. It fails the test if the walk needs more than maxRequests.
func (w *tieWorld) walk(sc tieScenario, token string, maxRequests int) ([]tieBatch, int) {
	w.t.Helper()
	ctx, cancel := context.WithCancel(w.t.Context())
	defer cancel()
	st, err := decodeExportToken(token, "ties")
	if err != nil {
		w.t.Fatalf("token %q: %v", token, err)
	}
	var requests atomic.Int64
	var batches []tieBatch
	count := func(ctx context.Context) error {
		if requests.Add(1) > int64(maxRequests) {
			cancel()
			return context.Canceled
		}
		// The world's writes are the test's, not the walk's: a walk that finishes before its probe
		// answers cancels the probe's request, and must not cancel the write made before it.
		w.maybeWrite(context.WithoutCancel(ctx), sc.writeRate, sc.pageSize)
		return nil
	}
	sendBatch := func(ids []string, token string) error {
		batches = append(batches, tieBatch{ids: ids, token: token})
		return nil
	}
	noProgress := func(*attiov1.ExportProgress) error { return nil }
	if sc.list {
		ew := &exportWalk[attio.RawItem, string]{pageSize: sc.pageSize, parallelism: sc.parallelism, interval: time.Hour,
			fetch: func(ctx context.Context, q attio.Query) (attio.Page[attio.RawItem], error) {
				if err := count(ctx); err != nil {
					return attio.Page[attio.RawItem]{}, err
				}
				return w.client.QueryEntriesJSON(ctx, "sales_pipeline", q)
			},
			key: rawKey, convert: rawIDs,
			sendBatch: sendBatch, sendProg: noProgress}
		err = ew.run(ctx, st)
	} else {
		rw := &exportWalk[attio.RawItem, string]{pageSize: sc.pageSize, parallelism: sc.parallelism, interval: time.Hour,
			tieSorts: []attio.Sort{{Direction: "asc", Attribute: "created_at"}, {Direction: "asc", Attribute: "record_id"}},
			fetch: func(ctx context.Context, q attio.Query) (attio.Page[attio.RawItem], error) {
				if err := count(ctx); err != nil {
					return attio.Page[attio.RawItem]{}, err
				}
				return w.client.QueryRecordsJSON(ctx, tieObject, q)
			},
			key: rawKey, convert: rawIDs,
			sendBatch: sendBatch, sendProg: noProgress}
		err = rw.run(ctx, st)
	}
	if n := requests.Load(); n > int64(maxRequests) {
		w.t.Fatalf("the walk did not finish within %d requests (page size %d, groups %v)", maxRequests, sc.pageSize, sc.groups)
	}
	if err != nil {
		w.t.Fatalf("walk: %v", err)
	}
	if len(batches) == 0 && (token == "" || !finished(token)) {
		w.t.Fatal("the walk sent no batch")
	}
	if len(batches) > 0 && !finished(batches[len(batches)-1].token) {
		w.t.Fatalf("the walk ended without a final token: %s", batches[len(batches)-1].token)
	}
	return batches, int(requests.Load())
}

func finished(token string) bool {
	st, err := decodeExportToken(token, "ties")
	return err == nil && len(st.Ranges) == 0
}

// requestBound is what a walk may spend: pages at the page size (twice over, for the partial last
// page of every range and the items re-read at cursors), three more per tie group (the page that
// finds it, the page proving it ended, a split), and per write the step back it can cause
// (log2 of the items) or the page an insert can push along.
func requestBound(sc tieScenario, items int) int {
	pages := 2*(items/sc.pageSize+1) + 3*len(sc.groups) + 4*sc.parallelism + 8
	return pages + sc.writes*(2+bits.Len(uint(items)))
}

// checkWalk asserts exactly once: every item of before that is still there now was delivered
// once, nothing was delivered twice, and nothing that never existed was delivered.
func (w *tieWorld) checkWalk(before []string, got []string) {
	w.t.Helper()
	now := map[string]bool{}
	for _, id := range w.ids() {
		now[id] = true
	}
	allowed := map[string]bool{}
	for _, id := range before {
		allowed[id] = true
	}
	w.mu.Lock()
	for id := range w.created {
		allowed[id] = true
	}
	w.mu.Unlock()
	count := map[string]int{}
	for _, id := range got {
		count[id]++
		if count[id] == 2 {
			w.t.Errorf("%s delivered twice", id)
		}
		if !allowed[id] {
			w.t.Errorf("%s delivered but never existed", id)
		}
	}
	missing := 0
	for _, id := range before {
		if now[id] && count[id] == 0 {
			missing++
		}
	}
	if missing > 0 {
		w.t.Errorf("%d items that existed throughout were not delivered", missing)
	}
}

func runTieScenario(t *testing.T, sc tieScenario, resumeEvery bool) {
	w := newTieWorld(t, sc)
	before := w.ids()
	bound := requestBound(sc, len(before))
	batches, requests := w.walk(sc, "", bound)
	var got []string
	for _, b := range batches {
		got = append(got, b.ids...)
	}
	w.checkWalk(before, got)
	t.Logf("%d items, %d requests (bound %d), %d writes", len(before), requests, bound, w.writes)
	if t.Failed() || !resumeEvery {
		return
	}
	// Resume from every token: what was delivered up to it plus the resumed walk is exact too.
	var upTo []string
	for i, b := range batches {
		upTo = append(upTo, b.ids...)
		rest, _ := w.walk(sc, b.token, bound)
		all := slices.Clone(upTo)
		for _, r := range rest {
			all = append(all, r.ids...)
		}
		w.checkWalk(before, all)
		if t.Failed() {
			t.Fatalf("resumed from the token of batch %d of %d", i+1, len(batches))
		}
	}
}

// tieGroups are the group sizes for page size p: around the page size (one less, equal, one more,
// two pages and one, the size of the ids carried at a cursor plus one), and single items.
// Above 40 pages are costly to decode under the race detector: two groups around the page size.
func tieGroups(p int) []int {
	gs := []int{1, 2, p - 1, p, p + 1, 2*p + 1, maxBoundaryIDs + 1}
	if p > 40 {
		gs = []int{1, maxBoundaryIDs + 1, p, p + 1}
	}
	gs = slices.DeleteFunc(gs, func(n int) bool { return n < 1 })
	slices.Sort(gs)
	return slices.Compact(gs)
}

// TestExportTiesEveryPageSize walks records with tie groups around the page size, with deletions
// and inserts interleaved: every page size up to 20 (around the 8 ids carried at a cursor, where
// the offset walk used to loop forever) and a sample up to 500 (under the race detector a page of
// 500 records costs tens of milliseconds to decode).
func TestExportTiesEveryPageSize(t *testing.T) {
	t.Parallel()
	sizes := []int{31, 32, 33, 64, 500}
	for p := 20; p >= 1; p-- {
		sizes = append([]int{p}, sizes...)
	}
	for _, p := range sizes {
		sc := tieScenario{pageSize: p, parallelism: 1 + p%3, groups: tieGroups(p), filler: 20, writeRate: 0.3, writes: 6 + p/10, seed: uint64(p)}
		t.Run(fmt.Sprint(p), func(t *testing.T) { t.Parallel(); runTieScenario(t, sc, false) })
	}
}

// TestExportTiesResumeEveryToken resumes from every token of a walk through tie groups, for small
// page sizes (where a resumed walk starts inside a tie most often), records and entries.
func TestExportTiesResumeEveryToken(t *testing.T) {
	t.Parallel()
	for _, list := range []bool{false, true} {
		for _, p := range []int{1, 2, 5, 8, 9} {
			sc := tieScenario{pageSize: p, parallelism: 1 + p%2, groups: []int{1, p, p + 1, 2*p + 3, 9}, filler: 4,
				writeRate: 0.2, writes: 30, list: list, seed: uint64(p) + 100}
			t.Run(fmt.Sprintf("list=%v/p=%d", list, p), func(t *testing.T) { t.Parallel(); runTieScenario(t, sc, true) })
		}
	}
}

// TestExportEntriesTies is the page-size property for ExportEntries: entries get their created_at
// from the sandbox clock, so groups of entries share one.
func TestExportEntriesTies(t *testing.T) {
	t.Parallel()
	for _, p := range []int{1, 2, 4, 7, 8, 9, 17, 64} {
		sc := tieScenario{pageSize: p, parallelism: 1 + p%3, groups: tieGroups(p), filler: 10, writeRate: 0.3, writes: 10 + p/8, list: true, seed: uint64(p) + 500}
		t.Run(fmt.Sprint(p), func(t *testing.T) { t.Parallel(); runTieScenario(t, sc, false) })
	}
}

// rawIDs are the ids of a page of the ATTIO_JSON view: the ties tests only follow ids.
func rawIDs(items []attio.RawItem) []string {
	out := make([]string, len(items))
	for i := range items {
		out[i] = items[i].ID
	}
	return out
}
