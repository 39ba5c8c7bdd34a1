import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../../../src/core/kube-object.ts";
import { rolloutHealth } from "../../../../src/hooks-server/updaterequests/rollout-health.ts";
import { aHelmRelease } from "../../../helpers/helm-releases.ts";
import { anUpdateRequest } from "../../../helpers/update-requests.ts";

const spec = anUpdateRequest().spec;
const object = (
  kind: string,
  specFields: Record<string, unknown>,
  status: Record<string, unknown>,
): KubeObject => ({
  apiVersion: kind === "CronJob" ? "batch/v1" : "apps/v1",
  kind,
  metadata: { name: "x", namespace: "shop", generation: 4 },
  spec: specFields,
  status: { observedGeneration: 4, ...status },
});

describe("rolloutHealth", () => {
  // Columns: what, kind, spec, status, expected kind of health.
  it.each<[string, string, Record<string, unknown>, Record<string, unknown>, string]>([
    [
      "a StatefulSet all updated and ready",
      "StatefulSet",
      { replicas: 3 },
      { updatedReplicas: 3, readyReplicas: 3 },
      "healthy",
    ],
    [
      "a StatefulSet half way",
      "StatefulSet",
      { replicas: 3 },
      { updatedReplicas: 1, readyReplicas: 3 },
      "progressing",
    ],
    [
      "a StatefulSet whose partition keeps two Pods back",
      "StatefulSet",
      { replicas: 3, updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 2 } } },
      { updatedReplicas: 1, readyReplicas: 3 },
      "healthy",
    ],
    [
      "an OnDelete StatefulSet (nothing rolls by itself)",
      "StatefulSet",
      { replicas: 3, updateStrategy: { type: "OnDelete" } },
      {},
      "healthy",
    ],
    [
      "a DaemonSet everywhere",
      "DaemonSet",
      {},
      { desiredNumberScheduled: 4, updatedNumberScheduled: 4, numberAvailable: 4 },
      "healthy",
    ],
    [
      "a DaemonSet half way",
      "DaemonSet",
      {},
      { desiredNumberScheduled: 4, updatedNumberScheduled: 2, numberAvailable: 4 },
      "progressing",
    ],
    [
      "an OnDelete DaemonSet",
      "DaemonSet",
      { updateStrategy: { type: "OnDelete" } },
      { desiredNumberScheduled: 4 },
      "healthy",
    ],
    ["a Deployment scaled to zero", "Deployment", { replicas: 0 }, {}, "healthy"],
    [
      "a Deployment with old Pods still running",
      "Deployment",
      { replicas: 2 },
      { replicas: 3, updatedReplicas: 2, availableReplicas: 2 },
      "progressing",
    ],
    ["a CronJob", "CronJob", {}, {}, "healthy"],
    [
      "a controller that has not seen the patch",
      "Deployment",
      { replicas: 1 },
      { observedGeneration: 3, updatedReplicas: 1, availableReplicas: 1, replicas: 1 },
      "progressing",
    ],
  ])("%s is %s", (_what, kind, specFields, status, expected) => {
    expect(rolloutHealth(object(kind, specFields, status), [], spec, 4).kind).toBe(expected);
  });
});

describe("rolloutHealth of a HelmRelease (helm-controller's conditions)", () => {
  const ready = (status: string, reason: string, message = "") => ({
    type: "Ready",
    status,
    reason,
    message,
  });
  const release = (status: Record<string, unknown>) => aHelmRelease("6.5.1", { status, generation: 4 });
  const chartSpec = anUpdateRequest(undefined, { containerType: "chart", containerName: "podinfo" }).spec;

  it.each<[string, Record<string, unknown>, unknown]>([
    [
      "Ready for our generation",
      { observedGeneration: 4, conditions: [ready("True", "UpgradeSucceeded")] },
      { kind: "healthy" },
    ],
    [
      "Ready, but for an older generation",
      { observedGeneration: 3, conditions: [ready("True", "UpgradeSucceeded")] },
      { kind: "progressing" },
    ],
    [
      "no verdict yet",
      { observedGeneration: 4, conditions: [ready("Unknown", "Progressing")] },
      { kind: "progressing" },
    ],
    [
      "an upgrade that failed (helm-controller may retry): counted",
      { observedGeneration: 4, conditions: [ready("False", "UpgradeFailed", "timed out waiting")] },
      { kind: "failed", reason: "UpgradeFailed: timed out waiting", definitive: false },
    ],
    [
      "helm-controller rolled it back: a verdict",
      { observedGeneration: 4, conditions: [ready("False", "RollbackSucceeded")] },
      { kind: "failed", reason: "RollbackSucceeded", definitive: true },
    ],
    [
      "stalled: no more retries",
      {
        observedGeneration: 4,
        conditions: [
          {
            type: "Stalled",
            status: "True",
            reason: "RetriesExceeded",
            message: "upgrade retries exhausted",
          },
        ],
      },
      { kind: "failed", reason: "stalled: upgrade retries exhausted", definitive: true },
    ],
  ])("%s", (_, status, expected) => {
    expect(rolloutHealth(release(status), [], chartSpec, 4)).toEqual(expected);
  });
});
