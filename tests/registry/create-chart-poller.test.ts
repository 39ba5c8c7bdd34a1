import pino from "pino";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tagConfigMapName } from "../../src/core/tags/tag-configmap.ts";
import type { ChartInterest } from "../../src/sidecar/charts/chart-interest.ts";
import { createHelmIndexFetcher } from "../../src/sidecar/charts/fetch-helm-index.ts";
import { createRegistryClient } from "../../src/sidecar/registry/create-registry-client.ts";
import { createChartPoller } from "../../src/sidecar/runtime/create-chart-poller.ts";
import { createSidecarMetrics } from "../../src/sidecar/runtime/create-sidecar-metrics.ts";
import { createTagStore } from "../../src/sidecar/runtime/create-tag-store.ts";
import { pushChart } from "../helpers/helm-chart-push.ts";
import { helmIndex, type IndexServer, startIndexServer } from "../helpers/helm-index-server.ts";
import { createCountingFetch } from "../helpers/registry-counting-fetch.ts";
import { type RegistryServer, startRegistry } from "../helpers/registry-server.ts";
import { fakeSidecarKube } from "../unit/sidecar/runtime/fake-sidecar-kube.ts";

describe("chart sources polled from a real registry and a chart repository on loopback", () => {
  let registry: RegistryServer;
  let index: IndexServer;

  beforeAll(async () => {
    [registry, index] = await Promise.all([startRegistry(), startIndexServer()]);
    await pushChart(registry.origin, "charts/podinfo", "podinfo", "6.5.0", "2026-03-01T10:00:00Z");
    await pushChart(registry.origin, "charts/podinfo", "podinfo", "6.6.0+build.1");
    await pushChart(registry.origin, "flux/podinfo", "podinfo", "7.0.0");
    index.paths.set("/stable/index.yaml", {
      body: helmIndex({
        podinfo: [{ version: "6.5.0", created: "2026-03-01T10:00:00Z" }, { version: "6.7.0" }],
      }),
    });
  });

  afterAll(async () => {
    await Promise.all([registry?.stop(), index?.close()]);
  });

  function poller() {
    const fake = fakeSidecarKube();
    const counting = createCountingFetch();
    const now = Date.parse("2026-11-25T12:00:00Z");
    const store = createTagStore({
      kube: fake.kube,
      namespace: "headwind",
      metrics: createSidecarMetrics(new Registry()),
      logger: pino({ level: "silent" }),
      clock: () => now,
    });
    const charts = createChartPoller({
      fetchIndex: createHelmIndexFetcher({ fetch: counting.fetch }),
      client: createRegistryClient({ fetch: counting.fetch, clock: () => now }),
      store,
      kube: fake.kube,
      clock: () => now,
      logger: pino({ level: "silent" }),
    });
    const pollError = (key: string) =>
      fake.state.configMaps.get(`headwind/${tagConfigMapName(key)}`)?.metadata.annotations?.[
        "headwind.sh/poll-error"
      ];
    return { charts, store, counting, pollError };
  }

  const oci = (key: string, path: string, creationTimes = false): ChartInterest => ({
    key,
    namespace: undefined,
    source: { kind: "oci", repository: `${registry.host}/${path}`, secret: undefined },
    pollingIntervalSeconds: 300,
    creationTimes,
  });
  const stable = (): ChartInterest => ({
    key: "helmrepository/shop/stable/podinfo",
    namespace: undefined,
    source: { kind: "http", url: `${index.origin}/stable`, chart: "podinfo", secret: undefined },
    pollingIntervalSeconds: 300,
    creationTimes: false,
  });

  it("an oci:// HelmRepository, an OCIRepository (chartRef) and an HTTP repository, each into its ConfigMap", async () => {
    const { charts, store, counting } = poller();
    const interest = [
      oci("helmrepository/shop/oci/podinfo", "charts/podinfo", true),
      oci("ocirepository/shop/podinfo", "flux/podinfo"),
      stable(),
    ];
    expect(await charts.poll(interest)).toEqual({ due: 3, failed: [] });
    const observed = { get: (repository: string) => store.observedIn({ repository }) };
    expect(observed.get("helmrepository/shop/oci/podinfo")).toMatchObject({
      tags: ["6.5.0", "6.6.0_build.1"],
      // The manifest annotation Helm writes dates 6.5.0; 6.6.0 says nothing.
      times: { created: { "6.5.0": Date.parse("2026-03-01T10:00:00Z") / 1000 } },
    });
    expect(observed.get("ocirepository/shop/podinfo")?.tags).toEqual(["7.0.0"]);
    expect(observed.get("helmrepository/shop/stable/podinfo")).toMatchObject({
      tags: ["6.5.0", "6.7.0"],
      times: { created: { "6.5.0": Date.parse("2026-03-01T10:00:00Z") / 1000 } },
    });
    const requests = counting.exchanges.map((e) => `${e.method} ${e.path.replace(/\?.*/, "")} ${e.status}`);
    expect(requests.filter((r) => r.includes("/tags/list"))).toEqual([
      "GET /v2/charts/podinfo/tags/list 200",
      "GET /v2/flux/podinfo/tags/list 200",
    ]);
    expect(requests.filter((r) => r.includes("index.yaml"))).toEqual(["GET /stable/index.yaml 200"]);
  });

  it("a chart the registry does not have is an error on its own ConfigMap only", async () => {
    const { charts, store, pollError } = poller();
    const report = await charts.poll([oci("helmrepository/shop/oci/missing", "charts/missing"), stable()]);
    expect(report.failed).toEqual([
      { key: "helmrepository/shop/oci/missing", message: expect.stringContaining("not found") },
    ]);
    expect(pollError("helmrepository/shop/oci/missing")).toContain("not found");
    expect(store.observedIn({ repository: "helmrepository/shop/stable/podinfo" })?.tags).toEqual([
      "6.5.0",
      "6.7.0",
    ]);
    expect(pollError("helmrepository/shop/stable/podinfo")).toBeUndefined();
  });
});
