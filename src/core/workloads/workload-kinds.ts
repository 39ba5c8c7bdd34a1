/** The workload kinds Headwind manages, and where each keeps its pod template. */

import { helmReleaseApiVersion } from "../charts/helm-release.ts";

/** A kind an UpdateRequest may target. */
export interface TargetKind {
  readonly kind: string;
  readonly apiVersion: string;
  readonly resource: string;
}

export interface WorkloadKind extends TargetKind {
  /** JSON path segments from the object to its pod spec. */
  readonly podSpecPath: readonly string[];
}

export const workloadKinds: readonly WorkloadKind[] = [
  {
    kind: "Deployment",
    apiVersion: "apps/v1",
    resource: "deployments",
    podSpecPath: ["spec", "template", "spec"],
  },
  {
    kind: "StatefulSet",
    apiVersion: "apps/v1",
    resource: "statefulsets",
    podSpecPath: ["spec", "template", "spec"],
  },
  {
    kind: "DaemonSet",
    apiVersion: "apps/v1",
    resource: "daemonsets",
    podSpecPath: ["spec", "template", "spec"],
  },
  {
    kind: "CronJob",
    apiVersion: "batch/v1",
    resource: "cronjobs",
    podSpecPath: ["spec", "jobTemplate", "spec", "template", "spec"],
  },
];

/** Flux HelmReleases: their chart version is what moves (src/core/charts/helm-release.ts). */
export const helmReleaseKind: TargetKind = {
  kind: "HelmRelease",
  apiVersion: helmReleaseApiVersion,
  resource: "helmreleases",
};

export const targetKinds: readonly TargetKind[] = [...workloadKinds, helmReleaseKind];

export function findTargetKind(kind: string, apiVersion?: string): TargetKind | undefined {
  return targetKinds.find(
    (k) => k.kind === kind && (apiVersion === undefined || k.apiVersion === apiVersion),
  );
}

export function findWorkloadKind(kind: string, apiVersion?: string): WorkloadKind | undefined {
  return workloadKinds.find(
    (k) => k.kind === kind && (apiVersion === undefined || k.apiVersion === apiVersion),
  );
}

const shortNames: Readonly<Record<string, string>> = {
  deploy: "Deployment",
  sts: "StatefulSet",
  ds: "DaemonSet",
  cj: "CronJob",
  hr: "HelmRelease",
};

function kindNamed<K extends TargetKind>(kinds: readonly K[], text: string): K | undefined {
  const lower = text.toLowerCase();
  const kind = (shortNames[lower] ?? lower).toLowerCase();
  return kinds.find((k) => k.kind.toLowerCase() === kind || k.resource === lower);
}

/** A kind as people type it (kubectl's spellings): `deployment`, `deployments`, `Deployment`, `deploy`. */
export function workloadKindNamed(text: string): WorkloadKind | undefined {
  return kindNamed(workloadKinds, text);
}

/** As workloadKindNamed, and a Flux HelmRelease too (`helmrelease`, `helmreleases`, `hr`). */
export function targetKindNamed(text: string): TargetKind | undefined {
  return kindNamed(targetKinds, text);
}

const listOf = (kinds: readonly TargetKind[]) => kinds.map((k) => k.kind.toLowerCase()).join(", ");
/** For messages: the kinds a person may name, as kubectl spells them. */
export const workloadKindList = listOf(workloadKinds);
export const targetKindList = listOf(targetKinds);
