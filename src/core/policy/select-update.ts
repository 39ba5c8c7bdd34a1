/**
 * Picks the image a container should move to, from the tags a registry is known to have. The
 * answer is the highest allowed tag whatever order the registry listed them in; equal versions
 * prefer the spelling the user already writes (`v` or not, the same variant text).
 */
import { effectiveTag, formatImageRef, type ImageRef } from "../images/image-ref.ts";
import type { ObservedTags } from "../tags/tag-configmap.ts";
import { type TagJudge, tagFilter } from "./is-allowed-tag.ts";
import type { PolicySpec } from "./policy-spec.ts";
import { type IndexedTag, indexTags, type TagIndex, type VersionedTag } from "./tag-index.ts";
import { compareKeys, type OrderKey, orderKey } from "./tag-order.ts";
import { compareVersionTags, parseVersionTag, type VersionTag } from "./version-tag.ts";

export type Selection =
  | {
      readonly kind: "update";
      readonly tag: string;
      readonly digest: string | undefined;
      readonly image: string;
    }
  | { readonly kind: "none"; readonly reason: string }
  /** A candidate exists but its digest is not known yet (digest-pinned images, digest policy). */
  | { readonly kind: "waiting"; readonly tag: string; readonly reason: string };

interface Best {
  readonly tag: string;
  readonly key: OrderKey;
  readonly score: number;
}

function spellingScore(current: VersionTag | undefined, next: VersionTag | undefined): number {
  if (current === undefined || next === undefined) return 0;
  return (current.hasV === next.hasV ? 2 : 0) + (current.variant === next.variant ? 1 : 0);
}

/** Keeps the higher key; on a tie, the first tag seen with the user's spelling. */
function better(best: Best | undefined, candidate: Best): Best {
  if (best === undefined) return candidate;
  const order = compareKeys(candidate.key, best.key);
  return order > 0 || (order === 0 && candidate.score > best.score) ? candidate : best;
}

/** Patch and minor answers lie below the first version whose major (and minor) passes the current's. */
function startOf(scheme: readonly VersionedTag[], current: VersionTag, policy: PolicySpec["policy"]): number {
  const parts = policy === "patch" ? 2 : policy === "minor" ? 1 : 0;
  const above = (version: VersionTag) => {
    for (let i = 0; i < parts; i++) {
      const diff = (version.numbers[i] ?? 0) - (current.numbers[i] ?? 0);
      if (diff !== 0) return diff > 0;
    }
    return false;
  };
  let low = 0;
  let high = scheme.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (above((scheme[mid] as VersionedTag).version)) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * Version policies only move within the current tag's scheme, ordered highest first: the first
 * allowed tag above the current one is the answer, up to ties in spelling.
 */
function bestInScheme(judge: TagJudge, current: VersionTag, index: TagIndex, spec: PolicySpec) {
  const scheme = index.scheme(current);
  let best: Best | undefined;
  for (let i = startOf(scheme, current, spec.policy); i < scheme.length; i++) {
    const entry = scheme[i] as VersionedTag;
    const limit = best === undefined ? current : (best.key.version as VersionTag);
    const order = compareVersionTags(entry.version, limit);
    if (order < 0 || (best === undefined && order === 0)) break;
    const key = judge(entry);
    if (key !== undefined)
      best = better(best, { tag: entry.tag, key, score: spellingScore(current, entry.version) });
  }
  return best;
}

function bestOfAll(judge: TagJudge, current: VersionTag | undefined, entries: readonly IndexedTag[]) {
  let best: Best | undefined;
  for (const entry of entries) {
    const key = judge(entry);
    if (key !== undefined)
      best = better(best, { tag: entry.tag, key, score: spellingScore(current, entry.version) });
  }
  return best;
}

const versionPolicies: ReadonlySet<string> = new Set(["patch", "minor", "major", "all", "semver"]);

export function bestTag(spec: PolicySpec, currentTag: string, index: TagIndex): string | undefined {
  const judge = tagFilter(spec, currentTag);
  const current = parseVersionTag(currentTag);
  const best =
    current !== undefined && versionPolicies.has(spec.policy)
      ? bestInScheme(judge, current, index, spec)
      : bestOfAll(judge, current, index.entries);
  // force may move down, but only off a tag the registry no longer lists as the highest.
  const currentIsHighest =
    spec.policy === "force" &&
    best !== undefined &&
    index.has(currentTag) &&
    compareKeys(orderKey(currentTag), best.key) >= 0;
  return currentIsHighest ? undefined : best?.tag;
}

function followDigest(current: ImageRef, tag: string, observed: ObservedTags): Selection {
  const digest = observed.digests[tag];
  if (digest === undefined) return { kind: "waiting", tag, reason: `digest of ${tag} not observed yet` };
  if (digest === current.digest) return { kind: "none", reason: `${tag} is at the registry's digest` };
  return { kind: "update", tag, digest, image: formatImageRef({ ...current, tag, digest }) };
}

/** `index` is `observed.tags` read once; the hooks server passes the one it keeps per ConfigMap. */
export function selectUpdate(
  current: ImageRef,
  spec: PolicySpec,
  observed: ObservedTags,
  index?: TagIndex,
): Selection {
  if (spec.policy === "none") return { kind: "none", reason: "policy is none" };
  const currentTag = effectiveTag(current);
  if (currentTag === undefined)
    return { kind: "none", reason: "image is pinned by digest only, no tag to follow" };
  if (spec.policy === "digest") return followDigest(current, currentTag, observed);
  const tag = bestTag(spec, currentTag, index ?? indexTags(observed.tags));
  if (tag === undefined)
    return { kind: "none", reason: `no tag newer than ${currentTag} allowed by ${spec.policy}` };
  // A digest pin is never dropped silently: the new tag is written with its own digest, or not yet.
  if (current.digest !== undefined) return followDigest(current, tag, observed);
  return {
    kind: "update",
    tag,
    digest: undefined,
    image: formatImageRef({ ...current, tag, digest: undefined }),
  };
}
