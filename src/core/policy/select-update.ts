/**
 * Picks the image a container should move to, from the tags a registry is known to have. The
 * answer is the highest allowed tag whatever order the registry listed them in; equal versions
 * prefer the spelling the user already writes (`v` or not, the same variant text).
 */
import { effectiveTag, formatImageRef, type ImageRef } from "../images/image-ref.ts";
import type { ObservedTags } from "../tags/tag-configmap.ts";
import { safeRegExp, tagFilter } from "./is-allowed-tag.ts";
import type { PolicySpec } from "./policy-spec.ts";
import { compareKeys, type OrderKey, orderKey } from "./tag-order.ts";
import { parseVersionTag } from "./version-tag.ts";

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

function spellingScore(currentTag: string, tag: string): number {
  const current = parseVersionTag(currentTag);
  const next = parseVersionTag(tag);
  if (current === undefined || next === undefined) return 0;
  return (current.hasV === next.hasV ? 2 : 0) + (current.variant === next.variant ? 1 : 0);
}

export function bestTag(spec: PolicySpec, currentTag: string, tags: readonly string[]): string | undefined {
  const regex = spec.policy === "regex" ? safeRegExp(spec.pattern) : undefined;
  const allowed = tagFilter(spec, currentTag);
  let best: { tag: string; key: OrderKey } | undefined;
  for (const tag of tags) {
    if (!allowed(tag)) continue;
    const key = orderKey(tag, regex);
    const order = best === undefined ? 1 : compareKeys(key, best.key);
    const tie =
      order === 0 &&
      best !== undefined &&
      spellingScore(currentTag, tag) > spellingScore(currentTag, best.tag);
    if (order > 0 || tie) best = { tag, key };
  }
  // force may move down, but only off a tag the registry no longer lists as the highest.
  const currentIsHighest =
    spec.policy === "force" &&
    best !== undefined &&
    tags.includes(currentTag) &&
    compareKeys(orderKey(currentTag, regex), best.key) >= 0;
  return currentIsHighest ? undefined : best?.tag;
}

function followDigest(current: ImageRef, tag: string, observed: ObservedTags): Selection {
  const digest = observed.digests[tag];
  if (digest === undefined) return { kind: "waiting", tag, reason: `digest of ${tag} not observed yet` };
  if (digest === current.digest) return { kind: "none", reason: `${tag} is at the registry's digest` };
  return { kind: "update", tag, digest, image: formatImageRef({ ...current, tag, digest }) };
}

export function selectUpdate(current: ImageRef, spec: PolicySpec, observed: ObservedTags): Selection {
  if (spec.policy === "none") return { kind: "none", reason: "policy is none" };
  const currentTag = effectiveTag(current);
  if (currentTag === undefined)
    return { kind: "none", reason: "image is pinned by digest only, no tag to follow" };
  if (spec.policy === "digest") return followDigest(current, currentTag, observed);
  const tag = bestTag(spec, currentTag, observed.tags);
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
