/**
 * Writes a person's approve/reject as a status merge patch conditional on the resourceVersion it
 * was decided from. If the request changed in between (409: the hook moved it on, or someone else
 * decided first), it is read and decided once more from its new state, so a stale read never wins
 * and a harmless race (an unrelated write) does not fail the person's call.
 */

import type { Clock } from "../../core/time/clock.ts";
import {
  type ApprovalAction,
  decideApproval,
  personalStatus,
  type Verdict,
} from "../../core/updaterequests/decide-approval.ts";
import { phaseOf, type UpdateRequest } from "../../core/updaterequests/update-request.ts";
import { kubeStatus } from "../../kube/kube-api-error.ts";
import type { ApprovalGateway } from "./approval-gateway.ts";

export interface DecisionRequest {
  readonly namespace: string;
  readonly name: string;
  readonly action: ApprovalAction;
  readonly verdict: Verdict;
  /** Written with the person's own credentials (the dashboard): only what admission lets people write. */
  readonly asPerson?: boolean;
}

export type DecisionOutcome =
  | {
      readonly result: "success";
      readonly ur: UpdateRequest;
      readonly phase: string;
      readonly attempts: number;
    }
  | { readonly result: "not-found" }
  | { readonly result: "conflict"; readonly error: string; readonly phase: string };

/** The patched object, or what stopped the write. */
async function patch(
  gateway: ApprovalGateway,
  request: DecisionRequest,
  ur: UpdateRequest,
  status: NonNullable<UpdateRequest["status"]>,
): Promise<UpdateRequest | 404 | 409> {
  try {
    const rv = ur.metadata.resourceVersion ?? "";
    return await gateway.patchUpdateRequestStatus(request.namespace, request.name, rv, status);
  } catch (error) {
    const status = kubeStatus(error);
    if (status === 404 || status === 409) return status;
    throw error;
  }
}

export async function writeDecision(
  gateway: ApprovalGateway,
  clock: Clock,
  request: DecisionRequest,
): Promise<DecisionOutcome> {
  const { namespace, name, action } = request;
  for (let attempts = 1; ; attempts++) {
    const ur = await gateway.getUpdateRequest(namespace, name);
    if (ur === undefined) return { result: "not-found" };
    const decision = decideApproval(ur, action, request.verdict, clock());
    if (!decision.ok) return { result: "conflict", error: decision.error, phase: decision.currentPhase };
    const status = request.asPerson ? personalStatus(decision.status) : decision.status;
    const written = await patch(gateway, request, ur, status);
    if (written === 404) return { result: "not-found" };
    if (written !== 409)
      return { result: "success", ur: written, phase: decision.status.phase ?? "", attempts };
    if (attempts >= 2) {
      return {
        result: "conflict",
        error: `UpdateRequest ${namespace}/${name} changed while it was being decided; try again`,
        phase: phaseOf(ur) ?? "Pending",
      };
    }
  }
}
