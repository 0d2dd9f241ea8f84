package server_test

import (
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// waitUntil polls cond until it holds. The timeout is generous: it only fails on a real hang, never
// because the machine is slow; the outcome is decided by cond, not by the time it took.
func waitUntil(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up after 5 minutes waiting for %s", what)
		}
		time.Sleep(time.Millisecond) // polling, not deciding
	}
}

// countingTransport counts the requests the facade's client makes and how many are in flight (from
// sending until the response body is closed or the request fails).
type countingTransport struct {
	base     http.RoundTripper
	started  atomic.Int64
	inFlight atomic.Int64

	mu    sync.Mutex
	paths []string // of the requests sent, in order
}

// sent returns the paths of the requests sent so far, in order.
func (c *countingTransport) sent() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.paths...)
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.mu.Lock()
	c.paths = append(c.paths, r.URL.Path)
	c.mu.Unlock()
	c.started.Add(1)
	c.inFlight.Add(1)
	resp, err := c.base.RoundTrip(r)
	if err != nil {
		c.inFlight.Add(-1)
		return nil, err
	}
	resp.Body = &countedBody{ReadCloser: resp.Body, done: func() { c.inFlight.Add(-1) }}
	return resp, nil
}

type countedBody struct {
	io.ReadCloser
	once sync.Once
	done func()
}

func (b *countedBody) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(b.done)
	return err
}
