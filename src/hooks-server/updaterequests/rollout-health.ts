/**
 * Reads a rollout's health from the live workload and its Pods (or a HelmRelease's conditions), as
 * the controllers report it.
 * Only Pods running the new image count against it: an old Pod's restarts are not the update's fault.
 */
import type { KubeObject } from "../../core/kube-object.ts";
import type { UpdateRequestSpec } from "../../core/updaterequests/update-request.ts";
import { helmReleaseKind } from "../../core/workloads/workload-kinds.ts";

/**
 * `definitive` failures are the controller's own verdict (a progress deadline: it already waited);
 * the others are observations of Pods that may recover, counted against health-check-retries.
 */
export type Health =
  | { kind: "healthy" }
  | { kind: "progressing" }
  | { kind: "failed"; reason: string; definitive: boolean };

type Status = Record<string, unknown>;
const num = (value: unknown): number => (typeof value === "number" ? value : 0);

function conditionsOf(status: Status): { type?: string; status?: string; reason?: string }[] {
  return Array.isArray(status.conditions) ? status.conditions : [];
}

const badWaiting = new Set([
  "CrashLoopBackOff",
  "ImagePullBackOff",
  "ErrImagePull",
  "InvalidImageName",
  "CreateContainerConfigError",
]);

function podFailure(pods: readonly KubeObject[], spec: UpdateRequestSpec): string | undefined {
  for (const pod of pods) {
    const status = (pod.status ?? {}) as Status;
    const statuses = [
      ...(Array.isArray(status.containerStatuses) ? status.containerStatuses : []),
      ...(Array.isArray(status.initContainerStatuses) ? status.initContainerStatuses : []),
    ] as { name?: string; image?: string; state?: { waiting?: { reason?: string } } }[];
    const mine = statuses.find((s) => s.name === spec.containerName);
    const runsNew = (
      pod.spec as
        | {
            containers?: { name?: string; image?: string }[];
            initContainers?: { name?: string; image?: string }[];
          }
        | undefined
    )?.[spec.containerType as "containers" | "initContainers"]?.some(
      (c) => c.name === spec.containerName && c.image === spec.newImage,
    );
    const reason = mine?.state?.waiting?.reason;
    if (runsNew && reason !== undefined && badWaiting.has(reason))
      return `pod ${pod.metadata.name}: ${reason}`;
  }
  return undefined;
}

const healthyIf = (done: boolean): Health => (done ? { kind: "healthy" } : { kind: "progressing" });

/** What the controller is expected to roll by itself, per kind (undefined: nothing to watch). */
function rolloutDone(target: KubeObject, status: Status, spec: Status): boolean | undefined {
  const replicas = typeof spec.replicas === "number" ? spec.replicas : 1;
  const strategy = (spec.updateStrategy ?? {}) as { type?: string; rollingUpdate?: { partition?: number } };
  switch (target.kind) {
    case "Deployment":
      return (
        num(status.updatedReplicas) >= replicas &&
        num(status.availableReplicas) >= replicas &&
        num(status.replicas) <= replicas
      );
    case "StatefulSet": {
      // OnDelete: Pods change only when someone deletes them. A partition keeps the Pods below it.
      if (strategy.type === "OnDelete") return undefined;
      const expected = Math.max(0, replicas - num(strategy.rollingUpdate?.partition));
      return num(status.updatedReplicas) >= expected && num(status.readyReplicas) >= replicas;
    }
    case "DaemonSet": {
      if (strategy.type === "OnDelete") return undefined;
      const desired = num(status.desiredNumberScheduled);
      return num(status.updatedNumberScheduled) >= desired && num(status.numberAvailable) >= desired;
    }
    default:
      // A CronJob has no rollout: the next Job starts from the new template.
      return undefined;
  }
}

function workloadProgress(target: KubeObject, appliedGeneration: number): Health {
  const status = (target.status ?? {}) as Status;
  const spec = (target.spec ?? {}) as Status;
  const deadline = conditionsOf(status).find((c) => c.type === "Progressing" && c.status === "False");
  if (deadline?.reason === "ProgressDeadlineExceeded") {
    return { kind: "failed", reason: "progress deadline exceeded", definitive: true };
  }
  if (num(status.observedGeneration) < appliedGeneration) return { kind: "progressing" };
  return healthyIf(rolloutDone(target, status, spec) ?? true);
}

/** helm-controller gave up on the version and put the release back: its verdict, not ours to wait on. */
const remediated = new Set(["RollbackSucceeded", "UninstallSucceeded"]);

/**
 * A HelmRelease's rollout is helm-controller's: `Ready` for the generation we wrote, a `Stalled`
 * release (no more retries) or a remediation is a verdict, any other `Ready=False` is counted.
 */
function releaseProgress(target: KubeObject, appliedGeneration: number): Health {
  const status = (target.status ?? {}) as Status;
  const conditions = conditionsOf(status) as {
    type?: string;
    status?: string;
    reason?: string;
    message?: string;
  }[];
  const stalled = conditions.find((c) => c.type === "Stalled" && c.status === "True");
  if (stalled !== undefined)
    return {
      kind: "failed",
      reason: `stalled: ${stalled.message ?? stalled.reason ?? ""}`.trim(),
      definitive: true,
    };
  if (num(status.observedGeneration) < appliedGeneration) return { kind: "progressing" };
  const ready = conditions.find((c) => c.type === "Ready");
  if (ready?.status === "True") return { kind: "healthy" };
  if (ready?.status !== "False") return { kind: "progressing" };
  const reason = `${ready.reason ?? "not ready"}: ${ready.message ?? ""}`.replace(/: $/, "");
  return { kind: "failed", reason, definitive: remediated.has(ready.reason ?? "") };
}

export function rolloutHealth(
  target: KubeObject,
  pods: readonly KubeObject[],
  spec: UpdateRequestSpec,
  appliedGeneration: number,
): Health {
  if (target.kind === helmReleaseKind.kind) return releaseProgress(target, appliedGeneration);
  const failure = podFailure(pods, spec);
  if (failure !== undefined) return { kind: "failed", reason: failure, definitive: false };
  return workloadProgress(target, appliedGeneration);
}
