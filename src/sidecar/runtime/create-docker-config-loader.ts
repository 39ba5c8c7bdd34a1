/**
 * Loads the credential documents of pull Secrets for the poller and the webhook confirmations.
 * A Secret that does not exist (404) or that the sidecar may not read (403: no
 * headwind-sidecar-pull-secrets binding in that namespace) is left out, so the registry is asked
 * anonymously and answers with a clear "unauthorized"; any other failure throws. Answers are kept
 * for `ttlMs`, so a cycle over many repositories sharing one Secret GETs it once.
 */

import type { Logger } from "pino";
import type { Clock } from "../../core/time/clock.ts";
import { kubeStatus } from "../../kube/kube-api-error.ts";
import type { SecretRef } from "../poller/merge-interest.ts";
import { readDockerConfig } from "./read-docker-config.ts";
import type { SidecarKube } from "./sidecar-kube.ts";

export interface DockerConfigLoaderDeps {
  readonly kube: Pick<SidecarKube, "getSecret">;
  readonly logger: Logger;
  /** Milliseconds since the epoch. */
  readonly clock: Clock;
  readonly ttlMs?: number;
}

export type DockerConfigLoader = (refs: readonly SecretRef[]) => Promise<readonly unknown[]>;

export function createDockerConfigLoader(deps: DockerConfigLoaderDeps): DockerConfigLoader {
  const ttlMs = deps.ttlMs ?? 60_000;
  const cache = new Map<string, { value: unknown; at: number }>();

  async function load(ref: SecretRef): Promise<unknown> {
    const key = `${ref.namespace}/${ref.name}`;
    const hit = cache.get(key);
    if (hit !== undefined && deps.clock() - hit.at < ttlMs) return hit.value;
    let value: unknown;
    try {
      const secret = await deps.kube.getSecret(ref.namespace, ref.name);
      value = secret === undefined ? undefined : readDockerConfig(secret);
      if (secret !== undefined && value === undefined)
        deps.logger.warn({ secret: key }, "pull secret holds no readable docker config");
    } catch (error) {
      if (kubeStatus(error) !== 403) throw error;
      deps.logger.warn(
        { secret: key },
        "may not read this pull secret: bind headwind-sidecar-pull-secrets in its namespace",
      );
    }
    cache.set(key, { value, at: deps.clock() });
    return value;
  }

  return async (refs) => {
    const values = await Promise.all(refs.map(load));
    return values.filter((value) => value !== undefined);
  };
}
