/**
 * Tenant regular expressions (`headwind.sh/pattern` under `regex`) with RE2 semantics (re2js:
 * no backreferences or lookaround, so no backtracking blow-up). RE2 is linear in the tag, but
 * its cost per character grows with the pattern, so a pattern is also bounded in what it may
 * cost: at most 256 characters and 4 capturing groups (each costs a copy per character), and a
 * small program unless RE2 can run it one-pass (anchored with `^`, each character deciding the
 * path), which costs one step per character whatever its size. Matching always goes through the
 * capture engines: re2js's lazy DFA can build a new state per character of a hostile tag,
 * milliseconds each.
 */

import { RE2JS, RE2JSException, RE2JSSyntaxException } from "re2js";
import type { Result } from "../result.ts";

export const maxPatternLength = 256;
export const maxCaptureGroups = 4;
/**
 * Instructions for a pattern RE2 cannot run one-pass. Its cost is instructions × characters, and
 * the costliest patterns of this size found take about 25 ms of CPU per 1,000 tags of 128
 * characters on a loaded 2-core machine (bench/adversarial.bench.ts).
 */
export const maxProgramSize = 16;
/** Instructions for a one-pass pattern (bounds compile time and memory, not matching time). */
export const maxOnePassProgramSize = 512;

export interface TagRegex {
  readonly source: string;
  /**
   * Undefined when the tag does not match; else what orders the tag: the group named `version`,
   * else the first group, else (no group, or none took part) the whole tag.
   */
  read(tag: string): string | undefined;
}

export type CompiledTagRegex = Result<TagRegex>;

/** re2js keeps its one-pass program here (declared in its types); absent means not one-pass. */
function isOnePass(pattern: RE2JS): boolean {
  return pattern.re2Input.onepass != null;
}

function costError(pattern: RE2JS): string | undefined {
  if (pattern.groupCount() > maxCaptureGroups)
    return `more than ${maxCaptureGroups} capturing groups; use (?:…) to group without capturing`;
  const size = pattern.programSize();
  if (isOnePass(pattern)) {
    return size > maxOnePassProgramSize ? `too large (${size} RE2 instructions)` : undefined;
  }
  if (size <= maxProgramSize) return undefined;
  return (
    `too costly to run on untrusted tags (${size} RE2 instructions; at most ${maxProgramSize} unless ` +
    "RE2 can match it one-pass: start with ^ and let each character decide the path, e.g. ^v([0-9.]+)$)"
  );
}

export function compileTagRegex(source: string): CompiledTagRegex {
  if (source.length > maxPatternLength)
    return { ok: false, error: `longer than ${maxPatternLength} characters` };
  let pattern: RE2JS;
  try {
    pattern = RE2JS.compile(source);
  } catch (error) {
    if (!(error instanceof RE2JSException)) throw error;
    const detail =
      error instanceof RE2JSSyntaxException
        ? `${error.getDescription()} at ${JSON.stringify(error.getPattern() ?? "")}`
        : error.message;
    return { ok: false, error: `not a valid regular expression (RE2 syntax: ${detail})` };
  }
  const error = costError(pattern);
  if (error !== undefined) return { ok: false, error };
  const named = pattern.namedGroups().version;
  const grouped = pattern.groupCount() > 0;
  return {
    ok: true,
    value: {
      source,
      read(tag) {
        const matcher = pattern.matcher(tag);
        if (!matcher.find()) return undefined;
        const version = named === undefined ? null : matcher.group(named);
        return version ?? (grouped ? matcher.group(1) : null) ?? tag;
      },
    },
  };
}
