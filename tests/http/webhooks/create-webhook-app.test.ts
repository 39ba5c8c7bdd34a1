import { describe, expect, it } from "vitest";
import { hmacHex } from "../../../src/sidecar/webhooks/auth/hmac-hex.ts";
import { createWebhookApp } from "../../../src/sidecar/webhooks/create-webhook-app.ts";
import type { WebhookSource } from "../../../src/sidecar/webhooks/webhook-source.ts";
import { rawWebhookFixture } from "../../unit/sidecar/webhooks/load-webhook-fixture.ts";
import { createWebhookKit } from "./webhook-test-kit.ts";

const token = "Bearer registry-token-9f2c";
const distribution: WebhookSource = {
  name: "registry",
  vendor: "distribution",
  path: "distribution",
  auth: { type: "header-token", header: "authorization", secret: token },
};
const githubSecret = "gh-webhook-secret";
const github: WebhookSource = {
  name: "ghcr",
  vendor: "github",
  path: "github",
  auth: { type: "hmac-sha256", header: "x-hub-signature-256", secret: githubSecret },
};
const hubPath = "b7Jx0qS3kzV9c1nR4tW8yE2uI6oP5aLm";
const hub: WebhookSource = {
  name: "hub",
  vendor: "dockerhub",
  path: hubPath,
  auth: { type: "none-secret-path" },
};
const auth = { authorization: token };
const push = rawWebhookFixture("distribution", "push");
const multiArch = rawWebhookFixture("distribution", "push-multi-arch");

function kit(maxBodyBytes?: number) {
  return createWebhookKit({ sources: [distribution, github, hub], maxBodyBytes });
}

describe("POST /webhooks/:path", () => {
  it("answers 202 with counts and hands the events to onEvents (platform manifests pushed by digest too)", async () => {
    const k = kit();
    const res = await k.post("distribution", multiArch, auth);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: 3, ignored: 1 });
    expect(k.deliveries).toEqual([
      {
        source: "registry",
        events: [
          {
            vendor: "distribution",
            registry: "registry.acme.example",
            repository: "apps/web",
            digest: "sha256:a8099506674b6a71757819953346da3b4736e502aca77a491e118913a0138854",
          },
          {
            vendor: "distribution",
            registry: "registry.acme.example",
            repository: "apps/web",
            digest: "sha256:9ef25e9373d2d191b60f0b60816be55c09e494227c4fab9544f391f2dcebb548",
          },
          {
            vendor: "distribution",
            registry: "registry.acme.example",
            repository: "apps/web",
            tag: "1.4.2",
            digest: "sha256:73de7212bf666918f494e2b251b6c6495998b37936977242d56759b419134b23",
          },
        ],
      },
    ]);
    expect(await k.metricLines()).toEqual([
      'headwind_webhook_requests_total{vendor="distribution",source="registry",outcome="accepted"} 1',
      'headwind_webhook_events_total{vendor="distribution"} 3',
    ]);
    expect(k.logs).toMatchObject([
      {
        level: 30,
        source: "registry",
        vendor: "distribution",
        outcome: "accepted",
        status: 202,
        accepted: 3,
        ignored: 1,
      },
    ]);
  });

  it("answers 202 without calling onEvents when every item is ignored", async () => {
    const k = kit();
    const res = await k.post("distribution", rawWebhookFixture("distribution", "pull"), auth);
    expect([res.status, await res.json()]).toEqual([202, { accepted: 0, ignored: 1 }]);
    expect(k.deliveries).toEqual([]);
    expect(k.logs[0]).toMatchObject({ ignoredReasons: ["events[0]: action pull is not a push"] });
  });

  // columns: case | path | body | headers | status | error | outcome
  it.each([
    ["an unknown path", "nope", push, auth, 404, "no such webhook", "not_found"],
    ["a missing token", "distribution", push, {}, 401, "unauthorized", "unauthorized"],
    [
      "a wrong token",
      "distribution",
      push,
      { authorization: "Bearer guess" },
      401,
      "unauthorized",
      "unauthorized",
    ],
    [
      "a text body",
      "distribution",
      push,
      { ...auth, "content-type": "text/plain" },
      415,
      "expected an application/json body",
      "unsupported_media_type",
    ],
    [
      "no content type",
      "distribution",
      new TextEncoder().encode(push),
      { ...auth, "content-type": "" },
      415,
      "expected an application/json body",
      "unsupported_media_type",
    ],
    [
      "malformed JSON",
      "distribution",
      '{"events": [',
      auth,
      400,
      "body is not valid UTF-8 JSON",
      "bad_request",
    ],
    [
      "bytes that are not UTF-8",
      "distribution",
      new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]),
      auth,
      400,
      "body is not valid UTF-8 JSON",
      "bad_request",
    ],
    [
      "the wrong shape",
      "distribution",
      '{"repository":"a"}',
      auth,
      400,
      "missing events array",
      "bad_request",
    ],
    ["an empty body", "distribution", "", auth, 400, "body is not valid UTF-8 JSON", "bad_request"],
  ])("rejects %s", async (_case, path, body, headers, status, error, outcome) => {
    const k = kit();
    const res = await k.post(path, body, headers);
    expect([res.status, await res.json()]).toEqual([status, { error }]);
    expect(k.deliveries).toEqual([]);
    const labels =
      status === 404 ? 'vendor="unknown",source="unknown"' : 'vendor="distribution",source="registry"';
    expect(await k.metricLines()).toEqual([
      `headwind_webhook_requests_total{${labels},outcome="${outcome}"} 1`,
    ]);
    expect(k.logs).toMatchObject([{ level: 40, outcome, status }]);
  });

  it("answers 409 to a replayed delivery id and counts it", async () => {
    const k = kit();
    expect((await k.post("distribution", push, auth)).status).toBe(202);
    const replay = await k.post("distribution", push, auth);
    expect([replay.status, await replay.json()]).toEqual([409, { error: "replayed delivery" }]);
    expect(k.deliveries).toHaveLength(1);
    expect(await k.metricLines()).toContain(
      'headwind_webhook_requests_total{vendor="distribution",source="registry",outcome="replay"} 1',
    );
  });

  it("keeps replay memory per source", async () => {
    const k = createWebhookKit({
      sources: [distribution, { ...distribution, name: "other", path: "other" }],
    });
    expect((await k.post("distribution", push, auth)).status).toBe(202);
    expect((await k.post("other", push, auth)).status).toBe(202);
  });

  it("accepts the same delivery again once the replay window has passed", async () => {
    const k = kit();
    await k.post("distribution", push, auth);
    k.time.now += 60 * 60 * 1000;
    expect((await k.post("distribution", push, auth)).status).toBe(202);
  });

  it("answers 503 when onEvents fails, and accepts the vendor's retry", async () => {
    const k = kit();
    k.downstream.failing = true;
    const res = await k.post("distribution", push, auth);
    expect([res.status, await res.json()]).toEqual([
      503,
      { error: "could not record the events, retry later" },
    ]);
    expect(k.logs[0]).toMatchObject({
      level: 50,
      outcome: "unavailable",
      cause: "ConfigMap write failed: connection refused",
    });
    k.downstream.failing = false;
    expect((await k.post("distribution", push, auth)).status).toBe(202);
    expect(await k.metricLines()).toEqual([
      'headwind_webhook_requests_total{vendor="distribution",source="registry",outcome="unavailable"} 1',
      'headwind_webhook_requests_total{vendor="distribution",source="registry",outcome="accepted"} 1',
      'headwind_webhook_events_total{vendor="distribution"} 1',
    ]);
  });

  describe("body limit", () => {
    const big = JSON.stringify({ events: [], padding: "x".repeat(2048) });

    it("answers 413 from Content-Length before reading", async () => {
      const k = kit(1024);
      const res = await k.post("distribution", big, { ...auth, "content-length": String(big.length) });
      expect([res.status, await res.json()]).toEqual([413, { error: "body larger than 1024 bytes" }]);
      expect(await k.metricLines()).toEqual([
        'headwind_webhook_requests_total{vendor="distribution",source="registry",outcome="too_large"} 1',
      ]);
    });

    it("answers 413 to a streamed body without Content-Length", async () => {
      const k = kit(1024);
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < 4; i++)
            controller.enqueue(new TextEncoder().encode(big.slice(i * 600, (i + 1) * 600)));
          controller.close();
        },
      });
      const res = await k.app.request("/webhooks/distribution", {
        method: "POST",
        body: stream,
        headers: { ...auth, "content-type": "application/json" },
        duplex: "half",
      } as RequestInit);
      expect(res.status).toBe(413);
    });

    it("answers 413 when Content-Length understates the body", async () => {
      const k = kit(1024);
      const res = await k.post("distribution", big, { ...auth, "content-length": "10" });
      expect(res.status).toBe(413);
    });

    it("accepts a body of exactly the limit", async () => {
      const body = JSON.stringify({ events: [], pad: "" });
      const k = kit(body.length);
      expect((await k.post("distribution", body, auth)).status).toBe(202);
    });
  });

  it("verifies GitHub's signature over the raw bytes, whitespace included", async () => {
    const k = kit();
    const raw = rawWebhookFixture("github", "package-published");
    const headers = {
      "x-github-event": "package",
      "x-github-delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958",
      "x-hub-signature-256": `sha256=${hmacHex("sha256", githubSecret, raw)}`,
    };
    expect((await k.post("github", raw, headers)).status).toBe(202);
    const reserialised = JSON.stringify(JSON.parse(raw));
    expect((await k.post("github", reserialised, { ...headers, "x-github-delivery": "other" })).status).toBe(
      401,
    );
  });

  it("refuses GitHub's form-encoded deliveries with 415", async () => {
    const k = kit();
    const body = `payload=${encodeURIComponent('{"action":"published"}')}`;
    const headers = {
      "content-type": "application/x-www-form-urlencoded",
      "x-github-event": "package",
      "x-hub-signature-256": `sha256=${hmacHex("sha256", githubSecret, body)}`,
    };
    expect((await k.post("github", body, headers)).status).toBe(415);
  });

  it("never logs secrets, secret paths or payloads", async () => {
    const k = kit();
    await k.post(`${hubPath}x`, rawWebhookFixture("dockerhub", "push"));
    await k.post(hubPath, rawWebhookFixture("dockerhub", "push"));
    await k.post("distribution", push, { authorization: "Bearer guess" });
    await k.post("github", "{}", { "x-github-event": "package", "x-hub-signature-256": "sha256=00" });
    await k.post("distribution", push, auth);
    const text = k.logText.join("");
    for (const secret of [hubPath, token, githubSecret, "Bearer guess", "acme-ci", "callback_url"]) {
      expect(text).not.toContain(secret);
    }
    expect(k.logs.map((l) => l.outcome)).toEqual([
      "not_found",
      "accepted",
      "unauthorized",
      "unauthorized",
      "accepted",
    ]);
  });

  it("survives JSON nested half a million levels deep", async () => {
    const k = kit();
    const res = await k.post("distribution", `{"events":${"[".repeat(400_000)}${"]".repeat(400_000)}}`, auth);
    expect([res.status, await res.json()]).toEqual([202, { accepted: 0, ignored: 1 }]);
  });

  it("answers only POST", async () => {
    const k = kit();
    expect((await k.app.request("/webhooks/distribution")).status).toBe(404);
  });

  it("refuses a non-positive maxBodyBytes at construction", () => {
    const deps = {
      sources: [],
      onEvents: async () => {},
      clock: () => 0,
      metrics: {} as never,
      logger: {} as never,
    };
    expect(() => createWebhookApp({ ...deps, maxBodyBytes: 0 })).toThrow(RangeError);
  });
});
