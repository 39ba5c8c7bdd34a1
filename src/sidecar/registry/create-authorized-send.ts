/**
 * One registry request through the auth dance: authorize from what the registry taught us, and on
 * a 401 learn its challenge and retry once with fresh authorization (docs/design/registry-protocols.md, Token authentication).
 */
import type { Clock } from "../../core/time/clock.ts";
import { type AuthContext, createRegistryAuthenticator } from "./create-registry-authenticator.ts";
import { createRegistryTransport, type RegistryRequest } from "./create-registry-transport.ts";
import { type RegistryObserver, silentObserver } from "./registry-observer.ts";
import { type RegistryResult, registryError } from "./registry-result.ts";
import { rejectedError } from "./status-error.ts";

export type AuthorizedSend = (
  context: AuthContext,
  request: Omit<RegistryRequest, "registry" | "headers"> & { readonly accept: string },
) => Promise<RegistryResult<Response>>;

export interface AuthorizedSendOptions {
  readonly fetch: typeof globalThis.fetch;
  /** Milliseconds since the epoch. */
  readonly clock: Clock;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly observer?: RegistryObserver;
  readonly maxRetries?: number;
  readonly maxWaitMs?: number;
  /** Per request (every redirect hop and retry), covering the body as it is read. */
  readonly timeoutMs?: number;
  /** Same-origin redirects followed per request (default 3); other origins never. */
  readonly maxRedirects?: number;
  /** Tokens are dropped this long before `expires_in` runs out. */
  readonly tokenMarginMs?: number;
  /** Cap on a token service's answer (default 64 KiB). */
  readonly maxTokenBytes?: number;
  /** Token cache bounds (defaults 1,000 tokens and 4 MiB). */
  readonly tokenCacheEntries?: number;
  readonly tokenCacheBytes?: number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A 401 after fresh authorization is final: the credentials (or their absence) are the problem. */
async function refuseOn401(
  context: AuthContext,
  sent: RegistryResult<Response>,
): Promise<RegistryResult<Response>> {
  if (!sent.ok || sent.value.status !== 401) return sent;
  await sent.value.body?.cancel();
  return rejectedError(context, 401);
}

export function createAuthorizedSend(options: AuthorizedSendOptions): AuthorizedSend {
  const observer = options.observer ?? silentObserver;
  const transport = createRegistryTransport({
    fetch: options.fetch,
    clock: options.clock,
    sleep: options.sleep ?? defaultSleep,
    random: options.random ?? Math.random,
    observer,
    maxRetries: options.maxRetries ?? 3,
    maxWaitMs: options.maxWaitMs ?? 60_000,
    timeoutMs: options.timeoutMs ?? 30_000,
    maxRedirects: options.maxRedirects ?? 3,
  });
  const authenticator = createRegistryAuthenticator({
    transport,
    clock: options.clock,
    observer,
    tokenMarginMs: options.tokenMarginMs ?? 10_000,
    maxTokenBytes: options.maxTokenBytes ?? 64 * 1024,
    tokenCacheEntries: options.tokenCacheEntries ?? 1000,
    tokenCacheBytes: options.tokenCacheBytes ?? 4 * 1024 * 1024,
  });

  return async function send(context, { accept, ...request }) {
    const { registry } = context;
    const headers = (authorization: string | undefined): Record<string, string> =>
      authorization === undefined ? { accept } : { accept, authorization };
    const first = await authenticator.authorize(context);
    if (!first.ok) return first;
    const answered = await transport({ ...request, registry, headers: headers(first.value.header) });
    if (!answered.ok || answered.value.status !== 401) return answered;
    await answered.value.body?.cancel();
    const learned = authenticator.learn(registry, answered.value.headers.get("www-authenticate"));
    if (learned === "unusable") {
      const detail = `${registry} answered 401 without a usable challenge`;
      return { ok: false, error: registryError("unauthorized", registry, detail, 401) };
    }
    // Authorization made just now for this very challenge was refused: asking again cannot help.
    if (first.value.header !== undefined && first.value.fresh && learned === "known") {
      return rejectedError(context, 401);
    }
    const second = await authenticator.authorize(context, { fresh: true });
    if (!second.ok) return second;
    if (second.value.header === undefined) return rejectedError(context, 401);
    return refuseOn401(
      context,
      await transport({ ...request, registry, headers: headers(second.value.header) }),
    );
  };
}
