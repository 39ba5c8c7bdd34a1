/** Artifact Registry via an authenticated Pub/Sub push subscription: the OIDC token is checked. */
import { describe, expect, it } from "vitest";
import type { GoogleKeySource } from "../../../src/sidecar/webhooks/auth/create-google-key-source.ts";
import { createWebhookApp } from "../../../src/sidecar/webhooks/create-webhook-app.ts";
import type { WebhookSource } from "../../../src/sidecar/webhooks/webhook-source.ts";
import {
  createGoogleTokenSigner,
  pushAccount,
  pushAudience,
} from "../../unit/sidecar/webhooks/auth/google-token-signer.ts";
import { rawWebhookFixture } from "../../unit/sidecar/webhooks/load-webhook-fixture.ts";
import { createWebhookKit } from "./webhook-test-kit.ts";

const now = 1_767_225_600_000;
const google = createGoogleTokenSigner();
const gar: WebhookSource = {
  name: "artifact-registry",
  vendor: "gar",
  path: "gar",
  auth: { type: "google-oidc", audience: pushAudience, serviceAccount: pushAccount },
};
const raw = rawWebhookFixture("gar", "push");

function kit(googleKeys: GoogleKeySource) {
  return createWebhookKit({ sources: [gar], now, googleKeys });
}

describe("POST /webhooks/:path with google-oidc", () => {
  const keys: GoogleKeySource = async () => [google.jwk];

  it("accepts a push signed by Google for the push account", async () => {
    const k = kit(keys);
    const res = await k.post("gar", raw, { authorization: google.bearer(now / 1000) });
    expect(res.status).toBe(202);
    expect(k.deliveries[0]?.events[0]).toMatchObject({
      registry: "europe-west1-docker.pkg.dev",
      tag: "1.4.2",
    });
  });

  // columns: case | authorization
  it.each([
    ["no token", undefined],
    ["a token for another audience", google.bearer(now / 1000, { aud: "https://elsewhere.example" })],
    ["an expired token", google.bearer(now / 1000 - 7200)],
    ["a token from another key", createGoogleTokenSigner().bearer(now / 1000)],
  ])("refuses %s with 401", async (_case, authorization) => {
    const k = kit(keys);
    const res = await k.post("gar", raw, authorization === undefined ? {} : { authorization });
    expect(res.status).toBe(401);
    expect(k.deliveries).toEqual([]);
  });

  it("refuses a replayed message with 409", async () => {
    const k = kit(keys);
    const headers = { authorization: google.bearer(now / 1000) };
    expect((await k.post("gar", raw, headers)).status).toBe(202);
    expect((await k.post("gar", raw, headers)).status).toBe(409);
  });

  it("answers 503 when Google's keys cannot be fetched, so Pub/Sub retries", async () => {
    const k = kit(async () => {
      throw new Error("getaddrinfo ENOTFOUND www.googleapis.com");
    });
    const res = await k.post("gar", raw, { authorization: google.bearer(now / 1000) });
    expect([res.status, await res.json()]).toEqual([
      503,
      { error: "could not fetch Google's signing keys, retry later" },
    ]);
    expect(await k.metricLines()).toEqual([
      'headwind_webhook_requests_total{vendor="gar",source="artifact-registry",outcome="unavailable"} 1',
    ]);
  });

  it("answers an unreadable token with 401 without asking for keys", async () => {
    const k = kit(async () => {
      throw new Error("must not be called");
    });
    expect((await k.post("gar", raw, { authorization: "Bearer garbage" })).status).toBe(401);
  });

  it("passes the token's kid to the key source", async () => {
    const kids: (string | undefined)[] = [];
    const k = kit(async (kid) => {
      kids.push(kid);
      return [google.jwk];
    });
    await k.post("gar", raw, { authorization: google.bearer(now / 1000) });
    expect(kids).toEqual(["test-key-1"]);
  });

  it("refuses to start without a key source", () => {
    const deps = { onEvents: async () => {}, clock: () => now, metrics: {} as never, logger: {} as never };
    expect(() => createWebhookApp({ ...deps, sources: [gar] })).toThrow(
      "a google-oidc source needs deps.googleKeys",
    );
  });
});
