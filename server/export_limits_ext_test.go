package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/sandbox"
	"github.com/attio-facade/attio-facade/server"
)

// inFlight is a transport that records the most upstream requests it ever had open at once.
type inFlight struct {
	next http.RoundTripper
	mu   sync.Mutex
	now  int
	most int
}

func (f *inFlight) RoundTrip(r *http.Request) (*http.Response, error) {
	f.mu.Lock()
	f.now++
	f.most = max(f.most, f.now)
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.now--
		f.mu.Unlock()
	}()
	return f.next.RoundTrip(r)
}

func (f *inFlight) max() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.most
}

// The server bounds an export's parallelism: parallelism 64 in the request is clamped to the
// server's figure, derived from the upstream budget (10 requests/s: 8 in flight) or, when smaller,
// from the memory budget (a budget of less than a page: 1). Upstream requests in flight never
// exceed it (plus the export's one probe for the newest record).
func TestExportParallelismIsClampedByServer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		memory int64
		want   int
	}{
		{name: "upstream budget", want: 8},
		{name: "memory budget", memory: 16 << 10, want: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			flight := &inFlight{next: http.DefaultTransport}
			h := newHarness(t, harnessConfig{
				sandbox: []sandbox.Option{sandbox.WithLatency(sandbox.FixedLatency(20 * time.Millisecond))},
				client: func(c *attio.Config) {
					c.HTTPClient = &http.Client{Transport: flight}
					c.Observer = server.ExportObserver(nil)
				},
				opts: func(o *server.Options) {
					o.Exports = server.NewExportService(o.Client, server.ExportOptions{RequestsPerSecond: 10})
					o.Streams = server.NewStreamLimits(server.StreamLimitsConfig{Memory: tt.memory})
				},
			})
			if err := h.sb.Sandbox.Generate(sandbox.DefaultConnectionID, "deals", 1000, sandbox.GenerateOptions{Seed: 3}); err != nil {
				t.Fatal(err)
			}
			run := collectRecords(t.Context(), h.exports(protocols[1]), &attiov1.ExportRecordsRequest{Object: "deals", PageSize: 20, Parallelism: 64}, 0)
			if run.err != nil || len(run.ids) < 1000 {
				t.Fatalf("export: %d records, %v", len(run.ids), run.err)
			}
			if got := flight.max(); got > tt.want+1 {
				t.Fatalf("%d upstream requests in flight at once, want at most %d (+1 probe)", got, tt.want)
			}
		})
	}
}

// barrier lets the first free upstream records queries through, then holds every later one
// until want of those are open at once, and from then on lets them all through: a test can
// require that many concurrent fetches without relying on timing.
type barrier struct {
	next    http.RoundTripper
	free    int
	want    int
	mu      sync.Mutex
	seen    int
	open    int
	done    bool
	reached chan struct{}
}

func newBarrier(free, want int) *barrier {
	return &barrier{next: http.DefaultTransport, free: free, want: want, reached: make(chan struct{})}
}

func (b *barrier) RoundTrip(r *http.Request) (*http.Response, error) {
	if !strings.HasSuffix(r.URL.Path, "/records/query") {
		return b.next.RoundTrip(r)
	}
	b.mu.Lock()
	if b.seen++; b.seen <= b.free {
		b.mu.Unlock()
		return b.next.RoundTrip(r)
	}
	if b.open++; b.open == b.want && !b.done {
		b.done = true
		close(b.reached)
	}
	b.mu.Unlock()
	defer func() {
		b.mu.Lock()
		b.open--
		b.mu.Unlock()
	}()
	select {
	case <-b.reached:
	case <-r.Context().Done():
		return nil, r.Context().Err()
	case <-time.After(time.Minute): // only a real hang gets here: want never open at once
		return nil, fmt.Errorf("never %d upstream queries open at once", b.want)
	}
	return b.next.RoundTrip(r)
}

// Pages of the ATTIO_JSON view are charged what they cost (about twice their JSON: the copy the
// items share and the body buffer, or the marshalled copy), not the typed view's weights (8x and
// 7x the protobuf size, which is half the JSON's). With a budget of four raw pages, four pages
// are fetched at once; charged as typed pages, the same budget held two, and an export of people
// (whose JSON weighed as much as a caller's whole share) ran one request at a time.
func TestExportRawViewIsChargedItsOwnWeight(t *testing.T) {
	t.Parallel()
	const pageSize = 50
	// Four pages at the raw estimate before any page is seen: 50 items x 6 KiB x 2.
	const memory = 4 * pageSize * (6 << 10) * 2
	// The export's probe for the newest record and its first page go alone (the walk splits its
	// key space once it has a page); then three of the pieces must be fetched at once.
	gate := newBarrier(2, 3)
	h := newHarness(t, harnessConfig{
		// A second per request: at 10 requests/s the walk wants 13 in flight, more than the
		// memory budget allows, so the budget alone decides.
		sandbox: []sandbox.Option{sandbox.WithLatency(sandbox.FixedLatency(time.Second))},
		client: func(c *attio.Config) {
			c.HTTPClient = &http.Client{Transport: gate}
			c.MaxAttempts = 1
		},
		opts: func(o *server.Options) {
			o.Exports = server.NewExportService(o.Client, server.ExportOptions{RequestsPerSecond: 10})
			o.Streams = server.NewStreamLimits(server.StreamLimitsConfig{Memory: memory, CallerMemory: memory})
		},
	})
	if err := h.sb.Sandbox.Generate(sandbox.DefaultConnectionID, "people", 600, sandbox.GenerateOptions{Seed: 5}); err != nil {
		t.Fatal(err)
	}
	run := collectRecords(t.Context(), h.exports(protocols[0]), &attiov1.ExportRecordsRequest{Object: "people", PageSize: pageSize,
		View: attiov1.View_VIEW_ATTIO_JSON}, 0)
	if run.err != nil || len(run.progress) == 0 {
		t.Fatalf("export: %v", run.err)
	}
	if last := run.progress[len(run.progress)-1]; !last.GetDone() || last.GetItems() < 600 {
		t.Fatalf("export ended at %v, want done with at least 600 records", last)
	}
}
