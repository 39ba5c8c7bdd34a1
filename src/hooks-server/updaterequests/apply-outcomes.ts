/**
 * Folds what the executor did back into the status the hook writes: the generation the patch
 * produced (the rollout is watched from there), or the end of the request when the patch did not
 * happen: someone else changed the container first (their change is kept), the live cluster did
 * not back it (`refused`), or the apiserver refused it for good (admission, RBAC, validation).
 */

import type { UpdateRequestStatus } from "../../core/updaterequests/update-request.ts";
import type { EffectOutcome } from "../effects/effect.ts";
import type { UpdateRequestDecision } from "./sync-update-request.ts";

function whyNot(outcome: EffectOutcome): string | undefined {
  switch (outcome.result) {
    case "conflict":
    case "refused":
      return outcome.message;
    case "failed":
      return `the apiserver refused the patch: ${outcome.message}`;
    default:
      return undefined;
  }
}

function fold(status: UpdateRequestStatus, outcome: EffectOutcome): UpdateRequestStatus {
  const step = outcome.key.slice(outcome.key.lastIndexOf("/") + 1);
  const why = whyNot(outcome);
  if (step === "apply" && why !== undefined) {
    const message = `${outcome.result === "refused" ? "refused" : "not applied"}: ${why}`;
    return { ...status, phase: "Failed", message, completedAt: status.appliedAt };
  }
  if (step === "rollback" && why !== undefined) {
    return {
      ...status,
      phase: "Failed",
      message: `rollback refused: ${why}; ${status.message ?? ""}`.trim(),
    };
  }
  if (step === "apply" && (outcome.result === "applied" || outcome.result === "noop") && outcome.generation) {
    return { ...status, appliedGeneration: outcome.generation };
  }
  return status;
}

export function applyOutcomes(
  decision: UpdateRequestDecision,
  outcomes: readonly EffectOutcome[],
): UpdateRequestDecision {
  const status = decision.status === null ? null : outcomes.reduce(fold, decision.status);
  return { ...decision, status };
}
