/**
 * `onEvents` for the webhook receiver: a vendor's event is a hint, recorded only once the registry
 * confirms it. Only repositories some workload uses are considered — any other is counted and
 * dropped without a request, so a webhook can never make the sidecar contact a registry no image
 * in the cluster comes from. One `HEAD` of the pushed tag (with that repository's credentials)
 * confirms it: a tag the registry lacks is never recorded, and the digest recorded is the
 * registry's, not the payload's. A registry that cannot be asked makes the delivery fail (503),
 * so the vendor retries it.
 */
import type { Logger } from "pino";
import type { RegistryClient } from "../registry/create-registry-client.ts";
import { selectCredentials } from "../registry/select-credentials.ts";
import type { ImageEvent } from "../webhooks/image-event.ts";
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
  const ignore = (reason: "not_in_use" | "no_tag" | "not_in_registry" | "unconfirmed", count = 1) =>
    metrics.ignoredEvents.inc({ reason }, count);

  async function confirm(
    repository: string,
    tags: ReadonlySet<string>,
    source: string,
    interest: InterestSet,
  ) {
    const registry = repository.slice(0, repository.indexOf("/"));
    const configs = await deps.loadDockerConfigs(interest.repositories.get(repository) ?? []);
    const credentials = selectCredentials(configs, registry);
    const confirmed = new Map<string, string>();
    for (const tag of tags) {
      const head = await client.headDigest(repository, tag, credentials);
      if (head.ok) {
        confirmed.set(tag, head.value);
        continue;
      }
      const fields = { source, repository, tag, error: head.error.message };
      if (head.error.kind === "not-found") {
        logger.warn(fields, "webhook named a tag the registry does not have: not recorded");
        ignore("not_in_registry");
      } else if (head.error.kind === "unauthorized") {
        // Retrying cannot help until someone fixes the credentials: acknowledge, do not record.
        logger.warn(fields, "could not confirm the webhook's tag: the registry refused our credentials");
        ignore("unconfirmed");
      } else {
        throw new Error(`could not confirm ${repository}:${tag}: ${head.error.message}`);
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
