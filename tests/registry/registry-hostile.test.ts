// The registry client against registries that lie: a tenant can point an image at a registry it
// runs, so every answer is hostile input. Stand-ins on 127.0.0.1 play the hostile registry (and an
// "internal" service it would like the sidecar to reach); the real docker-registry, behind a real
// token service, shows the same client still works for honest registries after the storm.
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRegistryClient } from "../../src/sidecar/registry/create-registry-client.ts";
import { type RegistryObserver, silentObserver } from "../../src/sidecar/registry/registry-observer.ts";
import { type LoopbackServer, listenOnLoopback } from "../helpers/registry-listen.ts";
import { pushImage } from "../helpers/registry-push.ts";
import { type RegistryServer, startRegistry } from "../helpers/registry-server.ts";
import { startTokenServer, type TokenServer } from "../helpers/registry-token-server.ts";

const credentials = { username: "tenant", password: "tenant-secret" };

/** An address the sidecar must never be made to call; it counts whatever reaches it. */
async function startInternal() {
  const hits: string[] = [];
  const server = await listenOnLoopback((request) => {
    hits.push(
      `${request.method} ${new URL(request.url).pathname} ${request.headers.get("authorization") ?? "-"}`,
    );
    return new Response(JSON.stringify({ tags: ["stolen"], token: "stolen" }));
  });
  return { server, hits };
}

/** A body that never ends, one chunk per pull: only a cap stops a reader. */
function endlessJson(prefix: string, chunk: string) {
  const encoder = new TextEncoder();
  let started = false;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      controller.enqueue(encoder.encode(started ? chunk : prefix));
      started = true;
    },
  });
}

describe("a hostile registry", () => {
  let internal: Awaited<ReturnType<typeof startInternal>>;
  let hostile: LoopbackServer;
  let tokensIssued = 0;
  // Node servers refuse request headers over 16 KiB, so this is as large as a token that works can be.
  const bigToken = "t".repeat(6 * 1024);

  beforeAll(async () => {
    internal = await startInternal();
    const inside = internal.server.origin;
    const app = new Hono();
    // Redirects toward the internal service, on every path the client uses.
    app.get("/v2/redirect/tags/list", (c) => c.redirect(`${inside}/latest/meta-data/iam`, 302));
    app.get("/v2/redirect/manifests/:tag", (c) => c.redirect(`${inside}/admin`, 307));
    app.get("/v2/redirect-token/tags/list", (c) => {
      c.header("www-authenticate", `Bearer realm="${new URL(c.req.url).origin}/token-redirect",service="x"`);
      return c.body(null, 401);
    });
    app.get("/token-redirect", (c) => c.redirect(`${inside}/token`, 308));
    // Bodies without end.
    app.get(
      "/v2/endless/tags/list",
      () => new Response(endlessJson('{"tags":["1"', ',"1.0.0-aaaaaaaa"'.repeat(1024))),
    );
    app.get("/v2/endless-token/tags/list", (c) => {
      c.header("www-authenticate", `Bearer realm="${new URL(c.req.url).origin}/endless-token"`);
      return c.body(null, 401);
    });
    app.get("/endless-token", () => new Response(endlessJson('{"token":"', "a".repeat(16 * 1024))));
    app.get("/v2/slow/tags/list", () => {
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          await new Promise((resolve) => setTimeout(resolve, 200));
          controller.enqueue(new TextEncoder().encode(sent++ === 0 ? '{"tags":[' : '"1",'));
        },
      });
      return new Response(body);
    });
    // A token service that changes its realm and service on every challenge and hands out large,
    // long-lived tokens for each repository.
    app.get("/v2/storm/:name/tags/list", (c) => {
      if (c.req.header("authorization")?.startsWith("Bearer ")) return c.json({ tags: ["1.0.0"] });
      const n = tokensIssued;
      c.header(
        "www-authenticate",
        `Bearer realm="${new URL(c.req.url).origin}/storm-token/${n}",service="svc-${n}"`,
      );
      return c.body(null, 401);
    });
    app.get("/storm-token/:n", (c) => {
      tokensIssued += 1;
      return c.json({ token: `${tokensIssued}-${bigToken}`, expires_in: 1_000_000_000 });
    });
    hostile = await listenOnLoopback(app.fetch);
  });

  afterAll(async () => {
    await hostile?.close();
    await internal?.server.close();
  });

  const key = (path: string) => `${hostile.origin.replace("http://", "")}/${path}`;
  const client = (extra: object = {}) =>
    createRegistryClient({ fetch, clock: Date.now, maxRetries: 0, ...extra });

  it("never reaches the internal server through a cross-origin redirect, with or without credentials", async () => {
    const c = client();
    for (const creds of [undefined, credentials]) {
      expect(await c.listTags(key("redirect"), creds)).toMatchObject({
        ok: false,
        error: { kind: "protocol", message: expect.stringContaining("a redirect to another origin") },
      });
      expect(await c.headDigest(key("redirect"), "1.0", creds)).toMatchObject({
        ok: false,
        error: { kind: "protocol", message: expect.stringContaining("a redirect to another origin") },
      });
      expect(await c.listTags(key("redirect-token"), creds)).toMatchObject({
        ok: false,
        error: { kind: "protocol", message: expect.stringContaining("a redirect to another origin") },
      });
    }
    expect(internal.hits).toEqual([]);
  });

  it("cuts off a tag list and a token answer that never end", async () => {
    const started = performance.now();
    expect(await client().listTags(key("endless"))).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining("sent a tag list larger than 8388608 bytes; not read") },
    });
    expect(await client().listTags(key("endless-token"))).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining("sent a token answer larger than 65536 bytes; not read") },
    });
    console.info(`registry-hostile: two endless bodies cut in ${Math.round(performance.now() - started)} ms`);
  });

  it("gives up on a body that drips slower than the request timeout", async () => {
    const started = performance.now();
    const listing = await client({ timeoutMs: 1_000 }).listTags(key("slow"));
    const elapsed = performance.now() - started;
    expect(listing).toMatchObject({ ok: false, error: { kind: "unavailable" } });
    expect(elapsed).toBeLessThan(5_000);
  });

  it("keeps the token cache under its bounds over 10,000 polls that each bring a new realm, service and 6 KiB token", async () => {
    const sizes: { entries: number; bytes: number }[] = [];
    const observer: RegistryObserver = { ...silentObserver, tokenCache: (size) => sizes.push(size) };
    const c = client({ observer, tokenCacheEntries: 1000, tokenCacheBytes: 4 * 1024 * 1024 });
    const started = performance.now();
    const polls = Number(process.env.STORM ?? 10_000);
    const concurrency = 16;
    let next = 0;
    let failed = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < polls) {
          const listing = await c.listTags(key(`storm/r${next++}`), credentials);
          if (!listing.ok) {
            if (failed === 0) console.log(listing.error);
            failed += 1;
          }
        }
      }),
    );
    const elapsed = Math.round(performance.now() - started);
    const largest = sizes.reduce(
      (max, size) => ({
        entries: Math.max(max.entries, size.entries),
        bytes: Math.max(max.bytes, size.bytes),
      }),
      { entries: 0, bytes: 0 },
    );
    console.info(
      `registry-hostile: ${polls} polls, ${tokensIssued} tokens issued in ${elapsed} ms; cache peak ${largest.entries} entries, ${largest.bytes} bytes`,
    );
    expect(failed).toBe(0);
    expect(tokensIssued).toBeGreaterThanOrEqual(polls);
    expect(sizes.length).toBeGreaterThanOrEqual(polls);
    expect(largest.bytes).toBeLessThanOrEqual(4 * 1024 * 1024);
    expect(largest.entries).toBeLessThanOrEqual(1000);
    expect(largest.entries).toBeGreaterThan(100);
  }, 180_000);
});

describe("the same client against the real registry", () => {
  let tokens: TokenServer;
  let registry: RegistryServer;
  const puller = { username: "puller", password: "pull-secret" };

  beforeAll(async () => {
    tokens = await startTokenServer({ [puller.username]: puller.password });
    const { realm, service, issuer, rootCertBundle } = tokens;
    registry = await startRegistry({ auth: { kind: "token", realm, service, issuer, rootCertBundle } });
    const push = tokens.mint("pusher", [{ type: "repository", name: "apps/web", actions: ["pull", "push"] }]);
    await pushImage(registry.origin, "apps/web", ["1.0.0", "1.1.0"], { authorization: `Bearer ${push}` });
  });

  afterAll(async () => {
    await registry?.stop();
    await tokens?.stop();
  });

  it("lists tags with a cached token while a tiny cache churns", async () => {
    const c = createRegistryClient({
      fetch,
      clock: Date.now,
      tokenCacheEntries: 1,
      tokenCacheBytes: 64 * 1024,
    });
    for (let i = 0; i < 3; i++) {
      const listing = await c.listTags(`${registry.host}/apps/web`, puller);
      expect(listing.ok && [...listing.value.tags].sort()).toEqual(["1.0.0", "1.1.0"]);
    }
    // One token for three listings: the bound evicts, it does not stop caching.
    expect(tokens.requests.filter((r) => r.status === 200)).toHaveLength(1);
  });
});
