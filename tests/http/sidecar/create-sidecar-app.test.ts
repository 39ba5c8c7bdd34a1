import pino from "pino";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../../src/core/kube-object.ts";
import { tagConfigMapName } from "../../../src/core/tags/tag-configmap.ts";
import { createPollerMetrics } from "../../../src/sidecar/poller/create-poller-metrics.ts";
import { createDockerConfigLoader } from "../../../src/sidecar/runtime/create-docker-config-loader.ts";
import { createSidecarApp } from "../../../src/sidecar/runtime/create-sidecar-app.ts";
import { createSidecarMetrics } from "../../../src/sidecar/runtime/create-sidecar-metrics.ts";
import { createSidecarRuntime } from "../../../src/sidecar/runtime/create-sidecar-runtime.ts";
import { createTagStore } from "../../../src/sidecar/runtime/create-tag-store.ts";
import { isOptedIn } from "../../../src/sidecar/runtime/create-workload-view.ts";
import { createWebhookMetrics } from "../../../src/sidecar/webhooks/create-webhook-metrics.ts";
import type { WebhookSource } from "../../../src/sidecar/webhooks/webhook-source.ts";
import { fakeRegistryClient } from "../../helpers/registry-fake-client.ts";
import { fakeSidecarKube } from "../../unit/sidecar/runtime/fake-sidecar-kube.ts";

const token = "Bearer registry-token-9f2c";
const source: WebhookSource = {
  name: "registry",
  vendor: "distribution",
  path: "distribution",
  auth: { type: "header-token", header: "authorization", secret: token },
};
const digest = (c: string) => `sha256:${c.repeat(64)}`;
const repo = "registry.acme.example/apps/web";

const web: KubeObject = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: "shop", annotations: { "headwind.sh/policy": "minor" } },
  spec: { template: { spec: { containers: [{ name: "web", image: `${repo}:1.4.1` }] } } },
};

function envelope(id: string, repository: string, tag: string) {
  return JSON.stringify({
    events: [
      {
        id,
        timestamp: "2026-01-01T00:00:00Z",
        action: "push",
        target: {
          mediaType: "application/vnd.oci.image.manifest.v1+json",
          repository,
          tag,
          digest: digest("f"),
        },
        request: { host: "registry.acme.example", method: "PUT" },
      },
    ],
  });
}

function setup(extraProblems: string[] = []) {
  const fake = fakeSidecarKube({ workloads: [web] });
  const registry = fakeRegistryClient({
    [repo]: { tags: ["1.4.1", "1.4.2"], digests: { "1.4.2": digest("a"), "1.4.3": "fail" } },
  });
  const register = new Registry();
  const metrics = { sidecar: createSidecarMetrics(register), poller: createPollerMetrics(register) };
  const logger = pino({ level: "silent" });
  const runtime = createSidecarRuntime({
    kube: fake.kube,
    workloads: () => fake.state.workloads.filter(isOptedIn),
    client: registry.client,
    store: createTagStore({
      kube: fake.kube,
      namespace: "headwind",
      metrics: metrics.sidecar,
      logger,
      clock: Date.now,
    }),
    elector: { isLeader: () => false },
    loadDockerConfigs: createDockerConfigLoader({ kube: fake.kube, logger, clock: Date.now }),
    namespace: "headwind",
    defaultPollingIntervalSeconds: 300,
    registryCredentials: [],
    metrics,
    clock: Date.now,
    logger,
    sleep: async () => {},
  });
  const app = createSidecarApp({
    sources: [source],
    onEvents: runtime.onEvents,
    readiness: () => [...runtime.notReadyReasons(), ...extraProblems],
    clock: Date.now,
    logger,
    metrics: createWebhookMetrics(register),
  });
  const post = (body: string) =>
    app.request("/webhooks/distribution", {
      method: "POST",
      body,
      headers: { "content-type": "application/vnd.docker.distribution.events.v1+json", authorization: token },
    });
  const tags = () => fake.state.configMaps.get(`headwind/${tagConfigMapName(repo)}`)?.data?.tags;
  return { app, runtime, registry, register, post, tags, fake };
}

describe("createSidecarApp", () => {
  it("answers /healthz whatever the state", async () => {
    const k = setup();
    const res = await k.app.request("/healthz");
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("ok");
  });

  it("/readyz is 503 with the reasons until the first interest refresh, then 200", async () => {
    const k = setup();
    const before = await k.app.request("/readyz");
    expect(before.status).toBe(503);
    expect(await before.json()).toEqual({
      ready: false,
      reasons: ["interest not known yet: the first interest refresh has not run yet"],
    });
    await k.runtime.refreshInterest();
    const after = await k.app.request("/readyz");
    expect(after.status).toBe(200);
    expect(await after.json()).toEqual({ ready: true });
  });

  it("/readyz stays 503 while the webhook config is invalid", async () => {
    const k = setup(["/etc/headwind/webhooks.yaml: sources must be a list"]);
    await k.runtime.refreshInterest();
    const res = await k.app.request("/readyz");
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      ready: false,
      reasons: ["/etc/headwind/webhooks.yaml: sources must be a list"],
    });
  });

  it("a webhook reaches onEvents: answered at once, then confirmed with one HEAD and recorded; a duplicate is acknowledged with 202", async () => {
    const k = setup();
    await k.runtime.refreshInterest();
    const first = await k.post(envelope("evt-1", "apps/web", "1.4.2"));
    expect(first.status).toBe(202);
    expect(await first.json()).toEqual({ accepted: 1, ignored: 0 });
    await k.runtime.hintsIdle();
    expect(k.registry.calls).toEqual([`head ${repo}:1.4.2`]);
    expect(k.tags()).toBe("1.4.2");

    const again = await k.post(envelope("evt-1", "apps/web", "1.4.2"));
    expect(again.status).toBe(202);
    expect(await again.json()).toEqual({ accepted: 0, ignored: 0, duplicate: true });
    expect(k.registry.calls).toHaveLength(1);
  });

  it("a forged tag is accepted for delivery but never recorded", async () => {
    const k = setup();
    await k.runtime.refreshInterest();
    const res = await k.post(envelope("evt-2", "apps/web", "9.9.9"));
    expect(res.status).toBe(202);
    await k.runtime.hintsIdle();
    expect(k.tags()).toBeUndefined();
    expect(await k.register.metrics()).toContain(
      'headwind_sidecar_ignored_events_total{reason="not_in_registry"} 1',
    );
  });

  it("a repository no workload uses is ignored without a registry request", async () => {
    const k = setup();
    await k.runtime.refreshInterest();
    const res = await k.post(envelope("evt-3", "apps/unknown", "1.0.0"));
    expect(res.status).toBe(202);
    expect(k.registry.calls).toEqual([]);
    expect(await k.register.metrics()).toContain(
      'headwind_sidecar_ignored_events_total{reason="not_in_use"} 1',
    );
  });

  it("answers 503 (the vendor retries) before the interest is known; a registry that cannot confirm costs no 503", async () => {
    const k = setup();
    expect((await k.post(envelope("evt-4", "apps/web", "1.4.2"))).status).toBe(503);
    await k.runtime.refreshInterest();
    // The delivery is answered before the registry is asked: its failure is counted, not retried.
    expect((await k.post(envelope("evt-5", "apps/web", "1.4.3"))).status).toBe(202);
    // The failed delivery's id is forgotten, so the retry is processed, not taken for a replay.
    expect((await k.post(envelope("evt-4", "apps/web", "1.4.2"))).status).toBe(202);
    await k.runtime.hintsIdle();
    expect(k.tags()).toBe("1.4.2");
    expect(await k.register.metrics()).toContain(
      'headwind_sidecar_ignored_events_total{reason="unconfirmed"} 1',
    );
  });
});
