/**
 * Issue 8's hostile inputs at scale: whole decisions (tags read and indexed included) over 1,000
 * and 10,000 tags that once froze the hooks server, and the costliest regular expression the
 * annotation caps still let a tenant write. tests/unit/core/policy/hostile-inputs.test.ts holds
 * the 50 ms bound; this shows how the cost grows (linearly).
 */
import { bench, describe } from "vitest";
import { parseImageRef } from "../src/core/images/image-ref.ts";
import { defaultExclusions, type PolicySpec } from "../src/core/policy/policy-spec.ts";
import { selectUpdate } from "../src/core/policy/select-update.ts";
import {
  hostileExclusions,
  hostileGlobs,
  letterRunTags,
  mixedLetterTags,
  rcDigitTags,
} from "../tests/helpers/adversarial-tags.ts";
import { aSpec } from "../tests/helpers/policy-spec.ts";

const image = parseImageRef("registry.example/app:1.0-rc1");
if (image === undefined) throw new Error("bad bench image");
const current = image;

function decide(spec: PolicySpec, tags: readonly string[]) {
  selectUpdate(current, spec, { repository: "registry.example/app", tags, digests: {}, truncated: false });
}

const runs = letterRunTags(1_000);
const rc = { 1000: rcDigitTags(1_000), 10000: rcDigitTags(10_000) };
const mixes = { 1000: mixedLetterTags(1_000), 10000: mixedLetterTags(10_000) };
const exclusions = aSpec("minor", { exclude: [...defaultExclusions, ...hostileExclusions] });
const costliestRegex = aSpec("regex", { pattern: "^(?:[ab]*a){3}[ab]{3}$" });

// Runs of one letter with a spoiler: at most about 1,000 distinct tags of 128 characters exist.
describe("hostile decisions over 1,000 tags", () => {
  bench("minor, tags 1.0-rc + digits + x", () => decide(aSpec("minor"), rc[1000]));
  bench("regex ^(a+)+$, runs of a", () => decide(aSpec("regex", { pattern: "^(a+)+$" }), runs));
  bench(`glob ${hostileGlobs[0]}, runs of a`, () =>
    decide(aSpec("glob", { pattern: hostileGlobs[0] }), runs),
  );
  bench("minor, four hostile exclusions, runs of a", () => decide(exclusions, runs));
  bench("costliest regex within the caps (^(?:[ab]*a){3}[ab]{3}$), runs of a", () =>
    decide(costliestRegex, runs),
  );
  bench("costliest regex within the caps, a/b mixes", () => decide(costliestRegex, mixes[1000]));
});

describe("hostile decisions, 1,000 against 10,000 tags (linear growth)", () => {
  for (const count of [1_000, 10_000] as const) {
    bench(`minor, tags 1.0-rc + digits + x, ${count}`, () => decide(aSpec("minor"), rc[count]));
    bench(`force with ${hostileGlobs[1]}, a/b mixes, ${count}`, () =>
      decide(aSpec("force", { pattern: hostileGlobs[1] }), mixes[count]),
    );
    bench(`costliest regex within the caps, a/b mixes, ${count}`, () => decide(costliestRegex, mixes[count]));
  }
});
