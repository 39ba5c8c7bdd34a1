/**
 * Tags read as versions the way users write them: an optional prefix (`v`, `release-`), one to
 * three numeric parts (`42`, `1.25`, `1.25.3`), then an optional suffix that is either a
 * pre-release (`-rc.1`, `-beta2`) or a variant (`-alpine`, `-debian-12-r4`), and optional build
 * metadata (`+build.5`, ignored for ordering as SemVer says).
 */

export interface VersionTag {
  readonly tag: string;
  /** Prefix without a trailing `v`: `release-` for `release-v1.2.3`; `v` alone counts as no prefix. */
  readonly prefix: string;
  readonly hasV: boolean;
  readonly numbers: readonly [number, number, number];
  readonly parts: number;
  /** Pre-release identifiers (`rc.1`), undefined for a release. */
  readonly prerelease: string | undefined;
  /** The variant suffix as written (`alpine3.18`), empty for none. */
  readonly variant: string;
  /** The variant with its digits dropped (`alpine`): tags only move within one family. */
  readonly family: string;
}

const shape =
  /^(?<prefix>[A-Za-z_-]*?)(?<v>[vV]?)(?<core>\d+(?:\.\d+){0,2})(?<suffix>[-._][0-9A-Za-z.\-_]*)?(?:\+[0-9A-Za-z.\-_]+)?$/;
const prereleaseWord =
  /^(?:alpha|beta|rc|pre|preview|dev|snapshot|canary|nightly|next|milestone|ea|a|b|m)(?:[.\-_]?\d+)*(?:[.\-_]|$)/i;

function splitSuffix(raw: string): { prerelease: string | undefined; variant: string } {
  const body = raw.slice(1);
  if (body.length === 0) return { prerelease: undefined, variant: "" };
  if (prereleaseWord.test(body)) return { prerelease: body, variant: "" };
  return { prerelease: undefined, variant: body };
}

export function parseVersionTag(tag: string): VersionTag | undefined {
  const match = shape.exec(tag);
  const groups = match?.groups;
  if (groups === undefined) return undefined;
  const core = (groups.core ?? "").split(".").map(Number);
  if (core.some((n) => !Number.isSafeInteger(n))) return undefined;
  const { prerelease, variant } = splitSuffix(groups.suffix ?? "");
  return {
    tag,
    prefix: groups.prefix ?? "",
    hasV: (groups.v ?? "") !== "",
    numbers: [core[0] ?? 0, core[1] ?? 0, core[2] ?? 0],
    parts: core.length,
    prerelease,
    variant,
    family: variant.toLowerCase().replace(/[\d.]+/g, ""),
  };
}

const collator = new Intl.Collator("en", { numeric: true });

/**
 * Pre-release ordering after SemVer §11: dot-separated identifiers, numeric ones compared as
 * numbers and below alphanumeric ones; a longer list wins a tie. Letters and digits glued
 * together (`beta2`) compare with numeric collation so `beta10` > `beta2`.
 */
function comparePrerelease(a: string, b: string): number {
  const left = a.split(/[.\-_]/);
  const right = b.split(/[.\-_]/);
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const x = left[i] ?? "";
    const y = right[i] ?? "";
    const xNum = /^\d+$/.test(x);
    const yNum = /^\d+$/.test(y);
    if (xNum && yNum && Number(x) !== Number(y)) return Number(x) - Number(y);
    if (xNum !== yNum) return xNum ? -1 : 1;
    const order = collator.compare(x, y);
    if (order !== 0) return order;
  }
  return left.length - right.length;
}

/** Orders two version tags: numbers, then release above pre-release, then the variant text. */
export function compareVersionTags(a: VersionTag, b: VersionTag): number {
  for (let i = 0; i < 3; i++) {
    const diff = (a.numbers[i] ?? 0) - (b.numbers[i] ?? 0);
    if (diff !== 0) return Math.sign(diff);
  }
  if (a.prerelease !== b.prerelease) {
    if (a.prerelease === undefined) return 1;
    if (b.prerelease === undefined) return -1;
    return Math.sign(comparePrerelease(a.prerelease, b.prerelease));
  }
  return Math.sign(collator.compare(a.variant, b.variant));
}

/** Tags that can be compared at all: same prefix (`v` aside) and the same variant family. */
export function sameLine(a: VersionTag, b: VersionTag): boolean {
  return a.prefix === b.prefix && a.family === b.family;
}

/** Ordering for tags that are not versions (glob/regex/force): numeric collation, so `v1.10` > `v1.9`. */
export function compareTagText(a: string, b: string): number {
  return Math.sign(collator.compare(a, b));
}
