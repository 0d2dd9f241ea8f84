package main

import (
	"fmt"
	"net/http"
	"os"
	"sync"
	"time"
)

// requestLog wraps the sandbox with a log of every request it receives, one line each:
// "<arrival, unix ns> <status> <method> <path> <ns to answer, latency included>". It is how tests
// of several facades in front of one sandbox see the upstream traffic they made together
// (requests per window, 429s, writes), and how benchmarks see where a budget went unused.
type requestLog struct {
	next http.Handler
	mu   sync.Mutex
	f    *os.File
}

func newRequestLog(next http.Handler, path string) (*requestLog, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("--request-log: %w", err)
	}
	return &requestLog{next: next, f: f}, nil
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

func (r *statusRecorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (l *requestLog) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	arrived := time.Now()
	rec := &statusRecorder{ResponseWriter: w}
	l.next.ServeHTTP(rec, r)
	l.mu.Lock()
	defer l.mu.Unlock()
	// One write per line, unbuffered: a killed sandbox keeps every line it answered.
	_, _ = fmt.Fprintf(l.f, "%d %d %s %s %d\n", arrived.UnixNano(), rec.status, r.Method, r.URL.Path, time.Since(arrived))
}

func (l *requestLog) Close() error { return l.f.Close() }
