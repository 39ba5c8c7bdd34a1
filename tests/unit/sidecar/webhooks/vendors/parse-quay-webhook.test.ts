import { describe, expect, it } from "vitest";
import { parseQuayWebhook } from "../../../../../src/sidecar/webhooks/vendors/parse-quay-webhook.ts";
import { headersOf, loadWebhookFixture } from "../load-webhook-fixture.ts";

describe("parseQuayWebhook", () => {
  // columns: fixture | events (registry/repository:tag) | ignored count
  it.each([
    ["push", ["quay.io/acme/web:1.4.2", "quay.io/acme/web:latest"], 0],
    ["push-legacy-map", ["quay.acme.example/acme/web:1.4.2"], 0],
    ["build-success", [], 1],
  ])("%s → %j", (fixture, expected, ignored) => {
    const result = parseQuayWebhook(loadWebhookFixture("quay", fixture), headersOf());
    if (result.kind !== "events") throw new Error(result.message);
    expect(result.events.map((e) => `${e.registry}/${e.repository}:${e.tag}`)).toEqual(expected);
    expect(result.ignored).toHaveLength(ignored);
    expect(result.deliveryId).toBeUndefined();
  });

  it.each([
    ["no repository", { updated_tags: ["1"] }, "missing repository"],
    [
      "no docker_url",
      { repository: "acme/web", updated_tags: ["1"] },
      "missing docker_url (and no registry configured for the source)",
    ],
  ])("rejects a payload with %s", (_case, body, message) => {
    expect(parseQuayWebhook(body, headersOf())).toEqual({ kind: "error", message });
  });

  it("falls back to the configured registry without docker_url", () => {
    const result = parseQuayWebhook({ repository: "acme/web", updated_tags: ["1"] }, headersOf(), {
      registry: "quay.acme.example",
    });
    expect(result.kind === "events" && result.events[0]?.registry).toBe("quay.acme.example");
  });
});

describe("parseQuayWebhook on a forged delivery", () => {
  it("reads the first 1,000 of 100,000 tags and reports the rest as over the limit", () => {
    const body = {
      repository: "acme/web",
      docker_url: "quay.io/acme/web",
      updated_tags: Array.from({ length: 100_000 }, (_, i) => String(i)),
    };
    const result = parseQuayWebhook(body, headersOf());
    expect(result.kind === "events" && [result.events.length, result.overLimit]).toEqual([1000, 99_000]);
  });
});
