package attio

import (
	"context"
	"sync/atomic"
)

// WriteLog records whether any write sent under a context may have reached Attio. The approval
// interceptor uses it to tell a failed write that provably changed nothing (its token can be used
// again) from an ambiguous one (the token stays spent).
//
// A write attempt counts as possibly delivered once any byte of its request left this process,
// unless the answer was a 429: Attio and Maton refuse a rate-limited request before processing it.
// Attempts refused before sending (connection refused, the outbound budget's own refusal, a bad
// path parameter) never count.
type WriteLog struct {
	delivered atomic.Bool
}

type writeLogKey struct{}

// WithWriteLog returns a context whose writes are recorded in the returned log.
func WithWriteLog(ctx context.Context) (context.Context, *WriteLog) {
	l := &WriteLog{}
	return context.WithValue(ctx, writeLogKey{}, l), l
}

// MayHaveWritten reports whether a write under the log's context may have reached Attio.
func (l *WriteLog) MayHaveWritten() bool { return l != nil && l.delivered.Load() }

func writeLogFrom(ctx context.Context) *WriteLog {
	l, _ := ctx.Value(writeLogKey{}).(*WriteLog)
	return l
}

// noteAttempt records one finished attempt of ep: sent says whether a byte of it left, status is
// the answer's HTTP status (0 without one).
func (l *WriteLog) noteAttempt(ep *endpoint, sent bool, status int) {
	if l == nil || !ep.write || !sent || status == 429 {
		return
	}
	l.delivered.Store(true)
}
