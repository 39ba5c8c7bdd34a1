/**
 * Issue 8's attacks on the decision path, as tests: every tag generator and pattern from the
 * issue, plus a fuzzed tag alphabet, each decided over 1,000 tags in well under 50 ms. A
 * backtracking pattern anywhere on the path takes seconds here. Figures: bench/adversarial.bench.ts.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { parseImageRef } from "../../../../src/core/images/image-ref.ts";
import { compileTagRegex } from "../../../../src/core/policy/compile-tag-regex.ts";
import type { PolicySpec } from "../../../../src/core/policy/policy-spec.ts";
import { defaultExclusions, policies } from "../../../../src/core/policy/policy-spec.ts";
import { selectUpdate } from "../../../../src/core/policy/select-update.ts";
import { maxTagLength } from "../../../../src/core/tags/tag-grammar.ts";
import {
  hostileExclusions,
  hostileGlobs,
  hostileRegexes,
  letterRunTags,
  longVersionTags,
  mixedLetterTags,
  rcDigitTags,
} from "../../../helpers/adversarial-tags.ts";
import { aSpec } from "../../../helpers/policy-spec.ts";

const budgetMs = 50;
const image = parseImageRef("registry.example/app:1.0-rc1");
if (image === undefined) throw new Error("bad test image");
const current = image;

/**
 * The CPU time of one whole decision as the hook makes it, reading and indexing the tags included.
 * CPU time, not wall time, and the least of three runs: on a shared machine other processes add to
 * both, never take away, so the least is the decision's own cost.
 */
function decideMs(spec: PolicySpec, tags: readonly string[]): number {
  const observed = { repository: "registry.example/app", tags, digests: {}, truncated: false };
  let least = Number.POSITIVE_INFINITY;
  for (let run = 0; run < 3; run++) {
    const start = process.cpuUsage();
    selectUpdate(current, spec, observed);
    const used = process.cpuUsage(start);
    least = Math.min(least, (used.user + used.system) / 1000);
  }
  return least;
}

const generators: [string, (n: number) => string[]][] = [
  ["1.0-rc + digits + x", rcDigitTags],
  ["runs of a", (n) => letterRunTags(n)],
  ["runs of 1", (n) => letterRunTags(n, "1")],
  ["long versions", longVersionTags],
  ["a/b mixes ending in x", mixedLetterTags],
];

const specs: [string, PolicySpec][] = [
  ...policies.map((policy): [string, PolicySpec] => [policy, aSpec(policy, { constraint: ">=0.0.0" })]),
  ...hostileRegexes.map((pattern): [string, PolicySpec] => [`regex ${pattern}`, aSpec("regex", { pattern })]),
  ...hostileGlobs.map((pattern): [string, PolicySpec] => [`glob ${pattern}`, aSpec("glob", { pattern })]),
  ["force with a hostile glob", aSpec("force", { pattern: hostileGlobs[0] })],
  ["minor, hostile exclusions", aSpec("minor", { exclude: [...defaultExclusions, ...hostileExclusions] })],
  ["all, hostile exclusions", aSpec("all", { exclude: [...defaultExclusions, ...hostileExclusions] })],
];

describe("decisions over hostile tags", () => {
  beforeAll(() => {
    // The server is long-running: measure decisions, not the JIT's first look at each path.
    for (const [, spec] of specs) for (const [, tags] of generators) decideMs(spec, tags(50));
  });

  it("uses the issue's patterns as they are (none rejected, so none skipped)", () => {
    for (const pattern of hostileRegexes) expect(compileTagRegex(pattern).ok, pattern).toBe(true);
  });

  const cases = specs.flatMap(([name, spec]) =>
    generators.map(([tags, make]) => [name, tags, spec, make] as const),
  );
  it.each(cases)("%s over 1,000 tags of %s stays under 50 ms", (_name, _tags, spec, make) => {
    expect(decideMs(spec, make(1_000))).toBeLessThan(budgetMs);
  });

  it("stays under 50 ms for any 1,000 tags of a fuzzed alphabet, under any policy", () => {
    const alphabet = fc.constantFrom(..."aaaa1111....----__vVrcx9Z");
    const tag = fc
      .tuple(fc.constantFrom(..."a1v_"), fc.array(alphabet, { maxLength: maxTagLength - 1 }))
      .map(([head, rest]) => head + rest.join(""));
    fc.assert(
      fc.property(
        fc.uniqueArray(tag, { minLength: 1_000, maxLength: 1_000 }),
        fc.constantFrom(...specs),
        (tags, [, spec]) => {
          expect(decideMs(spec, tags)).toBeLessThan(budgetMs);
        },
      ),
      { numRuns: 25 },
    );
  });
});
