/**
 * Whether a policy allows moving from the current tag to a candidate. Pure; the table of cases
 * lives in tests/unit/policy/is-allowed-tag.test.ts.
 */
import semver from "semver";
import { globMatch } from "./glob-match.ts";
import type { PolicySpec } from "./policy-spec.ts";
import { allowsPrerelease, compareKeys, orderKey, toSemver } from "./tag-order.ts";
import { compareVersionTags, parseVersionTag, sameLine, type VersionTag } from "./version-tag.ts";

function versionStep(spec: PolicySpec, current: VersionTag, next: VersionTag): boolean {
  if (!sameLine(current, next) || compareVersionTags(next, current) <= 0) return false;
  if (next.prerelease !== undefined && !allowsPrerelease(spec, current)) return false;
  const [major, minor] = current.numbers;
  switch (spec.policy) {
    case "patch":
      return next.numbers[0] === major && next.numbers[1] === minor;
    case "minor":
      return next.numbers[0] === major;
    default:
      return true;
  }
}

function semverStep(spec: PolicySpec, current: VersionTag | undefined, next: VersionTag): boolean {
  const version = toSemver(next);
  const includePrerelease = allowsPrerelease(spec, current);
  if (version === undefined || spec.constraint === undefined) return false;
  if (next.prerelease !== undefined && !includePrerelease) return false;
  if (!semver.satisfies(version, spec.constraint, { includePrerelease })) return false;
  if (current === undefined) return true;
  return sameLine(current, next) && compareVersionTags(next, current) > 0;
}

function patternStep(spec: PolicySpec, currentTag: string, tag: string): boolean {
  const regex = spec.policy === "regex" ? safeRegExp(spec.pattern) : undefined;
  if (spec.policy === "regex" && (regex === undefined || !regex.test(tag))) return false;
  if (spec.policy === "glob" && (spec.pattern === undefined || !globMatch(spec.pattern, tag))) return false;
  if (spec.policy === "force") return spec.pattern === undefined || globMatch(spec.pattern, tag);
  const next = orderKey(tag, regex);
  if (next.version?.prerelease !== undefined && !allowsPrerelease(spec, parseVersionTag(currentTag)))
    return false;
  if (regex !== undefined && !regex.test(currentTag)) return true;
  return compareKeys(next, orderKey(currentTag, regex)) > 0;
}

export function safeRegExp(pattern: string | undefined): RegExp | undefined {
  if (pattern === undefined) return undefined;
  try {
    return new RegExp(pattern);
  } catch {
    return undefined;
  }
}

export function isExcluded(spec: PolicySpec, tag: string): boolean {
  return spec.exclude.some((pattern) => globMatch(pattern, tag));
}

export function isAllowedTag(spec: PolicySpec, currentTag: string, tag: string): boolean {
  if (tag === currentTag || isExcluded(spec, tag)) return false;
  const current = parseVersionTag(currentTag);
  const next = parseVersionTag(tag);
  switch (spec.policy) {
    case "none":
    case "digest":
      return false;
    case "patch":
    case "minor":
    case "major":
    case "all":
      return current !== undefined && next !== undefined && versionStep(spec, current, next);
    case "semver":
      return next !== undefined && semverStep(spec, current, next);
    case "glob":
    case "regex":
    case "force":
      return patternStep(spec, currentTag, tag);
  }
}
