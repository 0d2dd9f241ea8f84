package interceptors_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"connectrpc.com/connect/v2"

	"github.com/attio-facade/attio-facade/internal/testkit"
)

// rawGetRecord calls GetRecord over Connect's JSON protocol with the given extra headers, so the
// test controls Connect-Timeout-Ms itself (a client would refuse to send a spent deadline).
func (e *env) rawGetRecord(t *testing.T, header map[string]string) (status int, body string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, e.url+"/attio.v1.RecordService/GetRecord",
		strings.NewReader(`{"object":"people","recordId":"`+recordA+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Connect-Protocol-Version", "1")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// Finding 1 of issue 9: one request with an unknown kid and a 1 ms deadline, right after start,
// must not lock every valid JWT out for the refresh interval. The JWKS fetch it starts runs
// detached from its context and is shared with the next caller.
func TestJWKSFetchOutlivesTheCallersDeadline(t *testing.T) {
	t.Parallel()
	jwks := newJWKS(t, "k1")
	jwks.addKey(t, "forged", false)
	release := jwks.hold()
	t.Cleanup(release)
	e := newEnv(t, envOptions{jwks: jwks})

	forged := jwks.sign(t, "forged", goodClaims(e.clock.Now(), "mallory", "read"))
	status, body := e.rawGetRecord(t, map[string]string{"Authorization": "Bearer " + forged, "Connect-Timeout-Ms": "1"})
	if status == http.StatusOK {
		t.Fatalf("forged kid accepted: %s", body)
	}
	// The identity provider answers only now, after the caller's deadline has passed.
	release()
	valid := jwks.sign(t, "k1", goodClaims(e.clock.Now(), "alice", "read"))
	if err := e.get(recordA)(callCtx(t.Context(), valid, "", "")); err != nil {
		t.Fatalf("valid JWT after a timed-out unknown-kid request: %v", err)
	}
	if n := jwks.fetches.Load(); n != 1 {
		t.Fatalf("JWKS fetches = %d, want 1 (shared by both callers)", n)
	}
}

// Concurrent callers on a cold cache share one JWKS fetch, and all of them succeed.
func TestJWKSConcurrentCallersShareOneFetch(t *testing.T) {
	t.Parallel()
	jwks := newJWKS(t, "k1")
	release := jwks.hold()
	t.Cleanup(release)
	e := newEnv(t, envOptions{jwks: jwks})
	token := jwks.sign(t, "k1", goodClaims(e.clock.Now(), "alice", "read"))

	const callers = 16
	errs := make(chan error, callers)
	var wg sync.WaitGroup
	for range callers {
		wg.Go(func() { errs <- e.get(recordA)(callCtx(t.Context(), token, "", "")) })
	}
	// Hold the fetch until it has started, so the callers pile up behind it.
	testkit.Until(t, "a JWKS fetch", func() bool { return jwks.fetches.Load() >= 1 })
	release()
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("caller: %v", err)
		}
	}
	if n := jwks.fetches.Load(); n != 1 {
		t.Fatalf("JWKS fetches = %d for %d concurrent callers, want 1", n, callers)
	}
}

// A failed fetch is retried after a backoff (1s, then 2s, ...) instead of spending the once-a-minute
// unknown-kid allowance, and the backoff keeps an outage from turning every call into a fetch.
func TestJWKSFailedFetchIsRetriedWithBackoff(t *testing.T) {
	t.Parallel()
	jwks := newJWKS(t, "k1")
	jwks.failures.Store(2)
	e := newEnv(t, envOptions{jwks: jwks})
	steps := []struct {
		advance time.Duration
		want    connect.Code
		fetches int32
	}{
		{0, connect.CodeUnauthenticated, 1},           // fails: retry in 1s
		{0, connect.CodeUnauthenticated, 1},           // backing off: no fetch
		{time.Second, connect.CodeUnauthenticated, 2}, // fails again: retry in 2s
		{time.Second, connect.CodeUnauthenticated, 2}, // still backing off
		{time.Second, 0, 3},                           // the provider is back
		{0, 0, 3},                                     // cached
	}
	for i, s := range steps {
		e.clock.Advance(s.advance)
		token := jwks.sign(t, "k1", goodClaims(e.clock.Now(), "alice", "read"))
		err := e.get(recordA)(callCtx(t.Context(), token, "", ""))
		if got := codeOf(err); got != s.want {
			t.Fatalf("step %d: code = %v, want %v (%v)", i, got, s.want, err)
		}
		if n := jwks.fetches.Load(); n != s.fetches {
			t.Fatalf("step %d: fetches = %d, want %d", i, n, s.fetches)
		}
	}
}

// A provider that never answers costs a caller without a deadline at most the fetch timeout: the
// detached fetch has its own.
func TestJWKSFetchHasItsOwnTimeout(t *testing.T) {
	t.Parallel()
	jwks := newJWKS(t, "k1")
	t.Cleanup(jwks.hold())
	e := newEnv(t, envOptions{jwks: jwks, fetchTimeout: 50 * time.Millisecond})
	token := jwks.sign(t, "k1", goodClaims(e.clock.Now(), "alice", "read"))
	if _, err := e.auth.Authenticate(context.WithoutCancel(t.Context()), "Bearer "+token); connect.CodeOf(err) != connect.CodeUnauthenticated {
		t.Fatalf("hung provider: %v, want Unauthenticated", err)
	}
}
