/**
 * The registry auth dance (docs/design/registry-protocols.md, Token authentication): learn a registry's challenge from its first 401, then
 * authorize later requests up front — Basic credentials directly, or a Bearer token fetched from
 * the challenge's realm (with Basic credentials, or anonymously) and cached until shortly before
 * it expires. Token answers are read up to a small cap; learnt challenges and tokens are held in
 * bounded caches, so a registry cannot grow the sidecar's memory by what it answers.
 */

import { LRUCache } from "lru-cache";
import type { Clock } from "../../core/time/clock.ts";
import type { RegistryTransport } from "./create-registry-transport.ts";
import { createTokenCache, type TokenCache, tokenCacheKey } from "./create-token-cache.ts";
import { parseTokenResponse } from "./parse-token-response.ts";
import { type AuthChallenge, parseWwwAuthenticate } from "./parse-www-authenticate.ts";
import { readCappedJson } from "./read-capped-body.ts";
import type { RegistryObserver } from "./registry-observer.ts";
import { type RegistryResult, registryError } from "./registry-result.ts";
import type { RegistryCredentials } from "./select-credentials.ts";

export interface AuthContext {
  readonly registry: string;
  readonly repository: string;
  readonly credentials: RegistryCredentials | undefined;
}

export interface Authorization {
  /** The `Authorization` header value, or undefined to go anonymous. */
  readonly header: string | undefined;
  /** False when the header came from the token cache and may have been revoked since. */
  readonly fresh: boolean;
}

export interface RegistryAuthenticator {
  /** Authorization for a request, from what the registry's last challenge taught us. */
  authorize(context: AuthContext, options?: { fresh?: boolean }): Promise<RegistryResult<Authorization>>;
  /**
   * Reads a 401's challenges: `unusable` when none is (no Bearer realm, no Basic), `known` when it
   * repeats the challenge already answered, `new` otherwise.
   */
  learn(registry: string, wwwAuthenticate: string | null): "new" | "known" | "unusable";
}

export interface RegistryAuthenticatorOptions {
  readonly transport: RegistryTransport;
  readonly clock: Clock;
  readonly tokenMarginMs: number;
  readonly observer: Pick<RegistryObserver, "tokenCache">;
  /** Cap on a token service's answer: real ones are a few KiB. */
  readonly maxTokenBytes: number;
  readonly tokenCacheEntries: number;
  readonly tokenCacheBytes: number;
}

/** Registries whose challenge is remembered; more are re-learnt from a 401 when they come back. */
const maxChallenges = 1000;

function basicHeader({ username, password }: RegistryCredentials): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
}

/** Bearer with a realm wins over Basic: it works for anonymous pulls too. */
function pickChallenge(challenges: readonly AuthChallenge[]): AuthChallenge | undefined {
  return (
    challenges.find((challenge) => challenge.scheme === "bearer" && challenge.params.realm) ??
    challenges.find((challenge) => challenge.scheme === "basic")
  );
}

function tokenUrl(challenge: AuthChallenge, scope: string): URL | undefined {
  try {
    const url = new URL(challenge.params.realm ?? "");
    if (challenge.params.service) url.searchParams.set("service", challenge.params.service);
    url.searchParams.append("scope", scope);
    return url;
  } catch {
    return undefined;
  }
}

async function readToken(
  registry: string,
  url: URL,
  response: Response,
  maxBytes: number,
): Promise<RegistryResult<{ token: string; expiresInSeconds: number }>> {
  if (!response.ok) {
    await response.body?.cancel();
    const detail = `the token service ${url.origin} of ${registry} answered ${response.status}`;
    return { ok: false, error: registryError("unavailable", registry, detail, response.status) };
  }
  const body = await readCappedJson(response, { registry, what: "token answer", maxBytes });
  if (!body.ok) return body;
  const token = parseTokenResponse(body.value);
  if (token !== undefined) return { ok: true, value: token };
  const detail = `the token service ${url.origin} of ${registry} sent no token`;
  return { ok: false, error: registryError("protocol", registry, detail, response.status) };
}

export function createRegistryAuthenticator(options: RegistryAuthenticatorOptions): RegistryAuthenticator {
  const { transport, observer } = options;
  const challenges = new LRUCache<string, AuthChallenge>({ max: maxChallenges });
  const tokens: TokenCache = createTokenCache({
    clock: options.clock,
    marginMs: options.tokenMarginMs,
    maxEntries: options.tokenCacheEntries,
    maxBytes: options.tokenCacheBytes,
  });

  async function fetchToken(
    context: AuthContext,
    url: URL,
  ): Promise<RegistryResult<{ token: string; expiresInSeconds: number }>> {
    const { registry, credentials } = context;
    if (credentials?.sameHostOnly && url.host !== registry) {
      const detail = `${registry} named the token service ${url.origin}; its cloud credentials are only sent to ${registry} itself`;
      return { ok: false, error: registryError("unauthorized", registry, detail) };
    }
    const headers: Record<string, string> = credentials ? { authorization: basicHeader(credentials) } : {};
    const sent = await transport({ registry, kind: "token", url: url.href, method: "GET", headers });
    if (!sent.ok) return sent;
    const response = sent.value;
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel();
      const detail = credentials
        ? `credentials for ${registry} were rejected by its token service ${url.origin}`
        : `the token service ${url.origin} of ${registry} refused anonymous access`;
      return { ok: false, error: registryError("unauthorized", registry, detail, response.status) };
    }
    return readToken(registry, url, response, options.maxTokenBytes);
  }

  async function bearer(
    context: AuthContext,
    challenge: AuthChallenge,
    fresh: boolean,
  ): Promise<RegistryResult<Authorization>> {
    const { registry, repository, credentials } = context;
    // A learned challenge's scope was for the repository that triggered it: reuse it (it may ask for
    // more actions than pull, as ACR does) only when it names ours, else ask for pull on ours.
    const learned = challenge.params.scope;
    const scope = learned?.startsWith(`repository:${repository}:`)
      ? learned
      : `repository:${repository}:pull`;
    const url = tokenUrl(challenge, scope);
    if (url === undefined) {
      return {
        ok: false,
        error: registryError("protocol", registry, `${registry} sent an unusable token realm`),
      };
    }
    const realm = url.origin + url.pathname;
    const key = tokenCacheKey({ registry, realm, scope, credentials });
    const cached = fresh ? undefined : tokens.get(key);
    if (cached !== undefined) return { ok: true, value: { header: `Bearer ${cached}`, fresh: false } };
    const fetched = await fetchToken(context, url);
    if (!fetched.ok) return fetched;
    tokens.set(key, fetched.value.token, fetched.value.expiresInSeconds);
    observer.tokenCache(tokens.size());
    return { ok: true, value: { header: `Bearer ${fetched.value.token}`, fresh: true } };
  }

  return {
    async authorize(context, { fresh = false } = {}) {
      const challenge = challenges.get(context.registry);
      if (challenge === undefined) return { ok: true, value: { header: undefined, fresh: true } };
      if (challenge.scheme === "bearer") return bearer(context, challenge, fresh);
      const header = context.credentials ? basicHeader(context.credentials) : undefined;
      return { ok: true, value: { header, fresh: true } };
    },
    learn(registry, wwwAuthenticate) {
      const challenge = pickChallenge(parseWwwAuthenticate(wwwAuthenticate));
      if (challenge === undefined) return "unusable";
      const known = JSON.stringify(challenges.get(registry)) === JSON.stringify(challenge);
      challenges.set(registry, challenge);
      return known ? "known" : "new";
    },
  };
}
