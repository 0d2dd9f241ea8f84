package attio_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/attio-facade/attio-facade/attio"
)

const okObject = `{"data":{"id":{"workspace_id":"w","object_id":"o"},"api_slug":"people","singular_noun":"Person","plural_noun":"People","created_at":"2023-01-01T15:00:00.000000000Z"}}`
const okRecord = `{"data":{"id":{"workspace_id":"w","object_id":"o","record_id":"r"},"created_at":"t","web_url":"u","values":{}}}`
const attio500 = `{"status_code":500,"type":"api_error","code":"internal","message":"boom"}`

func TestRetryPolicy(t *testing.T) {
	t.Parallel()
	getRecord := func(ctx context.Context, c *attio.Client) error {
		_, err := c.GetRecord(ctx, "people", "r")
		return err
	}
	createRecord := func(ctx context.Context, c *attio.Client) error {
		_, err := c.CreateRecord(ctx, "people", nil)
		return err
	}
	patchRecord := func(ctx context.Context, c *attio.Client) error {
		_, err := c.UpdateRecord(ctx, "people", "r", nil)
		return err
	}
	putRecord := func(ctx context.Context, c *attio.Client) error {
		_, err := c.OverwriteRecord(ctx, "people", "r", nil)
		return err
	}
	assertRecord := func(ctx context.Context, c *attio.Client) error {
		_, err := c.AssertRecord(ctx, "people", "domains", nil)
		return err
	}
	deleteRecord := func(ctx context.Context, c *attio.Client) error { return c.DeleteRecord(ctx, "people", "r") }
	queryRecords := func(ctx context.Context, c *attio.Client) error {
		_, err := c.QueryRecordsPage(ctx, "people", attio.Query{})
		return err
	}
	fail := func(status int, hdr ...string) func(w http.ResponseWriter) {
		return func(w http.ResponseWriter) {
			for i := 0; i+1 < len(hdr); i += 2 {
				w.Header().Set(hdr[i], hdr[i+1])
			}
			writeJSON(w, status, attio500)
		}
	}
	cases := []struct {
		name      string
		call      func(context.Context, *attio.Client) error
		first     func(w http.ResponseWriter) // answer to the first attempt; later ones succeed
		okBody    string
		wantCalls int
		wantErr   bool
	}{
		{"GET 500 retried", getRecord, fail(500), okRecord, 2, false},
		{"GET 503 retried", getRecord, fail(503), okRecord, 2, false},
		{"GET 408 retried", getRecord, fail(408), okRecord, 2, false},
		{"GET 429 seconds retried", getRecord, fail(429, "Retry-After", "0"), okRecord, 2, false},
		{"GET hang-up retried", getRecord, hangUp, okRecord, 2, false},
		{"query POST 500 retried", queryRecords, fail(500), `{"data":[]}`, 2, false},
		{"PUT 502 retried", putRecord, fail(502), okRecord, 2, false},
		{"assert PUT 500 retried", assertRecord, fail(500), okRecord, 2, false},
		{"DELETE 500 retried", deleteRecord, fail(500), `{}`, 2, false},
		{"create POST 500 not retried", createRecord, fail(500), okRecord, 1, true},
		{"create POST 408 not retried", createRecord, fail(408), okRecord, 1, true},
		{"create POST hang-up after send not retried", createRecord, hangUp, okRecord, 1, true},
		{"create POST 429 retried", createRecord, fail(429, "Retry-After", "0"), okRecord, 2, false},
		{"PATCH 503 not retried", patchRecord, fail(503), okRecord, 1, true},
		{"PATCH 429 retried", patchRecord, fail(429), okRecord, 2, false},
		{"GET 404 not retried", getRecord, func(w http.ResponseWriter) {
			writeJSON(w, 404, `{"status_code":404,"type":"invalid_request_error","code":"not_found","message":"nope"}`)
		}, okRecord, 1, true},
		{"Maton 500 expired auth not retried", getRecord, func(w http.ResponseWriter) {
			writeMaton(w, 500, `{"error":{"code":"CONNECTION_EXPIRED","message":"authorization expired"}}`)
		}, okRecord, 1, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newStub(t, func(n int, w http.ResponseWriter, r *http.Request) {
				if n == 1 {
					tc.first(w)
					return
				}
				writeJSON(w, 200, tc.okBody)
			})
			err := tc.call(ctxTimeout(t, 10*time.Second), s.client(t))
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if got := s.count(); got != tc.wantCalls {
				t.Errorf("upstream saw %d requests, want %d", got, tc.wantCalls)
			}
		})
	}
}

// TestRetryAfterHTTPDate: Attio's 429 carries an HTTP date; the retry must
// not happen before it.
func TestRetryAfterHTTPDate(t *testing.T) {
	t.Parallel()
	var until atomic.Value
	s := newStub(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 1 {
			u := time.Now().Add(1500 * time.Millisecond).Truncate(time.Second)
			until.Store(u)
			w.Header().Set("Retry-After", u.UTC().Format(http.TimeFormat))
			writeJSON(w, 429, `{"status_code":429,"type":"rate_limit_error","code":"rate_limit_exceeded","message":"Rate limit exceeded, please try again later"}`)
			return
		}
		writeJSON(w, 200, okObject)
	})
	if _, err := s.client(t).GetObject(ctxTimeout(t, 10*time.Second), "people"); err != nil {
		t.Fatal(err)
	}
	reqs := s.requests()
	if len(reqs) != 2 {
		t.Fatalf("want 2 requests, got %d", len(reqs))
	}
	if u := until.Load().(time.Time); reqs[1].at.Before(u) {
		t.Errorf("retried at %v, before Retry-After %v", reqs[1].at, u)
	}
}

// TestRateLimitPausesEveryone: after one caller's 429, other callers wait
// for Retry-After too instead of hammering the upstream.
func TestRateLimitPausesEveryone(t *testing.T) {
	t.Parallel()
	s := newStub(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 1 {
			w.Header().Set("Retry-After", "1")
			writeMaton(w, 429, `{"error":{"code":"RATE_LIMITED","message":"slow down"}}`)
			return
		}
		writeJSON(w, 200, okObject)
	})
	// The client pauses before it reports the attempt: once the 429 is observed, the pause is on.
	limited := make(chan struct{})
	var once sync.Once
	c := s.client(t, func(c *attio.Config) {
		c.Observer = attio.ObserverFunc(func(_ context.Context, a attio.Attempt) {
			if a.StatusCode == http.StatusTooManyRequests {
				once.Do(func() { close(limited) })
			}
		})
	})
	ctx := ctxTimeout(t, 10*time.Second)
	done := make(chan error, 1)
	go func() { _, err := c.GetObject(ctx, "people"); done <- err }()
	<-limited
	if _, err := c.GetObject(ctx, "companies"); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	reqs := s.requests()
	for _, r := range reqs[1:] {
		// A lower bound: a slow machine only makes the gap longer.
		if gap := r.at.Sub(reqs[0].at); gap < 900*time.Millisecond {
			t.Errorf("request %s sent %v after the 429, inside Retry-After", r.path, gap)
		}
	}
}

// TestCreateRetriedWhenNeverSent: a dial that fails sent no byte, so even a
// create is retried.
func TestCreateRetriedWhenNeverSent(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens: connection refused
	var attempts atomic.Int32
	c, err := attio.New(attio.Config{APIKey: "k", BaseURL: "http://" + addr + "/attio/v2", Limits: &attio.Limits{},
		MaxAttempts: 3, BaseBackoff: time.Millisecond, MaxBackoff: time.Millisecond,
		Observer: attio.ObserverFunc(func(_ context.Context, a attio.Attempt) { attempts.Add(1) })})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateRecord(ctxTimeout(t, 10*time.Second), "people", nil)
	if !attio.IsTransport(err) {
		t.Fatalf("want transport error, got %v", err)
	}
	if n := attempts.Load(); n != 3 {
		t.Errorf("attempts = %d, want 3", n)
	}
}

// TestDeadlineRespected: a Retry-After past the deadline fails fast with
// the upstream error instead of sleeping.
func TestDeadlineRespected(t *testing.T) {
	t.Parallel()
	s := newStub(t, func(n int, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", strconv.Itoa(30))
		writeJSON(w, 503, attio500)
	})
	// Retry-After (30 s) is past the deadline (20 s): the client must not wait. Had it waited, the
	// deadline would have passed by the time it returned; a slow machine never takes 20 s.
	ctx := ctxTimeout(t, 20*time.Second)
	_, err := s.client(t).GetObject(ctx, "people")
	if ctx.Err() != nil {
		t.Errorf("the call returned only after its deadline (%v) although the retry could not fit it", ctx.Err())
	}
	var e *attio.Error
	if !errors.As(err, &e) || e.StatusCode != 503 || e.RetryAfter != 30*time.Second {
		t.Fatalf("want the 503 with RetryAfter 30s, got %#v", err)
	}
	if s.count() != 1 {
		t.Errorf("upstream saw %d requests, want 1", s.count())
	}
}

// TestRetriesExhausted: the last error is returned with the attempt count.
func TestRetriesExhausted(t *testing.T) {
	t.Parallel()
	s := newStub(t, func(n int, w http.ResponseWriter, r *http.Request) { writeJSON(w, 500, attio500) })
	_, err := s.client(t, func(c *attio.Config) { c.MaxAttempts = 3 }).GetObject(ctxTimeout(t, 5*time.Second), "people")
	var e *attio.Error
	if !errors.As(err, &e) {
		t.Fatalf("want *attio.Error, got %v", err)
	}
	if e.Attempts != 3 || e.StatusCode != 500 || s.count() != 3 {
		t.Fatalf("got %v (attempts %d), upstream %d", err, e.Attempts, s.count())
	}
}
