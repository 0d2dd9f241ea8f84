package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"
)

// serveLoopback serves h on a free loopback port over HTTP/1.1 and h2c, as the facade does, until
// the test ends, and returns the address.
func serveLoopback(t *testing.T, h http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	protocols := new(http.Protocols)
	protocols.SetHTTP1(true)
	protocols.SetUnencryptedHTTP2(true)
	srv := &http.Server{Handler: h, Protocols: protocols, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().String()
}

// stackBytes is the memory the runtime holds for goroutine stacks. A GC first returns the free
// ones, but also shrinks the stacks of parked goroutines that use little of theirs: only for the
// baseline.
func stackBytes(collect bool) uint64 {
	if collect {
		runtime.GC()
	}
	s := []metrics.Sample{{Name: "/memory/classes/heap/stacks:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// parkedHandlerStacks serves h (wrapped by wrap) and holds n concurrent requests in their
// handlers, and returns how much the runtime's stack memory grew meanwhile.
func parkedHandlerStacks(t *testing.T, h2c bool, wrap func(http.Handler) http.Handler, n int) uint64 {
	t.Helper()
	arrived, release := make(chan struct{}, n), make(chan struct{})
	handler := wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-release
		w.WriteHeader(http.StatusNoContent)
	}))
	addr := serveLoopback(t, handler)
	tr := &http.Transport{Protocols: new(http.Protocols), MaxConnsPerHost: n}
	if h2c {
		tr.Protocols.SetUnencryptedHTTP2(true)
	} else {
		tr.Protocols.SetHTTP1(true)
	}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: time.Minute}
	before := stackBytes(true)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, "http://"+addr+"/", nil)
			res, err := client.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, res.Body)
			_ = res.Body.Close()
		})
	}
	for range n {
		select {
		case <-arrived:
		case <-time.After(time.Minute): // only a hang gets here
			t.Fatal("the requests did not reach their handlers")
		}
	}
	grew := stackBytes(false) - before
	close(release)
	wg.Wait()
	return grew
}

// TestHTTP2HandlersStartWithGrownStacks: behind preGrownStacks, each HTTP/2 stream's handler
// goroutine holds a 16 KiB stack from its start (one growth, instead of the handler path doubling
// it two or three times per call); HTTP/1.1 connection goroutines are left at their size. Not
// parallel: it reads the process's stack memory.
func TestHTTP2HandlersStartWithGrownStacks(t *testing.T) {
	const n = 64
	asIs := func(h http.Handler) http.Handler { return h }
	plain := parkedHandlerStacks(t, true, asIs, n)
	grown := parkedHandlerStacks(t, true, preGrownStacks, n)
	// A parked trivial handler needs a few KiB; grown, each holds 16 KiB.
	if grown < plain+n*8<<10 {
		t.Errorf("%d parked HTTP/2 handlers: stacks grew by %d KiB behind preGrownStacks, %d KiB without; want at least %d KiB more",
			n, grown>>10, plain>>10, n*8)
	}
	plain1 := parkedHandlerStacks(t, false, asIs, n)
	grown1 := parkedHandlerStacks(t, false, preGrownStacks, n)
	if grown1 > plain1+n*4<<10 {
		t.Errorf("%d parked HTTP/1.1 handlers: stacks grew by %d KiB behind preGrownStacks, %d KiB without; want them left alone",
			n, grown1>>10, plain1>>10)
	}
}
