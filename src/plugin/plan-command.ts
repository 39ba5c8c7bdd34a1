/**
 * `kubectl headwind plan KIND/NAME`: what Headwind would propose for each container (a
 * HelmRelease's chart) now, from the live tag ConfigMaps and the target's requests, decided by the
 * same code the workloads hook runs (plan-rows.ts). Reads only.
 */

import { parseAnnotations } from "../core/annotations/parse-annotations.ts";
import type { KubeObject } from "../core/kube-object.ts";
import { annotations } from "../core/metadata-keys.ts";
import { type RepositoryTags, readRepositoryTags } from "../core/policy/read-repository-tags.ts";
import { tagConfigMapName } from "../core/tags/tag-configmap.ts";
import { visibleTags } from "../core/tags/visible-tags.ts";
import { parseHistory } from "../core/updaterequests/update-history.ts";
import { resourcePath } from "../kube/api-paths.ts";
import { getOrUndefined } from "../kube/get-or-undefined.ts";
import { listUpdateRequests, readWorkload } from "./cluster-reads.ts";
import type { CommandContext, CommandResult } from "./command.ts";
import { followedKeys, planHeaders, planRows } from "./plan-rows.ts";
import { timingNotes } from "./timing-notes.ts";
import { parseTargetArgument } from "./workload-argument.ts";

async function readTags(ctx: CommandContext, key: string, scope?: string): Promise<RepositoryTags[]> {
  const path = resourcePath(
    { apiVersion: "v1", resource: "configmaps", namespace: ctx.headwindNamespace },
    tagConfigMapName(key, scope),
  );
  const configMap = await getOrUndefined<KubeObject>(ctx.client.transport, path);
  const read = configMap === undefined ? undefined : readRepositoryTags(configMap);
  return read?.ok ? [read.value] : [];
}

/** What the workloads hook would see: the namespace's own scope, else the shared one. */
async function observedTags(ctx: CommandContext, keys: readonly string[], namespace: string) {
  const read: RepositoryTags[] = [];
  for (const key of keys) read.push(...(await readTags(ctx, key, namespace)), ...(await readTags(ctx, key)));
  return visibleTags(read, namespace, (tags) => tags.observed);
}

export async function planCommand(ctx: CommandContext): Promise<CommandResult> {
  const target = parseTargetArgument(ctx.args);
  const workload = await readWorkload(ctx.client, ctx.namespace, target);
  const { config, errors } = parseAnnotations(workload.metadata.annotations);
  const requests = (await listUpdateRequests(ctx.client, ctx.namespace)).filter(
    (ur) => ur.spec?.targetRef?.kind === target.kind.kind && ur.spec.targetRef.name === target.name,
  );
  const lastUpdateMs = parseHistory(workload.metadata.annotations?.[annotations.updateHistory])
    .map((e) => Date.parse(e.timestamp))
    .filter((t) => !Number.isNaN(t))
    .sort((a, b) => b - a)[0];
  const namespace = workload.metadata.namespace ?? ctx.namespace;
  const observed = await observedTags(ctx, followedKeys(workload, config), namespace);
  const { plans, rows } = planRows({ workload, config, requests, observed, lastUpdateMs, nowMs: ctx.now });
  return {
    data: { policy: config.spec.policy, plans },
    notes: [...errors.map((e) => e.message), ...timingNotes(workload, ctx.now)],
    table: { headers: planHeaders, rows },
  };
}
