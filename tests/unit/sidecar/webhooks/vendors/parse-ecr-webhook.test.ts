import { describe, expect, it } from "vitest";
import { parseEcrWebhook } from "../../../../../src/sidecar/webhooks/vendors/parse-ecr-webhook.ts";
import { headersOf, loadWebhookFixture } from "../load-webhook-fixture.ts";

const digest = "sha256:bccc2066e70f1b8e154f44412e8e0328d7ffbd1f26c2381e85d4b00ec7a01746";
const host = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";

describe("parseEcrWebhook", () => {
  // columns: fixture | events | ignored
  it.each([
    ["push", [`${host}/apps/web:1.4.2@${digest}`], []],
    [
      "push-untagged",
      [`${host}/apps/web:undefined@sha256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270`],
      [],
    ],
    ["delete", [], ["DELETE SUCCESS is not a successful push"]],
    ["push-failed", [], ["PUSH FAILURE is not a successful push"]],
    ["scan", [], ["aws.ecr ECR Image Scan is not an ECR image action"]],
  ])("%s → %j", (fixture, expected, ignored) => {
    const result = parseEcrWebhook(loadWebhookFixture("ecr", fixture), headersOf());
    if (result.kind !== "events") throw new Error(result.message);
    expect(result.events.map((e) => `${e.registry}/${e.repository}:${e.tag}@${e.digest}`)).toEqual(expected);
    expect(result.ignored).toEqual(ignored);
    expect(result.deliveryId).toMatch(/^8cedc98a-/);
  });

  it("builds the amazonaws.com.cn host for China regions", () => {
    const body = { ...(loadWebhookFixture("ecr", "push") as object), region: "cn-north-1" };
    const result = parseEcrWebhook(body, headersOf());
    expect(result.kind === "events" && result.events[0]?.registry).toBe(
      "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn",
    );
  });

  it.each([
    ["no detail-type", { source: "aws.ecr" }, "missing detail-type (not an EventBridge event)"],
    [
      "no repository",
      { "detail-type": "ECR Image Action", detail: { "action-type": "PUSH", result: "SUCCESS" } },
      "missing detail.repository-name",
    ],
    [
      "no account",
      {
        "detail-type": "ECR Image Action",
        detail: { "action-type": "PUSH", result: "SUCCESS", "repository-name": "a", "image-tag": "1" },
      },
      "missing account or region",
    ],
  ])("rejects an event with %s", (_case, body, message) => {
    expect(parseEcrWebhook(body, headersOf())).toEqual({ kind: "error", message });
  });
});
