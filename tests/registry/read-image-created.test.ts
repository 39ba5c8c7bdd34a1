import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRegistryClient } from "../../src/sidecar/registry/create-registry-client.ts";
import { createCountingFetch } from "../helpers/registry-counting-fetch.ts";
import { pushImage, pushIndex } from "../helpers/registry-push.ts";
import { type RegistryServer, startRegistry } from "../helpers/registry-server.ts";

const seconds = (iso: string) => Date.parse(iso) / 1000;

describe("imageCreated against docker-registry", () => {
  let registry: RegistryServer;

  beforeAll(async () => {
    registry = await startRegistry();
    const { origin } = registry;
    await pushImage(origin, "shop/web", ["1.0.0"], { config: { created: "2026-03-01T10:00:00Z" } });
    await pushImage(origin, "shop/web", ["1.1.0"], {
      seed: "annotated",
      config: { created: "2026-03-01T10:00:00Z" },
      annotations: { "org.opencontainers.image.created": "2026-04-02T08:30:00Z" },
    });
    await pushImage(origin, "shop/web", ["1.2.0"], { seed: "undated" });
    await pushImage(origin, "shop/web", ["1.3.0"], {
      seed: "huge",
      config: { history: "x".repeat(9 * 1024 * 1024) },
    });
    const arm = await pushImage(origin, "shop/multi", ["arm"], {
      seed: "arm",
      config: { created: "2026-05-01T00:00:00Z" },
    });
    const amd = await pushImage(origin, "shop/multi", ["amd"], {
      seed: "amd",
      config: { created: "2026-05-02T00:00:00Z" },
    });
    await pushIndex(origin, "shop/multi", "2.0.0", [
      { digest: arm, os: "linux", architecture: "arm64" },
      { digest: amd, os: "linux", architecture: "amd64" },
    ]);
  });

  afterAll(async () => {
    await registry?.stop();
  });

  it.each([
    ["the image config's created", "shop/web", "1.0.0", seconds("2026-03-01T10:00:00Z"), 2],
    ["the manifest's annotation before the config", "shop/web", "1.1.0", seconds("2026-04-02T08:30:00Z"), 1],
    ["nothing said: undefined", "shop/web", "1.2.0", undefined, 2],
    ["an index: its linux/amd64 image", "shop/multi", "2.0.0", seconds("2026-05-02T00:00:00Z"), 3],
  ])("%s", async (_, repository, tag, expected, requests) => {
    const counting = createCountingFetch();
    const client = createRegistryClient({ fetch: counting.fetch, clock: Date.now });
    const found = await client.imageCreated(`${registry.host}/${repository}`, tag);
    expect(found).toEqual({ ok: true, value: expected });
    expect(counting.exchanges).toHaveLength(requests);
  });

  it("a config past the byte cap is a protocol error, not buffered (the tag is then dated from first sight)", async () => {
    const counting = createCountingFetch();
    const client = createRegistryClient({ fetch: counting.fetch, clock: Date.now });
    const found = await client.imageCreated(`${registry.host}/shop/web`, "1.3.0");
    expect(found).toMatchObject({
      ok: false,
      error: { kind: "protocol", message: expect.stringContaining("larger than") },
    });
    expect(counting.exchanges).toHaveLength(2);
  });

  it("a tag that does not exist is a not-found error", async () => {
    const client = createRegistryClient({ fetch, clock: Date.now });
    const found = await client.imageCreated(`${registry.host}/shop/web`, "9.9.9");
    expect(found).toMatchObject({ ok: false, error: { kind: "not-found" } });
  });
});
