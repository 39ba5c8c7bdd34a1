import { describe, expect, it } from "vitest";
import {
  createGoogleKeySource,
  googleCertsUrl,
} from "../../../../../src/sidecar/webhooks/auth/create-google-key-source.ts";

const keyA = { kty: "RSA", kid: "a", n: "n", e: "AQAB", alg: "RS256", use: "sig" };
const keyB = { ...keyA, kid: "b" };

/** An honest in-process stand-in for Google's certs endpoint. */
function fakeGoogle() {
  const state = { keys: [keyA] as unknown[], status: 200, calls: [] as string[], time: 0 };
  const fetch = (async (input: string | URL | Request) => {
    state.calls.push(String(input));
    return new Response(JSON.stringify({ keys: state.keys }), { status: state.status });
  }) as typeof globalThis.fetch;
  const keys = createGoogleKeySource({ fetch, clock: () => state.time });
  return { state, keys };
}

describe("createGoogleKeySource", () => {
  it("fetches Google's certs once and serves them from cache", async () => {
    const { state, keys } = fakeGoogle();
    expect(await keys("a")).toEqual([keyA]);
    state.time = 59 * 60 * 1000;
    expect(await keys("a")).toEqual([keyA]);
    expect(state.calls).toEqual([googleCertsUrl]);
  });

  it("refetches after an hour", async () => {
    const { state, keys } = fakeGoogle();
    await keys("a");
    state.time = 60 * 60 * 1000;
    await keys("a");
    expect(state.calls).toHaveLength(2);
  });

  it("refetches for an unknown kid (a rotation), at most once a minute", async () => {
    const { state, keys } = fakeGoogle();
    await keys("a");
    state.keys = [keyA, keyB];
    state.time = 30_000;
    expect(await keys("b")).toEqual([keyA]);
    state.time = 60_000;
    expect(await keys("b")).toEqual([keyA, keyB]);
    expect(await keys("forged")).toEqual([keyA, keyB]);
    expect(state.calls).toHaveLength(2);
  });

  it("shares one request between concurrent callers", async () => {
    const { state, keys } = fakeGoogle();
    await Promise.all([keys("a"), keys("a"), keys(undefined)]);
    expect(state.calls).toHaveLength(1);
  });

  it("keeps serving the old keys when Google fails, without retrying per request", async () => {
    const { state, keys } = fakeGoogle();
    await keys("a");
    state.status = 503;
    state.time = 2 * 60 * 60 * 1000;
    expect(await keys("a")).toEqual([keyA]);
    expect(await keys("a")).toEqual([keyA]);
    expect(state.calls).toHaveLength(2);
  });

  it("rejects when there is no key set at all", async () => {
    const { state, keys } = fakeGoogle();
    state.status = 500;
    await expect(keys("a")).rejects.toThrow("Google certs answered 500");
  });

  it("keeps only RSA keys with a kid", async () => {
    const { state, keys } = fakeGoogle();
    state.keys = [keyA, { kty: "EC", kid: "e" }, { kty: "RSA" }, "junk"];
    expect(await keys(undefined)).toEqual([keyA]);
  });
});
