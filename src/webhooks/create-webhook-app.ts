/**
 * The sidecar's webhook receiver: `POST /webhooks/:path`, one configured source per path.
 * Order of checks: unknown path 404 → body too large 413 → authentication 401 → content type 415
 * → payload 400 → replay 409 → `onEvents` (202, or 503 so the vendor retries).
 *
 * Events are hints: `onEvents` must confirm each one with a registry HEAD before recording it,
 * since most vendors cannot sign their payloads. Garbage input never yields a 5xx; the only 5xx is
 * a failing `onEvents`, which is ours to fix and worth a vendor retry.
 */
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Logger } from "pino";
import type { GoogleKeySource } from "./create-google-key-source.ts";
import { createReplayCache, type ReplayCache } from "./create-replay-cache.ts";
import type { WebhookMetrics, WebhookOutcome } from "./create-webhook-metrics.ts";
import type { ImageEvent } from "./image-event.ts";
import { isJsonContentType } from "./is-json-content-type.ts";
import type { ParseResult } from "./parse-result.ts";
import { type GoogleSigningKey, jwtKeyId } from "./verify-google-oidc.ts";
import { verifyWebhookAuth } from "./verify-webhook-auth.ts";
import type { WebhookSource } from "./webhook-source.ts";
import { webhookVendors } from "./webhook-vendors.ts";

export interface WebhookAppDeps {
  readonly sources: readonly WebhookSource[];
  /** Receives the events of one delivery; throwing makes the receiver answer 503. */
  readonly onEvents: (events: ImageEvent[], source: string) => Promise<void>;
  /** Milliseconds since the epoch. */
  readonly clock: () => number;
  readonly logger: Logger;
  readonly metrics: WebhookMetrics;
  /** Default 1 MiB: registry payloads are a few KiB. */
  readonly maxBodyBytes?: number;
  /** Delivery ids are remembered this long (default 1 h), at most this many (default 10 000). */
  readonly replay?: { readonly ttlMs?: number; readonly maxEntries?: number };
  /** Google's signing keys (`createGoogleKeySource`); required when a source uses `google-oidc`. */
  readonly googleKeys?: GoogleKeySource;
}

interface WebhookEnv {
  Variables: { source: WebhookSource; log: Logger };
}

interface Outcome {
  readonly outcome: WebhookOutcome;
  readonly status: 202 | 400 | 401 | 404 | 409 | 413 | 415 | 503;
  readonly body: Record<string, unknown>;
  /** Extra log fields: reasons and counts, never secrets or payloads. */
  readonly log?: Record<string, unknown>;
}

const mebibyte = 1024 * 1024;

export function createWebhookApp(deps: WebhookAppDeps): Hono<WebhookEnv> {
  const { sources, logger, metrics, maxBodyBytes = mebibyte } = deps;
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes <= 0)
    throw new RangeError("maxBodyBytes must be a positive integer");
  if (deps.googleKeys === undefined && sources.some((source) => source.auth.type === "google-oidc")) {
    throw new TypeError("a google-oidc source needs deps.googleKeys");
  }
  const byPath = new Map(sources.map((source) => [source.path, source]));
  const replays = createReplayCache({
    clock: deps.clock,
    ttlMs: deps.replay?.ttlMs ?? 60 * 60 * 1000,
    maxEntries: deps.replay?.maxEntries ?? 10_000,
  });

  function finish(c: Context<WebhookEnv>, source: WebhookSource | undefined, result: Outcome): Response {
    const labels = {
      vendor: source?.vendor ?? "unknown",
      source: source?.name ?? "unknown",
      outcome: result.outcome,
    };
    metrics.requests.inc(labels);
    const log = source === undefined ? logger : c.var.log;
    const level =
      result.outcome === "accepted" ? "info" : result.outcome === "unavailable" ? "error" : "warn";
    log[level]({ outcome: result.outcome, status: result.status, ...result.log }, "webhook delivery");
    return c.json(result.body, result.status);
  }

  const app = new Hono<WebhookEnv>();
  app.post(
    "/webhooks/:path",
    async (c, next) => {
      const source = byPath.get(c.req.param("path"));
      // The path may be the secret itself: it is never logged.
      if (source === undefined) return finish(c, undefined, reject("not_found", 404, "no such webhook"));
      c.set("source", source);
      c.set("log", logger.child({ source: source.name, vendor: source.vendor }));
      await next();
    },
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: (c) =>
        finish(c, c.var.source, reject("too_large", 413, `body larger than ${maxBodyBytes} bytes`)),
    }),
    async (c) => finish(c, c.var.source, await receive(c, { ...deps, maxBodyBytes }, replays)),
  );
  return app;
}

function reject(
  outcome: WebhookOutcome,
  status: Outcome["status"],
  error: string,
  log?: Record<string, unknown>,
): Outcome {
  return { outcome, status, body: { error }, log: { reason: error, ...log } };
}

async function receive(
  c: Context<WebhookEnv>,
  deps: WebhookAppDeps & { maxBodyBytes: number },
  replays: ReplayCache,
): Promise<Outcome> {
  const source = c.var.source;
  const headers = c.req.raw.headers;
  const raw = await readRaw(c);
  if (raw === undefined) return reject("bad_request", 400, "could not read the body");
  // bodyLimit trusts Content-Length when present; the bytes read are the real measure.
  if (raw.byteLength > deps.maxBodyBytes)
    return reject("too_large", 413, `body larger than ${deps.maxBodyBytes} bytes`);
  const keys = await googleKeysFor(source, headers, deps.googleKeys);
  if (keys === undefined)
    return reject("unavailable", 503, "could not fetch Google's signing keys, retry later");
  const auth = verifyWebhookAuth(source.auth, raw, headers, deps.clock(), keys);
  if (auth.kind === "unauthorized")
    return reject("unauthorized", 401, "unauthorized", { reason: auth.reason });
  if (auth.kind === "stale") return reject("replay", 409, "replayed delivery", { reason: auth.reason });
  if (!isJsonContentType(headers.get("content-type"))) {
    return reject("unsupported_media_type", 415, "expected an application/json body");
  }
  const result = parse(raw, source, headers, c.var.log);
  if (result.kind === "error") return reject("bad_request", 400, result.message);
  return deliver(result, source, deps, replays);
}

async function deliver(
  result: Extract<ParseResult, { kind: "events" }>,
  source: WebhookSource,
  deps: WebhookAppDeps,
  replays: ReplayCache,
): Promise<Outcome> {
  const key = result.deliveryId === undefined ? undefined : `${source.name}\n${result.deliveryId}`;
  if (key !== undefined && !replays.remember(key)) {
    return reject("replay", 409, "replayed delivery", { deliveryId: clip(result.deliveryId) });
  }
  const counts = { accepted: result.events.length, ignored: result.ignored.length };
  const log = {
    ...counts,
    deliveryId: clip(result.deliveryId),
    ignoredReasons: result.ignored.slice(0, 10).map(clip),
  };
  if (result.events.length > 0) {
    try {
      await deps.onEvents([...result.events], source.name);
    } catch (error) {
      // Forget the id so the vendor's retry is not taken for a replay.
      if (key !== undefined) replays.forget(key);
      const message = error instanceof Error ? error.message : String(error);
      return reject("unavailable", 503, "could not record the events, retry later", {
        ...log,
        cause: clip(message),
      });
    }
    deps.metrics.events.inc({ vendor: source.vendor }, result.events.length);
  }
  return { outcome: "accepted", status: 202, body: counts, log };
}

/** The key set for a `google-oidc` source (empty for other sources); undefined when it cannot be had. */
async function googleKeysFor(
  source: WebhookSource,
  headers: Headers,
  googleKeys: GoogleKeySource | undefined,
): Promise<readonly GoogleSigningKey[] | undefined> {
  if (source.auth.type !== "google-oidc" || googleKeys === undefined) return [];
  try {
    return await googleKeys(jwtKeyId(headers.get("authorization")));
  } catch {
    return undefined;
  }
}

async function readRaw(c: Context<WebhookEnv>): Promise<Uint8Array | undefined> {
  try {
    return new Uint8Array(await c.req.arrayBuffer());
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

function clip(text: string | undefined): string | undefined {
  return text === undefined || text.length <= 200 ? text : `${text.slice(0, 200)}…`;
}
