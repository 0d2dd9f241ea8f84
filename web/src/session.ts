// The caller's bearer token lives in sessionStorage only: it survives a reload of this tab, never
// reaches another tab, a URL, or the server except in the Authorization header.
import type { WhoAmIResponse } from "@attio-facade/client/gen/attio/v1/session_service_pb.js";

const KEY = "attio-facade.token";

let current: WhoAmIResponse | undefined;

/** The signed-in caller (WhoAmI), once known. */
export function principal(): WhoAmIResponse | undefined {
  return current;
}

export function setPrincipal(p: WhoAmIResponse | undefined): void {
  current = p;
}

export function token(): string | null {
  return sessionStorage.getItem(KEY);
}

export function signIn(t: string): void {
  sessionStorage.setItem(KEY, t.trim());
}

export function signOut(): void {
  sessionStorage.removeItem(KEY);
}
