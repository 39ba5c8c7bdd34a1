/** The workload kinds Headwind manages, and where each keeps its pod template. */

export interface WorkloadKind {
  readonly kind: string;
  readonly apiVersion: string;
  readonly resource: string;
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
};

/** A kind as people type it (kubectl's spellings): `deployment`, `deployments`, `Deployment`, `deploy`. */
export function workloadKindNamed(text: string): WorkloadKind | undefined {
  const lower = text.toLowerCase();
  const kind = (shortNames[lower] ?? lower).toLowerCase();
  return workloadKinds.find((k) => k.kind.toLowerCase() === kind || k.resource === lower);
}
