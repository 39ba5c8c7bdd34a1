/**
 * Polls chart sources into version ConfigMaps (the tag ConfigMap format; versions in OCI tag
 * spelling): one `index.yaml` read per HTTP repository and Secret however many of its charts are
 * followed, conditional on the last read's ETag; one tag listing per OCI chart. Each source's
 * failure is recorded on its own ConfigMap (the releases using it report it) and never stops the
 * others (the `headwind.sh/poll-error` annotation, as for images). When each source was last polled, and the ETags, live in memory only: a new leader reads
 * everything once.
 */

import type { Logger } from "pino";
import { versionToTag } from "../../core/charts/helm-release.ts";
import { isBelievableCreated } from "../../core/tags/tag-times.ts";
import type { Clock } from "../../core/time/clock.ts";
import type { ChartInterest, ChartSource } from "../charts/chart-interest.ts";
import type { HelmIndexFetcher } from "../charts/fetch-helm-index.ts";
import type { ChartScan } from "../charts/scan-helm-index.ts";
import { creationLookupsPerPoll, lookUpCreated, pickCreationLookups } from "../poller/look-up-created.ts";
import { planPoll } from "../poller/plan-poll.ts";
import type { RegistryClient } from "../registry/create-registry-client.ts";
import { splitRepositoryKey } from "../registry/split-repository-key.ts";
import type { TagStore } from "./create-tag-store.ts";
import { readSourceCredentials } from "./read-source-credentials.ts";
import type { SidecarKube } from "./sidecar-kube.ts";

export interface ChartPollerDeps {
  readonly fetchIndex: HelmIndexFetcher;
  readonly client: Pick<RegistryClient, "listTags" | "imageCreated">;
  readonly store: Pick<TagStore, "write" | "recordFailure" | "observedIn">;
  readonly kube: Pick<SidecarKube, "getSecret">;
  /** Milliseconds since the epoch. */
  readonly clock: Clock;
  readonly logger: Logger;
  /** Remembered ETags (one per repository and Secret). */
  readonly maxEtags?: number;
}

export interface ChartPollReport {
  readonly due: number;
  readonly failed: readonly { readonly key: string; readonly message: string }[];
}

export interface ChartPoller {
  poll(interest: readonly ChartInterest[]): Promise<ChartPollReport>;
  /** Forget when sources were polled (leadership lost: a new term reads everything once). */
  reset(): void;
}

type Http = Extract<ChartSource, { kind: "http" }>;
type Oci = Extract<ChartSource, { kind: "oci" }>;

export function createChartPoller(deps: ChartPollerDeps): ChartPoller {
  const { store, logger } = deps;
  const maxEtags = deps.maxEtags ?? 512;
  let lastPolled = new Map<string, number>();
  const etags = new Map<string, { etag: string; charts: ReadonlySet<string> }>();
  const failed: { key: string; message: string }[] = [];

  /** The ConfigMap of a chart source, in the scope of the Secret it is read with. */
  const scopeOf = ({ key, namespace }: ChartInterest) =>
    namespace === undefined ? { repository: key } : { repository: key, namespace };

  async function fail(member: ChartInterest, message: string): Promise<void> {
    failed.push({ key: member.key, message });
    await store.recordFailure(scopeOf(member), message);
  }

  function remember(group: string, etag: string | undefined, charts: ReadonlySet<string>): void {
    etags.delete(group);
    if (etag === undefined) return;
    etags.set(group, { etag, charts });
    for (const oldest of etags.keys()) {
      if (etags.size <= maxEtags) break;
      etags.delete(oldest);
    }
  }

  /** The last ETag, when it covers every chart asked for and each already has its ConfigMap. */
  function etagFor(group: string, members: readonly ChartInterest[], charts: ReadonlySet<string>) {
    const known = etags.get(group);
    if (known === undefined || ![...charts].every((c) => known.charts.has(c))) return undefined;
    return members.every((m) => store.observedIn(scopeOf(m)) !== undefined) ? known.etag : undefined;
  }

  async function writeVersions(member: ChartInterest, scan: ChartScan | undefined): Promise<void> {
    const { chart } = member.source as Http;
    if (scan === undefined || "error" in scan) {
      const why = scan?.error ?? `chart ${chart} is not in the repository's index`;
      return fail(member, `not found: ${why}`);
    }
    const nowSeconds = Math.floor(deps.clock() / 1000);
    const created: Record<string, number> = {};
    for (const { version, created: at } of scan.versions) {
      if (at !== undefined && isBelievableCreated(at, nowSeconds)) created[versionToTag(version)] = at;
    }
    const tags = scan.versions.map((v) => versionToTag(v.version));
    await store.write({ ...scopeOf(member), tags, digests: {}, truncated: false }, created);
  }

  async function pollIndex(
    group: string,
    members: readonly [ChartInterest, ...ChartInterest[]],
  ): Promise<void> {
    const { url, secret } = members[0].source as Http;
    const charts = new Set(members.map((m) => (m.source as Http).chart));
    const credentials = await readSourceCredentials(deps.kube, secret);
    if (!credentials.ok) {
      for (const member of members) await fail(member, credentials.error);
      return;
    }
    const etag = etagFor(group, members, charts);
    const answer = await deps.fetchIndex({ url, charts, credentials: credentials.value, etag });
    if (answer.kind === "unchanged") return;
    remember(group, answer.kind === "read" ? answer.etag : undefined, charts);
    for (const member of members) {
      if (answer.kind === "error") await fail(member, answer.message);
      else await writeVersions(member, answer.charts.get((member.source as Http).chart));
    }
  }

  async function pollOci(member: ChartInterest): Promise<void> {
    const { repository, secret } = member.source as Oci;
    const registry = splitRepositoryKey(repository)?.registry;
    const credentials = await readSourceCredentials(deps.kube, secret, registry);
    if (!credentials.ok) return fail(member, credentials.error);
    const listing = await deps.client.listTags(repository, credentials.value);
    if (!listing.ok) return fail(member, listing.error.message);
    const lookups = member.creationTimes
      ? pickCreationLookups(store.observedIn(scopeOf(member)), listing.value.tags, creationLookupsPerPoll)
      : [];
    const nowSeconds = Math.floor(deps.clock() / 1000);
    const created = await lookUpCreated(deps.client, repository, lookups, nowSeconds, credentials.value);
    await store.write(
      { ...scopeOf(member), tags: listing.value.tags, digests: {}, truncated: !listing.value.complete },
      created,
    );
  }

  async function pollOne(
    group: string,
    members: readonly [ChartInterest, ...ChartInterest[]],
  ): Promise<void> {
    const { source } = members[0];
    try {
      if (source.kind === "http") await pollIndex(group, members);
      else if (source.kind === "oci") await pollOci(members[0]);
      else for (const m of members) await fail(m, `unsupported: ${source.reason}`);
    } catch (error) {
      // A write that failed (the apiserver) is retried at the next interval, like a poll failure.
      const message = error instanceof Error ? error.message : String(error);
      for (const m of members) failed.push({ key: m.key, message: `write: ${message}` });
    }
  }

  /** HTTP charts of one repository and Secret share one index read; everything else stands alone. */
  function groupOf(item: ChartInterest): string {
    const { source } = item;
    if (source.kind !== "http") return item.key;
    return `${source.url}|${source.secret ? `${source.secret.namespace}/${source.secret.name}` : ""}`;
  }

  return {
    async poll(interest) {
      failed.length = 0;
      const startedAt = deps.clock();
      const byKey = new Map(interest.map((item) => [item.key, item]));
      const due = planPoll(
        interest.map((item) => ({
          repository: item.key,
          pollingIntervalSeconds: item.pollingIntervalSeconds,
          uses: [],
        })),
        lastPolled,
        startedAt,
      ).flatMap((item) => byKey.get(item.repository) ?? []);
      const groups = new Map<string, [ChartInterest, ...ChartInterest[]]>();
      for (const item of due) {
        const group = groups.get(groupOf(item));
        if (group === undefined) groups.set(groupOf(item), [item]);
        else group.push(item);
      }
      for (const [group, members] of groups) await pollOne(group, members);
      const polled = new Map(lastPolled);
      for (const item of due) polled.set(item.key, startedAt);
      lastPolled = polled;
      for (const failure of failed) logger.warn(failure, "chart source poll failed");
      return { due: due.length, failed: [...failed] };
    },
    reset() {
      lastPolled = new Map();
    },
  };
}
