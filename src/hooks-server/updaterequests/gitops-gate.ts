/**
 * GitOps-managed targets: a live patch of an object Flux or Argo CD applies would be reverted at
 * the tool's next sync, so by default Headwind proposes but does not patch, and says so on the
 * UpdateRequest (condition `GitOpsManaged`, an Event) with what to change in Git. The target's
 * `headwind.sh/gitops: patch` opts into patching anyway (for tools told to ignore image drift).
 */
import {
  type ArgoTrackingMethod,
  describeOwner,
  type GitOpsOwner,
  gitopsOwner,
} from "../../core/gitops/gitops-owner.ts";
import type { KubeObject } from "../../core/kube-object.ts";
import { annotations as names } from "../../core/metadata-keys.ts";
import type { Condition, UpdateRequest } from "../../core/updaterequests/update-request.ts";

export const gitopsConditionType = "GitOpsManaged";

export interface GitOpsView {
  readonly owner: GitOpsOwner;
  /** False: Headwind proposes only. */
  readonly patch: boolean;
  /** What the condition and the Event say. */
  readonly message: string;
}

function whatToChange(ur: UpdateRequest): string {
  const { spec } = ur;
  const what = {
    containers: `container ${spec.containerName}`,
    initContainers: `init container ${spec.containerName}`,
    chart: `spec.chart.spec.version (chart ${spec.containerName})`,
  }[spec.containerType];
  return `${what} from ${spec.currentImage} to ${spec.newImage}`;
}

export function gitopsView(
  ur: UpdateRequest,
  target: KubeObject | undefined,
  tracking: ArgoTrackingMethod,
): GitOpsView | undefined {
  const owner = target === undefined ? undefined : gitopsOwner(target, tracking);
  if (target === undefined || owner === undefined) return undefined;
  const patch = target.metadata.annotations?.[names.gitops]?.trim().toLowerCase() === "patch";
  const object = `${target.kind} ${target.metadata.namespace}/${target.metadata.name}`;
  const by = `${describeOwner(owner)} (${owner.evidence})`;
  const message = patch
    ? `${object} is applied by ${by}; patched anyway (${names.gitops}: patch): make the same change in Git, or ${owner.tool} may revert it`
    : `${object} is applied by ${by}, which would revert a live patch at its next sync: Headwind does not patch it. Change ${whatToChange(ur)} in Git, or set ${names.gitops}: patch if ${owner.tool} ignores image drift`;
  return { owner, patch, message };
}

/** The request's conditions with GitOpsManaged brought up to date; the same array when nothing changed. */
export function withGitOpsCondition(
  conditions: readonly Condition[] | undefined,
  view: GitOpsView | undefined,
  now: number,
): readonly Condition[] | undefined {
  const others = (conditions ?? []).filter((c) => c.type !== gitopsConditionType);
  const current = conditions?.find((c) => c.type === gitopsConditionType);
  if (view === undefined) return current === undefined ? conditions : others;
  const reason = `${view.owner.tool.replace(" ", "")}${view.owner.kind}`;
  if (current?.status === "True" && current.reason === reason && current.message === view.message)
    return conditions;
  const condition: Condition = {
    type: gitopsConditionType,
    status: "True",
    reason,
    message: view.message,
    lastTransitionTime: current?.status === "True" ? current.lastTransitionTime : new Date(now).toISOString(),
  };
  return [...others, condition];
}
