import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHelmIndexFetcher } from "../../src/sidecar/charts/fetch-helm-index.ts";
import { helmIndex, type IndexServer, startIndexServer } from "../helpers/helm-index-server.ts";

const charts = {
  podinfo: [
    { version: "6.5.0", created: "2026-03-01T10:00:00Z" },
    { version: "6.6.0", created: "2026-04-01T10:00:00Z" },
  ],
  nginx: [{ version: "15.4.4" }],
};
const basic = { username: "robot", password: "s3cret" };

describe("fetchHelmIndex against a static chart repository on loopback", () => {
  let server: IndexServer;
  let other: IndexServer;

  beforeAll(async () => {
    [server, other] = await Promise.all([startIndexServer(), startIndexServer()]);
    server.paths.set("/stable/index.yaml", { body: helmIndex(charts) });
    server.paths.set("/private/index.yaml", { body: helmIndex(charts), basic });
    server.paths.set("/zipped/index.yaml", { body: helmIndex(charts), gzip: true });
    server.paths.set("/moved/index.yaml", { body: "", redirectTo: "/stable/index.yaml" });
    server.paths.set("/away/index.yaml", { body: "", redirectTo: `${other.origin}/stable/index.yaml` });
    other.paths.set("/stable/index.yaml", { body: helmIndex(charts) });
  });

  afterAll(async () => {
    await Promise.all([server?.close(), other?.close()]);
  });

  const fetchIndex = createHelmIndexFetcher({ fetch });
  const podinfo = new Set(["podinfo"]);

  it("reads the wanted charts with their creation times, then is told 304 with the ETag", async () => {
    const first = await fetchIndex({ url: `${server.origin}/stable/`, charts: podinfo });
    expect(first).toMatchObject({
      kind: "read",
      etag: expect.stringMatching(/^"[0-9a-f]{16}"$/),
      charts: new Map([
        [
          "podinfo",
          {
            versions: [
              { version: "6.5.0", created: Date.parse("2026-03-01T10:00:00Z") / 1000 },
              { version: "6.6.0", created: Date.parse("2026-04-01T10:00:00Z") / 1000 },
            ],
          },
        ],
      ]),
    });
    const etag = first.kind === "read" ? first.etag : undefined;
    expect(await fetchIndex({ url: `${server.origin}/stable`, charts: podinfo, etag })).toEqual({
      kind: "unchanged",
    });
    expect(server.requests.slice(-2).map((r) => `${r.status} ${r.ifNoneMatch ?? "-"}`)).toEqual([
      `200 -`,
      `304 ${etag}`,
    ]);
    server.paths.set("/stable/index.yaml", {
      body: helmIndex({ ...charts, podinfo: [...charts.podinfo, { version: "6.7.0" }] }),
    });
    const changed = await fetchIndex({ url: `${server.origin}/stable`, charts: podinfo, etag });
    expect(changed.kind === "read" && changed.charts.get("podinfo")).toMatchObject({
      versions: [{}, {}, { version: "6.7.0" }],
    });
  });

  it("sends basic auth from the Secret; without it, says credentials are needed", async () => {
    expect(
      await fetchIndex({ url: `${server.origin}/private`, charts: podinfo, credentials: basic }),
    ).toMatchObject({
      kind: "read",
    });
    expect(await fetchIndex({ url: `${server.origin}/private`, charts: podinfo })).toEqual({
      kind: "error",
      message: `unauthorized: ${server.origin.slice(7)} requires credentials (401) and the HelmRepository names no secretRef`,
    });
    expect(
      await fetchIndex({
        url: `${server.origin}/private`,
        charts: podinfo,
        credentials: { ...basic, password: "x" },
      }),
    ).toEqual({
      kind: "error",
      message: `unauthorized: the credentials for ${server.origin.slice(7)} were refused (401)`,
    });
  });

  it("reads a gzipped index", async () => {
    expect(await fetchIndex({ url: `${server.origin}/zipped`, charts: podinfo })).toMatchObject({
      kind: "read",
    });
  });

  it("follows a same-origin redirect with credentials, a cross-origin one without", async () => {
    expect(
      await fetchIndex({ url: `${server.origin}/moved`, charts: podinfo, credentials: basic }),
    ).toMatchObject({ kind: "read" });
    expect(server.requests.filter((r) => r.path === "/stable/index.yaml").at(-1)?.authorization).toMatch(
      /^Basic /,
    );
    expect(
      await fetchIndex({ url: `${server.origin}/away`, charts: podinfo, credentials: basic }),
    ).toMatchObject({ kind: "read" });
    expect(other.requests.at(-1)).toMatchObject({
      path: "/stable/index.yaml",
      authorization: undefined,
      status: 200,
    });
  });

  it("a missing index, an unreachable server, a redirect loop: clear errors", async () => {
    expect(await fetchIndex({ url: `${server.origin}/nothing`, charts: podinfo })).toEqual({
      kind: "error",
      message: `not found: ${server.origin}/nothing/index.yaml does not exist`,
    });
    server.paths.set("/loop/index.yaml", { body: "", redirectTo: "/loop/index.yaml" });
    expect(await fetchIndex({ url: `${server.origin}/loop`, charts: podinfo })).toEqual({
      kind: "error",
      message: `protocol: more than 5 redirects from ${server.origin}/loop`,
    });
    const closed = await startIndexServer();
    await closed.close();
    expect(await fetchIndex({ url: closed.origin, charts: podinfo })).toMatchObject({
      kind: "error",
      message: expect.stringMatching(/^unavailable: cannot read http:\/\/127\.0\.0\.1:\d+\/index\.yaml \(/),
    });
  });

  it("streams a large index within its cap, and cuts off one past it", async () => {
    // About 20 MB: 100,000 charts of 2 versions each, the wanted one last.
    const lines = ["apiVersion: v1", "entries:"];
    for (let i = 0; i < 100_000; i++) {
      lines.push(`  chart-${i}:`);
      for (const version of ["1.0.0", "1.1.0"])
        lines.push(
          "  - apiVersion: v2",
          `    digest: ${"0".repeat(64)}`,
          `    name: chart-${i}`,
          `    urls: [charts/chart-${i}-${version}.tgz]`,
          `    version: ${version}`,
        );
    }
    lines.push("  podinfo:", "  - version: 9.9.9", "generated: now");
    const body = lines.join("\n");
    server.paths.set("/big/index.yaml", { body });
    const started = performance.now();
    const big = await fetchIndex({ url: `${server.origin}/big`, charts: podinfo });
    console.info(
      `fetch-helm-index: ${Buffer.byteLength(body)} bytes scanned in ${Math.round(performance.now() - started)} ms`,
    );
    expect(big.kind === "read" && big.charts.get("podinfo")).toEqual({ versions: [{ version: "9.9.9" }] });
    const capped = createHelmIndexFetcher({ fetch, maxBytes: 1024 * 1024 });
    expect(await capped({ url: `${server.origin}/big`, charts: podinfo })).toEqual({
      kind: "error",
      message: "protocol: the index is larger than 1048576 bytes",
    });
  });
});
