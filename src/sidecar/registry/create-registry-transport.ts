/**
 * One HTTP exchange with a registry, with the politeness rules of docs/design/registry-protocols.md, Politeness: 429 and 5xx are
 * retried a bounded number of times after `Retry-After` (or exponential backoff) plus jitter, and
 * a registry that reports `ratelimit-remaining: 0` is left alone until a request could succeed.
 *
 * Redirects are followed by hand, a few hops and only on the same origin: the registry named in a
 * tenant's image may be the tenant's own, and a redirect to another origin would make the sidecar
 * send requests (and credentials) wherever it points — an internal address included. Nothing in
 * the part of the OCI flow used here (tag lists, manifests, tokens) needs to leave the origin.
 */
import type { Clock } from "../../core/time/clock.ts";
import { parseRateLimit } from "./parse-rate-limit.ts";
import { parseRetryAfter } from "./parse-retry-after.ts";
import type { RegistryObserver, RegistryRequestKind } from "./registry-observer.ts";
import { type RegistryResult, registryError } from "./registry-result.ts";

export interface RegistryTransportOptions {
  readonly fetch: typeof globalThis.fetch;
  readonly clock: Clock;
  readonly sleep: (ms: number) => Promise<void>;
  /** In [0, 1); spreads retries so replicas do not retry in lockstep. */
  readonly random: () => number;
  readonly observer: RegistryObserver;
  /** Retries after the first attempt, for 429, 5xx and network errors. */
  readonly maxRetries: number;
  /** Longest single wait; a registry asking for more fails fast and is paused instead. */
  readonly maxWaitMs: number;
  readonly timeoutMs: number;
  /** Same-origin redirects followed per request. */
  readonly maxRedirects: number;
}

export interface RegistryRequest {
  readonly registry: string;
  readonly kind: RegistryRequestKind;
  readonly url: string;
  readonly method: "GET" | "HEAD";
  readonly headers: Readonly<Record<string, string>>;
}

type Step =
  | { readonly done: RegistryResult<Response> }
  | { readonly waitMs: number; readonly rateLimited: boolean };

export type RegistryTransport = (request: RegistryRequest) => Promise<RegistryResult<Response>>;

const retryableStatuses = new Set([429, 502, 503, 504]);
const redirectStatuses = new Set([301, 302, 303, 307, 308]);
const baseBackoffMs = 500;
/** Without `ratelimit-limit`/window we cannot tell when quota frees; wait this long. */
const defaultQuotaPauseMs = 60_000;

function quotaPauseMs(headers: Headers): number | undefined {
  const limit = parseRateLimit(headers);
  if (limit === undefined || limit.remaining > 0) return undefined;
  // A sliding window frees one request every window/limit seconds (Docker Hub: 21600 s / 100).
  if (limit.limit && limit.windowSeconds) return Math.ceil((limit.windowSeconds / limit.limit) * 1000);
  return defaultQuotaPauseMs;
}

function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const inner = cause.cause instanceof Error ? `: ${cause.cause.message}` : "";
  return `${cause.message}${inner}`;
}

/** Where a redirect points, when it stays on the origin of the request that got it. */
function sameOriginTarget(response: Response, from: string): URL | string {
  const location = response.headers.get("location");
  if (location === null) return "a redirect without a Location";
  let target: URL;
  try {
    target = new URL(location, from);
  } catch {
    return "a redirect without a usable Location";
  }
  if (target.origin !== new URL(from).origin) return `a redirect to another origin (${target.origin})`;
  return target;
}

export function createRegistryTransport(options: RegistryTransportOptions): RegistryTransport {
  const { fetch, clock, sleep, random, observer, maxRetries, maxWaitMs, timeoutMs, maxRedirects } = options;
  const pausedUntil = new Map<string, number>();

  const backoff = (attempt: number) => Math.min(maxWaitMs, baseBackoffMs * 2 ** attempt);
  const withJitter = (ms: number) => ms + Math.round(random() * Math.max(100, ms * 0.2));

  /** Honors a pause left by an earlier answer: waits when short, fails fast when long. */
  async function respectPause(registry: string): Promise<RegistryResult<undefined>> {
    const waitMs = (pausedUntil.get(registry) ?? 0) - clock();
    if (waitMs <= 0) {
      // Only live pauses are kept, so the map holds no more than the registries paused right now.
      pausedUntil.delete(registry);
      return { ok: true, value: undefined };
    }
    if (waitMs > maxWaitMs) {
      const seconds = Math.ceil(waitMs / 1000);
      return {
        ok: false,
        error: registryError("rate-limited", registry, `${registry} is paused for ${seconds}s more`),
      };
    }
    observer.rateLimitWait({ registry, waitMs });
    await sleep(withJitter(waitMs));
    return { ok: true, value: undefined };
  }

  async function hop(request: RegistryRequest, url: string): Promise<Response | Error> {
    try {
      const init: RequestInit = {
        method: request.method,
        headers: request.headers,
        redirect: "manual",
        signal: AbortSignal.timeout(timeoutMs),
      };
      return await fetch(url, init);
    } catch (cause) {
      return cause instanceof Error ? cause : new Error(String(cause));
    }
  }

  /** One attempt: the answer after same-origin redirects, a network error, or a refused redirect. */
  async function attempt(request: RegistryRequest): Promise<Response | Error | RegistryResult<never>> {
    const { registry, kind } = request;
    let url = request.url;
    for (let hops = 0; ; hops++) {
      const outcome = await hop(request, url);
      observer.request({
        registry,
        kind,
        code: outcome instanceof Error ? "network" : String(outcome.status),
      });
      if (outcome instanceof Error || !redirectStatuses.has(outcome.status)) return outcome;
      await outcome.body?.cancel();
      const target =
        hops < maxRedirects ? sameOriginTarget(outcome, url) : `more than ${maxRedirects} redirects`;
      if (typeof target === "string") {
        const detail = `${registry} answered ${new URL(request.url).pathname} with ${target}; not followed`;
        return { ok: false, error: registryError("protocol", registry, detail, outcome.status) };
      }
      url = target.href;
    }
  }

  function giveUp(request: RegistryRequest, outcome: Response | Error, retries: number) {
    const { registry } = request;
    if (outcome instanceof Error) {
      const detail = `cannot reach ${registry} (${describeCause(outcome)})`;
      return { ok: false as const, error: registryError("unavailable", registry, detail) };
    }
    const kind = outcome.status === 429 ? "rate-limited" : "unavailable";
    const detail = `${registry} answered ${outcome.status} ${retries === 0 ? "" : `after ${retries} retries `}to ${request.method} ${new URL(request.url).pathname}`;
    return { ok: false as const, error: registryError(kind, registry, detail.trimEnd(), outcome.status) };
  }

  function retryWaitMs(outcome: Response | Error, retry: number): number {
    const asked =
      outcome instanceof Response ? parseRetryAfter(outcome.headers.get("retry-after"), clock()) : undefined;
    return asked ?? backoff(retry);
  }

  /** Either the final answer, or how long to wait before the next attempt. */
  async function decide(request: RegistryRequest, outcome: Response | Error, retry: number): Promise<Step> {
    if (outcome instanceof Response) {
      const pauseMs = quotaPauseMs(outcome.headers);
      if (pauseMs !== undefined) pausedUntil.set(request.registry, clock() + pauseMs);
      if (!retryableStatuses.has(outcome.status)) return { done: { ok: true, value: outcome } };
      await outcome.body?.cancel();
    }
    const waitMs = retryWaitMs(outcome, retry);
    if (waitMs > maxWaitMs) pausedUntil.set(request.registry, clock() + waitMs);
    if (retry === maxRetries || waitMs > maxWaitMs) return { done: giveUp(request, outcome, retry) };
    return { waitMs, rateLimited: outcome instanceof Response && outcome.status === 429 };
  }

  return async function send(request) {
    const { registry } = request;
    for (let retry = 0; retry <= maxRetries; retry++) {
      const paused = await respectPause(registry);
      if (!paused.ok) return paused;
      const outcome = await attempt(request);
      if (!(outcome instanceof Response || outcome instanceof Error)) return outcome;
      const step = await decide(request, outcome, retry);
      if ("done" in step) return step.done;
      if (step.rateLimited) observer.rateLimitWait({ registry, waitMs: step.waitMs });
      await sleep(withJitter(step.waitMs));
    }
    throw new Error("unreachable: the retry loop always returns");
  };
}
