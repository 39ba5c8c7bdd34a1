/**
 * `kubectl headwind plan KIND/NAME`: what Headwind would propose for each container now, from the
 * live tag ConfigMaps and the workload's requests, decided by the same code the workloads hook
 * runs. Reads only.
 */

import { parseAnnotations } from "../core/annotations/parse-annotations.ts";
import { parseImageRef, repositoryKey } from "../core/images/image-ref.ts";
import type { KubeObject } from "../core/kube-object.ts";
import { annotations } from "../core/metadata-keys.ts";
import { indexTags } from "../core/policy/tag-index.ts";
import { type ObservedTags, parseTagConfigMap, tagConfigMapName } from "../core/tags/tag-configmap.ts";
import { visibleTags } from "../core/tags/visible-tags.ts";
import {
  type ContainerPlan,
  type IndexedTags,
  planContainer,
} from "../core/updaterequests/plan-container.ts";
import { parseHistory } from "../core/updaterequests/update-history.ts";
import { phaseOf } from "../core/updaterequests/update-request.ts";
import { containerImages } from "../core/workloads/container-images.ts";
import { isManaged } from "../core/workloads/is-managed.ts";
import { resourcePath } from "../kube/api-paths.ts";
import { getOrUndefined } from "../kube/get-or-undefined.ts";
import { listUpdateRequests, readWorkload } from "./cluster-reads.ts";
import type { CommandContext, CommandResult } from "./command.ts";
import { timingNotes } from "./timing-notes.ts";
import { parseWorkloadArgument } from "./workload-argument.ts";

function describePlan(plan: ContainerPlan, approval: string): [string, string] {
  const [kind, detail] = describeKind(plan, approval);
  const soon =
    plan.recheckSeconds === undefined
      ? ""
      : `; a newer tag comes of age in ${plan.recheckSeconds}s (min-image-age)`;
  return [kind, `${detail}${soon}`];
}

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

async function readTags(ctx: CommandContext, repository: string, scope?: string) {
  const path = resourcePath(
    { apiVersion: "v1", resource: "configmaps", namespace: ctx.headwindNamespace },
    tagConfigMapName(repository, scope),
  );
  const configMap = await getOrUndefined<KubeObject>(ctx.client.transport, path);
  const parsed = configMap === undefined ? undefined : parseTagConfigMap(configMap);
  return parsed?.ok ? [parsed.value] : [];
}

/** What the workloads hook would see: the namespace's own scope, else the shared one. */
async function observedTags(
  ctx: CommandContext,
  repository: string,
  namespace: string,
): Promise<IndexedTags | undefined> {
  const read: ObservedTags[] = [
    ...(await readTags(ctx, repository, namespace)),
    ...(await readTags(ctx, repository)),
  ];
  const observed = visibleTags(read, namespace, (tags) => tags).get(repository);
  return observed === undefined ? undefined : { observed, index: indexTags(observed.tags) };
}

export async function planCommand(ctx: CommandContext): Promise<CommandResult> {
  const target = parseWorkloadArgument(ctx.args);
  const workload = await readWorkload(ctx.client, ctx.namespace, target);
  const { config, errors } = parseAnnotations(workload.metadata.annotations);
  const requests = (await listUpdateRequests(ctx.client, ctx.namespace)).filter(
    (ur) => ur.spec?.targetRef?.kind === target.kind.kind && ur.spec.targetRef.name === target.name,
  );
  const lastUpdate = parseHistory(workload.metadata.annotations?.[annotations.updateHistory])
    .map((e) => Date.parse(e.timestamp))
    .filter((t) => !Number.isNaN(t))
    .sort((a, b) => b - a)[0];
  const approval = config.requireApproval ? "needs approval" : "applied without approval";
  const rows: string[][] = [];
  const plans: { container: string; image: string; plan: ContainerPlan }[] = [];
  for (const container of containerImages(workload)) {
    const ref = parseImageRef(container.image);
    if (!isManaged(config, container.name, container.image) || ref === undefined) {
      rows.push([
        container.name,
        container.image,
        "none",
        ref ? "not managed (headwind.sh/images)" : "not an image reference",
      ]);
      continue;
    }
    const plan = planContainer({
      container,
      ref,
      observed: await observedTags(ctx, repositoryKey(ref), workload.metadata.namespace ?? ctx.namespace),
      config,
      requests: requests.filter((ur) => ur.spec.containerName === container.name),
      lastUpdateMs: lastUpdate,
      nowMs: ctx.now,
    });
    plans.push({ container: container.name, image: container.image, plan });
    rows.push([container.name, container.image, ...describePlan(plan, approval)]);
  }
  return {
    data: { policy: config.spec.policy, plans },
    notes: [...errors.map((e) => e.message), ...timingNotes(workload, ctx.now)],
    table: { headers: ["container", "current", "plan", "detail"], rows },
  };
}
