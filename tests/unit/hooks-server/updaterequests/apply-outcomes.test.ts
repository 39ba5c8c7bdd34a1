import { describe, expect, it } from "vitest";
import type { EffectOutcome } from "../../../../src/hooks-server/effects/effect.ts";
import { applyOutcomes } from "../../../../src/hooks-server/updaterequests/apply-outcomes.ts";
import type { UpdateRequestDecision } from "../../../../src/hooks-server/updaterequests/sync-update-request.ts";

const applying: UpdateRequestDecision = {
  status: { phase: "Progressing", appliedAt: "t", message: "applied; watching the rollout" },
  effects: [],
  resyncAfterSeconds: 10,
};
const rollingBack: UpdateRequestDecision = {
  status: { phase: "RolledBack", completedAt: "t", message: "pod web-1: CrashLoopBackOff" },
  effects: [],
};

describe("applyOutcomes", () => {
  // columns: outcome of the apply patch | status written
  it.each<[EffectOutcome, Record<string, unknown>]>([
    [
      { key: "u/apply", result: "applied", generation: 5 },
      { phase: "Progressing", appliedGeneration: 5 },
    ],
    [
      { key: "u/apply", result: "noop", generation: 5 },
      { phase: "Progressing", appliedGeneration: 5 },
    ],
    [
      { key: "u/apply", result: "conflict", message: "container nginx runs x" },
      { phase: "Failed", message: "not applied: container nginx runs x", completedAt: "t" },
    ],
    [
      {
        key: "u/apply",
        result: "refused",
        reason: "not-annotated",
        message: "Deployment shop/web does not opt in",
      },
      { phase: "Failed", message: "refused: Deployment shop/web does not opt in" },
    ],
    [
      { key: "u/apply", result: "failed", message: "PATCH …: HTTP 403 denied by admission" },
      {
        phase: "Failed",
        message: "not applied: the apiserver refused the patch: PATCH …: HTTP 403 denied by admission",
      },
    ],
  ])("%j", (outcome, status) => {
    const folded = applyOutcomes(applying, [outcome]);
    expect(folded.status).toMatchObject(status);
    expect(folded.status?.appliedGeneration === undefined).toBe(
      outcome.result !== "applied" && outcome.result !== "noop",
    );
  });

  it("ends a rollback that could not be sent as Failed, keeping why it was rolled back", () => {
    const refused = applyOutcomes(rollingBack, [
      { key: "u/rollback", result: "failed", message: "HTTP 422 invalid" },
    ]);
    expect(refused.status).toMatchObject({
      phase: "Failed",
      message:
        "rollback refused: the apiserver refused the patch: HTTP 422 invalid; pod web-1: CrashLoopBackOff",
    });
    expect(applyOutcomes(rollingBack, [{ key: "u/rollback", result: "applied" }]).status).toEqual(
      rollingBack.status,
    );
  });

  it("leaves an unchanged status unchanged", () => {
    expect(
      applyOutcomes({ status: null, effects: [] }, [{ key: "u/apply", result: "applied" }]).status,
    ).toBeNull();
  });
});
