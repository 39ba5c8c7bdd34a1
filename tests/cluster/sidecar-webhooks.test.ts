// Webhook ingestion end to end: a real docker-registry sends its notifications to the sidecar app on
// 127.0.0.1; the sidecar answers at once, then confirms each pushed tag with one HEAD before it
// records it on the real apiserver, acting with the headwind-sidecar ServiceAccount's token. A
// replica that does not hold the Lease still records webhooks.
import type { KubeConfig, KubernetesObject } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tagConfigMapName } from "../../src/core/tags/tag-configmap.ts";
import type { ConfigMapObject } from "../../src/sidecar/runtime/sidecar-kube.ts";
import type { WebhookSource } from "../../src/sidecar/webhooks/webhook-source.ts";
import {
  adminConfig,
  applyObjects,
  createTestNamespace,
  kubeRequest,
  statusCode,
  waitFor,
} from "../helpers/cluster.ts";
import { type LoopbackServer, listenOnLoopback } from "../helpers/registry-listen.ts";
import { pushImage } from "../helpers/registry-push.ts";
import { type RegistryServer, startRegistry } from "../helpers/registry-server.ts";
import {
  createTestSidecar,
  headwindNamespace as hw,
  installSidecarRbac,
} from "../helpers/sidecar-cluster.ts";

// With none-secret-path the unguessable path is the credential (distribution sends no signature).
const secretPath = "Zq7f3L0pW8xK2vB9nR4tY6uE1oA5sD3gH8jM";
const source: WebhookSource = {
  name: "registry",
  vendor: "distribution",
  path: secretPath,
  auth: { type: "none-secret-path" },
};

let admin: KubeConfig;
let server: LoopbackServer;
let registry: RegistryServer;
let sidecar: ReturnType<typeof createTestSidecar>;

const repository = () => `${registry.host}/apps/notify`;
async function configMap(): Promise<ConfigMapObject | undefined> {
  try {
    return (await kubeRequest(
      admin,
      "GET",
      `/api/v1/namespaces/${hw}/configmaps/${tagConfigMapName(repository())}`,
    )) as ConfigMapObject;
  } catch (error) {
    if (statusCode(error) === 404) return undefined;
    throw error;
  }
}

function envelope(id: string, repositoryPath: string, tag: string) {
  return JSON.stringify({
    events: [
      {
        id,
        timestamp: new Date().toISOString(),
        action: "push",
        target: {
          mediaType: "application/vnd.oci.image.manifest.v1+json",
          repository: repositoryPath,
          tag,
          digest: `sha256:${"6".repeat(64)}`,
        },
        request: { host: registry.host, method: "PUT" },
      },
    ],
  });
}

const post = (body: string) =>
  fetch(`${server.origin}/webhooks/${secretPath}`, {
    method: "POST",
    body,
    headers: { "content-type": "application/vnd.docker.distribution.events.v1+json" },
  });

beforeAll(async () => {
  admin = adminConfig();
  const config = await installSidecarRbac(admin);
  // This replica never takes the Lease: webhooks do not need it.
  sidecar = createTestSidecar({ config, identity: "webhook-replica", sources: [source] });
  server = await listenOnLoopback(sidecar.app.fetch);
  registry = await startRegistry({ notificationsUrl: `${server.origin}/webhooks/${secretPath}` });
  const ns = await createTestNamespace(admin, "hw-sc-hook");
  await applyObjects(
    admin,
    [
      {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: {
          name: "notify",
          annotations: { "headwind.sh/policy": "minor", "headwind.sh/event-source": "webhook" },
        },
        spec: {
          selector: { matchLabels: { app: "notify" } },
          template: {
            metadata: { labels: { app: "notify" } },
            spec: { containers: [{ name: "app", image: `${registry.host}/apps/notify:1.0.0` }] },
          },
        },
      } as KubernetesObject,
    ],
    { namespace: ns },
  );
  await sidecar.refreshInterest();
});

afterAll(async () => {
  sidecar?.stop();
  await registry?.stop();
  await server?.close();
});

describe("sidecar webhooks on the real apiserver", () => {
  it("is ready once the interest LIST succeeded; the webhook-only repository is in use but not polled", async () => {
    const ready = await fetch(`${server.origin}/readyz`);
    expect(ready.status).toBe(200);
    const interest = sidecar.runtime.interest();
    expect(interest?.repositories.has(repository())).toBe(true);
    expect(interest?.poll.some((item) => item.repository === repository())).toBe(false);
    expect(sidecar.elector.isLeader()).toBe(false);
  });

  it("records a real distribution notification after one confirming HEAD", async () => {
    sidecar.registryCalls.reset();
    const started = performance.now();
    const digest = await pushImage(registry.origin, "apps/notify", ["1.1.0"]);
    const recorded = await waitFor(
      "the notification's tag in the ConfigMap",
      async () => {
        const live = await configMap();
        return live?.data?.tags?.includes("1.1.0") ? live : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 50 },
    );
    console.info(`sidecar-webhooks: push to ConfigMap ${Math.round(performance.now() - started)} ms`);
    expect(recorded.data?.tags).toBe("1.1.0");
    // The registry's digest, confirmed by our HEAD (the notification's own agrees here).
    expect(JSON.parse(recorded.data?.digests ?? "")).toEqual({ "1.1.0": digest });
    // One confirming HEAD, or two when the notification outran the tag link (404, then 200).
    const heads = sidecar.registryCalls.exchanges.map((e) => `${e.method} ${e.path} ${e.status}`);
    expect(heads.at(-1)).toBe("HEAD /v2/apps/notify/manifests/1.1.0 200");
    expect(heads.slice(0, -1).every((h) => h === "HEAD /v2/apps/notify/manifests/1.1.0 404")).toBe(true);
    console.info(`sidecar-webhooks: confirming HEADs ${heads.join(", ")}`);
    expect(await sidecar.register.metrics()).toContain(
      'headwind_webhook_requests_total{vendor="distribution",source="registry",outcome="accepted"}',
    );
  });

  it("merges a later push into the existing ConfigMap (conditional apply on its resourceVersion)", async () => {
    const before = await configMap();
    await pushImage(registry.origin, "apps/notify", ["1.2.0"], { seed: "second" });
    const after = await waitFor(
      "the second tag",
      async () => {
        const live = await configMap();
        return live?.data?.tags?.includes("1.2.0") ? live : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 50 },
    );
    expect(after.data?.tags).toBe("1.1.0\n1.2.0");
    expect(after.metadata.resourceVersion).not.toBe(before?.metadata.resourceVersion);
  });

  it("never records a forged tag the registry does not have", async () => {
    const before = await configMap();
    sidecar.registryCalls.reset();
    const res = await post(envelope("forged-1", "apps/notify", "6.6.6"));
    expect(res.status).toBe(202);
    await sidecar.runtime.hintsIdle();
    // A 404 is asked once more: distribution notifies before it links the tag.
    expect(sidecar.registryCalls.exchanges.map((e) => `${e.method} ${e.path} ${e.status}`)).toEqual([
      "HEAD /v2/apps/notify/manifests/6.6.6 404",
      "HEAD /v2/apps/notify/manifests/6.6.6 404",
    ]);
    const after = await configMap();
    expect(after?.data?.tags).not.toContain("6.6.6");
    expect(after?.metadata.resourceVersion).toBe(before?.metadata.resourceVersion);
    expect(await sidecar.register.metrics()).toContain(
      'headwind_sidecar_ignored_events_total{reason="not_in_registry"} 1',
    );
  });

  it("ignores a repository no workload uses without contacting any registry", async () => {
    sidecar.registryCalls.reset();
    const res = await post(envelope("unused-1", "apps/unused", "1.0.0"));
    expect(res.status).toBe(202);
    await sidecar.runtime.hintsIdle();
    expect(sidecar.registryCalls.exchanges).toEqual([]);
    expect(await sidecar.register.metrics()).toMatch(
      /headwind_sidecar_ignored_events_total\{reason="not_in_use"\} [1-9]/,
    );
  });

  it("acknowledges a duplicate delivery with 202 and does not process it again", async () => {
    const body = envelope("dup-1", "apps/notify", "1.1.0");
    expect((await post(body)).status).toBe(202);
    await sidecar.runtime.hintsIdle();
    sidecar.registryCalls.reset();
    const again = await post(body);
    expect(again.status).toBe(202);
    expect(await again.json()).toEqual({ accepted: 0, ignored: 0, duplicate: true });
    await sidecar.runtime.hintsIdle();
    expect(sidecar.registryCalls.exchanges).toEqual([]);
  });
});
