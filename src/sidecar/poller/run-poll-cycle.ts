/**
 * One poll cycle: plan what is due, poll each due repository under a per-registry concurrency
 * limit, hand every successful observation to the writer, and report. The Kubernetes side (which
 * workloads, which Secrets, which ConfigMap) comes in through `loadDockerConfigs` and `onObserved`.
 */

import type { ObservedTags } from "../../core/tags/tag-configmap.ts";
import { chooseCredentials } from "../registry/cloud/choose-credentials.ts";
import type { CloudCredentials } from "../registry/cloud/create-cloud-credentials.ts";
import type { RegistryClient } from "../registry/create-registry-client.ts";
import type { RegistryErrorKind } from "../registry/registry-result.ts";
import { splitRepositoryKey } from "../registry/split-repository-key.ts";
import { createKeyedLimiter } from "./create-keyed-limiter.ts";
import type { PollerMetrics } from "./create-poller-metrics.ts";
import { creationLookupsPerPoll, lookUpCreated, pickCreationLookups } from "./look-up-created.ts";
import { mergeInterest, type PollInterest, type SecretRef } from "./merge-interest.ts";
import { planPoll } from "./plan-poll.ts";
import { pollRepository } from "./poll-repository.ts";

export interface PollCycleDeps {
  readonly client: RegistryClient;
  /** Per-workload interest; merged here, so duplicates are fine. */
  readonly interest: readonly PollInterest[];
  /** Repository key → epoch ms of its last poll; the cycle returns an updated copy. */
  readonly lastPolled: ReadonlyMap<string, number>;
  readonly now: () => number;
  /** The decoded `.dockerconfigjson` documents of these Secrets (missing ones left out). */
  readonly loadDockerConfigs: (refs: readonly SecretRef[]) => Promise<readonly unknown[]>;
  /**
   * Writes the observation (the tag ConfigMap) with the creation times read for it (epoch seconds
   * by tag); a throw fails that repository only.
   */
  readonly onObserved: (observed: ObservedTags, created: Readonly<Record<string, number>>) => Promise<void>;
  /** What the repository's ConfigMap holds now, to tell new tags from known ones. */
  readonly previous?: (repository: string) => ObservedTags | undefined;
  readonly metrics: PollerMetrics;
  /** Repositories polled at once per registry. */
  readonly concurrencyPerRegistry?: number;
  /** Workload identity for cloud registries, used when no pull secret matches. */
  readonly cloudCredentials?: CloudCredentials;
}

export interface PollFailure {
  readonly repository: string;
  readonly kind: RegistryErrorKind | "credentials" | "write";
  readonly message: string;
}

export interface PollCycleReport {
  readonly due: number;
  readonly polled: number;
  readonly failed: readonly PollFailure[];
  readonly tagsSeen: number;
  readonly lastPolled: ReadonlyMap<string, number>;
}

const defaultConcurrencyPerRegistry = 2;

function messageOf(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

type Outcome = { ok: true; tags: number } | { ok: false; failure: PollFailure };

async function pollOne(deps: PollCycleDeps, item: PollInterest, registry: string): Promise<Outcome> {
  const { repository } = item;
  let configs: readonly unknown[];
  try {
    configs = item.credentialsRefs.length === 0 ? [] : await deps.loadDockerConfigs(item.credentialsRefs);
  } catch (cause) {
    return {
      ok: false,
      failure: { repository, kind: "credentials", message: `credentials: ${messageOf(cause)}` },
    };
  }
  const credentials = await chooseCredentials(configs, registry, deps.cloudCredentials);
  if (!credentials.ok)
    return { ok: false, failure: { repository, kind: "credentials", message: credentials.error.message } };
  const polled = await pollRepository(deps.client, item, credentials.value);
  if (!polled.ok)
    return { ok: false, failure: { repository, kind: polled.error.kind, message: polled.error.message } };
  deps.metrics.tagsSeen.set({ repository }, polled.value.tags.length);
  const lookups = item.creationTimes
    ? pickCreationLookups(deps.previous?.(repository), polled.value.tags, creationLookupsPerPoll)
    : [];
  const nowSeconds = Math.floor(deps.now() / 1000);
  const created = await lookUpCreated(deps.client, repository, lookups, nowSeconds, credentials.value);
  try {
    await deps.onObserved(polled.value, created);
  } catch (cause) {
    return { ok: false, failure: { repository, kind: "write", message: `write: ${messageOf(cause)}` } };
  }
  return { ok: true, tags: polled.value.tags.length };
}

/** Drops the tags-seen series of repositories no workload uses any more, so dashboards do not show ghosts. */
async function forgetUnwatched(metrics: PollerMetrics, interest: readonly PollInterest[]): Promise<void> {
  const watched = new Set(mergeInterest(interest).map((item) => item.repository));
  for (const { labels } of (await metrics.tagsSeen.get()).values) {
    if (!watched.has(String(labels.repository))) metrics.tagsSeen.remove(labels);
  }
}

export async function runPollCycle(deps: PollCycleDeps): Promise<PollCycleReport> {
  const startedAt = deps.now();
  const due = planPoll(deps.interest, deps.lastPolled, startedAt);
  const limit = createKeyedLimiter(deps.concurrencyPerRegistry ?? defaultConcurrencyPerRegistry);
  const outcomes = await Promise.all(
    due.map((item) => {
      const registry = splitRepositoryKey(item.repository)?.registry ?? "unknown";
      return limit(registry, async () => {
        const outcome = await pollOne(deps, item, registry);
        deps.metrics.imagesChecked.inc();
        if (!outcome.ok && outcome.failure.kind !== "write") deps.metrics.registryErrors.inc({ registry });
        return outcome;
      });
    }),
  );
  deps.metrics.cycles.inc();
  await forgetUnwatched(deps.metrics, deps.interest);
  const lastPolled = new Map(deps.lastPolled);
  // Failed repositories count as polled too: they retry after their interval, not every tick.
  for (const item of due) lastPolled.set(item.repository, startedAt);
  const failed = outcomes.flatMap((outcome) => (outcome.ok ? [] : [outcome.failure]));
  const tagsSeen = outcomes.reduce((sum, outcome) => sum + (outcome.ok ? outcome.tags : 0), 0);
  return { due: due.length, polled: due.length - failed.length, failed, tagsSeen, lastPolled };
}
