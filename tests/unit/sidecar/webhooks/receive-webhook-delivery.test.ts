import pino from "pino";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { createReplayCache } from "../../../../src/sidecar/webhooks/create-replay-cache.ts";
import { createWebhookMetrics } from "../../../../src/sidecar/webhooks/create-webhook-metrics.ts";
import { receiveWebhookDelivery } from "../../../../src/sidecar/webhooks/receive-webhook-delivery.ts";
import type { ImageEvent } from "../../../../src/sidecar/webhooks/vendors/image-event.ts";
import type { WebhookSource } from "../../../../src/sidecar/webhooks/webhook-source.ts";
import { rawWebhookFixture } from "./load-webhook-fixture.ts";

const source: WebhookSource = {
  name: "acr",
  vendor: "acr",
  path: "acr",
  auth: { type: "header-token", header: "x-acr-secret", secret: "s" },
};
const raw = new TextEncoder().encode(rawWebhookFixture("acr", "push"));
const json = { "content-type": "application/json", "x-acr-secret": "s" };

function setup(
  onEvents: (events: ImageEvent[], source: string) => Promise<void> = async () => {},
  duplicateStatus: 409 | 202 = 409,
) {
  const register = new Registry();
  const deps = {
    duplicateStatus,
    onEvents,
    clock: () => 0,
    metrics: createWebhookMetrics(register),
    replays: createReplayCache({ clock: () => 0, ttlMs: 1000, maxEntries: 10 }),
  };
  const receive = (headers: Record<string, string>, body = raw) =>
    receiveWebhookDelivery(
      { source, raw: body, headers: new Headers(headers), log: pino({ enabled: false }) },
      deps,
    );
  return { receive, register };
}

describe("receiveWebhookDelivery", () => {
  // columns: case | headers | body | status | outcome
  it.each([
    ["a good delivery", json, raw, 202, "accepted"],
    ["a wrong secret", { ...json, "x-acr-secret": "x" }, raw, 401, "unauthorized"],
    [
      "a form body",
      { ...json, "content-type": "application/x-www-form-urlencoded" },
      raw,
      415,
      "unsupported_media_type",
    ],
    ["a JSON list", json, new TextEncoder().encode("[]"), 400, "bad_request"],
  ])("answers %s with %s", async (_case, headers, body, status, outcome) => {
    const result = await setup().receive(headers, body);
    expect([result.status, result.outcome]).toEqual([status, outcome]);
  });

  it("drops a tag outside the OCI grammar, counts it, and still answers 202", async () => {
    const seen: ImageEvent[][] = [];
    const k = setup(async (events) => void seen.push(events));
    const body = JSON.parse(rawWebhookFixture("acr", "push")) as { target: { tag: string } };
    body.target.tag = "1.4.2\n9.9.9";
    const result = await k.receive(json, new TextEncoder().encode(JSON.stringify(body)));
    expect([result.status, result.body]).toEqual([202, { accepted: 0, ignored: 1 }]);
    expect(seen).toEqual([]);
    expect(await k.register.metrics()).toContain('headwind_webhook_invalid_references_total{vendor="acr"} 1');
  });

  it("authenticates before looking at the content type", async () => {
    const result = await setup().receive({ "content-type": "text/plain" });
    expect(result.status).toBe(401);
  });

  it("passes the events and the source name to onEvents", async () => {
    const seen: [ImageEvent[], string][] = [];
    await setup(async (events, name) => void seen.push([events, name])).receive(json);
    expect(seen).toEqual([
      [
        [
          {
            vendor: "acr",
            registry: "acmeprod.azurecr.io",
            repository: "apps/web",
            tag: "1.4.2",
            digest: "sha256:00bb470255ab5bb34c72e3c78fa77307eed52b74f83a6425ba020c277adbb993",
          },
        ],
        "acr",
      ],
    ]);
  });

  // columns: duplicateStatus | second answer | second body
  it.each([
    [409, "replay", { error: "replayed delivery" }],
    [202, "replay", { accepted: 0, ignored: 0, duplicate: true }],
  ] as const)("answers a repeated delivery id with %s", async (duplicateStatus, outcome, body) => {
    const calls: string[] = [];
    const { receive } = setup(async (_events, name) => void calls.push(name), duplicateStatus);
    await receive(json);
    const second = await receive(json);
    expect([second.status, second.outcome, second.body]).toEqual([duplicateStatus, outcome, body]);
    expect(calls).toHaveLength(1);
  });
});
