package server

import (
	"context"

	"connectrpc.com/connect/v2"

	"github.com/attio-facade/attio-facade/attio"
)

// ConnectionHeader picks one of the Maton account's connections (Attio workspaces) per call.
const ConnectionHeader = "Maton-Connection"

// withConnection puts the caller's Maton connection (the Maton-Connection header) on the context
// of every call, where attio.Client reads it. It is part of every RPC server (NewRPCServer), so no
// handler can forget it and silently call the default connection; it is outermost, so the
// approval describer's reads go to the caller's connection too. The caller's deadline is already
// on ctx, so it bounds every upstream attempt and retry.
func withConnection(next connect.ServerFunc) connect.ServerFunc {
	return func(ctx context.Context, spec connect.Spec, stream connect.ServerStream) error {
		if info, ok := connect.CallInfoForServerContext(ctx); ok {
			if conn := info.RequestHeader().Get(ConnectionHeader); conn != "" {
				ctx = attio.WithConnection(ctx, conn)
			}
		}
		return next(ctx, spec, stream)
	}
}

// connectionOf returns the Maton connection of the call ("" for the default one).
func connectionOf(ctx context.Context) string {
	conn, _ := attio.ConnectionFrom(ctx)
	return conn
}
