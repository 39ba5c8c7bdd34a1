/**
 * How a policy reads and orders tags. Version policies compare only tags of the current tag's
 * scheme; pattern policies order any two versions of one line (same prefix, `v` aside, and
 * variant family) as versions and fall back to numeric text order otherwise, so repeated syncs
 * converge instead of flip-flopping.
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

/** What gets ordered: the tag itself, or for regex policies the text its capture group read. */
export interface OrderKey {
  readonly tag: string;
  readonly version: VersionTag | undefined;
}

export function orderKey(text: string): OrderKey {
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
