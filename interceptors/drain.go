package interceptors

import (
	"context"
	"errors"

	"connectrpc.com/connect/v2"
)

// errDraining is the cancellation cause of a stream cut short by Start.
var errDraining = errors.New("server is draining")

// Drain ends server streams cleanly when the process shuts down. http.Server.Shutdown waits for
// in-flight requests, but a long export would hold it until the hard deadline and then be cut
// mid-message; instead, once Start is called, every running stream's context is cancelled and the
// stream ends with Unavailable, a retryable code, so the caller resumes from its last token.
type Drain struct {
	ctx   context.Context // done once draining
	start context.CancelFunc
}

// NewDrain returns a Drain that has not started.
func NewDrain() *Drain {
	ctx, start := context.WithCancel(context.Background())
	return &Drain{ctx: ctx, start: start}
}

// Start begins draining; it is safe to call more than once.
func (d *Drain) Start() { d.start() }

// Draining reports whether Start was called.
func (d *Drain) Draining() bool { return d.ctx.Err() != nil }

// Interceptor refuses new calls while draining and cuts running server streams short.
func (d *Drain) Interceptor() connect.ServerInterceptor {
	return func(next connect.ServerFunc) connect.ServerFunc {
		return func(ctx context.Context, spec connect.Spec, stream connect.ServerStream) error {
			if d.Draining() {
				return connect.NewError(connect.CodeUnavailable, "server is shutting down; retry against another replica")
			}
			if spec.StreamType != connect.StreamTypeServer {
				// Unary calls are short: let Shutdown wait for them.
				return next(ctx, spec, stream)
			}
			// AfterFunc, not a goroutine per stream: a waiting stream costs a registration, and
			// the cause tells a drain from the caller going away.
			ctx, cancel := context.WithCancelCause(ctx)
			defer cancel(nil)
			defer context.AfterFunc(d.ctx, func() { cancel(errDraining) })()
			err := next(ctx, spec, stream)
			// A stream that ended on its own keeps its outcome, even if the drain began since.
			if err != nil && errors.Is(context.Cause(ctx), errDraining) {
				return connect.NewError(connect.CodeUnavailable, "server is shutting down; resume with the last resume_token")
			}
			return err
		}
	}
}
