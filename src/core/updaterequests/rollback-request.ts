/**
 * A person's rollback, as the UpdateRequest they create: which container, which image from the
 * workload's `headwind.sh/update-history`, and the request itself. A Flux HelmRelease is rolled
 * back the same way: its chart is the one container and the chart versions its images. It is created as an attachment
 * of the workload (controller owner reference and Metacontroller's decorator annotation), so the
 * workloads hook keeps it and the UpdateRequests hook drives it through the same phases as an
 * update. Pure: the plugin, the HTTP API and the dashboard each read the workload and send it.
 */

import { parseAnnotations } from "../annotations/parse-annotations.ts";
import type { KubeObject } from "../kube-object.ts";
import { annotations as names } from "../metadata-keys.ts";
import type { Result } from "../result.ts";
import { type ContainerImage, containerImages, podSelector } from "../workloads/container-images.ts";
import { findTargetKind, helmReleaseKind } from "../workloads/workload-kinds.ts";
import { type HistoryEntry, parseHistory } from "./update-history.ts";
import {
  rollbackRequestName,
  type UpdateRequest,
  updateRequestLabels,
  urApiVersion,
  urKind,
} from "./update-request.ts";

/** The DecoratorControllers in hooks/ whose attachments UpdateRequests are: one for workloads, one for releases. */
export const workloadsController = "headwind-workloads";
export const helmReleasesController = "headwind-helmreleases";
export const decoratorAnnotation = "metacontroller.k8s.io/decorator-controller";

export interface RollbackAsk {
  /** Which container; may be left out when only one container has history. */
  readonly container?: string | undefined;
  /** An image from the container's history; the default is the one before the current image. */
  readonly to?: string | undefined;
}

export type RollbackChoice =
  | { readonly ok: true; readonly container: ContainerImage; readonly image: string }
  | { readonly ok: false; readonly error: string };

const newestFirst = (a: HistoryEntry, b: HistoryEntry) => b.timestamp.localeCompare(a.timestamp);

function describe(workload: KubeObject): string {
  return `${workload.kind} ${workload.metadata.namespace ?? ""}/${workload.metadata.name}`;
}

/** What people call the thing rolled back: a release's chart, a workload's container. */
export function partOf(workload: KubeObject): "chart" | "container" {
  return workload.kind === helmReleaseKind.kind ? "chart" : "container";
}

function pickContainer(
  workload: KubeObject,
  history: readonly HistoryEntry[],
  name: string | undefined,
): ContainerImage | string {
  const containers = containerImages(workload);
  if (name !== undefined) {
    return (
      containers.find((c) => c.name === name) ?? `${describe(workload)} has no ${partOf(workload)} ${name}`
    );
  }
  const withHistory = containers.filter((c) => history.some((e) => e.container === c.name));
  if (withHistory.length === 1 && withHistory[0] !== undefined) return withHistory[0];
  if (withHistory.length === 0)
    return `${describe(workload)} has no ${names.updateHistory}: Headwind has not changed it, so there is nothing to roll back to`;
  return `several containers of ${describe(workload)} have history (${withHistory.map((c) => c.name).join(", ")}): name one`;
}

/** The images a container may go back to: every image its history names, newest first. */
export function rollbackImages(history: readonly HistoryEntry[], container: string): string[] {
  const images = [...history]
    .filter((e) => e.container === container)
    .sort(newestFirst)
    .flatMap((e) => [e.image, ...(e.previousImage ? [e.previousImage] : [])]);
  return [...new Set(images)];
}

export function chooseRollback(workload: KubeObject, ask: RollbackAsk): RollbackChoice {
  const history = parseHistory(workload.metadata.annotations?.[names.updateHistory]);
  const container = pickContainer(workload, history, ask.container);
  if (typeof container === "string") return { ok: false, error: container };
  const known = rollbackImages(history, container.name).filter((image) => image !== container.image);
  const part = `${partOf(workload)} ${container.name}`;
  if (ask.to !== undefined) {
    if (ask.to === container.image) return { ok: false, error: `${container.name} already runs ${ask.to}` };
    if (!known.includes(ask.to)) {
      const offer = known.length > 0 ? `; its history has ${known.join(", ")}` : "";
      return { ok: false, error: `${ask.to} is not in the history of ${part}${offer}` };
    }
    return { ok: true, container, image: ask.to };
  }
  const last = history
    .filter((e) => e.container === container.name)
    .sort(newestFirst)
    .find((e) => e.image === container.image && e.previousImage !== undefined);
  if (last?.previousImage === undefined) {
    return {
      ok: false,
      error: `the history of ${part} does not say what ran before ${container.image}; name an image from it${known.length > 0 ? ` (${known.join(", ")})` : ""}`,
    };
  }
  return { ok: true, container, image: last.previousImage };
}

export interface RollbackRequestInput {
  readonly workload: KubeObject;
  readonly container: ContainerImage;
  readonly image: string;
  /** The authenticated user name of the person asking. */
  readonly requestedBy: string;
  /** Automatic only when that person may patch the workload themselves. */
  readonly approval: "Automatic" | "Required";
  readonly now: number;
  readonly approvalTtlSeconds: number;
}

/** The UpdateRequest of a rollback; an error when the workload is not one Headwind manages. */
export function buildRollbackRequest(input: RollbackRequestInput): Result<UpdateRequest> {
  const { workload, container, image, requestedBy, now } = input;
  const kind = findTargetKind(workload.kind, workload.apiVersion);
  const { namespace, name, uid } = workload.metadata;
  if (kind === undefined || namespace === undefined || uid === undefined)
    return { ok: false, error: `${workload.apiVersion} ${workload.kind} is not a workload Headwind manages` };
  const { config } = parseAnnotations(workload.metadata.annotations);
  if (config.spec.policy === "none")
    return {
      ok: false,
      error: `${describe(workload)} is not managed by Headwind (${names.policy} is missing or none)`,
    };
  const target = { apiVersion: kind.apiVersion, kind: kind.kind, name, namespace };
  const selector = podSelector(workload);
  const ur: UpdateRequest = {
    apiVersion: urApiVersion,
    kind: urKind,
    metadata: {
      name: rollbackRequestName(target, container.name, container.image, image, now),
      namespace,
      labels: updateRequestLabels(target),
      annotations: {
        [decoratorAnnotation]: kind === helmReleaseKind ? helmReleasesController : workloadsController,
      },
      ownerReferences: [{ apiVersion: kind.apiVersion, kind: kind.kind, name, uid, controller: true }],
    },
    spec: {
      targetRef: target,
      containerName: container.name,
      containerType: container.containerType,
      updateType: container.containerType === "chart" ? "chart" : "image",
      type: "rollback",
      currentImage: container.image,
      newImage: image,
      policy: config.spec.policy,
      reason: `rollback requested by ${requestedBy}: ${container.image} -> ${image}`.slice(0, 1024),
      approval: input.approval,
      expiresAt: new Date(now + input.approvalTtlSeconds * 1000).toISOString(),
      ...(selector ? { selector } : {}),
      // Rolling back a rollback would restore the image the person just left.
      autoRollback: false,
      rollbackTimeoutSeconds: config.rollbackTimeoutSeconds,
      healthCheckRetries: config.healthCheckRetries,
      requestedBy,
    },
  };
  return { ok: true, value: ur };
}
