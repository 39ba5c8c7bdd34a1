/**
 * `onEvents` for the webhook receiver: a vendor's event is a hint, recorded only once the registry
 * confirms it. Only repositories some workload uses are considered — any other is counted and
 * dropped without a request, so a webhook can never make the sidecar contact a registry no image
 * in the cluster comes from. One `HEAD` of the pushed tag (with that repository's credentials)
 * confirms it: a tag the registry lacks is never recorded, and the digest recorded is the
 * registry's, not the payload's. A 404 is asked once more after `notFoundRetryMs`: distribution
 * queues its push event before it links the tag (seen on the real registry in the cluster tier),
 * so a fast receiver can ask before the tag exists. A registry that cannot be asked makes the delivery fail (503),
 * so the vendor retries it.
 */
import type { Logger } from "pino";
import { chooseCredentials } from "../registry/cloud/choose-credentials.ts";
import type { CloudCredentials } from "../registry/cloud/create-cloud-credentials.ts";
import type { RegistryClient } from "../registry/create-registry-client.ts";
import type { RegistryCredentials } from "../registry/select-credentials.ts";
import { splitRepositoryKey } from "../registry/split-repository-key.ts";
import type { ImageEvent } from "../webhooks/vendors/image-event.ts";
import type { InterestSet } from "./build-interest.ts";
import type { DockerConfigLoader } from "./create-docker-config-loader.ts";
import type { SidecarMetrics } from "./create-sidecar-metrics.ts";
import type { TagStore } from "./create-tag-store.ts";

export interface EventIngestDeps {
  /** The latest interest set; undefined until the first interest LIST succeeded. */
  readonly interest: () => InterestSet | undefined;
  readonly client: Pick<RegistryClient, "headDigest">;
  readonly loadDockerConfigs: DockerConfigLoader;
  readonly store: Pick<TagStore, "merge">;
  readonly metrics: Pick<SidecarMetrics, "ignoredEvents">;
  readonly logger: Logger;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Wait before the second and last HEAD of a tag the registry did not have (default 500 ms). */
  readonly notFoundRetryMs?: number;
  /** Workload identity for cloud registries, used when no pull secret matches. */
  readonly cloudCredentials?: CloudCredentials;
}

export type OnEvents = (events: ImageEvent[], source: string) => Promise<void>;

/** Tags per repository key, in first-seen order. */
function tagsByRepository(events: readonly ImageEvent[], ignore: (reason: "no_tag") => void) {
  const byRepository = new Map<string, Set<string>>();
  for (const event of events) {
    if (event.tag === undefined) {
      ignore("no_tag");
      continue;
    }
    const key = `${event.registry}/${event.repository}`;
    byRepository.set(key, (byRepository.get(key) ?? new Set()).add(event.tag));
  }
  return byRepository;
}

export function createEventIngest(deps: EventIngestDeps): OnEvents {
  const { client, metrics, logger } = deps;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const retryMs = deps.notFoundRetryMs ?? 500;

  async function head(repository: string, tag: string, credentials: RegistryCredentials | undefined) {
    const first = await client.headDigest(repository, tag, credentials);
    if (first.ok || first.error.kind !== "not-found") return first;
    await sleep(retryMs);
    return client.headDigest(repository, tag, credentials);
  }
  const ignore = (reason: "not_in_use" | "no_tag" | "not_in_registry" | "unconfirmed", count = 1) =>
    metrics.ignoredEvents.inc({ reason }, count);

  /** A cloud identity the cloud refuses needs a person, like refused credentials: the vendor's retry cannot help. */
  async function credentialsFor(repository: string, interest: InterestSet) {
    const registry = splitRepositoryKey(repository)?.registry ?? "";
    const configs = await deps.loadDockerConfigs(interest.repositories.get(repository) ?? []);
    const chosen = await chooseCredentials(configs, registry, deps.cloudCredentials);
    if (!chosen.ok && chosen.error.kind !== "unauthorized")
      throw new Error(`could not confirm ${repository}: ${chosen.error.message}`);
    return chosen;
  }

  async function confirm(
    repository: string,
    tags: ReadonlySet<string>,
    source: string,
    interest: InterestSet,
  ) {
    const credentials = await credentialsFor(repository, interest);
    const confirmed = new Map<string, string>();
    if (!credentials.ok) {
      const fields = { source, repository, error: credentials.error.message };
      logger.warn(fields, "could not confirm the webhook's tags: no usable credentials");
      ignore("unconfirmed", tags.size);
      return confirmed;
    }
    for (const tag of tags) {
      const answer = await head(repository, tag, credentials.value);
      if (answer.ok) {
        confirmed.set(tag, answer.value);
        continue;
      }
      const fields = { source, repository, tag, error: answer.error.message };
      if (answer.error.kind === "not-found") {
        logger.warn(fields, "webhook named a tag the registry does not have: not recorded");
        ignore("not_in_registry");
      } else if (answer.error.kind === "unauthorized") {
        // Retrying cannot help until someone fixes the credentials: acknowledge, do not record.
        logger.warn(fields, "could not confirm the webhook's tag: the registry refused our credentials");
        ignore("unconfirmed");
      } else {
        throw new Error(`could not confirm ${repository}:${tag}: ${answer.error.message}`);
      }
    }
    return confirmed;
  }

  return async (events, source) => {
    const interest = deps.interest();
    if (interest === undefined) throw new Error("the interest set is not loaded yet");
    for (const [repository, tags] of tagsByRepository(events, ignore)) {
      if (!interest.repositories.has(repository)) {
        logger.debug({ source, repository }, "webhook for a repository no workload uses: ignored");
        ignore("not_in_use", tags.size);
        continue;
      }
      const confirmed = await confirm(repository, tags, source, interest);
      if (confirmed.size === 0) continue;
      const result = await deps.store.merge(repository, confirmed);
      logger.info({ source, repository, tags: [...confirmed.keys()], result }, "webhook tags recorded");
    }
  };
}
