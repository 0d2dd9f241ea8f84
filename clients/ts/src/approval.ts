// The approval flow as one call: a write the facade refuses with FailedPrecondition and an
// attio.v1.ApprovalRequired detail waits until another principal decides, then runs again with
// the approval token in the Attio-Approval header. Nothing here retries any other error.
import { Code, ConnectError, type CallOptions, type Client } from "@connectrpc/connect";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import {
  ApprovalRequiredSchema,
  ApprovalService,
  ApprovalState,
  type Approval,
  type ApprovalRequired,
} from "./gen/attio/v1/approval_service_pb.js";

/** The request header that carries an approval token. */
export const approvalHeader = "Attio-Approval";

/** The ApprovalRequired detail of err, or undefined when err is not a refusal pending approval. */
export function approvalRequired(err: unknown): ApprovalRequired | undefined {
  if (!(err instanceof ConnectError) || err.code !== Code.FailedPrecondition) {
    return undefined;
  }
  return err.findDetails(ApprovalRequiredSchema)[0];
}

/** The approval was decided against the write, or ran out before anyone decided. */
export class ApprovalNotGrantedError extends Error {
  constructor(
    /** DENIED, EXPIRED or USED. */
    readonly state: ApprovalState,
    /** The approval as last read (reason and decided_by say who denied it and why). */
    readonly approval: Approval,
  ) {
    super(
      `approval ${approval.id} ${ApprovalState[state]?.toLowerCase() ?? state}` +
        (approval.reason ? `: ${approval.reason}` : "") +
        (approval.decidedBy ? ` (by ${approval.decidedBy})` : ""),
    );
    this.name = "ApprovalNotGrantedError";
  }
}

export interface WithApprovalOptions {
  /**
   * Called once when the write needs approval, before waiting: show the summary and changes to the
   * user, or notify an approver. The wait starts when it returns (or its promise settles).
   */
  onApprovalRequired?: (detail: ApprovalRequired) => void | Promise<void>;
  /** How often to ask GetApproval while the approval is pending; default 1000 ms. */
  pollIntervalMs?: number;
  /** Gives up waiting (rejects with the signal's reason) when aborted. */
  signal?: AbortSignal;
}

/**
 * Runs call; when the facade answers that it needs approval, waits for the decision through
 * approvals (a client of the same principal, which alone may fetch the token) and runs call again
 * with the token. call receives the CallOptions to pass through (headers included):
 *
 *   const res = await withApproval((o) => records.deleteRecord(req, o), approvals);
 *
 * The second call must send the identical request: the token is bound to its bytes. A denied or
 * expired approval rejects with ApprovalNotGrantedError; any other error is rethrown unchanged.
 */
export async function withApproval<T>(
  call: (options: CallOptions) => Promise<T>,
  approvals: Client<typeof ApprovalService>,
  options: WithApprovalOptions = {},
): Promise<T> {
  const { signal } = options;
  let detail: ApprovalRequired | undefined;
  try {
    return await call({ signal });
  } catch (err) {
    detail = approvalRequired(err);
    if (detail === undefined) {
      throw err;
    }
  }
  await options.onApprovalRequired?.(detail);
  const token = await waitForToken(detail, approvals, options);
  return call({ signal, headers: { [approvalHeader]: token } });
}

/** Polls GetApproval until the approval is decided; resolves to its token once approved. */
export async function waitForToken(
  detail: Pick<ApprovalRequired, "approvalId" | "expiresAt">,
  approvals: Client<typeof ApprovalService>,
  options: Pick<WithApprovalOptions, "pollIntervalMs" | "signal"> = {},
): Promise<string> {
  const interval = options.pollIntervalMs ?? 1000;
  const deadline = detail.expiresAt ? timestampDate(detail.expiresAt).getTime() : Infinity;
  for (;;) {
    const { approval } = await approvals.getApproval({ approvalId: detail.approvalId }, { signal: options.signal });
    if (approval === undefined) {
      throw new ConnectError(`GetApproval returned no approval for ${detail.approvalId}`, Code.Internal);
    }
    switch (approval.state) {
      case ApprovalState.APPROVED:
        if (approval.token === "") {
          throw new ConnectError(`approval ${approval.id} is approved but carries no token: only its requester may fetch it`, Code.PermissionDenied);
        }
        return approval.token;
      case ApprovalState.PENDING:
        break;
      default:
        throw new ApprovalNotGrantedError(approval.state, approval);
    }
    if (Date.now() >= deadline) {
      throw new ApprovalNotGrantedError(ApprovalState.EXPIRED, approval);
    }
    await pause(Math.min(interval, Math.max(0, deadline - Date.now())), options.signal);
  }
}

/** Resolves after ms, or rejects with the signal's reason as soon as it aborts. */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
