/**
 * Whether a person's approve/reject may be written, and what status it writes. Only a request
 * still waiting for a person (phase Pending, or no status yet: Metacontroller has not synced it)
 * can be decided; every other phase is the original's 409. Approving also needs the request to be
 * unexpired: the hook would otherwise apply a request whose wait was already over.
 */
import { phaseOf, type UpdateRequest, type UpdateRequestStatus } from "./update-request.ts";

export type ApprovalAction = "approve" | "reject";

export interface Verdict {
  readonly by: string;
  readonly reason?: string;
}

export type ApprovalDecision =
  | { readonly ok: true; readonly status: UpdateRequestStatus }
  | { readonly ok: false; readonly error: string; readonly currentPhase: string };

export function decideApproval(
  ur: UpdateRequest,
  action: ApprovalAction,
  verdict: Verdict,
  now: number,
): ApprovalDecision {
  const phase = phaseOf(ur) ?? "Pending";
  if (phase !== "Pending") {
    return { ok: false, error: `UpdateRequest is in ${phase} state, cannot ${action}`, currentPhase: phase };
  }
  if (action === "reject") {
    const reason = verdict.reason ? { reason: verdict.reason } : {};
    // rejectedAt is the hook's acknowledgement (it notifies update_rejected when it stamps it).
    return { ok: true, status: { phase: "Rejected", rejectedBy: verdict.by, ...reason } };
  }
  const expires = Date.parse(ur.spec.expiresAt);
  if (!(expires > now)) {
    return {
      ok: false,
      error: `UpdateRequest expired at ${ur.spec.expiresAt}, cannot approve`,
      currentPhase: phase,
    };
  }
  return {
    ok: true,
    status: { phase: "Approved", approvedBy: verdict.by, approvedAt: new Date(now).toISOString() },
  };
}

/**
 * The part of a decision a person writes with their own credentials: admission lets people set
 * only the phase, their name and a reason; the hook stamps the time when it acknowledges it.
 */
export function personalStatus(status: UpdateRequestStatus): UpdateRequestStatus {
  const { approvedAt: _approvedAt, rejectedAt: _rejectedAt, ...rest } = status;
  return rest;
}
