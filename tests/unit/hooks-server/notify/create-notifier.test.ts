import { createHmac } from "node:crypto";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { createNotifier, signature } from "../../../../src/hooks-server/notify/create-notifier.ts";
import type { Notification } from "../../../../src/hooks-server/notify/notification.ts";
import type { NotifyConfig } from "../../../../src/hooks-server/notify/notify-config.ts";

const now = Date.parse("2026-11-25T12:00:00.000Z");
const created: Notification = {
  event: "update_request_created",
  target: { apiVersion: "apps/v1", kind: "Deployment", name: "web", namespace: "shop" },
  container: "nginx",
  currentImage: "nginx:1.25.3",
  newImage: "nginx:1.27.0",
  policy: "minor",
  updateRequestName: "web-nginx-0b80d67fed",
  requiresApproval: true,
};

/** A receiver for every channel, in-process: answers `failures` times with 500, then 200. */
function receiver(failures = 0) {
  const seen: { path: string; headers: Record<string, string>; body: string }[] = [];
  let left = failures;
  const app = new Hono();
  app.post("*", async (c) => {
    seen.push({
      path: new URL(c.req.url).pathname,
      headers: Object.fromEntries(c.req.raw.headers),
      body: await c.req.text(),
    });
    if (left > 0) {
      left -= 1;
      return c.text("busy", 500);
    }
    return c.text("ok");
  });
  const fetch = ((input: string | URL | Request, init?: RequestInit) =>
    app.request(String(input), init)) as typeof globalThis.fetch;
  return { seen, fetch };
}

function notifier(config: NotifyConfig, failures = 0) {
  const r = receiver(failures);
  const sleeps: number[] = [];
  const notify = createNotifier({
    config,
    fetch: r.fetch,
    clock: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  return { notify, ...r, sleeps };
}

const webhook = { url: "http://hooks.test/headwind", secret: "s3cret", timeoutMs: 1000, maxRetries: 3 };

describe("createNotifier", () => {
  it("posts the original Headwind payload to the generic webhook, signed with a real HMAC", async () => {
    const { notify, seen } = notifier({ webhook });
    expect(await notify(created)).toEqual([]);
    const [request] = seen;
    expect(JSON.parse(request?.body ?? "")).toEqual({
      event: "update_request_created",
      timestamp: "2026-11-25T12:00:00.000Z",
      deployment: {
        name: "web",
        namespace: "shop",
        currentImage: "nginx:1.25.3",
        newImage: "nginx:1.27.0",
        container: "nginx",
        resourceKind: "Deployment",
      },
      policy: "minor",
      requiresApproval: true,
      updateRequestName: "web-nginx-0b80d67fed",
    });
    const timestamp = request?.headers["x-headwind-timestamp"] ?? "";
    expect(timestamp).toBe(String(now / 1000));
    const expected = `sha256=${createHmac("sha256", "s3cret").update(`${timestamp}.${request?.body}`).digest("hex")}`;
    expect(request?.headers["x-headwind-signature"]).toBe(expected);
    expect(signature("s3cret", timestamp, request?.body ?? "")).toBe(expected);
  });

  it("sends no signature without a secret", async () => {
    const { notify, seen } = notifier({ webhook: { ...webhook, secret: undefined } });
    await notify(created);
    expect(seen[0]?.headers["x-headwind-signature"]).toBeUndefined();
  });

  it("retries the webhook with exponential backoff", async () => {
    const { notify, seen, sleeps } = notifier({ webhook }, 2);
    expect(await notify(created)).toEqual([]);
    expect(seen).toHaveLength(3);
    expect(sleeps).toEqual([1000, 2000]);
  });

  it("gives up after WEBHOOK_MAX_RETRIES and names the channel that failed", async () => {
    const { notify, seen } = notifier({ webhook: { ...webhook, maxRetries: 1 } }, 5);
    expect(await notify(created)).toEqual(["webhook"]);
    expect(seen).toHaveLength(2);
  });

  it("formats Slack Block Kit with the kubectl command to approve", async () => {
    const { notify, seen } = notifier({
      slack: { url: "http://slack.test/x", username: "Headwind", iconEmoji: ":sailboat:" },
    });
    await notify(created);
    const body = JSON.parse(seen[0]?.body ?? "");
    expect(body.username).toBe("Headwind");
    expect(body.blocks[0].text.text).toBe("📦 Update request created: Deployment shop/web");
    expect(JSON.stringify(body.blocks)).toContain(
      "kubectl -n shop patch updaterequest web-nginx-0b80d67fed --subresource=status --type=merge",
    );
  });

  it("formats a Teams Adaptive Card with the facts", async () => {
    const { notify, seen } = notifier({ teams: { url: "http://teams.test/x" } });
    await notify({ ...created, event: "update_failed", errorMessage: "pod web-1: CrashLoopBackOff" });
    const card = JSON.parse(seen[0]?.body ?? "").attachments[0];
    expect(card.contentType).toBe("application/vnd.microsoft.card.adaptive");
    expect(card.content.body[0].text).toBe("⚠️ Update failed: Deployment shop/web");
    expect(card.content.body[1].facts).toContainEqual({
      title: "Error",
      value: "pod web-1: CrashLoopBackOff",
    });
  });

  it("delivers to every channel and reports only the failing ones", async () => {
    const r = receiver();
    const failing = (async (input: string | URL | Request, init?: RequestInit) =>
      String(input).includes("slack")
        ? new Response("no", { status: 404 })
        : r.fetch(input, init)) as typeof fetch;
    const notify = createNotifier({
      config: {
        slack: { url: "http://slack.test/x", username: "H", iconEmoji: ":x:" },
        teams: { url: "http://teams.test/x" },
        webhook,
      },
      fetch: failing,
      clock: () => now,
      sleep: async () => {},
    });
    expect(await notify(created)).toEqual(["slack"]);
    expect(r.seen.map((s) => s.path)).toEqual(["/x", "/headwind"]);
  });

  it("never sends again after a timeout: the receiver may have taken it and only be slow to answer", async () => {
    const attempts: string[] = [];
    /** A receiver that takes every request and never answers, as a stalled endpoint does. */
    const stalled = ((url: string | URL | Request, init?: RequestInit) =>
      new Promise((_, reject) => {
        attempts.push(String(url));
        init?.signal?.addEventListener("abort", () => reject(init.signal?.reason));
      })) as typeof fetch;
    const notify = createNotifier({
      config: { webhook: { ...webhook, timeoutMs: 20 } },
      fetch: stalled,
      clock: () => now,
      sleep: async () => {},
    });
    expect(await notify(created)).toEqual(["webhook"]);
    expect(attempts).toHaveLength(1);
  });

  it("stops every channel, backoffs included, when the caller's budget runs out", async () => {
    const slept: (AbortSignal | undefined)[] = [];
    const failing = (async () => new Response("busy", { status: 503 })) as typeof fetch;
    const budget = new AbortController();
    const notify = createNotifier({
      config: { webhook },
      fetch: failing,
      clock: () => now,
      sleep: async (_ms, signal) => {
        slept.push(signal);
        budget.abort();
        signal?.throwIfAborted();
      },
    });
    expect(await notify(created, budget.signal)).toEqual(["webhook"]);
    expect(slept).toEqual([budget.signal]);
  });
});
