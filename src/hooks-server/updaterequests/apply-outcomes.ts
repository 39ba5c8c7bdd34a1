/**
 * Folds what the executor did back into the status the hook answers with: the generation the
 * patch produced (the rollout is watched from there), or a refusal when the workload had changed.
 */

import type { UpdateRequestStatus } from "../../core/updaterequests/update-request.ts";
import type { EffectOutcome } from "../effects/effect.ts";
import type { UpdateRequestDecision } from "./sync-update-request.ts";

function fold(status: UpdateRequestStatus, outcome: EffectOutcome): UpdateRequestStatus {
  const step = outcome.key.slice(outcome.key.lastIndexOf("/") + 1);
  if (step === "apply" && outcome.result === "conflict") {
    return {
      ...status,
      phase: "Failed",
      message: `not applied: ${outcome.message}`,
      completedAt: status.appliedAt,
    };
  }
  if (step === "rollback" && outcome.result === "conflict") {
    return {
      ...status,
      phase: "Failed",
      message: `rollback refused: ${outcome.message}; ${status.message ?? ""}`.trim(),
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
