/**
 * Sends one notification to every configured channel. The generic webhook is signed with a real
 * HMAC-SHA256 over `timestamp + "." + body` (the original sent SHA-256(secret‖body), which no
 * receiver could verify as documented), and retried with exponential backoff.
 */
import { createHmac } from "node:crypto";
import { slackPayload, teamsPayload, webhookPayload } from "./format-notification.ts";
import type { Notification } from "./notification.ts";
import type { NotifyConfig } from "./notify-config.ts";

export interface NotifierDeps {
  readonly config: NotifyConfig;
  readonly fetch: typeof globalThis.fetch;
  readonly clock: () => Date;
  readonly sleep: (ms: number) => Promise<void>;
}

/** Resolves with the channels that failed (empty when all were delivered). */
export type Notifier = (notification: Notification) => Promise<string[]>;

async function post(
  deps: NotifierDeps,
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
) {
  const res = await deps.fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
    signal: AbortSignal.timeout(timeoutMs),
  });
  await res.body?.cancel();
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
}

export function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

async function sendWebhook(deps: NotifierDeps, n: Notification): Promise<void> {
  const hook = deps.config.webhook;
  if (hook === undefined) return;
  const now = deps.clock();
  const body = JSON.stringify(webhookPayload(n, now));
  const timestamp = String(Math.floor(now.getTime() / 1000));
  const headers: Record<string, string> = hook.secret
    ? { "x-headwind-timestamp": timestamp, "x-headwind-signature": signature(hook.secret, timestamp, body) }
    : {};
  for (let attempt = 0; ; attempt++) {
    try {
      return await post(deps, hook.url, body, headers, hook.timeoutMs);
    } catch (error) {
      if (attempt >= hook.maxRetries) throw error;
      await deps.sleep(1000 * 2 ** attempt);
    }
  }
}

export function createNotifier(deps: NotifierDeps): Notifier {
  const { slack, teams } = deps.config;
  const channels: [string, (n: Notification) => Promise<void>][] = [];
  if (slack) {
    const body = (n: Notification) => JSON.stringify(slackPayload(n, slack.username, slack.iconEmoji));
    channels.push(["slack", (n) => post(deps, slack.url, body(n), {}, 10_000)]);
  }
  if (teams)
    channels.push(["teams", (n) => post(deps, teams.url, JSON.stringify(teamsPayload(n)), {}, 10_000)]);
  if (deps.config.webhook) channels.push(["webhook", (n) => sendWebhook(deps, n)]);
  return async (notification) => {
    const results = await Promise.allSettled(channels.map(([, send]) => send(notification)));
    return channels.filter((_, i) => results[i]?.status === "rejected").map(([name]) => name);
  };
}
