import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRegistryClient } from "../../src/sidecar/registry/create-registry-client.ts";
import { createCountingFetch } from "../helpers/registry-counting-fetch.ts";
import { paginateTags, type RegistryProxy, startRegistryProxy } from "../helpers/registry-proxy.ts";
import { pushImage } from "../helpers/registry-push.ts";
import { type RegistryServer, startRegistry } from "../helpers/registry-server.ts";

const tagCount = 1100;
const tags = Array.from({ length: tagCount }, (_, i) => `1.${Math.floor(i / 100)}.${i % 100}`);
/** Lexical ("ASCIIbetical") order, as the OCI spec pages them: 1.10.x sorts before 1.2.x. */
const sorted = [...tags].sort();

describe("tag listing over more than 1,000 tags", () => {
  let registry: RegistryServer;
  let paging: RegistryProxy;
  let foreignPaging: RegistryProxy;

  beforeAll(async () => {
    registry = await startRegistry();
    await pushImage(registry.origin, "apps/many", tags);
    paging = await startRegistryProxy(registry.origin, paginateTags());
    // Links pointing at a different port are a different origin: never followed.
    foreignPaging = await startRegistryProxy(
      registry.origin,
      paginateTags({ linkOrigin: "http://127.0.0.1:1" }),
    );
  }, 120_000);

  afterAll(async () => {
    await Promise.all([paging?.close(), foreignPaging?.close()]);
    await registry?.stop();
  });

  it("gets all 1,100 tags from distribution 2.8 in one page: it ignores n and sends no Link", async () => {
    const direct = await fetch(`${registry.origin}/v2/apps/many/tags/list?n=10`);
    expect(direct.headers.get("link")).toBeNull();
    expect(((await direct.json()) as { tags: string[] }).tags).toHaveLength(tagCount);

    const counting = createCountingFetch();
    const client = createRegistryClient({ fetch: counting.fetch, clock: Date.now });
    const listing = await client.listTags(`${registry.host}/apps/many`);
    expect(listing).toMatchObject({ ok: true, value: { pages: 1, complete: true } });
    expect(listing.ok && [...listing.value.tags].sort()).toEqual(sorted);
    expect(counting.exchanges.map((e) => `${e.method} ${e.path} ${e.status}`)).toEqual([
      "GET /v2/apps/many/tags/list?n=1000 200",
    ]);
  });

  it.each([
    { pageSize: 1000, pages: 2 },
    { pageSize: 100, pages: 11 },
    { pageSize: 7, pages: 158 },
  ])(
    "follows relative Link headers over $pages pages of $pageSize (OCI pagination)",
    async ({ pageSize, pages }) => {
      const counting = createCountingFetch();
      const client = createRegistryClient({
        fetch: counting.fetch,
        clock: Date.now,
        pageSize,
        maxPages: 200,
      });
      const listing = await client.listTags(`${paging.host}/apps/many`);
      expect(listing).toMatchObject({ ok: true, value: { pages, complete: true } });
      expect(listing.ok && listing.value.tags).toEqual(sorted);
      expect(counting.exchanges).toHaveLength(pages);
      expect(counting.exchanges[1]?.path).toBe(
        `/v2/apps/many/tags/list?n=${pageSize}&last=${sorted[pageSize - 1]}`,
      );
    },
  );

  it("follows absolute same-origin links", async () => {
    const client = createRegistryClient({ fetch, clock: Date.now });
    // A proxy that writes its own origin into the Link: absolute, same origin.
    const self = await startRegistryProxy(registry.origin, async (request, forward) => {
      const origin = new URL(request.url).origin;
      return paginateTags({ linkOrigin: origin })(request, forward);
    });
    try {
      const listing = await client.listTags(`${self.host}/apps/many`);
      expect(listing).toMatchObject({ ok: true, value: { pages: 2, complete: true } });
      expect(listing.ok && listing.value.tags).toHaveLength(tagCount);
    } finally {
      await self.close();
    }
  });

  it("refuses a next link to another origin with a clear error", async () => {
    const counting = createCountingFetch();
    const client = createRegistryClient({ fetch: counting.fetch, clock: Date.now });
    const listing = await client.listTags(`${foreignPaging.host}/apps/many`);
    expect(listing).toEqual({
      ok: false,
      error: {
        kind: "protocol",
        registry: foreignPaging.host,
        message: `protocol: ${foreignPaging.host} sent a next-page link to another origin (http://127.0.0.1:1/v2/apps/many/tags/list?n=1000&last=${sorted[999]}); not following it`,
      },
    });
    expect(counting.exchanges).toHaveLength(1);
  });

  it("stops at maxPages and reports the listing incomplete", async () => {
    const counting = createCountingFetch();
    const client = createRegistryClient({
      fetch: counting.fetch,
      clock: Date.now,
      pageSize: 100,
      maxPages: 3,
    });
    const listing = await client.listTags(`${paging.host}/apps/many`);
    expect(listing).toMatchObject({ ok: true, value: { pages: 3, complete: false } });
    expect(listing.ok && listing.value.tags).toHaveLength(300);
    expect(counting.exchanges).toHaveLength(3);
  });
});
