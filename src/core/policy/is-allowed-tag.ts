/**
 * Whether a policy allows moving from the current tag to a candidate. `tagFilter` compiles the
 * policy once (patterns, exclusions, the semver range, the current tag) so a repository of
 * 50,000 tags is filtered without re-parsing per tag. The table of cases lives in
 * tests/unit/core/policy/is-allowed-tag.test.ts.
 */
import semver from "semver";
import { globToRegExp } from "./glob-match.ts";
import type { PolicySpec } from "./policy-spec.ts";
import { allowsPrerelease, compareKeys, type OrderKey, orderKey, toSemver } from "./tag-order.ts";
import { compareVersionTags, parseVersionTag, sameLine, type VersionTag } from "./version-tag.ts";

interface Compiled {
  readonly spec: PolicySpec;
  readonly currentTag: string;
  readonly current: VersionTag | undefined;
  readonly prereleases: boolean;
  readonly pattern: RegExp | undefined;
  readonly range: semver.Range | undefined;
  readonly currentKey: OrderKey;
}

export function safeRegExp(pattern: string | undefined): RegExp | undefined {
  if (pattern === undefined) return undefined;
  try {
    return new RegExp(pattern);
  } catch {
    return undefined;
  }
}

function safeRange(constraint: string | undefined, includePrerelease: boolean): semver.Range | undefined {
  if (constraint === undefined) return undefined;
  try {
    return new semver.Range(constraint, { includePrerelease });
  } catch {
    return undefined;
  }
}

function versionStep(c: Compiled, next: VersionTag): boolean {
  const { current } = c;
  if (current === undefined || !sameLine(current, next) || compareVersionTags(next, current) <= 0)
    return false;
  if (next.prerelease !== undefined && !c.prereleases) return false;
  const [major, minor] = current.numbers;
  switch (c.spec.policy) {
    case "patch":
      return next.numbers[0] === major && next.numbers[1] === minor;
    case "minor":
      return next.numbers[0] === major;
    default:
      return true;
  }
}

function semverStep(c: Compiled, next: VersionTag): boolean {
  const version = toSemver(next);
  if (version === undefined || c.range === undefined) return false;
  if (next.prerelease !== undefined && !c.prereleases) return false;
  if (!c.range.test(version)) return false;
  if (c.current === undefined) return true;
  return sameLine(c.current, next) && compareVersionTags(next, c.current) > 0;
}

function patternStep(c: Compiled, tag: string): boolean {
  const { policy } = c.spec;
  if (policy === "force") return c.pattern === undefined || c.pattern.test(tag);
  if (c.pattern === undefined || !c.pattern.test(tag)) return false;
  const regex = policy === "regex" ? c.pattern : undefined;
  const next = orderKey(tag, regex);
  if (next.version?.prerelease !== undefined && !c.prereleases) return false;
  if (regex !== undefined && !regex.test(c.currentTag)) return true;
  return compareKeys(next, c.currentKey) > 0;
}

function compile(spec: PolicySpec, currentTag: string): Compiled {
  const current = parseVersionTag(currentTag);
  const prereleases = allowsPrerelease(spec, current);
  const pattern =
    spec.policy === "regex"
      ? safeRegExp(spec.pattern)
      : spec.pattern === undefined || (spec.policy !== "glob" && spec.policy !== "force")
        ? undefined
        : globToRegExp(spec.pattern);
  const range = spec.policy === "semver" ? safeRange(spec.constraint, prereleases) : undefined;
  const currentKey = orderKey(currentTag, spec.policy === "regex" ? pattern : undefined);
  return { spec, currentTag, current, prereleases, pattern, range, currentKey };
}

/** Compiles a policy against the current tag into a predicate over candidate tags. */
export function tagFilter(spec: PolicySpec, currentTag: string): (tag: string) => boolean {
  const c = compile(spec, currentTag);
  const exclusions = spec.exclude.map(globToRegExp);
  return (tag) => {
    if (tag === currentTag || exclusions.some((pattern) => pattern.test(tag))) return false;
    switch (spec.policy) {
      case "none":
      case "digest":
        return false;
      case "glob":
      case "regex":
      case "force":
        return patternStep(c, tag);
    }
    const next = parseVersionTag(tag);
    if (next === undefined) return false;
    return spec.policy === "semver" ? semverStep(c, next) : versionStep(c, next);
  };
}

export function isAllowedTag(spec: PolicySpec, currentTag: string, tag: string): boolean {
  return tagFilter(spec, currentTag)(tag);
}
