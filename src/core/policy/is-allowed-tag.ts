/**
 * Whether a policy allows moving from the current tag to a candidate. `tagFilter` compiles the
 * policy once (patterns, exclusions, the semver range, the current tag) into a judge that reads
 * each candidate once, so a repository of 50,000 tags is filtered without re-parsing per tag. The
 * table of cases lives in tests/unit/core/policy/is-allowed-tag.test.ts.
 */
import semver from "semver";
import { compileGlob, type TagMatcher } from "./compile-glob.ts";
import { compileTagRegex, type TagRegex } from "./compile-tag-regex.ts";
import type { PolicySpec } from "./policy-spec.ts";
import type { IndexedTag } from "./tag-index.ts";
import { allowsPrerelease, compareKeys, type OrderKey, orderKey, toSemver } from "./tag-order.ts";
import { compareVersionTags, parseVersionTag, sameScheme, type VersionTag } from "./version-tag.ts";

/** The candidate's order key when the policy allows it, else undefined. */
export type TagJudge = (candidate: IndexedTag) => OrderKey | undefined;

interface Compiled {
  readonly spec: PolicySpec;
  readonly current: VersionTag | undefined;
  readonly prereleases: boolean;
  readonly glob: TagMatcher | undefined;
  readonly regex: TagRegex | undefined;
  readonly range: semver.Range | undefined;
  /** How the current tag orders; undefined under regex when the current tag does not match. */
  readonly currentKey: OrderKey | undefined;
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
  if (current === undefined || !sameScheme(current, next) || compareVersionTags(next, current) <= 0)
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
  return sameScheme(c.current, next) && compareVersionTags(next, c.current) > 0;
}

/** The regex reads the candidate's order text; glob and force order the tag itself. */
function patternKey(c: Compiled, candidate: IndexedTag): OrderKey | undefined {
  if (c.regex === undefined) return candidate;
  const text = c.regex.read(candidate.tag);
  if (text === undefined) return undefined;
  return text === candidate.tag ? candidate : orderKey(text);
}

function patternStep(c: Compiled, candidate: IndexedTag): OrderKey | undefined {
  const { policy } = c.spec;
  if (c.glob !== undefined && !c.glob(candidate.tag)) return undefined;
  if (policy === "force") return candidate;
  if (policy === "glob" ? c.glob === undefined : c.regex === undefined) return undefined;
  const next = patternKey(c, candidate);
  if (next === undefined) return undefined;
  if (next.version?.prerelease !== undefined && !c.prereleases) return undefined;
  if (c.currentKey === undefined) return next;
  return compareKeys(next, c.currentKey) > 0 ? next : undefined;
}

function compile(spec: PolicySpec, currentTag: string): Compiled {
  const current = parseVersionTag(currentTag);
  const prereleases = allowsPrerelease(spec, current);
  const usesGlob = spec.policy === "glob" || spec.policy === "force";
  const glob = usesGlob && spec.pattern !== undefined ? compileGlob(spec.pattern) : undefined;
  const compiled =
    spec.policy === "regex" && spec.pattern !== undefined ? compileTagRegex(spec.pattern) : undefined;
  const regex = compiled?.ok ? compiled.value : undefined;
  const range = spec.policy === "semver" ? safeRange(spec.constraint, prereleases) : undefined;
  const currentText = regex === undefined ? currentTag : regex.read(currentTag);
  const currentKey = currentText === undefined ? undefined : orderKey(currentText);
  return { spec, current, prereleases, glob, regex, range, currentKey };
}

/** Compiles a policy against the current tag into a judge of candidate tags. */
export function tagFilter(spec: PolicySpec, currentTag: string): TagJudge {
  const c = compile(spec, currentTag);
  const exclusions = spec.exclude.map(compileGlob);
  return (candidate) => {
    const { tag, version } = candidate;
    if (tag === currentTag || exclusions.some((excluded) => excluded(tag))) return undefined;
    switch (spec.policy) {
      case "none":
      case "digest":
        return undefined;
      case "glob":
      case "regex":
      case "force":
        return patternStep(c, candidate);
    }
    if (version === undefined) return undefined;
    const allowed = spec.policy === "semver" ? semverStep(c, version) : versionStep(c, version);
    return allowed ? candidate : undefined;
  };
}

export function isAllowedTag(spec: PolicySpec, currentTag: string, tag: string): boolean {
  return tagFilter(spec, currentTag)({ tag, version: parseVersionTag(tag) }) !== undefined;
}
