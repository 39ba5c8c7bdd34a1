import pino from "pino";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../../../src/core/kube-object.ts";
import { annotations } from "../../../../src/core/metadata-keys.ts";
import { parsePollStatus } from "../../../../src/core/tags/poll-status.ts";
import { buildTagConfigMap, tagConfigMapName } from "../../../../src/core/tags/tag-configmap.ts";
import { KubeApiError } from "../../../../src/kube/kube-api-error.ts";
import { createPollerMetrics } from "../../../../src/sidecar/poller/create-poller-metrics.ts";
import type { CloudCredentials } from "../../../../src/sidecar/registry/cloud/create-cloud-credentials.ts";
import { registryError } from "../../../../src/sidecar/registry/registry-result.ts";
import { createDockerConfigLoader } from "../../../../src/sidecar/runtime/create-docker-config-loader.ts";
import { createSidecarMetrics } from "../../../../src/sidecar/runtime/create-sidecar-metrics.ts";
import { createSidecarRuntime } from "../../../../src/sidecar/runtime/create-sidecar-runtime.ts";
import { createTagStore } from "../../../../src/sidecar/runtime/create-tag-store.ts";
import { isOptedIn } from "../../../../src/sidecar/runtime/create-workload-view.ts";
import { fakeRegistryClient } from "../../../helpers/registry-fake-client.ts";
import { fakeSidecarKube } from "./fake-sidecar-kube.ts";

const digest = (c: string) => `sha256:${c.repeat(64)}`;

function deployment(
  name: string,
  image: string,
  annotations: Record<string, string>,
  sa?: string,
): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace: "shop", annotations },
    spec: {
      template: { spec: { containers: [{ name: "app", image }], ...(sa ? { serviceAccountName: sa } : {}) } },
    },
  };
}

function setup(workloads: KubeObject[], cloudCredentials?: CloudCredentials) {
  const fake = fakeSidecarKube({ workloads });
  fake.state.serviceAccounts.set("shop/builder", {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: { name: "builder", namespace: "shop" },
    imagePullSecrets: [{ name: "regcred" }],
  } as KubeObject);
  const registry = fakeRegistryClient({
    "reg.example.com/shop/web": { tags: ["1.0.0", "1.1.0", "latest"], digests: { latest: digest("a") } },
    "reg.example.com/shop/api": { tags: ["2.0.0"], digests: { "2.0.0": digest("b") } },
    "reg.example.com/shop/down": { fail: "unavailable" },
  });
  const time = { now: Date.parse("2026-01-01T00:00:00Z") };
  const leader = { value: true };
  // What the workload view (create-workload-view.ts) hands over once it has listed.
  const listed = { value: true };
  const register = new Registry();
  const metrics = { sidecar: createSidecarMetrics(register), poller: createPollerMetrics(register) };
  const logger = pino({ level: "silent" });
  const store = createTagStore({
    kube: fake.kube,
    namespace: "headwind",
    metrics: metrics.sidecar,
    logger,
    clock: () => time.now,
  });
  const runtime = createSidecarRuntime({
    kube: fake.kube,
    workloads: () => {
      if (!listed.value) throw new Error("the workloads have not been listed yet");
      return fake.state.workloads.filter(isOptedIn);
    },
    client: registry.client,
    store,
    elector: { isLeader: () => leader.value },
    loadDockerConfigs: createDockerConfigLoader({ kube: fake.kube, logger, clock: () => time.now }),
    namespace: "headwind",
    defaultPollingIntervalSeconds: 300,
    registryCredentials: ["global"],
    metrics,
    clock: () => time.now,
    logger,
    ...(cloudCredentials === undefined ? {} : { cloudCredentials }),
  });
  return { fake, registry, time, leader, listed, runtime, register };
}

const workloads = [
  deployment("web-1", "reg.example.com/shop/web:1.0.0", { "headwind.sh/policy": "minor" }, "builder"),
  deployment("web-2", "reg.example.com/shop/web:latest", { "headwind.sh/policy": "digest" }, "builder"),
  deployment("web-3", "reg.example.com/shop/web:1.0.0", { "headwind.sh/policy": "patch" }),
  deployment("api", "reg.example.com/shop/api:2.0.0", { "headwind.sh/policy": "major" }),
  deployment("plain", "reg.example.com/shop/other:1", {}),
];

describe("createSidecarRuntime", () => {
  it("is not ready until the workloads are listed and the first refresh succeeded, and says why", async () => {
    const k = setup(workloads);
    k.listed.value = false;
    expect(k.runtime.notReadyReasons()).toEqual([
      "interest not known yet: the first interest refresh has not run yet",
    ]);
    await expect(k.runtime.refreshInterest()).rejects.toThrow("the workloads have not been listed yet");
    k.listed.value = true;
    k.fake.fail("listConfigMaps", new KubeApiError(0, "connect ECONNREFUSED 127.0.0.1:6443"));
    await expect(k.runtime.refreshInterest()).rejects.toThrow("ECONNREFUSED");
    expect(k.runtime.notReadyReasons()).toEqual([
      "interest not known yet: connect ECONNREFUSED 127.0.0.1:6443",
    ]);
    k.fake.fail("listConfigMaps", undefined);
    await k.runtime.refreshInterest();
    expect(k.runtime.notReadyReasons()).toEqual([]);
  });

  it("one refresh: no workload LIST (the view keeps them), the ConfigMap LIST, one GET per distinct ServiceAccount", async () => {
    const k = setup(workloads);
    const interest = await k.runtime.refreshInterest();
    expect(k.fake.calls).toEqual([
      "listConfigMaps headwind",
      "getServiceAccount shop/builder",
      "getServiceAccount shop/default",
    ]);
    expect(interest.poll).toEqual([
      {
        repository: "reg.example.com/shop/api",
        pollingIntervalSeconds: 300,
        uses: [{ namespace: "shop", pullSecrets: [], digestTags: [] }],
      },
      {
        repository: "reg.example.com/shop/web",
        pollingIntervalSeconds: 300,
        uses: [
          {
            namespace: "shop",
            pullSecrets: [{ namespace: "shop", name: "regcred" }],
            digestTags: ["latest"],
          },
        ],
      },
    ]);
    expect(await k.register.metrics()).toContain("headwind_sidecar_interest_repositories 2");
  });

  it("polls only while leading; one listing per repository; an unchanged second poll writes nothing", async () => {
    const k = setup(workloads);
    await k.runtime.refreshInterest();
    k.leader.value = false;
    expect(await k.runtime.pollOnce()).toBeUndefined();
    expect(k.registry.calls).toEqual([]);

    k.leader.value = true;
    const first = await k.runtime.pollOnce();
    expect(first).toMatchObject({ due: 2, polled: 2, failed: [] });
    expect(k.registry.calls.sort()).toEqual([
      "head reg.example.com/shop/web:latest",
      "list reg.example.com/shop/api",
      "list reg.example.com/shop/web",
    ]);
    const web = k.fake.state.configMaps.get(`headwind/${tagConfigMapName("reg.example.com/shop/web")}`);
    expect(web?.data?.tags).toBe("1.0.0\n1.1.0\nlatest");
    expect(JSON.parse(web?.data?.digests ?? "")).toEqual({ latest: digest("a") });

    // Nothing due a second later; after the interval, the same content: no write.
    k.time.now += 1_000;
    expect(await k.runtime.pollOnce()).toMatchObject({ due: 0 });
    k.fake.calls.length = 0;
    k.time.now += 300_000;
    expect(await k.runtime.pollOnce()).toMatchObject({ due: 2, polled: 2 });
    expect(k.fake.calls.filter((c) => c.startsWith("apply"))).toEqual([
      "applyConfigMap headwind/headwind-poll-status headwind-sidecar",
    ]);
  });

  it("records when each repository was last polled and how it went, for kubectl headwind status", async () => {
    const k = setup(workloads);
    await k.runtime.refreshInterest();
    k.registry.client.listTags = async () => ({
      ok: false,
      error: { kind: "unauthorized", registry: "reg.example.com", message: "credentials were rejected" },
    });
    await k.runtime.pollOnce();
    const status = k.fake.state.configMaps.get("headwind/headwind-poll-status");
    const at = new Date(k.time.now).toISOString();
    expect(parsePollStatus(status as KubeObject)).toEqual([
      { repository: "reg.example.com/shop/api", polledAt: at, result: "credentials were rejected" },
      { repository: "reg.example.com/shop/web", polledAt: at, result: "credentials were rejected" },
    ]);
  });

  it("the leader deletes ConfigMaps no workload needs after a refresh; a follower never does", async () => {
    const k = setup(workloads);
    const stale = buildTagConfigMap(
      { repository: "reg.example.com/shop/gone", tags: ["1"], digests: {} },
      "headwind",
    );
    await k.fake.kube.applyConfigMap(stale, "headwind-sidecar");
    k.leader.value = false;
    await k.runtime.refreshInterest();
    expect(k.fake.state.configMaps.size).toBe(1);
    k.leader.value = true;
    await k.runtime.refreshInterest();
    expect(k.fake.state.configMaps.size).toBe(0);
  });

  it("a failed refresh keeps the previous interest: a broken read never looks like no workloads", async () => {
    const k = setup(workloads);
    await k.runtime.pollOnce();
    await k.runtime.refreshInterest();
    await k.runtime.pollOnce();
    const before = k.fake.state.configMaps.size;
    k.fake.fail("listConfigMaps", new KubeApiError(500, "etcd timeout"));
    await expect(k.runtime.refreshInterest()).rejects.toThrow("etcd timeout");
    expect(k.runtime.interest()?.repositories.size).toBe(2);
    expect(k.fake.state.configMaps.size).toBe(before);
    expect(k.runtime.notReadyReasons()).toEqual([]);
  });

  it("stops asking registries the moment leadership is lost, even mid-cycle", async () => {
    const k = setup(workloads);
    await k.runtime.refreshInterest();
    let calls = 0;
    const original = k.registry.client.listTags;
    k.registry.client.listTags = async (key, credentials) => {
      calls += 1;
      k.leader.value = false;
      return original(key, credentials);
    };
    const report = await k.runtime.pollOnce();
    // Both repositories were due; the first one's listing took leadership away.
    expect(report?.due).toBe(2);
    expect(report?.polled).toBe(0);
    expect(k.fake.state.configMaps.size).toBe(0);
    expect(calls).toBe(1);
    expect(k.fake.calls.filter((c) => c.startsWith("apply"))).toEqual([]);
  });

  it("reads a repository with a namespace's own pull secret into that namespace's scope, and retires it once the secret is gone", async () => {
    const k = setup(workloads);
    const dockerconfig = { auths: { "reg.example.com": { username: "shop-robot", password: "pw" } } };
    k.fake.state.secrets.set("shop/regcred", {
      metadata: { name: "regcred", namespace: "shop" },
      type: "kubernetes.io/dockerconfigjson",
      data: { ".dockerconfigjson": Buffer.from(JSON.stringify(dockerconfig)).toString("base64") },
    });
    await k.runtime.refreshInterest();
    await k.runtime.pollOnce();
    // web-1 and web-2 carry the secret (namespace shop): the whole namespace's use is that scope.
    expect(k.registry.calls.sort()).toEqual([
      "head reg.example.com/shop/web:latest",
      "list reg.example.com/shop/api",
      "list reg.example.com/shop/web as shop-robot",
    ]);
    const scoped = `headwind/${tagConfigMapName("reg.example.com/shop/web", "shop")}`;
    expect(k.fake.state.configMaps.get(scoped)?.data?.namespace).toBe("shop");
    expect(k.fake.state.configMaps.has(`headwind/${tagConfigMapName("reg.example.com/shop/web")}`)).toBe(
      false,
    );
    // The prune keeps a namespace's own scope while that namespace uses the repository.
    await k.runtime.refreshInterest();
    expect(k.fake.state.configMaps.has(scoped)).toBe(true);

    k.fake.state.secrets.delete("shop/regcred");
    k.time.now += 300_000;
    await k.runtime.refreshInterest();
    await k.runtime.pollOnce();
    expect(k.fake.state.configMaps.has(scoped)).toBe(false);
    expect(k.fake.state.configMaps.has(`headwind/${tagConfigMapName("reg.example.com/shop/web")}`)).toBe(
      true,
    );
  });

  it("answers a webhook delivery at once and records its hints in the background", async () => {
    const k = setup(workloads);
    await k.runtime.refreshInterest();
    const event = {
      vendor: "distribution",
      registry: "reg.example.com",
      repository: "shop/api",
      tag: "2.0.0",
    };
    await k.runtime.onEvents([event], "registry");
    expect(k.fake.state.configMaps.size).toBe(0);
    await k.runtime.hintsIdle();
    expect(k.registry.calls).toEqual(["head reg.example.com/shop/api:2.0.0"]);
    expect(
      k.fake.state.configMaps.get(`headwind/${tagConfigMapName("reg.example.com/shop/api")}`)?.data?.tags,
    ).toBe("2.0.0");
  });

  it("says on each failed repository's ConfigMap why its poll failed, cloud credentials included", async () => {
    const ecr = "123456789012.dkr.ecr.us-east-1.amazonaws.com";
    const cloud: CloudCredentials = async (registry) =>
      registry === ecr
        ? {
            ok: false,
            error: registryError("unauthorized", registry, `aws credentials for ${registry}: denied`),
          }
        : undefined;
    const k = setup(
      [
        deployment("api", "reg.example.com/shop/api:2.0.0", { "headwind.sh/policy": "major" }),
        deployment("down", "reg.example.com/shop/down:1.0.0", { "headwind.sh/policy": "major" }),
        deployment("ecr", `${ecr}/shop/app:1.0.0`, { "headwind.sh/policy": "major" }),
      ],
      cloud,
    );
    await k.runtime.refreshInterest();
    const report = await k.runtime.pollOnce();
    expect(report?.failed.map((failure) => failure.repository).sort()).toEqual([
      `${ecr}/shop/app`,
      "reg.example.com/shop/down",
    ]);
    const annotation = (repository: string) =>
      k.fake.state.configMaps.get(`headwind/${tagConfigMapName(repository)}`)?.metadata.annotations?.[
        annotations.pollError
      ];
    expect(annotation(`${ecr}/shop/app`)).toBe(`unauthorized: aws credentials for ${ecr}: denied`);
    expect(annotation("reg.example.com/shop/down")).toBe("unavailable: reg.example.com/shop/down failed");
    expect(annotation("reg.example.com/shop/api")).toBeUndefined();
    expect(
      k.fake.state.configMaps.get(`headwind/${tagConfigMapName("reg.example.com/shop/api")}`)?.data?.tags,
    ).toBe("2.0.0");
  });
});
