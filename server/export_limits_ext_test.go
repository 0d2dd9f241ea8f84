package server_test

import (
	"net/http"
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
