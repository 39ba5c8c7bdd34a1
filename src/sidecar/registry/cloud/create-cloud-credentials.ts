/**
 * Cloud credentials for a registry host: which cloud serves it (the host's shape, or the
 * configured override), that cloud's exchange when the cloud is enabled, cached per
 * (provider, account/project, region) — per registry for ACR, whose refresh tokens name one — until
 * shortly before expiry. A failure is an error value for that registry only.
 *
 * A credential is only ever handed out for a host of the cloud that issued it, and marked
 * `sameHostOnly`: the authenticator then refuses to send it to any other host (a token realm
 * elsewhere), so a registry cannot forward it either.
 */

import type { Logger } from "pino";
import type { Clock } from "../../../core/time/clock.ts";
import { type RegistryResult, registryError } from "../registry-result.ts";
import type { RegistryCredentials } from "../select-credentials.ts";
import type { CloudToken, CloudTokenSources } from "./cloud-token.ts";
import type { CloudMetrics } from "./create-cloud-metrics.ts";
import { createExpiringCache, type Expiring } from "./create-expiring-cache.ts";
import { CloudCredentialError, describeCloudError } from "./describe-cloud-error.ts";
import type { CloudSettings } from "./parse-cloud-settings.ts";
import { type CloudTarget, cloudTargetFor } from "./provider-for-host.ts";

/** Undefined when no enabled cloud serves the host: it is a plain registry. */
export type CloudCredentials = (registry: string) => Promise<RegistryResult<RegistryCredentials> | undefined>;

export interface CloudCredentialsDeps {
  readonly settings: CloudSettings;
  readonly sources: CloudTokenSources;
  /** Milliseconds since the epoch. */
  readonly clock: Clock;
  readonly metrics: CloudMetrics;
  readonly logger: Logger;
  /** Refresh this long before expiry (default 5 minutes). */
  readonly marginMs?: number;
  /** A failed exchange answers for its key this long before it is tried again (default 20 s). */
  readonly failureTtlMs?: number;
  /** Bound on cached keys (default 256). */
  readonly maxEntries?: number;
  /** Bound on one exchange, SDK retries included (default 30 s). */
  readonly timeoutMs?: number;
}

function cacheKey(target: CloudTarget, registry: string): string {
  if (target.provider === "aws") return JSON.stringify(["aws", target.account, target.region, target.fips]);
  if (target.provider === "gcp") return JSON.stringify(["gcp"]);
  return JSON.stringify(["azure", target.cloud, registry]);
}

function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

export function createCloudCredentials(deps: CloudCredentialsDeps): CloudCredentials {
  const { settings, sources, metrics, logger } = deps;
  const timeoutMs = deps.timeoutMs ?? 30_000;
  const cache = createExpiringCache<CloudToken>({
    clock: deps.clock,
    marginMs: deps.marginMs ?? 300_000,
    failureTtlMs: deps.failureTtlMs ?? 20_000,
    maxEntries: deps.maxEntries ?? 256,
  });

  function ask(target: CloudTarget, registry: string): Promise<CloudToken> | undefined {
    switch (target.provider) {
      case "aws":
        return sources.aws?.(target, registry);
      case "gcp":
        return sources.gcp?.(target, registry);
      case "azure":
        return sources.azure?.(target, registry);
    }
  }

  async function exchange(target: CloudTarget, registry: string): Promise<Expiring<CloudToken>> {
    const { provider } = target;
    try {
      const pending = ask(target, registry);
      if (pending === undefined) throw new Error(`no ${provider} credential source is set up`);
      const token = await withDeadline(pending, timeoutMs, `the ${provider} credential exchange`);
      if (!Number.isFinite(token.expiresAt))
        throw new CloudCredentialError(`the ${provider} credential exchange gave no usable expiry`);
      metrics.tokenRequests.inc({ provider, result: "ok" });
      const expiresAt = new Date(token.expiresAt).toISOString();
      logger.info({ provider, registry, expiresAt }, "cloud credentials obtained");
      return { value: token, expiresAt: token.expiresAt };
    } catch (error) {
      metrics.tokenRequests.inc({ provider, result: "error" });
      logger.warn(
        { provider, registry, error: describeCloudError(error).detail },
        "cloud credentials failed",
      );
      throw error;
    }
  }

  return async (registry) => {
    const target = cloudTargetFor(registry, settings.overrides);
    if (target === undefined || !settings.enabled.has(target.provider)) return undefined;
    try {
      const token = await cache.get(cacheKey(target, registry), () => exchange(target, registry));
      return { ok: true, value: { username: token.username, password: token.password, sameHostOnly: true } };
    } catch (error) {
      metrics.credentialErrors.inc({ provider: target.provider, registry });
      const { kind, detail } = describeCloudError(error);
      return {
        ok: false,
        error: registryError(kind, registry, `${target.provider} credentials for ${registry}: ${detail}`),
      };
    }
  };
}
