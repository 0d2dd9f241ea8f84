package interceptors

import (
	"context"
	"sync"

	"connectrpc.com/connect/v2"
)

// Drain ends server streams cleanly when the process shuts down. http.Server.Shutdown waits for
// in-flight requests, but a long export would hold it until the hard deadline and then be cut
// mid-message; instead, once Start is called, every running stream's context is cancelled and the
// stream ends with Unavailable, a retryable code, so the caller resumes from its last token.
type Drain struct {
	once sync.Once
	done chan struct{}
}

// NewDrain returns a Drain that has not started.
func NewDrain() *Drain { return &Drain{done: make(chan struct{})} }

// Start begins draining; it is safe to call more than once.
func (d *Drain) Start() { d.once.Do(func() { close(d.done) }) }

// Draining reports whether Start was called.
func (d *Drain) Draining() bool {
	select {
	case <-d.done:
		return true
	default:
		return false
	}
}

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
			ctx, cancel := context.WithCancel(ctx)
			defer cancel()
			go func() {
				select {
				case <-d.done:
					cancel()
				case <-ctx.Done():
				}
			}()
			err := next(ctx, spec, stream)
			if d.Draining() && ctx.Err() != nil {
				return connect.NewError(connect.CodeUnavailable, "server is shutting down; resume with the last resume_token")
			}
			return err
		}
	}
}
