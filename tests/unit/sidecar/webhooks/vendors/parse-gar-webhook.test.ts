import { describe, expect, it } from "vitest";
import { parseGarWebhook } from "../../../../../src/sidecar/webhooks/vendors/parse-gar-webhook.ts";
import { headersOf, loadWebhookFixture } from "../load-webhook-fixture.ts";

const d2 = "sha256:9ef25e9373d2d191b60f0b60816be55c09e494227c4fab9544f391f2dcebb548";
const host = "europe-west1-docker.pkg.dev";
const envelope = (data: string) => ({
  message: { data, messageId: "1" },
  subscription: "projects/p/subscriptions/s",
});

describe("parseGarWebhook", () => {
  // columns: fixture | events | ignored count | delivery id
  it.each([
    ["push", [`${host}/acme-prod/apps/web:1.4.2@${d2}`], 0, "17001234567890"],
    // An insert by digest names the image in its digest reference: a hint without a tag.
    [
      "push-untagged",
      [
        `${host}/acme-prod/apps/web:undefined@sha256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270`,
      ],
      0,
      "17001234567891",
    ],
    ["delete", [], 1, "17001234567892"],
    ["push-unwrapped", [`${host}/acme-prod/apps/web:1.4.2@${d2}`], 0, undefined],
  ])("%s → %j", (fixture, expected, ignored, deliveryId) => {
    const result = parseGarWebhook(loadWebhookFixture("gar", fixture), headersOf());
    if (result.kind !== "events") throw new Error(result.message);
    expect(result.events.map((e) => `${e.registry}/${e.repository}:${e.tag}@${e.digest}`)).toEqual(expected);
    expect(result.events.every((e) => e.vendor === "gar")).toBe(true);
    expect(result.ignored).toHaveLength(ignored);
    expect(result.deliveryId).toBe(deliveryId);
  });

  it("reads the snake_case message_id", () => {
    const data = Buffer.from(JSON.stringify({ action: "DELETE" })).toString("base64");
    const result = parseGarWebhook({ message: { data, message_id: "42" } }, headersOf());
    expect(result.kind === "events" && result.deliveryId).toBe("42");
  });

  it.each([
    ["no message.data", { message: {} }, "missing message.data"],
    ["data that is not base64 JSON", envelope("not json!"), "message.data is not base64-encoded JSON"],
    [
      "data that is a JSON list",
      envelope(Buffer.from("[1]").toString("base64")),
      "message.data is not a JSON object",
    ],
    ["no action", envelope(Buffer.from("{}").toString("base64")), "missing action in the Pub/Sub message"],
    [
      "a tag without a host",
      envelope(Buffer.from(JSON.stringify({ action: "INSERT", tag: "web:1" })).toString("base64")),
      "tag or digest is not a host/path reference",
    ],
    [
      "an insert with neither tag nor digest",
      envelope(Buffer.from(JSON.stringify({ action: "INSERT" })).toString("base64")),
      "missing tag and digest",
    ],
  ])("rejects %s", (_case, body, message) => {
    expect(parseGarWebhook(body, headersOf())).toEqual({ kind: "error", message });
  });
});
