import pino from "pino";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { tagConfigMapName } from "../../../../src/core/tags/tag-configmap.ts";
import type { ChartInterest } from "../../../../src/sidecar/charts/chart-interest.ts";
import type { IndexAnswer, IndexRequest } from "../../../../src/sidecar/charts/fetch-helm-index.ts";
import { createChartPoller } from "../../../../src/sidecar/runtime/create-chart-poller.ts";
import { createSidecarMetrics } from "../../../../src/sidecar/runtime/create-sidecar-metrics.ts";
import { createTagStore } from "../../../../src/sidecar/runtime/create-tag-store.ts";
import { fakeRegistryClient } from "../../../helpers/registry-fake-client.ts";
import { fakeSidecarKube } from "./fake-sidecar-kube.ts";

const now = Date.parse("2026-11-25T12:00:00Z");
const secret = { namespace: "shop", name: "basic" };
const http = (chart: string, withSecret = false): ChartInterest => ({
  key: `helmrepository/shop/charts/${chart}`,
  namespace: withSecret ? secret.namespace : undefined,
  source: { kind: "http", url: "https://charts.example.com", chart, secret: withSecret ? secret : undefined },
  pollingIntervalSeconds: 300,
  creationTimes: false,
});

function setup(answers: IndexAnswer[]) {
  const fake = fakeSidecarKube();
  const clock = { now };
  const store = createTagStore({
    kube: fake.kube,
    namespace: "headwind",
    metrics: createSidecarMetrics(new Registry()),
    logger: pino({ level: "silent" }),
    clock: () => clock.now,
  });
  const requests: IndexRequest[] = [];
  const registry = fakeRegistryClient({
    "ghcr.io/acme/charts/podinfo": {
      tags: ["6.5.0", "6.6.0", "6.6.0_build.1"],
      created: { "6.6.0": now / 1000 - 60 },
    },
  });
  const poller = createChartPoller({
    fetchIndex: async (request) => {
      requests.push(request);
      return answers.shift() ?? { kind: "error", message: "unavailable: no answer scripted" };
    },
    client: registry.client,
    store,
    kube: fake.kube,
    clock: () => clock.now,
    logger: pino({ level: "silent" }),
  });
  const data = (chart: string) => store.observedIn({ repository: `helmrepository/shop/charts/${chart}` });
  const pollError = (chart: string) =>
    fake.state.configMaps.get(`headwind/${tagConfigMapName(`helmrepository/shop/charts/${chart}`)}`)?.metadata
      .annotations?.["headwind.sh/poll-error"];
  return { fake, store, poller, requests, clock, registry, data, pollError };
}

const read = (
  etag: string,
  charts: Record<string, { version: string; created?: number }[]>,
): IndexAnswer => ({
  kind: "read",
  etag,
  charts: new Map(Object.entries(charts).map(([chart, versions]) => [chart, { versions }])),
});

describe("createChartPoller", () => {
  it("reads one index for every chart of a repository, and records versions with their creation times", async () => {
    const t = setup([
      read('"v1"', {
        podinfo: [{ version: "6.5.0", created: now / 1000 - 86_400 }, { version: "6.6.0+b.1" }],
        nginx: [{ version: "15.4.4" }],
      }),
    ]);
    const report = await t.poller.poll([http("podinfo"), http("nginx")]);
    expect(report).toEqual({ due: 2, failed: [] });
    expect(t.requests).toHaveLength(1);
    expect(t.requests[0]).toMatchObject({
      url: "https://charts.example.com",
      charts: new Set(["podinfo", "nginx"]),
      etag: undefined,
    });
    expect(t.data("podinfo")).toMatchObject({
      tags: ["6.5.0", "6.6.0_b.1"],
      times: { created: { "6.5.0": now / 1000 - 86_400 }, seen: {} },
    });
    expect(t.data("nginx")?.tags).toEqual(["15.4.4"]);
  });

  it("asks again with the ETag once due; 304 writes nothing", async () => {
    const t = setup([read('"v1"', { podinfo: [{ version: "6.5.0" }] }), { kind: "unchanged" }]);
    await t.poller.poll([http("podinfo")]);
    expect((await t.poller.poll([http("podinfo")])).due).toBe(0);
    t.clock.now += 300_000;
    const writes = t.fake.calls.filter((c) => c.startsWith("applyConfigMap")).length;
    expect((await t.poller.poll([http("podinfo")])).due).toBe(1);
    expect(t.requests[1]?.etag).toBe('"v1"');
    expect(t.fake.calls.filter((c) => c.startsWith("applyConfigMap"))).toHaveLength(writes);
  });

  it("a new chart of the same repository is read without the ETag (its versions are not known yet)", async () => {
    const t = setup([
      read('"v1"', { podinfo: [{ version: "6.5.0" }] }),
      read('"v1"', { podinfo: [{ version: "6.5.0" }], nginx: [{ version: "1.0.0" }] }),
    ]);
    await t.poller.poll([http("podinfo")]);
    await t.poller.poll([http("podinfo"), http("nginx")]);
    expect(t.requests[1]?.etag).toBeUndefined();
  });

  it("a repository that fails is recorded on each of its charts; the others carry on", async () => {
    const t = setup([
      {
        kind: "error",
        message: "unavailable: cannot read https://charts.example.com/index.yaml (ECONNREFUSED)",
      },
    ]);
    const oci: ChartInterest = {
      key: "helmrepository/shop/oci/podinfo",
      namespace: undefined,
      source: { kind: "oci", repository: "ghcr.io/acme/charts/podinfo", secret: undefined },
      pollingIntervalSeconds: 300,
      creationTimes: true,
    };
    const report = await t.poller.poll([http("podinfo"), oci]);
    expect(report.failed).toEqual([
      {
        key: "helmrepository/shop/charts/podinfo",
        message: "unavailable: cannot read https://charts.example.com/index.yaml (ECONNREFUSED)",
      },
    ]);
    expect(t.pollError("podinfo")).toContain("ECONNREFUSED");
    const listed = t.store.observedIn({ repository: oci.key });
    expect(listed?.tags).toEqual(["6.5.0", "6.6.0", "6.6.0_build.1"]);
    // A first listing of a repository that asks for creation times reads a few.
    expect(listed?.times?.created).toEqual({ "6.6.0": now / 1000 - 60 });
  });

  it("a chart missing from the index, a missing secret and an unsupported source: each its own error", async () => {
    const t = setup([read('"v1"', { nginx: [{ version: "1.0.0" }] })]);
    const missing = { ...http("podinfo"), key: "helmrepository/shop/charts/podinfo" };
    const gone: ChartInterest = {
      ...http("redis", true),
      key: "helmrepository/shop/private/redis",
      source: { kind: "http", url: "https://private.example.com", chart: "redis", secret },
    };
    const unsupported: ChartInterest = {
      ...http("x"),
      key: "gitrepository/shop/git/x",
      source: { kind: "unsupported", reason: "a GitRepository source has no chart versions to follow" },
    };
    const report = await t.poller.poll([missing, gone, unsupported]);
    expect(report.failed.map((f) => `${f.key}: ${f.message}`).sort()).toEqual([
      "gitrepository/shop/git/x: unsupported: a GitRepository source has no chart versions to follow",
      "helmrepository/shop/charts/podinfo: not found: chart podinfo is not in the repository's index",
      "helmrepository/shop/private/redis: unauthorized: Secret shop/basic not found",
    ]);
  });

  it("basic auth comes from the HelmRepository's Secret", async () => {
    const t = setup([read('"v1"', { podinfo: [{ version: "6.5.0" }] })]);
    t.fake.state.secrets.set("shop/basic", {
      metadata: { name: "basic", namespace: "shop" },
      data: {
        username: Buffer.from("robot").toString("base64"),
        password: Buffer.from("s3cret").toString("base64"),
      },
    });
    await t.poller.poll([http("podinfo", true)]);
    expect(t.requests[0]?.credentials).toEqual({ username: "robot", password: "s3cret" });
    // What the namespace's Secret read is that namespace's scope: its releases see it, no one else's.
    const key = "helmrepository/shop/charts/podinfo";
    expect(t.store.observedIn({ repository: key, namespace: "shop" })?.tags).toEqual(["6.5.0"]);
    expect(t.store.observedIn({ repository: key })).toBeUndefined();
  });
});
