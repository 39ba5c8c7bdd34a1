import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPollerMetrics } from "../../src/sidecar/poller/create-poller-metrics.ts";
import { createRegistryClient } from "../../src/sidecar/registry/create-registry-client.ts";
import { createCountingFetch } from "../helpers/registry-counting-fetch.ts";
import { type RegistryProxy, startRegistryProxy } from "../helpers/registry-proxy.ts";
import { pushImage } from "../helpers/registry-push.ts";
import { type RegistryServer, startRegistry } from "../helpers/registry-server.ts";

/** Records waits instead of sleeping: the test asserts the wait the registry asked for. */
function recordingSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

const tooManyRequests = (headers: Record<string, string>) =>
  new Response(JSON.stringify({ errors: [{ code: "TOOMANYREQUESTS", message: "slow down" }] }), {
    status: 429,
    headers: { "content-type": "application/json", ...headers },
  });

describe("429 and rate-limit headers, through a proxy in front of docker-registry", () => {
  let registry: RegistryServer;
  let onceLimited: RegistryProxy;
  let quota: RegistryProxy;
  let longWait: RegistryProxy;
  let answered429 = 0;

  beforeAll(async () => {
    registry = await startRegistry();
    await pushImage(registry.origin, "apps/web", ["1.0.0", "1.1.0"]);
    onceLimited = await startRegistryProxy(registry.origin, async () => {
      if (answered429 > 0) return undefined;
      answered429 += 1;
      return tooManyRequests({ "retry-after": "1" });
    });
    // Docker Hub style quota headers; remaining 0 after this answer.
    quota = await startRegistryProxy(registry.origin, async (request, forward) => {
      const response = await forward(request);
      const headers = new Headers(response.headers);
      headers.set("ratelimit-limit", "100;w=21600");
      headers.set("ratelimit-remaining", "0;w=21600");
      return new Response(response.body, { status: response.status, headers });
    });
    longWait = await startRegistryProxy(registry.origin, async () =>
      tooManyRequests({ "retry-after": new Date(Date.now() + 3_600_000).toUTCString() }),
    );
  });

  afterAll(async () => {
    await Promise.all([onceLimited?.close(), quota?.close(), longWait?.close()]);
    await registry?.stop();
  });

  it("waits as long as Retry-After says (plus jitter), then retries once", async () => {
    const counting = createCountingFetch();
    const { waits, sleep } = recordingSleep();
    const register = new Registry();
    const metrics = createPollerMetrics(register);
    const client = createRegistryClient({
      fetch: counting.fetch,
      clock: Date.now,
      sleep,
      random: () => 0.5,
      observer: metrics.observer,
    });
    const listing = await client.listTags(`${onceLimited.host}/apps/web`);
    expect(listing).toMatchObject({ ok: true, value: { tags: expect.arrayContaining(["1.0.0", "1.1.0"]) } });
    expect(counting.exchanges.map((e) => e.status)).toEqual([429, 200]);
    expect(waits).toEqual([1100]);
    const text = await register.metrics();
    expect(text).toContain(`headwind_registry_rate_limit_waits_total{registry="${onceLimited.host}"} 1`);
    expect(text).toContain(
      `headwind_registry_requests_total{registry="${onceLimited.host}",kind="tags",code="429"} 1`,
    );
  });

  it("stops calling a registry whose ratelimit-remaining reached 0, until a request could succeed", async () => {
    let now = Date.parse("2026-01-01T00:00:00Z");
    const counting = createCountingFetch();
    const { waits, sleep } = recordingSleep();
    const client = createRegistryClient({ fetch: counting.fetch, clock: () => now, sleep });
    expect((await client.listTags(`${quota.host}/apps/web`)).ok).toBe(true);
    // 21600 s / 100 pulls: one pull frees every 216 s, longer than the 60 s the client will wait.
    expect(await client.listTags(`${quota.host}/apps/web`)).toEqual({
      ok: false,
      error: {
        kind: "rate-limited",
        registry: quota.host,
        message: `rate limited: ${quota.host} is paused for 216s more`,
      },
    });
    expect(counting.exchanges).toHaveLength(1);
    now += 216_000;
    expect((await client.listTags(`${quota.host}/apps/web`)).ok).toBe(true);
    expect(counting.exchanges).toHaveLength(2);
    expect(waits).toEqual([]);
  });

  it("fails fast when Retry-After (an HTTP date) is beyond the longest wait", async () => {
    const counting = createCountingFetch();
    const { waits, sleep } = recordingSleep();
    const client = createRegistryClient({ fetch: counting.fetch, clock: Date.now, sleep });
    const listing = await client.listTags(`${longWait.host}/apps/web`);
    expect(listing).toEqual({
      ok: false,
      error: {
        kind: "rate-limited",
        registry: longWait.host,
        message: `rate limited: ${longWait.host} answered 429 to GET /v2/apps/web/tags/list`,
        status: 429,
      },
    });
    expect(counting.exchanges).toHaveLength(1);
    expect(waits).toEqual([]);
  });
});
