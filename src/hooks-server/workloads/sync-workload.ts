/**
 * The workloads sync hook (DecoratorController over Deployments, StatefulSets, DaemonSets and
 * CronJobs): from the related tag ConfigMaps it proposes UpdateRequest attachments, returns every
 * request it keeps (an omitted attachment is deleted), and writes history annotations.
 */
import { createHash } from "node:crypto";
import { parseAnnotations, type WorkloadConfig } from "../../core/annotations/parse-annotations.ts";
import type { KubeObject } from "../../core/kube-object.ts";
import { annotations as names } from "../../core/metadata-keys.ts";
import {
  type RepositoryTags,
  readRepositoryTags,
  type TagReader,
} from "../../core/policy/read-repository-tags.ts";
import { visibleTags } from "../../core/tags/visible-tags.ts";
import { planContainer } from "../../core/updaterequests/plan-container.ts";
import { type HistoryEntry, mergeHistory, parseHistory } from "../../core/updaterequests/update-history.ts";
import {
  type TargetRef,
  type UpdateRequest,
  urApiVersion,
  urKind,
} from "../../core/updaterequests/update-request.ts";
import { type ContainerImage, containerImages, podSelector } from "../../core/workloads/container-images.ts";
import { isManaged } from "../../core/workloads/is-managed.ts";
import { trackedRef } from "../../core/workloads/tracked-ref.ts";
import { findTargetKind } from "../../core/workloads/workload-kinds.ts";
import type { HookSettings } from "../config/hook-settings.ts";
import type { Effect } from "../effects/effect.ts";
import { HookInputError } from "../metacontroller/hook-input-error.ts";
import { type DecoratorSyncRequest, type DecoratorSyncResponse, objectsOf } from "../metacontroller/wire.ts";
import { buildUpdateRequest, rebuildUpdateRequest } from "./build-update-request.ts";
import { retainUpdateRequests } from "./retain-update-requests.ts";

export interface WorkloadReport {
  proposed: string[];
  superseded: string[];
  deferred: string[];
  idle: string[];
  errors: string[];
  /** The sidecar could not read a source (a chart repository): reported on the workload, blocks nothing else. */
  sourceErrors: string[];
  /** Tags and digests in the related ConfigMaps that broke the OCI grammar and were left out. */
  droppedTags: number;
}

export interface WorkloadDecision {
  response: DecoratorSyncResponse;
  effects: Effect[];
  report: WorkloadReport;
}

interface Context {
  readonly workload: KubeObject;
  readonly target: TargetRef;
  readonly config: WorkloadConfig;
  readonly observed: Map<string, RepositoryTags>;
  readonly existing: readonly UpdateRequest[];
  readonly history: readonly HistoryEntry[];
  readonly lastUpdateMs: number | undefined;
  readonly now: number;
  readonly settings: HookSettings;
}

interface Accumulator {
  readonly report: WorkloadReport;
  readonly created: UpdateRequest[];
  readonly supersededBy: Map<string, string>;
  resyncAfter: number | undefined;
}

/** The related tag ConfigMaps this workload may see: its namespace's scope, else the shared one. */
function observedTags(
  request: DecoratorSyncRequest,
  namespace: string,
  workloadNamespace: string,
  readTags: TagReader,
  errors: string[],
): Map<string, RepositoryTags> {
  const read: RepositoryTags[] = [];
  for (const configMap of objectsOf(request.related, "ConfigMap", "v1")) {
    if (configMap.metadata.namespace !== namespace) continue;
    const tags = readTags(configMap);
    if (tags.ok) read.push(tags.value);
    else errors.push(`ConfigMap ${namespace}/${configMap.metadata.name}: ${tags.error}`);
  }
  return visibleTags(read, workloadNamespace, (tags) => tags.observed);
}

function warning(workload: KubeObject, message: string, reason = "HeadwindConfigError"): Effect {
  const { uid, name, namespace } = workload.metadata;
  const digest = createHash("sha256").update(`${uid}/${message}`).digest("hex").slice(0, 16);
  return {
    type: "event",
    key: `${uid ?? name}/warning/${digest}`,
    regarding: {
      apiVersion: workload.apiVersion,
      kind: workload.kind,
      name,
      namespace: namespace ?? "",
      uid,
    },
    eventType: "Warning",
    reason,
    message,
  };
}

function resyncWithin(acc: Accumulator, seconds: number): void {
  acc.resyncAfter = Math.min(acc.resyncAfter ?? seconds, seconds);
}

function decideContainer(ctx: Context, container: ContainerImage, acc: Accumulator): void {
  const tracked = trackedRef(ctx.workload, container);
  if (tracked.kind === "error") {
    acc.report.errors.push(tracked.message);
    return;
  }
  if (tracked.kind === "idle") {
    acc.report.idle.push(`${container.name}: ${tracked.reason}`);
    return;
  }
  const { ref, key } = tracked;
  const requests = ctx.existing.filter(
    (ur) => ur.spec?.containerName === container.name && ur.spec?.containerType === container.containerType,
  );
  const observed = ctx.observed.get(key);
  const sourceError = observed?.pollError;
  if (sourceError !== undefined) acc.report.sourceErrors.push(`${container.name}: ${sourceError}`);
  const plan = planContainer({ ...ctx, container, ref, observed, requests, nowMs: ctx.now });
  if (plan.recheckSeconds !== undefined) resyncWithin(acc, plan.recheckSeconds);
  switch (plan.kind) {
    case "idle":
      acc.report.idle.push(`${container.name}: ${plan.reason}`);
      return;
    case "defer":
      acc.report.deferred.push(`${container.name}: ${plan.newImage} in ${plan.seconds}s`);
      resyncWithin(acc, plan.seconds);
      return;
    case "keep":
      for (const old of plan.supersede) acc.supersededBy.set(old.metadata.name, plan.keep.metadata.name);
      return;
    case "propose": {
      const selector = podSelector(ctx.workload);
      const ur = buildUpdateRequest({
        ...ctx,
        container,
        newImage: plan.newImage,
        attempt: plan.attempt,
        selector,
      });
      acc.created.push(ur);
      acc.report.proposed.push(ur.metadata.name);
      for (const old of plan.supersede) acc.supersededBy.set(old.metadata.name, ur.metadata.name);
    }
  }
}

function contextOf(
  request: DecoratorSyncRequest,
  now: number,
  settings: HookSettings,
  readTags: TagReader,
  errors: string[],
): Context {
  const workload = request.object;
  const kind = findTargetKind(workload.kind, workload.apiVersion);
  const namespace = workload.metadata.namespace;
  if (kind === undefined || namespace === undefined) {
    throw new HookInputError(`${workload.apiVersion} ${workload.kind} is not a workload Headwind manages`);
  }
  const { config, errors: annotationErrors } = parseAnnotations(workload.metadata.annotations);
  errors.push(...annotationErrors.map((e) => e.message));
  const existing = objectsOf(request.attachments, urKind, urApiVersion) as UpdateRequest[];
  const history = mergeHistory(
    parseHistory(workload.metadata.annotations?.[names.updateHistory]),
    existing,
    settings.historyLimit,
  );
  const lastUpdate = history[0]?.timestamp;
  return {
    workload,
    target: { apiVersion: kind.apiVersion, kind: kind.kind, name: workload.metadata.name, namespace },
    config,
    observed: observedTags(request, settings.namespace, namespace, readTags, errors),
    existing,
    history,
    lastUpdateMs: lastUpdate === undefined ? undefined : Date.parse(lastUpdate),
    now,
    settings,
  };
}

function annotationsOf(ctx: Context, errors: readonly string[]): Record<string, string | null> {
  const lastUpdate = ctx.history[0]?.timestamp;
  return {
    [names.errors]: errors.length > 0 ? JSON.stringify(errors) : null,
    ...(ctx.history.length > 0 ? { [names.updateHistory]: JSON.stringify(ctx.history) } : {}),
    ...(lastUpdate !== undefined ? { [names.lastUpdate]: lastUpdate } : {}),
  };
}

/** `readTags` reads a related tag ConfigMap; the server passes one that keeps what it read. */
export function syncWorkload(
  request: DecoratorSyncRequest,
  now: number,
  settings: HookSettings,
  readTags: TagReader = readRepositoryTags,
): WorkloadDecision {
  const errors: string[] = [];
  const ctx = contextOf(request, now, settings, readTags, errors);
  const sourceErrors: string[] = [];
  let droppedTags = 0;
  for (const tags of ctx.observed.values()) droppedTags += tags.dropped;
  const report: WorkloadReport = {
    proposed: [],
    superseded: [],
    deferred: [],
    idle: [],
    errors,
    sourceErrors,
    droppedTags,
  };
  const acc: Accumulator = { report, created: [], supersededBy: new Map(), resyncAfter: undefined };
  for (const container of containerImages(ctx.workload)) {
    if (isManaged(ctx.config, container.name, container.image)) decideContainer(ctx, container, acc);
  }
  report.superseded.push(...acc.supersededBy.keys());
  const kept = retainUpdateRequests(ctx.existing, settings.historyLimit).map((ur) =>
    rebuildUpdateRequest(ur, acc.supersededBy.get(ur.metadata.name)),
  );
  const response: DecoratorSyncResponse = {
    annotations: annotationsOf(ctx, [...errors, ...sourceErrors]),
    status: null,
    attachments: [...kept, ...acc.created],
    ...(acc.resyncAfter !== undefined ? { resyncAfterSeconds: acc.resyncAfter } : {}),
  };
  const effects = [
    ...errors.map((message) => warning(ctx.workload, message)),
    ...sourceErrors.map((message) => warning(ctx.workload, message, "HeadwindSourceError")),
  ];
  return { response, effects, report };
}
