/**
 * Authentication per vendor, through the app: a good request is accepted, a bad and a missing
 * credential are refused, and a replayed delivery is refused where the vendor sends a delivery id.
 */
import { describe, expect, it } from "vitest";
import { hmacHex } from "../../../src/sidecar/webhooks/auth/hmac-hex.ts";
import type { WebhookSource } from "../../../src/sidecar/webhooks/webhook-source.ts";
import { rawWebhookFixture } from "../../unit/sidecar/webhooks/load-webhook-fixture.ts";
import { createWebhookKit } from "./webhook-test-kit.ts";

const secret = "s3cret-value-for-tests";
const secretPath = "Qm4tV8xZ2cL6nB0rT5yH9wK3jF7dS1aP";
const now = 1_767_225_600_000;

interface Attempt {
  readonly path: string;
  readonly headers: Record<string, string>;
}

interface AuthCase {
  readonly source: Omit<WebhookSource, "name">;
  readonly fixture: string;
  /** Non-credential headers the vendor always sends. */
  readonly headers?: Record<string, string>;
  readonly good: (raw: string) => Attempt;
  readonly bad: (raw: string) => Attempt;
  readonly missing: (raw: string) => Attempt;
  /** 401 for credentials, 404 when the path is the secret. */
  readonly refusal: 401 | 404;
  readonly replay: "refused" | { readonly absentBecause: string };
}

const at = (path: string, headers: Record<string, string> = {}): Attempt => ({ path, headers });
const secretPathCase = (
  vendor: WebhookSource["vendor"],
  fixture: string,
  replay: AuthCase["replay"],
): AuthCase => ({
  source: { vendor, path: secretPath, auth: { type: "none-secret-path" } },
  fixture,
  good: () => at(secretPath),
  bad: () => at(`${secretPath.slice(0, -1)}x`),
  missing: () => at(""),
  refusal: 404,
  replay,
});
const tokenCase = (
  vendor: WebhookSource["vendor"],
  fixture: string,
  header: string,
  value: string,
): AuthCase => ({
  source: {
    vendor,
    path: vendor,
    auth: { type: "header-token", header: header.toLowerCase(), secret: value },
  },
  fixture,
  good: () => at(vendor, { [header]: value }),
  bad: () => at(vendor, { [header]: `${value}x` }),
  missing: () => at(vendor),
  refusal: 401,
  replay: "refused",
});
const noId = (vendor: string) => ({ absentBecause: `${vendor} sends no delivery id` });

// columns: vendor | source | fixture | good / bad / missing credentials | replay
const cases: Record<string, AuthCase> = {
  dockerhub: secretPathCase("dockerhub", "push", noId("Docker Hub")),
  quay: secretPathCase("quay", "push", noId("Quay")),
  gar: secretPathCase("gar", "push", "refused"),
  harbor: tokenCase("harbor", "push-cloudevents", "Authorization", `Bearer ${secret}`),
  distribution: tokenCase("distribution", "push", "Authorization", `Bearer ${secret}`),
  gitlab: tokenCase("gitlab", "push", "X-Registry-Token", secret),
  acr: tokenCase("acr", "push", "X-Acr-Secret", secret),
  ecr: {
    source: { vendor: "ecr", path: "ecr", auth: { type: "basic", username: "eventbridge", secret } },
    fixture: "push",
    good: () => at("ecr", { authorization: `Basic ${btoa(`eventbridge:${secret}`)}` }),
    bad: () => at("ecr", { authorization: `Basic ${btoa("eventbridge:guess")}` }),
    missing: () => at("ecr"),
    refusal: 401,
    replay: "refused",
  },
  github: {
    source: {
      vendor: "github",
      path: "github",
      auth: { type: "hmac-sha256", header: "x-hub-signature-256", secret },
    },
    fixture: "package-published",
    headers: { "x-github-event": "package", "x-github-delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958" },
    good: (raw) => at("github", { "x-hub-signature-256": `sha256=${hmacHex("sha256", secret, raw)}` }),
    bad: (raw) => at("github", { "x-hub-signature-256": `sha256=${hmacHex("sha256", "guess", raw)}` }),
    missing: () => at("github"),
    refusal: 401,
    replay: "refused",
  },
  jfrog: {
    source: { vendor: "jfrog", path: "jfrog", auth: { type: "jfrog", mode: "either", secret } },
    fixture: "pushed",
    good: (raw) => at("jfrog", { "x-jfrog-event-auth": hmacHex("sha256", secret, raw) }),
    bad: () => at("jfrog", { "x-jfrog-event-auth": "guess" }),
    missing: () => at("jfrog"),
    refusal: 401,
    replay: noId("JFrog"),
  },
  nexus: {
    source: {
      vendor: "nexus",
      path: "nexus",
      registry: "nexus.acme.example:8082",
      auth: { type: "hmac-sha1", header: "x-nexus-webhook-signature", secret },
    },
    fixture: "component-created",
    headers: { "x-nexus-webhook-id": "rm:repository:component", "x-nexus-webhook-delivery": "d7c5f1b0-1" },
    good: (raw) => at("nexus", { "x-nexus-webhook-signature": hmacHex("sha1", secret, raw) }),
    bad: (raw) => at("nexus", { "x-nexus-webhook-signature": hmacHex("sha1", "guess", raw) }),
    missing: () => at("nexus"),
    refusal: 401,
    replay: "refused",
  },
  generic: {
    source: {
      vendor: "generic",
      path: "ci",
      auth: { type: "generic-hmac-timestamp", secret, toleranceSeconds: 300 },
    },
    fixture: "single",
    headers: { "x-headwind-delivery": "ci-run-81" },
    good: (raw) => at("ci", generic(raw, secret, now / 1000)),
    bad: (raw) => at("ci", generic(raw, "guess", now / 1000)),
    missing: () => at("ci", { "x-headwind-timestamp": String(now / 1000) }),
    refusal: 401,
    replay: "refused",
  },
};

function generic(raw: string, key: string, seconds: number): Record<string, string> {
  const timestamp = String(seconds);
  return {
    "x-headwind-timestamp": timestamp,
    "x-headwind-signature": `sha256=${hmacHex("sha256", key, `${timestamp}.${raw}`)}`,
  };
}

describe.each(Object.entries(cases))("%s authentication", (vendor, c) => {
  const raw = rawWebhookFixture(vendor, c.fixture);
  const source = { ...c.source, name: vendor } as WebhookSource;
  const send = (k: ReturnType<typeof createWebhookKit>, attempt: Attempt) =>
    k.post(attempt.path, raw, { ...c.headers, ...attempt.headers });

  it("accepts good credentials", async () => {
    const k = createWebhookKit({ sources: [source], now });
    const res = await send(k, c.good(raw));
    expect(res.status).toBe(202);
    expect(k.deliveries[0]?.events.length).toBeGreaterThan(0);
  });

  it.each([
    ["bad", c.bad],
    ["missing", c.missing],
  ])(`refuses %s credentials with ${c.refusal}`, async (_case, attempt) => {
    const k = createWebhookKit({ sources: [source], now });
    expect((await send(k, attempt(raw))).status).toBe(c.refusal);
    expect(k.deliveries).toEqual([]);
  });

  if (c.replay === "refused") {
    it("refuses a replayed delivery with 409", async () => {
      const k = createWebhookKit({ sources: [source], now });
      expect((await send(k, c.good(raw))).status).toBe(202);
      expect((await send(k, c.good(raw))).status).toBe(409);
      expect(k.deliveries).toHaveLength(1);
      expect(await k.metricLines()).toContain(
        `headwind_webhook_requests_total{vendor="${vendor}",source="${vendor}",outcome="replay"} 1`,
      );
    });
  } else {
    it(`cannot detect replays: ${c.replay.absentBecause} (the registry HEAD is the guard)`, async () => {
      const k = createWebhookKit({ sources: [source], now });
      expect((await send(k, c.good(raw))).status).toBe(202);
      expect((await send(k, c.good(raw))).status).toBe(202);
    });
  }
});

describe("generic timestamp window", () => {
  const raw = rawWebhookFixture("generic", "single");
  const source = cases.generic?.source as Omit<WebhookSource, "name">;

  // columns: case | signed time offset (s) | status
  it.each([
    ["inside the window", -299, 202],
    ["too old, signature good", -301, 409],
    ["too far ahead", 301, 409],
  ])("%s → %s", async (_case, offset, status) => {
    const k = createWebhookKit({ sources: [{ ...source, name: "ci" }], now });
    const res = await k.post("ci", raw, generic(raw, secret, now / 1000 + offset));
    expect(res.status).toBe(status);
  });
});
