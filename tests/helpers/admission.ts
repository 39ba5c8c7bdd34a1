/**
 * Installs Headwind's admission policies (manifests/admission) and waits until the apiserver
 * enforces them: a policy is served before its admission plugin has compiled it, so each one is
 * probed with a dry-run write it must deny.
 */
import type { KubeConfig, KubernetesObject } from "@kubernetes/client-node";
import { applyObjects, applyYamlFile, kubeRequest, statusCode, waitFor } from "./cluster.ts";

const root = new URL("../../", import.meta.url);
const hw = "headwind";

/** Admin and hooks clients; the hooks ServiceAccount's RBAC must already be in effect. */
export async function installAdmission(kc: KubeConfig, asHooks: KubeConfig): Promise<void> {
  for (const file of ["hooks-workload-changes.yaml", "approvals.yaml", "rollbacks.yaml"])
    await applyYamlFile(kc, new URL(`manifests/admission/${file}`, root));
  const probe = { name: "admission-probe", namespace: hw };
  await applyObjects(kc, [
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: probe,
      spec: {
        selector: { matchLabels: { app: "probe" } },
        template: {
          metadata: { labels: { app: "probe" } },
          spec: { containers: [{ name: "c", image: "probe:1" }] },
        },
      },
    } as KubernetesObject,
  ]);
  await applyObjects(kc, [
    {
      apiVersion: "headwind.sh/v1alpha1",
      kind: "UpdateRequest",
      metadata: probe,
      spec: {
        targetRef: { apiVersion: "apps/v1", kind: "Deployment", ...probe },
        containerName: "c",
        currentImage: "probe:1",
        newImage: "probe:2",
        policy: "minor",
        approval: "Required",
        expiresAt: "2099-01-01T00:00:00Z",
      },
    } as KubernetesObject,
  ]);
  const denied = (p: Promise<unknown>) => p.then(() => false).catch((e: unknown) => statusCode(e) === 403);
  await waitFor(
    "the admission policies to be enforced",
    async () =>
      (await denied(
        kubeRequest(
          asHooks,
          "PATCH",
          `/apis/apps/v1/namespaces/${hw}/deployments/${probe.name}?dryRun=All`,
          [{ op: "replace", path: "/spec/replicas", value: 3 }],
          "application/json-patch+json",
        ),
      )) &&
      (await denied(
        kubeRequest(
          kc,
          "PATCH",
          `/apis/headwind.sh/v1alpha1/namespaces/${hw}/updaterequests/${probe.name}/status?dryRun=All`,
          { status: { phase: "Completed" } },
          "application/merge-patch+json",
        ),
      )),
    { timeoutMs: 60_000, intervalMs: 250 },
  );
}
