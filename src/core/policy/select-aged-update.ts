/**
 * `selectUpdate` under `headwind.sh/min-image-age`: a tag is a candidate only once it has existed
 * that long. When the best tag is still too young, the best tag that is old enough (if any) is the
 * answer, and the caller is told when to look again — when the best one comes of age.
 */
import type { ImageRef } from "../images/image-ref.ts";
import type { ObservedTags } from "../tags/tag-configmap.ts";
import { bornAt } from "../tags/tag-times.ts";
import type { PolicySpec } from "./policy-spec.ts";
import { type Selection, selectUpdate } from "./select-update.ts";
import type { TagIndex } from "./tag-index.ts";

export interface AgedSelection {
  readonly selection: Selection;
  /** Seconds until a better tag comes of age, when one is waiting. */
  readonly recheckSeconds?: number;
}

function format(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400}d`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  return seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s`;
}

export function selectAgedUpdate(
  current: ImageRef,
  spec: PolicySpec,
  observed: ObservedTags,
  minAgeSeconds: number,
  now: number,
  /** `observed.tags` indexed, when the caller keeps one (see selectUpdate). */
  index?: TagIndex,
): AgedSelection {
  const best = selectUpdate(current, spec, observed, index);
  // `digest` follows re-pushes of one tag, whose age says nothing about the new digest.
  if (minAgeSeconds <= 0 || best.kind === "none" || spec.policy === "digest") return { selection: best };
  const { times } = observed;
  if (times === undefined) {
    const reason = `min-image-age ${format(minAgeSeconds)}: no tag ages recorded for this repository yet`;
    return { selection: { kind: "none", reason } };
  }
  const nowSeconds = Math.floor(now / 1000);
  const youngFor = (tag: string) => bornAt(times, tag) + minAgeSeconds - nowSeconds;
  const wait = youngFor(best.tag);
  if (wait <= 0) return { selection: best };
  const old = observed.tags.filter((tag) => youngFor(tag) <= 0);
  const aged = selectUpdate(current, spec, { ...observed, tags: old });
  if (aged.kind !== "none") return { selection: aged, recheckSeconds: wait };
  const reason = `${best.tag} is younger than min-image-age ${format(minAgeSeconds)} for ${wait}s more`;
  return { selection: { kind: "none", reason }, recheckSeconds: wait };
}
