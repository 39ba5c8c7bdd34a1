/**
 * How a policy reads and orders tags. Version policies compare only tags on the current tag's
 * line (same prefix, same variant family); pattern policies fall back to numeric text order
 * when tags are not comparable versions, so repeated syncs converge instead of flip-flopping.
 */
import semver from "semver";
import type { PolicySpec } from "./policy-spec.ts";
import {
  compareTagText,
  compareVersionTags,
  parseVersionTag,
  sameLine,
  type VersionTag,
} from "./version-tag.ts";

export interface OrderKey {
  readonly tag: string;
  readonly version: VersionTag | undefined;
}

/** For regex policies a capture group (named `version`, else the first) is what gets ordered. */
export function orderKey(tag: string, regex: RegExp | undefined): OrderKey {
  if (regex === undefined) return { tag, version: parseVersionTag(tag) };
  const match = regex.exec(tag);
  const captured = match?.groups?.version ?? match?.[1];
  const text = captured ?? tag;
  return { tag: text, version: parseVersionTag(text) };
}

export function compareKeys(a: OrderKey, b: OrderKey): number {
  if (a.version !== undefined && b.version !== undefined && sameLine(a.version, b.version)) {
    return compareVersionTags(a.version, b.version);
  }
  return compareTagText(a.tag, b.tag);
}

/** The SemVer string for npm range matching; undefined when the tag has no SemVer spelling. */
export function toSemver(version: VersionTag): string | undefined {
  const [major, minor, patch] = version.numbers;
  const pre = version.prerelease === undefined ? "" : `-${version.prerelease.replace(/_/g, "-")}`;
  return semver.valid(`${major}.${minor}.${patch}${pre}`) ?? undefined;
}

export function allowsPrerelease(spec: PolicySpec, current: VersionTag | undefined): boolean {
  return spec.includePrereleases || current?.prerelease !== undefined;
}
