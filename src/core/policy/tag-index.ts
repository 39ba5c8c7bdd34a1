/**
 * A repository's tags read once: each parsed as a version, and the versions of each scheme
 * (see sameScheme) ordered highest first on first use. A version policy then finds its answer by
 * a binary search and a short walk instead of reading every tag again, and the hooks server keeps
 * one index per ConfigMap content (hooks-server/workloads/create-tag-cache.ts).
 */
import { compareVersionTags, parseVersionTag, type VersionTag } from "./version-tag.ts";

export interface IndexedTag {
  readonly tag: string;
  readonly version: VersionTag | undefined;
}

export interface VersionedTag extends IndexedTag {
  readonly version: VersionTag;
}

export interface TagIndex {
  /** Every tag in the order the registry listed it. */
  readonly entries: readonly IndexedTag[];
  has(tag: string): boolean;
  /** The tags of `version`'s scheme, highest first; equal versions keep the registry's order. */
  scheme(version: VersionTag): readonly VersionedTag[];
}

function schemeKey(version: VersionTag): string {
  return `${version.prefix}\u0000${version.hasV}\u0000${version.family}\u0000${version.numbered}`;
}

const descending = (a: VersionedTag, b: VersionedTag) => compareVersionTags(b.version, a.version);

export function indexTags(tags: readonly string[]): TagIndex {
  const entries = tags.map((tag) => ({ tag, version: parseVersionTag(tag) }));
  let names: ReadonlySet<string> | undefined;
  const schemes = new Map<string, { tags: VersionedTag[]; sorted: boolean }>();
  for (const entry of entries) {
    if (entry.version === undefined) continue;
    const key = schemeKey(entry.version);
    const scheme = schemes.get(key) ?? { tags: [], sorted: false };
    scheme.tags.push(entry as VersionedTag);
    schemes.set(key, scheme);
  }
  return {
    entries,
    has(tag) {
      names ??= new Set(tags);
      return names.has(tag);
    },
    scheme(version) {
      const scheme = schemes.get(schemeKey(version));
      if (scheme === undefined) return [];
      if (!scheme.sorted) {
        scheme.tags.sort(descending);
        scheme.sorted = true;
      }
      return scheme.tags;
    },
  };
}
