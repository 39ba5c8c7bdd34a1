/**
 * Checks one repository's webhook hints against the registry, in every credential scope that
 * uses it: a hint is only recorded once the registry confirms it, with that scope's credentials,
 * into that scope's ConfigMap. Tags are confirmed by one `HEAD` each (the digest recorded is the
 * registry's, not the payload's); a re-list (digest-only push, or too many tags hinted) lists the
 * repository and HEADs the digest tags its workloads follow, like a poll of that one repository.
 *
 * A 404 is asked once more after `notFoundRetryMs`: distribution queues its push event before it
 * links the tag (seen on the real registry in the cluster tier), so a fast receiver can ask before
 * the tag exists. The delivery was answered before this runs; what cannot be confirmed is counted
 * and logged, and the next poll (or push) brings it.
 */
import type { Logger } from "pino";
import type { CredentialResolver, CredentialScope } from "../poller/create-credential-resolver.ts";
import { pollRepository } from "../poller/poll-repository.ts";
import type { RegistryClient } from "../registry/create-registry-client.ts";
import { splitRepositoryKey } from "../registry/split-repository-key.ts";
import type { InterestSet } from "./build-interest.ts";
import type { Hint } from "./create-hint-queue.ts";
import type { IgnoredEventReason, SidecarMetrics } from "./create-sidecar-metrics.ts";
import type { TagStore, TagUpdate } from "./create-tag-store.ts";

export interface HintCheckDeps {
  /** The latest interest set: hints for a repository no longer in use are dropped unasked. */
  readonly interest: () => InterestSet | undefined;
  readonly client: RegistryClient;
  readonly resolveScopes: CredentialResolver;
  readonly store: Pick<TagStore, "merge">;
  readonly metrics: Pick<SidecarMetrics, "ignoredEvents">;
  readonly logger: Logger;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Wait before the second and last HEAD of a tag the registry did not have (default 500 ms). */
  readonly notFoundRetryMs?: number;
}

export type HintCheck = (hint: Hint) => Promise<void>;

export function createHintCheck(deps: HintCheckDeps): HintCheck {
  const { client, metrics, logger } = deps;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const retryMs = deps.notFoundRetryMs ?? 500;
  const ignore = (reason: IgnoredEventReason, count = 1) => metrics.ignoredEvents.inc({ reason }, count);

  async function head(repository: string, tag: string, scope: CredentialScope) {
    const first = await client.headDigest(repository, tag, scope.credentials);
    if (first.ok || first.error.kind !== "not-found") return first;
    await sleep(retryMs);
    return client.headDigest(repository, tag, scope.credentials);
  }

  /** Tag → the registry's digest, for the tags it has; the rest are counted and logged. */
  async function confirm(repository: string, tags: Iterable<string>, scope: CredentialScope) {
    const confirmed = new Map<string, string>();
    for (const tag of tags) {
      const answer = await head(repository, tag, scope);
      if (answer.ok) {
        confirmed.set(tag, answer.value);
        continue;
      }
      const fields = { repository, tag, namespace: scope.namespace, error: answer.error.message };
      if (answer.error.kind === "not-found") {
        logger.warn(fields, "webhook named a tag the registry does not have: not recorded");
        ignore("not_in_registry");
      } else {
        logger.warn(fields, "could not confirm the webhook's tag: not recorded");
        ignore("unconfirmed");
      }
    }
    return confirmed;
  }

  /** A listing like a poll's, plus the hinted tags it does not show yet (linked after the event). */
  async function relist(hint: Hint, scope: CredentialScope): Promise<TagUpdate | undefined> {
    const { repository } = hint;
    const polled = await pollRepository(
      client,
      { repository, digestTags: scope.digestTags },
      scope.credentials,
    );
    if (!polled.ok) {
      const fields = { repository, namespace: scope.namespace, error: polled.error.message };
      logger.warn(fields, "could not list the repository a webhook named: not recorded");
      ignore("unconfirmed");
      return undefined;
    }
    const listed = new Set(polled.value.tags);
    const late = await confirm(
      repository,
      [...hint.tags].filter((tag) => !listed.has(tag)),
      scope,
    );
    return {
      tags: [...polled.value.tags, ...late.keys()],
      digests: { ...polled.value.digests, ...Object.fromEntries(late) },
      truncated: polled.value.truncated,
    };
  }

  async function checkScope(hint: Hint, scope: CredentialScope): Promise<void> {
    const { repository } = hint;
    let update: TagUpdate | undefined;
    if (hint.relist) update = await relist(hint, scope);
    else {
      const confirmed = await confirm(repository, hint.tags, scope);
      update = { tags: [...confirmed.keys()], digests: Object.fromEntries(confirmed) };
    }
    if (update === undefined || update.tags.length === 0) return;
    const result = await deps.store.merge({ repository, namespace: scope.namespace }, update);
    const fields = { repository, namespace: scope.namespace, relist: hint.relist, tags: update.tags.length };
    logger.info({ ...fields, result }, "webhook hint recorded");
  }

  return async (hint) => {
    const uses = deps.interest()?.repositories.get(hint.repository);
    if (uses === undefined) {
      ignore("not_in_use", Math.max(1, hint.tags.size));
      return;
    }
    const registry = splitRepositoryKey(hint.repository)?.registry ?? "";
    const resolution = await deps.resolveScopes(registry, uses);
    for (const failure of resolution.failed) {
      logger.warn({ repository: hint.repository, ...failure }, "webhook hint not checked for this scope");
      ignore("unconfirmed", Math.max(1, hint.tags.size));
    }
    // One scope after another: the queue's concurrency then bounds the requests in flight.
    for (const scope of resolution.scopes) await checkScope(hint, scope);
  };
}
