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

  const rollback = { type: "rollback" as const, requestedBy: "alice" };
  it.each<[UpdateRequestStatus | undefined, UpdateRequestStatus | null, string, string[]]>([
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
    const effects = transitionEffects(ur, { phase: "Completed" });
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
