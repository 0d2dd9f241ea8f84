package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/attio-facade/attio-facade/attio"
)

// upstreamCapture records what the facade sent upstream (path with query, and JSON body), so a
// test can check the exact request Attio would receive.
type upstreamCapture struct {
	next http.RoundTripper
	mu   sync.Mutex
	sent []sentRequest
}

type sentRequest struct {
	method string
	url    string // path and query
	body   map[string]any
}

func (c *upstreamCapture) RoundTrip(r *http.Request) (*http.Response, error) {
	var body map[string]any
	if r.Body != nil {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		_ = r.Body.Close()
		r.Body = io.NopCloser(bytes.NewReader(b))
		_ = json.Unmarshal(b, &body)
	}
	c.mu.Lock()
	c.sent = append(c.sent, sentRequest{method: r.Method, url: r.URL.RequestURI(), body: body})
	c.mu.Unlock()
	return c.next.RoundTrip(r)
}

// last is the most recent request whose path contains part; it fails the test when there is none.
func (c *upstreamCapture) last(t testing.TB, part string) sentRequest {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := len(c.sent) - 1; i >= 0; i-- {
		if strings.Contains(c.sent[i].url, part) {
			return c.sent[i]
		}
	}
	t.Fatalf("no upstream request to %q among %d", part, len(c.sent))
	return sentRequest{}
}

// newCapturingHarness is a harness whose upstream requests are recorded.
func newCapturingHarness(t testing.TB) (*harness, *upstreamCapture) {
	t.Helper()
	c := &upstreamCapture{}
	h := newHarness(t, harnessConfig{client: func(cfg *attio.Config) {
		hc := attio.NewHTTPClient()
		c.next = hc.Transport
		hc.Transport = c
		cfg.HTTPClient = hc
	}})
	return h, c
}
