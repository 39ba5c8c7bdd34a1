// Proves the real-cluster harness gives what the cluster tier relies on: the pinned apiserver, RBAC
// that really denies, CRDs that become served types with schema validation, and server-side apply.
import { readFile } from "node:fs/promises";
import type { KubeConfig, KubernetesObject } from "@kubernetes/client-node";
import { beforeAll, describe, expect, it } from "vitest";
import {
  adminConfig,
  applyObjects,
  createTestNamespace,
  installCrds,
  kubeRequest,
  readObject,
  serviceAccountConfig,
  statusCode,
  waitFor,
} from "../helpers/cluster.ts";

const crds = (file: string) => new URL(`../fixtures/crds/${file}`, import.meta.url);

let kc: KubeConfig;
let ns: string;

beforeAll(async () => {
  kc = adminConfig();
  ns = await createTestNamespace(kc);
});

async function rejection(p: Promise<unknown>): Promise<number | undefined> {
  try {
    await p;
  } catch (err) {
    return statusCode(err);
  }
  throw new Error("expected the request to be rejected");
}

describe("real-cluster harness", () => {
  it("runs the kube-apiserver version pinned in tools/versions.env", async () => {
    const env = await readFile(new URL("../../tools/versions.env", import.meta.url), "utf8");
    const pinned = /^KUBE_VERSION=(\S+)$/m.exec(env)?.[1];
    const info = (await kubeRequest(kc, "GET", "/version")) as { gitVersion?: string };
    expect(info.gitVersion).toBe(pinned);
    expect(info.gitVersion).toBe("v1.35.4");
  });

  it("enforces RBAC on ServiceAccount tokens from the TokenRequest API", async () => {
    const asBot = await serviceAccountConfig(kc, ns, "bot");
    const list = (config: KubeConfig, resource: string) =>
      kubeRequest(config, "GET", `/api/v1/namespaces/${ns}/${resource}`);
    expect(await rejection(list(asBot, "secrets"))).toBe(403);
    await expect(list(kc, "secrets")).resolves.toBeDefined();

    const rbac = `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}`;
    await kubeRequest(kc, "POST", `${rbac}/roles`, {
      metadata: { name: "read-secrets" },
      rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["list"] }],
    });
    await kubeRequest(kc, "POST", `${rbac}/rolebindings`, {
      metadata: { name: "bot-reads-secrets" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "read-secrets" },
      subjects: [{ kind: "ServiceAccount", name: "bot", namespace: ns }],
    });
    // The RBAC authorizer reads bindings from an informer, so the grant lands a moment later.
    await waitFor("the RoleBinding to take effect", async () => {
      await list(asBot, "secrets");
      return true;
    });
    expect(await rejection(list(asBot, "configmaps"))).toBe(403);
  });

  it("serves the Metacontroller and Flux CRDs once applied, with their schemas enforced", async () => {
    const names = [
      ...(await installCrds(kc, crds("metacontroller-crds-v1.yaml"))),
      ...(await installCrds(kc, crds("helm.toolkit.fluxcd.io_helmreleases.yaml"))),
    ];
    expect(names.sort()).toEqual([
      "compositecontrollers.metacontroller.k8s.io",
      "controllerrevisions.metacontroller.k8s.io",
      "decoratorcontrollers.metacontroller.k8s.io",
      "helmreleases.helm.toolkit.fluxcd.io",
    ]);

    const decorator = {
      apiVersion: "metacontroller.k8s.io/v1alpha1",
      kind: "DecoratorController",
      metadata: { name: `${ns}-probe` },
      spec: {
        resources: [{ apiVersion: "v1", resource: "configmaps" }],
        hooks: { sync: { webhook: { url: "http://127.0.0.1:1/sync", timeout: "5s" } } },
      },
    };
    const release = {
      apiVersion: "helm.toolkit.fluxcd.io/v2",
      kind: "HelmRelease",
      metadata: { name: "podinfo" },
      spec: {
        interval: "5m",
        chart: { spec: { chart: "podinfo", sourceRef: { kind: "HelmRepository", name: "r" } } },
      },
    };
    const [dc, hr] = await applyObjects(kc, [decorator, release], { namespace: ns });
    expect(dc?.metadata?.uid).toBeTruthy();
    expect(hr?.metadata?.namespace).toBe(ns);
    expect((await readObject(kc, release, ns)).metadata?.uid).toBe(hr?.metadata?.uid);

    const broken = {
      ...decorator,
      metadata: { name: `${ns}-broken` },
      spec: { resources: [{ apiVersion: "v1" }] },
    };
    expect(await rejection(applyObjects(kc, [broken]))).toBe(422);
  });

  it("does server-side apply with field ownership and conflicts", async () => {
    type ConfigMap = KubernetesObject & { data: Record<string, string> };
    const cm = (manager: string, value: string): ConfigMap => ({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "ssa", namespace: ns },
      data: { [manager]: "mine", shared: value },
    });
    const apply = async (obj: ConfigMap, fieldManager: string, force: boolean) =>
      (await applyObjects(kc, [obj], { fieldManager, force }))[0] as ConfigMap;

    await apply(cm("alpha", "a"), "alpha", false);
    expect(await rejection(apply(cm("beta", "b"), "beta", false))).toBe(409);
    const forced = await apply(cm("beta", "b"), "beta", true);
    expect(forced.data).toEqual({ alpha: "mine", beta: "mine", shared: "b" });
    expect(forced.metadata?.managedFields?.map((f) => f.manager).sort()).toEqual(["alpha", "beta"]);

    // Applying without a field drops it only when this manager was its sole owner.
    const shrunk = await apply({ ...cm("beta", "b"), data: { shared: "b" } }, "beta", false);
    expect(shrunk.data).toEqual({ alpha: "mine", shared: "b" });
  });
});
