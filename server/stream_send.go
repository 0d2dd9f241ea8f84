package server

import (
	"context"
	"net/http"
	"time"

	"connectrpc.com/connect/v2"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
)

// ReasonSendTimeout is the google.rpc.ErrorInfo reason (domain "attio-facade") of a stream ended
// because its caller took no message for the send timeout. Its metadata key ResumeTokenKey holds
// the resume token of the last message the caller was sent ("" when none was: repeat the request
// as it was).
const (
	ReasonSendTimeout = "STREAM_SEND_TIMEOUT"
	ResumeTokenKey    = "resume_token"
)

// sendWatch ends a stream whose caller has stopped taking messages, so that a stalled reader
// cannot hold pages (and the memory budget) forever.
//
// A Send blocks while the caller's HTTP/2 flow-control window is full, that is while the caller
// is not reading. When one has been blocked for the timeout:
//  1. stall runs at once: fetching stops and every page not yet being sent is freed.
//  2. The message being sent is left to finish, so the caller, if it reads again, gets it whole
//     and then Unavailable with the resume token of that message (ErrorInfo ReasonSendTimeout):
//     resuming from it delivers the rest exactly once.
//  3. If the caller still reads nothing for another timeout (ResetAfter), the transport stream is reset (its
//     write deadline), which frees the last page too. The caller then sees a reset stream, and
//     resumes from the token of the last message it received.
type sendWatch struct {
	timeout time.Duration
	reset   time.Duration
	rc      *http.ResponseController // nil: no reset (handler mounted without NewHandler)
	stall   func()
	limits  *StreamLimits
	token   string // resume token of the last message sent
}

// watchSends returns the watch for one stream; token is where the stream started (the caller's
// own resume token), and stall stops the stream's producers.
func (l *StreamLimits) watchSends(ctx context.Context, token string, stall func()) *sendWatch {
	return &sendWatch{timeout: l.cfg.SendTimeout, reset: l.cfg.ResetAfter, rc: writeControlFrom(ctx), stall: stall, limits: l, token: token}
}

// send runs one Send. token is the resume token the message carries ("" for messages without
// one, such as export progress).
func (w *sendWatch) send(fn func() error, token string) error {
	stalled := make(chan struct{})
	t := time.AfterFunc(w.timeout, func() {
		defer close(stalled)
		w.limits.sendTimeouts.Add(1)
		w.stall()
		if w.rc != nil {
			_ = w.rc.SetWriteDeadline(time.Now().Add(w.reset))
		}
	})
	err := fn()
	if t.Stop() {
		if err == nil && token != "" {
			w.token = token
		}
		return err
	}
	<-stalled
	if w.rc != nil {
		_ = w.rc.SetWriteDeadline(time.Time{}) // let the error itself through
	}
	if err == nil && token != "" {
		w.token = token
	}
	return withDetail(connect.NewError(connect.CodeUnavailable,
		"the caller took no message for "+w.timeout.String()+"; resume with the resume_token in this error's ErrorInfo metadata"),
		&errdetails.ErrorInfo{Reason: ReasonSendTimeout, Domain: domainFacade, Metadata: map[string]string{ResumeTokenKey: w.token}})
}
