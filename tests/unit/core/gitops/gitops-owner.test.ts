import { describe, expect, it } from "vitest";
import {
  type ArgoTrackingMethod,
  describeOwner,
  gitopsOwner,
} from "../../../../src/core/gitops/gitops-owner.ts";
import type { KubeObject } from "../../../../src/core/kube-object.ts";

function deployment(
  labels: Record<string, string> = {},
  annotations: Record<string, string> = {},
): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "shop", labels, annotations },
  };
}

const flux = {
  "kustomize.toolkit.fluxcd.io/name": "apps",
  "kustomize.toolkit.fluxcd.io/namespace": "flux-system",
};
const helm = { "helm.toolkit.fluxcd.io/name": "web", "helm.toolkit.fluxcd.io/namespace": "shop" };
const tracking = (id: string) => ({ "argocd.argoproj.io/tracking-id": id });
const instance = { "app.kubernetes.io/instance": "shop" };

describe("gitopsOwner", () => {
  it.each<[string, KubeObject, ArgoTrackingMethod, string | undefined]>([
    ["nothing: not managed", deployment(), "annotation", undefined],
    ["a Flux Kustomization's labels", deployment(flux), "annotation", "Flux Kustomization flux-system/apps"],
    ["a Flux HelmRelease's labels", deployment(helm), "annotation", "Flux HelmRelease shop/web"],
    [
      "Flux told not to reconcile it",
      deployment(flux, { "kustomize.toolkit.fluxcd.io/reconcile": "disabled" }),
      "annotation",
      undefined,
    ],
    [
      "Flux told to ignore it (ssa: Ignore)",
      deployment(flux, { "kustomize.toolkit.fluxcd.io/ssa": "Ignore" }),
      "annotation",
      undefined,
    ],
    [
      "Flux applies it only if missing",
      deployment(flux, { "kustomize.toolkit.fluxcd.io/ssa": "IfNotPresent" }),
      "annotation",
      undefined,
    ],
    [
      "Flux merging as usual (ssa: Merge) still reverts",
      deployment(flux, { "kustomize.toolkit.fluxcd.io/ssa": "Merge" }),
      "annotation",
      "Flux Kustomization flux-system/apps",
    ],
    [
      "Argo CD's tracking id for this object",
      deployment({}, tracking("shop:apps/Deployment:shop/web")),
      "annotation",
      "Argo CD Application shop",
    ],
    [
      "an app in any namespace",
      deployment({}, tracking("argocd-apps_shop:apps/Deployment:shop/web")),
      "annotation",
      "Argo CD Application argocd-apps/shop",
    ],
    [
      "a tracking id copied from another object",
      deployment({}, tracking("shop:apps/Deployment:shop/api")),
      "annotation",
      undefined,
    ],
    [
      "a tracking id of another kind",
      deployment({}, tracking("shop:apps/StatefulSet:shop/web")),
      "annotation",
      undefined,
    ],
    [
      "a tracking id of another namespace",
      deployment({}, tracking("shop:apps/Deployment:prod/web")),
      "annotation",
      undefined,
    ],
    ["a malformed tracking id", deployment({}, tracking("shop")), "annotation", undefined],
    [
      "a tracking id with extra parts",
      deployment({}, tracking("shop:apps/v1/Deployment:shop/web")),
      "annotation",
      undefined,
    ],
    [
      "the instance label alone, annotation tracking: Helm sets it too",
      deployment(instance),
      "annotation",
      undefined,
    ],
    ["the instance label, label tracking", deployment(instance), "label", "Argo CD Application shop"],
    [
      "the instance label, annotation+label tracking: the annotation decides",
      deployment(instance),
      "annotation+label",
      undefined,
    ],
    [
      "Flux first when both say so",
      deployment(flux, tracking("shop:apps/Deployment:shop/web")),
      "annotation",
      "Flux Kustomization flux-system/apps",
    ],
  ])("%s", (_, object, method, expected) => {
    const owner = gitopsOwner(object, method);
    expect(owner === undefined ? undefined : describeOwner(owner)).toBe(expected);
  });

  it("a core-group object's tracking id has an empty group", () => {
    const configMap: KubeObject = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "cfg", namespace: "shop", annotations: tracking("shop:/ConfigMap:shop/cfg") },
    };
    expect(gitopsOwner(configMap, "annotation")?.evidence).toBe("annotation argocd.argoproj.io/tracking-id");
  });
});
