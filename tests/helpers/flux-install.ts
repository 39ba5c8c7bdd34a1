/**
 * Flux support on the test apiserver, as an install with manifests/components/flux has it: the
 * HelmRelease CRD (Flux's own, tests/fixtures/crds), the RBAC and admission policy the component
 * adds; and the chart-version ConfigMap the sidecar would write for a release's source.
 */
import type { KubeConfig, KubernetesObject } from "@kubernetes/client-node";
import { buildTagConfigMap } from "../../src/core/tags/tag-configmap.ts";
import { applyObjects, applyYamlFile, installCrds, kubeRequest, waitFor } from "./cluster.ts";
import { headwindNamespace } from "./headwind-install.ts";

const root = new URL("../../", import.meta.url);

export async function installFlux(kc: KubeConfig): Promise<void> {
  await installCrds(kc, new URL("tests/fixtures/crds/helm.toolkit.fluxcd.io_helmreleases.yaml", root));
  await waitFor("HelmReleases to be listable", () =>
    kubeRequest(kc, "GET", "/apis/helm.toolkit.fluxcd.io/v2/helmreleases").then(() => true),
  );
  for (const file of ["rbac-flux.yaml", "admission-helmreleases.yaml"])
    await applyYamlFile(kc, new URL(`manifests/components/flux/${file}`, root));
}

/** A HelmRelease of chart `podinfo` from HelmRepository `charts` at `version`. */
export function helmRelease(
  name: string,
  version: string,
  annotations: Record<string, string>,
): KubernetesObject {
  return {
    apiVersion: "helm.toolkit.fluxcd.io/v2",
    kind: "HelmRelease",
    metadata: { name, annotations },
    spec: {
      interval: "10m",
      chart: { spec: { chart: "podinfo", version, sourceRef: { kind: "HelmRepository", name: "charts" } } },
    },
  } as KubernetesObject;
}

/** The versions ConfigMap of `helmrepository/<ns>/charts/podinfo`, as the sidecar writes it. */
export async function publishChartVersions(
  kc: KubeConfig,
  namespace: string,
  versions: readonly string[],
  annotations: Record<string, string> = {},
): Promise<string> {
  const configMap = buildTagConfigMap(
    { repository: `helmrepository/${namespace}/charts/podinfo`, tags: versions, digests: {} },
    headwindNamespace,
  );
  Object.assign(configMap.metadata.annotations, annotations);
  await applyObjects(kc, [configMap as unknown as KubernetesObject]);
  return configMap.metadata.name;
}

export async function readRelease(kc: KubeConfig, namespace: string, name: string) {
  return (await kubeRequest(
    kc,
    "GET",
    `/apis/helm.toolkit.fluxcd.io/v2/namespaces/${namespace}/helmreleases/${name}`,
  )) as {
    metadata: { generation: number; annotations?: Record<string, string> };
    spec: { interval: string; chart: { spec: { version: string } } };
  };
}

/** What helm-controller reports once the release of the current generation is installed. */
export async function reportReleaseReady(kc: KubeConfig, namespace: string, name: string): Promise<void> {
  const { metadata } = await readRelease(kc, namespace, name);
  await kubeRequest(
    kc,
    "PATCH",
    `/apis/helm.toolkit.fluxcd.io/v2/namespaces/${namespace}/helmreleases/${name}/status`,
    {
      status: {
        observedGeneration: metadata.generation,
        conditions: [
          {
            type: "Ready",
            status: "True",
            reason: "UpgradeSucceeded",
            message: "Helm upgrade succeeded",
            lastTransitionTime: new Date().toISOString(),
            observedGeneration: metadata.generation,
          },
        ],
      },
    },
    "application/merge-patch+json",
  );
}

export async function deleteReleases(kc: KubeConfig, namespace: string): Promise<void> {
  await kubeRequest(kc, "DELETE", `/apis/helm.toolkit.fluxcd.io/v2/namespaces/${namespace}/helmreleases`);
}
