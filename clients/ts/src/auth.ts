import type { Interceptor } from "@connectrpc/connect";

/**
 * Sends Authorization: Bearer <token> on every call. The facade needs it on every RPC except
 * health and reflection. Keep tokens out of URLs and logs.
 */
export function bearer(token: string): Interceptor {
  return (next) => (req) => {
    req.header.set("Authorization", `Bearer ${token}`);
    return next(req);
  };
}

/** Sends Maton-Connection: <id> on every call, to pick one of the caller's Maton connections. */
export function matonConnection(id: string): Interceptor {
  return (next) => (req) => {
    req.header.set("Maton-Connection", id);
    return next(req);
  };
}
