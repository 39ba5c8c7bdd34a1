/** Headwind's cluster-wide prerequisites on the test apiserver, and its components' own identities. */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { KubeConfig } from "@kubernetes/client-node";
import {
  applyYamlFile,
  configForToken,
  installCrds,
  kubeRequest,
  serviceAccountConfig,
  serviceAccountToken,
  statusCode,
  waitFor,
} from "./cluster.ts";

const root = new URL("../../", import.meta.url);
export const headwindNamespace = "headwind";

/** The UpdateRequest CRD, Metacontroller's CRDs, the headwind namespace and the hooks RBAC. */
export async function installHeadwind(kc: KubeConfig): Promise<void> {
  await installCrds(kc, new URL("manifests/crds/updaterequests.headwind.sh.yaml", root));
  await installCrds(kc, new URL("tests/fixtures/crds/metacontroller-crds-v1.yaml", root));
  // Established is not yet listable ("storage is (re)initializing"); Metacontroller would wait for its informer.
  await waitFor("UpdateRequests to be listable", () =>
    kubeRequest(kc, "GET", "/apis/headwind.sh/v1alpha1/updaterequests").then(() => true),
  );
  try {
    await kubeRequest(kc, "POST", "/api/v1/namespaces", { metadata: { name: headwindNamespace } });
  } catch (error) {
    if (statusCode(error) !== 409) throw error;
  }
  await applyYamlFile(kc, new URL("manifests/rbac-hooks.yaml", root));
}

/** A client acting as the hooks ServiceAccount, once its ClusterRoleBinding has taken effect. */
export async function hooksServiceAccount(kc: KubeConfig): Promise<KubeConfig> {
  const asHooks = await serviceAccountConfig(kc, headwindNamespace, "headwind-hooks");
  await waitFor("the hooks ClusterRoleBinding to take effect", async () => {
    try {
      await kubeRequest(asHooks, "GET", `/apis/apps/v1/namespaces/${headwindNamespace}/deployments/probe`);
    } catch (error) {
      return statusCode(error) === 404;
    }
    return true;
  });
  return asHooks;
}

/** A kubeconfig file in `dir` for one of Headwind's ServiceAccounts, as its Pod would have. */
export async function serviceAccountKubeconfig(
  admin: KubeConfig,
  account: string,
  dir: string,
): Promise<string> {
  const token = await serviceAccountToken(admin, headwindNamespace, account);
  const path = join(dir, `${account}.kubeconfig`);
  await writeFile(path, configForToken(admin, token, account).exportConfig(), { mode: 0o600 });
  return path;
}
