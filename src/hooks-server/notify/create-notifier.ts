/**
 * Sends one notification to every configured channel, within the caller's time budget (`signal`)
 * and each channel's own timeout. The generic webhook is signed with a real HMAC-SHA256 over
 * `timestamp + "." + body` (the original sent SHA-256(secret‖body), which no receiver could verify
 * as documented), and retried with exponential backoff when the receiver surely did not take it.
 */

import { createHmac } from "node:crypto";
import type { Clock } from "../../core/time/clock.ts";
import { slackPayload, teamsPayload, webhookPayload } from "./format-notification.ts";
import { DeliveryError, isRetryableDelivery } from "./is-retryable-delivery.ts";
import type { Notification } from "./notification.ts";
import type { NotifyConfig } from "./notify-config.ts";

export interface NotifierDeps {
  readonly config: NotifyConfig;
  readonly fetch: typeof globalThis.fetch;
  readonly clock: Clock;
  /** Rejects when `signal` aborts, so a backoff never outlasts the budget. */
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Resolves with the channels that failed (empty when all were delivered). */
export type Notifier = (notification: Notification, signal?: AbortSignal) => Promise<string[]>;

async function post(
  deps: NotifierDeps,
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
  budget: AbortSignal | undefined,
) {
  const timeout = AbortSignal.timeout(timeoutMs);
  const res = await deps.fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
    signal: budget ? AbortSignal.any([budget, timeout]) : timeout,
  });
  await res.body?.cancel();
  if (!res.ok) throw new DeliveryError(res.status);
}

export function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

async function sendWebhook(deps: NotifierDeps, n: Notification, budget?: AbortSignal): Promise<void> {
  const hook = deps.config.webhook;
  if (hook === undefined) return;
  const now = deps.clock();
  const body = JSON.stringify(webhookPayload(n, now));
  const timestamp = String(Math.floor(now / 1000));
  const headers: Record<string, string> = hook.secret
    ? { "x-headwind-timestamp": timestamp, "x-headwind-signature": signature(hook.secret, timestamp, body) }
    : {};
  for (let attempt = 0; ; attempt++) {
    try {
      return await post(deps, hook.url, body, headers, hook.timeoutMs, budget);
    } catch (error) {
      if (attempt >= hook.maxRetries || !isRetryableDelivery(error)) throw error;
      await deps.sleep(1000 * 2 ** attempt, budget);
    }
  }
}

export function createNotifier(deps: NotifierDeps): Notifier {
  const { slack, teams } = deps.config;
  type Send = (n: Notification, budget?: AbortSignal) => Promise<void>;
  const channels: [string, Send][] = [];
  if (slack) {
    const body = (n: Notification) => JSON.stringify(slackPayload(n, slack.username, slack.iconEmoji));
    channels.push(["slack", (n, budget) => post(deps, slack.url, body(n), {}, 10_000, budget)]);
  }
  if (teams) {
    const body = (n: Notification) => JSON.stringify(teamsPayload(n));
    channels.push(["teams", (n, budget) => post(deps, teams.url, body(n), {}, 10_000, budget)]);
  }
  if (deps.config.webhook) channels.push(["webhook", (n, budget) => sendWebhook(deps, n, budget)]);
  return async (notification, budget) => {
    const results = await Promise.allSettled(channels.map(([, send]) => send(notification, budget)));
    return channels.filter((_, i) => results[i]?.status === "rejected").map(([name]) => name);
  };
}
