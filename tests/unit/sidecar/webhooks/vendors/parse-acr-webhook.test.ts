import { describe, expect, it } from "vitest";
import { parseAcrWebhook } from "../../../../../src/sidecar/webhooks/vendors/parse-acr-webhook.ts";
import { headersOf, loadWebhookFixture } from "../load-webhook-fixture.ts";

const digest = "sha256:00bb470255ab5bb34c72e3c78fa77307eed52b74f83a6425ba020c277adbb993";

describe("parseAcrWebhook", () => {
  // columns: fixture | events | ignored | delivery id
  it.each([
    ["push", [`acmeprod.azurecr.io/apps/web:1.4.2@${digest}`], [], "c7a4aaf6-8dee-41ab-9786-7f58093f2e06"],
    // A push by digest is a hint without a tag (issue 9 §4).
    [
      "push-untagged",
      [`acmeprod.azurecr.io/apps/web:undefined@${digest}`],
      [],
      "c7a4aaf6-8dee-41ab-9786-7f58093f2e07",
    ],
    ["delete", [], ["action delete is not a push"], "c7a4aaf6-8dee-41ab-9786-7f58093f2e08"],
    ["ping", [], ["action ping is not a push"], "d1f5e0a3-7c44-4b0a-9e51-2f6d8c3b4a10"],
  ])("%s → %j", (fixture, expected, ignored, deliveryId) => {
    const result = parseAcrWebhook(loadWebhookFixture("acr", fixture), headersOf());
    if (result.kind !== "events") throw new Error(result.message);
    expect(result.events.map((e) => `${e.registry}/${e.repository}:${e.tag}@${e.digest}`)).toEqual(expected);
    expect(result.ignored).toEqual(ignored);
    expect(result.deliveryId).toBe(deliveryId);
  });

  it.each([
    ["no action", { target: {} }, "missing action"],
    ["no repository", { action: "push", target: { tag: "1" } }, "missing target.repository"],
    [
      "no host",
      { action: "push", target: { repository: "a", tag: "1" } },
      "missing request.host (and no registry configured for the source)",
    ],
  ])("rejects a payload with %s", (_case, body, message) => {
    expect(parseAcrWebhook(body, headersOf())).toEqual({ kind: "error", message });
  });
});
