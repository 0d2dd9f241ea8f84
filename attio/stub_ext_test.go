package attio_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/attio-facade/attio-facade/attio"
)

// stub is an httptest server answering with a scripted handler and
// counting requests.
type stub struct {
	*httptest.Server
	mu    sync.Mutex
	reqs  []seenReq
	serve func(n int, w http.ResponseWriter, r *http.Request)
}

type seenReq struct {
	at     time.Time
	method string
	path   string
	query  string
	header http.Header
	body   string
}

func newStub(t *testing.T, serve func(n int, w http.ResponseWriter, r *http.Request)) *stub {
	t.Helper()
	s := &stub{serve: serve}
	s.Server = httptest.NewServer(s.handler())
	t.Cleanup(s.Close)
	return s
}

func (s *stub) handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.reqs = append(s.reqs, seenReq{time.Now(), r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Clone(), string(b)})
		n := len(s.reqs)
		s.mu.Unlock()
		s.serve(n, w, r)
	})
}

// bubbleClient is a client on a stub without a socket, its handler called in process, for tests
// in a testing/synctest bubble: time there is fake, so budgets are measured exactly.
func bubbleClient(t *testing.T, s *stub, mod ...func(*attio.Config)) *attio.Client {
	t.Helper()
	s.Server = &httptest.Server{URL: "http://stub.invalid"}
	cfg := attio.Config{APIKey: "secret-maton-key", BaseURL: s.URL + "/attio/v2", ControlURL: s.URL,
		Limits: &attio.Limits{}, BaseBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond,
		HTTPClient: &http.Client{Transport: handlerTransport{s.handler()}}}
	for _, m := range mod {
		m(&cfg)
	}
	c, err := attio.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body == nil {
		r.Body = http.NoBody // as a server sees it
	}
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, r)
	return rec.Result(), nil
}

func (s *stub) requests() []seenReq {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]seenReq(nil), s.reqs...)
}

func (s *stub) count() int { return len(s.requests()) }

// client returns a Maton-mode client on s with fast backoff and no budget.
func (s *stub) client(t *testing.T, mod ...func(*attio.Config)) *attio.Client {
	t.Helper()
	cfg := attio.Config{APIKey: "secret-maton-key", BaseURL: s.URL + "/attio/v2", ControlURL: s.URL,
		Limits: &attio.Limits{}, BaseBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond}
	for _, m := range mod {
		m(&cfg)
	}
	c, err := attio.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Attio-Execution-Id", "exec-42")
	w.WriteHeader(status)
	io.WriteString(w, body)
}

func writeMaton(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	io.WriteString(w, body)
}

// hangUp closes the connection without answering.
func hangUp(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err == nil {
		conn.Close()
	}
}

func ctxTimeout(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), d)
	t.Cleanup(cancel)
	return ctx
}

func ioNop(s string) io.ReadCloser { return io.NopCloser(strings.NewReader(s)) }
