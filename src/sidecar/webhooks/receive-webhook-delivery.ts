/**
 * One delivery, after routing and the body limit: authenticate the raw bytes (401, or 409 for a
 * stale signed time), check the content type (415), parse (400), refuse a seen delivery id (409),
 * then hand the events to `onEvents` (202, or 503 so the vendor retries).
 */

import type { Logger } from "pino";
import type { Clock } from "../../core/time/clock.ts";
import type { GoogleKeySource } from "./auth/create-google-key-source.ts";
import { type GoogleSigningKey, jwtKeyId } from "./auth/verify-google-oidc.ts";
import { verifyWebhookAuth } from "./auth/verify-webhook-auth.ts";
import type { ReplayCache } from "./create-replay-cache.ts";
import type { WebhookMetrics } from "./create-webhook-metrics.ts";
import { clip, type DeliveryOutcome, refuse } from "./delivery-outcome.ts";
import { isJsonContentType } from "./is-json-content-type.ts";
import type { ImageEvent } from "./vendors/image-event.ts";
import type { ParseResult } from "./vendors/parse-result.ts";
import type { WebhookSource } from "./webhook-source.ts";
import { webhookVendors } from "./webhook-vendors.ts";

export interface Delivery {
  readonly source: WebhookSource;
  readonly raw: Uint8Array;
  readonly headers: Headers;
  readonly log: Logger;
}

export interface DeliveryDeps {
  /** `overLimit`: entries the parser left unread, past what a delivery may give. */
  readonly onEvents: (events: ImageEvent[], source: string, overLimit: number) => Promise<void>;
  readonly clock: Clock;
  readonly metrics: WebhookMetrics;
  readonly replays: ReplayCache;
  readonly duplicateStatus: 409 | 202;
  readonly googleKeys?: GoogleKeySource | undefined;
}

export async function receiveWebhookDelivery(
  delivery: Delivery,
  deps: DeliveryDeps,
): Promise<DeliveryOutcome> {
  const { source, raw, headers, log } = delivery;
  const keys = await googleKeysFor(source, headers, deps.googleKeys);
  if (keys === undefined)
    return refuse("unavailable", 503, "could not fetch Google's signing keys, retry later");
  const auth = await verifyWebhookAuth(source.auth, raw, headers, deps.clock(), keys);
  if (auth.kind === "unauthorized")
    return refuse("unauthorized", 401, "unauthorized", { reason: auth.reason });
  if (auth.kind === "stale") return refuse("replay", 409, "replayed delivery", { reason: auth.reason });
  if (!isJsonContentType(headers.get("content-type"))) {
    return refuse("unsupported_media_type", 415, "expected an application/json body");
  }
  const result = parse(raw, source, headers, log);
  if (result.kind === "error") return refuse("bad_request", 400, result.message);
  return deliver(result, source, deps);
}

async function deliver(
  result: Extract<ParseResult, { kind: "events" }>,
  source: WebhookSource,
  deps: DeliveryDeps,
): Promise<DeliveryOutcome> {
  const key = result.deliveryId === undefined ? undefined : `${source.name}\n${result.deliveryId}`;
  if (key !== undefined && !deps.replays.remember(key))
    return duplicate(result.deliveryId, deps.duplicateStatus);
  const overLimit = result.overLimit ?? 0;
  const counts = {
    accepted: result.events.length,
    ignored: result.ignored.length + result.invalid.length + overLimit,
  };
  const log = {
    ...counts,
    deliveryId: clip(result.deliveryId),
    ignoredReasons: result.ignored.slice(0, 10).map(clip),
    ...(result.invalid.length === 0 ? {} : { invalidReasons: result.invalid.slice(0, 10).map(clip) }),
  };
  if (result.invalid.length > 0) deps.metrics.invalid.inc({ vendor: source.vendor }, result.invalid.length);
  if (result.events.length > 0) {
    try {
      await deps.onEvents([...result.events], source.name, overLimit);
    } catch (error) {
      // Forget the id so the vendor's retry is not taken for a replay.
      if (key !== undefined) deps.replays.forget(key);
      const cause = clip(error instanceof Error ? error.message : String(error));
      return refuse("unavailable", 503, "could not record the events, retry later", { ...log, cause });
    }
    deps.metrics.events.inc({ vendor: source.vendor }, result.events.length);
  }
  return { outcome: "accepted", status: 202, body: counts, log };
}

/** A seen delivery id: refused, or acknowledged without a second `onEvents`. Counted as a replay either way. */
function duplicate(deliveryId: string | undefined, status: 409 | 202): DeliveryOutcome {
  const log = { reason: "replayed delivery", deliveryId: clip(deliveryId) };
  if (status === 409) return refuse("replay", 409, "replayed delivery", log);
  return { outcome: "replay", status, body: { accepted: 0, ignored: 0, duplicate: true }, log };
}

/**
 * Google's keys for a `google-oidc` source (empty otherwise); undefined when they cannot be had.
 * Only a readable token (one with a `kid`) may cause a fetch, so garbage never turns into a 503.
 */
async function googleKeysFor(
  source: WebhookSource,
  headers: Headers,
  googleKeys: GoogleKeySource | undefined,
): Promise<readonly GoogleSigningKey[] | undefined> {
  const kid = jwtKeyId(headers.get("authorization"));
  if (source.auth.type !== "google-oidc" || googleKeys === undefined || kid === undefined) return [];
  try {
    return await googleKeys(kid);
  } catch {
    return undefined;
  }
}

function parse(raw: Uint8Array, source: WebhookSource, headers: Headers, log: Logger): ParseResult {
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(raw));
  } catch {
    return { kind: "error", message: "body is not valid UTF-8 JSON" };
  }
  try {
    return webhookVendors[source.vendor].parse(body, headers, { registry: source.registry });
  } catch (error) {
    // A parser must not throw; if one does, the sender still gets a 4xx and we get a log line.
    log.error({ err: error }, "webhook parser threw");
    return { kind: "error", message: "payload could not be read" };
  }
}
