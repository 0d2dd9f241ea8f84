package interceptors

import (
	"log/slog"

	"connectrpc.com/connect/v2"
	"connectrpc.com/validate"
)

// ChainConfig holds the interceptors to compose. Nil members are skipped.
type ChainConfig struct {
	Logger    *slog.Logger
	Telemetry connect.ServerInterceptor
	Drain     *Drain
	Auth      connect.ServerInterceptor
	RateLimit connect.ServerInterceptor
	Approvals connect.ServerInterceptor
}

// Chain composes the interceptors in the one order that is right, outermost first:
//
//  1. Telemetry: every call is measured, refusals and panics included.
//  2. Recovery: nothing escapes as a crash. Inside telemetry, so a panic ends the span with an
//     error status and is counted as Internal by the RPC metrics; outside, telemetry would see
//     the panic unwind past it and record nothing.
//  3. Drain: no new calls during shutdown; streams end resumably.
//  4. Auth: who is calling, and may they call this procedure on this connection. Before any payload
//     work, so anonymous callers cannot make us decode anything.
//  5. Rate limit: per principal, so it needs the principal.
//  6. Size limits, then validation (protovalidate): bad input is InvalidArgument before anything
//     else looks at it, in particular before an approval is created for it. Limits first: counting
//     100,000 values is cheap, validating them is not.
//  7. Approvals: the write runs only with a valid, single-use approval for this exact request.
func Chain(c ChainConfig) []connect.ServerInterceptor {
	logger := c.Logger
	if logger == nil {
		logger = slog.Default()
	}
	var out []connect.ServerInterceptor
	if c.Telemetry != nil {
		out = append(out, c.Telemetry)
	}
	out = append(out, Recovery(logger))
	if c.Drain != nil {
		out = append(out, c.Drain.Interceptor())
	}
	if c.Auth != nil {
		out = append(out, c.Auth)
	}
	if c.RateLimit != nil {
		out = append(out, c.RateLimit)
	}
	out = append(out, Limits(), validate.NewServerInterceptor())
	if c.Approvals != nil {
		out = append(out, c.Approvals)
	}
	return out
}
