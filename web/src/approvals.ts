// The approvals inbox: WatchApprovals keeps it live. Approvers approve or deny (deletes ask for
// confirmation); requesters see their writes' state change and fetch the approval token.
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { h, clear, status } from "./dom";
import { approvals, describe, ConnectError, Code } from "./api";
import { ApprovalState, type Approval } from "@attio-facade/client/gen/attio/v1/approval_service_pb.js";
import type { WhoAmIResponse } from "@attio-facade/client/gen/attio/v1/session_service_pb.js";

const stateName = (s: ApprovalState) => ApprovalState[s].toLowerCase();

function when(a: Approval): string {
  return a.expiresAt ? timestampDate(a.expiresAt).toLocaleString() : "";
}

function isDelete(a: Approval): boolean {
  return /\/Delete[A-Z]/.test(a.procedure);
}

export function approvalsView(main: HTMLElement, me: WhoAmIResponse): () => void {
  const ctl = new AbortController();
  const st = status();
  const list = h("ul", { class: "approvals", "aria-label": "Live approvals" });
  const past = h("ul", { class: "approvals decided", "aria-label": "Decided approvals" });
  main.append(h("h2", {}, "Approvals"), st, list, h("h3", {}, "Decided"), past);
  const canApprove = me.scopes.includes("approve");
  const seen = new Map<string, Approval>();

  // A requester's approval that left the live set was denied, used or expired: fetch it to say which.
  async function settle(id: string): Promise<void> {
    try {
      const { approval } = await approvals.getApproval({ approvalId: id }, { signal: ctl.signal });
      if (approval) past.prepend(item(approval));
    } catch { /* gone: nothing to show */ }
  }

  function decide(a: Approval, approve: boolean): () => Promise<void> {
    return async () => {
      if (!approve || isDelete(a)) {
        const what = approve ? "Approve this permanent delete?" : "Deny this write?";
        if (!confirm(`${what}\n\n${a.summary}`)) return;
      }
      try {
        if (approve) await approvals.approve({ approvalId: a.id });
        else await approvals.deny({ approvalId: a.id, reason: "denied in the console" });
        st.textContent = `${approve ? "Approved" : "Denied"}: ${a.summary}`;
      } catch (err) {
        st.textContent = describe(err);
      }
    };
  }

  async function fetchToken(a: Approval, out: HTMLElement): Promise<void> {
    try {
      const { approval } = await approvals.getApproval({ approvalId: a.id });
      clear(out);
      out.append(h("label", { for: `tok-${a.id}` }, "Approval token (send as the Attio-Approval header)"),
        h("textarea", { id: `tok-${a.id}`, class: "token", readonly: true, rows: 3 }, approval?.token ?? ""));
    } catch (err) {
      out.textContent = describe(err);
    }
  }

  function item(a: Approval): HTMLElement {
    const changes = h("table", { class: "diff" },
      h("caption", {}, "Changes"),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Field"), h("th", { scope: "col" }, "Current"), h("th", { scope: "col" }, "Proposed"))),
      h("tbody", {}, ...a.changes.map((c) => h("tr", {}, h("th", { scope: "row" }, c.field), h("td", { class: "before" }, c.before), h("td", { class: "after" }, c.after)))));
    const actions = h("div", { class: "actions" });
    const mine = a.requester === me.principal;
    if (a.state === ApprovalState.PENDING && canApprove && !mine) {
      actions.append(
        h("button", { type: "button", class: "approve", onclick: decide(a, true) as EventListener }, isDelete(a) ? "Approve delete" : "Approve"),
        h("button", { type: "button", class: "deny", onclick: decide(a, false) as EventListener }, "Deny"));
    }
    const tokenOut = h("div", { class: "token-out" });
    if (a.state === ApprovalState.APPROVED && mine) {
      actions.append(h("button", { type: "button", class: "fetch-token", onclick: (() => fetchToken(a, tokenOut)) as EventListener }, "Fetch token"));
    }
    return h("li", { class: "approval", "data-id": a.id, "data-state": stateName(a.state) },
      h("h3", {}, a.summary || a.procedure),
      h("dl", {},
        h("dt", {}, "State"), h("dd", { class: "state" }, stateName(a.state)),
        h("dt", {}, "Requester"), h("dd", {}, a.requester),
        h("dt", {}, "Procedure"), h("dd", {}, a.procedure),
        h("dt", {}, "Connection"), h("dd", {}, a.connection || "default"),
        h("dt", {}, "Expires"), h("dd", {}, when(a)),
        a.decidedBy ? h("dt", {}, "Decided by") : null, a.decidedBy ? h("dd", {}, a.decidedBy) : null,
        a.reason ? h("dt", {}, "Reason") : null, a.reason ? h("dd", {}, a.reason) : null),
      a.changes.length ? changes : null, actions, tokenOut);
  }

  void (async () => {
    for (let attempt = 0; !ctl.signal.aborted; attempt++) {
      try {
        for await (const snap of approvals.watchApprovals({}, { signal: ctl.signal })) {
          attempt = 0;
          const now = new Map(snap.approvals.map((a) => [a.id, a]));
          for (const [id, a] of seen) if (!now.has(id) && a.requester === me.principal) void settle(id);
          seen.clear();
          for (const [id, a] of now) seen.set(id, a);
          clear(list);
          list.append(...snap.approvals.map(item));
          st.textContent = snap.total === 0 ? "No pending approvals." :
            `${snap.total} live approval${snap.total === 1 ? "" : "s"}${snap.total > snap.approvals.length ? `, the newest ${snap.approvals.length} shown` : ""}.`;
        }
      } catch (err) {
        if (ctl.signal.aborted) return;
        if (ConnectError.from(err).code === Code.Unauthenticated) { st.textContent = describe(err); return; }
        st.textContent = `Reconnecting: ${describe(err)}`;
      }
      await new Promise((r) => setTimeout(r, Math.min(30000, 500 * 2 ** attempt)));
    }
  })();
  return () => ctl.abort();
}
