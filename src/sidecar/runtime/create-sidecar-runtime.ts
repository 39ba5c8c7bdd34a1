/**
 * The sidecar's moving parts, wired but not scheduled (the composition root owns the timers):
 * the interest every replica builds from the workloads it watches (create-workload-view.ts), the
 * poll cycle only the Lease holder runs, the clean-up of ConfigMaps no workload needs (leader only,
 * right after a refresh), webhook ingestion on every replica (hints queued and checked in the
 * background), and readiness.
 *
 * Polling state (when each repository was last polled) lives in memory only: a new leader polls
 * everything once, which is the safe answer after a takeover anyway.
 */

import type { Logger } from "pino";
import type { KubeObject } from "../../core/kube-object.ts";
import { buildPollStatus, maxRepositories, type PollRecord } from "../../core/tags/poll-status.ts";
import { tagConfigMapName } from "../../core/tags/tag-configmap.ts";
import type { Clock } from "../../core/time/clock.ts";
import type { ChartInterest } from "../charts/chart-interest.ts";
import { createCredentialResolver, sharedCredentials } from "../poller/create-credential-resolver.ts";
import { createKeyedLimiter } from "../poller/create-keyed-limiter.ts";
import type { PollerMetrics } from "../poller/create-poller-metrics.ts";
import { type PollCycleReport, type PollFailure, runPollCycle } from "../poller/run-poll-cycle.ts";
import type { CloudCredentials } from "../registry/cloud/create-cloud-credentials.ts";
import type { RegistryClient } from "../registry/create-registry-client.ts";
import { registryError } from "../registry/registry-result.ts";
import { splitRepositoryKey } from "../registry/split-repository-key.ts";
import { buildInterest, type InterestSet } from "./build-interest.ts";
import type { ChartPoller } from "./create-chart-poller.ts";
import type { DockerConfigLoader } from "./create-docker-config-loader.ts";
import { createEventIngest, type OnEvents } from "./create-event-ingest.ts";
import { createHintCheck } from "./create-hint-check.ts";
import { createHintQueue } from "./create-hint-queue.ts";
import type { LeaseElector } from "./create-lease-elector.ts";
import type { SidecarMetrics } from "./create-sidecar-metrics.ts";
import type { TagStore } from "./create-tag-store.ts";
import { sidecarFieldManager } from "./create-tag-store.ts";
import { loadChartInterest } from "./load-chart-interest.ts";
import { serviceAccountKey, serviceAccountOf } from "./service-account-of.ts";
import type { SidecarKube } from "./sidecar-kube.ts";

export interface SidecarRuntimeDeps {
  readonly kube: SidecarKube;
  /** Every opted-in workload, kept current by a watch (WorkloadView); throws until listed. */
  readonly workloads: () => readonly KubeObject[];
  readonly client: RegistryClient;
  readonly store: TagStore;
  readonly elector: Pick<LeaseElector, "isLeader">;
  readonly loadDockerConfigs: DockerConfigLoader;
  readonly namespace: string;
  readonly defaultPollingIntervalSeconds: number;
  /** Names of credential Secrets in `namespace` tried for every registry (HEADWIND_REGISTRY_CREDENTIALS). */
  readonly registryCredentials: readonly string[];
  readonly metrics: { readonly sidecar: SidecarMetrics; readonly poller: PollerMetrics };
  /** Milliseconds since the epoch. */
  readonly clock: Clock;
  readonly logger: Logger;
  /** For the webhook confirmation's one retry of a 404 (see createHintCheck). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Bounds on webhook work; defaults in `defaultHintLimits`. */
  readonly hintLimits?: Partial<HintLimits>;
  /** Workload identity for cloud registries: the shared scope's credentials where no operator secret matches. */
  readonly cloudCredentials?: CloudCredentials;
  /** Flux HelmRelease chart versions; without it, no charts are followed. */
  readonly charts?: ChartPoller;
}

export interface HintLimits {
  /** Distinct (repository, tag) hints taken from one delivery. */
  readonly perDelivery: number;
  /** Hinted tags HEADed one by one per repository; more become one re-list. */
  readonly tagsPerRepository: number;
  /** Repositories waiting for a check. */
  readonly repositories: number;
  /** Checks running at once, across all registries. */
  readonly concurrency: number;
}

export const defaultHintLimits: HintLimits = {
  perDelivery: 100,
  tagsPerRepository: 10,
  repositories: 1000,
  concurrency: 4,
};

export interface SidecarRuntime {
  /** The watched workloads (with their ServiceAccounts and the tag ConfigMaps) into a new interest set. */
  refreshInterest(): Promise<InterestSet>;
  /** One poll cycle when this replica leads; undefined when it does not, or one is running. */
  pollOnce(): Promise<PollCycleReport | undefined>;
  interest(): InterestSet | undefined;
  /** The chart sources the last interest LIST found. */
  chartInterest(): readonly ChartInterest[];
  readonly onEvents: OnEvents;
  /** Resolves once no webhook hint waits or is being checked (tests, shutdown). */
  hintsIdle(): Promise<void>;
  /** Why the sidecar cannot serve yet; empty once the first interest refresh succeeded. */
  notReadyReasons(): string[];
}

function pullSecretNames(account: KubeObject): string[] {
  const list = (account as { imagePullSecrets?: unknown }).imagePullSecrets;
  if (!Array.isArray(list)) return [];
  return list
    .map((entry) => (entry as { name?: unknown } | null)?.name)
    .filter((n): n is string => typeof n === "string");
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Every ConfigMap the interest may need: each repository's shared one and its namespaces' own, and
 * each chart source's, in the scope of the Secret that reads it.
 */
function configMapsInUse(interest: InterestSet, charts: readonly ChartInterest[]): Set<string> {
  const names = new Set<string>();
  for (const [repository, uses] of interest.repositories) {
    names.add(tagConfigMapName(repository));
    for (const use of uses) names.add(tagConfigMapName(repository, use.namespace));
  }
  for (const chart of charts) names.add(tagConfigMapName(chart.key, chart.namespace));
  return names;
}

export function createSidecarRuntime(deps: SidecarRuntimeDeps): SidecarRuntime {
  const { kube, store, elector, logger, metrics } = deps;
  let current: InterestSet | undefined;
  let charts: readonly ChartInterest[] = [];
  let lastInterestError: string | undefined = "the first interest refresh has not run yet";
  let lastPolled = new Map<string, number>();
  /** What `kubectl headwind status` shows: each repository's last poll and its result. */
  let pollRecords = new Map<string, PollRecord>();
  let refreshing: Promise<InterestSet> | undefined;
  let polling = false;
  const limit = createKeyedLimiter(8);
  const resolveScopes = createCredentialResolver({
    loadDockerConfigs: deps.loadDockerConfigs,
    sharedCredentials: sharedCredentials(
      deps.loadDockerConfigs,
      deps.registryCredentials.map((name) => ({ namespace: deps.namespace, name })),
      deps.cloudCredentials,
    ),
  });
  const hintLimits = { ...defaultHintLimits, ...deps.hintLimits };
  const queue = createHintQueue({
    concurrency: hintLimits.concurrency,
    maxRepositories: hintLimits.repositories,
    maxTags: hintLimits.tagsPerRepository,
    run: createHintCheck({
      interest: () => current,
      client: deps.client,
      resolveScopes,
      store,
      metrics: metrics.sidecar,
      logger,
      ...(deps.sleep === undefined ? {} : { sleep: deps.sleep }),
    }),
    onError: (hint, error) =>
      logger.error({ repository: hint.repository, err: messageOf(error) }, "webhook hint check failed"),
    onPending: (waiting) => metrics.sidecar.hintQueue.set(waiting),
  });

  /** One GET per distinct ServiceAccount, a few at a time; a missing one is left out of the map. */
  async function pullSecretsOfServiceAccounts(workloads: readonly KubeObject[]) {
    const accounts = new Map(
      workloads.flatMap((workload) => {
        const ref = serviceAccountOf(workload);
        return ref === undefined ? [] : [[serviceAccountKey(ref), ref] as const];
      }),
    );
    const found = await Promise.all(
      [...accounts].map(([key, ref]) =>
        limit("serviceaccounts", async () => {
          const account = await kube.getServiceAccount(ref.namespace, ref.name);
          return account === undefined ? undefined : ([key, pullSecretNames(account)] as const);
        }),
      ),
    );
    return new Map(found.filter((entry) => entry !== undefined));
  }

  async function refresh(): Promise<InterestSet> {
    try {
      const workloads = deps.workloads();
      await store.reload();
      const interest = buildInterest({
        workloads,
        serviceAccountPullSecrets: await pullSecretsOfServiceAccounts(workloads),
        observed: store.observed(),
        defaultPollingIntervalSeconds: deps.defaultPollingIntervalSeconds,
      });
      charts =
        deps.charts === undefined ? [] : await loadChartInterest(kube, deps.defaultPollingIntervalSeconds);
      current = interest;
      lastInterestError = undefined;
      metrics.sidecar.interestRepositories.set(interest.repositories.size);
      logger.debug(
        {
          workloads: workloads.length,
          repositories: interest.repositories.size,
          polled: interest.poll.length,
        },
        "interest refreshed",
      );
      if (elector.isLeader()) {
        const deleted = await store.prune(configMapsInUse(interest, charts));
        if (deleted.length > 0)
          logger.info({ configMaps: deleted }, "deleted tag ConfigMaps no workload uses");
      }
      return interest;
    } catch (error) {
      // The previous set stays in force: a failed LIST must never look like "no workloads".
      if (current === undefined) lastInterestError = messageOf(error);
      throw error;
    }
  }

  /** Registry calls stop the moment leadership is lost, even inside a running cycle. */
  const leaderOnly: RegistryClient = {
    listTags: (key, credentials) =>
      elector.isLeader() ? deps.client.listTags(key, credentials) : notLeader(key),
    headDigest: (key, tag, credentials) =>
      elector.isLeader() ? deps.client.headDigest(key, tag, credentials) : notLeader(key),
    imageCreated: (key, tag, credentials) =>
      elector.isLeader() ? deps.client.imageCreated(key, tag, credentials) : notLeader(key),
  };

  /** Best effort: the status is for people; a failed write never fails the cycle. */
  async function recordPolls(report: PollCycleReport): Promise<void> {
    if (!elector.isLeader()) return;
    const failed = new Map(report.failed.map((f) => [f.repository, f.message]));
    const watched = new Set(current?.repositories.keys() ?? []);
    const next = new Map([...pollRecords].filter(([repository]) => watched.has(repository)));
    for (const [repository, at] of report.lastPolled) {
      if (at !== report.startedAt) continue;
      const polledAt = new Date(at).toISOString();
      next.set(repository, { repository, polledAt, result: failed.get(repository) ?? "ok" });
    }
    pollRecords = new Map([...next].slice(-maxRepositories));
    try {
      await kube.applyConfigMap(
        buildPollStatus([...pollRecords.values()], deps.namespace),
        sidecarFieldManager,
      );
    } catch (error) {
      logger.warn({ err: error }, "could not record the poll status");
    }
  }

  /** Each failed repository's ConfigMap says why (a write failure has nothing to add: it could not write). */
  async function recordFailures(failures: readonly PollFailure[]): Promise<void> {
    for (const { repository, namespace, kind, message } of failures) {
      if (kind === "write" || !elector.isLeader()) continue;
      const scope = namespace === undefined ? { repository } : { repository, namespace };
      await store.recordFailure(scope, message).catch((error: unknown) => {
        logger.warn(
          { repository, error: messageOf(error) },
          "could not record the poll error on its ConfigMap",
        );
      });
    }
  }

  async function pollOnce(): Promise<PollCycleReport | undefined> {
    if (!elector.isLeader()) {
      lastPolled = new Map();
      deps.charts?.reset();
      pollRecords = new Map();
      return undefined;
    }
    if (current === undefined || polling) return undefined;
    polling = true;
    try {
      const report = await runPollCycle({
        client: leaderOnly,
        interest: current.poll,
        lastPolled,
        clock: deps.clock,
        resolveScopes,
        previous: (repository, namespace) => store.observedIn({ repository, namespace }),
        onObserved: async (observed, scope, created) => {
          if (!elector.isLeader()) throw new Error("no longer the leader: poll result not written");
          await store.write(observed, created);
          if (scope.namespace === undefined) {
            const retired = await store.retire(observed.repository, scope.namespaces);
            if (retired.length > 0)
              logger.info({ configMaps: retired }, "deleted tag ConfigMaps of scopes now read as shared");
          }
        },
        metrics: metrics.poller,
      });
      lastPolled = new Map(report.lastPolled);
      for (const failure of report.failed) logger.warn(failure, "repository poll failed");
      await recordFailures(report.failed);
      if (report.due > 0) await recordPolls(report);
      if (deps.charts !== undefined && elector.isLeader()) await deps.charts.poll(charts);
      if (report.due > 0) logger.debug({ due: report.due, polled: report.polled }, "poll cycle");
      return report;
    } finally {
      polling = false;
    }
  }

  return {
    refreshInterest() {
      refreshing ??= refresh().finally(() => {
        refreshing = undefined;
      });
      return refreshing;
    },
    pollOnce,
    interest: () => current,
    chartInterest: () => charts,
    onEvents: createEventIngest({
      interest: () => current,
      queue,
      metrics: metrics.sidecar,
      logger,
      maxHintsPerDelivery: hintLimits.perDelivery,
    }),
    hintsIdle: () => queue.idle(),
    notReadyReasons: () =>
      current === undefined ? [`interest not known yet: ${lastInterestError ?? "unknown"}`] : [],
  };
}

async function notLeader(key: string) {
  const registry = splitRepositoryKey(key)?.registry ?? "unknown";
  return { ok: false as const, error: registryError("unavailable", registry, "not the leader any more") };
}
