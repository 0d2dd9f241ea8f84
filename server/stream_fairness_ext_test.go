package server_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"connectrpc.com/connect/v2"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/interceptors"
	"github.com/attio-facade/attio-facade/sandbox"
	"github.com/attio-facade/attio-facade/server"
)

// holdingTransport holds the facade's upstream queries of one object until the test lets them go,
// one at a time; everything else passes straight through. It records the queries in the order they
// were sent.
type holdingTransport struct {
	base   http.RoundTripper
	object string        // queries of /objects/<object>/records/query are held
	next   chan struct{} // one receive lets one held query go

	mu    sync.Mutex
	held  int
	order []string // objects of the queries sent, in order
}

func (h *holdingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if obj, ok := queriedObject(r.URL.Path); ok {
		h.mu.Lock()
		h.order = append(h.order, obj)
		hold := obj == h.object
		if hold {
			h.held++
		}
		h.mu.Unlock()
		if hold {
			select {
			case <-h.next:
			case <-r.Context().Done():
			}
			h.mu.Lock()
			h.held--
			h.mu.Unlock()
		}
	}
	return h.base.RoundTrip(r)
}

func (h *holdingTransport) snapshot() (held int, order []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.held, append([]string(nil), h.order...)
}

// queriedObject is the object of a records query path (".../objects/<object>/records/query").
func queriedObject(path string) (string, bool) {
	rest, ok := strings.CutSuffix(path, "/records/query")
	if !ok {
		return "", false
	}
	i := strings.LastIndex(rest, "/objects/")
	if i < 0 {
		return "", false
	}
	return rest[i+len("/objects/"):], true
}

// fairnessHarness is the facade with the sandbox's built-in callers and the given stream limits,
// whose upstream queries of deals are held by the returned transport.
func fairnessHarness(t *testing.T, cfg server.StreamLimitsConfig) (*harness, *server.StreamLimits, *holdingTransport) {
	t.Helper()
	ht := &holdingTransport{base: http.DefaultTransport.(*http.Transport).Clone(), object: "deals", next: make(chan struct{})}
	t.Cleanup(ht.base.(*http.Transport).CloseIdleConnections)
	limits := server.NewStreamLimits(cfg)
	h := newHarness(t, harnessConfig{
		client: func(c *attio.Config) { c.HTTPClient = &http.Client{Transport: ht} },
		opts: func(o *server.Options) {
			auth, err := interceptors.NewAuthenticator(nil, interceptors.AuthenticatorOptions{Sandbox: true})
			if err != nil {
				t.Fatal(err)
			}
			o.Interceptors = interceptors.Chain(interceptors.ChainConfig{Auth: auth.Interceptor()})
			o.Streams = limits
		},
	})
	if err := h.sb.Sandbox.Generate(sandbox.DefaultConnectionID, "deals", 200, sandbox.GenerateOptions{Seed: 7, FillRatio: 0.1}); err != nil {
		t.Fatal(err)
	}
	return h, limits, ht
}

// openStreams opens n streams of object as key, each in its own goroutine (a stream call returns
// with its first page, which may be held); cancel ends them all and waits.
func openStreams(t *testing.T, h *harness, key, object string, n int) (cancel func()) {
	t.Helper()
	base, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	c := records(h, protocols[1])
	for range n {
		wg.Go(func() {
			ctx, info := connect.NewClientContext(base) // a call's own headers, not shared
			info.RequestHeader().Set("Authorization", "Bearer "+key)
			s, err := c.StreamRecords(ctx, &attiov1.StreamRecordsRequest{Object: object, PageSize: 50})
			if err != nil {
				return
			}
			defer s.Close()
			for {
				if _, err := s.Receive(); err != nil {
					return
				}
			}
		})
	}
	var once sync.Once
	cancel = func() { once.Do(func() { stop(); wg.Wait() }) }
	t.Cleanup(cancel)
	return cancel
}

// While one caller's streams hold every fetch slot and the whole memory budget (their upstream
// queries held in flight, more streams waiting), another caller's unary GetRecord completes: the
// unary path waits on nothing streams hold. Nothing here depends on timing: the held queries stay
// held until the unary call has returned.
func TestUnaryOfAnotherCallerWaitsOnNothingStreamsHold(t *testing.T) {
	t.Parallel()
	// A stream's first 50-item page is estimated at 50 × 3 KiB (an item before any is seen) × 8
	// (fetch and decode per wire byte, stream_budget.go) before its fetch: three fit the budget.
	const estimate = 50 * 3 << 10 * 8
	h, limits, ht := fairnessHarness(t, server.StreamLimitsConfig{Memory: 3 * estimate, CallerMemory: 3 * estimate, Fetches: 2, SendTimeout: time.Hour})
	openStreams(t, h, "sandbox-reader", "deals", 4)
	// Two streams fetch (held upstream), a third has its budget and waits for a slot, the fourth
	// waits for budget.
	waitUntil(t, "the streams to take every slot and the whole budget", func() bool {
		held, _ := ht.snapshot()
		st := limits.Stats()
		return held == 2 && st.Fetches == 2 && st.FetchWaiting == 1 && st.MemoryHeld == st.MemoryLimit
	})
	ctx, cancel := context.WithTimeout(caller("sandbox-writer"), 5*time.Minute) // a hang guard only
	defer cancel()
	if _, err := records(h, protocols[1]).GetRecord(ctx, &attiov1.GetRecordRequest{Object: "people", RecordId: adaID}); err != nil {
		t.Fatalf("the other caller's GetRecord: %v", err)
	}
	held, _ := ht.snapshot()
	if st := limits.Stats(); held != 2 || st.Fetches != 2 || st.FetchesPeak != 2 || st.MemoryHeld != st.MemoryLimit {
		t.Fatalf("after the unary call: %d queries held, stats %+v; want the streams' hold unchanged", held, st)
	}
}

// The fetch gate at its bound: with 2 slots, one caller's three streams have exactly 2 upstream
// queries in flight and the third waits; a stream of another caller, arriving after it, gets the
// next free slot first (it holds none, the first caller holds one).
func TestStreamFetchesAtTheBoundAreSharedFairly(t *testing.T) {
	t.Parallel()
	h, limits, ht := fairnessHarness(t, server.StreamLimitsConfig{Fetches: 2, SendTimeout: time.Hour})
	openStreams(t, h, "sandbox-reader", "deals", 3)
	waitUntil(t, "two queries in flight and one stream waiting", func() bool {
		held, _ := ht.snapshot()
		st := limits.Stats()
		return held == 2 && st.Fetches == 2 && st.FetchWaiting == 1
	})
	openStreams(t, h, "sandbox-writer", "companies", 1)
	waitUntil(t, "the other caller's stream to wait", func() bool { return limits.Stats().FetchWaiting == 2 })
	ht.next <- struct{}{} // one of the first caller's queries completes
	waitUntil(t, "a third query", func() bool { _, order := ht.snapshot(); return len(order) >= 3 })
	if _, order := ht.snapshot(); order[2] != "companies" {
		t.Fatalf("queries in order %v: the freed slot went to the caller already holding one", order)
	}
	if st := limits.Stats(); st.FetchesPeak != 2 {
		t.Fatalf("stats %+v: more than 2 fetches at once", st)
	}
}
