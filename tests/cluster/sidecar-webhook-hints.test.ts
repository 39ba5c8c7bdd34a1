// Webhook hints on the real apiserver and a real docker-registry: every push is a hint, tagged or
// not, and a forged delivery costs what its bounds allow, never what its sender asks. The sidecar
// replica does not lead (no polling), so every ConfigMap change here comes from a webhook.
import { createHmac } from "node:crypto";
import type { KubeConfig, KubernetesObject } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tagConfigMapName } from "../../src/core/tags/tag-configmap.ts";
import type { ConfigMapObject } from "../../src/sidecar/runtime/sidecar-kube.ts";
import type { WebhookSource } from "../../src/sidecar/webhooks/webhook-source.ts";
import { adminConfig, applyObjects, createTestNamespace, kubeRequest } from "../helpers/cluster.ts";
import { type LoopbackServer, listenOnLoopback } from "../helpers/registry-listen.ts";
import { pushImage } from "../helpers/registry-push.ts";
import { type RegistryServer, startRegistry } from "../helpers/registry-server.ts";
import {
  createTestSidecar,
  headwindNamespace as hw,
  installSidecarRbac,
} from "../helpers/sidecar-cluster.ts";

const token = "hint-test-token-7c1e";
const githubSecret = "hint-test-github-secret";
const path = "apps/hinted";

let admin: KubeConfig;
let server: LoopbackServer;
let registry: RegistryServer;
let sidecar: ReturnType<typeof createTestSidecar>;

const repository = () => `${registry.host}/${path}`;
const configMap = async () =>
  (await kubeRequest(
    admin,
    "GET",
    `/api/v1/namespaces/${hw}/configmaps/${tagConfigMapName(repository())}`,
  )) as ConfigMapObject;

/** One source per vendor, each pinned to the test registry's host. */
function sources(host: string): WebhookSource[] {
  const headerToken = { type: "header-token" as const, header: "x-hint-token", secret: token };
  const vendors = ["distribution", "harbor", "gar", "acr", "ecr"] as const;
  return [
    ...vendors.map((vendor) => ({ name: vendor, vendor, path: vendor, registry: host, auth: headerToken })),
    {
      name: "github",
      vendor: "github",
      path: "github",
      registry: host,
      auth: { type: "hmac-sha256", header: "x-hub-signature-256", secret: githubSecret },
    },
    {
      name: "quay",
      vendor: "quay",
      path: "quay-Zq7f3L0pW8xK2vB9",
      registry: host,
      auth: { type: "none-secret-path" },
    },
  ];
}

/** Each vendor's real shape for "a manifest was pushed by digest", naming no tag. */
const digestOnly: Record<string, (digest: string, host: string, id: string) => unknown> = {
  distribution: (digest, host, id) => ({
    events: [
      {
        id,
        action: "push",
        target: { mediaType: "application/vnd.oci.image.manifest.v1+json", repository: path, digest },
        request: { host },
      },
    ],
  }),
  harbor: (digest, host, id) => ({
    specversion: "1.0",
    id,
    type: "harbor.artifact.pushed",
    data: {
      resources: [{ digest, tag: digest, resource_url: `${host}/${path}@${digest}` }],
      repository: { repo_full_name: path },
    },
  }),
  gar: (digest, host, id) => ({
    message: {
      data: Buffer.from(JSON.stringify({ action: "INSERT", digest: `${host}/${path}@${digest}` })).toString(
        "base64",
      ),
      messageId: id,
    },
    subscription: "projects/p/subscriptions/s",
  }),
  acr: (digest, host, id) => ({
    id,
    action: "push",
    target: { repository: path, digest, tag: "" },
    request: { host },
  }),
  ecr: (digest, _host, id) => ({
    id,
    "detail-type": "ECR Image Action",
    source: "aws.ecr",
    account: "123456789012",
    region: "eu-west-1",
    detail: { result: "SUCCESS", "action-type": "PUSH", "repository-name": path, "image-digest": digest },
  }),
  github: (digest, host) => ({
    action: "published",
    package: {
      name: "hinted",
      namespace: "apps",
      package_type: "CONTAINER",
      package_version: {
        version: digest,
        package_url: `${host}/${path}`,
        container_metadata: { tag: { name: "", digest } },
      },
    },
  }),
};

function post(source: string, body: string, headers: Record<string, string> = {}) {
  const signed: Record<string, string> =
    source === "github"
      ? {
          "x-github-event": "package",
          "x-github-delivery": `gh-${Date.now()}-${Math.random()}`,
          "x-hub-signature-256": `sha256=${createHmac("sha256", githubSecret).update(body).digest("hex")}`,
        }
      : { "x-hint-token": token };
  const pathOf = source === "quay" ? "quay-Zq7f3L0pW8xK2vB9" : source;
  return fetch(`${server.origin}/webhooks/${pathOf}`, {
    method: "POST",
    body,
    headers: { "content-type": "application/json", ...signed, ...headers },
  });
}

function deployment(name: string, image: string, policy: string): KubernetesObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, annotations: { "headwind.sh/policy": policy, "headwind.sh/event-source": "webhook" } },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "app", image }] } },
    },
  } as KubernetesObject;
}

beforeAll(async () => {
  admin = adminConfig();
  const config = await installSidecarRbac(admin);
  registry = await startRegistry();
  await pushImage(registry.origin, path, ["1.0.0", "latest"], { seed: "first" });
  sidecar = createTestSidecar({ config, identity: "hint-replica", sources: sources(registry.host) });
  server = await listenOnLoopback(sidecar.app.fetch);
  const ns = await createTestNamespace(admin, "hw-sc-hint");
  await applyObjects(
    admin,
    [
      deployment("minor", `${registry.host}/${path}:1.0.0`, "minor"),
      // The digest policy follows `latest`: a push by digest must re-check it.
      deployment("edge", `${registry.host}/${path}:latest`, "digest"),
    ],
    { namespace: ns },
  );
  await sidecar.refreshInterest();
});

afterAll(async () => {
  sidecar?.stop();
  await server?.close();
  await registry?.stop();
});

const ours = () => sidecar.registryCalls.exchanges.filter((e) => e.origin === registry.origin);

describe("every push is a hint, tagged or not", () => {
  it.each(Object.keys(digestOnly))(
    "a digest-only %s event re-lists the repository and re-checks the followed tag into the ConfigMap",
    async (vendor) => {
      const tag = `2.0.${Object.keys(digestOnly).indexOf(vendor)}`;
      // Pushed behind the sidecar's back: only the digest-only event can tell it.
      const digest = await pushImage(registry.origin, path, [tag, "latest"], { seed: `build-${vendor}` });
      sidecar.registryCalls.reset();
      const res = await post(
        vendor,
        JSON.stringify(digestOnly[vendor]?.(digest, registry.host, `id-${vendor}`)),
      );
      expect(res.status).toBe(202);
      expect(await res.json()).toMatchObject({ accepted: 1 });
      await sidecar.runtime.hintsIdle();
      const live = await configMap();
      expect(live.data?.tags?.split("\n")).toContain(tag);
      expect(JSON.parse(live.data?.digests ?? "{}")).toMatchObject({ latest: digest });
      expect(ours().map((e) => `${e.method} ${e.path.split("?")[0]} ${e.status}`)).toEqual([
        `GET /v2/${path}/tags/list 200`,
        `HEAD /v2/${path}/manifests/latest 200`,
      ]);
    },
  );
});

describe("a forged delivery is bounded", () => {
  it("100,000 tags of a followed repository: answered in under a second, at most 2 registry requests", async () => {
    const tags = Array.from({ length: 100_000 }, (_, i) => String(i));
    const body = JSON.stringify({
      repository: path,
      docker_url: `${registry.host}/${path}`,
      updated_tags: tags,
    });
    sidecar.registryCalls.reset();
    const started = performance.now();
    const res = await post("quay", body);
    const answeredMs = Math.round(performance.now() - started);
    expect(res.status).toBe(202);
    // The parser reads the first 1,000 entries; the per-delivery cap keeps 100 of those.
    expect(await res.json()).toEqual({ accepted: 1000, ignored: 99_000 });
    await sidecar.runtime.hintsIdle();
    const requests = ours().map((e) => `${e.method} ${e.path.split("?")[0]} ${e.status}`);
    console.info(
      `sidecar-webhook-hints: ${Buffer.byteLength(body)} byte delivery answered in ${answeredMs} ms; registry requests: ${requests.join(", ")}`,
    );
    expect(answeredMs).toBeLessThan(1000);
    expect(requests.length).toBeLessThanOrEqual(2);
    expect(requests[0]).toBe(`GET /v2/${path}/tags/list 200`);
    // Nothing the registry lacks was recorded.
    expect((await configMap()).data?.tags?.split("\n")).not.toContain("99999");
    const metrics = await sidecar.register.metrics();
    expect(metrics).toContain('headwind_sidecar_ignored_events_total{reason="over_limit"} 99900');
  });

  it("hints for a repository no workload uses cost no request at all", async () => {
    sidecar.registryCalls.reset();
    const body = JSON.stringify({
      repository: "apps/unused",
      docker_url: `${registry.host}/apps/unused`,
      updated_tags: Array.from({ length: 1000 }, (_, i) => `1.0.${i}`),
    });
    expect((await post("quay", body)).status).toBe(202);
    await sidecar.runtime.hintsIdle();
    expect(sidecar.registryCalls.exchanges).toEqual([]);
  });
});
