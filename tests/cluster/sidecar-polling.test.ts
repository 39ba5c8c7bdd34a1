// The sidecar's poll path end to end: a real docker-registry, a real apiserver, and every
// Kubernetes call made with the headwind-sidecar ServiceAccount's token under the shipped RBAC.
import type { KubeConfig, KubernetesObject } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTagConfigMap, tagConfigMapName, tagsLabel } from "../../src/core/tags/tag-configmap.ts";
import type { TagTimes } from "../../src/core/tags/tag-times.ts";
import type { ConfigMapObject } from "../../src/sidecar/runtime/sidecar-kube.ts";
import {
  adminConfig,
  applyObjects,
  createTestNamespace,
  kubeRequest,
  statusCode,
} from "../helpers/cluster.ts";
import { pushImage } from "../helpers/registry-push.ts";
import {
  htpasswdBasic,
  htpasswdPassword,
  htpasswdUser,
  type RegistryServer,
  startRegistry,
} from "../helpers/registry-server.ts";
import {
  bindPullSecrets,
  createTestSidecar,
  headwindNamespace as hw,
  installSidecarRbac,
} from "../helpers/sidecar-cluster.ts";

const basic = htpasswdBasic;

let admin: KubeConfig;
let sidecarConfig: KubeConfig;
let open: RegistryServer;
let locked: RegistryServer;
let ns: string;
let firstLatest: string;
const time = { now: Date.parse("2026-01-01T00:00:00Z") };
let sidecar: ReturnType<typeof createTestSidecar>;

function deployment(
  name: string,
  image: string,
  annotations: Record<string, string>,
  serviceAccountName?: string,
) {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, annotations },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: "app", image }], ...(serviceAccountName ? { serviceAccountName } : {}) },
      },
    },
  } as KubernetesObject;
}

const cmPath = (repository: string, namespace?: string) =>
  `/api/v1/namespaces/${hw}/configmaps/${tagConfigMapName(repository, namespace)}`;
const readConfigMap = async (repository: string, namespace?: string) =>
  (await kubeRequest(admin, "GET", cmPath(repository, namespace))) as ConfigMapObject & {
    metadata: { managedFields?: { manager: string; operation: string }[] };
  };
const mine = (origin: string) => sidecar.registryCalls.exchanges.filter((e) => e.origin === origin);

beforeAll(async () => {
  admin = adminConfig();
  sidecarConfig = await installSidecarRbac(admin);
  [open, locked] = await Promise.all([startRegistry(), startRegistry({ auth: { kind: "htpasswd" } })]);
  firstLatest = await pushImage(open.origin, "shop/web", ["1.0.0", "1.1.0", "latest"], { seed: "build-1" });
  await pushImage(open.origin, "shop/api", ["3.0.0"]);
  await pushImage(locked.origin, "shop/billing", ["0.9.0", "1.0.0"], { authorization: basic });

  ns = await createTestNamespace(admin, "hw-sc-poll");
  const dockerconfig = {
    auths: { [locked.host]: { auth: Buffer.from(`${htpasswdUser}:${htpasswdPassword}`).toString("base64") } },
  };
  await applyObjects(admin, [
    {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "regcred", namespace: ns },
      type: "kubernetes.io/dockerconfigjson",
      data: { ".dockerconfigjson": Buffer.from(JSON.stringify(dockerconfig)).toString("base64") },
    } as KubernetesObject,
    // The credentials come through the ServiceAccount, as the kubelet would find them.
    {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { name: "builder", namespace: ns },
      imagePullSecrets: [{ name: "regcred" }],
    } as KubernetesObject,
  ]);
  await bindPullSecrets(admin, sidecarConfig, ns, "regcred");
  await applyObjects(
    admin,
    [
      deployment("web", `${open.host}/shop/web:1.0.0`, { "headwind.sh/policy": "minor" }),
      deployment("web-edge", `${open.host}/shop/web:latest`, { "headwind.sh/policy": "digest" }),
      deployment("api", `${open.host}/shop/api:3.0.0`, { "headwind.sh/policy": "major" }),
      deployment(
        "billing",
        `${locked.host}/shop/billing:1.0.0`,
        { "headwind.sh/policy": "minor" },
        "builder",
      ),
      deployment("unmanaged", `${open.host}/shop/unmanaged:1.0.0`, {}),
    ],
    { namespace: ns },
  );
  sidecar = createTestSidecar({ config: sidecarConfig, identity: "poll-test", clock: () => time.now });
  expect(await sidecar.elector.tryAcquireOrRenew()).toBe(true);
});

afterAll(async () => {
  sidecar?.stop();
  await sidecar?.elector.release();
  await Promise.all([open?.stop(), locked?.stop()]);
});

describe("sidecar polling on the real apiserver", () => {
  const web = () => `${open.host}/shop/web`;
  const api = () => `${open.host}/shop/api`;
  const billing = () => `${locked.host}/shop/billing`;

  it("one cycle lists each repository once (HEADs the digest-tracked tag) and writes exact ConfigMaps by SSA", async () => {
    const started = performance.now();
    sidecar.kubeCalls.length = 0;
    const interest = await sidecar.refreshInterest();
    console.info(`sidecar-polling: interest refresh API calls: ${sidecar.kubeCalls.join(", ")}`);
    expect(sidecar.kubeCalls.filter((c) => c.includes("/serviceaccounts/")).sort()).toEqual(
      expect.arrayContaining([
        `GET /api/v1/namespaces/${ns}/serviceaccounts/builder`,
        `GET /api/v1/namespaces/${ns}/serviceaccounts/default`,
      ]),
    );
    expect([...interest.repositories.keys()]).toEqual(expect.arrayContaining([web(), api(), billing()]));
    expect(interest.repositories.has(`${open.host}/shop/unmanaged`)).toBe(false);
    sidecar.kubeCalls.length = 0;
    sidecar.registryCalls.reset();

    const report = await sidecar.runtime.pollOnce();
    const ours = new Set([web(), api(), billing()]);
    expect(report?.failed.filter((f) => ours.has(f.repository))).toEqual([]);
    expect(
      mine(open.origin)
        .map((e) => `${e.method} ${e.path} ${e.status}`)
        .sort(),
    ).toEqual([
      "GET /v2/shop/api/tags/list?n=1000 200",
      "GET /v2/shop/web/tags/list?n=1000 200",
      "HEAD /v2/shop/web/manifests/latest 200",
    ]);
    // Basic auth learnt from the 401 challenge, with the ServiceAccount's pull secret.
    expect(mine(locked.origin).map((e) => `${e.method} ${e.path} ${e.status}`)).toEqual([
      "GET /v2/shop/billing/tags/list?n=1000 401",
      "GET /v2/shop/billing/tags/list?n=1000 200",
    ]);
    expect(sidecar.kubeCalls).toEqual(
      expect.arrayContaining([
        `GET /api/v1/namespaces/${ns}/secrets/regcred`,
        `PATCH ${cmPath(web())}`,
        `PATCH ${cmPath(api())}`,
        // Read with the namespace's own pull secret: that namespace's scope.
        `PATCH ${cmPath(billing(), ns)}`,
      ]),
    );

    console.info(
      `sidecar-polling: first poll cycle: registry ${sidecar.registryCalls.exchanges.length} requests, API ${sidecar.kubeCalls.join(", ")}`,
    );
    const live = await readConfigMap(web());
    // A first listing dates every tag from itself (min-image-age); nothing is marked seen yet.
    const times = JSON.parse(live.data?.times ?? "null") as TagTimes;
    expect(times).toEqual({ v: 1, since: expect.any(Number), created: {}, seen: {} });
    const expected = buildTagConfigMap(
      { repository: web(), tags: ["1.0.0", "1.1.0", "latest"], digests: { latest: firstLatest }, times },
      hw,
    );
    expect(live.data).toEqual(expected.data);
    expect(live.data).toEqual({
      format: "headwind.sh/tags/v1",
      repository: web(),
      tags: "1.0.0\n1.1.0\nlatest",
      digests: JSON.stringify({ latest: firstLatest }),
      times: JSON.stringify({ v: 1, since: times.since, created: {}, seen: {} }),
    });
    expect(live.metadata.labels).toEqual({ [tagsLabel]: "v1", "app.kubernetes.io/managed-by": "headwind" });
    expect(live.metadata.annotations).toEqual({ "headwind.sh/repository": web() });
    expect(live.metadata.managedFields?.map((f) => `${f.manager} ${f.operation}`)).toEqual([
      "headwind-sidecar Apply",
    ]);
    expect((await readConfigMap(billing(), ns)).data?.tags).toBe("0.9.0\n1.0.0");
    expect((await readConfigMap(billing(), ns)).data?.namespace).toBe(ns);
    expect((await readConfigMap(api())).data?.tags).toBe("3.0.0");
    console.info(`sidecar-polling: first cycle ${Math.round(performance.now() - started)} ms`);
  });

  it("a second cycle with nothing new writes nothing: resourceVersions unchanged", async () => {
    const scoped = (r: string) => (r === billing() ? ns : undefined);
    const before = await Promise.all(
      [web(), api(), billing()].map(
        async (r) => (await readConfigMap(r, scoped(r))).metadata.resourceVersion,
      ),
    );
    time.now += 300_000;
    await sidecar.refreshInterest();
    sidecar.kubeCalls.length = 0;
    sidecar.registryCalls.reset();
    const report = await sidecar.runtime.pollOnce();
    expect(report?.due).toBeGreaterThanOrEqual(3);
    expect(mine(open.origin)).toHaveLength(3);
    expect(mine(locked.origin)).toHaveLength(1);
    // Only the poll status changes (when each repository was polled, for `kubectl headwind status`);
    // other test files' workloads share the apiserver, so only this file's ConfigMaps are judged.
    const ours = [cmPath(web()), cmPath(api()), cmPath(billing(), ns)].map((path) => `PATCH ${path}`);
    expect(sidecar.kubeCalls.filter((c) => ours.some((call) => c.startsWith(call)))).toEqual([]);
    expect(sidecar.kubeCalls).toContain("PATCH /api/v1/namespaces/headwind/configmaps/headwind-poll-status");
    const after = await Promise.all(
      [web(), api(), billing()].map(
        async (r) => (await readConfigMap(r, scoped(r))).metadata.resourceVersion,
      ),
    );
    expect(after).toEqual(before);
    const text = await sidecar.register.metrics();
    const unchanged = /headwind_sidecar_configmap_writes_total\{result="unchanged"\} (\d+)/.exec(text);
    expect(Number(unchanged?.[1])).toBeGreaterThanOrEqual(3);
  });

  it("sees a new tag and a re-pushed digest-tracked tag in the next cycle", async () => {
    const newLatest = await pushImage(open.origin, "shop/web", ["1.2.0", "latest"], { seed: "build-2" });
    expect(newLatest).not.toBe(firstLatest);
    time.now += 300_000;
    await sidecar.runtime.pollOnce();
    const live = await readConfigMap(web());
    expect(live.data?.tags).toBe("1.0.0\n1.1.0\n1.2.0\nlatest");
    expect(JSON.parse(live.data?.digests ?? "")).toEqual({ latest: newLatest });
  });

  it("deletes the ConfigMap of a repository no workload uses any more", async () => {
    await kubeRequest(admin, "DELETE", `/apis/apps/v1/namespaces/${ns}/deployments/api`);
    await sidecar.refreshInterest();
    let status: number | undefined;
    try {
      await readConfigMap(api());
    } catch (error) {
      status = statusCode(error);
    }
    expect(status).toBe(404);
    expect((await readConfigMap(web())).data?.tags).toContain("1.2.0");
    expect(await sidecar.register.metrics()).toMatch(
      /headwind_sidecar_configmap_writes_total\{result="deleted"\} [1-9]/,
    );
  });

  it.each([
    {
      kind: "short semver tags",
      truncated: false,
      tag: (i: number) => `${Math.floor(i / 1000)}.${Math.floor(i / 10) % 100}.${i % 10}-r${i}`,
    },
    {
      kind: "long build tags",
      truncated: true,
      tag: (i: number) => `release-2026.01.01-build-${String(i).padStart(6, "0")}-0123456789abcdef`,
    },
  ])(
    "keeps a 50,000-tag repository under 1 MiB, accepted by the apiserver ($kind)",
    async ({ kind, tag, truncated }) => {
      const repository = `${open.host}/bulk/${kind.split(" ")[0]}`;
      const tags = Array.from({ length: 50_000 }, (_, i) => tag(i));
      const started = performance.now();
      expect(
        await sidecar.store.write({
          repository,
          tags,
          digests: { [tags[49_999] ?? ""]: firstLatest },
          truncated: false,
        }),
      ).toBe("applied");
      const elapsed = Math.round(performance.now() - started);
      const live = await readConfigMap(repository);
      const bytes = Buffer.byteLength(JSON.stringify(live));
      expect(bytes).toBeLessThan(1024 * 1024);
      const kept = live.data?.tags?.split("\n").length ?? 0;
      console.info(
        `sidecar-polling: 50,000 ${kind}: object ${bytes} bytes, ${kept} tags kept, truncated=${live.data?.truncated ?? "false"}, apply ${elapsed} ms`,
      );
      if (truncated) {
        expect(live.data?.truncated).toBe("true");
        expect(kept).toBeGreaterThan(15_000);
      } else {
        expect(live.data?.truncated).toBeUndefined();
        expect(kept).toBe(50_000);
      }
      // The highest versions survive a cut; an unchanged rewrite is skipped.
      expect(live.data?.tags).toContain(tags[49_999]);
      expect(
        await sidecar.store.write({
          repository,
          tags,
          digests: { [tags[49_999] ?? ""]: firstLatest },
          truncated: false,
        }),
      ).toBe("unchanged");
      await kubeRequest(admin, "DELETE", cmPath(repository));
    },
  );
});
