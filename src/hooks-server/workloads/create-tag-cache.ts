/**
 * Reads each tag ConfigMap content once: a hook call for a workload on a 10,000-tag repository
 * then costs a lookup and a short walk, not a parse of 10,000 tags. Keyed by uid and
 * resourceVersion (a resourceVersion never changes content); an entry is used only if the data
 * it was read from is still equal, so not even a request that reuses a resourceVersion with other
 * data can make a hook act on stale tags. Bounded in entries and in tags held (LRU).
 */
import { LRUCache } from "lru-cache";
import type { KubeObject } from "../../core/kube-object.ts";
import {
  type RepositoryTags,
  readRepositoryTags,
  type TagReader,
} from "../../core/policy/read-repository-tags.ts";

export interface TagCacheLimits {
  /** ConfigMaps kept. */
  readonly maxEntries: number;
  /** Tags kept across all entries (about 150 bytes each once indexed). */
  readonly maxTags: number;
}

export const defaultTagCacheLimits: TagCacheLimits = { maxEntries: 1_000, maxTags: 500_000 };

interface Entry {
  readonly data: Readonly<Record<string, unknown>>;
  readonly tags: RepositoryTags;
}

function dataOf(configMap: KubeObject): Readonly<Record<string, unknown>> | undefined {
  const data = (configMap as { data?: unknown }).data;
  return typeof data === "object" && data !== null ? (data as Record<string, unknown>) : undefined;
}

function sameData(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

export function createTagCache(limits: TagCacheLimits = defaultTagCacheLimits): TagReader {
  const cache = new LRUCache<string, Entry>({
    max: limits.maxEntries,
    maxSize: limits.maxTags,
    sizeCalculation: (entry) => entry.tags.observed.tags.length + 1,
  });
  return (configMap) => {
    const { uid, resourceVersion } = configMap.metadata;
    const data = dataOf(configMap);
    if (uid === undefined || resourceVersion === undefined || data === undefined)
      return readRepositoryTags(configMap);
    const key = `${uid}/${resourceVersion}`;
    const hit = cache.get(key);
    if (hit !== undefined && sameData(hit.data, data)) return { ok: true, value: hit.tags };
    const read = readRepositoryTags(configMap);
    if (read.ok) cache.set(key, { data: { ...data }, tags: read.value });
    return read;
  };
}
