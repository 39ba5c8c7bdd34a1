/**
 * Which GitOps tool, if any, applies an object and would revert a live patch at its next sync.
 * Decided from the object's own labels and annotations, precisely:
 *
 * - Flux kustomize-controller labels what it applies `kustomize.toolkit.fluxcd.io/name` and
 *   `…/namespace` (the Kustomization). Not counted when the object opts out of Flux's reconciling:
 *   annotation `kustomize.toolkit.fluxcd.io/reconcile: disabled`, or `kustomize.toolkit.fluxcd.io/ssa`
 *   `Ignore`/`IfNotPresent` (Flux then never overwrites it).
 * - Flux helm-controller labels what a HelmRelease installs `helm.toolkit.fluxcd.io/name` and
 *   `…/namespace`; the image then comes from the release's values, which live in Git.
 * - Argo CD's annotation tracking (the default since Argo CD 3.0) writes
 *   `argocd.argoproj.io/tracking-id: <app>:<group>/<kind>:<namespace>/<name>`; it counts only when
 *   it names this very object, as Argo CD itself checks (a copied annotation is not ownership).
 * - Argo CD's label tracking (`application.resourceTrackingMethod: label`, the default before 3.0)
 *   writes only `app.kubernetes.io/instance: <app>`, which Helm charts also set on objects no Argo
 *   CD manages; so the label counts only when the hooks are told Argo CD tracks by label.
 */
import type { KubeObject } from "../kube-object.ts";

/** `headwind.sh/gitops`: propose only (the default), or patch a GitOps-managed object anyway. */
export const gitopsModes = ["propose", "patch"] as const;

export const argoTrackingMethods = ["annotation", "label", "annotation+label"] as const;
export type ArgoTrackingMethod = (typeof argoTrackingMethods)[number];

export interface GitOpsOwner {
  readonly tool: "Flux" | "Argo CD";
  /** The object in the tool that applies this one. */
  readonly kind: "Kustomization" | "HelmRelease" | "Application";
  readonly name: string;
  readonly namespace: string | undefined;
  /** The label or annotation that says so. */
  readonly evidence: string;
}

export const gitopsKeys = {
  kustomizeName: "kustomize.toolkit.fluxcd.io/name",
  kustomizeNamespace: "kustomize.toolkit.fluxcd.io/namespace",
  kustomizeReconcile: "kustomize.toolkit.fluxcd.io/reconcile",
  kustomizeSsa: "kustomize.toolkit.fluxcd.io/ssa",
  helmName: "helm.toolkit.fluxcd.io/name",
  helmNamespace: "helm.toolkit.fluxcd.io/namespace",
  argoTrackingId: "argocd.argoproj.io/tracking-id",
  argoInstance: "app.kubernetes.io/instance",
} as const;

function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? "" : apiVersion.slice(0, slash);
}

function fluxController(
  labels: Readonly<Record<string, string>>,
  kind: "Kustomization" | "HelmRelease",
  nameLabel: string,
  namespaceLabel: string,
): GitOpsOwner | undefined {
  const name = labels[nameLabel];
  return name
    ? { tool: "Flux", kind, name, namespace: labels[namespaceLabel], evidence: `label ${nameLabel}` }
    : undefined;
}

function fluxOwner(object: KubeObject): GitOpsOwner | undefined {
  const labels = object.metadata.labels ?? {};
  const helm = fluxController(labels, "HelmRelease", gitopsKeys.helmName, gitopsKeys.helmNamespace);
  if (helm !== undefined) return helm;
  const annotations = object.metadata.annotations ?? {};
  const ssa = annotations[gitopsKeys.kustomizeSsa]?.toLowerCase();
  const disabled = annotations[gitopsKeys.kustomizeReconcile]?.toLowerCase() === "disabled";
  if (disabled || ssa === "ignore" || ssa === "ifnotpresent") return undefined;
  return fluxController(labels, "Kustomization", gitopsKeys.kustomizeName, gitopsKeys.kustomizeNamespace);
}

/** The Application named by a tracking id, when the id names this object. */
function trackedBy(object: KubeObject, id: string): string | undefined {
  const first = id.indexOf(":");
  const last = id.lastIndexOf(":");
  if (first <= 0 || last === first) return undefined;
  const [group, kind, ...more] = id.slice(first + 1, last).split("/");
  const [namespace, name, ...rest] = id.slice(last + 1).split("/");
  const { metadata } = object;
  const matches =
    more.length === 0 &&
    rest.length === 0 &&
    group === groupOf(object.apiVersion) &&
    kind === object.kind &&
    name === metadata.name &&
    namespace === (metadata.namespace ?? "");
  return matches ? id.slice(0, first) : undefined;
}

function argoOwner(object: KubeObject, tracking: ArgoTrackingMethod): GitOpsOwner | undefined {
  const id = object.metadata.annotations?.[gitopsKeys.argoTrackingId];
  const app = id === undefined ? undefined : trackedBy(object, id);
  if (app !== undefined) {
    // Apps in any namespace are tracked as `<namespace>_<name>`.
    const underscore = app.indexOf("_");
    return {
      tool: "Argo CD",
      kind: "Application",
      name: app.slice(underscore + 1),
      namespace: underscore < 0 ? undefined : app.slice(0, underscore),
      evidence: `annotation ${gitopsKeys.argoTrackingId}`,
    };
  }
  const instance = object.metadata.labels?.[gitopsKeys.argoInstance];
  if (tracking !== "label" || !instance) return undefined;
  return {
    tool: "Argo CD",
    kind: "Application",
    name: instance,
    namespace: undefined,
    evidence: `label ${gitopsKeys.argoInstance}`,
  };
}

export function gitopsOwner(object: KubeObject, tracking: ArgoTrackingMethod): GitOpsOwner | undefined {
  return fluxOwner(object) ?? argoOwner(object, tracking);
}

/** `Flux Kustomization flux-system/apps`, `Argo CD Application shop`. */
export function describeOwner(owner: GitOpsOwner): string {
  const where = owner.namespace ? `${owner.namespace}/${owner.name}` : owner.name;
  return `${owner.tool} ${owner.kind} ${where}`;
}
