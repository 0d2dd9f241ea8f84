package server_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connecthttp"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
	"github.com/attio-facade/attio-facade/sandbox"
	"github.com/attio-facade/attio-facade/server"
)

// exportRun is what a client saw of one ExportRecords/ExportEntries call.
type exportRun struct {
	ids      []string // in arrival order, duplicates kept
	token    string   // of the last batch
	batches  int
	progress []*attiov1.ExportProgress
	err      error
}

// stopAfter, if > 0, makes collect cancel the call after that many batches (a cut connection).
func collectRecords(ctx context.Context, c attiov1connect.ExportServiceClient, req *attiov1.ExportRecordsRequest, stopAfter int) exportRun {
	return collectRecordsEach(ctx, c, req, stopAfter, nil)
}

// collectRecordsEach is collectRecords calling onBatch (when set) after each batch it receives.
func collectRecordsEach(ctx context.Context, c attiov1connect.ExportServiceClient, req *attiov1.ExportRecordsRequest, stopAfter int, onBatch func()) exportRun {
	return collectExport(ctx, func(ctx context.Context) (attiov1connect.ExportServiceExportRecordsClientStream, error) {
		return c.ExportRecords(ctx, req)
	},
		func(msg *attiov1.ExportRecordsResponse) ([]string, string, bool) {
			b := msg.GetBatch()
			return idsOf(b.GetRecords(), recordID), b.GetResumeToken(), b != nil
		}, stopAfter, onBatch)
}

func collectEntries(ctx context.Context, c attiov1connect.ExportServiceClient, req *attiov1.ExportEntriesRequest) exportRun {
	return collectExport(ctx, func(ctx context.Context) (attiov1connect.ExportServiceExportEntriesClientStream, error) {
		return c.ExportEntries(ctx, req)
	},
		func(msg *attiov1.ExportEntriesResponse) ([]string, string, bool) {
			b := msg.GetBatch()
			return idsOf(b.GetEntries(), entryID), b.GetResumeToken(), b != nil
		}, 0, nil)
}

// exportStream is the client end of ExportRecords or ExportEntries.
type exportStream[M any] interface {
	Receive() (M, error)
	Close() error
}

// collectExport receives an export call to its end (see exportRun). batch says the ids and the
// resume token of a message's batch, ok false when the message carries none; stopAfter and
// onBatch as for collectRecordsEach.
func collectExport[M interface {
	GetProgress() *attiov1.ExportProgress
}, S exportStream[M]](ctx context.Context,
	open func(context.Context) (S, error), batch func(M) (ids []string, token string, ok bool), stopAfter int, onBatch func(),
) exportRun {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var run exportRun
	stream, err := open(ctx)
	if err != nil {
		run.err = err
		return run
	}
	defer stream.Close()
	for {
		msg, err := stream.Receive()
		if errors.Is(err, io.EOF) {
			return run
		}
		if err != nil {
			run.err = err
			return run
		}
		if ids, token, ok := batch(msg); ok {
			run.ids = append(run.ids, ids...)
			run.token = token
			run.batches++
			if onBatch != nil {
				onBatch()
			}
			if stopAfter > 0 && run.batches == stopAfter {
				cancel()
				run.err = context.Canceled
				return run
			}
		}
		if p := msg.GetProgress(); p != nil {
			run.progress = append(run.progress, p)
		}
	}
}

// exportHarness is the facade with an export-ready client: ExportObserver installed, the sandbox
// and the client at the same Maton budget (0: no limits).
func exportHarness(t testing.TB, rps float64, latency time.Duration, extra func(*attio.Config)) *harness {
	t.Helper()
	sbOpts := []sandbox.Option{sandbox.WithRateLimits(sandbox.Limits{MatonRPS: rps})}
	if latency > 0 {
		sbOpts = append(sbOpts, sandbox.WithLatency(sandbox.FixedLatency(latency)))
	}
	return newHarness(t, harnessConfig{
		sandbox: sbOpts,
		client: func(c *attio.Config) {
			c.Limits = &attio.Limits{Maton: rps}
			c.Observer = server.ExportObserver(c.Observer)
			if extra != nil {
				extra(c)
			}
		},
		opts: func(o *server.Options) {
			o.Exports = server.NewExportService(o.Client, server.ExportOptions{RequestsPerSecond: max(rps, 10), ProgressInterval: 100 * time.Millisecond})
		},
	})
}

func (h *harness) exports(p protocol) attiov1connect.ExportServiceClient {
	return attiov1connect.NewExportServiceClient(h.rpc(p))
}

// directWriter is a client on the sandbox's direct-Attio plane: its writes do not use the Maton
// budget the export is measured against.
func directWriter(t testing.TB, h *harness) *attio.Client {
	t.Helper()
	c, err := attio.New(attio.Config{APIKey: h.sb.APIKey(), BaseURL: h.sb.AttioBaseURL(), ControlURL: h.sb.ControlURL(),
		Direct: true, Limits: &attio.Limits{}, BaseBackoff: 1, MaxBackoff: 1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// checkExactlyOnce asserts every id of want is in got exactly once and got has no duplicates or
// ids outside allowed (nil: want itself).
func checkExactlyOnce(t *testing.T, got, want []string, allowed map[string]bool) {
	t.Helper()
	count := map[string]int{}
	for _, id := range got {
		count[id]++
	}
	for id, n := range count {
		if n > 1 {
			t.Errorf("%s delivered %d times", id, n)
		}
		if allowed != nil && !allowed[id] {
			t.Errorf("%s delivered but never existed", id)
		}
	}
	missing := 0
	for _, id := range want {
		if count[id] == 0 {
			missing++
		}
	}
	if missing > 0 {
		t.Errorf("%d of %d records missing from the export", missing, len(want))
	}
	if allowed == nil && len(count) != len(want) {
		t.Errorf("delivered %d distinct records, want %d", len(count), len(want))
	}
}

func TestExportRecordsProtocols(t *testing.T) {
	t.Parallel()
	h := exportHarness(t, 0, 0, nil)
	if err := h.sb.Sandbox.Generate("", "companies", 400, sandbox.GenerateOptions{Seed: 3}); err != nil {
		t.Fatal(err)
	}
	want, _ := h.sb.Sandbox.Records("", "companies")
	for _, p := range protocols {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			run := collectRecords(t.Context(), h.exports(p), &attiov1.ExportRecordsRequest{Object: "companies", PageSize: 25, Parallelism: 4}, 0)
			if run.err != nil {
				t.Fatal(run.err)
			}
			checkExactlyOnce(t, run.ids, want, nil)
			last := run.progress[len(run.progress)-1]
			if !last.GetDone() || last.GetItems() != int64(len(want)) || last.GetPages() < int64(len(want)/25) {
				t.Errorf("final progress = %v, want done with %d items", last, len(want))
			}
			if last.GetUpstreamRequests() < last.GetPages() {
				t.Errorf("upstream requests %d < pages %d", last.GetUpstreamRequests(), last.GetPages())
			}
		})
	}
}

// TestExportExactlyOnceUnderWrites deletes and inserts records in the exported object while the
// export runs, and checks the export against the sandbox's own state: every record that existed
// throughout is delivered exactly once, nothing twice, nothing that never existed. The sandbox
// enforces the same Maton budget as the client, and must never have refused a request.
func TestExportExactlyOnceUnderWrites(t *testing.T) {
	t.Parallel()
	const rps = 200
	h := exportHarness(t, rps, 2*time.Millisecond, nil)
	// Sparse records: what is checked is which records arrive, and decoding well-filled ones under
	// the race detector is most of this test's cost.
	if err := h.sb.Sandbox.Generate("", "people", 1500, sandbox.GenerateOptions{Seed: 11, FillRatio: 0.05}); err != nil {
		t.Fatal(err)
	}
	before, _ := h.sb.Sandbox.Records("", "people")
	writer := directWriter(t, h)

	// The writes happen as batches arrive, while other pages are in flight (parallelism 6):
	// every batch deletes a record anywhere in the key space (including behind the export's
	// cursors, which is what makes offset pagination skip records), every third one also creates
	// one. Tied to batches, not to time, so they interleave with the export however loaded the
	// machine is.
	created := map[string]bool{}
	var deletes, inserts int
	rnd := rand.New(rand.NewPCG(1, 2))
	batch := 0
	onBatch := func() {
		batch++
		if batch%3 == 0 {
			r, err := writer.CreateRecord(t.Context(), "people", attio.Values{"job_title": {attio.TextInput{Value: fmt.Sprintf("new %d", batch)}}})
			if err != nil {
				t.Error(err)
				return
			}
			created[r.ID.RecordID] = true
			inserts++
		}
		if err := writer.DeleteRecord(t.Context(), "people", before[rnd.IntN(len(before))]); err == nil {
			deletes++
		}
	}
	run := collectRecordsEach(t.Context(), h.exports(protocols[0]), &attiov1.ExportRecordsRequest{Object: "people", PageSize: 25, Parallelism: 6}, 0, onBatch)
	if run.err != nil {
		t.Fatal(run.err)
	}
	after, _ := h.sb.Sandbox.Records("", "people")
	inAfter := map[string]bool{}
	for _, id := range after {
		inAfter[id] = true
	}
	var throughout []string
	allowed := map[string]bool{}
	for _, id := range before {
		allowed[id] = true
		if inAfter[id] {
			throughout = append(throughout, id)
		}
	}
	for id := range created {
		allowed[id] = true
	}
	if deletes < 20 || inserts < 10 {
		t.Fatalf("too few writes to test anything: %d deletes, %d inserts during the export", deletes, inserts)
	}
	checkExactlyOnce(t, run.ids, throughout, allowed)
	if st := h.sb.Sandbox.Stats(); st.RateLimited != 0 {
		t.Errorf("sandbox answered %d requests with 429: the budget was exceeded", st.RateLimited)
	}
	t.Logf("%d delivered, %d existed throughout, %d deleted and %d created during the export", len(run.ids), len(throughout), deletes, inserts)
}

// TestExportResume cuts the stream after a few batches, then resumes with the last token (on a
// new facade, as after a restart): the union is exact.
func TestExportResume(t *testing.T) {
	t.Parallel()
	h := exportHarness(t, 0, time.Millisecond, nil)
	if err := h.sb.Sandbox.Generate("", "people", 600, sandbox.GenerateOptions{Seed: 5, FillRatio: 0.05}); err != nil { // sparse: see TestExportExactlyOnceUnderWrites
		t.Fatal(err)
	}
	want, _ := h.sb.Sandbox.Records("", "people")
	req := &attiov1.ExportRecordsRequest{Object: "people", PageSize: 20, Parallelism: 5}
	var all []string
	token := ""
	for cut := 1; ; cut++ {
		r := &attiov1.ExportRecordsRequest{Object: req.Object, PageSize: req.PageSize, Parallelism: int32(2 + cut%4), ResumeToken: token}
		// A facade restart: a fresh handler on the same client, sharing no state with the first.
		srv := httptest.NewServer(server.NewHandler(server.Options{Client: h.client}))
		c := attiov1connect.NewExportServiceClient(connect.NewClient(connecthttp.NewTransport(srv.Client(), srv.URL)))
		run := collectRecords(t.Context(), c, r, 4)
		srv.Close()
		all = append(all, run.ids...)
		if run.token != "" {
			token = run.token
		}
		if run.err == nil {
			break
		}
		if !errors.Is(run.err, context.Canceled) {
			t.Fatal(run.err)
		}
		if run.token == "" {
			t.Fatal("no token after a cut")
		}
		if cut > 200 {
			t.Fatal("export never finished")
		}
	}
	checkExactlyOnce(t, all, want, nil)

	// The final token resumes to nothing.
	run := collectRecords(t.Context(), h.exports(protocols[0]), &attiov1.ExportRecordsRequest{Object: "people", PageSize: 20, ResumeToken: token}, 0)
	if run.err != nil || len(run.ids) != 0 {
		t.Errorf("resume from the final token: %d ids, err %v", len(run.ids), run.err)
	}
}

func TestExportResumeTokenMisuse(t *testing.T) {
	t.Parallel()
	h := exportHarness(t, 0, 0, nil)
	c := h.exports(protocols[0])
	run := collectRecords(t.Context(), c, &attiov1.ExportRecordsRequest{Object: "people", PageSize: 5}, 1)
	if run.token == "" {
		t.Fatal("no token")
	}
	otherConn := withConnectionHeader(t.Context(), sandbox.SecondConnectionID)
	cases := []struct {
		name string
		ctx  context.Context
		req  *attiov1.ExportRecordsRequest
	}{
		{"other object", t.Context(), &attiov1.ExportRecordsRequest{Object: "companies", PageSize: 5, ResumeToken: run.token}},
		{"other page size", t.Context(), &attiov1.ExportRecordsRequest{Object: "people", PageSize: 6, ResumeToken: run.token}},
		{"other filter", t.Context(), &attiov1.ExportRecordsRequest{Object: "people", PageSize: 5, ResumeToken: run.token,
			Filter: &attiov1.Filter{Node: &attiov1.Filter_Condition{Condition: &attiov1.Condition{Attribute: "job_title",
				Op: attiov1.FilterOperator_FILTER_OPERATOR_NOT_EMPTY}}}}},
		{"other connection", otherConn, &attiov1.ExportRecordsRequest{Object: "people", PageSize: 5, ResumeToken: run.token}},
		{"garbage", t.Context(), &attiov1.ExportRecordsRequest{Object: "people", PageSize: 5, ResumeToken: "not-a-token"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := collectRecords(tc.ctx, c, tc.req, 0)
			if connect.CodeOf(got.err) != connect.CodeInvalidArgument {
				t.Errorf("err = %v, want InvalidArgument", got.err)
			}
		})
	}
	// Parallelism is not part of the binding: the same request at another parallelism resumes.
	ok := collectRecords(t.Context(), c, &attiov1.ExportRecordsRequest{Object: "people", PageSize: 5, Parallelism: 7, ResumeToken: run.token}, 0)
	if ok.err != nil {
		t.Errorf("resume at another parallelism: %v", ok.err)
	}
}

func withConnectionHeader(ctx context.Context, conn string) context.Context {
	ctx, info := connect.NewClientContext(ctx)
	info.RequestHeader().Set(server.ConnectionHeader, conn)
	return ctx
}

// TestExportFairness saturates a small budget with an export keeping many requests queued, and
// makes unary calls meanwhile. Counts, not times: each unary call is granted ahead of the queued
// export requests (first come, first served would let about parallelism of them go first), and
// while interactive calls run the export gets no more than its share (1 - reserve) of the budget.
func TestExportFairness(t *testing.T) {
	t.Parallel()
	const rps, parallelism = 20, 32
	var mu sync.Mutex
	var grants []attemptAt
	h := exportHarness(t, rps, 5*time.Millisecond, func(c *attio.Config) {
		c.Observer = server.ExportObserver(attio.ObserverFunc(func(_ context.Context, a attio.Attempt) {
			mu.Lock()
			// Observed when the attempt ends; it left the limiter Duration earlier.
			grants = append(grants, attemptAt{at: time.Now().Add(-a.Duration), bulk: a.Priority == attio.PriorityBulk})
			mu.Unlock()
		}))
	})
	if err := h.sb.Sandbox.Generate("", "people", 1500, sandbox.GenerateOptions{Seed: 9}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	exportDone := make(chan exportRun, 1)
	go func() {
		exportDone <- collectRecords(ctx, h.exports(protocols[0]), &attiov1.ExportRecordsRequest{Object: "people", PageSize: 5, Parallelism: parallelism}, 0)
	}()
	// Let the export split its ranges and fill its slots: it is running at the budget.
	waitUntil(t, "the export to fill its slots", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(grants) >= 2*rps
	})
	records := attiov1connect.NewRecordServiceClient(h.rpc(protocols[0]))
	const calls = 12
	var starts []time.Time
	start := time.Now()
	for range calls {
		starts = append(starts, time.Now())
		if _, err := records.QueryRecords(t.Context(), &attiov1.QueryRecordsRequest{Object: "companies", PageSize: 1}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	end := time.Now()
	cancel()
	if run := <-exportDone; run.batches == 0 {
		t.Fatal("the export delivered nothing")
	}
	mu.Lock()
	defer mu.Unlock()
	var bulk, interactive []time.Time
	for _, g := range grants {
		if g.bulk {
			bulk = append(bulk, g.at)
		} else {
			interactive = append(interactive, g.at)
		}
	}
	between := func(a, b time.Time) (n int) {
		for _, x := range bulk {
			if x.After(a) && x.Before(b) {
				n++
			}
		}
		return n
	}
	var overtaken []int
	for i, s := range starts {
		for _, g := range interactive {
			if g.After(s) && (i+1 == len(starts) || g.Before(starts[i+1])) {
				overtaken = append(overtaken, between(s, g))
				break
			}
		}
	}
	if len(overtaken) != calls {
		t.Fatalf("matched %d of %d unary calls to their upstream requests", len(overtaken), calls)
	}
	slices.Sort(overtaken)
	// The median call sees a bulk request or two go first (already granted, or granted while the
	// call was still in the facade's interceptors); nowhere near the parallelism queued.
	if med := overtaken[calls/2]; med > parallelism/4 {
		t.Errorf("export requests granted ahead of unary calls (sorted) = %v; want the median well below %d", overtaken, parallelism)
	}
	window := end.Sub(start).Seconds()
	if n := between(start, end); float64(n) > 0.8*rps*window+4 {
		t.Errorf("export made %d requests in %.1fs of interactive traffic, more than its 80%% share", n, window)
	} else if n < 5 {
		t.Errorf("export made only %d requests in %.1fs: it did not saturate the budget", n, window)
	}
	if st := h.sb.Sandbox.Stats(); st.RateLimited != 0 {
		t.Errorf("sandbox answered %d requests with 429", st.RateLimited)
	}
}

type attemptAt struct {
	at   time.Time
	bulk bool
}

func TestExportEntries(t *testing.T) {
	t.Parallel()
	h := exportHarness(t, 0, 0, nil)
	if err := h.sb.Sandbox.Generate("", "companies", 100, sandbox.GenerateOptions{Seed: 4}); err != nil {
		t.Fatal(err)
	}
	companies, _ := h.sb.Sandbox.Records("", "companies")
	w := directWriter(t, h)
	for _, id := range companies[:90] {
		if _, err := w.CreateEntry(t.Context(), "sales_pipeline", attio.EntryInput{ParentRecordID: id, ParentObject: "companies"}); err != nil {
			t.Fatal(err)
		}
	}
	want, _ := h.sb.Sandbox.Entries("", "sales_pipeline")
	run := collectEntries(t.Context(), h.exports(protocols[1]), &attiov1.ExportEntriesRequest{List: "sales_pipeline", PageSize: 9, Parallelism: 3})
	if run.err != nil {
		t.Fatal(run.err)
	}
	checkExactlyOnce(t, run.ids, want, nil)
	if len(want) < 90 {
		t.Fatalf("only %d entries in the list", len(want))
	}
}

// TestExportTies exports records that all share one created_at (a bulk import): keyset cannot
// step over a timestamp, so the walk pages through it by offset, and still delivers each record
// once while some of them are deleted.
func TestExportTies(t *testing.T) {
	t.Parallel()
	fixed := time.Date(2024, 2, 3, 4, 5, 6, 789, time.UTC)
	var clock atomic.Pointer[time.Time]
	clock.Store(&fixed)
	h := newHarness(t, harnessConfig{
		sandbox: []sandbox.Option{sandbox.WithClock(func() time.Time { return *clock.Load() })},
		opts: func(o *server.Options) {
			o.Exports = server.NewExportService(o.Client, server.ExportOptions{})
		},
	})
	w := directWriter(t, h)
	var tied []string
	for i := range 130 {
		r, err := w.CreateRecord(t.Context(), "companies", attio.Values{"name": {attio.TextInput{Value: fmt.Sprintf("tie %d", i)}}})
		if err != nil {
			t.Fatal(err)
		}
		tied = append(tied, r.ID.RecordID)
	}
	now := time.Now()
	clock.Store(&now)
	want, _ := h.sb.Sandbox.Records("", "companies")
	// Every page size at or below the 8 ids carried at a cursor used to loop forever.
	for _, size := range []int32{1, 2, 8, 9, 20} {
		run := collectRecords(t.Context(), h.exports(protocols[0]), &attiov1.ExportRecordsRequest{Object: "companies", PageSize: size, Parallelism: 2}, 0)
		if run.err != nil {
			t.Fatal(run.err)
		}
		checkExactlyOnce(t, run.ids, want, nil)
	}

	// Cut inside the tie, delete a few already delivered tied records, resume.
	first := collectRecords(t.Context(), h.exports(protocols[0]), &attiov1.ExportRecordsRequest{Object: "companies", PageSize: 20, Parallelism: 1}, 3)
	deleted := map[string]bool{}
	for _, id := range first.ids {
		if slices.Contains(tied, id) && len(deleted) < 5 {
			if err := w.DeleteRecord(t.Context(), "companies", id); err != nil {
				t.Fatal(err)
			}
			deleted[id] = true
		}
	}
	rest := collectRecords(t.Context(), h.exports(protocols[0]), &attiov1.ExportRecordsRequest{Object: "companies", PageSize: 20, Parallelism: 1, ResumeToken: first.token}, 0)
	if rest.err != nil {
		t.Fatal(rest.err)
	}
	checkExactlyOnce(t, append(first.ids, rest.ids...), want, nil)
}

// ExampleExportService exports a whole object through a facade and counts what arrived.
func ExampleExportService() {
	sb := sandbox.NewServer(sandbox.WithSeed(os.DirFS("../testdata/seed")), sandbox.WithRateLimits(sandbox.Limits{}))
	defer sb.Close()
	_ = sb.Sandbox.Generate("", "people", 1000, sandbox.GenerateOptions{})
	client, _ := attio.New(attio.Config{APIKey: sb.APIKey(), BaseURL: sb.MatonBaseURL(), ControlURL: sb.ControlURL(),
		Limits: &attio.Limits{}, Observer: server.ExportObserver(nil)})
	facade := httptest.NewServer(server.NewHandler(server.Options{
		Client:  client,
		Exports: server.NewExportService(client, server.ExportOptions{RequestsPerSecond: 10}),
	}))
	defer facade.Close()

	exports := attiov1connect.NewExportServiceClient(connect.NewClient(connecthttp.NewTransport(facade.Client(), facade.URL)))
	stream, err := exports.ExportRecords(context.Background(), &attiov1.ExportRecordsRequest{Object: "people", PageSize: 100})
	if err != nil {
		panic(err)
	}
	defer stream.Close()
	n := 0
	for {
		msg, err := stream.Receive()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			panic(err)
		}
		n += len(msg.GetBatch().GetRecords())
		if p := msg.GetProgress(); p.GetDone() {
			fmt.Println("done:", p.GetItems() == int64(n))
		}
	}
	want, _ := sb.Sandbox.RecordCount("", "people")
	fmt.Println("all records:", n == want)
	// Output:
	// done: true
	// all records: true
}
