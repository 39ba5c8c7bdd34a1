/**
 * The tag ConfigMaps in the headwind namespace, one per repository and credential scope, written
 * by server-side apply (field manager `headwind-sidecar`, forced) and only when the content
 * changed: a cache built from a LIST of the labelled ConfigMaps (refreshed with every interest
 * LIST, and by every write's answer) says what is there, so an unchanged poll costs no API call.
 *
 * Poll results replace a ConfigMap's content (the listing is the registry's whole truth). Webhook
 * results are merged into the live object instead — GET, merge, apply conditional on the
 * resourceVersion read, again on a conflict — because any replica may be writing the same one.
 * A failed poll leaves the tags alone and says why in the `headwind.sh/poll-error` annotation
 * (creating an empty ConfigMap for a repository never polled successfully); the next successful
 * poll removes it. Either way the tag times (min-image-age) are carried forward from what was
 * there, so a restart or a new leader never makes an old tag look new.
 */

import type { Logger } from "pino";
import { annotations } from "../../core/metadata-keys.ts";
import {
  buildTagConfigMap,
  type ObservedTags,
  parseTagConfigMap,
  type TagConfigMap,
  tagConfigMapName,
  tagsLabel,
} from "../../core/tags/tag-configmap.ts";
import { advanceTagTimes } from "../../core/tags/tag-times.ts";
import type { Clock } from "../../core/time/clock.ts";
import { kubeStatus } from "../../kube/kube-api-error.ts";
import { listAllPages } from "../../kube/list-pages.ts";
import type { SidecarMetrics } from "./create-sidecar-metrics.ts";
import type { ConfigMapObject, SidecarKube } from "./sidecar-kube.ts";

export const sidecarFieldManager = "headwind-sidecar";

export type WriteResult = "applied" | "unchanged";

/** Which ConfigMap: a repository in one credential scope (no namespace: the shared scope). */
export type TagScope = Pick<ObservedTags, "repository" | "namespace">;

/** What a webhook learnt about a scope: tags to add and digests to record (tag → digest). */
export interface TagUpdate {
  readonly tags: readonly string[];
  readonly digests: Readonly<Record<string, string>>;
  /** The listing behind it was cut short. */
  readonly truncated?: boolean;
}

export interface TagStore {
  /** LISTs the labelled ConfigMaps and replaces the cache with what is there. */
  reload(): Promise<void>;
  /** What each cached ConfigMap holds, every scope (unreadable ones left out). */
  observed(): readonly ObservedTags[];
  /** What the cached ConfigMap of one scope holds, if it is there and readable. */
  observedIn(scope: TagScope): ObservedTags | undefined;
  /**
   * Writes a poll result unless the cached ConfigMap already holds exactly this; `created` are
   * registry creation times learnt with it (epoch seconds by tag).
   */
  write(observed: ObservedTags, created?: Readonly<Record<string, number>>): Promise<WriteResult>;
  /** Adds what a webhook confirmed to the live ConfigMap of the scope, creating it when missing. */
  merge(scope: TagScope, update: TagUpdate): Promise<WriteResult>;
  /** Records why a poll failed on the scope's ConfigMap, keeping its tags. */
  recordFailure(scope: TagScope, message: string): Promise<WriteResult>;
  /** Deletes the cached ConfigMaps whose names are not in `inUse`; answers the names deleted. */
  prune(inUse: ReadonlySet<string>): Promise<string[]>;
  /**
   * Deletes a repository's ConfigMaps of these namespaces' own scopes, if any are cached: they no
   * longer read it with their own credentials, so what those read is stale and must not win over
   * the shared scope. Answers the names deleted.
   */
  retire(repository: string, namespaces: readonly string[]): Promise<string[]>;
}

export interface TagStoreDeps {
  readonly kube: SidecarKube;
  readonly namespace: string;
  readonly metrics: Pick<SidecarMetrics, "configMapWrites">;
  readonly logger: Logger;
  /** Milliseconds since the epoch: when a tag was first seen. */
  readonly clock: Clock;
  /** Conditional applies tried per webhook merge before giving up (the delivery then gets a 503). */
  readonly mergeAttempts?: number;
}

const pollErrorAnnotation = annotations.pollError;

function sameStrings(a: Readonly<Record<string, string>> | undefined, b: Readonly<Record<string, string>>) {
  const left = Object.entries(a ?? {});
  return left.length === Object.keys(b).length && left.every(([key, value]) => b[key] === value);
}

/**
 * Ours matches when the data is identical, our labels and annotations are there (others may add
 * theirs) and the poll error is the one we mean to show, or none.
 */
function holds(live: ConfigMapObject | undefined, desired: TagConfigMap): boolean {
  if (live === undefined || !sameStrings(live.data, desired.data)) return false;
  if (live.metadata.annotations?.[pollErrorAnnotation] !== desired.metadata.annotations[pollErrorAnnotation])
    return false;
  const has = (mine: Record<string, string>, theirs: Record<string, string> | undefined) =>
    Object.entries(mine).every(([key, value]) => theirs?.[key] === value);
  return (
    has(desired.metadata.labels, live.metadata.labels) &&
    has(desired.metadata.annotations, live.metadata.annotations)
  );
}

/** Error text from registries and cloud SDKs, made one bounded line for an annotation. */
const maxPollErrorLength = 1024;

function desiredOf(observed: ObservedTags, namespace: string, pollError?: string): TagConfigMap {
  const desired = buildTagConfigMap(observed, namespace);
  // A listing cut short (maxPages) is as incomplete as one cut for size: readers are told.
  if (observed.truncated) desired.data.truncated = "true";
  if (pollError !== undefined)
    desired.metadata.annotations[pollErrorAnnotation] = pollError
      .replace(/\s+/g, " ")
      .slice(0, maxPollErrorLength);
  return desired;
}

function observedOf(live: ConfigMapObject | undefined): ObservedTags | undefined {
  const parsed = live === undefined ? undefined : parseTagConfigMap(live);
  return parsed?.ok ? parsed.value : undefined;
}

export function createTagStore(deps: TagStoreDeps): TagStore {
  const { kube, namespace, metrics } = deps;
  const attempts = deps.mergeAttempts ?? 3;
  let cache = new Map<string, ConfigMapObject>();
  const nowSeconds = () => Math.floor(deps.clock() / 1000);

  async function apply(desired: TagConfigMap, resourceVersion?: string): Promise<ConfigMapObject> {
    const body =
      resourceVersion === undefined
        ? desired
        : { ...desired, metadata: { ...desired.metadata, resourceVersion } };
    try {
      const applied = await kube.applyConfigMap(body, sidecarFieldManager);
      cache.set(applied.metadata.name, applied);
      metrics.configMapWrites.inc({ result: "applied" });
      return applied;
    } catch (error) {
      metrics.configMapWrites.inc({ result: kubeStatus(error) === 409 ? "conflict" : "error" });
      throw error;
    }
  }

  async function mergeOnce(scope: TagScope, update: TagUpdate) {
    const name = tagConfigMapName(scope.repository, scope.namespace);
    const live = await kube.getConfigMap(namespace, name);
    const before = observedOf(live);
    const tags = [...new Set([...(before?.tags ?? []), ...update.tags])];
    const observed: ObservedTags = {
      repository: scope.repository,
      ...(scope.namespace === undefined ? {} : { namespace: scope.namespace }),
      tags,
      digests: { ...before?.digests, ...update.digests },
      truncated: (before?.truncated ?? false) || (update.truncated ?? false),
      // A pushed tag is news: seen now (or, creating the ConfigMap, dated by its `since`, now too).
      times: advanceTagTimes(before, tags, nowSeconds()),
    };
    // A webhook says nothing about why polling fails: the poll error stays until a poll succeeds.
    return applyChanged(
      live,
      desiredOf(observed, namespace, live?.metadata.annotations?.[pollErrorAnnotation]),
    );
  }

  /** Applies `desired` conditional on the version of `live` read just before, unless `live` already holds it. */
  async function applyChanged(
    live: ConfigMapObject | undefined,
    desired: TagConfigMap,
  ): Promise<WriteResult> {
    if (live !== undefined) cache.set(desired.metadata.name, live);
    if (holds(live, desired)) {
      metrics.configMapWrites.inc({ result: "unchanged" });
      return "unchanged";
    }
    await apply(desired, live?.metadata.resourceVersion);
    return "applied";
  }

  /** The cached copy answers a repeated failure for free; otherwise the live object is read, as for a merge. */
  async function recordFailure(scope: TagScope, message: string): Promise<WriteResult> {
    const name = tagConfigMapName(scope.repository, scope.namespace);
    const empty: ObservedTags = { ...scope, tags: [], digests: {}, truncated: false };
    const cached = cache.get(name);
    if (holds(cached, desiredOf(observedOf(cached) ?? empty, namespace, message))) {
      metrics.configMapWrites.inc({ result: "unchanged" });
      return "unchanged";
    }
    const live = await kube.getConfigMap(namespace, name);
    // Not a tag ConfigMap we can read: not ours to rewrite.
    if (live !== undefined && observedOf(live) === undefined) return "unchanged";
    return applyChanged(live, desiredOf(observedOf(live) ?? empty, namespace, message));
  }

  /** Deletes the version we saw; false when it changed meanwhile (judged again next time). */
  async function remove(configMap: ConfigMapObject): Promise<boolean> {
    const { name, resourceVersion = "" } = configMap.metadata;
    try {
      await kube.deleteConfigMap(namespace, name, resourceVersion);
    } catch (error) {
      const status = kubeStatus(error);
      if (status === 409) {
        metrics.configMapWrites.inc({ result: "conflict" });
        return false;
      }
      if (status !== 404) {
        metrics.configMapWrites.inc({ result: "error" });
        throw error;
      }
    }
    cache.delete(name);
    metrics.configMapWrites.inc({ result: "deleted" });
    return true;
  }

  async function removeAll(configMaps: readonly ConfigMapObject[]): Promise<string[]> {
    const deleted: string[] = [];
    for (const configMap of configMaps) {
      if (await remove(configMap)) deleted.push(configMap.metadata.name);
    }
    return deleted;
  }

  return {
    async reload() {
      const items = await listAllPages((page) => kube.listConfigMaps(namespace, tagsLabel, page));
      cache = new Map(items.map((item) => [item.metadata.name, item]));
    },

    observed() {
      return [...cache.values()].flatMap((configMap) => {
        const parsed = parseTagConfigMap(configMap);
        return parsed.ok ? [parsed.value] : [];
      });
    },

    observedIn: (scope) => observedOf(cache.get(tagConfigMapName(scope.repository, scope.namespace))),

    async write(observed, created = {}) {
      const before = observedOf(cache.get(tagConfigMapName(observed.repository, observed.namespace)));
      const times = advanceTagTimes(before, observed.tags, nowSeconds(), created);
      const desired = desiredOf({ ...observed, times }, namespace);
      if (holds(cache.get(desired.metadata.name), desired)) {
        metrics.configMapWrites.inc({ result: "unchanged" });
        return "unchanged";
      }
      await apply(desired);
      return "applied";
    },

    recordFailure,

    async merge(scope, update) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await mergeOnce(scope, update);
        } catch (error) {
          // Another replica wrote between our read and our apply: read again.
          if (kubeStatus(error) !== 409 || attempt >= attempts) throw error;
        }
      }
    },

    prune: (inUse) =>
      removeAll([...cache.values()].filter((configMap) => !inUse.has(configMap.metadata.name))),

    retire(repository, namespaces) {
      const names = new Set(namespaces.map((scope) => tagConfigMapName(repository, scope)));
      return removeAll([...cache.values()].filter((configMap) => names.has(configMap.metadata.name)));
    },
  };
}
