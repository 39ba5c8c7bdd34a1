import { describe, expect, it } from "vitest";
import type { UpdateRequestStatus } from "../../../../src/core/updaterequests/update-request.ts";
import { transitionEffects } from "../../../../src/hooks-server/updaterequests/transition-effects.ts";
import { anUpdateRequest } from "../../../helpers/update-requests.ts";

const notified = (before: UpdateRequestStatus | undefined, after: UpdateRequestStatus | null, spec = {}) =>
  transitionEffects(anUpdateRequest(before, spec), after).flatMap((e) =>
    e.type === "notify" ? [e.notification.event] : [],
  );

describe("transitionEffects", () => {
  it.each<[UpdateRequestStatus | undefined, UpdateRequestStatus | null, string[]]>([
    [undefined, { phase: "Pending" }, ["update_request_created"]],
    [{ phase: "Pending" }, null, []],
    [{ phase: "Approved" }, { phase: "Applying" }, ["update_approved"]],
    [{ phase: "Progressing" }, { phase: "Completed" }, ["update_completed"]],
    [{ phase: "Progressing" }, { phase: "Failed", message: "x" }, ["update_failed"]],
    [{ phase: "Progressing" }, { phase: "RolledBack" }, ["rollback_triggered", "rollback_completed"]],
    [
      { phase: "Progressing" },
      { phase: "Failed", message: "rollback refused: y" },
      ["rollback_triggered", "rollback_failed"],
    ],
    [{ phase: "Rejected" }, { phase: "Rejected", rejectedAt: "t" }, ["update_rejected"]],
    [{ phase: "Pending" }, { phase: "Expired" }, []],
  ])("from %j to %j notifies %j", (before, after, events) => {
    expect(notified(before, after)).toEqual(events);
  });

  it("says once, on the request and its target, that a GitOps tool applies the target", () => {
    const condition = {
      type: "GitOpsManaged",
      status: "True" as const,
      reason: "FluxKustomization",
      message: "Deployment shop/web is applied by Flux Kustomization flux-system/apps …",
      lastTransitionTime: "2026-11-25T12:00:00.000Z",
    };
    const gitops = (before: UpdateRequestStatus | undefined, after: UpdateRequestStatus) =>
      transitionEffects(anUpdateRequest(before), after).flatMap((e) =>
        e.type === "event" && e.reason === "GitOpsManaged" ? [`${e.regarding.kind} ${e.message}`] : [],
      );
    const pending = { phase: "Pending" as const, conditions: [condition] };
    expect(gitops(undefined, pending)).toEqual([
      `UpdateRequest ${condition.message}`,
      `Deployment ${condition.message}`,
    ]);
    expect(gitops(pending, { ...pending, phase: "Approved" })).toEqual([]);
    expect(gitops({ phase: "Pending" }, pending)).toHaveLength(2);
  });

  it("does not announce an approval nobody gave", () => {
    expect(notified(undefined, { phase: "Applying" }, { approval: "Automatic" })).toEqual([]);
  });

  it("raises a Kubernetes Event on the request and on the workload for every phase change", () => {
    const effects = transitionEffects(anUpdateRequest({ phase: "Progressing" }), {
      phase: "Failed",
      message: "pod web-1: CrashLoopBackOff",
    });
    const events = effects.filter((e) => e.type === "event");
    expect(events.map((e) => e.type === "event" && [e.regarding.kind, e.eventType, e.reason])).toEqual([
      ["UpdateRequest", "Warning", "UpdateFailed"],
      ["Deployment", "Warning", "UpdateFailed"],
    ]);
  });

  it("keys every effect by the request's uid and phase, so a retry is recognisable", () => {
    const keys = transitionEffects(anUpdateRequest({ phase: "Progressing" }), { phase: "Completed" }).map(
      (e) => e.key,
    );
    expect(keys).toEqual(["ur-1/Completed/ur", "ur-1/Completed/target", "ur-1/Completed/update_completed"]);
  });
});
