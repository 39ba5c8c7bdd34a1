/**
 * One poll cycle: plan what is due, work out each due repository's credential scopes, poll each
 * scope under a per-registry concurrency limit, hand every successful observation to the writer,
 * and report. The Kubernetes side (which Secrets, which ConfigMap) comes in through
 * `resolveScopes` and `onObserved`. A failing scope (a bad secret, say) fails alone.
 */

import type { ObservedTags } from "../../core/tags/tag-configmap.ts";
import type { Clock } from "../../core/time/clock.ts";
import type { RegistryClient } from "../registry/create-registry-client.ts";
import type { RegistryErrorKind } from "../registry/registry-result.ts";
import { splitRepositoryKey } from "../registry/split-repository-key.ts";
import type { CredentialResolver, CredentialScope } from "./create-credential-resolver.ts";
import { createKeyedLimiter, type KeyedLimiter } from "./create-keyed-limiter.ts";
import type { PollerMetrics } from "./create-poller-metrics.ts";
import { creationLookupsPerPoll, lookUpCreated, pickCreationLookups } from "./look-up-created.ts";
import { mergeInterest, type PollInterest } from "./merge-interest.ts";
import { planPoll } from "./plan-poll.ts";
import { pollRepository } from "./poll-repository.ts";

export interface PollCycleDeps {
  readonly client: RegistryClient;
  /** Per-workload interest; merged here, so duplicates are fine. */
  readonly interest: readonly PollInterest[];
  /** Repository key → epoch ms of its last poll; the cycle returns an updated copy. */
  readonly lastPolled: ReadonlyMap<string, number>;
  readonly clock: Clock;
  readonly resolveScopes: CredentialResolver;
  /**
   * Writes one scope's observation (its tag ConfigMap) with the creation times read for it (epoch
   * seconds by tag); a throw fails that scope only.
   */
  readonly onObserved: (
    observed: ObservedTags,
    scope: CredentialScope,
    created: Readonly<Record<string, number>>,
  ) => Promise<void>;
  /** What a scope's ConfigMap holds now, to tell new tags from known ones. */
  readonly previous?: (repository: string, namespace: string | undefined) => ObservedTags | undefined;
  readonly metrics: PollerMetrics;
  /** Scopes polled at once per registry. */
  readonly concurrencyPerRegistry?: number;
}

export interface PollFailure {
  readonly repository: string;
  /** The credential scope that failed; undefined for the shared one. */
  readonly namespace?: string | undefined;
  readonly kind: RegistryErrorKind | "credentials" | "write";
  readonly message: string;
}

export interface PollCycleReport {
  readonly due: number;
  /** Due repositories whose every scope was polled and written. */
  readonly polled: number;
  readonly failed: readonly PollFailure[];
  readonly tagsSeen: number;
  readonly lastPolled: ReadonlyMap<string, number>;
  /** When this cycle began: the time `lastPolled` records for the repositories it polled. */
  readonly startedAt: number;
}

const defaultConcurrencyPerRegistry = 2;

function messageOf(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

type Outcome = { ok: true; tags: number } | { ok: false; failure: PollFailure };

async function pollScope(deps: PollCycleDeps, item: PollInterest, scope: CredentialScope): Promise<Outcome> {
  const { repository } = item;
  const { namespace } = scope;
  const polled = await pollRepository(
    deps.client,
    { repository, digestTags: scope.digestTags },
    scope.credentials,
  );
  if (!polled.ok) {
    const { kind, message } = polled.error;
    return { ok: false, failure: { repository, namespace, kind, message } };
  }
  deps.metrics.tagsSeen.set({ repository }, polled.value.tags.length);
  const lookups = item.creationTimes
    ? pickCreationLookups(deps.previous?.(repository, namespace), polled.value.tags, creationLookupsPerPoll)
    : [];
  const nowSeconds = Math.floor(deps.clock() / 1000);
  const created = await lookUpCreated(deps.client, repository, lookups, nowSeconds, scope.credentials);
  try {
    await deps.onObserved({ ...polled.value, namespace }, scope, created);
  } catch (cause) {
    return {
      ok: false,
      failure: { repository, namespace, kind: "write", message: `write: ${messageOf(cause)}` },
    };
  }
  return { ok: true, tags: polled.value.tags.length };
}

async function pollOne(deps: PollCycleDeps, item: PollInterest, limit: KeyedLimiter): Promise<Outcome[]> {
  const { repository } = item;
  const registry = splitRepositoryKey(repository)?.registry ?? "unknown";
  const resolution = await deps.resolveScopes(registry, item.uses);
  const unresolved: Outcome[] = resolution.failed.map(({ namespace, message }) => {
    deps.metrics.registryErrors.inc({ registry });
    return { ok: false, failure: { repository, namespace, kind: "credentials", message } };
  });
  const polled = await Promise.all(
    resolution.scopes.map((scope) =>
      limit(registry, async () => {
        const outcome = await pollScope(deps, item, scope);
        if (!outcome.ok && outcome.failure.kind !== "write") deps.metrics.registryErrors.inc({ registry });
        return outcome;
      }),
    ),
  );
  deps.metrics.imagesChecked.inc();
  return [...unresolved, ...polled];
}

/** Drops the tags-seen series of repositories no workload uses any more, so dashboards do not show ghosts. */
async function forgetUnwatched(metrics: PollerMetrics, interest: readonly PollInterest[]): Promise<void> {
  const watched = new Set(mergeInterest(interest).map((item) => item.repository));
  for (const { labels } of (await metrics.tagsSeen.get()).values) {
    if (!watched.has(String(labels.repository))) metrics.tagsSeen.remove(labels);
  }
}

export async function runPollCycle(deps: PollCycleDeps): Promise<PollCycleReport> {
  const startedAt = deps.clock();
  const due = planPoll(deps.interest, deps.lastPolled, startedAt);
  const limit = createKeyedLimiter(deps.concurrencyPerRegistry ?? defaultConcurrencyPerRegistry);
  const outcomes = await Promise.all(due.map((item) => pollOne(deps, item, limit)));
  deps.metrics.cycles.inc();
  await forgetUnwatched(deps.metrics, deps.interest);
  const lastPolled = new Map(deps.lastPolled);
  // Failed repositories count as polled too: they retry after their interval, not every tick.
  for (const item of due) lastPolled.set(item.repository, startedAt);
  const flat = outcomes.flat();
  const failed = flat.flatMap((outcome) => (outcome.ok ? [] : [outcome.failure]));
  const tagsSeen = flat.reduce((sum, outcome) => sum + (outcome.ok ? outcome.tags : 0), 0);
  const polled = outcomes.filter((list) => list.every((outcome) => outcome.ok)).length;
  return { due: due.length, polled, failed, tagsSeen, lastPolled, startedAt };
}
