package main

import (
	"errors"
	"time"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connectproto"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
)

// maxRetryWait caps the exporter's own backoff; a server's RetryInfo may ask for longer.
const maxRetryWait = 30 * time.Second

// transient reports whether an export error is worth repeating from the last token: the facade or
// Attio is briefly unavailable, a deadline passed, or a rate limit said when to come back.
// Everything else (bad flags, unknown object, credentials) would fail the same way again.
func transient(err error) bool {
	switch connect.CodeOf(err) {
	case connect.CodeUnavailable, connect.CodeDeadlineExceeded:
		return true
	case connect.CodeResourceExhausted:
		_, ok := retryDelay(err)
		return ok
	}
	return false
}

// retryDelay is the delay of the error's google.rpc.RetryInfo, if it has one.
func retryDelay(err error) (time.Duration, bool) {
	var ce *connect.Error
	if !errors.As(err, &ce) {
		return 0, false
	}
	for _, d := range ce.Details() {
		m, derr := connectproto.UnmarshalErrorDetail(d)
		if ri, ok := m.(*errdetails.RetryInfo); derr == nil && ok && ri.GetRetryDelay() != nil {
			return max(ri.GetRetryDelay().AsDuration(), 0), true
		}
	}
	return 0, false
}

// retryWait is how long to wait before retry n (1-based): the server's RetryInfo delay when it
// gave one, else first doubled n-1 times, at most maxRetryWait.
func retryWait(err error, first time.Duration, n int) time.Duration {
	if d, ok := retryDelay(err); ok {
		return d
	}
	w := first
	for i := 1; i < n && w < maxRetryWait; i++ {
		w *= 2
	}
	return min(w, maxRetryWait)
}
