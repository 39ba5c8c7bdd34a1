import { describe, expect, it } from "vitest";
import type { UpdateRequestStatus } from "../../../../src/core/updaterequests/update-request.ts";
import { planTransition } from "../../../../src/hooks-server/updaterequests/plan-transition.ts";
import { anUpdateRequest } from "../../../helpers/update-requests.ts";

const notified = (before: UpdateRequestStatus | undefined, after: UpdateRequestStatus, spec = {}) =>
  planTransition(anUpdateRequest(before, spec), after).effects.flatMap((e) =>
    e.type === "notify" ? [e.notification.event] : [],
  );

describe("planTransition", () => {
  // columns: status read | status to write | notifications sent
  it.each<[UpdateRequestStatus | undefined, UpdateRequestStatus, string[]]>([
    [undefined, { phase: "Pending" }, ["update_request_created"]],
    [{ phase: "Pending" }, { phase: "Pending", message: "x" }, []],
    [{ phase: "Approved" }, { phase: "Applying" }, ["update_approved"]],
    [{ phase: "Applying" }, { phase: "Progressing" }, []],
    [{ phase: "Progressing" }, { phase: "Completed" }, ["update_completed"]],
    [{ phase: "Progressing" }, { phase: "Failed", message: "x" }, ["update_failed"]],
    [{ phase: "Progressing" }, { phase: "RollingBack", message: "x" }, ["rollback_triggered"]],
    [{ phase: "RollingBack" }, { phase: "RolledBack" }, ["rollback_completed"]],
    [{ phase: "RollingBack" }, { phase: "Failed", message: "rollback refused: y" }, ["rollback_failed"]],
    [{ phase: "Rejected" }, { phase: "Rejected", rejectedAt: "t" }, ["update_rejected"]],
    [{ phase: "Rejected", rejectedAt: "t" }, { phase: "Rejected", rejectedAt: "t", message: "m" }, []],
    [{ phase: "Pending" }, { phase: "Expired" }, []],
    [{ phase: "Pending" }, { phase: "Superseded" }, []],
  ])("from %j to %j notifies %j", (before, after, events) => {
    expect(notified(before, after)).toEqual(events);
  });

  const rollback = { type: "rollback" as const, requestedBy: "alice" };
  it.each<[UpdateRequestStatus | undefined, UpdateRequestStatus, string, string[]]>([
    [undefined, { phase: "Pending" }, "Required", ["update_request_created"]],
    [undefined, { phase: "Applying" }, "Automatic", ["rollback_triggered"]],
    [{ phase: "Approved" }, { phase: "Applying" }, "Required", ["update_approved", "rollback_triggered"]],
    [{ phase: "Progressing" }, { phase: "Completed" }, "Automatic", ["rollback_completed"]],
    [{ phase: "Progressing" }, { phase: "Failed" }, "Automatic", ["rollback_failed"]],
  ])("a person's rollback from %j to %j (%s) notifies %j", (before, after, approval, events) => {
    expect(notified(before, after, { ...rollback, approval })).toEqual(events);
  });

  it("tells a person's rollback as going from the current image to the one asked for", () => {
    const ur = anUpdateRequest({ phase: "Progressing" }, { ...rollback, newImage: "nginx:1.24.0" });
    const { effects } = planTransition(ur, { phase: "Completed" });
    expect(effects.find((e) => e.type === "notify")).toMatchObject({
      notification: { event: "rollback_completed", currentImage: "nginx:1.25.3", newImage: "nginx:1.24.0" },
    });
    expect(effects.filter((e) => e.type === "event").map((e) => e.type === "event" && e.reason)).toEqual([
      "RollbackCompleted",
      "RollbackCompleted",
    ]);
  });

  it("does not announce an approval nobody gave", () => {
    expect(notified(undefined, { phase: "Applying" }, { approval: "Automatic" })).toEqual([]);
  });

  it("claims each notification in the status it writes, before anything is sent", () => {
    const plan = planTransition(
      anUpdateRequest({ phase: "Pending", notified: ["Pending/update_request_created"] }),
      {
        phase: "Applying",
        notified: ["Pending/update_request_created"],
      },
    );
    expect(plan.status.notified).toEqual(["Pending/update_request_created", "Applying/update_approved"]);
    expect(plan.effects.map((e) => e.key)).toEqual(["ur-1/Applying/update_approved"]);
  });

  it("never sends a notification already claimed, whatever the transition says", () => {
    const claimed = anUpdateRequest({ phase: "Progressing", notified: ["Completed/update_completed"] });
    const plan = planTransition(claimed, { phase: "Completed", notified: ["Completed/update_completed"] });
    expect(plan.effects.filter((e) => e.type === "notify")).toEqual([]);
    expect(plan.status.notified).toEqual(["Completed/update_completed"]);
  });

  it("leaves the status as it is when there is nothing to claim", () => {
    const after = { phase: "Progressing" as const, failedChecks: 1 };
    expect(planTransition(anUpdateRequest({ phase: "Progressing" }), after).status).toBe(after);
  });

  it("raises a Kubernetes Event on the request and on the workload for every phase change", () => {
    const { effects } = planTransition(anUpdateRequest({ phase: "Progressing" }), {
      phase: "Failed",
      message: "pod web-1: CrashLoopBackOff",
    });
    const events = effects.filter((e) => e.type === "event");
    expect(events.map((e) => e.type === "event" && [e.regarding.kind, e.eventType, e.reason])).toEqual([
      ["UpdateRequest", "Warning", "UpdateFailed"],
      ["Deployment", "Warning", "UpdateFailed"],
    ]);
  });

  it("raises no Event for a step written just before its effect: the phase after it carries one", () => {
    const eventsOf = (from: UpdateRequestStatus, to: UpdateRequestStatus) =>
      planTransition(anUpdateRequest(from), to)
        .effects.filter((e) => e.type === "event")
        .map((e) => e.type === "event" && `${e.regarding.kind}/${e.reason}`);
    expect(eventsOf({ phase: "Approved" }, { phase: "Applying" })).toEqual([]);
    expect(eventsOf({ phase: "Progressing" }, { phase: "RollingBack", message: "x" })).toEqual([]);
    expect(eventsOf({ phase: "Applying" }, { phase: "Progressing" })).toEqual([
      "UpdateRequest/UpdateProgressing",
      "Deployment/UpdateProgressing",
    ]);
    expect(eventsOf({ phase: "RollingBack" }, { phase: "RolledBack" })).toEqual([
      "UpdateRequest/UpdateRolledBack",
      "Deployment/UpdateRolledBack",
    ]);
  });

  it("names the rollback's images the other way round and carries the failure", () => {
    const { effects } = planTransition(anUpdateRequest({ phase: "Progressing" }), {
      phase: "RollingBack",
      message: "pod web-1: CrashLoopBackOff",
    });
    const note = effects.find((e) => e.type === "notify");
    expect(note?.type === "notify" && note.notification).toMatchObject({
      event: "rollback_triggered",
      currentImage: "nginx:1.27.0",
      newImage: "nginx:1.25.3",
      errorMessage: "pod web-1: CrashLoopBackOff",
    });
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
      planTransition(anUpdateRequest(before), after).effects.flatMap((e) =>
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
});
