package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"runtime/trace"
	"strconv"
	"strings"
	"testing"
	"time"
)

// unaryLike answers like connect-go's handlers: over HTTP/2 as a unary gRPC call (a message, a
// flush, then trailers), over HTTP/1.1 as a Connect unary call (one sized message).
var unaryLike = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	msg := bytes.Repeat([]byte("x"), 3000)
	if r.ProtoMajor == 1 {
		w.Header().Set("Content-Type", "application/proto")
		w.Header().Set("Content-Length", strconv.Itoa(len(msg)))
		_, _ = w.Write(msg)
		return
	}
	w.Header().Set("Content-Type", "application/grpc")
	_, _ = w.Write(msg)
	w.(http.Flusher).Flush()
	w.Header().Set(http.TrailerPrefix+"Grpc-Status", "0")
})

// traceCalls records a runtime trace of calls sequential POSTs to a loopback server.
func traceCalls(t *testing.T, h2c bool, calls int) *chain {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	protocols := new(http.Protocols)
	protocols.SetHTTP1(true)
	protocols.SetUnencryptedHTTP2(true)
	srv := &http.Server{Handler: unaryLike, Protocols: protocols, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	tr := &http.Transport{Protocols: new(http.Protocols)}
	if h2c {
		tr.Protocols.SetUnencryptedHTTP2(true)
	} else {
		tr.Protocols.SetHTTP1(true)
	}
	t.Cleanup(tr.CloseIdleConnections)
	client := &http.Client{Transport: tr, Timeout: time.Minute}
	call := func() {
		req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, "http://"+ln.Addr().String()+"/svc/Get", strings.NewReader("request"))
		if err != nil {
			t.Fatal(err)
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		_ = res.Body.Close()
	}
	call() // the connection, before the trace
	var buf bytes.Buffer
	if err := trace.Start(&buf); err != nil {
		t.Fatal(err)
	}
	for range calls {
		call()
	}
	trace.Stop()
	c, err := analyze(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestChainSplitsSequentialCalls(t *testing.T) {
	const calls = 40
	for _, tc := range []struct {
		name string
		h2c  bool
	}{{"h2c", true}, {"http1", false}} {
		t.Run(tc.name, func(t *testing.T) {
			c := traceCalls(t, tc.h2c, calls)
			// A reader that finds the next request already there (client and server share this
			// process) does not park on the network: over HTTP/1.1 two calls then share a window,
			// over HTTP/2 the call is left out.
			if n := len(c.windows); n < 1 || n > calls || (tc.h2c && n < calls/2) {
				t.Fatalf("%d call windows for %d sequential calls", n, calls)
			}
			if tc.h2c {
				// net/http's HTTP/2 server flushes HEADERS, DATA and the trailers one by one.
				if per := float64(c.writes) / float64(len(c.windows)); per < 2.8 || per > 3.2 { // a window may gain a flush of a WINDOW_UPDATE or lose a call's first
					t.Errorf("%.2f response writes per call over h2c, want 3", per)
				}
			} else if c.writes < len(c.windows) || c.writes > calls { // one per call
				t.Errorf("%d response writes in %d windows for %d calls over HTTP/1.1, want one per call", c.writes, len(c.windows), calls)
			}
			var blocked time.Duration
			for _, d := range c.blocked {
				blocked += d
			}
			if sum, total := c.running+c.runnable+c.syscall+blocked, c.total(); sum != total {
				t.Errorf("states sum to %v, windows to %v", sum, total)
			}
			for i := 1; i < len(c.windows); i++ {
				if c.windows[i].a < c.windows[i-1].b || c.windows[i].b <= c.windows[i].a {
					t.Fatalf("window %d %v overlaps or is empty (previous %v)", i, c.windows[i], c.windows[i-1])
				}
			}
		})
	}
}
