/** The UpdateRequest resource (`headwind.sh/v1alpha1`): its spec, status, phases and names. */
import { createHash } from "node:crypto";
import type { KubeObject } from "../kube-object.ts";
import { labels } from "../metadata-keys.ts";
import type { Policy } from "../policy/policy-spec.ts";
import type { ContainerType } from "../workloads/container-images.ts";

export const urApiVersion = "headwind.sh/v1alpha1";
export const urKind = "UpdateRequest";

export const phases = [
  "Pending",
  "Approved",
  "Rejected",
  "Expired",
  "Superseded",
  "Applying",
  "Progressing",
  "Completed",
  "Failed",
  "RollingBack",
  "RolledBack",
] as const;
export type Phase = (typeof phases)[number];

/** Waiting for a person, or on its way: at most one of these per container at a time matters. */
export const activePhases: readonly Phase[] = [
  "Pending",
  "Approved",
  "Applying",
  "Progressing",
  "RollingBack",
];
/**
 * The image a finished request says no to, if any: a person rejected the update, or the new image
 * ran and broke the rollout, or a person rolled the container back from it. Such an image is never
 * proposed again for the container. A request that failed before its patch landed (someone else
 * changed the container first) says nothing about the image; neither does a rejected rollback.
 */
export function refusedImage(ur: KubeObject): string | undefined {
  const phase = phaseOf(ur);
  const spec = ur.spec as Partial<UpdateRequestSpec> | undefined;
  if (spec?.type === "rollback") return phase === "Completed" ? spec.currentImage : undefined;
  const ran = (ur.status as UpdateRequestStatus | undefined)?.appliedGeneration !== undefined;
  if (phase === "Rejected" || phase === "RolledBack" || (phase === "Failed" && ran)) return spec?.newImage;
  return undefined;
}

/** A verdict on an image: the request must be kept for as long as it should stick. */
export function isVerdict(ur: KubeObject): boolean {
  return refusedImage(ur) !== undefined;
}

export type UpdateType = "update" | "rollback";

export interface TargetRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string;
}

export interface UpdateRequestSpec {
  targetRef: TargetRef;
  containerName: string;
  containerType: ContainerType;
  /** `chart`: the target is a HelmRelease, the container its chart and the images chart versions. */
  updateType: "image" | "chart";
  /** `rollback`: a person asked to go back to an image from the workload's history. */
  type: UpdateType;
  currentImage: string;
  newImage: string;
  policy: Policy;
  reason: string;
  approval: "Required" | "Automatic";
  expiresAt: string;
  /** The target's pod selector, so the UR's customize hook can relate its Pods from the spec alone. */
  selector?: Record<string, string>;
  autoRollback: boolean;
  rollbackTimeoutSeconds: number;
  healthCheckRetries: number;
  /** Set by the workloads hook when a newer version replaces this pending one. */
  supersededBy?: string;
  /** Who asked for a rollback; admission holds it to the user who created the request. */
  requestedBy?: string;
}

export interface UpdateRequestStatus {
  phase?: Phase;
  approvedBy?: string;
  approvedAt?: string;
  rejectedBy?: string;
  rejectedAt?: string;
  reason?: string;
  message?: string;
  appliedAt?: string;
  appliedGeneration?: number;
  completedAt?: string;
  failedChecks?: number;
  /** When the last failed check was counted (checks are spaced by the watch interval). */
  checkedAt?: string;
  /**
   * The notifications already claimed, as `Phase/event`: written together with the phase before
   * they are sent, so a retry, a restart or another replica never sends one twice.
   */
  notified?: string[];
  /** An approved update outside its update window: when the next window opens. */
  waitingUntil?: string;
  conditions?: readonly Condition[];
}

/** A status condition, Kubernetes' usual shape (metav1.Condition). */
export interface Condition {
  type: string;
  status: "True" | "False" | "Unknown";
  reason: string;
  message: string;
  lastTransitionTime: string;
}

export interface UpdateRequest extends KubeObject {
  spec: UpdateRequestSpec;
  status?: UpdateRequestStatus;
}

export function phaseOf(ur: KubeObject): Phase | undefined {
  const phase = (ur.status as UpdateRequestStatus | undefined)?.phase;
  return phases.includes(phase as Phase) ? phase : undefined;
}

function slug(text: string, max: number): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+/, "")
    .slice(0, max)
    .replace(/-+$/, "");
}

/**
 * Deterministic, always-valid names (<= 63 chars, DNS-1123): the same proposal always has the
 * same name, so a repeated sync never creates a second one. `attempt` counts earlier requests for
 * the same image that ended without a verdict (expired, superseded), so the image can be asked for again.
 */
export function updateRequestName(
  target: TargetRef,
  container: string,
  newImage: string,
  attempt: number,
): string {
  const key = `${target.kind}/${target.namespace}/${target.name}/${container}/${newImage}/${attempt}`;
  const hash = createHash("sha256").update(key).digest("hex").slice(0, 10);
  const prefix = [slug(target.name, 28), slug(container, 20)].filter((s) => s.length > 0).join("-");
  return `${prefix}-${hash}`;
}

/**
 * A person's rollback gets a name of its own kind: deterministic for the same ask at the same
 * second (a double click creates one request), distinct from any update's name.
 */
export function rollbackRequestName(
  target: TargetRef,
  container: string,
  from: string,
  to: string,
  at: number,
): string {
  const key = `rollback/${target.kind}/${target.namespace}/${target.name}/${container}/${from}/${to}/${new Date(at).toISOString()}`;
  const hash = createHash("sha256").update(key).digest("hex").slice(0, 10);
  const prefix = [slug(target.name, 28), slug(container, 20)].filter((s) => s.length > 0).join("-");
  return `${prefix}-rb-${hash}`;
}

/** The labels every UpdateRequest carries, so people can select a workload's requests. */
export function updateRequestLabels(target: TargetRef): Record<string, string> {
  return {
    "app.kubernetes.io/managed-by": "headwind",
    [labels.targetKind]: target.kind.toLowerCase(),
    [labels.targetName]: target.name.slice(0, 63).replace(/[^A-Za-z0-9]+$/, ""),
  };
}
