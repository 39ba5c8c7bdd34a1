import { describe, expect, it } from "vitest";
import { verifyWebhookAuth } from "../../../../../src/sidecar/webhooks/auth/verify-webhook-auth.ts";
import type { WebhookAuth } from "../../../../../src/sidecar/webhooks/auth/webhook-auth.ts";

// Test vectors from docs/design/registry-protocols.md, Webhooks: GitHub Packages: secret `fixture-secret`, body `{"action":"published"}`.
const body = new TextEncoder().encode('{"action":"published"}');
const secret = "fixture-secret";
const sha256Hex = "b1bdcfb6ab7695902cda9939dd07ba0d72431bcfcc79ad70f04c720b99aa71bc";
const sha1Hex = "9fd248acd5cb4d2d5d48de590a676329d23c11ea";
const now = 1_767_225_600_000;

const github: WebhookAuth = { type: "hmac-sha256", header: "x-hub-signature-256", secret };
const nexus: WebhookAuth = { type: "hmac-sha1", header: "x-nexus-webhook-signature", secret };
const token: WebhookAuth = { type: "header-token", header: "authorization", secret: "Bearer s3cret" };
const basic: WebhookAuth = { type: "basic", username: "eventbridge", secret: "pa55" };
const jfrog: WebhookAuth = { type: "jfrog", mode: "either", secret };
const generic: WebhookAuth = { type: "generic-hmac-timestamp", secret, toleranceSeconds: 300 };
// HMAC-SHA256("fixture-secret", `1767225600.{"action":"published"}`), computed independently with openssl.
const genericHex = "f6f513eb3e82eabef497414f358bd60bcb9fbc94a0f15acd6df2063ab280eb78";

describe("verifyWebhookAuth", () => {
  // columns: case | auth | headers | expected kind
  it.each<[string, WebhookAuth, Record<string, string>, string]>([
    ["GitHub vector", github, { "X-Hub-Signature-256": `sha256=${sha256Hex}` }, "ok"],
    [
      "GitHub vector, upper-case hex",
      github,
      { "X-Hub-Signature-256": `sha256=${sha256Hex.toUpperCase()}` },
      "ok",
    ],
    [
      "GitHub, wrong signature",
      github,
      { "X-Hub-Signature-256": `sha256=${"0".repeat(64)}` },
      "unauthorized",
    ],
    [
      "GitHub, SHA-1 in the SHA-256 header",
      github,
      { "X-Hub-Signature-256": `sha1=${sha1Hex}` },
      "unauthorized",
    ],
    ["GitHub, no header", github, {}, "unauthorized"],
    ["Nexus vector", nexus, { "X-Nexus-Webhook-Signature": sha1Hex }, "ok"],
    ["Nexus, truncated", nexus, { "X-Nexus-Webhook-Signature": sha1Hex.slice(0, 20) }, "unauthorized"],
    ["header token", token, { Authorization: "Bearer s3cret" }, "ok"],
    ["header token, wrong", token, { Authorization: "Bearer s3cre" }, "unauthorized"],
    ["header token, missing", token, {}, "unauthorized"],
    ["basic", basic, { Authorization: `Basic ${btoa("eventbridge:pa55")}` }, "ok"],
    ["basic, wrong user", basic, { Authorization: `Basic ${btoa("other:pa55")}` }, "unauthorized"],
    ["basic, missing", basic, {}, "unauthorized"],
    ["JFrog, secret verbatim", jfrog, { "X-JFrog-Event-Auth": secret }, "ok"],
    ["JFrog, HMAC vector", jfrog, { "X-JFrog-Event-Auth": sha256Hex }, "ok"],
    ["JFrog, wrong", jfrog, { "X-JFrog-Event-Auth": "nope" }, "unauthorized"],
    [
      "JFrog hmac mode refuses the token",
      { ...jfrog, mode: "hmac" },
      { "X-JFrog-Event-Auth": secret },
      "unauthorized",
    ],
    [
      "JFrog token mode refuses the HMAC",
      { ...jfrog, mode: "token" },
      { "X-JFrog-Event-Auth": sha256Hex },
      "unauthorized",
    ],
    ["JFrog, missing", jfrog, {}, "unauthorized"],
    ["secret path", { type: "none-secret-path" }, {}, "ok"],
  ])("%s → %s", async (_case, auth, headers, expected) => {
    expect((await verifyWebhookAuth(auth, body, new Headers(headers), now)).kind).toBe(expected);
  });

  describe("generic-hmac-timestamp", () => {
    const signed = (timestamp: string, hex = genericHex) => ({
      "X-Headwind-Timestamp": timestamp,
      "X-Headwind-Signature": `sha256=${hex}`,
    });

    // columns: case | headers | clock offset (s) | expected kind
    it.each<[string, Record<string, string>, number, string]>([
      ["fresh", signed("1767225600"), 0, "ok"],
      ["at the edge of the window", signed("1767225600"), 300, "ok"],
      ["just past the window", signed("1767225600"), 301, "stale"],
      ["from the future", signed("1767225600"), -301, "stale"],
      ["timestamp changed after signing", signed("1767225601"), 0, "unauthorized"],
      ["wrong signature, stale too", signed("1767225600", "0".repeat(64)), 9999, "unauthorized"],
      ["no timestamp", { "X-Headwind-Signature": `sha256=${genericHex}` }, 0, "unauthorized"],
      ["non-numeric timestamp", signed("soon"), 0, "unauthorized"],
      ["no signature", { "X-Headwind-Timestamp": "1767225600" }, 0, "unauthorized"],
    ])("%s → %s", async (_case, headers, offset, expected) => {
      expect((await verifyWebhookAuth(generic, body, new Headers(headers), now + offset * 1000)).kind).toBe(
        expected,
      );
    });
  });
});
