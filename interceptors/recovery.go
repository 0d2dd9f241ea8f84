package interceptors

import (
	"context"
	"log/slog"
	"runtime/debug"

	"connectrpc.com/connect/v2"
)

// Recovery turns a handler panic into CodeInternal and logs it, so one bad request cannot take the
// process (and every other caller's streams) down with it.
func Recovery(logger *slog.Logger) connect.ServerInterceptor {
	return func(next connect.ServerFunc) connect.ServerFunc {
		return func(ctx context.Context, spec connect.Spec, stream connect.ServerStream) (err error) {
			defer func() {
				if r := recover(); r != nil {
					logger.ErrorContext(ctx, "handler panic", "procedure", spec.Procedure, "panic", r, "stack", string(debug.Stack()))
					err = connect.NewError(connect.CodeInternal, "internal error")
				}
			}()
			return next(ctx, spec, stream)
		}
	}
}
