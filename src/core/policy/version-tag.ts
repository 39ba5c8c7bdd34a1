/**
 * Tags read as versions the way users write them: an optional prefix (`v`, `release-`), one to
 * three numeric parts (`42`, `1.25`, `1.25.3`), then an optional suffix that is either a
 * pre-release (`-rc.1`, `-beta2`) or a variant (`-alpine`, `-debian-12-r4`), and optional build
 * metadata (`+build.5`, ignored for ordering as SemVer says).
 *
 * Tags come from any publisher of a followed image, so this is a hand-written scanner that looks
 * at each character a bounded number of times: a backtracking pattern here once spent seconds on
 * one tag (`1.0-rc` + thirty digits + `x`).
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
  /** Whether the variant carries its own version (`alpine3.18`) rather than floating (`alpine`). */
  readonly numbered: boolean;
}

const prereleaseWords = [
  "alpha",
  "beta",
  "rc",
  "pre",
  "preview",
  "dev",
  "snapshot",
  "canary",
  "nightly",
  "next",
  "milestone",
  "ea",
  "a",
  "b",
  "m",
];

// Character classes by char code: this runs for every tag of every repository a hook reads.
const isDigit = (c: number) => c >= 48 && c <= 57;
const isLetter = (c: number) => (c | 32) >= 97 && (c | 32) <= 122;
const isSeparator = (c: number) => c === 46 || c === 45 || c === 95;
const isWordChar = (c: number) => isDigit(c) || isLetter(c) || isSeparator(c);
const plus = 43;
const dot = 46;

function digitsEnd(tag: string, from: number): number {
  let i = from;
  while (i < tag.length && isDigit(tag.charCodeAt(i))) i++;
  return i;
}

/** Whether `word` starts `tag` at `from`, ignoring case (the words are lowercase). */
function startsWithWord(tag: string, from: number, end: number, word: string): boolean {
  if (end - from < word.length) return false;
  for (let i = 0; i < word.length; i++)
    if ((tag.charCodeAt(from + i) | 32) !== word.charCodeAt(i)) return false;
  return true;
}

/**
 * After a pre-release word: numbers, each optionally after one separator, then a separator or
 * the end (`rc.1`, `beta2`, `alpha-1.x`). A separator anywhere before the first other character
 * settles it, so one forward pass decides.
 */
function endsPrereleaseWord(tag: string, from: number, end: number): boolean {
  let i = from;
  for (;;) {
    if (i === end || isSeparator(tag.charCodeAt(i))) return true;
    if (!isDigit(tag.charCodeAt(i))) return false;
    while (i < end && isDigit(tag.charCodeAt(i))) i++;
  }
}

function isPrerelease(tag: string, from: number, end: number): boolean {
  return prereleaseWords.some(
    (word) => startsWithWord(tag, from, end, word) && endsPrereleaseWord(tag, from + word.length, end),
  );
}

/**
 * Where `[-._][0-9A-Za-z._-]*` (the suffix) ends when it and then `+[0-9A-Za-z._-]+` (build
 * metadata) take the tag from `from` to its end; -1 when they cannot.
 */
function suffixEnd(tag: string, from: number): number {
  let i = from;
  if (i < tag.length && isSeparator(tag.charCodeAt(i))) {
    i++;
    while (i < tag.length && isWordChar(tag.charCodeAt(i))) i++;
  }
  if (i === tag.length) return i;
  if (tag.charCodeAt(i) !== plus || i + 1 === tag.length) return -1;
  for (let j = i + 1; j < tag.length; j++) if (!isWordChar(tag.charCodeAt(j))) return -1;
  return i;
}

interface Split {
  prefixEnd: number;
  coreStart: number;
  coreEnd: number;
  suffixEnd: number;
}

/** Where the prefix (`[A-Za-z_-]*`) ends; a version starts only at a digit after it. */
function prefixEnd(tag: string): number {
  let i = 0;
  while (i < tag.length) {
    const c = tag.charCodeAt(i);
    if (!isLetter(c) && c !== 45 && c !== 95) break;
    i++;
  }
  return i;
}

/** Ends of the up to three dot-separated numbers that start at `from`. */
function coreEnds(tag: string, from: number): number[] {
  const ends = [digitsEnd(tag, from)];
  for (let last = ends[0] ?? from; ends.length < 3; ends.push(last)) {
    if (tag.charCodeAt(last) !== dot || !isDigit(tag.charCodeAt(last + 1))) break;
    last = digitsEnd(tag, last + 1);
  }
  return ends;
}

function split(tag: string): Split | undefined {
  const coreStart = prefixEnd(tag);
  if (!isDigit(tag.charCodeAt(coreStart))) return undefined;
  const v = coreStart > 0 && (tag.charCodeAt(coreStart - 1) | 32) === 118;
  // Fewer numeric parts leave more for the suffix (`1.2.3x` reads as 1.2 with variant `3x`), as
  // the greedy-then-retreat pattern this replaces read them.
  const ends = coreEnds(tag, coreStart);
  for (let k = ends.length - 1; k >= 0; k--) {
    const coreEnd = ends[k] ?? coreStart;
    const end = suffixEnd(tag, coreEnd);
    if (end >= 0) return { prefixEnd: v ? coreStart - 1 : coreStart, coreStart, coreEnd, suffixEnd: end };
  }
  return undefined;
}

export function parseVersionTag(tag: string): VersionTag | undefined {
  const parts = split(tag);
  if (parts === undefined) return undefined;
  const core = tag.slice(parts.coreStart, parts.coreEnd).split(".").map(Number);
  if (core.some((n) => !Number.isSafeInteger(n))) return undefined;
  const bodyStart = parts.coreEnd + 1;
  const prerelease =
    parts.suffixEnd > bodyStart && isPrerelease(tag, bodyStart, parts.suffixEnd)
      ? tag.slice(bodyStart, parts.suffixEnd)
      : undefined;
  const variant =
    prerelease === undefined && parts.suffixEnd > bodyStart ? tag.slice(bodyStart, parts.suffixEnd) : "";
  const family = variant.toLowerCase().replace(/[\d.]+/g, "");
  return {
    tag,
    prefix: tag.slice(0, parts.prefixEnd),
    hasV: parts.prefixEnd < parts.coreStart,
    numbers: [core[0] ?? 0, core[1] ?? 0, core[2] ?? 0],
    parts: core.length,
    prerelease,
    variant,
    family,
    numbered: family.length !== variant.length && /\d/.test(variant),
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

/** Tags that can be ordered against each other: same prefix (`v` aside) and the same variant family. */
export function sameLine(a: VersionTag, b: VersionTag): boolean {
  return a.prefix === b.prefix && a.family === b.family;
}

/**
 * Tags a version policy may move between: the scheme a user wrote is kept. A `v` stays (or stays
 * away) like any other prefix, and a floating variant (`-alpine`) moves only to the same floating
 * variant, while a numbered one (`-alpine3.18`) moves within its numbered family.
 */
export function sameScheme(a: VersionTag, b: VersionTag): boolean {
  return sameLine(a, b) && a.hasV === b.hasV && a.numbered === b.numbered;
}

/** Ordering for tags that are not versions (glob/regex/force): numeric collation, so `v1.10` > `v1.9`. */
export function compareTagText(a: string, b: string): number {
  return Math.sign(collator.compare(a, b));
}
