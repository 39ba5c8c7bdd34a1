/**
 * `kubectl headwind plan`'s answer for one workload or HelmRelease, from what was read: each
 * container (a release's chart) decided by the workloads hook's own code — trackedRef for what it
 * follows, planContainer for the policy — and described as a table row. Pure; plan-command reads.
 */
import type { WorkloadConfig } from "../core/annotations/parse-annotations.ts";
import { releaseChart } from "../core/charts/helm-release.ts";
import type { KubeObject } from "../core/kube-object.ts";
import type { RepositoryTags } from "../core/policy/read-repository-tags.ts";
import { type ContainerPlan, planContainer } from "../core/updaterequests/plan-container.ts";
import { phaseOf, type UpdateRequest } from "../core/updaterequests/update-request.ts";
import { type ContainerImage, containerImages } from "../core/workloads/container-images.ts";
import { isManaged } from "../core/workloads/is-managed.ts";
import { trackedRef } from "../core/workloads/tracked-ref.ts";

export interface PlanInput {
  readonly workload: KubeObject;
  readonly config: WorkloadConfig;
  /** The target's UpdateRequests. */
  readonly requests: readonly UpdateRequest[];
  /** The tag ConfigMaps the workload may see, by repository key (its namespace's scope first). */
  readonly observed: ReadonlyMap<string, RepositoryTags>;
  /** When Headwind last changed the workload (epoch ms), for min-update-interval. */
  readonly lastUpdateMs: number | undefined;
  readonly nowMs: number;
}

export interface PlannedContainer {
  readonly container: string;
  readonly image: string;
  readonly plan: ContainerPlan;
}

export interface PlanRows {
  readonly plans: PlannedContainer[];
  readonly rows: string[][];
}

export const planHeaders = ["container", "current", "policy", "plan", "detail"];

function describeKind(plan: ContainerPlan, approval: string): [string, string] {
  switch (plan.kind) {
    case "propose":
      return ["propose", `${plan.newImage} (${approval})`];
    case "keep":
      return [
        "waiting",
        `${plan.keep.metadata.name} is ${phaseOf(plan.keep) ?? "Pending"}: ${plan.keep.spec.newImage}`,
      ];
    case "defer":
      return ["defer", `${plan.newImage} in ${plan.seconds}s (min-update-interval)`];
    case "idle":
      return ["none", plan.reason];
  }
}

/** Which keys a workload's containers follow: the ConfigMaps plan-command must read. */
export function followedKeys(workload: KubeObject, config: WorkloadConfig): string[] {
  const keys = containerImages(workload)
    .filter((c) => isManaged(config, c.name, c.image))
    .map((c) => trackedRef(workload, c))
    .flatMap((tracked) => (tracked.kind === "tracked" ? [tracked.key] : []));
  return [...new Set(keys)];
}

/** Why a chart has no recorded versions yet, in the release's own terms. */
function notRecorded(workload: KubeObject, container: ContainerImage): string[] {
  const chart = releaseChart(workload);
  if (container.containerType !== "chart" || chart.via !== "chart") return [];
  const { kind, namespace, name } = chart.source;
  return [`versions of chart ${chart.chart} from ${kind} ${namespace}/${name} are not recorded yet`];
}

function planRow(input: PlanInput, container: ContainerImage, approval: string) {
  const { workload, config } = input;
  const none = (detail: string) => ({
    planned: undefined,
    row: [container.name, container.image, "none", detail],
  });
  if (!isManaged(config, container.name, container.image)) return none("not managed (headwind.sh/images)");
  const tracked = trackedRef(workload, container);
  if (tracked.kind === "error") return none(tracked.message);
  if (tracked.kind === "idle") return none(tracked.reason);
  const observed = input.observed.get(tracked.key);
  const plan = planContainer({
    container,
    ref: tracked.ref,
    observed,
    config,
    requests: input.requests.filter(
      (ur) => ur.spec?.containerName === container.name && ur.spec?.containerType === container.containerType,
    ),
    lastUpdateMs: input.lastUpdateMs,
    nowMs: input.nowMs,
  });
  const [kind, detail] = describeKind(plan, approval);
  const extra = [
    ...(observed === undefined ? notRecorded(workload, container) : []),
    ...(plan.recheckSeconds === undefined
      ? []
      : [
          `a newer ${container.containerType === "chart" ? "version" : "tag"} comes of age in ${plan.recheckSeconds}s (min-image-age)`,
        ]),
    ...(observed?.pollError === undefined ? [] : [`the sidecar's last read failed: ${observed.pollError}`]),
  ];
  const planned: PlannedContainer = { container: container.name, image: container.image, plan };
  return { planned, row: [container.name, container.image, kind, [detail, ...extra].join("; ")] };
}

/** A HelmRelease with no chart Headwind can follow still gets a row saying why. */
function unfollowedRelease(workload: KubeObject): string[][] {
  if (workload.kind !== "HelmRelease") return [];
  const chart = releaseChart(workload);
  if (chart.via === "invalid") return [["-", "-", "none", chart.reason]];
  if (chart.via === "chartRef") {
    const { kind, namespace, name } = chart.source;
    return [
      [
        `${kind.toLowerCase()}/${namespace}/${name}`,
        "-",
        "none",
        `spec.chartRef: the ${kind} ${namespace}/${name} chooses the chart version; Headwind proposes only for spec.chart.spec.version from a HelmRepository`,
      ],
    ];
  }
  return [];
}

export function planRows(input: PlanInput): PlanRows {
  const approval = input.config.requireApproval ? "needs approval" : "applied without approval";
  const policy = input.config.spec.policy;
  const containers = containerImages(input.workload);
  const plans: PlannedContainer[] = [];
  const rows: string[][] = [];
  for (const container of containers) {
    const { planned, row } = planRow(input, container, approval);
    if (planned !== undefined) plans.push(planned);
    rows.push(row);
  }
  if (containers.length === 0) rows.push(...unfollowedRelease(input.workload));
  return { plans, rows: rows.map(([name = "", current = "", ...rest]) => [name, current, policy, ...rest]) };
}
