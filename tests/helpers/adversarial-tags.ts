/**
 * Hostile inputs from issue 8, shared by the linear-time tests and the adversarial benchmarks:
 * tags a publisher can push and patterns a tenant can write, each of which once froze the hooks
 * server for seconds or more. Every tag is valid under the OCI grammar (≤ 128 characters).
 */
import { maxTagLength } from "../../src/core/tags/tag-grammar.ts";

/** `1.0-rc` + digits + `x`: exponential in the old pre-release pattern. */
export function rcDigitTags(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `1.0-rc${`${i}`.padStart(6, "0")}${"1".repeat(110)}x`);
}

/** Runs of one letter with a spoiler at the end, for `^(a+)+$` and `*a*a*a*a*b`. */
export function letterRunTags(count: number, letter = "a"): string[] {
  return Array.from({ length: count }, (_, i) => {
    const spoiler = "0123456789_.-"[i % 13] ?? "";
    const length = maxTagLength - 1 - (Math.floor(i / 13) % 77);
    return letter.repeat(length) + spoiler;
  });
}

/** `a`/`b` mixes at the length limit ending in `x`: keeps every thread of `.*a` loops alive. */
export function mixedLetterTags(count: number): string[] {
  let seed = 1;
  const next = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed;
  };
  return Array.from({ length: count }, () => {
    let tag = "";
    while (tag.length < maxTagLength - 1) tag += (next() >> 16) & 1 ? "a" : "b";
    return `${tag}x`;
  });
}

/** Version-looking tags at the length limit: long pre-release and variant runs. */
export function longVersionTags(count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const head = `${i % 7}.${i % 5}.${i}`;
    const body = ["-rc.", "-alpine", "_beta", "-a."][i % 4] ?? "";
    return (
      `${head}${body}${"1.".repeat(64)}`.slice(0, maxTagLength - 1).replace(/\.$/, "") + (i % 2 ? "x" : "")
    );
  });
}

/**
 * The patterns and exclusions of the issue's list, and their relatives. The last four regexes are
 * the costliest found that the annotation caps still accept (compile-tag-regex.ts): two that RE2
 * cannot run one-pass, a one-pass one with every capturing group allowed, and a long one-pass one.
 */
export const hostileRegexes: readonly string[] = [
  "^(a+)+$",
  "^(a|a)*$",
  "^(a|aa)+$",
  "(a*)*b",
  "^([a-z0-9]+)+$",
  "^(?:.*a){4}$",
  "^(?:[ab]*a){3}[ab]{3}$",
  "^(?:(a)|(b)|(x)|(\\d))+$",
  "^[a-z0-9._-]{0,127}$",
];
export const hostileGlobs = ["*a*a*a*a*b", "*a*a*a*a*a*a*a*a*a*a*a*a*a*b", "*-*-*-*-*-*x", "*1*1*1*1*1*1*x"];
export const hostileExclusions = ["*a*a*a*a*b", "*1*1*1*1*1*x", "*.*.*.*.*.*.*.*y", "*-*-*-*-*-*-*-z"];
