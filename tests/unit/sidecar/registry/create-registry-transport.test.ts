import { describe, expect, it } from "vitest";
import { createRegistryTransport } from "../../../../src/sidecar/registry/create-registry-transport.ts";
import { type RegistryObserver, silentObserver } from "../../../../src/sidecar/registry/registry-observer.ts";

/** A fetch that answers from a script, one entry per call; an Error entry rejects like a network failure. */
function scriptedFetch(script: (Response | Error)[]) {
  const calls: string[] = [];
  const fetch = async (input: string | URL | Request) => {
    calls.push(String(input));
    const next = script.shift();
    if (next === undefined) throw new Error("script exhausted");
    if (next instanceof Error) throw next;
    return next;
  };
  return { fetch: fetch as typeof globalThis.fetch, calls };
}

function setup(script: (Response | Error)[], overrides: { maxRetries?: number; maxWaitMs?: number } = {}) {
  const scripted = scriptedFetch(script);
  const waits: number[] = [];
  const events: string[] = [];
  const observer: RegistryObserver = {
    ...silentObserver,
    request: ({ kind, code }) => events.push(`${kind} ${code}`),
    rateLimitWait: ({ waitMs }) => events.push(`wait ${waitMs}`),
  };
  const send = createRegistryTransport({
    fetch: scripted.fetch,
    clock: () => Date.parse("2026-01-01T00:00:00Z"),
    sleep: async (ms) => void waits.push(ms),
    random: () => 0,
    observer,
    maxRetries: overrides.maxRetries ?? 3,
    maxWaitMs: overrides.maxWaitMs ?? 60_000,
    timeoutMs: 1_000,
    maxRedirects: 3,
  });
  const request = {
    registry: "reg",
    kind: "tags" as const,
    url: "http://reg/v2/a/tags/list",
    method: "GET" as const,
    headers: {},
  };
  return { send: () => send(request), waits, events, calls: scripted.calls };
}

describe("createRegistryTransport", () => {
  it("passes a success through after one request", async () => {
    const { send, waits, events } = setup([new Response("{}", { status: 200 })]);
    expect(await send()).toMatchObject({ ok: true, value: { status: 200 } });
    expect(waits).toEqual([]);
    expect(events).toEqual(["tags 200"]);
  });

  it("passes non-retryable errors (404, 401) through for the caller to judge", async () => {
    const { send } = setup([new Response(null, { status: 404 })]);
    expect(await send()).toMatchObject({ ok: true, value: { status: 404 } });
  });

  it("backs off exponentially on 503 and network errors, then succeeds", async () => {
    const { send, waits, events } = setup([
      new Response(null, { status: 503 }),
      new TypeError("fetch failed"),
      new Response(null, { status: 200 }),
    ]);
    expect(await send()).toMatchObject({ ok: true });
    // 500 ms then 1000 ms; random() = 0 adds no jitter.
    expect(waits).toEqual([500, 1000]);
    expect(events).toEqual(["tags 503", "tags network", "tags 200"]);
  });

  it("gives up after maxRetries with the last status", async () => {
    const { send, calls } = setup(
      [
        new Response(null, { status: 429 }),
        new Response(null, { status: 429 }),
        new Response(null, { status: 429 }),
      ],
      { maxRetries: 2 },
    );
    expect(await send()).toEqual({
      ok: false,
      error: {
        kind: "rate-limited",
        registry: "reg",
        message: "rate limited: reg answered 429 after 2 retries to GET /v2/a/tags/list",
        status: 429,
      },
    });
    expect(calls).toHaveLength(3);
  });

  it("reports an unreachable registry with the cause", async () => {
    const { send } = setup(
      [new TypeError("fetch failed", { cause: new Error("connect ECONNREFUSED 127.0.0.1:1") })],
      {
        maxRetries: 0,
      },
    );
    expect(await send()).toMatchObject({
      ok: false,
      error: {
        kind: "unavailable",
        message: "unavailable: cannot reach reg (fetch failed: connect ECONNREFUSED 127.0.0.1:1)",
      },
    });
  });

  it("counts a 429 wait as a rate-limit wait, with Retry-After in seconds", async () => {
    const { send, waits, events } = setup([
      new Response(null, { status: 429, headers: { "retry-after": "3" } }),
      new Response(null, { status: 200 }),
    ]);
    expect(await send()).toMatchObject({ ok: true });
    expect(waits).toEqual([3000]);
    expect(events).toEqual(["tags 429", "wait 3000", "tags 200"]);
  });
});
