/**
 * The sidecar's webhook receiver, a hono sub-app: `POST /webhooks/:path`, one configured source per
 * path. Unknown path 404 → body over the limit 413 → the delivery pipeline
 * (`receiveWebhookDelivery`: 401, 415, 400, 409, then 202 or 503).
 *
 * Events are hints: `onEvents` must confirm each one with a registry HEAD before recording it,
 * since most vendors cannot sign their payloads. Garbage input never yields a 5xx; the only 5xx
 * answers are a failing `onEvents` or an unreachable Google key endpoint — ours to fix, and worth
 * a vendor retry.
 */

import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Logger } from "pino";
import type { Clock } from "../../core/time/clock.ts";
import type { GoogleKeySource } from "./auth/create-google-key-source.ts";
import { createReplayCache } from "./create-replay-cache.ts";
import type { WebhookMetrics } from "./create-webhook-metrics.ts";
import { type DeliveryOutcome, logLevelOf, refuse } from "./delivery-outcome.ts";
import { receiveWebhookDelivery } from "./receive-webhook-delivery.ts";
import type { ImageEvent } from "./vendors/image-event.ts";
import type { WebhookSource } from "./webhook-source.ts";

export interface WebhookAppDeps {
  readonly sources: readonly WebhookSource[];
  /** Receives the events of one delivery; throwing makes the receiver answer 503. */
  /** `overLimit`: entries the parser left unread, past what a delivery may give. */
  readonly onEvents: (events: ImageEvent[], source: string, overLimit: number) => Promise<void>;
  /** Milliseconds since the epoch. */
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: WebhookMetrics;
  /** Default 1 MiB: registry payloads are a few KiB. */
  readonly maxBodyBytes?: number;
  /**
   * Delivery ids are remembered this long (default 1 h), at most this many (default 10 000).
   * A repeated id is answered `duplicateStatus` (default 409). Vendors that retry every non-2xx
   * (distribution, Pub/Sub, EventBridge, Harbor) keep retrying a 409 until the id expires; 202
   * (`{accepted: 0, ignored: 0, duplicate: true}`) acknowledges the duplicate instead.
   */
  readonly replay?: {
    readonly ttlMs?: number;
    readonly maxEntries?: number;
    readonly duplicateStatus?: 409 | 202;
  };
  /** Google's signing keys (`createGoogleKeySource`); required when a source uses `google-oidc`. */
  readonly googleKeys?: GoogleKeySource;
}

interface WebhookEnv {
  Variables: { source: WebhookSource; log: Logger };
}

const mebibyte = 1024 * 1024;

export function createWebhookApp(deps: WebhookAppDeps): Hono<WebhookEnv> {
  const { sources, logger, metrics, maxBodyBytes = mebibyte } = deps;
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes <= 0) {
    throw new RangeError("maxBodyBytes must be a positive integer");
  }
  if (deps.googleKeys === undefined && sources.some((source) => source.auth.type === "google-oidc")) {
    throw new TypeError("a google-oidc source needs deps.googleKeys");
  }
  const byPath = new Map(sources.map((source) => [source.path, source]));
  const replays = createReplayCache({
    clock: deps.clock,
    ttlMs: deps.replay?.ttlMs ?? 60 * 60 * 1000,
    maxEntries: deps.replay?.maxEntries ?? 10_000,
  });
  const tooLarge = refuse("too_large", 413, `body larger than ${maxBodyBytes} bytes`);

  function finish(
    c: Context<WebhookEnv>,
    source: WebhookSource | undefined,
    result: DeliveryOutcome,
  ): Response {
    metrics.requests.inc({
      vendor: source?.vendor ?? "unknown",
      source: source?.name ?? "unknown",
      outcome: result.outcome,
    });
    const log = source === undefined ? logger : c.var.log;
    const fields = { outcome: result.outcome, status: result.status, ...result.log };
    log[logLevelOf(result.outcome)](fields, "webhook delivery");
    return c.json(result.body, result.status);
  }

  const app = new Hono<WebhookEnv>();
  app.post(
    "/webhooks/:path",
    async (c, next) => {
      const source = byPath.get(c.req.param("path"));
      // The path may be the secret itself: it is never logged.
      if (source === undefined) return finish(c, undefined, refuse("not_found", 404, "no such webhook"));
      c.set("source", source);
      c.set("log", logger.child({ source: source.name, vendor: source.vendor }));
      await next();
    },
    bodyLimit({ maxSize: maxBodyBytes, onError: (c) => finish(c, c.var.source, tooLarge) }),
    async (c) => {
      const { source, log } = c.var;
      const raw = await readRaw(c);
      if (raw === undefined) return finish(c, source, refuse("bad_request", 400, "could not read the body"));
      // bodyLimit trusts Content-Length when present; the bytes read are the real measure.
      if (raw.byteLength > maxBodyBytes) return finish(c, source, tooLarge);
      const delivery = { source, raw, headers: c.req.raw.headers, log };
      const duplicateStatus = deps.replay?.duplicateStatus ?? 409;
      return finish(c, source, await receiveWebhookDelivery(delivery, { ...deps, replays, duplicateStatus }));
    },
  );
  return app;
}

/** The body's bytes, read once; undefined when the client went away mid-body. */
async function readRaw(c: Context<WebhookEnv>): Promise<Uint8Array | undefined> {
  try {
    return new Uint8Array(await c.req.arrayBuffer());
  } catch {
    return undefined;
  }
}
