import { describe, expect, it } from "vitest";
import { parseHarborWebhook } from "../../../../../src/sidecar/webhooks/vendors/parse-harbor-webhook.ts";
import { headersOf, loadWebhookFixture } from "../load-webhook-fixture.ts";

const d1 = "sha256:a8099506674b6a71757819953346da3b4736e502aca77a491e118913a0138854";
const d2 = "sha256:9ef25e9373d2d191b60f0b60816be55c09e494227c4fab9544f391f2dcebb548";

describe("parseHarborWebhook", () => {
  // columns: fixture | events (registry/repository:tag@digest) | ignored count | delivery id
  it.each([
    ["push-default", [`harbor.acme.example/platform/web:1.4.2@${d1}`], 0, undefined],
    [
      "push-default-two-tags",
      [
        `harbor.acme.example:8443/platform/web:1.4.2@${d1}`,
        `harbor.acme.example:8443/platform/web:latest@${d1}`,
      ],
      0,
      undefined,
    ],
    ["delete-default", [], 1, undefined],
    [
      "push-cloudevents",
      [`harbor.acme.example/platform/web:1.4.2@${d2}`],
      0,
      "41e55eaa-51ca-4b95-8ec4-c014449a9ab2",
    ],
    // The digest in place of the tag: a push by digest, a hint without a tag.
    [
      "push-cloudevents-digest-only",
      [`harbor.acme.example/platform/web:undefined@${d2}`],
      0,
      "5b2c61f0-90aa-4b0e-9d5e-2f6a3c1d7e88",
    ],
    ["pull-cloudevents", [], 1, "0f7e0d7c-6a8b-4a53-9a2e-7d1b3c5e9f01"],
  ])("%s → %j", (fixture, expected, ignored, deliveryId) => {
    const result = parseHarborWebhook(loadWebhookFixture("harbor", fixture), headersOf());
    if (result.kind !== "events") throw new Error(result.message);
    expect(result.events.map((e) => `${e.registry}/${e.repository}:${e.tag}@${e.digest}`)).toEqual(expected);
    expect(result.events.every((e) => e.vendor === "harbor")).toBe(true);
    expect(result.ignored).toHaveLength(ignored);
    expect(result.deliveryId).toBe(deliveryId);
  });

  it("reads the legacy pushImage type", () => {
    const body = {
      type: "pushImage",
      event_data: { resources: [{ tag: "v1", resource_url: "h.example/p/a:v1" }] },
    };
    const result = parseHarborWebhook(body, headersOf());
    expect(result.kind === "events" && result.events).toEqual([
      { vendor: "harbor", registry: "h.example", repository: "p/a", tag: "v1" },
    ]);
  });

  it("prefers the configured registry over resource_url", () => {
    const result = parseHarborWebhook(loadWebhookFixture("harbor", "push-default"), headersOf(), {
      registry: "harbor.public.example",
    });
    expect(result.kind === "events" && result.events[0]?.registry).toBe("harbor.public.example");
  });

  it("ignores a resource whose url names no host", () => {
    const body = {
      type: "PUSH_ARTIFACT",
      event_data: { resources: [{ tag: "v1", resource_url: "p/a:v1" }] },
    };
    expect(parseHarborWebhook(body, headersOf())).toEqual({
      kind: "events",
      events: [],
      ignored: ["no registry host in resource_url p/a:v1"],
      invalid: [],
    });
  });

  it.each([
    ["no type", { event_data: {} }, "missing type"],
    ["no resources", { type: "PUSH_ARTIFACT", event_data: {} }, "missing event_data.resources"],
    [
      "CloudEvent without data",
      { specversion: "1.0", type: "harbor.artifact.pushed" },
      "missing data.resources",
    ],
  ])("rejects a payload with %s", (_case, body, message) => {
    expect(parseHarborWebhook(body, headersOf())).toEqual({ kind: "error", message });
  });
});
