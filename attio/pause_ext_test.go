package attio_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/attio-facade/attio-facade/attio"
)

// roundTripFunc answers in-process, so a synctest bubble holds every goroutine of the call and its
// fake clock only moves when they all wait.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// pausingUpstream answers its first request with a 429 carrying retryAfter, and 200 afterwards.
func pausingUpstream(retryAfter string, calls *atomic.Int32) http.RoundTripper {
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		h := http.Header{"Content-Type": {"application/json"}, "X-Attio-Execution-Id": {"exec-1"}}
		if calls.Add(1) == 1 {
			h.Set("Retry-After", retryAfter)
			return &http.Response{StatusCode: 429, Header: h, Request: r, Body: io.NopCloser(strings.NewReader(
				`{"status_code":429,"type":"rate_limit_error","code":"rate_limit_exceeded","message":"slow down"}`))}, nil
		}
		return &http.Response{StatusCode: 200, Header: h, Request: r, Body: io.NopCloser(strings.NewReader(okObject))}, nil
	})
}

func pausingClient(t *testing.T, retryAfter string, calls *atomic.Int32, maxRetryAfter time.Duration) *attio.Client {
	t.Helper()
	c, err := attio.New(attio.Config{APIKey: "k", BaseURL: "http://attio.invalid/attio/v2", Limits: &attio.Limits{},
		HTTPClient: &http.Client{Transport: pausingUpstream(retryAfter, calls)}, MaxRetryAfter: maxRetryAfter})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// One caller's 429 with Retry-After: 40 pauses everyone, but a call whose deadline ends inside the
// pause fails at once, typed as a pause with the time left, instead of waiting for its deadline.
func TestPauseRefusesCallsThatCannotOutwaitIt(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var calls atomic.Int32
		c := pausingClient(t, "40", &calls, 0)
		first, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		if _, err := c.GetObject(first, "people"); !attio.IsRateLimited(err) {
			t.Fatalf("first call: want the 429, got %v", err)
		}
		if got := c.PausedFor(); got != 40*time.Second {
			t.Fatalf("PausedFor = %v, want 40s", got)
		}
		if c.Pauses() != 1 {
			t.Fatalf("Pauses = %d, want 1", c.Pauses())
		}

		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		start := time.Now()
		_, err := c.GetObject(ctx, "companies")
		if waited := time.Since(start); waited != 0 {
			t.Fatalf("the refused call waited %v", waited)
		}
		var e *attio.Error
		if !attio.IsPaused(err) || !errors.As(err, &e) || e.RetryAfter != 40*time.Second {
			t.Fatalf("want a pause refusal with RetryAfter 40s, got %v", err)
		}
		if errors.Is(err, context.DeadlineExceeded) {
			t.Fatal("a pause refusal must not read as the caller's own deadline")
		}
		if calls.Load() != 1 {
			t.Fatalf("upstream saw %d requests during the pause", calls.Load())
		}

		// A caller without a deadline waits the pause out, and no longer.
		start = time.Now()
		if _, err := c.GetObject(t.Context(), "companies"); err != nil {
			t.Fatal(err)
		}
		if waited := time.Since(start); waited != 40*time.Second {
			t.Fatalf("the patient call waited %v, want 40s", waited)
		}
		if c.PausedFor() != 0 {
			t.Fatalf("PausedFor after the pause = %v", c.PausedFor())
		}
	})
}

// A call already waiting when the pause starts is refused at once too, if its deadline ends inside.
func TestPauseRefusesWaitersAlreadyQueued(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var calls atomic.Int32
		release := make(chan struct{})
		upstream := pausingUpstream("40", &calls)
		gated := roundTripFunc(func(r *http.Request) (*http.Response, error) {
			<-release // the first request answers only once the second caller is queued
			return upstream.RoundTrip(r)
		})
		c, err := attio.New(attio.Config{APIKey: "k", BaseURL: "http://attio.invalid/attio/v2",
			Limits:     &attio.Limits{AttioReads: 0.5}, // one read per 2 s: the second caller queues
			HTTPClient: &http.Client{Transport: gated}, MaxAttempts: 1})
		if err != nil {
			t.Fatal(err)
		}
		first := make(chan error, 1)
		go func() {
			_, err := c.GetObject(t.Context(), "people")
			first <- err
		}()
		synctest.Wait() // the first call holds the only slot, its request in flight
		second := make(chan error, 1)
		var waited time.Duration
		go func() {
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			start := time.Now()
			_, err := c.GetObject(ctx, "companies")
			waited = time.Since(start)
			second <- err
		}()
		synctest.Wait() // the second call waits for the next slot
		close(release)
		if err := <-first; !attio.IsRateLimited(err) {
			t.Fatalf("first call: %v", err)
		}
		if err := <-second; !attio.IsPaused(err) {
			t.Fatalf("queued caller: want a pause refusal, got %v", err)
		}
		if waited != 0 {
			t.Fatalf("the queued call waited %v", waited)
		}
	})
}

// A Retry-After of an hour is honoured only up to MaxRetryAfter (60 s by default).
func TestRetryAfterIsCapped(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		max  time.Duration
		want time.Duration
	}{
		{"default cap", 0, attio.DefaultMaxRetryAfter},
		{"configured cap", 5 * time.Second, 5 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				var calls atomic.Int32
				c := pausingClient(t, "3600", &calls, tc.max)
				start := time.Now()
				if _, err := c.GetObject(t.Context(), "people"); err != nil {
					t.Fatal(err)
				}
				if waited := time.Since(start); waited != tc.want {
					t.Fatalf("retried after %v, want the cap %v", waited, tc.want)
				}
				if calls.Load() != 2 {
					t.Fatalf("upstream saw %d requests, want 2", calls.Load())
				}
			})
		})
	}
}
