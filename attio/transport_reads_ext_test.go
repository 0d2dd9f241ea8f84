package attio_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/attio-facade/attio-facade/attio"
)

// A record answer (5-20 KB) arriving in one piece is read from the upstream connection in one
// read call: with net/http's default 4 KiB buffer, a 12 KB answer took four (issue 16, target 4:
// every syscall is a share of a unary call's cost).
func TestUpstreamAnswerReadInOneCall(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	body := `{"data":{"note":"` + strings.Repeat("x", 12<<10) + `"}}`
	answer := fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer func() { _ = c.Close() }()
		r := bufio.NewReader(c)
		if _, err := http.ReadRequest(r); err != nil {
			return
		}
		_, _ = io.WriteString(c, answer) // one write: on loopback it arrives whole
		_, _ = io.Copy(io.Discard, r)    // until the client hangs up
	}()

	hc := attio.NewHTTPClient()
	tr := hc.Transport.(*http.Transport)
	var reads atomic.Int32
	dial := tr.DialContext
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return countingConn{Conn: c, reads: &reads}, nil
	}
	t.Cleanup(tr.CloseIdleConnections)
	res, err := hc.Get("http://" + ln.Addr().String() + "/v2/objects/people/records/x")
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(res.Body)
	_ = res.Body.Close()
	if err != nil || string(got) != body {
		t.Fatalf("body: %d bytes, %v", len(got), err)
	}
	// One read for the whole answer; a second is allowed in case the kernel split it.
	if n := reads.Load(); n > 2 {
		t.Errorf("the %d-byte answer took %d reads, want 1 (2 at most)", len(answer), n)
	}
}

// countingConn counts the reads that returned data.
type countingConn struct {
	net.Conn
	reads *atomic.Int32
}

func (c countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.reads.Add(1)
	}
	return n, err
}
